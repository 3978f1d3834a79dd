struct __attribute__((packed)) pk { unsigned char a; unsigned int b; unsigned short c : 9, d : 7; };
static const char msg[] = "hi";

unsigned int get_b(struct pk *p) { return p->b; }
void set_b(struct pk *p, unsigned int v) { p->b = v; }
int get_c(struct pk *p) { return p->c + msg[1]; }

struct padded { unsigned int x; long : 0; unsigned char tail[0]; };
unsigned int padded_x(struct padded *p) { return p->x; }

struct big_unused { long a, b, c; };
struct node { struct node *next; struct big_unused *other; int v; };
int node_v(struct node *n) { return n->next->v; }

static const char fmt[] = "x=%d";
static long (*const bpf_trace_printk)(const char *fmt, unsigned int size, ...) = (void *) 6;
long log_it(int x) { return bpf_trace_printk(fmt, sizeof(fmt), x); }
