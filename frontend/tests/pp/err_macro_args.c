#define TWO(a, b) a + b
#define NONE() 0
#define VA(a, b, ...) a b __VA_ARGS__
int x = TWO(1);
int y = TWO(1, 2, 3);
int z = NONE(1);
int w = VA(1);
int ok = VA(1, 2) + TWO(,) + NONE();
