/* ebpfc built-in <stdalign.h> (C17 7.15). */
#ifndef __EBPFC_STDALIGN_H
#define __EBPFC_STDALIGN_H

#define alignas _Alignas
#define alignof _Alignof
#define __alignas_is_defined 1
#define __alignof_is_defined 1

#endif /* __EBPFC_STDALIGN_H */
