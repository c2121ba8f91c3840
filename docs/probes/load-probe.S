# Probe of where QEMU -kernel puts an image and where -bios none starts it. The code at the
# start of the image prints where it runs (auipc), a0, a1, a2 and minstret as the boot ROM
# left them, then the ROM's 18 words (reset vector, jump target, device tree address and the
# fw_dynamic_info at a2), and passes. `_start`, the ELF entry point, is not at the start of the
# image: if it runs, it prints "entry" and fails with code 1. Run it as an ELF file and as a raw
# image (objcopy -O binary); see docs/qemu-virt.md.
    .option norvc
    .text
start_of_image:
    auipc s2, 0
    mv s3, a0
    mv s4, a1
    mv s5, a2
    csrr s6, minstret
    la sp, stack_top
    mv a0, s2; call puthex
    mv a0, s3; call puthex
    mv a0, s4; call puthex
    mv a0, s5; call puthex
    mv a0, s6; call puthex
    li s0, 0x1000
    li s1, 0x1048
1:  lw a0, 0(s0); call puthex
    addi s0, s0, 4; bltu s0, s1, 1b
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
2:  j 2b

    .globl _start
_start:
    la sp, stack_top
    li a0, 'e'; call putc
    li a0, 'n'; call putc
    li a0, 't'; call putc
    li a0, 'r'; call putc
    li a0, 'y'; call putc
    li a0, '\n'; call putc
    li t0, 0x100000; li t1, 0x13333; sw t1, 0(t0)
3:  j 3b

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
    .balign 16
    .space 256
stack_top:
