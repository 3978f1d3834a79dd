/* ebpfc built-in <stdnoreturn.h> (C17 7.23). */
#ifndef __EBPFC_STDNORETURN_H
#define __EBPFC_STDNORETURN_H

#define noreturn _Noreturn

#endif /* __EBPFC_STDNORETURN_H */
