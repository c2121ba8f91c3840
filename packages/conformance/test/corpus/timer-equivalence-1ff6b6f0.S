# Trapeze conformance corpus case timer-equivalence-1ff6b6f0
# template timer, property equivalence, engine bare/translator against bare/interpreter
# seed -1463027335, path 0:2:2
# bare/translator differs from bare/interpreter at sync point 2 (after 393 instructions; budgets 3, 390, 245, 30, 4, 323, 150, 336, 35, 8, 324, 103, 23, 4, 303, 4): csr mip: 00000080 ≠ 00000000
# Trapeze conformance harness, contract version 1 (docs/contract.md, "Program harness")
  .text
  .globl _start
_start:
  la t0, __trap
  csrw mtvec, t0
  la t0, __save
  csrw mscratch, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li x1, 0x1010101
  la sp, __stack_top
  li x3, 0x3030303
  li x4, 0x4040404
  li x5, 0x5050505
  li x6, 0x6060606
  li x7, 0x7070707
  li x8, 0x8080808
  li x9, 0x9090909
  li x10, 0xa0a0a0a
  li x11, 0xb0b0b0b
  li x12, 0xc0c0c0c
  li x13, 0xd0d0d0d
  li x14, 0xe0e0e0e
  li x15, 0xf0f0f0f
  li x16, 0x10101010
  li x17, 0x11111111
  li x18, 0x12121212
  li x19, 0x13131313
  li x20, 0x14141414
  li x21, 0x15151515
  li x22, 0x16161616
  li x23, 0x17171717
  li x24, 0x18181818
  li x25, 0x19191919
  li x26, 0x1a1a1a1a
  la s11, __data
  li x28, 0x1c1c1c1c
  li x29, 0x1d1d1d1d
  li x30, 0x1e1e1e1e
  li x31, 0x1f1f1f1f
# ---- set-up (M-mode; reaches __body)
  li t0, 0x200bff8
  lw t1, 0(t0)
  addi t1, t1, 3
  li t0, 0x2004000
  sw t1, 0(t0)
  sw zero, 4(t0)
  li t0, 0x88
  csrs mie, t0
  csrsi mstatus, 8
  .text
__body:
# ---- body
__r0:
    li x31, 0x200bff8
    lw x30, 0(x31)
    addi x30, x30, 3
    li x31, 0x2004000
    sw x30, 0(x31)
    sw zero, 4(x31)
__r1:

  .text
__end_marker:
  li a7, 0x54524150
  ecall
  j __end_marker

# ---- the harness trap handler (M-mode, direct mode)
  .balign 4
__trap:
  csrrw t6, mscratch, t6
  sw x1, 4(t6)
  sw x2, 8(t6)
  sw x3, 12(t6)
  sw x4, 16(t6)
  sw x5, 20(t6)
  sw x6, 24(t6)
  sw x7, 28(t6)
  sw x8, 32(t6)
  sw x9, 36(t6)
  sw x10, 40(t6)
  sw x11, 44(t6)
  sw x12, 48(t6)
  sw x13, 52(t6)
  sw x14, 56(t6)
  sw x15, 60(t6)
  sw x16, 64(t6)
  sw x17, 68(t6)
  sw x18, 72(t6)
  sw x19, 76(t6)
  sw x20, 80(t6)
  sw x21, 84(t6)
  sw x22, 88(t6)
  sw x23, 92(t6)
  sw x24, 96(t6)
  sw x25, 100(t6)
  sw x26, 104(t6)
  sw x27, 108(t6)
  sw x28, 112(t6)
  sw x29, 116(t6)
  sw x30, 120(t6)
  csrr t5, mscratch
  sw t5, 124(t6)
  csrw mscratch, t6
  mv s0, t6
  la sp, __trap_stack_top
  csrr t0, mcause
  bltz t0, 2f
  li t1, 8
  beq t0, t1, 1f
  li t1, 9
  beq t0, t1, 1f
  li t1, 11
  bne t0, t1, 2f
1:
  lw t1, 68(s0)
  li t2, 0x54524150
  beq t1, t2, __dump
2:                                  # log the trap: count, then (mcause, mepc, mtval, MPP)
  la s1, __trap_log
  lw t1, 0(s1)
  addi t1, t1, 1
  sw t1, 0(s1)
  slli t2, t1, 4
  add t2, s1, t2
  sw t0, 0(t2)
  csrr t3, mepc
  sw t3, 4(t2)
  csrr t3, mtval
  sw t3, 8(t2)
  csrr t3, mstatus
  srli t3, t3, 11
  andi t3, t3, 3
  sw t3, 12(t2)
  li t2, 64
  bgeu t1, t2, __dump
  j __handler

__trap_default:                     # interrupts return; fetch faults resume at ra; others skip
  csrr t0, mcause
  bltz t0, __trap_return
  beqz t0, 3f
  li t1, 1
  beq t0, t1, 3f
  li t1, 12
  beq t0, t1, 3f
  j __trap_skip
3:
  lw t1, 4(s0)
  csrw mepc, t1
  j __trap_return

__trap_skip:                        # mepc += length of the instruction at mepc
  csrr t0, mepc
  li t2, 4
  la t1, _start
  bltu t0, t1, 4f
  la t1, __image_end
  bgeu t0, t1, 4f
  lhu t1, 0(t0)
  andi t1, t1, 3
  li t3, 3
  beq t1, t3, 4f
  li t2, 2
4:
  add t0, t0, t2
  csrw mepc, t0

__trap_return:
  csrr t6, mscratch
  lw x1, 4(t6)
  lw x2, 8(t6)
  lw x3, 12(t6)
  lw x4, 16(t6)
  lw x5, 20(t6)
  lw x6, 24(t6)
  lw x7, 28(t6)
  lw x8, 32(t6)
  lw x9, 36(t6)
  lw x10, 40(t6)
  lw x11, 44(t6)
  lw x12, 48(t6)
  lw x13, 52(t6)
  lw x14, 56(t6)
  lw x15, 60(t6)
  lw x16, 64(t6)
  lw x17, 68(t6)
  lw x18, 72(t6)
  lw x19, 76(t6)
  lw x20, 80(t6)
  lw x21, 84(t6)
  lw x22, 88(t6)
  lw x23, 92(t6)
  lw x24, 96(t6)
  lw x25, 100(t6)
  lw x26, 104(t6)
  lw x27, 108(t6)
  lw x28, 112(t6)
  lw x29, 116(t6)
  lw x30, 120(t6)
  lw x31, 124(t6)
  mret

# ---- the state dump (M-mode)
__dump:
  la s1, __csr_values
  la s2, __csr_present
  li s10, 1
  csrr t0, 0x300  # mstatus
  sw t0, 44(s1)
  sb s10, 11(s2)
  csrr t0, 0x305  # mtvec
  sw t0, 64(s1)
  sb s10, 16(s2)
  csrr t0, 0x340  # mscratch
  sw t0, 88(s1)
  sb s10, 22(s2)
  csrr t0, 0x341  # mepc
  sw t0, 92(s1)
  sb s10, 23(s2)
  csrr t0, 0x342  # mcause
  sw t0, 96(s1)
  sb s10, 24(s2)
  csrr t0, 0x343  # mtval
  sw t0, 100(s1)
  sb s10, 25(s2)
  csrr t0, 0x344  # mip
  sw t0, 104(s1)
  sb s10, 26(s2)
  csrr t0, 0xb00  # mcycle
  sw t0, 204(s1)
  sb s10, 51(s2)
  csrr t0, 0xb02  # minstret
  sw t0, 208(s1)
  sb s10, 52(s2)
  csrr t0, 0xb80  # mcycleh
  sw t0, 212(s1)
  sb s10, 53(s2)
  csrr t0, 0xb82  # minstreth
  sw t0, 216(s1)
  sb s10, 54(s2)
  la t0, __dump_trap
  csrw mtvec, t0
  li s10, 1
  csrr t0, 0x100  # sstatus
  sw t0, 0(s1)
  sb s10, 0(s2)
  li s10, 1
  csrr t0, 0x104  # sie
  sw t0, 4(s1)
  sb s10, 1(s2)
  li s10, 1
  csrr t0, 0x105  # stvec
  sw t0, 8(s1)
  sb s10, 2(s2)
  li s10, 1
  csrr t0, 0x106  # scounteren
  sw t0, 12(s1)
  sb s10, 3(s2)
  li s10, 1
  csrr t0, 0x10a  # senvcfg
  sw t0, 16(s1)
  sb s10, 4(s2)
  li s10, 1
  csrr t0, 0x140  # sscratch
  sw t0, 20(s1)
  sb s10, 5(s2)
  li s10, 1
  csrr t0, 0x141  # sepc
  sw t0, 24(s1)
  sb s10, 6(s2)
  li s10, 1
  csrr t0, 0x142  # scause
  sw t0, 28(s1)
  sb s10, 7(s2)
  li s10, 1
  csrr t0, 0x143  # stval
  sw t0, 32(s1)
  sb s10, 8(s2)
  li s10, 1
  csrr t0, 0x144  # sip
  sw t0, 36(s1)
  sb s10, 9(s2)
  li s10, 1
  csrr t0, 0x180  # satp
  sw t0, 40(s1)
  sb s10, 10(s2)
  li s10, 1
  csrr t0, 0x301  # misa
  sw t0, 48(s1)
  sb s10, 12(s2)
  li s10, 1
  csrr t0, 0x302  # medeleg
  sw t0, 52(s1)
  sb s10, 13(s2)
  li s10, 1
  csrr t0, 0x303  # mideleg
  sw t0, 56(s1)
  sb s10, 14(s2)
  li s10, 1
  csrr t0, 0x304  # mie
  sw t0, 60(s1)
  sb s10, 15(s2)
  li s10, 1
  csrr t0, 0x306  # mcounteren
  sw t0, 68(s1)
  sb s10, 17(s2)
  li s10, 1
  csrr t0, 0x30a  # menvcfg
  sw t0, 72(s1)
  sb s10, 18(s2)
  li s10, 1
  csrr t0, 0x310  # mstatush
  sw t0, 76(s1)
  sb s10, 19(s2)
  li s10, 1
  csrr t0, 0x31a  # menvcfgh
  sw t0, 80(s1)
  sb s10, 20(s2)
  li s10, 1
  csrr t0, 0x320  # mcountinhibit
  sw t0, 84(s1)
  sb s10, 21(s2)
  li s10, 1
  csrr t0, 0x3a0  # pmpcfg0
  sw t0, 108(s1)
  sb s10, 27(s2)
  li s10, 1
  csrr t0, 0x3a1  # pmpcfg1
  sw t0, 112(s1)
  sb s10, 28(s2)
  li s10, 1
  csrr t0, 0x3a2  # pmpcfg2
  sw t0, 116(s1)
  sb s10, 29(s2)
  li s10, 1
  csrr t0, 0x3a3  # pmpcfg3
  sw t0, 120(s1)
  sb s10, 30(s2)
  li s10, 1
  csrr t0, 0x3b0  # pmpaddr0
  sw t0, 124(s1)
  sb s10, 31(s2)
  li s10, 1
  csrr t0, 0x3b1  # pmpaddr1
  sw t0, 128(s1)
  sb s10, 32(s2)
  li s10, 1
  csrr t0, 0x3b2  # pmpaddr2
  sw t0, 132(s1)
  sb s10, 33(s2)
  li s10, 1
  csrr t0, 0x3b3  # pmpaddr3
  sw t0, 136(s1)
  sb s10, 34(s2)
  li s10, 1
  csrr t0, 0x3b4  # pmpaddr4
  sw t0, 140(s1)
  sb s10, 35(s2)
  li s10, 1
  csrr t0, 0x3b5  # pmpaddr5
  sw t0, 144(s1)
  sb s10, 36(s2)
  li s10, 1
  csrr t0, 0x3b6  # pmpaddr6
  sw t0, 148(s1)
  sb s10, 37(s2)
  li s10, 1
  csrr t0, 0x3b7  # pmpaddr7
  sw t0, 152(s1)
  sb s10, 38(s2)
  li s10, 1
  csrr t0, 0x3b8  # pmpaddr8
  sw t0, 156(s1)
  sb s10, 39(s2)
  li s10, 1
  csrr t0, 0x3b9  # pmpaddr9
  sw t0, 160(s1)
  sb s10, 40(s2)
  li s10, 1
  csrr t0, 0x3ba  # pmpaddr10
  sw t0, 164(s1)
  sb s10, 41(s2)
  li s10, 1
  csrr t0, 0x3bb  # pmpaddr11
  sw t0, 168(s1)
  sb s10, 42(s2)
  li s10, 1
  csrr t0, 0x3bc  # pmpaddr12
  sw t0, 172(s1)
  sb s10, 43(s2)
  li s10, 1
  csrr t0, 0x3bd  # pmpaddr13
  sw t0, 176(s1)
  sb s10, 44(s2)
  li s10, 1
  csrr t0, 0x3be  # pmpaddr14
  sw t0, 180(s1)
  sb s10, 45(s2)
  li s10, 1
  csrr t0, 0x3bf  # pmpaddr15
  sw t0, 184(s1)
  sb s10, 46(s2)
  li s10, 1
  csrr t0, 0xf11  # mvendorid
  sw t0, 188(s1)
  sb s10, 47(s2)
  li s10, 1
  csrr t0, 0xf12  # marchid
  sw t0, 192(s1)
  sb s10, 48(s2)
  li s10, 1
  csrr t0, 0xf13  # mimpid
  sw t0, 196(s1)
  sb s10, 49(s2)
  li s10, 1
  csrr t0, 0xf14  # mhartid
  sw t0, 200(s1)
  sb s10, 50(s2)
  li s3, 0x10000000
  li t0, 3
  sb t0, 3(s3)                      # LCR: 8N1, DLAB off
  lbu t0, 4(s3)
  andi t0, t0, 0xef
  sb t0, 4(s3)                      # MCR: loopback off
  la a0, __str_header
  call __puts
  la a0, __str_pc
  call __puts
  lw a0, 92(s1)
  call __puthex
  call __newline
  la a0, __str_priv
  call __puts
  lw t0, 44(s1)
  srli t0, t0, 11
  andi t0, t0, 3
  la t1, __priv_chars
  add t1, t1, t0
  lbu a0, 0(t1)
  call __putc
  call __newline
  li s4, 1                          # x1..x31
5:
  li a0, 0x78
  call __putc
  li t0, 10
  blt s4, t0, 6f
  divu a0, s4, t0
  addi a0, a0, 0x30
  call __putc
6:
  li t0, 10
  remu a0, s4, t0
  addi a0, a0, 0x30
  call __putc
  li a0, 0x20
  call __putc
  slli t0, s4, 2
  add t0, s0, t0
  lw a0, 0(t0)
  call __puthex
  call __newline
  addi s4, s4, 1
  li t0, 32
  bne s4, t0, 5b
  li s4, 0                          # csr <name> <hex | ->
  la s5, __csr_names
7:
  la a0, __str_csr
  call __puts
  slli t0, s4, 2
  add t0, s5, t0
  lw a0, 0(t0)
  call __puts
  li a0, 0x20
  call __putc
  add t0, s2, s4
  lbu t0, 0(t0)
  beqz t0, 8f
  slli t0, s4, 2
  add t0, s1, t0
  lw a0, 0(t0)
  call __puthex
  j 9f
8:
  li a0, 0x2d
  call __putc
9:
  call __newline
  addi s4, s4, 1
  li t0, 55
  bne s4, t0, 7b
  la a0, __str_traps                # traps <count>, then one line per logged trap
  call __puts
  la s5, __trap_log
  lw s6, 0(s5)
  mv a0, s6
  call __puthex
  call __newline
  li t0, 64
  bleu s6, t0, 10f
  mv s6, t0
10:
  beqz s6, 12f
11:
  addi s5, s5, 16
  la a0, __str_trap
  call __puts
  lw a0, 0(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw a0, 4(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw a0, 8(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw t0, 12(s5)
  la t1, __priv_chars
  add t1, t1, t0
  lbu a0, 0(t1)
  call __putc
  call __newline
  addi s6, s6, -1
  bnez s6, 11b
12:
  la s5, __digest_pages             # page <address> <fnv1a32>
  lw s6, 0(s5)
  beqz s6, 15f
13:
  addi s5, s5, 4
  la a0, __str_page
  call __puts
  lw s7, 0(s5)
  mv a0, s7
  call __puthex
  li a0, 0x20
  call __putc
  li a0, 0x811c9dc5
  li t1, 0x01000193
  li t2, 4096
  add t2, s7, t2
14:
  lbu t0, 0(s7)
  xor a0, a0, t0
  mul a0, a0, t1
  addi s7, s7, 1
  bne s7, t2, 14b
  call __puthex
  call __newline
  addi s6, s6, -1
  bnez s6, 13b
15:
  la a0, __str_end
  call __puts
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
16:
  j 16b

  .balign 4
__dump_trap:                        # a CSR the engine lacks: flag it, skip the csrr
  csrr s10, mepc
  addi s10, s10, 4
  csrw mepc, s10
  li s10, 0
  mret

__putc:                             # a0 = byte; uses t5, t6
  li t5, 0x10000000
1:
  lbu t6, 5(t5)
  andi t6, t6, 0x20
  beqz t6, 1b
  sb a0, 0(t5)
  ret

__puts:                             # a0 = NUL-terminated string; uses a1, a2, t5, t6
  mv a2, ra
  mv a1, a0
1:
  lbu a0, 0(a1)
  beqz a0, 2f
  call __putc
  addi a1, a1, 1
  j 1b
2:
  mv ra, a2
  ret

__puthex:                           # a0 = word, 8 lowercase hex digits; uses a1-a4, t5, t6
  mv a4, ra
  mv a1, a0
  li a3, 28
1:
  srl a0, a1, a3
  andi a0, a0, 15
  la a2, __hex_digits
  add a0, a2, a0
  lbu a0, 0(a0)
  call __putc
  addi a3, a3, -4
  bgez a3, 1b
  mv ra, a4
  ret

__newline:
  mv a4, ra
  li a0, 10
  call __putc
  mv ra, a4
  ret

# ---- the program's trap handler
  .balign 4
__handler:

  csrr t0, mcause
  bgez t0, 3f
  andi t0, t0, 31
  li t1, 7
  bne t0, t1, 1f
  li t1, 0x200bff8
  lw t2, 0(t1)
  addi t2, t2, 3
  li t1, 0x2004000
  sw t2, 0(t1)
  sw zero, 4(t1)
  j __trap_return
1:
  li t1, 3
  bne t0, t1, 3f
  li t1, 0x2000000
  sw zero, 0(t1)
  j __trap_return
3:
  j __trap_default

  .text
  j __trap_default

# ---- harness constants and tables
__hex_digits: .ascii "0123456789abcdef"
__priv_chars: .ascii "US?M"
__str_header: .asciz "TRAPEZE-STATE 1\n"
__str_pc: .asciz "pc "
__str_priv: .asciz "priv "
__str_csr: .asciz "csr "
__str_traps: .asciz "traps "
__str_trap: .asciz "trap "
__str_page: .asciz "page "
__str_end: .asciz "END\n"
  .balign 4
__csr_names:
  .word __csr_name_sstatus
  .word __csr_name_sie
  .word __csr_name_stvec
  .word __csr_name_scounteren
  .word __csr_name_senvcfg
  .word __csr_name_sscratch
  .word __csr_name_sepc
  .word __csr_name_scause
  .word __csr_name_stval
  .word __csr_name_sip
  .word __csr_name_satp
  .word __csr_name_mstatus
  .word __csr_name_misa
  .word __csr_name_medeleg
  .word __csr_name_mideleg
  .word __csr_name_mie
  .word __csr_name_mtvec
  .word __csr_name_mcounteren
  .word __csr_name_menvcfg
  .word __csr_name_mstatush
  .word __csr_name_menvcfgh
  .word __csr_name_mcountinhibit
  .word __csr_name_mscratch
  .word __csr_name_mepc
  .word __csr_name_mcause
  .word __csr_name_mtval
  .word __csr_name_mip
  .word __csr_name_pmpcfg0
  .word __csr_name_pmpcfg1
  .word __csr_name_pmpcfg2
  .word __csr_name_pmpcfg3
  .word __csr_name_pmpaddr0
  .word __csr_name_pmpaddr1
  .word __csr_name_pmpaddr2
  .word __csr_name_pmpaddr3
  .word __csr_name_pmpaddr4
  .word __csr_name_pmpaddr5
  .word __csr_name_pmpaddr6
  .word __csr_name_pmpaddr7
  .word __csr_name_pmpaddr8
  .word __csr_name_pmpaddr9
  .word __csr_name_pmpaddr10
  .word __csr_name_pmpaddr11
  .word __csr_name_pmpaddr12
  .word __csr_name_pmpaddr13
  .word __csr_name_pmpaddr14
  .word __csr_name_pmpaddr15
  .word __csr_name_mvendorid
  .word __csr_name_marchid
  .word __csr_name_mimpid
  .word __csr_name_mhartid
  .word __csr_name_mcycle
  .word __csr_name_minstret
  .word __csr_name_mcycleh
  .word __csr_name_minstreth
__csr_name_sstatus: .asciz "sstatus"
__csr_name_sie: .asciz "sie"
__csr_name_stvec: .asciz "stvec"
__csr_name_scounteren: .asciz "scounteren"
__csr_name_senvcfg: .asciz "senvcfg"
__csr_name_sscratch: .asciz "sscratch"
__csr_name_sepc: .asciz "sepc"
__csr_name_scause: .asciz "scause"
__csr_name_stval: .asciz "stval"
__csr_name_sip: .asciz "sip"
__csr_name_satp: .asciz "satp"
__csr_name_mstatus: .asciz "mstatus"
__csr_name_misa: .asciz "misa"
__csr_name_medeleg: .asciz "medeleg"
__csr_name_mideleg: .asciz "mideleg"
__csr_name_mie: .asciz "mie"
__csr_name_mtvec: .asciz "mtvec"
__csr_name_mcounteren: .asciz "mcounteren"
__csr_name_menvcfg: .asciz "menvcfg"
__csr_name_mstatush: .asciz "mstatush"
__csr_name_menvcfgh: .asciz "menvcfgh"
__csr_name_mcountinhibit: .asciz "mcountinhibit"
__csr_name_mscratch: .asciz "mscratch"
__csr_name_mepc: .asciz "mepc"
__csr_name_mcause: .asciz "mcause"
__csr_name_mtval: .asciz "mtval"
__csr_name_mip: .asciz "mip"
__csr_name_pmpcfg0: .asciz "pmpcfg0"
__csr_name_pmpcfg1: .asciz "pmpcfg1"
__csr_name_pmpcfg2: .asciz "pmpcfg2"
__csr_name_pmpcfg3: .asciz "pmpcfg3"
__csr_name_pmpaddr0: .asciz "pmpaddr0"
__csr_name_pmpaddr1: .asciz "pmpaddr1"
__csr_name_pmpaddr2: .asciz "pmpaddr2"
__csr_name_pmpaddr3: .asciz "pmpaddr3"
__csr_name_pmpaddr4: .asciz "pmpaddr4"
__csr_name_pmpaddr5: .asciz "pmpaddr5"
__csr_name_pmpaddr6: .asciz "pmpaddr6"
__csr_name_pmpaddr7: .asciz "pmpaddr7"
__csr_name_pmpaddr8: .asciz "pmpaddr8"
__csr_name_pmpaddr9: .asciz "pmpaddr9"
__csr_name_pmpaddr10: .asciz "pmpaddr10"
__csr_name_pmpaddr11: .asciz "pmpaddr11"
__csr_name_pmpaddr12: .asciz "pmpaddr12"
__csr_name_pmpaddr13: .asciz "pmpaddr13"
__csr_name_pmpaddr14: .asciz "pmpaddr14"
__csr_name_pmpaddr15: .asciz "pmpaddr15"
__csr_name_mvendorid: .asciz "mvendorid"
__csr_name_marchid: .asciz "marchid"
__csr_name_mimpid: .asciz "mimpid"
__csr_name_mhartid: .asciz "mhartid"
__csr_name_mcycle: .asciz "mcycle"
__csr_name_minstret: .asciz "minstret"
__csr_name_mcycleh: .asciz "mcycleh"
__csr_name_minstreth: .asciz "minstreth"
  .balign 4
__csr_values:
  .space 220
__csr_present:
  .space 55
  .balign 4
__digest_pages:
  .word 1
  .word (__data) & 0xfffff000

# ---- harness pages: the data page, the harness page (save area, trap log, trap stack), the stack
  .balign 4096
__data:
  .word 0xc46d23e3, 0x6634a928, 0x80fc3771, 0x2287bcbe, 0x4d4f3ac7, 0xef16800c, 0x9de0e55, 0xabe19792
  .word 0xd5a91ddb, 0x74709b60, 0x963860a9, 0x30c3eef6, 0x528b743f, 0xfd52f244, 0x1f1a7b8d, 0xb92dc1ca
  .word 0xdbf54f13, 0x45bcd558, 0xe44452e1, 0x60fd82e, 0xa0d6a677, 0xc29e2fbc, 0x6ca1b5c5, 0x8f693302
  .word 0x2930b94b, 0x4bf80690, 0xf5838cd9, 0x144b0a66, 0xb61293af, 0xd0da19f4, 0x72ede73d, 0x9cb56d7a
  .word 0x3f7cea83, 0x590470c8, 0xfbcffe11, 0x6597445e, 0x845ecde7, 0x26664b2c, 0x4029d175, 0xe2f15eb2
  .word 0xcb824fb, 0xaf43a200, 0xc90b2849, 0x6bd2b196, 0x959a3fdf, 0x37ad8564, 0x567502ad, 0xf03c88ea
  .word 0x12c41633, 0xbc8f9c78, 0xdf576581, 0x791ee3ce, 0x9b266917, 0x5e9f75c, 0xa7b17ce5, 0xc678fa22
  .word 0x6000406b, 0x82cbc9b0, 0x2c9357f9, 0x4f5add06, 0xe9625b4f, 0xb352094, 0xb5fcaedd, 0xd784341a
  .word 0x764fbda3, 0x90173be8, 0x32de8131, 0x5ce60f7e, 0xfea99487, 0x197112cc, 0xbb389815, 0x25c06652
  .word 0x478bef9b, 0xe6537520, 0x1af369, 0xa22278b6, 0xccf5c6ff, 0x6ebd4c04, 0x8944ca4d, 0x2b0c538a
  .word 0x55d7d9d3, 0xf79ea718, 0x11a62ca1, 0xb069aaee, 0xd2313037, 0x7cf8be7c, 0x9e800785, 0x394b8dc2
  .word 0x5b130b0b, 0xc5da9150, 0x67e21e99, 0x81b5e426, 0x207d626f, 0x4204ebb4, 0xeccc71fd, 0xe97ff3a
  .word 0xa95f4543, 0xcb66c288, 0x752e48d1, 0x97f1d61e, 0x31b95fa7, 0x504025ec, 0xf20ba335, 0x1cd32972
  .word 0xbe9ab6bb, 0xd8a23cc0, 0x7b75ba09, 0xe53d0056, 0x7c4899f, 0xa18c1724, 0xc0579d6d, 0x621f1aaa
  .word 0x8c26e0f3, 0x2eee6e38, 0x48b1f441, 0xeb797d8e, 0x1500fbd7, 0xb7c8411c, 0xd193cea5, 0x705b54e2
  .word 0x9262d22b, 0x3c2a5870, 0x5efd21b9, 0xf884afc6, 0x1b4c350f, 0x8517b354, 0x27df389d, 0x41e686da
  .word 0xe3ae0c63, 0x27195a8, 0xac3913f1, 0xcec0993e, 0x68886747, 0x8b53ec8c, 0x351b6ad5, 0x5722f012
  .word 0xf1ea7e5b, 0x13bdc7e0, 0xb2454d29, 0xdc0ccb76, 0x7ed450bf, 0x989fdec4, 0x3aa6a40d, 0xa56e224a
  .word 0xc731ab93, 0x61f931d8, 0x8380bf61, 0x224804ae, 0x4c1382f7, 0xeedb083c, 0x8e29645, 0xaaaa1f82
  .word 0xd57de5cb, 0x77056310, 0x91cce959, 0x339476e6, 0x525ffc2f, 0xfc677a74, 0x1e2ec3bd, 0xb8f649fa
  .word 0xdab9d703, 0x45415d48, 0xe708da91, 0x1d3a0de, 0xa39b2e67, 0xcda2b7ac, 0x6c6a3df5, 0x8e3dbb32
  .word 0x28c5017b, 0x4a8c8e80, 0xf55414c9, 0x171f9216, 0xb127185f, 0xd3eee1e4, 0x7db66f2d, 0x9c79f56a
  .word 0x3e0172b3, 0x58c8f8f8, 0xfa904601, 0x655bcc4e, 0x87635597, 0x212ad3dc, 0x43f25965, 0xed8526a2
  .word 0xc4caceb, 0xae142a30, 0xc8dfb079, 0x6ae73986, 0x94ae87cf, 0x37760d14, 0x51398b5d, 0xf3c1109a
  .word 0x1d889e23, 0xbc506468, 0xde1bedb1, 0x78236bfe, 0x9aeaf107, 0x4b27f4c, 0xa745c495, 0xc10d42d2
  .word 0x63d4c81b, 0x8d9c51a0, 0x2fa7dfe9, 0x4e6ea536, 0xe836237f, 0xaf9a884, 0xb48136cd, 0xd748bc0a
  .word 0x71103a53, 0x93db8398, 0x3de30921, 0x5faa976e, 0xfe721cb7, 0x18059afc, 0xbacd6005, 0x2494ee42
  .word 0x475c778b, 0xe167fdd0, 0x32f7b19, 0xadf6c0a6, 0xcfbe4eef, 0x6e41d434, 0x8809527d, 0x2ad0dbba
  .word 0x549ba1c3, 0xf6a32f08, 0x116ab551, 0xb332329e, 0xddc5b827, 0x7f8d066c, 0x9e548fb5, 0x381c15f2
  .word 0x5a27933b, 0xc4ef1940, 0x66b6e689, 0x817e6cd6, 0x2301ea1f, 0x4dc973a4, 0xef90f9ed, 0xe58472a
  .word 0xa863cd73, 0xca2b4ab8, 0x74f2d0c1, 0x96ba5e0e, 0x314d2457, 0x5314ad9c, 0xfddc2b25, 0x1fe7b162
  .word 0xb9af3eab, 0xd87684f0, 0x7a3e0239, 0xe4c18846, 0x689118f, 0xa1509fd4, 0xc318651d, 0x6d23e35a
  .word 0x8feb68e3, 0x29b2f628, 0x487a7c71, 0xea0dc5be, 0x14d543c7, 0xb69cc90c, 0xd0a45755, 0x736fdc92
  .word 0x9d375adb, 0x3ffe2060, 0x5981a9a9, 0xf84937f6, 0x1a10bd3f, 0x84d83b44, 0x26e3808d, 0x40ab0eca
  .word 0xe3729413, 0xd3a1258, 0xafcd9be1, 0xc995612e, 0x685cef77, 0x8a6474bc, 0x342ff2c5, 0x56f77802
  .word 0xf0bec64b, 0x13464f90, 0xbd09d5d9, 0xdfd15366, 0x7998d8af, 0x9ba3a6f4, 0x3a6b2c3d, 0xa432aa7a
  .word 0xc6fa3383, 0x608db9c8, 0x83550711, 0x2d1c8d5e, 0x4f240ae7, 0xe9ef902c, 0xbb71e75, 0xaa7ee7b2
  .word 0xd4066dfb, 0x76c9eb00, 0x90917149, 0x3358fe96, 0x5d6044df, 0xff2bc264, 0x19f34bad, 0xbbbad1ea
  .word 0xda425f33, 0x44152578, 0xe6dca281, 0xe428ce, 0xa2afb617, 0xcd773c5c, 0x6f3e85e5, 0x89c60322
  .word 0x2b89896b, 0x4a5116b0, 0xf4189cf9, 0x16201a06, 0xb0ebe04f, 0xd2b36994, 0x7d7af7dd, 0x9f027d1a
  .word 0x39d5faa3, 0x5b9d40e8, 0xc5a4ce31, 0x646c547e, 0x8637dd87, 0x20ff5bcc, 0x42862115, 0xed49af52
  .word 0xf11349b, 0xa9d8b220, 0xcbe03869, 0x75ab81b6, 0x94730fff, 0x363a9504, 0x50c2134d, 0xf295988a
  .word 0x1d5d66d3, 0xbf64ec18, 0xd92c75a1, 0x7bf7f3ee, 0xe5bf7937, 0x446c77c, 0xa60e4c85, 0xc0d1cac2
  .word 0x6299500b, 0x8ca0de50, 0x2f6ba799, 0x49332d26, 0xebfaab6f, 0x158230b4, 0xb455befd, 0xd61d043a
  .word 0x70248243, 0x92ec0b88, 0x3cb791d1, 0x5f7f1f1e, 0xf906e4a7, 0x1bce62ec, 0x8591e835, 0x24597672
  .word 0x4660ffbb, 0xe02845c0, 0x2f3c309, 0xacbb4956, 0xcf42d69f, 0x690a5c24, 0x8bddda6d, 0x35e4a3aa
  .word 0x57ac29f3, 0xf677b738, 0x103f3d41, 0xb2c6ba8e, 0xdc8e00d7, 0x7f518e1c, 0x991917a5, 0x3b209de2
  .word 0xa5e81b2b, 0xc7b3e170, 0x667b6eb9, 0x8002f4c6, 0x22ca720f, 0x4c9df854, 0xeea5419d, 0x96ccfda
  .word 0xab345563, 0xd5ffd2a8, 0x778758f1, 0x964e263e, 0x3011ac47, 0x52d9358c, 0xfce0b3d5, 0x1ea83912
  .word 0xb973875b, 0xdb3b0ce0, 0x45c28a29, 0xe78a1076, 0x65d99bf, 0xa06567c4, 0xc22ced0d, 0x6cf46b4a
  .word 0x8ebff093, 0x29477ed8, 0x4b0ec461, 0xf5d64dae, 0x1799cbf7, 0xb1a1513c, 0xd068df45, 0x7233a482
  .word 0x9cfb22cb, 0x3e82a810, 0x594a3659, 0xfb1dbfe6, 0x6525052f, 0x87ec8374, 0x21b408bd, 0x407f96fa
  .word 0xe2071c03, 0xcce9a48, 0xae966391, 0xc959e9de, 0x6b617767, 0x9528fcac, 0x37f07af5, 0x51bbc032
  .word 0xf0434e7b, 0x120ad780, 0xbcd25dc9, 0xdee5db16, 0x78aca15f, 0x9b742ee4, 0x53fb42d, 0xa7c7326a
  .word 0xc18ebbb3, 0x605601f8, 0x82198f01, 0x2c21154e, 0x4ee89297, 0xe8b018dc, 0xb7be665, 0xb5036fa2
  .word 0xd7caf5eb, 0x71927330, 0x93a5f979, 0x326d4686, 0x5c34cccf, 0xfefc4a14, 0x1887d05d, 0xbb4f599a
  .word 0x25162723, 0x47d9ad68, 0xe1e12ab1, 0x3a8b0fe, 0xa2703e07, 0xcc3b844c, 0x6ec30d95, 0x888a8bd2
  .word 0x2b52111b, 0x55659ea0, 0xf72d64e9, 0x11f4e236, 0xb3bc687f, 0xd247f184, 0x7c0f7fcd, 0x9ed6c50a
  .word 0x389e4353, 0x5aa1c898, 0xc5695621, 0x6730dc6e, 0x81fba5b7, 0x238323fc, 0x424aa905, 0xec123742
  .word 0xe25bc8b, 0xa8ed3ad0, 0xcab48019, 0x757c09a6, 0x970797ef, 0x31cf1d34, 0x53969b7d, 0xf25e60ba
  .word 0x1c61eec3, 0xbe297408, 0xd8f0f251, 0x7ab87b9e, 0xe543c127, 0x70b4f6c, 0xa1d2d4b5, 0xc39a52f2
  .word 0x6dadd83b, 0x8c74a640, 0x2e3c2f89, 0x48c7b5d6, 0xea8f331f, 0x1556b8a4, 0xb71e06ed, 0xd1218c2a
  .word 0x73e90a73, 0x9db093b8, 0x3c7819c1, 0x5e03e70e, 0xf8cb6d57, 0x1a92ea9c, 0x855a7025, 0x276dfe62
  .word 0x413547ab, 0xe3fccdf0, 0xd844b39, 0xac4fd146, 0xce175e8f, 0x68de24d4, 0x8ae1a21d, 0x34a9285a
  .word 0x5770b1e3, 0xf1383f28, 0x13c38571, 0xbd8b02be, 0xdc5288c7, 0x7e1a160c, 0x982d9c55, 0x3af56592
  .word 0xa4bce3db, 0xc7446960, 0x610ff6a9, 0x83d77cf6, 0x2d9efa3f, 0x4fa64044, 0xee69c98d, 0x83157ca
  .word 0xaaf8dd13, 0xd4805b58, 0x774b20e1, 0x9112ae2e, 0x33da3477, 0x5dedbdbc, 0xffb53bc5, 0x1e7c8102
  .word 0xb8040f4b, 0xdacf9490, 0x449712d9, 0xe75e9866, 0x16661af, 0xa329eff4, 0xcdf1753d, 0x6fb8f37a
  .word 0x8e407883, 0x280bc6c8, 0x4ad34c11, 0xf49aca5e, 0x16a253e7, 0xb175d92c, 0xd33ca775, 0x7dc42cb2
  .word 0x9f8faafb, 0x3e573000, 0x581ebe49, 0xfa260796, 0x64e98ddf, 0x86b10b64, 0x217890ad, 0x43001eea
  .word 0xedcbe433, 0xf936278, 0xae5aeb81, 0xc86271ce, 0x6a35ff17, 0x94fd455c, 0x3684c2e5, 0x514c4822
  .word 0xf317d66b, 0x1ddf5fb0, 0xbfe625f9, 0xd9a9a306, 0x7871294f, 0x9a38b694, 0x4c03cdd, 0xa68bba1a
  .word 0xc15303a3, 0x631a89e8, 0x8d221731, 0x2ff59d7e, 0x49bd1a87, 0xe844e0cc, 0xa0c6e15, 0xb4d7f452
  .word 0xd69f7d9b, 0x70a6fb20, 0x936e4169, 0x3d31ceb6, 0x5ff954ff, 0xf980d204, 0x1848584d, 0xba13218a
  .word 0x24daafd3, 0x46e23518, 0xe0b5b2a1, 0x37d38ee, 0xad048637, 0xcfcc0c7c, 0x69979585, 0x885f13c2
  .word 0x2a66990b, 0x542e6750, 0xf6f1ec99, 0x10b96a26, 0xb340f06f, 0xdd0879b4, 0x7fd3c7fd, 0x999b4d3a
  .word 0x3ba2cb43, 0x5a6a5088, 0xc43dded1, 0x66c4a41e, 0x808c2da7, 0x2357abec, 0x4d1f3135, 0xef26bf72
  .word 0x9ee04bb, 0xabb182c0, 0xca790809, 0x74009656, 0x96c81f9f, 0x3093e524, 0x535b636d, 0xfd62e8aa
  .word 0x1f2a76f3, 0xb9fdfc38, 0xdb857a41, 0x7a4cc38e, 0xe41449d7, 0x6dfd71c, 0xa0e75ca5, 0xc2aedae2
  .word 0x6d71a02b, 0x8f392e70, 0x29c0b7b9, 0x4b883dc6, 0xea53bb0f, 0x141b0154, 0xb6228e9d, 0xd0ea14da
  .word 0x72bd9263, 0x9d451ba8, 0x3f0ce1f1, 0x59d46f3e, 0xfb9ff547, 0x65a7728c, 0x846ef8d5, 0x26364612
  .word 0x40f9cc5b, 0xe28155e0, 0xd48d329, 0xaf105976, 0xc9db26bf, 0x6be2acc4, 0x95aa2a0d, 0x347db04a
  .word 0x56053993, 0xf0cc87d8, 0x12940d61, 0xbd5f8aae, 0xdf6710f7, 0x792e9e3c, 0x9bf66445, 0x5b9ed82
  .word 0xa4416bcb, 0xc608f110, 0x60d07f59, 0x829bc4e6, 0x2ca3422f, 0x4f6ac874, 0xe93251bd, 0xbc5dffa
  .word 0xb58ca503, 0xd4542348, 0x761fa891, 0x902736de, 0x32eebc67, 0x5cb605ac, 0xff7983f5, 0x19010932
  .word 0xbbc8977b, 0x25901c80, 0x445b9ac9, 0xe6636016, 0x2aee5f, 0xa2f277e4, 0xcc85fd2d, 0x6f4d7b6a
  .word 0x8914c0b3, 0x2bdc4ef8, 0x55e7d401, 0xf7af524e, 0x1676db97, 0xb039a1dc, 0xd2c12f65, 0x7c88b4a2
  .word 0x9f5032eb, 0x391bb830, 0x5b230679, 0xc5ea8f86, 0x67b215cf, 0x86459314, 0x200d195d, 0x42d4e69a
  .word 0xec9c6c23, 0xea7ea68, 0xa96f73b1, 0xcb36f9fe, 0x75fe4707, 0x9781cd4c, 0x36494a95, 0x5010d0d2
  .word 0xf2d85e1b, 0x1ce327a0, 0xbeaaade9, 0xd9722b36, 0x7b05b17f, 0xe5cd3e84, 0x79484cd, 0xa65c020a
  .word 0xc0678853, 0x622f1198, 0x8cf69f21, 0x2ebe656e, 0x4941e2b7, 0xeb0968fc, 0x15d0f605, 0xb7987c42
  .word 0xd1a3c58b, 0x706b43d0, 0x9232c919, 0x3cfa56a6, 0x5e8ddcef, 0xf9555a34, 0x1b1c207d, 0x8527a9ba
  .word 0x27ef37c3, 0x41b6bd08, 0xe07e3b51, 0x201809e, 0xacc90e27, 0xce90946c, 0x69581db5, 0x8b639bf2
  .word 0x352b613b, 0x57f2ef40, 0xf1ba7489, 0x104df2d6, 0xb215781f, 0xdcdcc1a4, 0x7ee44fed, 0x98afd52a
  .word 0x3b775373, 0xa53ed8b8, 0xc7c1a6c1, 0x61892c0e, 0x8050aa57, 0x2218339c, 0x4c23b925, 0xeeeb0762
  .word 0x8b28cab, 0xab7a0af0, 0xd50d9039, 0x77d51e46, 0x919ce78f, 0x33a46dd4, 0x526feb1d, 0xfc37715a
  .word 0x1efefee3, 0xb8864428, 0xdb49c271, 0x45114bbe, 0xe7d8d1c7, 0x1e05f0c, 0xa3ab2555, 0xc272a292
  .word 0x6c3a28db, 0x8ecdb660, 0x28953fa9, 0x4b5c85f6, 0xf564033f, 0x172f8944, 0xb1f7168d, 0xd3be9cca
  .word 0x72461a13, 0x9c09e058, 0x3ed169e1, 0x5898f72e, 0xfaa07d77, 0x656bfabc, 0x873340c5, 0x21face02
  .word 0x4382544b, 0xe255dd90, 0xc1d5bd9, 0xae242166, 0xc8efaeaf, 0x6ab734f4, 0x957eb23d, 0x3706387a
  .word 0x51c98183, 0xf3910fc8, 0x12589511, 0xbc60135e, 0xde2b98e7, 0x78f3662c, 0x9abaec75, 0x54275b2
  .word 0xa715f3fb, 0xc1dd7900, 0x63e4c749, 0x8dac4c96, 0x2c77cadf, 0x4e3f5064, 0xe8c6d9ad, 0xa89a7ea
  .word 0xb5512d33, 0xd718ab78, 0x71203081, 0x93ebbece, 0x3db30417, 0x5c7a825c, 0xfe020be5, 0x18d59122
  .word 0xba9d1f6b, 0x24a4e4b0, 0x476c62f9, 0xe137e806, 0x3ff764f, 0xad86ff94, 0xcc4e45dd, 0x6e11c31a
  .word 0x88d948a3, 0x2ae0d6e8, 0x54a85c31, 0xf773da7e, 0x113aa387, 0xb3c229cc, 0xdd95b715, 0x7c5d3d52
  .word 0x9e64ba9b, 0x382c0020, 0x5af78e69, 0xc4bf17b6, 0x67469dff, 0x810e1b04, 0x23d1e14d, 0x4d996e8a
  .word 0xefa0f4d3, 0xe687218, 0xa833fba1, 0xcafb41ee, 0x7482cf37, 0x974a557c, 0x311dd285, 0x532558c2
  .word 0xfdec260b, 0x1fb7ac50, 0xbe7f3599, 0xd806b326, 0x7ace396f, 0xe49186b4, 0x7590cfd, 0xa1608a3a
  .word 0xc3281043, 0x6df39988, 0x8fbb67d1, 0x2e42ed1e, 0x480a6aa7, 0xeaddf0ec, 0x14e57e35, 0xb6acc472
  .word 0xd1744dbb, 0x733fcbc0, 0x9dc75109, 0x3f8edf56, 0x5e51a49f, 0xf8192224, 0x1a20a86d, 0x84e831aa
  .word 0x26b3bff3, 0x417b0538, 0xe3028341, 0xdca088e, 0xaf9d96d7, 0xc9a51c1c, 0x686ce5a5, 0x8a3463e2
  .word 0x34ffe92b, 0x56877770, 0xf14efcb9, 0x13167ac6, 0xbdd9c00f, 0xdfe14e54, 0x79a8d79d, 0x98705dda
  .word 0x3a3bdb63, 0xa4c2a0a8, 0xc68a2ef1, 0x615db43e, 0x83653247, 0x2d2cbb8c, 0x4ff401d5, 0xe9bf8f12
  .word 0x847155b, 0xaa0e92e0, 0xd4d61829, 0x7699e676, 0x90a16fbf, 0x3368f5c4, 0x5d30730d, 0xfffbf94a
  .word 0x19834693, 0xb84accd8, 0xda124a61, 0x4425d3ae, 0xe6ed59f7, 0xb4273c, 0xa37fad45, 0xcd072a82
  .word 0x6fceb0cb, 0x89963e10, 0x28598459, 0x4a610de6, 0xf4288b2f, 0x16f01174, 0xb0bb9ebd, 0xd34364fa
  .word 0x7d0ae203, 0x9fd26848, 0x39e5f191, 0x5bad7fde, 0xfa74c567, 0x643c42ac, 0x86c7c8f5, 0x208f5632
  .word 0x4356dc7b, 0xed19a580, 0xf2123c9, 0xa9e8a916, 0xcbb0375f, 0x6a7bbce4, 0x94033a2d, 0x36ca806a
  .word 0x509209b3, 0xf2a597f8, 0x1d6d1d01, 0xbf349b4e, 0xd9fc6097, 0x7b87eedc, 0x9a4f7465, 0x416fda2
  .word 0xa6de7beb, 0xc0e1c130, 0x62a94f79, 0x8d70d486, 0x2f3852cf, 0x49c3d814, 0xeb8aa65d, 0xa522f9a
  .word 0xb465b523, 0xd62d3368, 0x70f4b8b1, 0x92bc06fe, 0x3d478c07, 0x5f0f0a4c, 0xf9d69395, 0x1b9e19d2
  .word 0x85a1e71b, 0x24696ca0, 0x4630eae9, 0xe0f87036, 0x283fe7f, 0xad4b4784, 0xcf12cdcd, 0x69da4b0a
  .word 0x8bedd153, 0x35b55e98, 0x547c2421, 0xf607a26e, 0x10cf2bb7, 0xb296b1fc, 0xdd5e3f05, 0x7f618542
  .word 0x9929028b, 0x3bf088d0, 0xa5b81619, 0xc4439fa6, 0x660b65ef, 0x80d2e334, 0x229a697d, 0x4cadf6ba
  .word 0xef757cc3, 0x93cfa08, 0xabc44051, 0xd58fc99e, 0x74575727, 0x961edd6c, 0x30265ab5, 0x52e920f2
  .word 0xfcb0ae3b, 0x1f783440, 0xb903bd89, 0xdbcb3bd6, 0x4592811f, 0xe45a0ea4, 0x66d94ed, 0xa035122a
  .word 0xc2fc9873, 0x6c8461b8, 0x8f4fefc1, 0x2917750e, 0x4bdef357, 0xf5e6789c, 0x17a9c625, 0xb6714c62
  .word 0xd038d5ab, 0x72c053f0, 0x9c8bd939, 0x3f52a746, 0x591a2c8f, 0xfb2daad4, 0x65f5301d, 0x87bcbe5a
__harness:
__save:
  .space 128
__trap_log:
  .space 1040
__trap_stack:
  .space 1024
__trap_stack_top:
  .balign 4096
__stack:
  .space 4096
__stack_top:

# ---- extra

  .text
__image_end:
