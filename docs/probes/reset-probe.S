# Probe of the counters and registers at the first instructions of the kernel (QEMU -bios none).
# Assemble with Trapeze and run on QEMU: see docs/qemu-virt.md.
    .text
    .globl _start
_start:
    la sp, 0x80001000
    csrr s0, minstret
    csrr s1, mcycle
    li t0, 0x0200bff8
    lw s2, 0(t0)
    csrr s3, time
    mv s4, a0
    mv s5, a1
    auipc s6, 0
    li t3, 0x10000000
    mv a0, s0; call puthex
    mv a0, s1; call puthex
    mv a0, s2; call puthex
    mv a0, s3; call puthex
    mv a0, s4; call puthex
    mv a0, s5; call puthex
    mv a0, s6; call puthex
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
1:  j 1b
puthex:
    addi sp, sp, -16
    sw ra, 12(sp); sw s0, 8(sp); sw s1, 4(sp)
    mv s0, a0; li s1, 8
1:  srli a0, s0, 28; slli s0, s0, 4
    li t3, 10; blt a0, t3, 2f; addi a0, a0, 'a' - 10; j 3f
2:  addi a0, a0, '0'
3:  call putc
    addi s1, s1, -1; bnez s1, 1b
    li a0, '\n'; call putc
    lw ra, 12(sp); lw s0, 8(sp); lw s1, 4(sp)
    addi sp, sp, 16
    ret
putc:
    li t3, 0x10000000
1:  lbu t4, 5(t3); andi t4, t4, 0x20; beqz t4, 1b
    sb a0, 0(t3)
    ret
    .bss
    .zero 256
