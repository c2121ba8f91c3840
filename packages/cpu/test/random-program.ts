/**
 * Random guest programs for the differential property (translator against interpreter), and
 * the runner that drives both cores through a random schedule of runs and reports the first
 * difference.
 *
 * Programs may run in M-mode or in S-mode under Sv32 (identity megapages; traps go to M).
 * A program is a body of items run `repeat` times (so its code gets hot enough to be
 * translated and compiled into regions): ALU operations (some compressed, asked for by name),
 * loads and stores into a data page (often misaligned, some across the page end), forward
 * branches, counted loops, traps (ECALL, EBREAK, undecodable words, a missing CSR, load and
 * store access faults, a misaligned AMO), LR/SC and AMOs, counter reads, device accesses
 * (some raising the timer interrupt), interrupt enable and disable, WFI, FENCE.I, calls to
 * small functions, and self-modifying code (patches that rewrite a slot instruction, inline
 * or in a function). A trap handler records every cause and skips the trapping instruction;
 * interrupts are acknowledged on the device.
 *
 * Registers: x1 links calls, x4 accumulates trap causes, x8 points at the data page, x9 at the
 * device, x18 and x19 count loops, x30 and x31 hold addresses and values of patches and AMOs;
 * every other register is fair game (the handler preserves them).
 */

import { MIP_MTIP } from '@trapeze/isa';
import fc from 'fast-check';
import {
  CORE_EXIT_NAMES,
  type CoreExit,
  EXIT_BUDGET,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
} from '../src/core.js';
import { asm, encoding, Pair, type RigOptions, tlbProblem } from './support.js';

/** Registers the generated code reads and writes. */
export const POOL = [
  2, 3, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
];
const DATA = 0x8001_0000;

const R_OPS = [
  'add',
  'sub',
  'sll',
  'slt',
  'sltu',
  'xor',
  'srl',
  'sra',
  'or',
  'and',
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
] as const;
const I_OPS = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi'] as const;
const SHIFT_OPS = ['slli', 'srli', 'srai'] as const;
const LOADS = ['lb', 'lh', 'lw', 'lbu', 'lhu'] as const;
const STORES = ['sb', 'sh', 'sw'] as const;
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'] as const;
const AMOS = [
  'amoswap.w',
  'amoadd.w',
  'amoxor.w',
  'amoand.w',
  'amoor.w',
  'amomin.w',
  'amomax.w',
  'amominu.w',
  'amomaxu.w',
] as const;
const TRAPS = [
  'ecall',
  'ebreak',
  'c.ebreak',
  'illegal16',
  'illegal32',
  'csr',
  'load-fault',
  'store-fault',
  'amo-misaligned',
] as const;

/** What a patch may write into a slot (each 32 bits, each changes only a0). */
export const PATCHES = [
  encoding('addi a0, a0, 1'),
  encoding('addi a0, a0, 7'),
  encoding('xori a0, a0, 0x55'),
  encoding('slli a0, a0, 1'),
];

export type Item =
  | {
      readonly k: 'alu';
      readonly op: string;
      readonly rd: number;
      readonly rs1: number;
      readonly rs2: number;
      readonly imm: number;
      /** Compressed, when the operands allow. */
      readonly c?: boolean;
    }
  | { readonly k: 'li'; readonly rd: number; readonly value: number; readonly c?: boolean }
  | {
      readonly k: 'load';
      readonly op: string;
      readonly rd: number;
      readonly offset: number;
      readonly c?: boolean;
    }
  | {
      readonly k: 'store';
      readonly op: string;
      readonly rs2: number;
      readonly offset: number;
      readonly c?: boolean;
    }
  | {
      readonly k: 'branch';
      readonly op: string;
      readonly rs1: number;
      readonly rs2: number;
      readonly skip: number;
    }
  | { readonly k: 'loop'; readonly count: number; readonly body: readonly Item[] }
  | { readonly k: 'trap'; readonly which: (typeof TRAPS)[number] }
  | {
      readonly k: 'amo';
      readonly op: string;
      readonly rd: number;
      readonly rs2: number;
      readonly offset: number;
    }
  | {
      readonly k: 'device';
      readonly which: 'load' | 'byte' | 'store' | 'raise';
      readonly reg: number;
    }
  | { readonly k: 'slot'; readonly id: number }
  | { readonly k: 'patch'; readonly id: number; readonly value: number }
  | { readonly k: 'call'; readonly id: number }
  | { readonly k: 'counter'; readonly rd: number; readonly csr: 'minstret' | 'mcycle' }
  | { readonly k: 'irq'; readonly on: boolean }
  | { readonly k: 'wfi' }
  | { readonly k: 'fence' };

export interface GeneratedProgram {
  /** Whether the body runs in S-mode under Sv32 (identity megapages; traps go to M). */
  readonly supervisor: boolean;
  readonly init: readonly number[];
  readonly body: readonly Item[];
  readonly repeat: number;
}

/** One run of the schedule: how far it may go, and whether the host raises the timer line first. */
export interface Stop {
  readonly budget: number;
  readonly deadline: number | null;
  readonly raise: boolean;
}

const reg = fc.constantFrom(...POOL);
/** Registers of the compressed instructions' 3-bit fields that the generated code may use. */
const CREG = fc.constantFrom(10, 11, 12, 13, 14, 15);
const compressible = fc.oneof(
  fc
    .record({
      k: fc.constant('alu' as const),
      op: fc.constantFrom('addi', 'slli'),
      rd: reg,
      rs2: fc.constant(0),
      imm: fc.integer({ min: -32, max: 31 }),
      c: fc.constant(true),
    })
    .map((r) => ({ ...r, rs1: r.rd, imm: r.op === 'slli' ? r.imm & 31 : r.imm })),
  fc
    .record({
      k: fc.constant('alu' as const),
      op: fc.constantFrom('andi', 'srli', 'srai'),
      rd: CREG,
      rs2: fc.constant(0),
      imm: fc.integer({ min: -32, max: 31 }),
      c: fc.constant(true),
    })
    .map((r) => ({ ...r, rs1: r.rd, imm: r.op === 'andi' ? r.imm : r.imm & 31 })),
  fc
    .record({
      k: fc.constant('alu' as const),
      op: fc.constant('add'),
      rd: reg,
      rs1: fc.constantFrom(0, -1),
      rs2: reg,
      imm: fc.constant(0),
      c: fc.constant(true),
    })
    .map((r) => ({ ...r, rs1: r.rs1 === 0 ? 0 : r.rd })),
  fc
    .record({
      k: fc.constant('alu' as const),
      op: fc.constantFrom('sub', 'xor', 'or', 'and'),
      rd: CREG,
      rs2: CREG,
      imm: fc.constant(0),
      c: fc.constant(true),
    })
    .map((r) => ({ ...r, rs1: r.rd })),
  fc.record({
    k: fc.constant('alu' as const),
    op: fc.constant('lui'),
    rd: reg,
    rs1: fc.constant(0),
    rs2: fc.constant(0),
    imm: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0xfffe0, max: 0xfffff })),
    c: fc.constant(true),
  }),
  fc.record({
    k: fc.constant('li' as const),
    rd: reg,
    value: fc.integer({ min: -32, max: 31 }),
    c: fc.constant(true),
  }),
  fc.record({
    k: fc.constant('load' as const),
    op: fc.constant('lw'),
    rd: CREG,
    offset: fc.integer({ min: 0, max: 31 }).map((v) => v * 4),
    c: fc.constant(true),
  }),
  fc.record({
    k: fc.constant('store' as const),
    op: fc.constant('sw'),
    rs2: CREG,
    offset: fc.integer({ min: 0, max: 31 }).map((v) => v * 4),
    c: fc.constant(true),
  }),
);
const offset = fc.oneof(
  fc.integer({ min: 0, max: 31 }).map((v) => v * 4),
  fc.integer({ min: -2048, max: 2044 }),
  fc.integer({ min: 2040, max: 2044 }),
);

/** Weights of the item kinds (the planted-fault searches raise some). */
export type Weights = Partial<Record<Item['k'] | 'compressed', number>>;

const DEFAULT_WEIGHTS: Required<Weights> = {
  compressed: 10,
  alu: 24,
  li: 3,
  load: 8,
  store: 8,
  branch: 5,
  loop: 4,
  trap: 4,
  amo: 3,
  device: 3,
  slot: 2,
  patch: 3,
  call: 3,
  counter: 2,
  irq: 2,
  wfi: 1,
  fence: 1,
};

function itemArbitrary(weights: Required<Weights>, nested: boolean): fc.Arbitrary<Item> {
  const kinds: { weight: number; arbitrary: fc.Arbitrary<Item> }[] = [
    { weight: weights.compressed, arbitrary: compressible },
    {
      weight: weights.alu,
      arbitrary: fc.oneof(
        fc.record({
          k: fc.constant('alu' as const),
          op: fc.constantFrom(...R_OPS),
          rd: reg,
          rs1: reg,
          rs2: reg,
          imm: fc.constant(0),
        }),
        fc.record({
          k: fc.constant('alu' as const),
          op: fc.constantFrom(...I_OPS),
          rd: reg,
          rs1: reg,
          rs2: fc.constant(0),
          imm: fc.integer({ min: -2048, max: 2047 }),
        }),
        fc.record({
          k: fc.constant('alu' as const),
          op: fc.constantFrom(...I_OPS),
          rd: reg,
          rs1: reg,
          rs2: fc.constant(0),
          imm: fc.integer({ min: -32, max: 31 }),
        }),
        fc.record({
          k: fc.constant('alu' as const),
          op: fc.constantFrom(...SHIFT_OPS),
          rd: reg,
          rs1: reg,
          rs2: fc.constant(0),
          imm: fc.integer({ min: 0, max: 31 }),
        }),
        fc.record({
          k: fc.constant('alu' as const),
          op: fc.constantFrom('lui', 'auipc'),
          rd: reg,
          rs1: fc.constant(0),
          rs2: fc.constant(0),
          imm: fc.integer({ min: 0, max: 0xfffff }),
        }),
      ),
    },
    {
      weight: weights.li,
      arbitrary: fc.record({
        k: fc.constant('li' as const),
        rd: reg,
        value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      }),
    },
    {
      weight: weights.load,
      arbitrary: fc.record({
        k: fc.constant('load' as const),
        op: fc.constantFrom(...LOADS),
        rd: reg,
        offset,
      }),
    },
    {
      weight: weights.store,
      arbitrary: fc.record({
        k: fc.constant('store' as const),
        op: fc.constantFrom(...STORES),
        rs2: reg,
        offset,
      }),
    },
    {
      weight: weights.branch,
      arbitrary: fc.record({
        k: fc.constant('branch' as const),
        op: fc.constantFrom(...BRANCHES),
        rs1: reg,
        rs2: reg,
        skip: fc.integer({ min: 0, max: 4 }),
      }),
    },
    {
      weight: weights.trap,
      arbitrary: fc.record({ k: fc.constant('trap' as const), which: fc.constantFrom(...TRAPS) }),
    },
    {
      weight: weights.amo,
      arbitrary: fc.record({
        k: fc.constant('amo' as const),
        op: fc.constantFrom(...AMOS, 'lr.w', 'sc.w'),
        rd: reg,
        rs2: reg,
        offset: fc.integer({ min: -512, max: 511 }).map((v) => v * 4),
      }),
    },
    {
      weight: weights.device,
      arbitrary: fc.record({
        k: fc.constant('device' as const),
        which: fc.constantFrom(
          'load' as const,
          'byte' as const,
          'store' as const,
          'raise' as const,
        ),
        reg,
      }),
    },
    {
      weight: weights.slot,
      arbitrary: fc.record({ k: fc.constant('slot' as const), id: fc.integer({ min: 0, max: 3 }) }),
    },
    {
      weight: weights.patch,
      arbitrary: fc.record({
        k: fc.constant('patch' as const),
        id: fc.integer({ min: 0, max: 3 }),
        value: fc.constantFrom(...PATCHES),
      }),
    },
    {
      weight: weights.call,
      arbitrary: fc.record({ k: fc.constant('call' as const), id: fc.integer({ min: 0, max: 3 }) }),
    },
    {
      weight: weights.counter,
      arbitrary: fc.record({
        k: fc.constant('counter' as const),
        rd: reg,
        csr: fc.constantFrom('minstret' as const, 'mcycle' as const),
      }),
    },
    {
      weight: weights.irq,
      arbitrary: fc.record({ k: fc.constant('irq' as const), on: fc.boolean() }),
    },
    { weight: weights.wfi, arbitrary: fc.constant({ k: 'wfi' as const }) },
    { weight: weights.fence, arbitrary: fc.constant({ k: 'fence' as const }) },
  ];
  if (!nested)
    kinds.push({
      weight: weights.loop,
      arbitrary: fc.record({
        k: fc.constant('loop' as const),
        count: fc.integer({ min: 1, max: 40 }),
        body: fc.array(itemArbitrary(weights, true), { minLength: 1, maxLength: 6 }),
      }),
    });
  return fc.oneof(...kinds.filter((kind) => kind.weight > 0));
}

/** Random programs (`weights` changes how often each kind of item comes). */
export function programArbitrary(
  weights: Weights = {},
  options: { maxItems?: number; minRepeat?: number; maxRepeat?: number } = {},
): fc.Arbitrary<GeneratedProgram> {
  const all = { ...DEFAULT_WEIGHTS, ...weights };
  return fc.record({
    supervisor: fc.boolean(),
    init: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
      minLength: 4,
      maxLength: 4,
    }),
    body: fc.array(itemArbitrary(all, false), { minLength: 1, maxLength: options.maxItems ?? 16 }),
    repeat: fc.integer({ min: options.minRepeat ?? 1, max: options.maxRepeat ?? 80 }),
  });
}

/** Random schedules of runs. */
export function scheduleArbitrary(): fc.Arbitrary<Stop[]> {
  return fc.array(
    fc.record({
      budget: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3000 })),
      deadline: fc.option(
        fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3000 })),
        { nil: null },
      ),
      raise: fc.boolean(),
    }),
    { maxLength: 12 },
  );
}

const x = (r: number) => `x${r}`;

/** Where the handler saves registers. */
const SAVE = 0x8001_e000;

/** Page-table root of the S-mode programs (at the end of RAM). */
const ROOT = 0x8001_f000;

/**
 * From M-mode to S-mode under Sv32: PMP grants everything, a root table maps RAM (a megapage
 * at 0x80000000, RWX) and the device (a megapage at 0x10000000, RW) to themselves, and the
 * user counters are readable.
 */
const SUPERVISOR = [
  'li t5, -1',
  'csrw pmpaddr0, t5',
  'li t5, 0x1f',
  'csrw pmpcfg0, t5',
  `li t5, ${ROOT + 0x200 * 4}`,
  `li t6, ${((0x8000_0000 >>> 12) << 10) | 0xcf}`,
  'sw t6, 0(t5)',
  `li t5, ${ROOT + 0x40 * 4}`,
  `li t6, ${((0x1000_0000 >>> 12) << 10) | 0xc7}`,
  'sw t6, 0(t5)',
  'li t5, 7',
  'csrw mcounteren, t5',
  `li t5, ${(0x8000_0000 | (ROOT >>> 12)) >>> 0}`,
  'csrw satp, t5',
  'li t5, 0x1800',
  'csrc mstatus, t5',
  'li t5, 0x800',
  'csrs mstatus, t5',
  'la t5, supervisor',
  'csrw mepc, t5',
  'mret',
  'supervisor:',
];

/** The assembly text of a program. */
export function render(program: GeneratedProgram): string {
  const supervisor = program.supervisor;
  let labels = 0;
  const slots = new Set<number>();
  const inline = new Set<number>();
  const collect = (items: readonly Item[]) => {
    for (const item of items) {
      if (item.k === 'slot') inline.add(item.id);
      if (item.k === 'loop') collect(item.body);
    }
  };
  collect(program.body);
  const lines: string[] = [];
  const emit = (items: readonly Item[]) => {
    const base = labels;
    labels += items.length + 1;
    for (const [i, item] of items.entries()) {
      lines.push(`L${base + i}:`);
      lines.push(
        ...itemText(
          item,
          `L${base + Math.min(items.length, i + 1 + (item.k === 'branch' ? item.skip : 0))}`,
        ),
      );
    }
    lines.push(`L${base + items.length}:`);
  };
  const itemText = (item: Item, target: string): string[] => {
    switch (item.k) {
      case 'alu': {
        const small = item.imm >= -32 && item.imm <= 31;
        const creg = (r: number) => r >= 8 && r <= 15;
        if (
          item.c &&
          item.op !== 'lui' &&
          item.op !== 'auipc' &&
          item.rd === item.rs1 &&
          item.rd !== 0
        ) {
          if (item.op === 'addi' && small && item.imm !== 0)
            return [`c.addi ${x(item.rd)}, ${item.imm}`];
          if (item.op === 'slli' && item.imm !== 0) return [`c.slli ${x(item.rd)}, ${item.imm}`];
          if ((item.op === 'srli' || item.op === 'srai') && creg(item.rd) && item.imm !== 0)
            return [`c.${item.op} ${x(item.rd)}, ${item.imm}`];
          if (item.op === 'andi' && creg(item.rd) && small)
            return [`c.andi ${x(item.rd)}, ${item.imm}`];
          if (item.op === 'add' && item.rs2 !== 0) return [`c.add ${x(item.rd)}, ${x(item.rs2)}`];
          if (['sub', 'xor', 'or', 'and'].includes(item.op) && creg(item.rd) && creg(item.rs2))
            return [`c.${item.op} ${x(item.rd)}, ${x(item.rs2)}`];
        }
        if (item.c && item.op === 'add' && item.rs1 === 0 && item.rd !== 0 && item.rs2 !== 0)
          return [`c.mv ${x(item.rd)}, ${x(item.rs2)}`];
        if (
          item.c &&
          item.op === 'lui' &&
          item.rd !== 0 &&
          item.rd !== 2 &&
          item.imm !== 0 &&
          (item.imm <= 31 || item.imm >= 0xfffe0)
        )
          return [`c.lui ${x(item.rd)}, ${item.imm}`];
        if (R_OPS.includes(item.op as (typeof R_OPS)[number]))
          return [`${item.op} ${x(item.rd)}, ${x(item.rs1)}, ${x(item.rs2)}`];
        if (item.op === 'lui' || item.op === 'auipc')
          return [`${item.op} ${x(item.rd)}, ${item.imm}`];
        return [`${item.op} ${x(item.rd)}, ${x(item.rs1)}, ${item.imm}`];
      }
      case 'li':
        if (item.c && item.rd !== 0 && item.value >= -32 && item.value <= 31)
          return [`c.li ${x(item.rd)}, ${item.value}`];
        return [`li ${x(item.rd)}, ${item.value}`];
      case 'load': {
        const c =
          item.c &&
          item.op === 'lw' &&
          item.rd >= 8 &&
          item.rd <= 15 &&
          item.offset >= 0 &&
          item.offset <= 124 &&
          item.offset % 4 === 0;
        return [`${c ? 'c.' : ''}${item.op} ${x(item.rd)}, ${item.offset}(s0)`];
      }
      case 'store': {
        const c =
          item.c &&
          item.op === 'sw' &&
          item.rs2 >= 8 &&
          item.rs2 <= 15 &&
          item.offset >= 0 &&
          item.offset <= 124 &&
          item.offset % 4 === 0;
        return [`${c ? 'c.' : ''}${item.op} ${x(item.rs2)}, ${item.offset}(s0)`];
      }
      case 'branch':
        return [`${item.op} ${x(item.rs1)}, ${x(item.rs2)}, ${target}`];
      case 'loop': {
        const top = `L${labels++}`;
        const inner: string[] = [`li s2, ${item.count}`, `${top}:`];
        const saved = lines.length;
        emit(item.body);
        inner.push(...lines.splice(saved));
        inner.push('addi s2, s2, -1', `bnez s2, ${top}`);
        return inner;
      }
      case 'trap':
        switch (item.which) {
          case 'ecall':
            return ['ecall'];
          case 'ebreak':
            return ['ebreak'];
          case 'c.ebreak':
            return ['c.ebreak'];
          case 'illegal16':
            return ['.half 0'];
          case 'illegal32':
            return ['.word 0x0000000b'];
          case 'csr':
            return ['csrr a0, 0x7c0'];
          case 'load-fault':
            return ['lw a1, 16(zero)'];
          case 'store-fault':
            return ['sw a1, 20(zero)'];
          case 'amo-misaligned':
            return ['addi t5, s0, 2', 'amoadd.w a2, a3, (t5)'];
        }
        return [];
      case 'amo':
        if (item.op === 'lr.w') return [`addi t5, s0, ${item.offset}`, `lr.w ${x(item.rd)}, (t5)`];
        return [`addi t5, s0, ${item.offset}`, `${item.op} ${x(item.rd)}, ${x(item.rs2)}, (t5)`];
      case 'device':
        switch (item.which) {
          case 'load':
            return [`lw ${x(item.reg)}, 0(s1)`];
          case 'byte':
            return [`lbu ${x(item.reg)}, 12(s1)`];
          case 'store':
            return [`sw ${x(item.reg)}, 4(s1)`];
          case 'raise':
            return ['sw zero, 8(s1)'];
        }
        return [];
      case 'slot': {
        const label = slots.has(item.id) ? '' : `S${item.id}: `;
        slots.add(item.id);
        return [`${label}addi a0, a0, 1`];
      }
      case 'patch':
        return [
          `li t5, ${item.value}`,
          `la t6, ${inline.has(item.id) ? 'S' : 'F'}${item.id}`,
          'sw t5, 0(t6)',
        ];
      case 'call':
        return [`jal ra, F${item.id}`];
      case 'counter':
        // S-mode reads the user counters (mcounteren lets it).
        return [
          `csrr ${x(item.rd)}, ${supervisor ? (item.csr === 'mcycle' ? 'cycle' : 'instret') : item.csr}`,
        ];
      case 'irq':
        // In S-mode, M interrupts are always enabled: SIE is toggled instead (no effect on them).
        if (supervisor) return [item.on ? 'csrsi sstatus, 2' : 'csrci sstatus, 2'];
        return [item.on ? 'csrsi mstatus, 8' : 'csrci mstatus, 8'];
      case 'wfi':
        return ['wfi'];
      case 'fence':
        return ['fence.i'];
    }
  };
  emit(program.body);
  const init = program.init.map((v, i) => `li ${x(POOL[(i * 5) % POOL.length] as number)}, ${v}`);
  // Everything 32 bits wide but the compressed instructions asked for by name (the
  // assembler's automatic compression costs more than the run itself).
  return [
    '.option norvc',
    '_start:',
    'la t5, handler',
    'csrw mtvec, t5',
    `li t5, ${SAVE}`,
    'csrw mscratch, t5',
    `li s0, ${DATA + 2048}`,
    'lui s1, 0x10000',
    'li t5, 0x80',
    'csrw mie, t5',
    // In S-mode, M interrupts are enabled whatever MIE says (and the setup must not be
    // interrupted: a trap between setting MPP and MRET would change where MRET goes).
    ...(supervisor ? SUPERVISOR : ['csrsi mstatus, 8']),
    ...init,
    `li s3, ${program.repeat}`,
    'outer:',
    ...lines,
    'addi s3, s3, -1',
    'bnez s3, outer',
    'end:',
    'j end',
    // Functions and the handler in pages of their own: patching a function does not drop the
    // translations of the body.
    '.balign 4096',
    ...[0, 1, 2, 3].flatMap((id) => [`F${id}:`, 'addi a0, a0, 1', 'c.jr ra']),
    '.align 2',
    // The handler keeps every register but x4 (it saves t4 and t5, and swaps t6 with
    // mscratch): a trap or an interrupt in the middle of a patch or AMO sequence changes nothing.
    'handler:',
    'csrrw t6, mscratch, t6',
    'sw t5, 0(t6)',
    'sw t4, 4(t6)',
    'csrr t5, mcause',
    'slli t4, tp, 5',
    'sub tp, t4, tp',
    'add tp, tp, t5',
    'bltz t5, handler_irq',
    'csrr t5, mepc',
    'lhu t4, 0(t5)',
    'andi t4, t4, 3',
    'addi t5, t5, 2',
    'addi t4, t4, -3',
    'bnez t4, handler_skip',
    'addi t5, t5, 2',
    'handler_skip:',
    'csrw mepc, t5',
    'j handler_out',
    'handler_irq:',
    'sw zero, 0(s1)',
    'handler_out:',
    'lw t5, 0(t6)',
    'lw t4, 4(t6)',
    'csrrw t6, mscratch, t6',
    'mret',
  ].join('\n');
}

/** Instructions in a program's body (loops counted once). */
export function bodySize(items: readonly Item[]): number {
  let n = 0;
  for (const item of items) n += item.k === 'loop' ? 1 + bodySize(item.body) : 1;
  return n;
}

/** The result of {@link divergence}. */
export interface Outcome {
  /** The first difference, with where it was seen; undefined when there was none. */
  readonly difference: string | undefined;
  /** Blocks the translator translated. */
  readonly translated: number;
}

/**
 * Runs `program` on both cores (`options` makes the translator: a planted fault, say) through
 * `schedule`, then on to the end of the program, comparing after every run.
 */
export function divergence(
  program: GeneratedProgram,
  schedule: readonly Stop[],
  options: RigOptions = {},
): Outcome {
  const pair = new Pair(asm(render(program)), options);
  try {
    return drive(pair, schedule);
  } finally {
    pair.release();
  }
}

function drive(pair: Pair, schedule: readonly Stop[]): Outcome {
  const end = pair.at('end');
  const a = pair.interpreter.core;
  const b = pair.translator.core;
  const outcome = (difference: string | undefined): Outcome => ({
    difference,
    translated: b.statistics().blocksTranslated,
  });
  const stop = (what: string): string | undefined => {
    const found = pair.difference();
    if (found !== undefined) return `${found} (after ${what})`;
    b.run(b.hart.retired, Number.POSITIVE_INFINITY);
    const tlb = tlbProblem(pair.translator);
    return tlb === undefined ? undefined : `${tlb} (after ${what})`;
  };
  const runBoth = (limit: number, deadline: number, what: string): CoreExit | string => {
    const ea = a.run(limit, deadline);
    const eb = b.run(limit, deadline);
    if (ea !== eb)
      return `exit: interpreter ${CORE_EXIT_NAMES[ea]} ≠ translator ${CORE_EXIT_NAMES[eb]} (${what}; pc ${a.hart.pc.toString(16)} / ${b.hart.pc.toString(16)}, retired ${a.hart.retired} / ${b.hart.retired})`;
    return stop(`${what}: ${CORE_EXIT_NAMES[ea]}`) ?? ea;
  };
  const raise = () => {
    a.setInterruptLine(MIP_MTIP, true);
    b.setInterruptLine(MIP_MTIP, true);
  };
  for (const [i, s] of schedule.entries()) {
    if (s.raise) raise();
    const limit = a.hart.retired + s.budget;
    const deadline =
      s.deadline === null
        ? Number.POSITIVE_INFINITY
        : a.hart.retired + a.hart.countedTraps + s.deadline;
    const exit = runBoth(limit, deadline, `run ${i + 1} of the schedule`);
    if (typeof exit === 'string') return outcome(exit);
    if (exit === EXIT_IDLE) raise();
  }
  // On to the end (device exits, one per access, do not count against the bound).
  const bound = a.hart.retired + 2_000_000;
  for (let i = 0; a.hart.pc !== end && a.hart.retired < bound && i < 1_000_000; i++) {
    const exit = runBoth(a.hart.retired + 5000, Number.POSITIVE_INFINITY, `final run ${i + 1}`);
    if (typeof exit === 'string') return outcome(exit);
    if (exit === EXIT_IDLE) raise();
    if (
      exit !== EXIT_BUDGET &&
      exit !== EXIT_DEADLINE &&
      exit !== EXIT_IDLE &&
      exit !== EXIT_DEVICE
    )
      return outcome(`unexpected exit ${CORE_EXIT_NAMES[exit]}`);
  }
  if (a.hart.pc !== end) return outcome('the program did not end');
  return outcome(undefined);
}

/** Programs one step simpler than `program`: an item fewer, a loop unrolled once, fewer passes. */
function* simpler(program: GeneratedProgram): Generator<GeneratedProgram> {
  const body = program.body;
  const at = (items: readonly Item[]): GeneratedProgram => ({ ...program, body: items });
  for (let i = 0; i < body.length; i++) {
    yield at([...body.slice(0, i), ...body.slice(i + 1)]);
    const item = body[i] as Item;
    if (item.k !== 'loop') continue;
    // The loop's body in its place (run once), then the loop with an item fewer.
    yield at([...body.slice(0, i), ...item.body, ...body.slice(i + 1)]);
    for (let j = 0; j < item.body.length && item.body.length > 1; j++)
      yield at([
        ...body.slice(0, i),
        { ...item, body: [...item.body.slice(0, j), ...item.body.slice(j + 1)] },
        ...body.slice(i + 1),
      ]);
  }
  if (program.init.some((v) => v !== 0)) yield { ...program, init: program.init.map(() => 0) };
}

/**
 * Makes a failing program smaller while `fails` holds (greedy: items removed one at a time,
 * loops unrolled): what fast-check's shrinker cannot do in one step — remove an item whose
 * neighbours must change with it — as the conformance package's `minimizeBody` does.
 */
export function minimize(
  program: GeneratedProgram,
  fails: (p: GeneratedProgram) => boolean,
): GeneratedProgram {
  let best = program;
  for (let changed = true; changed; ) {
    changed = false;
    for (const candidate of simpler(best)) {
      if (fails(candidate)) {
        best = candidate;
        changed = true;
        break;
      }
    }
  }
  return best;
}
