# Probe of QEMU virt CSR reset values, WARL masks, counters, misaligned accesses and WFI under icount.
# Assemble with Trapeze and run on QEMU: see docs/qemu-virt.md.
    .text
    .globl _start
_start:
    la      sp, stack_top
    la      t0, trap
    csrw    mtvec, t0
    # 1. identification CSRs
    li a0, 'A'; call putc; csrr a0, misa; call puthex
    li a0, 'V'; call putc; csrr a0, mvendorid; call puthex
    li a0, 'R'; call putc; csrr a0, marchid; call puthex
    li a0, 'I'; call putc; csrr a0, mimpid; call puthex
    li a0, 'S'; call putc; csrr a0, mstatus; call puthex
    # 2. WARL: write all ones, read back
    li t1, -1
    li a0, 's'; call putc; csrw mstatus, t1; csrr a0, mstatus; call puthex; csrw mstatus, zero
    li a0, 'e'; call putc; csrw medeleg, t1; csrr a0, medeleg; call puthex; csrw medeleg, zero
    li a0, 'i'; call putc; csrw mideleg, t1; csrr a0, mideleg; call puthex; csrw mideleg, zero
    li a0, 'E'; call putc; csrw mie, t1; csrr a0, mie; call puthex; csrw mie, zero
    li a0, 'c'; call putc; csrw mcounteren, t1; csrr a0, mcounteren; call puthex
    li a0, 'h'; call putc; csrw mcountinhibit, zero; csrr a0, mcountinhibit; call puthex
    li a0, 'n'; call putc; csrw menvcfg, t1; csrr a0, menvcfg; call puthex
    li a0, 'N'; call putc; csrw menvcfgh, t1; csrr a0, menvcfgh; call puthex
    li a0, 'p'; call putc; csrw pmpcfg0, t1; csrr a0, pmpcfg0; call puthex; csrw pmpcfg0, zero
    li a0, 'q'; call putc; li t2, 0x02020202; csrw pmpcfg1, t2; csrr a0, pmpcfg1; call puthex; csrw pmpcfg1, zero
    li a0, 'a'; call putc; csrw pmpaddr0, t1; csrr a0, pmpaddr0; call puthex; csrw pmpaddr0, zero
    li a0, 'T'; call putc; csrw mtvec, t1; csrr a0, mtvec; call puthex; la t0, trap; csrw mtvec, t0
    li a0, 'P'; call putc; csrw satp, t1; csrr a0, satp; call puthex; csrw satp, zero
    li a0, 'x'; call putc; csrw mepc, t1; csrr a0, mepc; call puthex
    li a0, 'X'; call putc; csrw scounteren, t1; csrr a0, scounteren; call puthex
    li a0, 'H'; call putc; csrw mstatush, t1; csrr a0, mstatush; call puthex
    # 3. counters: instret and mtime (icount: 1 insn = 1 ns; mtime at 10 MHz)
    li a0, 'C'; call putc; csrr a0, minstret; call puthex
    li a0, 'M'; call putc; li t0, 0x0200bff8; lw a0, 0(t0); call puthex
    li a0, 'Y'; call putc; csrr a0, mcycle; call puthex
    li a0, 'Z'; call putc; csrr a0, time; call puthex
    # 4. misaligned load and store
    la t0, data
    li a0, 'L'; call putc; lw a0, 1(t0); call puthex
    li a0, 'W'; call putc; li t1, 0x11223344; sw t1, 3(t0); lw a0, 4(t0); call puthex
    li a0, 'U'; call putc; amoadd.w a0, t1, (t0); addi t0, t0, 1; amoadd.w a0, t1, (t0); call puthex
    # 5. WFI with a timer: instret/mtime before and after
    li t0, 0x0200bff8; lw t1, 0(t0)
    addi t1, t1, 1000
    li t0, 0x02004000; sw t1, 0(t0); sw zero, 4(t0)
    li t2, 0x80; csrs mie, t2
    li a0, 'w'; call putc; csrr a0, minstret; call puthex
    wfi
    li a0, 'v'; call putc; csrr a0, minstret; call puthex
    li a0, 'm'; call putc; li t0, 0x0200bff8; lw a0, 0(t0); call puthex
    li a0, 'k'; call putc; csrr a0, mip; call puthex
    # done
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
1:  j 1b

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
    # print '!' mcause mtval, skip faulting instruction (assume 4 bytes), return
    addi sp, sp, -16
    sw ra, 12(sp); sw a0, 8(sp)
    li a0, '!'; call putc; csrr a0, mcause; call puthex
    li a0, '@'; call putc; csrr a0, mtval; call puthex
    csrr t5, mcause; bltz t5, 5f
    csrr t5, mepc; addi t5, t5, 4; csrw mepc, t5
    j 6f
5:  li t5, 0x80; csrc mie, t5     # timer interrupt: disable it
6:  lw ra, 12(sp); lw a0, 8(sp)
    addi sp, sp, 16
    mret
    .data
    .align 4
data: .word 0x03020100, 0x07060504, 0x0b0a0908, 0
    .bss
    .align 4
    .zero 1024
stack_top:
