# A tour of GNU as syntax: pseudo-instructions, labels, local labels, relocation operators.
    .text
    .globl _start
    .equ UART, 0x10000000
    .set COUNT, 10
_start:
    li      a0, 42
    li      a1, 0x12345678
    li      a2, -1
    li      a3, 0x800
    li      a4, -2048
    li      a5, 0x7ffff800
    li      a6, COUNT * 4 + 1
    li      t0, UART
    lla     a4, message
    la      a5, message
    call    function
    tail    function
1:  addi    a0, a0, -1
    bnez    a0, 1b
    beq     a0, a1, 1f
    j       1f
1:  csrr    t0, mstatus
    csrw    mtvec, t0
    csrs    mie, t1
    csrc    mip, t2
    csrwi   mie, 8
    csrsi   mstatus, 8
    csrci   mstatus, 2
    csrrw   a0, mscratch, a1
    csrrs   a0, 0x7c0, zero
    rdcycle a0
    rdtime  a1
    rdinstret a2
    rdcycleh a3
    fence
    fence   rw, w
    fence   iorw, iorw
    fence.i
    fence.tso
    lr.w.aq a0, (a1)
    sc.w.rl a2, a3, (a4)
    amoswap.w a0, a1, 0(a2)
    amoadd.w.aqrl a0, a1, (a2)
    lw      a0, message
    sw      a0, message, t0
    lbu     a1, message
2:  auipc   a0, %pcrel_hi(message)
    addi    a0, a0, %pcrel_lo(2b)
    addi    sp, sp, -16
    sw      ra, 12(sp)
    lw      ra, 12(sp)
    addi    sp, sp, 16
    mv      a0, a1
    not     a0, a1
    neg     a0, a1
    seqz    a0, a1
    snez    a0, a1
    sltz    a0, a1
    sgtz    a0, a1
    sgt     a0, a1, a2
    sgtu    a0, a1, a2
    beqz    a0, function
    bnez    s1, function
    blez    a0, function
    bgez    a0, function
    bltz    a0, function
    bgtz    a0, function
    bgt     a0, a1, function
    ble     a0, a1, function
    bgtu    a0, a1, function
    bleu    a0, a1, function
    sfence.vma
    sfence.vma a0
    sfence.vma a0, a1
    wfi
    mret
    sret
    ecall
    ebreak
    nop
    unimp
    mul     a0, a1, a2
    mulh    a0, a1, a2
    mulhsu  a0, a1, a2
    mulhu   a0, a1, a2
    div     a0, a1, a2
    divu    a0, a1, a2
    rem     a0, a1, a2
    remu    a0, a1, a2
    jump    function, t3
function:
    ret
    jr      a0
    jalr    a0
    jalr    t0, 4(a0)
    jalr    t0, a0, 8
    jr      a0, 12
    jal     function
    jal     ra, function
    j       function
    .align  4
message:
    .asciz  "hello, world\n"
    .byte   1, 2, 3, 'x'
    .half   0x1234, -1
    .word   0x12345678, message, message - function
    .balign 8
    .zero   3
    .p2align 2, 0xff
    .word   _start
