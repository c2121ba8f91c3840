/**
 * The sample guest of `trapeze demo`: a small bare-metal RV32IMAC program for QEMU's `virt`
 * board, written like the start of a guest kernel.
 *
 * @module
 */

/**
 * Source of the demo guest (GNU as syntax). It installs a trap handler, checksums a table in a
 * function (a loop with M-extension multiplies), counts the call with an atomic add, times it
 * with the cycle counter, hands the result to its trap handler with `ecall` (which returns with
 * `mret`), and powers the board off through the test finisher. The assembler compresses what it can, so the listing mixes 16- and 32-bit
 * instructions.
 */
export const DEMO_SOURCE = `# trapeze demo guest: bare-metal RV32IMAC for QEMU's virt board (RAM at 0x80000000).
    .equ    FINISHER, 0x100000      # SiFive test finisher: write PASS to power off
    .equ    PASS, 0x5555
    .equ    FAIL, 0x3333            # FAIL | code << 16 exits QEMU with status code
    .equ    ECALL_M, 11             # mcause of an environment call from M-mode

    .text
    .globl  _start
_start:
    la      sp, stack_top
    csrr    a0, mhartid             # only hart 0 runs the demo
    bnez    a0, park
    la      t0, trap_handler
    csrw    mtvec, t0
    li      t0, 0x8                 # mstatus.MIE
    csrc    mstatus, t0             # no interrupts while we measure
    rdcycle s0                      # start time
    la      a0, table
    li      a1, 8
    call    checksum
    mv      s1, a0
    la      t0, calls
    li      t1, 1
    amoadd.w zero, t1, (t0)         # count the call atomically
    rdcycle t2
    sub     s0, t2, s0              # cycles spent in checksum
    mv      a0, s1
    ecall                           # hand the checksum to the trap handler
    li      t0, FINISHER
    li      t1, PASS
    sw      t1, 0(t0)
park:
    wfi
    j       park

# checksum(a0 = words, a1 = count) -> a0: rotate, xor and multiply by the FNV prime
    .globl  checksum
checksum:
    li      t0, 0x811c9dc5          # FNV offset basis
    li      t3, 0x01000193          # FNV prime
1:  beqz    a1, 2f
    lw      t1, 0(a0)
    slli    t2, t0, 5
    srli    t0, t0, 27
    or      t0, t0, t2
    xor     t0, t0, t1
    mul     t0, t0, t3
    addi    a0, a0, 4
    addi    a1, a1, -1
    j       1b
2:  mv      a0, t0
    ret

# Machine trap handler: an ecall leaves a0 in mscratch, where a debugger finds it, and
# returns past the ecall; anything else exits QEMU with the trap cause as status.
    .balign 4                       # mtvec needs a 4-byte aligned handler
trap_handler:
    csrr    t0, mcause
    li      t1, ECALL_M
    bne     t0, t1, fail
    csrw    mscratch, a0
    csrr    t1, mepc
    addi    t1, t1, 4               # ecall is 4 bytes long
    csrw    mepc, t1
    mret
fail:
    slli    t0, t0, 16
    li      t1, FAIL
    or      t0, t0, t1
    li      t1, FINISHER
    sw      t0, 0(t1)
    j       park

    .data
table:
    .word   0x00000013, 0x00a58533, 0x02a00513, 0x00008067
    .word   1, 2, 3, 4
calls:
    .word   0

    .bss
    .balign 16
stack:
    .space  1024
stack_top:
`;
