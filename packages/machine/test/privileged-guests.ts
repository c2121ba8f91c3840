/**
 * Guests that exercise the privileged architecture end to end on the virt board: Sv32 paging
 * (4 KiB pages and superpages, hardware A/D, every page-fault kind, SUM, MXR, SFENCE.VMA),
 * PMP (NA4, NAPOT, locked entries, S-mode faults), interrupts (vectored M software interrupt
 * through the CLINT, S software interrupt, WFI, the UART's THRE interrupt through the PLIC to
 * S-mode) and traps from U-mode delegated to S-mode. Each prints what it observes and ends
 * with a dump of x1–x31; `expected` is what the specification says it must print, and the
 * QEMU differential test checks QEMU prints the same.
 */
import { assemble } from '@trapeze/isa';
import { LIBRARY } from './support.js';

/** A guest: its source and its expected console output (given its symbol table). */
export interface PrivilegedGuest {
  readonly source: string;
  readonly expected: (symbol: (name: string) => number) => string;
}

const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
const lines = (...values: number[]) => values.map((v) => `${hex(v)}\n`).join('');

/** The register dump that ends every guest: x1–x31 saved, then printed; then the finisher. */
export const FINISH = `
finish:
    sw t6, -4(sp)
    la t6, saved
    sw x1, 4(t6); sw x2, 8(t6); sw x3, 12(t6); sw x4, 16(t6); sw x5, 20(t6)
    sw x6, 24(t6); sw x7, 28(t6); sw x8, 32(t6); sw x9, 36(t6); sw x10, 40(t6)
    sw x11, 44(t6); sw x12, 48(t6); sw x13, 52(t6); sw x14, 56(t6); sw x15, 60(t6)
    sw x16, 64(t6); sw x17, 68(t6); sw x18, 72(t6); sw x19, 76(t6); sw x20, 80(t6)
    sw x21, 84(t6); sw x22, 88(t6); sw x23, 92(t6); sw x24, 96(t6); sw x25, 100(t6)
    sw x26, 104(t6); sw x27, 108(t6); sw x28, 112(t6); sw x29, 116(t6); sw x30, 120(t6)
    lw t0, -4(sp); sw t0, 124(t6)
    li s0, 1
1:  la t0, saved; slli t1, s0, 2; add t0, t0, t1
    lw a0, 0(t0); call puthex
    addi s0, s0, 1; li t0, 32; bne s0, t0, 1b
    j pass
${LIBRARY}
`;

/** Data every guest has: the register save area and a stack. */
export const DATA = `
    .bss
    .align 4
saved: .zero 128
    .zero 1024
stack:
`;

/** An M-mode handler that prints mcause and mtval, then resumes: after the faulting
 * instruction, or at ra for a fetch fault (the guest jumped there with jalr ra). */
const MTRAP = `
    .align 2
mtrap:
    csrw mscratch, ra
    csrr a0, mcause; call puthex
    csrr a0, mtval; call puthex
    csrr ra, mscratch
    csrr t0, mcause
    li t1, 12; beq t0, t1, 1f
    li t1, 1; beq t0, t1, 1f
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    mret
1:  csrw mepc, ra
    mret
`;

/** Drops to S-mode at label `to` (mstatus.MPP = S, then MRET). */
const toSupervisor = (to: string) => `
    li t0, 0x1800; csrc mstatus, t0
    li t0, 0x800; csrs mstatus, t0
    la t0, ${to}; csrw mepc, t0
    mret
`;

const sv32: PrivilegedGuest = {
  source: `
    .option norvc
_start:
    la sp, stack
    la t0, mtrap; csrw mtvec, t0
    li t0, -1; csrw pmpaddr0, t0
    li t0, 0x1f; csrw pmpcfg0, t0          # S and U may use everything
    la s0, root
    li t0, 0xcf; sw t0, 0(s0)              # 0x0000_0000: megapage RWX, A and D set (finisher)
    li t0, (0x10000000 >> 2) | 0xc7; sw t0, 0x100(s0)   # UART megapage RW
    li t1, 0x800; add t1, s0, t1                         # root + 0x800: entries from 0x200
    li t0, (0x80000000 >> 2) | 0xcf; sw t0, 0(t1)       # RAM identity megapage RWX
    li t0, (0x80000000 >> 2) | 0xc7; sw t0, 0x400(t1)   # 0xc000_0000: alias of RAM, RW
    li t0, (0x80001000 >> 2) | 0xc7; sw t0, 0x404(t1)   # 0xc040_0000: misaligned superpage
    la t0, l0; srli t0, t0, 2; ori t0, t0, 1; sw t0, 0x400(s0)   # 0x4000_0000: next level
    la s1, l0
    la t0, page_a; srli t0, t0, 2; ori t0, t0, 0x07; sw t0, 0(s1)    # RW, A and D clear
    la t0, page_b; srli t0, t0, 2; ori t0, t0, 0x03; sw t0, 4(s1)    # R only
    la t0, page_b; srli t0, t0, 2; ori t0, t0, 0x07; sw t0, 12(s1)   # RW, no X
    la t0, page_a; srli t0, t0, 2; ori t0, t0, 0xd7; sw t0, 16(s1)   # user RW
    la t0, code_a; srli t0, t0, 2; ori t0, t0, 0x4b; sw t0, 20(s1)   # RX
    la t0, page_b; srli t0, t0, 2; ori t0, t0, 0x49; sw t0, 24(s1)   # X only
    la t0, page_b; li t1, 0x5678; sw t1, 0(t0)
    la t0, page_c; li t1, 0x9abc; sw t1, 0(t0)
    la t0, root; srli t0, t0, 12; li t1, 0x80000000; or t0, t0, t1; csrw satp, t0
    ${toSupervisor('s_main')}
s_main:
    li s2, 0x40000000
    li t0, 0x1234; sw t0, 0(s2)              # sets A and D
    lw a0, 0(s2); call puthex
    la t0, l0; lw a0, 0(t0); andi a0, a0, 0xff; call puthex
    li s3, 0x40001000
    lw a0, 4(s3); call puthex                # sets A only
    la t0, l0; lw a0, 4(t0); andi a0, a0, 0xff; call puthex
    sw zero, 4(s3)                           # store page fault (read-only page)
    li t0, 0x40002008; lw a0, 0(t0)          # load page fault (invalid PTE)
    li t0, 0x40003000; jalr ra, 0(t0)        # instruction page fault (no X)
    la t0, page_a; li t1, 0x40000000; add t0, t0, t1
    lw a0, 0(t0); call puthex                # through the superpage alias
    li t0, 0xc0400000; lw a0, 0(t0)          # misaligned superpage: load page fault
    li t0, 0x40004000; lw a0, 0(t0)          # user page from S without SUM: fault
    li t0, 0x40000; csrs sstatus, t0
    li t0, 0x40004000; lw a0, 0(t0); call puthex   # with SUM
    li t0, 0x40000; csrc sstatus, t0
    li t0, 0x40006000; lw a0, 0(t0)          # execute-only page: fault
    li t0, 0x80000; csrs sstatus, t0
    li t0, 0x40006000; lw a0, 0(t0); call puthex   # with MXR
    li t0, 0x80000; csrc sstatus, t0
    li s4, 0x40005000
    jalr ra, 0(s4); call puthex              # code_a
    la t0, l0; la t1, code_b; srli t1, t1, 2; ori t1, t1, 0x4b; sw t1, 20(t0)
    sfence.vma
    jalr ra, 0(s4); call puthex              # code_b after SFENCE.VMA
    la t0, l0; la t1, page_c; srli t1, t1, 2; ori t1, t1, 0xc7; sw t1, 0(t0)
    sfence.vma s2, zero
    lw a0, 0(s2); call puthex                # page_c after SFENCE.VMA of that address
    j finish
${MTRAP}
${FINISH}
    .align 12
code_a: li a0, 0x111; ret
    .align 12
code_b: li a0, 0x222; ret
${DATA}
    .align 12
root: .zero 4096
l0: .zero 4096
page_a: .zero 4096
page_b: .zero 4096
page_c: .zero 4096
`,
  expected: () =>
    lines(
      0x1234,
      0xc7, // V R W A D
      0,
      0x43, // V R A
      15,
      0x40001004,
      13,
      0x40002008,
      12,
      0x40003000,
      0x1234,
      13,
      0xc0400000,
      13,
      0x40004000,
      0x1234,
      13,
      0x40006000,
      0x5678,
      0x111,
      0x222,
      0x9abc,
    ),
};

const pmp: PrivilegedGuest = {
  source: `
    .option norvc
_start:
    la sp, stack
    la t0, mtrap; csrw mtvec, t0
    la t0, word_x; li t1, 0x77; sw t1, 0(t0)
    la t0, word_x; srli t0, t0, 2; csrw pmpaddr0, t0                  # NA4
    la t0, page_deny; srli t0, t0, 2; ori t0, t0, 0x1ff; csrw pmpaddr1, t0   # NAPOT 4 KiB
    li t0, -1; csrw pmpaddr2, t0                                      # NAPOT: everything
    li t0, 0x001f1891; csrw pmpcfg0, t0      # 0: L NA4 R; 1: NAPOT none; 2: NAPOT RWX
    csrr a0, pmpcfg0; call puthex
    csrw pmpaddr0, zero                      # locked: ignored
    csrr a0, pmpaddr0; la t0, word_x; srli t0, t0, 2; sub a0, a0, t0; call puthex
    li t0, 0xff; csrc pmpcfg0, t0            # locked: ignored
    csrr a0, pmpcfg0; call puthex
    la t0, word_x; lw a0, 0(t0); call puthex
    la t0, word_x; sw zero, 0(t0)            # locked entries bind M-mode: store access fault
    la t0, page_deny; lw a0, 0(t0); call puthex    # unlocked entries do not
    ${toSupervisor('s_main')}
s_main:
    la t0, word_x; lw a0, 0(t0); call puthex
    la t0, word_x; sw zero, 0(t0)            # store access fault
    la t0, page_deny; lw a0, 8(t0)           # load access fault
    la t0, page_deny; jalr ra, 0(t0)         # instruction access fault
    la t0, word_x; lw a0, 4(t0); call puthex # the next word matches entry 2
    j finish
${MTRAP}
${FINISH}
    .data
    .align 3
word_x: .word 0, 0x4242
${DATA}
    .align 12
page_deny: .zero 4096
`,
  expected: (symbol) =>
    lines(
      0x001f1891,
      0,
      0x001f1891,
      0x77,
      7,
      symbol('word_x'),
      0,
      0x77,
      7,
      symbol('word_x'),
      5,
      symbol('page_deny') + 8,
      1,
      symbol('page_deny'),
      0x4242,
    ),
};

const interrupts: PrivilegedGuest = {
  source: `
    .option norvc
_start:
    la sp, stack
    la t0, vectors; ori t0, t0, 1; csrw mtvec, t0      # vectored
    li t0, 8; csrs mie, t0                    # MSIE
    csrsi mstatus, 8                          # MIE
    li t0, 0x02000000; li t1, 1; sw t1, 0(t0) # CLINT msip: M software interrupt, vector 3
    nop
    csrci mstatus, 8
    li t0, 0x222; csrw mideleg, t0            # SSIP, STIP, SEIP to S
    li t0, 0x104; csrw medeleg, t0            # illegal instruction, ecall from U to S
    la t0, strap; csrw stvec, t0
    li t0, -1; csrw pmpaddr0, t0
    li t0, 0x1f; csrw pmpcfg0, t0
    li t0, 0x222; csrs mie, t0                # SSIE, STIE, SEIE
    ${toSupervisor('s_main')}
s_main:
    csrsi sstatus, 2                          # SIE
    csrsi sip, 2                              # S software interrupt, taken at once
    nop
    csrci sstatus, 2
    csrsi sip, 2
    wfi                                       # pending and enabled in sie: wakes, no trap
    csrr a0, sip; call puthex
    csrci sip, 2
    csrsi sstatus, 2
    li t0, 0x0c000028; li t1, 1; sw t1, 0(t0) # PLIC priority of IRQ 10 (UART)
    li t0, 0x0c002080; li t1, 0x400; sw t1, 0(t0)   # S context: enable IRQ 10
    li t0, 0x0c201000; sw zero, 0(t0)         # S context threshold 0
    li t0, 0x10000001; li t1, 2; sb t1, 0(t0) # UART IER: THR empty interrupt
    nop
    nop
    la t0, u_main; csrw sepc, t0
    li t0, 0x100; csrc sstatus, t0            # SPP = U
    sret
u_main:
    li a7, 93; ecall                          # ecall from U, delegated
    csrr a0, sstatus                          # illegal in U, delegated; stval = the instruction
    li a7, 1; ecall                           # the S handler finishes
    .align 2
strap:
    csrr s5, scause
    bgez s5, 2f
    li t0, 0x80000009; bne s5, t0, 1f
    li t0, 0x0c201004; lw s6, 0(t0)           # claim
    li t0, 0x10000001; sb zero, 0(t0)         # UART IER off
    mv a0, s5; call puthex
    csrr a0, stval; call puthex
    mv a0, s6; call puthex
    li t0, 0x0c201004; sw s6, 0(t0)           # complete
    sret
1:  mv a0, s5; call puthex
    csrr a0, stval; call puthex
    csrci sip, 2
    sret
2:  mv a0, s5; call puthex
    csrr a0, stval; call puthex
    li t0, 8; bne s5, t0, 3f
    li t0, 1; beq a7, t0, finish
3:  csrr t0, sepc; addi t0, t0, 4; csrw sepc, t0
    sret
    .align 8
vectors:
    j mfail; j mfail; j mfail; j msoft; j mfail; j mfail; j mfail; j mfail
    j mfail; j mfail; j mfail; j mfail
msoft:
    csrr a0, mcause; call puthex
    li t0, 0x02000000; sw zero, 0(t0)
    mret
mfail:
    csrr a0, mcause; call puthex
    csrr a0, mepc; call puthex
    li t0, 0x100000; li t1, 0x13333; sw t1, 0(t0)
${FINISH}
${DATA}
`,
  expected: () => lines(0x80000003, 0x80000001, 0, 2, 0x80000009, 0, 10, 8, 0, 2, 0x10002573, 8, 0),
};

/** Runs `routine` in privilege `mode` (MPP bits) and comes back to M when it executes `ecall`. */
const inMode = (mode: number, routine: string) => `
    li a1, ${mode}; la a2, ${routine}; call enter`;

/**
 * Debug triggers as QEMU 7.2 implements them (docs/qemu-virt.md, "Debug triggers"): the CSRs'
 * WARL rules, execute, load and store triggers of types 2 and 6 in M, S and U (each firing
 * only in the modes whose bit is set, before the instruction, with cause 3 and mtval 0), a
 * breakpoint delegated to S, and the cost of a stopped instruction in virtual time (none).
 */
const triggers: PrivilegedGuest = {
  source: `
    .option norvc
_start:
    la sp, stack
    la t0, mtrap; csrw mtvec, t0
    la t0, strap; csrw stvec, t0
    li t0, -1; csrw pmpaddr0, t0
    li t0, 0x1f; csrw pmpcfg0, t0
    la s2, word
    li t0, 2; csrw tselect, t0; csrr a0, tselect; call puthex    # 0: only 0 and 1 exist
    csrr a0, 0x7a4; call puthex                                  # tinfo: types 2 and 6
    li t0, 0x2fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x6fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex
    li t0, 0x3fffffff; csrw tdata1, t0; csrr a0, tdata1; call puthex   # type 3: ignored
    li t0, 0x28000000; csrw tdata1, t0; csrr a0, tdata1; call puthex   # dmode reads 0
    li t0, -1; csrw tdata3, t0; csrr a0, tdata3; call puthex
    li t0, 1; csrw tselect, t0; csrr a0, tdata1; call puthex
    # In each mode: trigger 0 (type 2) executes at t_x, trigger 1 (type 6) loads and stores
    # the word; first with that mode's bit, then with the two others' (nothing fires).
${[
  [0, 0x08, 0x50],
  [0x800, 0x10, 0x48],
  [0x1800, 0x40, 0x18],
]
  .map(
    ([mode, own, others]) => `
    csrw tselect, zero; la t0, t_x; csrw tdata2, t0; li t0, ${0x2000_0004 | (own as number)}; csrw tdata1, t0
    li t0, 1; csrw tselect, t0; csrw tdata2, s2; li t0, ${0x6000_0003 | (own as number)}; csrw tdata1, t0
    ${inMode(mode as number, 't_x')}
    csrw tselect, zero; li t0, ${0x2000_0004 | (others as number)}; csrw tdata1, t0
    li t0, 1; csrw tselect, t0; li t0, ${0x6000_0003 | (others as number)}; csrw tdata1, t0
    ${inMode(mode as number, 't_x')}`,
  )
  .join('\n')}
    lw a0, 0(s2); call puthex                                    # 3: stored by the runs that did not fire
    # A breakpoint from U delegated to S: scause 3, stval 0.
    li t0, 8; csrw medeleg, t0
    csrw tselect, zero; li t0, 0x20000008 | 0x4; csrw tdata1, t0
    li t0, 1; csrw tselect, t0; li t0, 0x60000000; csrw tdata1, t0
    ${inMode(0, 't_x')}
    csrw medeleg, zero
    # Virtual time: a stopped instruction does not count (QEMU's icount), an ebreak does.
    la t0, qtrap; csrw mtvec, t0
    csrw tselect, zero; la t0, q_x; csrw tdata2, t0; li t0, 0x20000044; csrw tdata1, t0
    csrr s5, minstret
q_x: addi a2, a2, 1
    csrr s6, minstret
    sub a0, s6, s5; call puthex
    li t0, 0x20000041; csrw tdata2, s2; csrw tdata1, t0
    csrr s5, minstret
    lw a3, 0(s2)
    csrr s6, minstret
    sub a0, s6, s5; call puthex
    li t0, 0x20000000; csrw tdata1, t0
    csrr s5, minstret
    ebreak
    csrr s6, minstret
    sub a0, s6, s5; call puthex
    # A load crossing a page watched as two aligned words; a store on its bytes only.
    la t0, mtrap; csrw mtvec, t0
    la s3, page2
    addi t0, s3, -4; csrw tdata2, t0; li t0, 0x20010043; csrw tdata1, t0
x_l: lw a3, -2(s3)
    sw a3, -2(s3)
    li t0, 0x20000000; csrw tdata1, t0
    j finish
t_x: addi s7, s7, 1                # the routine of each mode
t_l: lw s4, 0(s2)
t_s: sw s7, 0(s2)                 # s7: how many times t_x ran
    ecall
enter:                             # a1: MPP bits, a2: routine; back at ra after its ecall
    la t0, back; sw ra, 0(t0)
    li t0, 0x1800; csrc mstatus, t0; csrs mstatus, a1
    csrw mepc, a2
    mret
    .align 2
mtrap:                             # prints mcause, mepc, mtval, MPP; skips the instruction
    csrw mscratch, t0
    la t0, tsave; sw ra, 0(t0); sw a0, 4(t0); sw t1, 8(t0)
    csrr t1, mcause
    li t0, 8; beq t1, t0, 1f
    li t0, 9; beq t1, t0, 1f
    li t0, 11; beq t1, t0, 1f
    mv a0, t1; call puthex
    csrr a0, mepc; call puthex
    csrr a0, mtval; call puthex
    csrr a0, mstatus; srli a0, a0, 11; andi a0, a0, 3; call puthex
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    j 2f
1:  la t0, back; lw t0, 0(t0); csrw mepc, t0       # ecall: back to M after \`call enter\`
    li t0, 0x1800; csrs mstatus, t0
2:  la t0, tsave; lw ra, 0(t0); lw a0, 4(t0); lw t1, 8(t0)
    csrr t0, mscratch
    mret
    .align 2
strap:                             # S: prints scause, sepc, stval; skips the instruction
    csrw sscratch, ra
    csrr a0, scause; call puthex
    csrr a0, sepc; call puthex
    csrr a0, stval; call puthex
    csrr ra, sepc; addi ra, ra, 4; csrw sepc, ra
    csrr ra, sscratch
    sret
    .align 2
qtrap:                             # 4 instructions: skip, return
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    mret
${FINISH}
    .data
    .align 2
back: .word 0
tsave: .zero 16
word: .word 0x5a5a5a5a
    .align 12
    .zero 4096 - 16
page1_end: .zero 16
page2: .word 0x12345678
${DATA}
`,
  expected: (symbol) => {
    const hit = (at: string, mode: number) => [3, symbol(at), 0, mode];
    return lines(
      0,
      0x44,
      0x2003_005f,
      0x6180_005f,
      0x6180_005f,
      0x2000_0000,
      0,
      0x2000_0000,
      ...hit('t_x', 0),
      ...hit('t_l', 0),
      ...hit('t_s', 0),
      ...hit('t_x', 1),
      ...hit('t_l', 1),
      ...hit('t_s', 1),
      ...hit('t_x', 3),
      ...hit('t_l', 3),
      ...hit('t_s', 3),
      3,
      3, // delegated: scause, sepc, stval
      symbol('t_x'),
      0,
      5, // minstret across a stopped instruction and the 4-instruction handler: csrr + 4
      5,
      6, // ebreak counts
      ...hit('x_l', 3),
    );
  },
};

/** The guests, by name. */
export const PRIVILEGED_GUESTS: Record<string, PrivilegedGuest> = {
  sv32,
  pmp,
  interrupts,
  triggers,
};

/** Assembles a guest at RAM's base; returns the result and a symbol lookup. */
export function assembleGuest(guest: PrivilegedGuest) {
  const result = assemble(guest.source, { textAddress: 0x80000000 });
  const symbols = new Map(result.symbols.map((s) => [s.name, s.value]));
  const symbol = (name: string) => {
    const value = symbols.get(name);
    if (value === undefined) throw new Error(`no symbol ${name}`);
    return value;
  };
  return { result, symbol };
}
