// ARGS: -mcpu=v1
// EXPECT: E0502 at 7:9
// Fetching atomics need -mcpu=v3; at v1 only the plain atomic add exists.
long counter;
long f(void)
{
	return __sync_fetch_and_or(&counter, 4);
}
