struct p { int a, b; };
struct p g = { .c = 1 };
int arr[2] = { [5] = 1 };
