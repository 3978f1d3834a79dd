#line
#line abc
#line 10 notastring
int x = __LINE__;
