/**
 * Validation under attack (docs/pv-abi.md §4): random sequences of the page-table calls — pins,
 * unpins, root switches, single updates and batches with entries aimed at tables, at the
 * tables' own frames, outside RAM, at devices — and guest scribbles into every frame that is
 * plain memory. After every step an oracle that knows nothing of the validator's counts walks
 * what the hardware could walk (every pinned table, the active root and what it links) and
 * checks that no table frame is mapped writable and nothing maps outside RAM and the device
 * frames; the validator's own audit must agree; nothing may throw. Two planted validators with
 * one check removed must be caught and shrunk.
 *
 * `TRAPEZE_PV_FUZZ_CASES` sets the number of sequences (150 in `npm test`; docs/pv-abi.md
 * records the campaign), `TRAPEZE_PV_FUZZ_SEED` the seed.
 */
import { test as prop } from '@fast-check/vitest';
import { PTE_R, PTE_V, PTE_W, PTE_X, pte, Ram } from '@trapeze/mmu';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SBI_SUCCESS, type SbiError, TableValidator } from '../src/index.js';

const CASES = Number(process.env.TRAPEZE_PV_FUZZ_CASES ?? 150);
const SEED = process.env.TRAPEZE_PV_FUZZ_SEED;

const BASE = 0x8000_0000;
const FRAMES = 8;
const DEVICE = 0x1000_1000;
const DEVICES = [{ start: DEVICE, end: DEVICE + 0x1000 }];

/** Frames an entry may name: RAM frames, a device frame, the CLINT, past RAM, above 2^32. */
const TARGET_PPNS = [
  ...Array.from({ length: FRAMES }, (_, i) => (BASE >>> 12) + i),
  DEVICE >>> 12,
  0x02000,
  (BASE >>> 12) + FRAMES,
  0x3f_fff0,
];
/** Slots an update writes: a few entries of each frame (collisions matter more than spread). */
const SLOT_INDICES = [0, 1, 2, 1023];

type Step =
  | { op: 'pin'; frame: number; level: number }
  | { op: 'unpin'; frame: number }
  | { op: 'root'; frame: number }
  | { op: 'update'; frame: number; slot: number; value: number }
  | { op: 'scribble'; frame: number; slot: number; value: number }
  | { op: 'batch'; area: number; entries: { frame: number; slot: number; value: number }[] };

const flags = fc.oneof(
  fc.constantFrom(PTE_V, PTE_V | PTE_R, PTE_V | PTE_R | PTE_W, PTE_V | PTE_R | PTE_X, 0),
  fc.integer({ min: 0, max: 0x3ff }),
);
const entryValue = fc.tuple(fc.constantFrom(...TARGET_PPNS), flags).map(([ppn, f]) => pte(ppn, f));
const frameIndex = fc.integer({ min: 0, max: FRAMES - 1 });
const slotIndex = fc.constantFrom(...SLOT_INDICES);
const entry = fc.record({
  frame: fc.oneof(fc.constantFrom(0, 1), frameIndex),
  slot: slotIndex,
  value: entryValue,
});

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('pin' as const),
    frame: frameIndex,
    level: fc.constantFrom(0, 1, 0, 1, 2),
  }),
  fc.record({ op: fc.constant('unpin' as const), frame: frameIndex }),
  fc.record({ op: fc.constant('root' as const), frame: frameIndex }),
  fc.record({
    op: fc.constant('update' as const),
    frame: fc.oneof(fc.constantFrom(0, 1), frameIndex),
    slot: slotIndex,
    value: entryValue,
  }),
  fc.record({
    op: fc.constant('scribble' as const),
    frame: frameIndex,
    slot: slotIndex,
    value: entryValue,
  }),
  fc.record({
    op: fc.constant('batch' as const),
    area: frameIndex,
    entries: fc.array(entry, { minLength: 1, maxLength: 4 }),
  }),
);
/** Often a start as a kernel's: a pinned root, a pinned leaf table linked from it, active. */
const START: Step[] = [
  { op: 'pin', frame: 0, level: 1 },
  { op: 'pin', frame: 1, level: 0 },
  { op: 'update', frame: 0, slot: 0, value: pte((BASE >>> 12) + 1, PTE_V) },
  { op: 'root', frame: 0 },
];
const steps = fc
  .tuple(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 40 }))
  .map(([start, rest]) => (start ? [...START, ...rest] : rest));

/** The pins and root that succeeded, as the guest saw them (kept apart from the validator). */
interface Model {
  pins: Map<number, number>;
  root: number;
}

const address = (frame: number, slot = 0) => BASE + frame * 4096 + slot * 4;

/** Runs one step on the validator (and the model of what succeeded). */
function play(tables: TableValidator, model: Model, s: Step): SbiError | undefined {
  const ram = tables.ram;
  switch (s.op) {
    case 'pin': {
      const error = tables.pin(address(s.frame), s.level);
      if (error === SBI_SUCCESS) model.pins.set(s.frame, s.level);
      return error;
    }
    case 'unpin': {
      const error = tables.unpin(address(s.frame));
      if (error === SBI_SUCCESS) model.pins.delete(s.frame);
      return error;
    }
    case 'root': {
      const error = tables.setRoot(address(s.frame));
      if (error === SBI_SUCCESS) model.root = s.frame;
      return error;
    }
    case 'update':
      return tables.update(address(s.frame, s.slot), s.value);
    case 'scribble':
      // The guest writes plain memory at will (it may map every plain frame writable).
      if (!tables.isTable(address(s.frame))) ram.write(s.frame * 4096 + s.slot * 4, 4, s.value);
      return undefined;
    case 'batch': {
      if (tables.isTable(address(s.area))) return undefined;
      s.entries.forEach((e, i) => {
        ram.write(s.area * 4096 + i * 8, 4, address(e.frame, e.slot));
        ram.write(s.area * 4096 + i * 8 + 4, 4, e.value);
      });
      return tables.updateBatch(address(s.area), s.entries.length).error;
    }
  }
}

/**
 * The oracle: what the hardware could use as tables (pinned frames at their pinned levels, the
 * active root, the leaf tables roots link) and what those tables map. Returns what is wrong.
 */
function oracle(ram: Ram, model: Model): string[] {
  const roots = new Set<number>();
  const leaves = new Set<number>();
  for (const [frame, level] of model.pins) (level === 1 ? roots : leaves).add(frame);
  if (model.root >= 0) roots.add(model.root);
  const word = (frame: number, i: number) => ram.read(frame * 4096 + i * 4, 4);
  const ramFrame = (e: number) => {
    const f = (e >>> 10) - (BASE >>> 12);
    return f >= 0 && f < FRAMES ? f : -1;
  };
  const problems: string[] = [];
  for (const r of roots)
    for (let i = 0; i < 1024; i++) {
      const e = word(r, i);
      if ((e & PTE_V) === 0) continue;
      if ((e & (PTE_R | PTE_W | PTE_X)) !== 0) problems.push(`root ${r}: a megapage`);
      else if (ramFrame(e) < 0) problems.push(`root ${r}: links outside RAM`);
      else leaves.add(ramFrame(e));
    }
  for (const t of leaves) if (roots.has(t)) problems.push(`frame ${t}: a root and a leaf table`);
  const tables = new Set([...roots, ...leaves]);
  for (const l of leaves)
    for (let i = 0; i < 1024; i++) {
      const e = word(l, i);
      if ((e & PTE_V) === 0) continue;
      if ((e & (PTE_R | PTE_W | PTE_X)) === 0) {
        problems.push(`leaf table ${l}: a non-leaf entry`);
        continue;
      }
      const target = ramFrame(e);
      const pa = (e >>> 10) * 4096;
      if (target < 0 && !(pa >= DEVICE && pa < DEVICE + 0x1000))
        problems.push(`leaf table ${l}: maps ${pa.toString(16)}, outside RAM and the devices`);
      if (target >= 0 && (e & PTE_W) !== 0 && tables.has(target))
        problems.push(`leaf table ${l}: maps table frame ${target} writable`);
    }
  return problems;
}

/** Plays `ss` on a fresh validator of class `V`: the first problem found, or undefined. */
function firstProblem(
  ss: Step[],
  V: new (ram: Ram, devices: typeof DEVICES) => TableValidator = TableValidator,
  audit = true,
): string | undefined {
  const ram = new Ram(BASE, FRAMES * 4096);
  const tables = new V(ram, DEVICES);
  const model: Model = { pins: new Map(), root: -1 };
  for (const s of ss) {
    play(tables, model, s);
    const problems = [...oracle(ram, model), ...(audit ? tables.audit() : [])];
    if (problems.length > 0) return problems[0];
  }
  return undefined;
}

const tally = { cases: 0, steps: 0, accepted: 0, refused: 0 };
afterAll(() => {
  if (CASES >= 1000) process.stderr.write(`pv validation: ${JSON.stringify(tally)}\n`);
});

describe('page-table validation under attack', () => {
  prop.prop([steps], { numRuns: CASES, ...(SEED === undefined ? {} : { seed: Number(SEED) }) })(
    'never a writable mapping of a table, never a mapping outside RAM and the devices, no host exception',
    (ss) => {
      const ram = new Ram(BASE, FRAMES * 4096);
      const tables = new TableValidator(ram, DEVICES);
      const model: Model = { pins: new Map(), root: -1 };
      tally.cases++;
      for (const s of ss) {
        const error = play(tables, model, s);
        tally.steps++;
        if (error === SBI_SUCCESS) tally.accepted++;
        else if (error !== undefined) tally.refused++;
        expect(oracle(ram, model)).toEqual([]);
        expect(tables.audit()).toEqual([]);
      }
    },
  );

  it('accepts as well as refuses (the sequences reach both sides)', () => {
    const sample = fc.sample(steps, { numRuns: 200, seed: 1 });
    let accepted = 0;
    let refused = 0;
    let linked = 0;
    for (const ss of sample) {
      const ram = new Ram(BASE, FRAMES * 4096);
      const tables = new TableValidator(ram, DEVICES);
      const model: Model = { pins: new Map(), root: -1 };
      for (const s of ss) {
        const error = play(tables, model, s);
        if (error === SBI_SUCCESS && (s.op === 'update' || s.op === 'batch')) accepted++;
        else if (error !== undefined && error !== SBI_SUCCESS) refused++;
      }
      for (let f = 0; f < FRAMES; f++) if (tables.kindOf(address(f)) === 'leaf') linked++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    expect(linked).toBeGreaterThan(50);
  });

  /** A validator that lets a leaf map a table frame writable (the check of `take` removed). */
  class WritableTables extends TableValidator {
    protected override take(entry: number, level: number): SbiError {
      return super.take((entry & PTE_W) !== 0 ? (entry & ~PTE_W) | PTE_R : entry, level);
    }
  }
  /** A validator that lets leaves map anything (the RAM-or-device check removed). */
  class AnywhereTables extends TableValidator {
    protected override take(entry: number, level: number): SbiError {
      // `level` is the validator's kind of the table: 1 a leaf table, 2 a root.
      const ppn = entry >>> 10;
      const leaf = (entry & PTE_V) !== 0 && (entry & (PTE_R | PTE_W | PTE_X)) !== 0;
      if (level === 1 && leaf && (ppn < BASE >>> 12 || ppn >= (BASE >>> 12) + FRAMES))
        return SBI_SUCCESS;
      return super.take(entry, level);
    }
  }

  it.each([
    ['a writable mapping of a table', WritableTables, /writable/],
    ['a mapping outside RAM', AnywhereTables, /outside RAM/],
  ] as const)('catches and shrinks a planted validator that allows %s', (_, V, message) => {
    const result = fc.check(
      fc.property(steps, (ss) => firstProblem(ss, V, false) === undefined),
      { numRuns: 2000, seed: 7 },
    );
    expect(result.failed).toBe(true);
    const [shrunk] = result.counterexample as [Step[]];
    expect(firstProblem(shrunk, V, false)).toMatch(message);
    // Shrunk to a few steps after (at most) the kernel-like start.
    expect(shrunk.length).toBeLessThanOrEqual(START.length + 2);
    // The same steps on the real validator are fine.
    expect(firstProblem(shrunk)).toBeUndefined();
  });
});
