char huge[1UL << 40];
struct s { int x; } __attribute__((aligned(1 << 20)));
