# Probe of self-modifying code on QEMU 7.2: a store that changes an instruction further on in
# the straight-line run being executed. Each case flips the immediate of `addi a0, a0, 3` (to
# `addi a0, a0, 2`) and prints a0 + '0': '3' if the old instruction ran, '2' if the new one did.
#   1. the store, then the instruction (same translation block on QEMU);
#   2. the store, fence.i, then the instruction;
#   3. the store, a jump to the next instruction, then the instruction.
# QEMU 7.2 (QEMU_REFERENCE_ARGS) prints "322": without a fence.i or a jump it runs the rest of
# the block as it was translated (RISC-V has no precise self-modifying-code detection in QEMU,
# the spec allows either). Trapeze prints "222" on both cores (the translator ends a block
# after a store into translated code). Assemble with `trapeze asm --elf`; see docs/conformance.md.
    .text
    .globl _start
    .option norvc
_start:
    li s1, 0x10000000          # UART
    li t2, 0x00100000          # bit 20: imm[0]
    li a0, 0
    la t0, 1f
    lw t1, 0(t0)
    xor t1, t1, t2
    sw t1, 0(t0)
1:  addi a0, a0, 3
    addi a0, a0, 0x30
    sb a0, 0(s1)
    li a0, 0
    la t0, 2f
    lw t1, 0(t0)
    xor t1, t1, t2
    sw t1, 0(t0)
    fence.i
2:  addi a0, a0, 3
    addi a0, a0, 0x30
    sb a0, 0(s1)
    li a0, 0
    la t0, 3f
    lw t1, 0(t0)
    xor t1, t1, t2
    sw t1, 0(t0)
    j 3f
3:  addi a0, a0, 3
    addi a0, a0, 0x30
    sb a0, 0(s1)
    li a0, 10
    sb a0, 0(s1)
    li t0, 0x100000            # finisher: pass
    li t1, 0x5555
    sw t1, 0(t0)
4:  j 4b
