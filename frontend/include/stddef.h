/* ebpfc built-in <stddef.h> (C17 7.19) for the BPF target (LP64). */
#ifndef __EBPFC_STDDEF_H
#define __EBPFC_STDDEF_H

typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __SIZE_TYPE__ size_t;
typedef __WCHAR_TYPE__ wchar_t;

/* As clang's: a long long and a long double (8 bytes aligned to 8 on BPF), so size 16,
 * alignment 8. */
typedef struct {
  long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
  long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;

#undef NULL
#define NULL ((void *)0)

#undef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)

#endif /* __EBPFC_STDDEF_H */
