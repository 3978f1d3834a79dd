// CO-RE type and enum relocations: local_type_id, target_type_id, type_exists,
// type_matches, type_size, enumval_exists, enumval_value, on structs, unions, typedefs,
// pointers, arrays, enums, enum64 and anonymous types, in two program sections.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct pair { int a, b; };
union num { int i; long l; };
typedef struct pair pair_t;
typedef int *intp;
enum color { RED, GREEN = 5, BLUE = -3 };
enum big { SMALL = 1, HUGE = 0x100000000ULL };
typedef enum color color_t;
typedef struct { char x; } anon_t;
typedef int arr4[4];

SEC("tracepoint/types")
int types(void *ctx)
{
	long r = bpf_core_type_id_local(struct pair);
	r += bpf_core_type_id_kernel(union num);
	r += bpf_core_type_exists(pair_t);
	r += bpf_core_type_matches(intp);
	r += bpf_core_type_size(arr4);
	r += bpf_core_type_size(anon_t);
	r += bpf_core_type_exists(enum color);
	r += bpf_core_type_id_local(int);
	r += bpf_core_type_size(intp);
	r += bpf_core_type_exists(anon_t);
	return r;
}

SEC("tracepoint/enums")
int enums(void *ctx)
{
	long r = bpf_core_enum_value_exists(enum color, GREEN);
	r += bpf_core_enum_value(enum color, BLUE);
	r += bpf_core_enum_value(color_t, RED);
	r += bpf_core_enum_value(enum big, HUGE);
	r += bpf_core_enum_value_exists(enum big, SMALL);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
