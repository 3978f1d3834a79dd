/* `##` pasting: identifiers, numbers, operators, empty operands (placemarkers),
   pasting into a keyword, pasted names that are macros get expanded on rescan. */
#define CAT(a, b) a ## b
#define XCAT(a, b) CAT(a, b)
#define PREFIX bpf_
#define FIELD(n) field_##n
#define HALF 1
#define ARROW(a) a -## >
#define INT_NAME(x) x##t

int CAT(foo, bar);
int CAT(1, 2);
int XCAT(PREFIX, map);
int CAT(PREFIX, map);
int FIELD(a), FIELD(), FIELD(42);
int CAT(, tail), CAT(head, ), CAT(,);
int q = CAT(HA, LF);
INT_NAME(in) v;
int w = CAT(<, <) CAT(<<, =) 2;
ARROW(p) x;
#define HEX(n) 0x##n
int hex = HEX(ff) + HEX(10UL);
