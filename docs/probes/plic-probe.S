# Probe of the PLIC gateway with a level-triggered source (the UART, source 10): what sets and
# clears a pending bit. Assemble with Trapeze and run on QEMU: see docs/qemu-virt.md.
    .text
    .globl _start
_start:
    la sp, 0x80001000
    li t0, 0x10000000       # UART
    li t1, 0x0c001000       # PLIC pending word 0
    li t2, 0x0c000028       # priority of source 10
    li t3, 1; sw t3, 0(t2)
    li t2, 0x0c002000       # M context enables
    li t3, 0x400; sw t3, 0(t2)
    li t2, 0x0c200004       # M context claim/complete
    lw s0, 0(t1)            # pending at reset
    li t3, 2; sb t3, 1(t0)  # IER = THRI: line high
    lw s1, 0(t1)
    sb zero, 1(t0)          # IER = 0: line low
    lw s2, 0(t1)
    lw s3, 0(t2)            # claim
    sw s3, 0(t2)            # complete
    lw s4, 0(t1)
    li t3, 2; sb t3, 1(t0)  # line high again
    lw s5, 0(t2)            # claim
    lw s6, 0(t1)            # pending after the claim (line still high)
    sw s5, 0(t2)            # complete
    lw s7, 0(t1)            # pending after the completion
    lw s8, 0(t2)            # claim again
    li t3, 0x01; sb t3, 2(t0)   # FCR write (the UART re-evaluates its line, still high)
    lw s9, 0(t1)
    sw s8, 0(t2)
    sb zero, 1(t0)
    mv a0, s0; call puthex
    mv a0, s1; call puthex
    mv a0, s2; call puthex
    mv a0, s3; call puthex
    mv a0, s4; call puthex
    mv a0, s5; call puthex
    mv a0, s6; call puthex
    mv a0, s7; call puthex
    mv a0, s8; call puthex
    mv a0, s9; call puthex
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
