/* What arch/trap.c needs from each build of the architecture layer (arch/riscv.c natively,
 * arch-pv/pv.c paravirtualized). */
#ifndef OS_ARCH_TRAP_H
#define OS_ARCH_TRAP_H

#include "arch.h"

/* A supervisor external interrupt: find the devices that interrupted and tell the kernel. */
void arch_external_interrupt(void);

#endif
