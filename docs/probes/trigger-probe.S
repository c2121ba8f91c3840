# Probe of QEMU 7.2's debug trigger module (Sdtrig): which CSRs exist, their WARL rules, and
# when execute, load and store triggers fire (modes, sizes, misaligned and page-crossing
# accesses, atomics, faults, virtual time). Assemble with Trapeze and run on QEMU with
# QEMU_REFERENCE_ARGS: see docs/qemu-virt.md, "Debug triggers". Each line is a letter (the
# test) and a value; the trap handler prints "!" mcause, "@" mtval, "^" mepc, "P" MPP.
# Never write tdata1 with type 1 or 8-14 here: QEMU 7.2 aborts (g_assert_not_reached).
    .text
    .globl _start
    .option norvc
_start:
    la sp, stack_top
    la t0, trap; csrw mtvec, t0
    li t0, -1; csrw pmpaddr1, t0
    la t0, denyp; srli t0, t0, 2; ori t0, t0, 0x1ff; csrw pmpaddr0, t0
    li t0, 0x1f18; csrw pmpcfg0, t0          # 0: denyp (4 KiB) no access; 1: all RWX
    la s3, data
    # 1. Which CSRs exist: tselect..tinfo read; tcontrol, mcontext, mscontext, scontext trap.
    li a0, 'a'; call putc; csrr a0, tselect; call puthex
    li a0, 'b'; call putc; csrr a0, tdata1; call puthex
    li a0, 'c'; call putc; csrr a0, tdata2; call puthex
    li a0, 'd'; call putc; csrr a0, tdata3; call puthex
    li a0, 'e'; call putc; csrr a0, 0x7a4; call puthex
    li a0, 'f'; call putc; li a0, 0; csrr a0, 0x7a5; call puthex
    li a0, 'g'; call putc; li a0, 0; csrr a0, mcontext; call puthex
    li a0, 'h'; call putc; li a0, 0; csrr a0, 0x7aa; call puthex
    li a0, 'i'; call putc; li a0, 0; csrr a0, scontext; call puthex
    # 2. tselect: 0 and 1; other writes ignored.
    li a0, 'S'; call putc; li t0, 1; csrw tselect, t0; li t0, 2; csrw tselect, t0; csrr a0, tselect; call puthex
    li a0, 'S'; call putc; li t0, -1; csrw tselect, t0; csrr a0, tselect; call puthex
    csrw tselect, zero
    # 3. tdata1 WARL: write (after a reset to 0x20000000), read back.
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x2fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x6fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x0fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x3fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x4fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x5fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x7fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0xffffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x2800005f; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x20000020; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x20001000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x20030000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x20040000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x60040000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x60050000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x600f0000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    li a0, 'W'; call putc; li t0, 0x61800000; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li a0, 'X'; call putc; li t0, 0x6000005f; csrw tdata1, t0; li t0, 0x3fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li a0, 'Y'; call putc; li t0, 0xabc; csrw tdata2, t0; li t0, 0x2000005f; csrw tdata1, t0; csrr a0, tdata2; call puthex
    li a0, 'Z'; call putc; li t0, -1; csrw tdata3, t0; csrr a0, tdata3; call puthex
    li a0, 'z'; call putc; li t0, -1; csrw 0x7a4, t0; csrr a0, 0x7a4; call puthex
    # 4. Execute trigger in M-mode (MIE clear): fires before the instruction, mtval 0.
    li t0, 0x20000000; csrw tdata1, t0
    la t0, x1; csrw tdata2, t0; li t0, 0x20000044; csrw tdata1, t0
    li a0, 'E'; call putc; li a1, 0
x1: li a1, 5
    mv a0, a1; call puthex
    # 5. Load and store triggers at data + 8, by size (type 2: any = 4 bytes, sizelo 3 =
    #    3 bytes; type 6: any = 8 bytes, size 5 = 5 bytes): which lb offsets 6..16 fire.
    addi t0, s3, 8; csrw tdata2, t0
    li t0, 0x20000041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x20000041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    li t0, 0x20010041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x20010041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    li t0, 0x20030041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x20030041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    li t0, 0x60000041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x60000041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    li t0, 0x60030041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x60030041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    li t0, 0x60050041; csrw tdata1, t0
    li a0, 'L'; call putc; li a0, 0x60050041; call puthex
    lb a0, 6(s3); lb a0, 7(s3); lb a0, 8(s3); lb a0, 9(s3); lb a0, 10(s3); lb a0, 11(s3)
    lb a0, 12(s3); lb a0, 13(s3); lb a0, 14(s3); lb a0, 15(s3); lb a0, 16(s3)
    # 6. Misaligned, stores, atomics (trigger: data + 8, 1 byte, load and store, M).
    li t0, 0x20010043; csrw tdata1, t0
    li a0, 'M'; call putc; li a1, 0x77
    lw a0, 5(s3); lw a0, 4(s3); sw a1, 7(s3); sh a1, 6(s3); lw a0, 4(s3); call puthex
    li t0, 0x20000042; csrw tdata1, t0       # store only, 4 bytes
    li a0, 'A'; call putc; addi a2, s3, 8
    amoadd.w a0, a1, (a2); lr.w a0, (a2); li a3, 7; sc.w a3, a1, (a2); mv a0, a3; call puthex
    li t0, 0x20000041; csrw tdata1, t0       # load only
    li a0, 'B'; call putc; li a3, 7; sc.w a3, a1, (a2); mv a0, a3; call puthex   # no reservation: no trigger
    addi a2, s3, 9; amoadd.w a0, a1, (a2)    # misaligned AMO: cause 4 first
    # 7. Page-crossing load (two aligned words) and store (its bytes): trigger 1 byte at page2 - 4.
    la s4, page2; addi t0, s4, -4; csrw tdata2, t0; li t0, 0x20010043; csrw tdata1, t0
    li a0, 'C'; call putc; lw a0, -2(s4); sw a0, -2(s4)
    # 8. Priority over faults (in U-mode: PMP binds it): a load, a store and a jump into the
    #    denied page stop at the trigger; the fetch after it faults.
    la s5, denyp; csrw tdata2, s5; li t0, 0x2000000f; csrw tdata1, t0
    li a0, 'F'; call putc; la a2, u2; call user
    # 9. Virtual time: a stopped instruction is not counted (handler qtrap: 4 instructions).
    la t0, qtrap; csrw mtvec, t0
    la t0, q1; csrw tdata2, t0; li t0, 0x20000044; csrw tdata1, t0
    csrr s1, minstret
q1: nop
    csrr s2, minstret
    li t0, 0x20000000; csrw tdata1, t0
    csrr s6, minstret
    ebreak
    csrr s7, minstret
    la t0, trap; csrw mtvec, t0
    li a0, 'T'; call putc; sub a0, s2, s1; call puthex; sub a0, s7, s6; call puthex
    # 10. The mode check looks at every trigger: trigger 0 executes at q2 for U only,
    #     trigger 1 executes at q3 for M: M-mode at q2 stops.
    la t0, q2; csrw tdata2, t0; li t0, 0x2000000c; csrw tdata1, t0
    li t0, 1; csrw tselect, t0; la t0, q3; csrw tdata2, t0; li t0, 0x20000044; csrw tdata1, t0
    li a0, 'Q'; call putc
q2: nop
    li t0, 0x20000000; csrw tdata1, t0; csrw tselect, zero; csrw tdata1, t0
q3: nop
    # 11. Modes: a U-mode load of data with a trigger for U, then one for S and M only.
    csrw tdata2, s3; li t0, 0x20000009; csrw tdata1, t0
    li a0, 'U'; call putc; la a2, u1; call user
    li t0, 0x20000051; csrw tdata1, t0
    li a0, 'u'; call putc; la a2, u1; call user
    li t0, 0x20000000; csrw tdata1, t0
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
1:  j 1b
u1: lw a0, 0(s3)
    ecall
u2: lw a0, 0(s5)
    sw a0, 0(s5)
    jalr ra, 0(s5)
    ecall
user:                                     # runs a2 in U-mode until it executes ecall
    la t0, back; sw ra, 0(t0)
    li t0, 0x1800; csrc mstatus, t0
    csrw mepc, a2
    mret

# print a0 as 8 hex digits and a newline
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
    .align 2
trap:
    # ecall from U: back to M after `call user`. Else print '!' mcause '@' mtval '^' mepc
    # 'P' MPP and skip the instruction (at ra for a fetch fault).
    csrw mscratch, t0
    csrr t0, mcause; addi t0, t0, -8; bnez t0, 1f
    la t0, back; lw t0, 0(t0); csrw mepc, t0
    li t0, 0x1800; csrs mstatus, t0
    csrr t0, mscratch
    mret
1:  addi sp, sp, -16
    sw ra, 12(sp); sw a0, 8(sp)
    li a0, '!'; call putc; csrr a0, mcause; call puthex
    li a0, '@'; call putc; csrr a0, mtval; call puthex
    li a0, '^'; call putc; csrr a0, mepc; call puthex
    li a0, 'P'; call putc; csrr a0, mstatus; srli a0, a0, 11; andi a0, a0, 3; call puthex
    lw ra, 12(sp); lw a0, 8(sp)
    addi sp, sp, 16
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    csrr t0, mcause; addi t0, t0, -1; bnez t0, 2f
    csrw mepc, ra
2:  csrr t0, mscratch
    mret
    .align 2
qtrap:
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    mret
    .data
    .align 4
back: .word 0
data: .word 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514
    .align 12
    .zero 4096
page2: .word 0x22222222
    .align 12
denyp: .zero 4096
    .bss
    .align 4
    .zero 1024
stack_top:
