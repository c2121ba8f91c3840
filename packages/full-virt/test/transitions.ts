/**
 * Generated kernel-transition programs for the `translate` engine: M-mode fills data pages
 * through its identity view, then runs a body in S- or U-mode under Sv32 tables that map the
 * same virtual addresses elsewhere (a permutation of the data pages, the page tables unmapped)
 * and map the UART. The body loads and stores, calls M-mode with ECALL (an MRET back), touches
 * a UART register in a loop — optionally clearing the UART PTE's D bit and fencing before each
 * access — so that the access becomes a call by adaptive translation. Every trap is logged by
 * the M handler, which goes on after the instruction.
 */
import { BufferBackend } from '@trapeze/devices';
import { assemble, elfImage } from '@trapeze/isa';
import type { VirtMachine } from '@trapeze/machine';
import fc from 'fast-check';

const ROOT = 0x8010_0000;
/** The level-0 table of the RAM region (VPN[1] = 0x200) and of the UART's (VPN[1] = 0x40). */
const RAM_TABLE = 0x8010_1000;
const UART_TABLE = 0x8010_2000;
const DATA_BASE = 0x8020_0000;
const DATA_PAGES = 8;
const LOG_BASE = 0x8030_0000;
/** The UART's scratch register (8 bits, no side effect), through the page that maps it. */
const UART_SCR = 0x1000_0007;
const CODE_PAGES = 4;
const RAM_SIZE = 4 * 1024 * 1024;

const PTE_V = 1;
const PTE_R = 2;
const PTE_W = 4;
const PTE_X = 8;
const PTE_U = 0x10;
const PTE_A = 0x40;
const PTE_D = 0x80;

/** A body operation. */
const operation = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('lw', 'lbu', 'sw', 'sb'),
      // A data page (mapped elsewhere than its identity), the root table or M-mode's trap log
      // (unmapped, but in M-mode's identity view).
      page: fc.integer({ min: 0, max: DATA_PAGES + 1 }),
      offset: fc.integer({ min: 0, max: 1023 }).map((w) => w * 4),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('ecall') }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('uart'),
      store: fc.boolean(),
      times: fc.integer({ min: 1, max: 12 }),
      clearDirty: fc.boolean(),
    }),
  },
);

/** A kernel-transition program. */
export const transitionProgram = fc.record({
  mode: fc.constantFrom('S', 'U'),
  /** Where each data page's virtual address maps: a permutation of the data pages. */
  permutation: fc
    .shuffledSubarray(
      Array.from({ length: DATA_PAGES }, (_, i) => i),
      { minLength: DATA_PAGES, maxLength: DATA_PAGES },
    )
    .map((a) => [...a]),
  /** Each data page's flags (V, R, W, A, D), and the UART page's. */
  dataFlags: fc.array(fc.integer({ min: 0, max: 0xff }), {
    minLength: DATA_PAGES,
    maxLength: DATA_PAGES,
  }),
  uartFlags: fc.integer({ min: 0, max: 0xff }),
  ops: fc.array(operation, { minLength: 1, maxLength: 12 }),
});

export type TransitionProgram = typeof transitionProgram extends fc.Arbitrary<infer T> ? T : never;

/** Leaf flags from random bits: V, and R with W only if R (W without R is reserved), A, D. */
function leaf(bits: number, user: boolean): number {
  let flags = PTE_V | (bits & (PTE_R | PTE_W | PTE_A | PTE_D));
  if ((flags & PTE_R) === 0) flags &= ~PTE_W;
  if ((bits & 1) === 0) flags &= ~PTE_V;
  return flags | (user ? PTE_U : 0);
}

/** The program's assembly. */
export function transitionSource(p: TransitionProgram): string {
  const user = p.mode === 'U';
  const pte = (pa: number, flags: number) => (((pa >>> 12) << 10) | flags) >>> 0;
  const writes: [number, number][] = [
    [ROOT + 0x200 * 4, (((RAM_TABLE >>> 12) << 10) | PTE_V) >>> 0],
  ];
  writes.push([ROOT + 0x40 * 4, (((UART_TABLE >>> 12) << 10) | PTE_V) >>> 0]);
  const codeFlags = PTE_V | PTE_R | PTE_X | PTE_A | (user ? PTE_U : 0);
  for (let i = 0; i < CODE_PAGES; i++)
    writes.push([RAM_TABLE + i * 4, pte(0x8000_0000 + i * 4096, codeFlags)]);
  for (let i = 0; i < DATA_PAGES; i++) {
    const target = DATA_BASE + (p.permutation[i] as number) * 4096;
    const entry = RAM_TABLE + (((DATA_BASE >>> 12) & 0x3ff) + i) * 4;
    writes.push([entry, pte(target, leaf(p.dataFlags[i] as number, user))]);
  }
  const uartPte = UART_TABLE + ((UART_SCR >>> 12) & 0x3ff) * 4;
  writes.push([uartPte, pte(UART_SCR & ~0xfff, leaf(p.uartFlags, user))]);
  const body = p.ops.map((o, i) => {
    if (o.op === 'ecall') return `  li a7, 0\n  la ra, 9${i}f\n  ecall\n9${i}:`;
    if (o.op === 'uart') {
      // The kernel cannot reach the page tables: M-mode clears D and fences (ECALL, a7 = 1).
      const clear = o.clearDirty ? `  li a7, 1\n  la ra, 8${i}f\n  ecall\n8${i}:\n` : '';
      const access = o.store ? 'sb t2, 0(t0)' : 'lbu t1, 0(t0)\n  add s2, s2, t1';
      // One instruction in a loop: the same access, again and again.
      return `  li s3, ${o.times}\n6${i}:\n${clear}  li t0, ${UART_SCR}\n  addi t2, s3, ${i}\n  la ra, 5${i}f\n  ${access}\n5${i}:\n  addi s3, s3, -1\n  bnez s3, 6${i}b`;
    }
    const va =
      o.page < DATA_PAGES
        ? DATA_BASE + o.page * 4096 + o.offset
        : (o.page === DATA_PAGES ? ROOT : LOG_BASE) + (o.offset & 0xfff);
    const access = o.op.startsWith('s')
      ? `${o.op} t2, 0(t0)`
      : `${o.op} t1, 0(t0)\n  add s2, s2, t1`;
    return `  la ra, 9${i}f\n  li t0, ${va}\n  li t2, ${(i * 0x01010101 + 0x1234) >>> 0}\n  ${access}\n9${i}:`;
  });
  return `
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li s1, ${LOG_BASE}
  li t0, ${DATA_BASE}
  li t1, ${DATA_PAGES * 64}
  li t2, 0x5a5a0000
1:sw t2, 0(t0)
  addi t2, t2, 1
  addi t0, t0, 64
  addi t1, t1, -1
  bnez t1, 1b
  la t1, ptes
  li t2, ${writes.length}
2:beqz t2, 3f
  lw t3, 0(t1)
  lw t4, 4(t1)
  sw t4, 0(t3)
  addi t1, t1, 8
  addi t2, t2, -1
  j 2b
3:li t0, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}
  csrw satp, t0
  sfence.vma
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${user ? 0 : 0x800}
  csrs mstatus, t0
  la t0, body
  csrw mepc, t0
  mret
  .balign 4
handler:
  csrr t5, mcause
  csrr t6, mtval
  sw t5, 0(s1)
  sw t6, 4(s1)
  addi s1, s1, 8
  beqz s4, 1f
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1:li t6, 1
  bne a7, t6, 2f
  li t6, ${uartPte}
  lw t5, 0(t6)
  andi t5, t5, ${~PTE_D}
  sw t5, 0(t6)
  sfence.vma
  li a7, 0
2:csrw mepc, ra
  mret
  .balign 4
body:
${body.join('\n')}
  li s4, 1
  li a7, 0
  la ra, 9f
  ecall
9:j 9b
  .balign 8
ptes:
${writes.map(([at, value]) => `  .word ${at}, ${value}`).join('\n')}
`;
}

/** A machine `make` made (on a serial backend it is given) that has loaded `p`. */
export function transitionMachine(
  p: TransitionProgram,
  make: (serial: BufferBackend, ramSize: number) => VirtMachine,
): VirtMachine {
  const machine = make(new BufferBackend(), RAM_SIZE);
  machine.loadElf(elfImage(assemble(transitionSource(p), { textAddress: 0x8000_0000 })));
  return machine;
}

/** Instructions a program runs at most (its last ECALL ends it through the test finisher). */
export const TRANSITION_BUDGET = 40_000;

/** Runs a loaded program; what it leaves: its exit, registers, CSRs, instret, virtual time, RAM. */
export function transitionState(machine: VirtMachine) {
  const exit = machine.run(TRANSITION_BUDGET);
  return {
    exit,
    hart: machine.hart.snapshot(),
    csr: machine.hart.csr.snapshot(),
    ns: machine.clock.ns,
    ram: Buffer.from(machine.ram.u8),
  };
}
