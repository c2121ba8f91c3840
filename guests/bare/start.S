/* Entry of the bare-metal programs: M-mode straight from QEMU's reset code, no firmware.
 * A stack, a zeroed .bss, a trap vector that reports failure, then main(). Built with -DSV32,
 * main() runs in S-mode under Sv32 translation instead (sv32.c makes the map), and so does
 * the finisher write after it returns. */
#include "../common/asm.h"
#include "../common/riscv.h"
#include "../common/virt.h"

    .section .text.start, "ax", @progbits
    .globl _start
_start:
    la      t0, trap
    csrw    mtvec, t0
    la      sp, __stack_top
    ZERO_BSS __bss_start, __bss_end
#ifdef SV32
    call    sv32_init           /* page table, PMP, mcounteren, satp (M-mode is not translated) */
    li      t0, MSTATUS_MPP
    csrc    mstatus, t0
    li      t0, MSTATUS_MPP_S
    csrs    mstatus, t0
    la      t0, main
    csrw    mepc, t0
    la      ra, .Lmain_returned /* main returns there, still in S-mode */
    mret
.Lmain_returned:
#else
    call    main
#endif
    /* main returned: report its return value through the finisher (0 = pass). */
    li      t0, VIRT_TEST_BASE
    bnez    a0, 3f
    li      t1, FINISHER_PASS
    sw      t1, 0(t0)
    j       hang
3:  slli    a0, a0, 16
    li      t1, 0x3333
    or      a0, a0, t1
    sw      a0, 0(t0)
hang:
    j       hang

/* No trap is expected (none is delegated, so S-mode's come here too): fail with code 0xff
 * (mcause is left for a debugger). */
    .balign 4
trap:
    li      t0, VIRT_TEST_BASE
    li      t1, FINISHER_FAIL(0xff)
    sw      t1, 0(t0)
    j       hang
