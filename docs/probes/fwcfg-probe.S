# Probe of QEMU virt's fw-cfg (0x10100000, MMIO with DMA) with -bios none -kernel: signature,
# feature bits, items, the file directory, register widths, the DMA interface.
# Assemble with Trapeze and run on QEMU: see docs/qemu-virt.md. A script of accesses (the table
# at `script`) is run by a small interpreter; a trap prints "!", mcause and mtval, and the probe
# goes on after the faulting instruction.
# The interpreter: runs the table at `script`, three words an entry (op, address, value):
#   0 lw and print, 1 sw, 2 lbu and print, 3 lhu and print, 4 sb, 5 sh, 6 print the character
#   `value` and a newline, 7 finish, 8 lw of `value` words from `address` up, printed,
#   9 sw of `value` byte-swapped (a big-endian word), 10 lw of `value` words from `address`
    .option norvc
    .text
    .globl _start
_start:
    la sp, stack_top
    la t0, trap
    csrw mtvec, t0
    la s0, script
next:
    lw s1, 0(s0); lw s2, 4(s0); lw s3, 8(s0); addi s0, s0, 12
    li t0, 0; beq s1, t0, op_lw
    li t0, 1; beq s1, t0, op_sw
    li t0, 2; beq s1, t0, op_lbu
    li t0, 3; beq s1, t0, op_lhu
    li t0, 4; beq s1, t0, op_sb
    li t0, 5; beq s1, t0, op_sh
    li t0, 6; beq s1, t0, op_mark
    li t0, 8; beq s1, t0, op_dump
    li t0, 9; beq s1, t0, op_swbe
    li t0, 10; beq s1, t0, op_same
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
1:  j 1b
op_lw:  lw a0, 0(s2); call puthex; j next
op_lbu: lbu a0, 0(s2); call puthex; j next
op_lhu: lhu a0, 0(s2); call puthex; j next
op_sw:  sw s3, 0(s2); j next
op_sb:  sb s3, 0(s2); j next
op_sh:  sh s3, 0(s2); j next
op_same:                               # lw of `value` words, all from `address`
    beqz s3, next
    lw a0, 0(s2); call puthex
    addi s3, s3, -1; j op_same
op_swbe:                               # sw of the value byte-swapped (big-endian)
    srli t0, s3, 24; srli t1, s3, 8; li t2, 0xff00; and t1, t1, t2; or t0, t0, t1
    slli t1, s3, 8; li t2, 0xff0000; and t1, t1, t2; or t0, t0, t1
    slli t1, s3, 24; or t0, t0, t1
    sw t0, 0(s2); j next
op_mark: mv a0, s3; call putc; li a0, '\n'; call putc; j next
op_dump:
    beqz s3, next
    lw a0, 0(s2); call puthex
    addi s2, s2, 4; addi s3, s3, -1; j op_dump

    .align 2
trap:
    addi sp, sp, -16; sw ra, 12(sp)
    li a0, '!'; call putc
    csrr a0, mcause; call puthex
    li a0, '!'; call putc
    csrr a0, mtval; call puthex
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    lw ra, 12(sp); addi sp, sp, 16
    li a0, 0
    mret
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
    .data
    .align 2
script:
    .word 6, 0, 'S'
    .word 5, 0x10100008, 0x0000
    .word 2, 0x10100000, 0
    .word 2, 0x10100000, 0
    .word 2, 0x10100000, 0
    .word 2, 0x10100000, 0
    .word 2, 0x10100000, 0
    .word 5, 0x10100008, 0x0000
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x0000
    .word 3, 0x10100000, 0
    .word 3, 0x10100002, 0
    .word 5, 0x10100008, 0x0000
    .word 0, 0x10100004, 0
    .word 6, 0, 'I'
    .word 5, 0x10100008, 0x0100
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 6, 0, 'K'
    .word 5, 0x10100008, 0x200
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x300
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x400
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x500
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x600
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x700
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x800
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x900
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xa00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xb00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xc00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xd00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xe00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xf00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1000
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1100
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1200
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1300
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1400
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1500
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1600
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1700
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1800
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1900
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1a00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1b00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1c00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1d00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1e00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x1f00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2000
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2100
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2200
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2300
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2400
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2500
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2600
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2700
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2800
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2900
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x2a00
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x40
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x80
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0xffff
    .word 0, 0x10100000, 0
    .word 0, 0x10100000, 0
    .word 6, 0, 'D'
    .word 5, 0x10100008, 0x1900
    .word 10, 0x10100000, 65
    .word 6, 0, 'W'
    .word 1, 0x10100008, 0x01000000
    .word 0, 0x10100000, 0
    .word 4, 0x10100008, 0x00
    .word 0, 0x10100000, 0
    .word 4, 0x10100009, 0x00
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x0000
    .word 3, 0x10100008, 0
    .word 0, 0x10100008, 0
    .word 2, 0x10100008, 0
    .word 5, 0x1010000a, 0x0000
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x0000
    .word 1, 0x10100000, 0x41414141
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x0000
    .word 4, 0x10100003, 0x41
    .word 0, 0x10100000, 0
    # (misaligned loads of the data register fault on QEMU with mtval = the second aligned
    # part, 0x10100002 for an lhu at +1; Trapeze gives the address of the load: left out)
    .word 6, 0, 'A'
    .word 0, 0x10100010, 0
    .word 0, 0x10100014, 0
    .word 3, 0x10100010, 0
    .word 2, 0x10100017, 0
    .word 3, 0x10100016, 0
    .word 0, 0x10100014, 0
    .word 0, 0x10100018, 0
    .word 6, 0, 'M'
    .word 9, dma0+12, buf
    .word 9, dma1+12, buf
    .word 9, dma1b+12, buf+8
    .word 9, dma2+12, buf
    .word 9, dma4+12, buf
    .word 9, dma5+12, buf
    .word 9, dma6+12, buf
    .word 9, dma7+12, buf
    .word 1, 0x10100010, 0
    .word 9, 0x10100014, dma0
    .word 8, dma0, 4
    .word 8, buf, 4
    .word 9, 0x10100014, dma1
    .word 8, dma1, 1
    .word 9, 0x10100014, dma1b
    .word 8, dma1b, 1
    .word 8, buf, 4
    .word 9, 0x10100014, dma2
    .word 8, dma2, 1
    .word 9, 0x10100014, dma3
    .word 8, dma3, 1
    .word 9, 0x10100014, dma4
    .word 8, dma4, 1
    .word 8, buf, 1
    .word 0, 0x10100000, 0
    .word 9, 0x10100014, dma5
    .word 8, dma5, 1
    .word 9, 0x10100014, dma6
    .word 8, dma6, 4
    .word 8, buf, 4
    .word 9, 0x10100014, dma7
    .word 8, dma7, 1
    .word 1, 0x10100010, 0x01000000
    .word 9, 0x10100014, dma0
    .word 8, dma0, 1
    .word 1, 0x10100010, 0
    .word 0, 0x10100010, 0
    .word 0, 0x10100014, 0
    .word 6, 0, 'X'
    .word 4, 0x10100010, 0
    .word 5, 0x10100014, 0
    .word 5, 0x10100016, 0
    .word 4, 0x10100017, 0
    .word 5, 0x10100008, 0
    .word 4, 0x10100000, 0x41
    .word 5, 0x10100000, 0x41
    .word 0, 0x10100000, 0
    .word 5, 0x10100008, 0x0100
    .word 2, 0x10100000, 0
    .word 3, 0x10100000, 0
    .word 2, 0x10100000, 0
    .word 5, 0x10100008, 0x1900
    .word 0, 0x10100004, 0
    .word 0, 0x10100000, 0
    .word 7, 0, 0

    .align 3
dma0: .word 0x0a000000, 0x04000000, 0, 0       # select 0 | read; length 4; address (big-endian)
dma1: .word 0x0c000000, 0x02000000, 0, 0       # select 0 | skip; length 2
dma1b: .word 0x02000000, 0x06000000, 0, 0      # read 6 (4 past the end)
dma2: .word 0x18000000, 0x04000000, 0, 0       # select 0 | write
dma3: .word 0x0a000000, 0x04000000, 0, 0       # read to address 0 (no memory there)
dma4: .word 0x0a001900, 0x04000000, 0, 0       # select 0x19 | read 4
dma5: .word 0x0a000000, 0x04000000, 0x01000000, 0  # address above 4 GiB
dma6: .word 0x0a000100, 0x0c000000, 0, 0       # select 1 | read 12 (8 past the end)
dma7: .word 0x00000000, 0x04000000, 0, 0       # no flags
    .align 4
buf: .zero 32
    .bss
    .align 4
    .zero 1024
stack_top:
