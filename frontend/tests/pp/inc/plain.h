#define PLAIN_VALUE 4
int plain_decl;
