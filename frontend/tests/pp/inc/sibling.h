#define SIBLING_VALUE 3
int sibling_decl;
