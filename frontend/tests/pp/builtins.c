/* Built-in and predefined macros: __LINE__ (also inside macros), __FILE__,
   __COUNTER__, __INCLUDE_LEVEL__, the BPF target macros, __has_* operators. */
#define WHERE __LINE__
int l1 = __LINE__;
int l2 = WHERE;
const char *file = __FILE__;
int c0 = __COUNTER__, c1 = __COUNTER__;
int level = __INCLUDE_LEVEL__;
#if defined(__bpf__) && defined(__BPF__) && __BPF_CPU_VERSION__ == 3 && defined(__BPF_FEATURE_ALU32)
int bpf_target;
#endif
#if __SIZEOF_POINTER__ == 8 && __SIZEOF_LONG__ == 8 && __CHAR_BIT__ == 8 && defined(__LP64__)
int lp64;
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__LITTLE_ENDIAN__)
int little;
#endif
#if __STDC__ && __STDC_VERSION__ == 201710L && __STDC_HOSTED__ && defined(__clang__) && __GNUC__ >= 4
int stdc;
#endif
#if __has_include(<sysh.h>) && __has_include("inc/guarded.h") && !__has_include(<no/such/header.h>)
int has_include;
#endif
#if defined(__has_include) && defined(__has_builtin)
int has_ops_defined;
#endif
#if __has_builtin(__builtin_bswap32) && __has_builtin(__builtin_preserve_access_index) && !__has_builtin(__builtin_no_such_thing)
int has_builtin;
#endif
#if __has_attribute(always_inline) && __has_attribute(__section__) && !__has_attribute(no_such_attribute)
int has_attribute;
#endif
__SIZE_TYPE__ size;
__INT64_TYPE__ i64;
