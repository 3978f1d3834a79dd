/* Literal decoding: integer types (C17 6.4.4.1 for LP64), characters, strings. */
long v[] = {
    0, 42, 017, 0x1f, 0b101, 2147483647, 2147483648, 4294967295, 0xffffffff,
    0x100000000, 9223372036854775807, 0x8000000000000000, 18446744073709551615u,
    1u, 1l, 1ul, 1LU, 1ll, 1ULL, 0xffLL,
    'a', '\n', '\0', '\x7f', '\377', '\'', 'ab', L'x', u'y', U'\U0001F600',
};
const char *s1 = "plain";
const char *s2 = "con" "cat" "enated";
const char *s3 = "esc\t\"\\\x41\101\e";
const char *s4 = u8"utf8 \u00e9";
double f = 1.5;
