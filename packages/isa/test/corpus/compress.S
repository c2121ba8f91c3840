# Automatic compression: every compressed form an assembler chooses, and the cases it must not.
    .text
    addi    a0, sp, 16          # c.addi4spn
    addi    a0, sp, 0           # c.mv (no zero-immediate c.addi4spn)
    lw      a0, 4(a1)           # c.lw
    sw      a0, 124(a1)         # c.sw
    lw      a0, 128(a1)         # too far: lw
    addi    x0, x0, 0           # c.nop
    addi    a0, a0, 1           # c.addi
    addi    a0, a0, 0           # c.mv a0, a0 (c.addi with 0 is a HINT)
    addi    zero, zero, 1       # stays 32-bit (HINT)
    addi    a0, zero, -32       # c.li
    addi    sp, sp, -16         # c.addi (fits 6 bits)
    addi    sp, sp, -64         # c.addi16sp
    addi    sp, sp, 496         # c.addi16sp
    lui     a0, 31              # c.lui
    lui     a0, 0xfffe0         # c.lui
    lui     a0, 32              # lui
    lui     sp, 1               # lui (no c.lui for sp)
    srli    s0, s0, 3           # c.srli
    srai    a5, a5, 31          # c.srai
    srli    a6, a6, 3           # srli (not x8-x15)
    andi    a0, a0, -1          # c.andi
    sub     a0, a0, a1          # c.sub
    sub     a0, a1, a0          # sub (not commutative)
    xor     a0, a1, a0          # c.xor (commuted)
    or      a0, a0, a1          # c.or
    and     a1, a0, a1          # c.and (commuted)
    slli    a0, a0, 1           # c.slli
    slli    t6, t6, 31          # c.slli
    lw      a0, 252(sp)         # c.lwsp
    lw      zero, 0(sp)         # lw (rd = x0 is reserved for c.lwsp)
    sw      ra, 0(sp)           # c.swsp
    jalr    zero, 0(a0)         # c.jr
    jalr    ra, 0(a0)           # c.jalr
    jalr    ra, 4(a0)           # jalr
    add     a0, zero, a1        # c.mv
    add     a0, a1, zero        # c.mv
    add     a0, a0, a1          # c.add
    add     a0, a1, a0          # c.add (commuted)
    add     zero, zero, a1      # stays 32-bit (HINT)
    ebreak                      # c.ebreak
    li      a0, 0x1000          # c.lui
    .option push
    .option norvc
    addi    a0, a0, 1           # addi
    li      a0, 5               # addi
    .option pop
    addi    a0, a0, 1           # c.addi again
    c.addi  a0, 1
    c.nop
    c.ebreak
