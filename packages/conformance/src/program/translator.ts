/**
 * Templates aimed at a translating engine (docs/execution-core.md): code that is written while
 * it runs (`selfmod`), code pages remapped under Sv32 (`remap`), timer interrupts landing inside
 * long blocks (`blocktimer`), traps on the last instruction of a block and in the middle of
 * straight-line runs (`blockend`), and jumps into the middle of instructions (`midjump`).
 *
 * A translator compiles code only once it is hot (Trapeze's after 16 runs of a block, a region
 * after 50), so these bodies are built from loops with long trip counts (16 and more) around
 * the records that matter. Records inside a loop branch forward within it.
 *
 * Every program stays deterministic and defined alike on every engine: code writes only write
 * instructions that compute (`code.ts`), and an instruction a store changed is reached only
 * after a `fence.i`, a jump or a branch (QEMU 7.2 runs the rest of a translation block as it
 * was translated: a store into the block being executed takes effect at the block's end);
 * every page-table change is followed by an `sfence.vma` that covers it.
 *
 * @module
 */
import { PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X } from '@trapeze/mmu';
import fc from 'fast-check';
import {
  ACCUMULATOR,
  C16_FLIP,
  CODE_REGISTERS,
  c16Arb,
  compressedArb,
  foldWords,
  I32_FLIP,
  i32Arb,
  luiWithUpper,
  opImmWithUpper,
  overlapChain,
} from './code.js';
import type { GenContext } from './context.js';
import {
  CLINT_MTIME,
  CLINT_MTIMECMP,
  HOLES,
  LOOP_BODY_REGISTERS,
  WRITABLE_REGISTERS,
} from './convention.js';
import type { BodyRecord, PatchOp, Program } from './model.js';
import { body, DELEGABLE, dropTo, hex, needs, sHandler } from './parts.js';
import {
  AMO_OPS,
  aluArb,
  BRANCH_OPS,
  branchArb,
  LOAD_OPS,
  M_OPS,
  memoryArb,
  regArb,
  STORE_OPS,
  trapArb,
  widthOf,
} from './records.js';
import type { Template } from './templates.js';

type Arb = fc.Arbitrary<BodyRecord>;

/** Loop passes: mostly enough for a block to be translated (16) and a region compiled (50). */
const passesArb = (max: number) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 15 }) },
    { weight: 4, arbitrary: fc.integer({ min: 16, max }) },
  );

/** A loop of `passes` around 1…`maxLength` of `records`. */
function loopOf(records: Arb, max: number, maxLength: number): Arb {
  return fc
    .record({
      count: passesArb(max),
      body: fc.array(records, { minLength: 1, maxLength }),
    })
    .map(({ count, body: b }): BodyRecord => ({ kind: 'loop', count, body: b }));
}

/**
 * A hot loop around code that runs on every pass: 1…3 of `each`, 0…2 of `sometimes` and
 * 0…3 of `others`, in any order.
 */
function hotLoopOf(each: Arb, sometimes: Arb, others: Arb, max: number): Arb {
  return fc
    .record({
      count: passesArb(max),
      each: fc.array(each, { minLength: 1, maxLength: 3 }),
      sometimes: fc.array(sometimes, { maxLength: 2 }),
      others: fc.array(others, { maxLength: 3 }),
    })
    .chain(({ count, each: e, sometimes: s, others: o }) => {
      const all = [...e, ...s, ...o];
      return fc
        .shuffledSubarray(all, { minLength: all.length, maxLength: all.length })
        .map((b): BodyRecord => ({ kind: 'loop', count, body: b }));
    });
}

/** A forward jump writing x0 or a register of `registers`. */
const jumpTo = (registers: readonly number[], maxSkip: number): Arb =>
  fc
    .record({
      rd: fc.constantFrom(0, ...registers),
      skip: fc.integer({ min: 0, max: maxSkip }),
    })
    .map(({ rd, skip }): BodyRecord => ({ kind: 'jump', rd, skip }));

/** A straight run of 1…`max` ALU instructions on registers of `registers`. */
const straightArb = (registers: readonly number[], max: number): Arb =>
  fc
    .record({
      count: fc.integer({ min: 1, max }),
      rd: fc.constantFrom(...registers),
      rs: fc.integer({ min: 0, max: 31 }),
    })
    .map(({ count, rd, rs }): BodyRecord => ({ kind: 'straight', count, rd, rs }));

/** A mask of a loop counter's low bits (an `every` or a `sometimes` mask): 0, 1, 3, 7, 15, 31. */
const lowMaskArb = (max = 5) => fc.integer({ min: 0, max }).map((bits) => (1 << bits) - 1);

// ---- code cells and the writes that change them ------------------------------------------------

/**
 * A 4-byte cell of generated code: one 32-bit instruction (`i32`) or two compressed ones
 * (`c16`). Writes keep a cell of its class (see {@link cellWriteArb}).
 */
interface Cell {
  readonly cls: 'i32' | 'c16';
  readonly word: number;
}

const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 3, arbitrary: i32Arb.map((word): Cell => ({ cls: 'i32', word })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(c16Arb, c16Arb)
      .map(([a, b]): Cell => ({ cls: 'c16', word: (a | (b << 16)) >>> 0 })),
  },
);

/** A non-zero subset of `bits`. */
const flipArb = (bits: number) =>
  fc.integer({ min: 1, max: 0x7fff_ffff }).map((r) => (r & bits) >>> 0 || (bits & -bits) >>> 0);

/** A code write that keeps a cell of class `cls` such a cell. */
interface CellWrite {
  readonly op: PatchOp;
  /** Byte offset of the write in the cell. */
  readonly offset: number;
  readonly value: number;
}

/**
 * Writes that keep a cell of `cls` a cell of its class: a new cell (`sw`), a new compressed
 * half (`sh`, c16), flipped bits of a half (`sh-xor`) or of the word (`amoxor.w`, when
 * `amo`: the cell is 4-byte aligned).
 */
function cellWriteArb(cls: 'i32' | 'c16', amo: boolean): fc.Arbitrary<CellWrite> {
  const writes: fc.Arbitrary<CellWrite>[] = [];
  if (cls === 'i32') {
    writes.push(
      i32Arb.map((value): CellWrite => ({ op: 'sw', offset: 0, value })),
      flipArb(I32_FLIP >>> 16).map((value): CellWrite => ({ op: 'sh-xor', offset: 2, value })),
    );
    if (amo) writes.push(flipArb(I32_FLIP).map((value) => ({ op: 'amoxor.w', offset: 0, value })));
  } else {
    writes.push(
      fc
        .tuple(c16Arb, c16Arb)
        .map(([a, b]): CellWrite => ({ op: 'sw', offset: 0, value: (a | (b << 16)) >>> 0 })),
      fc
        .record({ half: fc.constantFrom(0, 2), value: c16Arb })
        .map(({ half, value }): CellWrite => ({ op: 'sh', offset: half, value })),
      fc
        .record({ half: fc.constantFrom(0, 2), value: flipArb(C16_FLIP) })
        .map(({ half, value }): CellWrite => ({ op: 'sh-xor', offset: half, value })),
    );
    if (amo)
      writes.push(
        flipArb(C16_FLIP | (C16_FLIP << 16)).map((value) => ({ op: 'amoxor.w', offset: 0, value })),
      );
  }
  return fc.oneof(...writes);
}

/** The fold of the code's registers into the accumulator, as `.word` lines. */
const FOLD_LINES = foldWords().map((w) => `  .word ${hex(w)}`);

/** Registers the records around generated code write: never the accumulator (s9). */
const BODY_REGISTERS = WRITABLE_REGISTERS.filter((r) => r !== ACCUMULATOR);
const LOOP_REGISTERS = LOOP_BODY_REGISTERS.filter((r) => r !== ACCUMULATOR);

const FOLD: BodyRecord = { kind: 'fold' };

/** `.word`/`.half` lines of cells. */
const cellLines = (cells: readonly Cell[]) => cells.map((c) => `  .word ${hex(c.word)}`);

// ---- selfmod ------------------------------------------------------------------------------------

/** The selfmod template's set-up: its code buffer. */
interface BufferSpec {
  readonly cells: readonly Cell[];
  /** Passes of the buffer's own loop over its cells (1: no loop). */
  readonly passes: number;
  /** The cell that starts 2 bytes before a page boundary (the buffer is then 2-byte aligned). */
  readonly straddle: number | null;
}

/** The code buffer: `__code` (entry), `__cells` (the cells), in the pages from `__code_page`. */
function bufferSource(spec: BufferSpec): string {
  const prologue = spec.passes > 1 ? 4 : 0;
  const lines = ['  .balign 4096', '__code_page:'];
  if (spec.straddle !== null) lines.push(`  .space ${4096 - 2 - 4 * spec.straddle - prologue}`);
  lines.push('  .option push', '  .option norvc', '__code:');
  if (spec.passes > 1) lines.push(`  li t3, ${spec.passes}`);
  lines.push('__cells:', ...cellLines(spec.cells));
  if (spec.passes > 1) lines.push('  addi t3, t3, -1', '  bnez t3, __cells');
  lines.push(...FOLD_LINES, '  ret', '  .option pop', '  .balign 4096');
  return lines.join('\n');
}

/** A write into the buffer's cell `index` (maybe fenced, maybe every few loop passes). */
function bufferPatchArb(spec: BufferSpec): Arb {
  const aligned = spec.straddle === null;
  return fc
    .integer({ min: 0, max: spec.cells.length - 1 })
    .chain((index) =>
      fc.record({
        index: fc.constant(index),
        write: cellWriteArb((spec.cells[index] as Cell).cls, aligned),
        fence: fc.boolean(),
        // Mostly every few passes, so that the buffer runs translated between writes.
        every: fc.option(lowMaskArb(6), { nil: undefined, freq: 4 }),
      }),
    )
    .map(
      ({ index, write, fence, every }): BodyRecord => ({
        kind: 'patch',
        op: write.op,
        symbol: '__cells',
        address: 4 * index + write.offset,
        value: write.value,
        fence,
        ...(every === undefined || every === 0 ? {} : { every }),
      }),
    );
}

/** A store into the code being executed (see the `selfmod` record). */
const selfmodArb: Arb = cellArb
  .chain((cell) =>
    fc.record({
      cell: fc.constant(cell),
      write: cellWriteArb(cell.cls, true),
      ahead: fc.boolean(),
      sync: fc.constantFrom<'fence.i' | 'jump' | 'none'>('fence.i', 'jump', 'none'),
      gap: fc.integer({ min: 0, max: 3 }),
    }),
  )
  .map(
    ({ cell, write, ahead, sync, gap }): BodyRecord => ({
      kind: 'selfmod',
      word: cell.word,
      op: write.op,
      offset: write.offset,
      value: write.value,
      ahead,
      // Reached in the same straight-line run, the new word needs a fence.i or a jump first.
      sync: ahead && sync === 'none' ? 'fence.i' : sync,
      gap,
    }),
  );

const CALL_BUFFER: BodyRecord = { kind: 'fetch', symbol: '__code', address: 0 };
const FENCE_I: BodyRecord = { kind: 'fence', op: 'fence.i' };

/**
 * Self-modifying code: a code buffer in pages of its own (cells of generated instructions,
 * maybe looping over them, maybe across a page boundary) that the body calls, rewrites (new
 * words, new halves, flipped bits, `amoxor.w`), fences and calls again, in hot loops; and
 * stores into the body's own code, ahead of the store (reached after a `fence.i` or a jump)
 * or behind it (reached on the next pass).
 */
function selfmodTemplate(): Template {
  const name = 'selfmod';
  return {
    name,
    description:
      'self-modifying code: a code buffer rewritten, fenced (FENCE.I) and called in hot loops; stores into the code being executed',
    unsupported: () => undefined,
    arbitrary: (ctx, options) =>
      fc
        .noShrink(
          fc.record({
            cells: fc.array(cellArb, { minLength: 2, maxLength: 16 }),
            passes: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 8 })),
            straddle: fc.integer({ min: 0, max: 15 }),
            crosses: fc.boolean(),
          }),
        )
        .map(
          ({ cells, passes, straddle, crosses }): BufferSpec => ({
            cells,
            passes,
            // Across a page: the cells are 2-byte aligned, `sw` into them may be misaligned.
            straddle: crosses && ctx.misalignedLoadStore ? straddle % cells.length : null,
          }),
        )
        .chain((spec) => {
          const patch = bufferPatchArb(spec);
          const others = fc.oneof(
            { weight: 3, arbitrary: selfmodArb },
            { weight: 1, arbitrary: fc.constant(FOLD) },
            { weight: 2, arbitrary: aluArb(LOOP_REGISTERS) },
            { weight: 1, arbitrary: fc.constant(FENCE_I) },
            { weight: 1, arbitrary: patch },
          );
          return body(
            fc.oneof(
              {
                weight: 5,
                arbitrary: hotLoopOf(fc.constant(CALL_BUFFER), patch, others, 96),
              },
              { weight: 2, arbitrary: fc.constant(CALL_BUFFER) },
              { weight: 1, arbitrary: patch },
              { weight: 1, arbitrary: selfmodArb },
              { weight: 1, arbitrary: aluArb(BODY_REGISTERS) },
            ),
            options,
          ).map(
            (b): Program => ({
              template: name,
              setup: '',
              body: b,
              extra: bufferSource(spec),
              digestPages: ['__data', '__code_page', '__code_page + 0x1000'],
            }),
          );
        }),
  };
}

// ---- blocktimer ---------------------------------------------------------------------------------

/** Interrupts the blocktimer handler takes before it disarms the timer (the trap log holds 64). */
export const BLOCKTIMER_INTERRUPTS = 40;

/**
 * The blocktimer handler: counts timer interrupts and folds their `mepc` into a checksum
 * (`__irq`, `__irq + 4`), re-arms the timer with the next of 16 periods (`__periods`) until it
 * has taken {@link BLOCKTIMER_INTERRUPTS}, then disarms it.
 */
const BLOCKTIMER_HANDLER = `
  csrr t0, mcause
  bgez t0, 3f
  andi t0, t0, 31
  li t1, 7
  bne t0, t1, 3f
  la t2, __irq
  lw t1, 0(t2)
  addi t1, t1, 1
  sw t1, 0(t2)
  csrr t3, mepc
  lw t4, 4(t2)
  slli t5, t4, 5
  sub t4, t5, t4
  add t4, t4, t3
  sw t4, 4(t2)
  li t3, ${hex(CLINT_MTIMECMP)}
  li t0, ${BLOCKTIMER_INTERRUPTS}
  bgeu t1, t0, 2f
  andi t0, t1, 15
  slli t0, t0, 2
  add t0, t2, t0
  lw t0, 16(t0)
  li t5, ${hex(CLINT_MTIME)}
  lw t6, 0(t5)
  add t6, t6, t0
  sw t6, 0(t3)
  sw zero, 4(t3)
  j __trap_return
2:
  li t0, -1
  sw t0, 4(t3)
  sw t0, 0(t3)
  j __trap_return
3:
  j __trap_default
`;

/** Counter CSRs read inside blocks (they read virtual time, counting the reading instruction). */
const COUNTER_READS = ['mcycle', 'minstret', 'cycle', 'instret', 'time'];

/**
 * Timer interrupts inside long blocks: long straight-line runs and hot loops (with forward
 * branches, counter reads, `mtime` reads, loads and stores) while the CLINT timer fires every
 * few hundred or thousand instructions; the handler counts the interrupts, folds the
 * interrupted pcs into a checksum and re-arms the timer with generated periods.
 */
function blocktimerTemplate(): Template {
  const name = 'blocktimer';
  return {
    name,
    description:
      'timer interrupts landing inside long straight-line blocks and hot loops (generated periods, a counting handler)',
    unsupported: (ctx) => (ctx.counters ? undefined : 'engines count time differently'),
    arbitrary: (ctx, options) => {
      const counters = COUNTER_READS.filter((c) => ctx.mask(c) !== 0);
      const read = (registers: readonly number[]): Arb => {
        const mtime = fc
          .constantFrom(...registers)
          .map((reg): BodyRecord => ({ kind: 'access', op: 'lw', address: CLINT_MTIME, reg }));
        if (counters.length === 0) return mtime;
        return fc.oneof(
          fc
            .record({ csr: fc.constantFrom(...counters), rd: fc.constantFrom(...registers) })
            .map(({ csr, rd }): BodyRecord => ({ kind: 'csrr', csr, rd, mask: ctx.mask(csr) })),
          mtime,
        );
      };
      const inLoop = fc.oneof(
        { weight: 4, arbitrary: straightArb(LOOP_BODY_REGISTERS, 120) },
        { weight: 3, arbitrary: aluArb(LOOP_BODY_REGISTERS) },
        { weight: 1, arbitrary: regArb(M_OPS, LOOP_BODY_REGISTERS) },
        { weight: 2, arbitrary: memoryArb(ctx, LOOP_BODY_REGISTERS) },
        { weight: 1, arbitrary: read(LOOP_BODY_REGISTERS) },
        { weight: 1, arbitrary: branchArb(3) },
        { weight: 1, arbitrary: jumpTo(LOOP_BODY_REGISTERS, 2) },
      );
      return fc
        .record({
          setup: fc.noShrink(
            fc.record({
              first: fc.integer({ min: 0, max: 40 }),
              periods: fc.array(fc.integer({ min: 1, max: 16 }), {
                minLength: 16,
                maxLength: 16,
              }),
            }),
          ),
          body: body(
            fc.oneof(
              { weight: 4, arbitrary: loopOf(inLoop, 100, 8) },
              { weight: 2, arbitrary: straightArb(WRITABLE_REGISTERS, 130) },
              { weight: 1, arbitrary: aluArb() },
              { weight: 1, arbitrary: read(WRITABLE_REGISTERS) },
            ),
            options,
          ),
        })
        .map(
          ({ setup, body: b }): Program => ({
            template: name,
            setup: [
              `  li t0, ${hex(CLINT_MTIME)}`,
              '  lw t1, 0(t0)',
              `  addi t1, t1, ${setup.first}`,
              `  li t0, ${hex(CLINT_MTIMECMP)}`,
              '  sw t1, 0(t0)',
              '  sw zero, 4(t0)',
              '  li t0, 0x80',
              '  csrs mie, t0',
              '  csrsi mstatus, 8',
            ].join('\n'),
            body: b,
            handler: BLOCKTIMER_HANDLER,
            extra: [
              '  .balign 4096',
              '__irq:',
              '  .word 0, 0, 0, 0',
              '__periods:',
              `  .word ${setup.periods.join(', ')}`,
              '  .balign 4096',
            ].join('\n'),
            digestPages: ['__data', '__irq'],
          }),
        );
    },
  };
}

// ---- blockend -----------------------------------------------------------------------------------

/** M-mode traps (ECALLs, causes not delegated) a blockend program takes at most. */
const BLOCKEND_M_TRAPS = 40;

/** The causes a record can raise (a misaligned AMO: 6, or 4 on QEMU 7.2). */
function causesOf(record: BodyRecord, mode: 'S' | 'U'): readonly number[] {
  switch (record.kind) {
    case 'trap':
      return [record.trap === 'ecall' ? (mode === 'U' ? 8 : 9) : record.trap === 'ebreak' ? 3 : 2];
    case 'sometimes':
      if (record.op === 'lr.w') return [4];
      if (record.op.startsWith('amo')) return [6, 4];
      return [record.op.startsWith('s') ? 7 : 5];
    case 'fetch':
      return [1];
    default:
      return [];
  }
}

/** How many times a record traps at most, run `passes` times (a loop's counter `passes`…1). */
function trapsOf(record: BodyRecord, passes: number): number {
  if (record.kind === 'sometimes') return passes === 1 ? 1 : Math.floor(passes / (record.mask + 1));
  return passes;
}

/**
 * Drops the records that would take the M-mode trap count past {@link BLOCKEND_M_TRAPS} (the
 * harness stops at 64 logged traps): ECALLs always reach M, other causes when `medeleg` keeps
 * them there.
 */
function limitMTraps(b: readonly BodyRecord[], mode: 'S' | 'U', medeleg: number): BodyRecord[] {
  let left = BLOCKEND_M_TRAPS;
  const keep = (r: BodyRecord, passes: number) => {
    if (!causesOf(r, mode).some((c) => ((medeleg >>> c) & 1) === 0)) return true;
    const n = trapsOf(r, passes);
    if (n > left) return false;
    left -= n;
    return true;
  };
  const out: BodyRecord[] = [];
  for (const r of b) {
    if (r.kind === 'loop') {
      const inner = r.body.filter((x) => keep(x, r.count));
      if (inner.length > 0) out.push({ ...r, body: inner });
    } else if (keep(r, 1)) out.push(r);
  }
  return out;
}

/** A load, store or atomic that faults on some loop passes (see the `sometimes` record). */
function sometimesArb(amo: boolean): Arb {
  const access = fc
    .record({
      op: fc.constantFrom(...LOAD_OPS, ...STORE_OPS),
      reg: fc.constantFrom(...LOOP_BODY_REGISTERS),
      rs2: fc.integer({ min: 0, max: 31 }),
      offset: fc.integer({ min: 0, max: 511 }).map((w) => w * 4),
      hole: fc.constantFrom(...HOLES),
      mask: lowMaskArb(4),
    })
    .map(
      ({ op, reg, rs2, offset, hole, mask }): BodyRecord => ({
        kind: 'sometimes',
        op,
        reg,
        rs2,
        offset: offset & ~(widthOf(op) - 1),
        hole,
        misalign: 0,
        mask,
      }),
    );
  if (!amo) return access;
  const atomic = fc
    .record({
      op: fc.constantFrom<(typeof AMO_OPS)[number] | 'lr.w'>(...AMO_OPS, 'lr.w'),
      reg: fc.constantFrom(...LOOP_BODY_REGISTERS),
      rs2: fc.integer({ min: 0, max: 31 }),
      offset: fc.integer({ min: 0, max: 510 }).map((w) => w * 4),
      misalign: fc.constantFrom(1, 2),
      mask: lowMaskArb(4),
    })
    .map(
      ({ op, reg, rs2, offset, misalign, mask }): BodyRecord => ({
        kind: 'sometimes',
        op,
        reg,
        rs2,
        offset,
        hole: 0,
        misalign,
        mask,
      }),
    );
  return fc.oneof({ weight: 2, arbitrary: access }, { weight: 1, arbitrary: atomic });
}

/**
 * Traps at the ends of blocks: a U- or S-mode body whose exceptions (but ECALL) are delegated
 * to an S handler runs hot loops of segments — ALU records, then a trapping instruction, then
 * maybe a forward branch — so that traps are the last instruction before a branch, fall in
 * the middle of straight-line runs (some longer than a translated block), or follow a jump:
 * loads and stores that fault on some passes (a hole instead of the data page), misaligned
 * atomics, illegal words and CSR accesses, `mret`, `ebreak`, `ecall` (to M-mode, a bounded
 * number of times) and jumps to addresses that cannot be fetched.
 */
function blockendTemplate(): Template {
  const name = 'blockend';
  return {
    name,
    description:
      'traps as the last instruction of a block and mid-run: faulting loads/stores, misaligned AMOs, illegal words, ECALL, in hot loops',
    unsupported: (ctx) => needs(ctx, ['S', 'U']),
    arbitrary: (ctx, options) => {
      const trap = fc.oneof(
        { weight: 4, arbitrary: sometimesArb(true) },
        {
          weight: 2,
          arbitrary: trapArb(['illegal', 'illegal-csr', 'ebreak', 'mret', 'ecall']),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...HOLES)
            .map((address): BodyRecord => ({ kind: 'fetch', address })),
        },
      );
      const segment = fc
        .record({
          before: fc.oneof(
            {
              weight: 3,
              arbitrary: fc.array(aluArb(LOOP_BODY_REGISTERS), { minLength: 0, maxLength: 4 }),
            },
            {
              weight: 1,
              arbitrary: straightArb(LOOP_BODY_REGISTERS, 140).map((r) => [r]),
            },
          ),
          trap,
          branch: fc.option(branchArb(2), { nil: undefined }),
        })
        .map(({ before, trap: t, branch }) => [...before, t, ...(branch ? [branch] : [])]);
      const loop = fc
        .record({
          count: passesArb(48),
          segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
        })
        .map(({ count, segments }): BodyRecord => ({ kind: 'loop', count, body: segments.flat() }));
      return fc
        .record({
          setup: fc.noShrink(
            fc.record({
              mode: fc.constantFrom<'S' | 'U'>('S', 'U'),
              // Mostly every delegable cause to S; sometimes one of them kept in M.
              kept: fc.oneof(
                { weight: 3, arbitrary: fc.constant<number | undefined>(undefined) },
                // Not 4 or 6 when engines differ in the cause of a misaligned AMO (one
                // would take it in M, the other in S).
                {
                  weight: 1,
                  arbitrary: fc.constantFrom(
                    ...(ctx.misalignedAmo ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 5, 7]),
                  ),
                },
              ),
            }),
          ),
          body: body(
            fc.oneof(
              { weight: 4, arbitrary: loop },
              { weight: 1, arbitrary: trap },
              { weight: 1, arbitrary: aluArb() },
            ),
            options,
          ),
        })
        .map(({ setup, body: b }): Program => {
          const medeleg = DELEGABLE.filter((c) => c !== setup.kept).reduce(
            (m, c) => m | (1 << c),
            0,
          );
          return {
            template: name,
            setup: [
              `  li t0, ${hex(medeleg)}`,
              '  csrw medeleg, t0',
              '  la t0, __strap',
              '  csrw stvec, t0',
              dropTo(setup.mode),
            ].join('\n'),
            privilege: setup.mode,
            body: limitMTraps(b, setup.mode, medeleg),
            // Misaligned AMOs raise 6 on one engine and 4 on the other: the log folds them.
            extra: sHandler(!ctx.misalignedAmo),
            digestPages: ['__data', '__spage'],
            norvc: true,
          };
        });
    },
  };
}

// ---- midjump ------------------------------------------------------------------------------------

/** ALU records the assembler compresses (rd = rs1, small immediates, x8–x15 operands). */
const compressibleArb: Arb = fc.oneof(
  fc
    .record({
      rd: fc.constantFrom(...CODE_REGISTERS),
      imm: fc.integer({ min: -32, max: 31 }).filter((i) => i !== 0),
    })
    .map(({ rd, imm }): BodyRecord => ({ kind: 'imm', op: 'addi', rd, rs1: rd, imm })),
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), value: fc.integer({ min: -32, max: 31 }) })
    .map(({ rd, value }): BodyRecord => ({ kind: 'li', rd, value })),
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), rs2: fc.integer({ min: 1, max: 31 }) })
    .map(({ rd, rs2 }): BodyRecord => ({ kind: 'reg', op: 'add', rd, rs1: rd, rs2 })),
  fc
    .record({
      op: fc.constantFrom<'and' | 'or' | 'xor' | 'sub'>('and', 'or', 'xor', 'sub'),
      rd: fc.integer({ min: 8, max: 15 }),
      rs2: fc.integer({ min: 8, max: 15 }),
    })
    .map(({ op, rd, rs2 }): BodyRecord => ({ kind: 'reg', op, rd, rs1: rd, rs2 })),
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), imm: fc.integer({ min: 1, max: 31 }) })
    .map(({ rd, imm }): BodyRecord => ({ kind: 'imm', op: 'slli', rd, rs1: rd, imm })),
  fc
    .record({ rd: fc.integer({ min: 8, max: 15 }), imm: fc.integer({ min: -32, max: 31 }) })
    .map(({ rd, imm }): BodyRecord => ({ kind: 'imm', op: 'andi', rd, rs1: rd, imm })),
);

/** Words entered at their third byte too (see the `overlap` record and `code.ts`). */
const overlapWordsArb: fc.Arbitrary<number[]> = fc.oneof(
  fc
    .record({
      rd: fc.constantFrom(...CODE_REGISTERS),
      upper: compressedArb,
      low: fc.integer({ min: 0, max: 15 }),
    })
    .map(({ rd, upper, low }) => [luiWithUpper(rd, upper, low)]),
  fc
    .record({
      rd: fc.constantFrom(...CODE_REGISTERS),
      op: fc.integer({ min: 0, max: 5 }),
      upper: compressedArb,
      rs1low: fc.integer({ min: 0, max: 1 }),
    })
    .map(({ rd, op, upper, rs1low }) => [opImmWithUpper(rd, op, upper, rs1low)]),
  fc
    .record({
      rd1: fc.constantFrom(...CODE_REGISTERS),
      rdx: fc.constantFrom(...CODE_REGISTERS),
      op: fc.integer({ min: 0, max: 5 }),
      rs1low: fc.integer({ min: 0, max: 1 }),
      rd2: fc.constantFrom(...CODE_REGISTERS),
      low2: fc.integer({ min: 0, max: 15 }),
      second: compressedArb,
    })
    .map(({ rd1, rdx, op, rs1low, rd2, low2, second }) =>
      overlapChain(rd1, rdx, op, rs1low, rd2, low2, second),
    ),
);

const overlapArb: Arb = fc
  .record({
    words: overlapWordsArb,
    entry: fc.constantFrom<'jal' | 'jalr' | 'branch' | 'bit'>('bit', 'branch', 'jal', 'jalr'),
    op: fc.constantFrom(...BRANCH_OPS),
    rs1: fc.integer({ min: 0, max: 31 }),
    rs2: fc.integer({ min: 0, max: 31 }),
    bit: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ words, entry, op, rs1, rs2, bit }): BodyRecord => {
    const base = { kind: 'overlap' as const, words, entry };
    if (entry === 'branch') return { ...base, op, rs1, rs2 };
    if (entry === 'bit') return { ...base, bit };
    return base;
  });

/**
 * Jumps into the middle of instructions: 32-bit instructions whose upper half is a compressed
 * instruction (or, with the next word, another 32-bit one), entered at their first byte and,
 * by a branch, `jal` or `jalr`, at their third; runs of compressed instructions that forward
 * branches enter in the middle (and 32-bit instructions at addresses that are 2 mod 4); in
 * hot loops, whose counter picks the entry on each pass.
 */
function midjumpTemplate(): Template {
  const name = 'midjump';
  return {
    name,
    description:
      'jumps and branches into the middle of instructions: to pc+2 of 32-bit words whose upper half is a valid instruction, into compressed runs',
    unsupported: () => undefined,
    arbitrary: (_ctx, options) => {
      const inLoop = fc.oneof(
        { weight: 3, arbitrary: compressibleArb },
        { weight: 3, arbitrary: overlapArb },
        { weight: 1, arbitrary: branchArb(3) },
        { weight: 1, arbitrary: jumpTo(CODE_REGISTERS, 3) },
      );
      return body(
        fc.oneof(
          { weight: 3, arbitrary: loopOf(inLoop, 64, 8) },
          { weight: 1, arbitrary: overlapArb },
          { weight: 1, arbitrary: compressibleArb },
          { weight: 1, arbitrary: branchArb(3) },
        ),
        options,
      ).map((b): Program => ({ template: name, setup: '', body: b }));
    },
  };
}

// ---- remap --------------------------------------------------------------------------------------

/** Virtual addresses of the remap template: two code pages, then a data alias. */
const REMAP_CODE = 0x4000_0000;
const REMAP_ALIAS = 0x4000_4000;
/** Entries of `__pt_test` (the level-0 table of 0x40000000–0x403fffff) they use. */
const REMAP_INDEX = { code0: 0, code1: 1, alias: 4 } as const;
/** The physical code pages. */
const CODE_PAGES = ['__cpA', '__cpB', '__cpC'] as const;

/** The layout of the remap template's code pages (classes alike, contents per page). */
interface RemapSpec {
  readonly asid: number;
  /** Classes of the head cells (at offset 4) and the count of tail cells (i32, to the end). */
  readonly head: readonly ('i32' | 'c16')[];
  readonly tail: number;
  /** rd and imm[3:0] of the `lui` that straddles a page's end (its upper half opens the next). */
  readonly straddleRd: number;
  readonly straddleLow: number;
  readonly pages: readonly {
    readonly upper: number;
    readonly cont: number;
    readonly head: readonly number[];
    readonly tail: readonly number[];
  }[];
  /** Pages initially mapped at the two code pages and the alias (indexes into CODE_PAGES). */
  readonly map: readonly [number, number, number];
}

/** Offset of the first tail cell in a code page. */
const tailStart = (spec: RemapSpec) => 4096 - 2 - 4 * spec.tail;

/** `ret` (`jalr x0, 0(ra)`), 4 bytes whatever the assembler's RVC setting. */
const RET = 0x0000_8067;

const CODE_FLAGS = PTE_V | PTE_R | PTE_X | PTE_A | PTE_D;
const ALIAS_FLAGS = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;

function remapPageSource(spec: RemapSpec, i: number): string {
  const page = spec.pages[i] as RemapSpec['pages'][number];
  const head = spec.head.map((cls, k) => ({ cls, word: page.head[k] as number }));
  const lines = [
    '  .balign 4096',
    `${CODE_PAGES[i]}:`,
    `  .half ${hex(page.upper)}`,
    `  .half ${hex(page.cont)}`,
    ...cellLines(head),
    ...FOLD_LINES,
    `  .word ${hex(RET)}`,
    `  .space ${tailStart(spec) - 8 - 4 * head.length - 4 * FOLD_LINES.length}`,
    ...page.tail.map((w) => `  .word ${hex(w)}`),
    `  .half ${hex(luiWithUpper(spec.straddleRd, 0, spec.straddleLow) & 0xffff)}`,
  ];
  return lines.join('\n');
}

const remapSpecArb: fc.Arbitrary<RemapSpec> = fc
  .record({
    asid: fc.integer({ min: 0, max: 511 }),
    head: fc.array(fc.constantFrom<'i32' | 'c16'>('i32', 'c16', 'i32'), {
      minLength: 1,
      maxLength: 10,
    }),
    tail: fc.integer({ min: 1, max: 6 }),
    straddleRd: fc.constantFrom(...CODE_REGISTERS),
    straddleLow: fc.integer({ min: 0, max: 15 }),
    map: fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
    ),
  })
  .chain((s) => {
    const headArb = fc.tuple(
      ...s.head.map((cls) =>
        cls === 'i32' ? i32Arb : fc.tuple(c16Arb, c16Arb).map(([a, b]) => (a | (b << 16)) >>> 0),
      ),
    );
    const pageArb = fc.record({
      upper: fc.integer({ min: 0, max: 0xffff }),
      cont: c16Arb,
      head: headArb,
      tail: fc.array(i32Arb, { minLength: s.tail, maxLength: s.tail }),
    });
    return fc.tuple(pageArb, pageArb, pageArb).map((pages): RemapSpec => ({ ...s, pages }));
  });

/** Calls into the code pages, through the two virtual pages or the identity map. */
function remapCallArb(spec: RemapSpec): Arb {
  const tail = tailStart(spec);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          page: fc.constantFrom(0, 0, 0, 1),
          at: fc.constantFrom(4, 4, 4, 2, tail, tail),
        })
        .map(
          ({ page, at }): BodyRecord => ({
            kind: 'fetch',
            address: REMAP_CODE + 0x1000 * page + at,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ page: fc.constantFrom(...CODE_PAGES), at: fc.constantFrom(2, 4) })
        .map(({ page, at }): BodyRecord => ({ kind: 'fetch', symbol: page, address: at })),
    },
    // The data alias cannot be fetched (no X): a fetch page fault, resumed at ra.
    { weight: 1, arbitrary: fc.constant<BodyRecord>({ kind: 'fetch', address: REMAP_ALIAS + 4 }) },
  );
}

/** Page-table updates: a code page or the alias to another physical page, then a fence. */
function remapPteArb(spec: RemapSpec, ctx: GenContext): Arb {
  const codeFlags = [
    CODE_FLAGS,
    CODE_FLAGS,
    CODE_FLAGS,
    CODE_FLAGS | PTE_W,
    PTE_V | PTE_X | PTE_A | PTE_D, // execute-only
    PTE_V | PTE_R | PTE_A | PTE_D, // not executable: fetch page faults
    0, // invalid
    ...(ctx.adBits ? [PTE_V | PTE_R | PTE_X] : []), // A clear: set by the walk
  ];
  const aliasFlags = [ALIAS_FLAGS, ALIAS_FLAGS, PTE_V | PTE_R | PTE_A | PTE_D];
  return fc
    .record({
      which: fc.constantFrom<'code0' | 'code1' | 'alias'>('code0', 'code1', 'code0', 'alias'),
      targets: fc.tuple(fc.constantFrom(...CODE_PAGES), fc.constantFrom(...CODE_PAGES)),
      flag: fc.integer({ min: 0, max: 15 }),
      fence: fc.constantFrom<'all' | 'va' | 'asid' | 'va-asid'>('all', 'va', 'asid', 'va-asid'),
      at: fc.integer({ min: 0, max: 1023 }).map((w) => w * 4),
      // Every 2^k passes, switching between the targets each time (bit k), or every pass.
      every: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined, freq: 3 }),
      bit: fc.integer({ min: 0, max: 3 }),
      withAlias: fc.constantFrom(true, true, true, false),
    })
    .map(({ which, targets, flag, fence, at, every, bit, withAlias }): BodyRecord => {
      const flags = which === 'alias' ? aliasFlags : codeFlags;
      const page = which === 'alias' ? REMAP_ALIAS : REMAP_CODE + 0x1000 * REMAP_INDEX[which];
      return {
        kind: 'pte',
        table: '__pt_test',
        index: REMAP_INDEX[which],
        targets,
        bit: every === undefined ? bit : every,
        flags: flags[flag % flags.length] as number,
        // The first code page's moves take the alias along: writes through it reach the code
        // that runs there.
        ...(which === 'code0' && withAlias
          ? { alias: REMAP_INDEX.alias, aliasFlags: ALIAS_FLAGS, aliasVa: REMAP_ALIAS + at }
          : {}),
        fence,
        va: page + at,
        asid: spec.asid,
        ...(every === undefined ? {} : { every: (1 << every) - 1 }),
      };
    });
}

/** Code writes through the data alias or the identity map, keeping every cell of its class. */
function remapPatchArb(spec: RemapSpec, misaligned: boolean): Arb {
  const tail = tailStart(spec);
  type Where = { symbol?: string; address: number };
  const where = fc.oneof(
    // The alias mostly follows the first code page (see remapPteArb).
    { weight: 4, arbitrary: fc.constant<Where>({ address: REMAP_ALIAS }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...CODE_PAGES).map((symbol): Where => ({ symbol, address: 0 })),
    },
  );
  const write: fc.Arbitrary<CellWrite> = fc.oneof(
    // The upper half of the straddling `lui` (any value) and the compressed continuation.
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: 0xffff })
        .map((value): CellWrite => ({ op: 'sh', offset: 0, value })),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        c16Arb.map((value): CellWrite => ({ op: 'sh', offset: 2, value })),
        flipArb(C16_FLIP).map((value): CellWrite => ({ op: 'sh-xor', offset: 2, value })),
      ),
    },
    // The head, where most calls go.
    {
      weight: 5,
      arbitrary: fc.integer({ min: 0, max: spec.head.length - 1 }).chain((k) =>
        cellWriteArb(spec.head[k] as 'i32' | 'c16', true).map((w) => ({
          ...w,
          offset: 4 + 4 * k + w.offset,
        })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 0, max: spec.tail - 1 }).chain((k) =>
        cellWriteArb('i32', false)
          // Tail cells are 2 mod 4: a word store there is misaligned.
          .filter((w) => misaligned || w.op !== 'sw')
          .map((w) => ({ ...w, offset: tail + 4 * k + w.offset })),
      ),
    },
  );
  return fc
    .record({
      where,
      write,
      fence: fc.boolean(),
      every: fc.option(lowMaskArb(5), { nil: undefined, freq: 3 }),
    })
    .map(
      ({ where: w, write: c, fence, every }): BodyRecord => ({
        kind: 'patch',
        op: c.op,
        address: w.address + c.offset,
        ...(w.symbol === undefined ? {} : { symbol: w.symbol }),
        value: c.value,
        fence,
        ...(every === undefined || every === 0 ? {} : { every }),
      }),
    );
}

/**
 * Code in remapped pages: under Sv32 in S-mode, two virtual code pages (the first's last
 * instruction straddles into the second) and a data alias are mapped to three physical pages
 * of generated code; the body calls into them (at their start, their continuation, their
 * tail), moves the mappings with PTE writes and `sfence.vma` (all, by address, by ASID, both),
 * sometimes to a page it cannot execute, and rewrites the code through the alias or the
 * identity map, in hot loops.
 */
function remapTemplate(): Template {
  const name = 'remap';
  return {
    name,
    description:
      'Sv32 code pages remapped between physical pages by PTE writes and SFENCE.VMA, code written through aliases, in hot loops',
    unsupported: (ctx) => (!ctx.sv32 ? 'an engine lacks Sv32' : needs(ctx, ['S'])),
    arbitrary: (ctx, options) =>
      fc.noShrink(remapSpecArb).chain((spec) => {
        const call = remapCallArb(spec);
        const pte = remapPteArb(spec, ctx);
        const patch = remapPatchArb(spec, ctx.misalignedLoadStore);
        const sfence = fc.constant<BodyRecord>({ kind: 'fence', op: 'sfence.vma' });
        const others = fc.oneof(
          { weight: 2, arbitrary: patch },
          { weight: 1, arbitrary: call },
          { weight: 1, arbitrary: aluArb(LOOP_REGISTERS) },
          { weight: 1, arbitrary: sfence },
        );
        return body(
          fc.oneof(
            {
              weight: 5,
              arbitrary: hotLoopOf(call, fc.oneof(pte, pte, patch), others, 96),
            },
            { weight: 2, arbitrary: call },
            { weight: 1, arbitrary: pte },
            { weight: 1, arbitrary: patch },
            { weight: 1, arbitrary: aluArb(BODY_REGISTERS) },
          ),
          options,
        ).map((b): Program => remapProgram(name, spec, b));
      }),
  };
}

function remapProgram(name: string, spec: RemapSpec, b: BodyRecord[]): Program {
  const identity = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  const mapped = (index: number, page: number, flags: number) => [
    `  la t0, ${CODE_PAGES[page]}`,
    '  srli t0, t0, 2',
    `  ori t0, t0, ${hex(flags)}`,
    `  sw t0, ${4 * index}(s2)`,
  ];
  const setup = [
    '  la s0, __pt_root',
    '  la s1, __pt_ram',
    // Identity map of RAM's first 4 MiB in 4 KiB pages (the harness, the body, the tables).
    '  li t0, 0x80000000',
    '  mv t1, s1',
    '  li t2, 1024',
    '1:',
    '  srli t3, t0, 2',
    `  ori t3, t3, ${hex(identity)}`,
    '  sw t3, 0(t1)',
    '  li t4, 4096',
    '  add t0, t0, t4',
    '  addi t1, t1, 4',
    '  addi t2, t2, -1',
    '  bnez t2, 1b',
    '  srli t0, s1, 2',
    '  ori t0, t0, 1',
    '  li t1, 0x800',
    '  add t1, s0, t1',
    '  sw t0, 0(t1)', // root[0x200]: 0x80000000 through __pt_ram
    '  la s2, __pt_test',
    '  srli t0, s2, 2',
    '  ori t0, t0, 1',
    '  li t1, 0x400',
    '  add t1, s0, t1',
    '  sw t0, 0(t1)', // root[0x100]: 0x40000000 through __pt_test
    ...mapped(REMAP_INDEX.code0, spec.map[0], CODE_FLAGS),
    ...mapped(REMAP_INDEX.code1, spec.map[1], CODE_FLAGS),
    ...mapped(REMAP_INDEX.alias, spec.map[2], ALIAS_FLAGS),
    '  srli t0, s0, 12',
    `  li t1, ${hex(0x8000_0000 | (spec.asid << 22))}`,
    '  or t0, t0, t1',
    '  csrw satp, t0',
    '  sfence.vma zero, zero',
    // Page faults, access faults and the rest to the S handler (never the ECALLs).
    `  li t0, ${hex(DELEGABLE.reduce((m, c) => m | (1 << c), 0))}`,
    '  csrw medeleg, t0',
    '  la t0, __strap',
    '  csrw stvec, t0',
    dropTo('S'),
  ].join('\n');
  const extra = [
    sHandler(),
    remapPageSource(spec, 0),
    remapPageSource(spec, 1),
    remapPageSource(spec, 2),
    '  .balign 4096',
    '__pt_root:',
    '  .space 4096',
    '__pt_ram:',
    '  .space 4096',
    '__pt_test:',
    '  .space 4096',
  ].join('\n');
  return {
    template: name,
    setup,
    privilege: 'S',
    body: b,
    extra,
    digestPages: ['__data', '__spage', '__pt_test', ...CODE_PAGES],
    norvc: true,
  };
}

/** The templates aimed at translators, in the order `TEMPLATES` lists them. */
export const TRANSLATOR_TEMPLATES: readonly Template[] = [
  selfmodTemplate(),
  remapTemplate(),
  blocktimerTemplate(),
  blockendTemplate(),
  midjumpTemplate(),
];
