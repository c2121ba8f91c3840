# Probe of QEMU virt's CFI flash banks (0x20000000 and 0x22000000, no -drive): reads, the
# command set (CFI query, identifiers, status, program, erase, buffered writes, locks).
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
    .word 6, 0, 'R'
    .word 0, 0x20000000, 0
    .word 0, 0x20000004, 0
    .word 0, 0x21fffffc, 0
    .word 0, 0x22000000, 0
    .word 0, 0x23fffffc, 0
    .word 2, 0x20000000, 0
    .word 3, 0x20000002, 0
    .word 6, 0, 'Q'
    .word 1, 0x20000000, 0x98
    .word 8, 0x20000000, 0x50
    .word 2, 0x20000040, 0
    .word 3, 0x20000040, 0
    .word 2, 0x20000042, 0
    .word 2, 0x20000041, 0
    .word 0, 0x22000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000040, 0
    .word 6, 0, 'I'
    .word 1, 0x20000000, 0x90
    .word 8, 0x20000000, 8
    .word 8, 0x20020000, 4
    .word 1, 0x20000000, 0xff
    .word 6, 0, 'S'
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 0, 0x20001234, 0
    .word 2, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'P'
    .word 1, 0x20000100, 0x40
    .word 1, 0x20000100, 0x12345678
    .word 0, 0x20000100, 0
    .word 0, 0x20000104, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000100, 0
    .word 1, 0x20000100, 0x10
    .word 1, 0x20000100, 0xffff0000
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000100, 0
    .word 6, 0, 'p'
    .word 1, 0x20000200, 0x40
    .word 4, 0x20000201, 0xab
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000200, 0
    .word 1, 0x20000200, 0x40
    .word 5, 0x20000202, 0xcdef
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000200, 0
    .word 6, 0, 'D'
    .word 1, 0x20000300, 0x12345678
    .word 0, 0x20000300, 0
    .word 0, 0x20000000, 0
    .word 1, 0x20000300, 0x00000098
    .word 0, 0x20000300, 0
    .word 0, 0x20000040, 0
    .word 1, 0x20000000, 0xff
    .word 4, 0x20000000, 0x98
    .word 0, 0x20000040, 0
    .word 1, 0x20000000, 0xff
    .word 5, 0x20000000, 0x98
    .word 0, 0x20000040, 0
    .word 1, 0x20000000, 0xff
    .word 6, 0, 'E'
    .word 1, 0x20000100, 0x20
    .word 1, 0x20000100, 0xd0
    .word 0, 0x20000000, 0
    .word 0, 0x20000100, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000100, 0
    .word 0, 0x2003fffc, 0
    .word 0, 0x20040000, 0
    .word 0, 0x20000200, 0
    .word 6, 0, 'B'
    .word 1, 0x20001000, 0xe8
    .word 0, 0x20001000, 0
    .word 1, 0x20001000, 1
    .word 1, 0x20001000, 0x11111111
    .word 1, 0x20001004, 0x22222222
    .word 0, 0x20001000, 0
    .word 1, 0x20001000, 0xd0
    .word 0, 0x20001000, 0
    .word 1, 0x20000000, 0xff
    .word 8, 0x20001000, 3
    .word 6, 0, 'U'
    .word 1, 0x20000000, 0x12
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x50
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x60
    .word 1, 0x20000000, 0x01
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'G'
    .word 1, 0x22000000, 0x40
    .word 1, 0x22000004, 0xcafef00d
    .word 0, 0x22000004, 0
    .word 1, 0x22000000, 0xff
    .word 0, 0x22000004, 0
    .word 0, 0x20000004, 0
    .word 6, 0, 'M'
    .word 0, 0x20001002, 0
    .word 3, 0x20001001, 0
    .word 6, 0, 'X'
    .word 1, 0x20080000, 0x40
    .word 0, 0x20080000, 0
    .word 2, 0x20080000, 0
    .word 1, 0x20080000, 0x01020304
    .word 1, 0x20000000, 0xff
    .word 0, 0x20080000, 0
    .word 6, 0, 'e'
    .word 1, 0x20080000, 0x20
    .word 0, 0x20080000, 0
    .word 1, 0x20080000, 0xff
    .word 0, 0x20080000, 0
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x50
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 6, 0, 'b'
    .word 1, 0x20081000, 0xe8
    .word 1, 0x20081000, 0
    .word 1, 0x20081000, 0xaaaaaaaa
    .word 0, 0x20081000, 0
    .word 1, 0x20081000, 0x12
    .word 0, 0x20081000, 0
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x50
    .word 1, 0x20000000, 0xff
    .word 0, 0x20081000, 0
    .word 6, 0, 'c'
    .word 1, 0x20082000, 0xe8
    .word 1, 0x20082000, 1
    .word 1, 0x20082ffc, 0x55555555
    .word 0, 0x20000000, 0
    .word 1, 0x20083000, 0x66666666
    .word 0, 0x20000000, 0
    .word 1, 0x20082000, 0xd0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20082ffc, 0
    .word 0, 0x20083000, 0
    .word 1, 0x20000000, 0x50
    .word 6, 0, 'd'
    .word 1, 0x20083000, 0xe8
    .word 1, 0x20083000, 0x00010001
    .word 1, 0x20083000, 0x33333333
    .word 1, 0x20083004, 0x44444444
    .word 0, 0x20083000, 0
    .word 1, 0x20083000, 0xd0
    .word 1, 0x20000000, 0xff
    .word 8, 0x20083000, 3
    .word 6, 0, 'q'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x90
    .word 1, 0x20000000, 0x98
    .word 0, 0x20000040, 0
    .word 1, 0x21000000, 0x98
    .word 0, 0x21000040, 0
    .word 0, 0x21000000, 0
    .word 1, 0x20000000, 0xff
    .word 1, 0x20000000, 0x98
    .word 8, 0x20000140, 0x30
    .word 1, 0x20000000, 0xff
    .word 6, 0, 'z'
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0x0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0xf0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0xd0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0xb0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0x1
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0x2f
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0x70
    .word 1, 0x20000000, 0x30
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 6, 0, 'Y'
    .word 1, 0x20000000, 0x20
    .word 1, 0x20000000, 0xd0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'i'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x70
    .word 0, 0x20000040, 0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'j'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x90
    .word 0, 0x20000000, 0
    .word 0, 0x20000004, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'k'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0xf0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'l'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x0
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'm'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x40
    .word 1, 0x20000000, 0x1234
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 6, 0, 'n'
    .word 1, 0x20000000, 0x98
    .word 1, 0x20000000, 0x50
    .word 0, 0x20000000, 0
    .word 1, 0x20000000, 0xff
    .word 0, 0x20000000, 0
    .word 7, 0, 0
    .bss
    .align 4
    .zero 1024
stack_top:
