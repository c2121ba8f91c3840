# Branch and jump relaxation: compressed while the target is in reach, full size beyond.
    .text
start:
    beqz    a0, near            # c.beqz
    bnez    s0, near            # c.bnez
    beqz    a6, near            # beq (not x8-x15)
    j       near                # c.j
    jal     near                # c.jal
    beqz    a0, far             # beq: beyond ±256
    j       farther             # jal: beyond ±2 KiB
    jal     farther             # jal
near:
    .space  300
far:
    .space  2000
farther:
    beqz    a0, start           # beq
    j       start               # jal
    j       1f
    .align  3
1:  nop
