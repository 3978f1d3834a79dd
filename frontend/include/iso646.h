/* ebpfc built-in <iso646.h> (C17 7.9). */
#ifndef __EBPFC_ISO646_H
#define __EBPFC_ISO646_H

#define and &&
#define and_eq &=
#define bitand &
#define bitor |
#define compl ~
#define not !
#define not_eq !=
#define or ||
#define or_eq |=
#define xor ^
#define xor_eq ^=

#endif /* __EBPFC_ISO646_H */
