/* M-mode entry, trap vector and the jump into the S-mode payload.
 *
 * mscratch convention: while S/U code runs, mscratch holds the top of the M-mode stack; while
 * M-mode code runs, it holds 0. The trap vector swaps sp with mscratch, so a zero sp after the
 * swap means the trap came from M-mode itself, which is always a firmware bug (M-mode never
 * enables its own interrupts) and goes to the panic path on a separate stack. */
#include "../common/asm.h"
#include "../common/riscv.h"

    .section .text.start, "ax", @progbits
    .globl _start
_start:
    /* QEMU's reset code passes a0 = hartid, a1 = device tree. Only hart 0 runs the firmware;
     * any other hart parks (the virt board here has one). */
    csrw    mie, zero
    bnez    a0, park
    la      t0, trap_entry
    csrw    mtvec, t0
    csrw    mscratch, zero
    la      sp, __stack_top
    /* Zero .bss: the ELF loader does, but a reset via the finisher or a raw load might not. */
    ZERO_BSS __bss_start, __bss_end
    call    fw_main             /* fw_main(hartid, dtb) does not return */
park:
    wfi
    j       park

/* enter_supervisor(hartid, dtb): mret to the payload in S-mode with a0 = hartid, a1 = dtb,
 * S interrupts disabled (sstatus.SIE = SPIE = 0), translation off and every other register
 * zero, so nothing of the firmware leaks into the payload. */
    .text
    .globl enter_supervisor
enter_supervisor:
    la      t0, __stack_top
    csrw    mscratch, t0
    li      t0, MSTATUS_MPP_S   /* MPP = S; MPIE = 0 keeps MIE clear on later mrets */
    csrw    mstatus, t0
    la      t0, _payload_start  /* where link.ld placed the payload */
    csrw    mepc, t0
    csrw    satp, zero
    csrw    stvec, zero
    csrw    sscratch, zero
    csrw    sie, zero
    li      ra, 0
    li      sp, 0
    li      gp, 0
    li      tp, 0
    li      t0, 0
    li      t1, 0
    li      t2, 0
    li      s0, 0
    li      s1, 0
    li      a2, 0
    li      a3, 0
    li      a4, 0
    li      a5, 0
    li      a6, 0
    li      a7, 0
    li      s2, 0
    li      s3, 0
    li      s4, 0
    li      s5, 0
    li      s6, 0
    li      s7, 0
    li      s8, 0
    li      s9, 0
    li      s10, 0
    li      s11, 0
    li      t3, 0
    li      t4, 0
    li      t5, 0
    li      t6, 0
    mret

/* The trap vector (mtvec direct mode: every trap and interrupt comes here). */
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   sp, mscratch, sp
    beqz    sp, trap_from_m
    addi    sp, sp, -GPR_FRAME_SIZE
    SAVE_GPRS sp
    csrrw   t0, mscratch, zero  /* the interrupted sp; mscratch = 0 while in M-mode */
    sw      t0, 2*4(sp)
    mv      a0, sp
    call    trap_handler
    addi    t0, sp, GPR_FRAME_SIZE  /* re-arm mscratch for the next trap from S/U */
    csrw    mscratch, t0
    RESTORE_GPRS sp
    lw      x2, 2*4(sp)
    mret

trap_from_m:
    csrrw   sp, mscratch, sp    /* undo the swap: sp as it was, mscratch = 0 */
    la      sp, __panic_stack_top
    call    m_mode_trap         /* prints the trap and stops the machine; never returns */
1:  j       1b
