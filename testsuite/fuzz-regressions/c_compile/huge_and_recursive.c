#define F(x) F(x) x
#define G G
int a = F(1) + G;
int b = 0x1p99999999;
unsigned long long c = 18446744073709551616ull;
int d[0x7fffffffffffffff];
#if 99999999999999999999999
#endif
#line 0
#line 99999999999
