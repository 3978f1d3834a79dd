// EXPECT: E0320 at 6:9
// CLANG-ACCEPTS: clang-19 has the type-generic __builtin_popcountg; ebpfc does not yet
// A builtin ebpfc does not provide is named as such, not as an undeclared identifier.
int f(int x)
{
	return __builtin_popcountg((unsigned)x) + (int)__builtin_strlen("ok");
}
