/* A payload that starts with Linux's RISC-V boot image header (Linux's
 * Documentation/riscv/boot-image-header.rst) asking, as rv32 Linux does, for text_offset
 * 0x400000: the firmware must place and enter it at 0x80400000 (a 4 MiB boundary), and pass
 * the device tree with its own memory reserved. It prints where it runs, a0, whether a1 points
 * at a device tree, and whether that tree has a `no-map` property (the firmware's
 * reserved-memory child), then shuts down through SBI SRST. Built by guests/build.sh into
 * images/bootheader.elf. */
    .option norvc
    .section .text.start, "ax"
    .globl _start
_start:
    j       entry                   /* code0 */
    .word   0                       /* code1 */
    .dword  0x400000                /* text_offset: rv32 Linux's (PMD_SIZE, 4 MiB) */
    .dword  _end - _start           /* image_size */
    .dword  0                       /* flags */
    .word   2                       /* version 0.2 */
    .word   0                       /* res1 */
    .dword  0                       /* res2 */
    .ascii  "RISCV\0\0\0"           /* magic (deprecated) */
    .ascii  "RSC\x05"               /* magic2 */
    .word   0                       /* res3 */

entry:
    auipc   s0, 0
    addi    s0, s0, -64             /* the address of _start */
    mv      s1, a0
    mv      s2, a1
    la      a0, msg_pc; call puts
    mv      a0, s0; call puthex
    la      a0, msg_a0; call puts
    mv      a0, s1; call puthex
    /* a1: the device tree's magic, 0xd00dfeed big-endian */
    la      a0, msg_dtb; call puts
    lbu     t0, 0(s2); lbu t1, 1(s2); lbu t2, 2(s2); lbu t3, 3(s2)
    slli    t0, t0, 24; slli t1, t1, 16; slli t2, t2, 8
    or      a0, t0, t1; or a0, a0, t2; or a0, a0, t3
    call    puthex
    /* "no-map" among the strings: the tree's strings block (offset at +12, size at +32) */
    la      a0, msg_nomap; call puts
    mv      a0, s2; addi a0, a0, 12; call be32; add s3, s2, a0      /* strings */
    mv      a0, s2; addi a0, a0, 32; call be32; add s4, s3, a0      /* end of strings */
    li      s5, 0
1:  bgeu    s3, s4, 3f
    la      t0, nomap; mv t1, s3
2:  lbu     t2, 0(t0); lbu t3, 0(t1)
    bne     t2, t3, 4f
    beqz    t2, 5f
    addi    t0, t0, 1; addi t1, t1, 1; j 2b
5:  li      s5, 1; j 3f
4:  addi    s3, s3, 1; j 1b
3:  mv      a0, s5; call puthex
    li      a7, 0x53525354          /* SRST: shutdown, no reason */
    li      a6, 0
    li      a0, 0
    li      a1, 0
    ecall
6:  j       6b

be32:                               /* a0: address; returns the big-endian word there */
    lbu     t0, 0(a0); lbu t1, 1(a0); lbu t2, 2(a0); lbu t3, 3(a0)
    slli    t0, t0, 24; slli t1, t1, 16; slli t2, t2, 8
    or      a0, t0, t1; or a0, a0, t2; or a0, a0, t3
    ret

puts:                               /* a0: NUL-terminated string */
    mv      t4, a0
1:  lbu     a0, 0(t4)
    beqz    a0, 2f
    li      a7, 1                   /* legacy console_putchar */
    ecall
    addi    t4, t4, 1
    j       1b
2:  ret

puthex:                             /* a0: value; 8 hex digits and a newline */
    mv      t5, a0
    li      t6, 8
1:  srli    a0, t5, 28
    slli    t5, t5, 4
    li      t0, 10
    blt     a0, t0, 2f
    addi    a0, a0, 'a' - 10
    j       3f
2:  addi    a0, a0, '0'
3:  li      a7, 1
    ecall
    addi    t6, t6, -1
    bnez    t6, 1b
    li      a0, '\n'
    li      a7, 1
    ecall
    ret

    .section .rodata
msg_pc:    .asciz "bootheader: running at "
msg_a0:    .asciz "bootheader: a0 = "
msg_dtb:   .asciz "bootheader: device tree magic "
msg_nomap: .asciz "bootheader: no-map in the device tree "
nomap:     .asciz "no-map"
