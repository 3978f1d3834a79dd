// Section placement of static constants, as clang -O2 places them: 4/8/16/32-byte
// constants whose address does not escape go to `.rodata.cstN`, other sizes and
// escaping or external constants to `.rodata`, `const volatile` stays in `.rodata`.
static const int c4 = 7;
static const long c8[1] = {9};
static const int c16[4] = {1, 2, 3, 4};
static const short c32[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const int c12[3] = {1, 2, 3};
static const char escapes[8] = "abc";
static const volatile int config = 3;
const int external8[2] = {1, 2};
volatile int idx;

static long (*probe_read)(void *dst, int size, const void *src) = (void *)113;

__attribute__((section("xdp"))) int prog(void *ctx)
{
	unsigned i = idx;
	char buf[8];

	probe_read(buf, 8, escapes);
	return c4 + c8[i & 0] + c16[i & 3] + c32[i & 15] + c12[i % 3] + external8[i & 1] +
	       config + buf[0];
}
