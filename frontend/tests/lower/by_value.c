// Structs by value: an inlined callee takes hidden pointers (a private copy of each
// argument, the caller's return slot first) and is always_inline; calls that stay
// calls pass structs of up to 16 bytes in one or two registers; an extern function's
// struct result comes back through a hidden pointer.
struct pair { unsigned a, b; };
struct vec3 { short x, y, z; };
struct trio { unsigned a, b, c; };

static struct pair mk(unsigned a, unsigned b)
{
	struct pair p = { a, b };
	return p;
}

static unsigned sum(struct pair p)
{
	p.a += 1;
	return p.a + p.b;
}

static __attribute__((noinline)) unsigned dot(struct vec3 v, struct trio t)
{
	return v.x * t.a + v.z * t.c;
}

extern struct pair ext_pair(int k);

unsigned use(struct vec3 *v, struct trio *t, unsigned x)
{
	struct pair q = mk(x, 2);
	return sum(q) + dot(*v, *t) + ext_pair(3).b + mk(1, x).a;
}
