/* Assembler macros shared by the entry code of the firmware, the bare programs, the SBI
 * self-test and the OS. For .S files only: `#include "../common/asm.h"`. */
#ifndef GUESTS_COMMON_ASM_H
#define GUESTS_COMMON_ASM_H

#ifndef __ASSEMBLER__
#error "common/asm.h holds assembler macros: include it from .S files only"
#endif

#include "regs.h"

/* ZERO_BSS start, end: zeroes the words in [start, end) (symbols, 4-byte aligned); clobbers
 * t0 and t1. Loaders clear .bss, but a flat binary carries none and a reset may not. */
.macro ZERO_BSS start, end
    la      t0, \start
    la      t1, \end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:
.endm

/* SAVE_GPRS base: stores x1 and x3..x31 into the register frame at `base` (register xi at
 * 4 * i; x0 and sp are the caller's business: sp was usually swapped or moved to make room).
 * `base` is a register name, normally sp. */
.macro SAVE_GPRS base
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw      x\n, \n*4(\base)
    .endr
.endm

/* RESTORE_GPRS base, skip: loads x1 and x3..x31 from the register frame at `base`, except
 * register number `skip` (pass the number of `base` when it is not sp, so the base survives
 * until the caller loads it last; 0, the default, skips nothing). sp is never loaded. */
.macro RESTORE_GPRS base, skip=0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .if \n != \skip
    lw      x\n, \n*4(\base)
    .endif
    .endr
.endm

#endif
