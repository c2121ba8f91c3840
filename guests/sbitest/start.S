/* Entry of the SBI self-test, an S-mode payload entered by the firmware at 0x80200000 with
 * a0 = hartid, a1 = device tree. Also the S trap vector and a register-preservation probe. */
#include "../common/asm.h"

    .section .text.start, "ax", @progbits
    .globl _start
_start:
    la      sp, __stack_top
    ZERO_BSS __bss_start, __bss_end /* the flat binary carries no .bss */
    la      t0, s_trap_entry
    csrw    stvec, t0
    call    main                /* main(hartid, dtb) shuts down through SRST */
3:  wfi
    j       3b

/* S-mode trap vector: save every register in a frame on the current stack, call s_trap(frame)
 * (which may change the frame and sepc), restore, sret. Traps only come from S-mode here. */
    .balign 4
s_trap_entry:
    addi    sp, sp, -GPR_FRAME_SIZE
    SAVE_GPRS sp
    addi    t0, sp, GPR_FRAME_SIZE
    sw      t0, 2*4(sp)
    mv      a0, sp
    call    s_trap
    RESTORE_GPRS sp
    addi    sp, sp, GPR_FRAME_SIZE
    sret

/* void ecall_regs(eid, fid, arg0, unsigned long out[32])
 * Loads every register except sp with a marker (0x5a000000 + register number; a0 = arg0,
 * a6 = fid, a7 = eid), makes the ecall, and stores the registers as they came back in out[]
 * (out[0] = sp before the call, out[2] = sp after), so the caller can check that only a0/a1
 * changed. */
    .text
    .globl ecall_regs
ecall_regs:
    addi    sp, sp, -80
    sw      ra, 0(sp)
    sw      gp, 4(sp)
    sw      tp, 8(sp)
    sw      s0, 12(sp)
    sw      s1, 16(sp)
    sw      s2, 20(sp)
    sw      s3, 24(sp)
    sw      s4, 28(sp)
    sw      s5, 32(sp)
    sw      s6, 36(sp)
    sw      s7, 40(sp)
    sw      s8, 44(sp)
    sw      s9, 48(sp)
    sw      s10, 52(sp)
    sw      s11, 56(sp)
    sw      a3, 60(sp)
    sw      sp, 0(a3)
    mv      a7, a0
    mv      a6, a1
    mv      a0, a2
    li      x1, 0x5a000001
    li      x3, 0x5a000003
    li      x4, 0x5a000004
    li      x5, 0x5a000005
    li      x6, 0x5a000006
    li      x7, 0x5a000007
    li      x8, 0x5a000008
    li      x9, 0x5a000009
    li      x11, 0x5a00000b
    li      x12, 0x5a00000c
    li      x13, 0x5a00000d
    li      x14, 0x5a00000e
    li      x15, 0x5a00000f
    li      x18, 0x5a000012
    li      x19, 0x5a000013
    li      x20, 0x5a000014
    li      x21, 0x5a000015
    li      x22, 0x5a000016
    li      x23, 0x5a000017
    li      x24, 0x5a000018
    li      x25, 0x5a000019
    li      x26, 0x5a00001a
    li      x27, 0x5a00001b
    li      x28, 0x5a00001c
    li      x29, 0x5a00001d
    li      x30, 0x5a00001e
    li      x31, 0x5a00001f
    ecall
    sw      t0, 64(sp)
    lw      t0, 60(sp)
    sw      x1, 1*4(t0)
    sw      x2, 2*4(t0)
    sw      x3, 3*4(t0)
    sw      x4, 4*4(t0)
    sw      x6, 6*4(t0)
    sw      x7, 7*4(t0)
    sw      x8, 8*4(t0)
    sw      x9, 9*4(t0)
    sw      x10, 10*4(t0)
    sw      x11, 11*4(t0)
    sw      x12, 12*4(t0)
    sw      x13, 13*4(t0)
    sw      x14, 14*4(t0)
    sw      x15, 15*4(t0)
    sw      x16, 16*4(t0)
    sw      x17, 17*4(t0)
    sw      x18, 18*4(t0)
    sw      x19, 19*4(t0)
    sw      x20, 20*4(t0)
    sw      x21, 21*4(t0)
    sw      x22, 22*4(t0)
    sw      x23, 23*4(t0)
    sw      x24, 24*4(t0)
    sw      x25, 25*4(t0)
    sw      x26, 26*4(t0)
    sw      x27, 27*4(t0)
    sw      x28, 28*4(t0)
    sw      x29, 29*4(t0)
    sw      x30, 30*4(t0)
    sw      x31, 31*4(t0)
    lw      t1, 64(sp)
    sw      t1, 5*4(t0)
    lw      ra, 0(sp)
    lw      gp, 4(sp)
    lw      tp, 8(sp)
    lw      s0, 12(sp)
    lw      s1, 16(sp)
    lw      s2, 20(sp)
    lw      s3, 24(sp)
    lw      s4, 28(sp)
    lw      s5, 32(sp)
    lw      s6, 36(sp)
    lw      s7, 40(sp)
    lw      s8, 44(sp)
    lw      s9, 48(sp)
    lw      s10, 52(sp)
    lw      s11, 56(sp)
    addi    sp, sp, 80
    ret
