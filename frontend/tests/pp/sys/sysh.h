/* Found through -I tests/pp/sys by the angled include in include.c. */
#define SYS_VALUE 5
int sys_decl;
