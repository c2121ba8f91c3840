/* Entry of the bare-metal programs: M-mode straight from QEMU's reset code, no firmware.
 * A stack, a zeroed .bss, a trap vector that reports failure, then main(). */
#include "../common/asm.h"
#include "../common/virt.h"

    .section .text.start, "ax", @progbits
    .globl _start
_start:
    la      t0, trap
    csrw    mtvec, t0
    la      sp, __stack_top
    ZERO_BSS __bss_start, __bss_end
    call    main
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

/* No trap is expected: fail with code 0xff (mcause is left for a debugger). */
    .balign 4
trap:
    li      t0, VIRT_TEST_BASE
    li      t1, FINISHER_FAIL(0xff)
    sw      t1, 0(t0)
    j       hang
