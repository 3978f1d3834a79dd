/* Syntactically valid, semantically wrong for BPF at file scope: the parser accepts
   these and leaves them to sema (clang rejects each one there too). */
static _Thread_local int tls;
register int reg;
char *const *(*pp)[static 1];
int g(void) { return undeclared_function(1); }
