// ARGS: -mcpu=v1
// EXPECT: E0502 at 8:9
// 32-bit fetching atomics need -mcpu=v3 (ALU32); clang rejects them below v3 too (its
// 64-bit forms work at v1).
int counter;
int f(void)
{
	return __sync_fetch_and_or(&counter, 4);
}
