int x = 1;
int x = 2;
int g(int);
long g(int a) { return a; }
