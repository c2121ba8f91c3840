# Probe of QEMU virt's PCIe host bridge (ECAM at 0x30000000) and its MMIO and I/O windows.
# Assemble with Trapeze and run on QEMU: see docs/qemu-virt.md. Every value is printed in hex;
# a trap prints "!", mcause and mtval, and the probe goes on after the faulting instruction.
    .option norvc
    .text
    .globl _start
_start:
    la sp, stack_top
    la t0, trap
    csrw mtvec, t0
    # 1. 00:00.0's configuration header, 16 words
    li a0, 'H'; call putc; li a0, '\n'; call putc
    li s2, 0x30000000; li s3, 0
1:  add t0, s2, s3; lw a0, 0(t0); call puthex
    addi s3, s3, 4; li t0, 0x40; blt s3, t0, 1b
    # 2. the rest of its 4 KiB: words 0x40-0xfc that are not zero (offset, value), then how
    #    many words 0x100-0xffc read all ones
    li a0, 'N'; call putc; li a0, '\n'; call putc
    li s3, 0x40
2:  add t0, s2, s3; lw s4, 0(t0); beqz s4, 3f
    mv a0, s3; call puthex; mv a0, s4; call puthex
3:  addi s3, s3, 4; li t0, 0x100; blt s3, t0, 2b
    li s5, 0
8:  add t0, s2, s3; lw s4, 0(t0); addi s4, s4, 1; bnez s4, 9f
    addi s5, s5, 1
9:  addi s3, s3, 4; li t0, 0x1000; blt s3, t0, 8b
    mv a0, s5; call puthex
    # 3. write all ones to each header word, read back, write the old value back
    li a0, 'W'; call putc; li a0, '\n'; call putc
    li s3, 0
4:  add t0, s2, s3; lw s4, 0(t0); li t1, -1; sw t1, 0(t0); lw a0, 0(t0); call puthex
    add t0, s2, s3; sw s4, 0(t0)
    addi s3, s3, 4; li t0, 0x40; blt s3, t0, 4b
    # writes of zero
    li a0, 'Z'; call putc; li a0, '\n'; call putc
    li s3, 0
5:  add t0, s2, s3; lw s4, 0(t0); sw zero, 0(t0); lw a0, 0(t0); call puthex
    add t0, s2, s3; sw s4, 0(t0)
    addi s3, s3, 4; li t0, 0x40; blt s3, t0, 5b
    # 4. narrow and misaligned accesses to 00:00.0
    li a0, 'B'; call putc; li a0, '\n'; call putc
    lbu a0, 0(s2); call puthex
    lbu a0, 1(s2); call puthex
    lbu a0, 2(s2); call puthex
    lbu a0, 3(s2); call puthex
    lhu a0, 0(s2); call puthex
    lhu a0, 2(s2); call puthex
    lhu a0, 1(s2); call puthex
    lw a0, 1(s2); call puthex
    lw a0, 2(s2); call puthex
    lw a0, 0xa(s2); call puthex
    lb a0, 0xb(s2); call puthex
    li t1, 0xff; sb t1, 0xd(s2); lw a0, 0xc(s2); call puthex     # latency timer byte
    li t1, 0xab; sb t1, 0x3c(s2); lw a0, 0x3c(s2); call puthex   # interrupt line byte
    li t1, 0x5a; sb t1, 0x3d(s2); lw a0, 0x3c(s2); call puthex   # interrupt pin (read-only)
    li t1, 0x1234; sh t1, 0x3e(s2); lw a0, 0x3c(s2); call puthex
    li t1, -1; sh t1, 4(s2); lw a0, 4(s2); call puthex           # command as a halfword
    sh zero, 4(s2); lw a0, 4(s2); call puthex
    li t1, 0xffff0000; sw t1, 4(s2); lw a0, 4(s2); call puthex    # status: write 1 to clear
    li t1, 0x55; sw t1, 0x7(s2); lw a0, 4(s2); call puthex        # misaligned store
    sw zero, 4(s2); lw a0, 4(s2); call puthex
    # 5. absent functions: all ones, writes ignored
    li a0, 'A'; call putc; li a0, '\n'; call putc
    li t0, 0x30001000; lw a0, 0(t0); call puthex                 # 00:00.1
    li t0, 0x30008000; lw a0, 0(t0); call puthex                 # 00:01.0
    li t0, 0x300f8000; lw a0, 0(t0); call puthex                 # 00:1f.0
    li t0, 0x30100000; lw a0, 0(t0); call puthex                 # 01:00.0
    li t0, 0x3ffffffc; lw a0, 0(t0); call puthex                 # ff:1f.7, last word
    li t0, 0x30008000; lbu a0, 3(t0); call puthex
    li t0, 0x30008000; lhu a0, 2(t0); call puthex
    li t0, 0x30008000; lb a0, 0(t0); call puthex
    li t0, 0x30008000; lh a0, 0(t0); call puthex
    li t0, 0x30008004; sw zero, 0(t0); lw a0, 0(t0); call puthex
    li t0, 0x30000100; lw a0, 0(t0); call puthex                 # 00:00.0 extended space
    li t0, 0x30000ffc; lw a0, 0(t0); call puthex
    # 6. the windows: I/O at 0x03000000 (64 KiB), MMIO at 0x40000000 (1 GiB)
    li a0, 'M'; call putc; li a0, '\n'; call putc
    li t0, 0x03000000; lw a0, 0(t0); call puthex
    li t0, 0x03000000; lbu a0, 1(t0); call puthex
    li t0, 0x03000000; li t1, 0x12345678; sw t1, 0(t0); lw a0, 0(t0); call puthex
    li t0, 0x0300fffc; lw a0, 0(t0); call puthex
    li t0, 0x03010000; lw a0, 0(t0); call puthex
    li t0, 0x40000000; lw a0, 0(t0); call puthex
    li t0, 0x40000000; li t1, 0x12345678; sw t1, 0(t0); lw a0, 0(t0); call puthex
    li t0, 0x40000000; lhu a0, 2(t0); call puthex
    li t0, 0x7ffffffc; lw a0, 0(t0); call puthex
    li t0, 0x2fffffc; lw a0, 0(t0); call puthex
    li a0, 'E'; call putc; li a0, '\n'; call putc
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
7:  j 7b

    .align 2
trap:
    addi sp, sp, -16; sw ra, 12(sp); sw a0, 8(sp)
    li a0, '!'; call putc
    csrr a0, mcause; call puthex
    li a0, '!'; call putc
    csrr a0, mtval; call puthex
    csrr t0, mcause; li t1, 1; bne t0, t1, 1f
    lw ra, 12(sp); csrw mepc, ra; j 2f        # fetch fault: back to ra
1:  csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    lw ra, 12(sp)
2:  lw a0, 8(sp); li a0, 0; addi sp, sp, 16
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
    .bss
    .align 4
    .zero 1024
stack_top:
