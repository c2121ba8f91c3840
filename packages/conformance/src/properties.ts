/**
 * The properties an engine must have, as plain async functions over generated programs (usable
 * from vitest, from fast-check and from the campaign runner): equivalence with a reference,
 * determinism, resource control, efficiency and snapshot round trips. Each returns a
 * {@link Verdict}; none throws for a property violation.
 *
 * @module
 */

import type {
  Capabilities,
  Engine,
  GuestImage,
  Privilege,
  ProgramOutcome,
  ProgramRunner,
  RunExit,
  Vm,
} from './contract.js';
import { DUMP_HEADER, type DumpDifference, diffDumps, type ParsedDump } from './dump.js';
import { type ConformanceError, checkRange } from './errors.js';
import { buildImage, harnessSource } from './harness.js';
import type { Program } from './program/model.js';
import { renderProgram } from './program/render.js';
import { expectedResourceFaults, RESOURCE_COUNTERS } from './program/templates.js';
import { budgetSchedule, compareSplitRun, compareSyncPoints, imagePages } from './sync-points.js';

/** The properties of the suite. */
export type PropertyName =
  | 'equivalence'
  | 'determinism'
  | 'resource-control'
  | 'efficiency'
  | 'snapshot';

/** Every property, in report order. */
export const PROPERTY_NAMES: readonly PropertyName[] = [
  'equivalence',
  'determinism',
  'resource-control',
  'efficiency',
  'snapshot',
];

/** The result of checking one property on one program. */
export type Verdict =
  | { readonly status: 'pass' }
  | { readonly status: 'skip'; readonly reason: string }
  | {
      readonly status: 'fail';
      /** One line: what was wrong. */
      readonly reason: string;
      /** Field-by-field differences, when two outcomes were compared. */
      readonly differences?: readonly DumpDifference[];
    };

const PASS: Verdict = { status: 'pass' };
const fail = (reason: string, differences?: readonly DumpDifference[]): Verdict =>
  differences === undefined ? { status: 'fail', reason } : { status: 'fail', reason, differences };

/** Default instruction budget of one program (set-up, body, handlers and dump). */
export const DEFAULT_BUDGET = 2_000_000;

/** The harness assembly of a program. */
export function programSource(program: Program): string {
  return harnessSource(renderProgram(program));
}

const imageCache = new Map<string, GuestImage>();

/** The guest image of a program (assembled once; a small cache keeps the latest ones). */
export function programImage(program: Program): GuestImage {
  const source = programSource(program);
  const cached = imageCache.get(source);
  if (cached !== undefined) return cached;
  const image = buildImage(source);
  if (imageCache.size >= 64) imageCache.delete(imageCache.keys().next().value as string);
  imageCache.set(source, image);
  return image;
}

/**
 * Runs a program on an engine, with a budget of instructions (a non-negative safe integer;
 * {@link ConformanceError} `BAD_ARGUMENT` otherwise).
 */
export function runProgram(
  runner: ProgramRunner,
  program: Program,
  budget = DEFAULT_BUDGET,
): Promise<ProgramOutcome> {
  checkRange(budget, 'runProgram: budget', 0, Number.MAX_SAFE_INTEGER);
  return runner.runProgram(programImage(program), budget);
}

/** The console bytes before the dump (the program's own output). */
function consolePrefix(outcome: ProgramOutcome): string {
  const text = Buffer.from(outcome.console).toString('latin1');
  const at = text.lastIndexOf(`${DUMP_HEADER}\n`);
  return at < 0 ? text : text.slice(0, at);
}

function exitText(exit: RunExit): string {
  return exit.kind === 'halt' ? `halt ${exit.code}` : exit.kind;
}

/**
 * Differences between two outcomes of the same program, under the comparison rules of the
 * contract (docs/contract.md): the exit (kind and code), the console before the dump byte for
 * byte, and the dumps with {@link diffDumps} (WARL masks, counters, misaligned-AMO causes).
 */
export function compareOutcomes(
  a: ProgramOutcome,
  b: ProgramOutcome,
  capabilitiesA?: Capabilities,
  capabilitiesB?: Capabilities,
): DumpDifference[] {
  const out: DumpDifference[] = [];
  if (exitText(a.exit) !== exitText(b.exit))
    out.push({
      field: 'exit',
      a: `${exitText(a.exit)}${a.exit.message ? ` (${a.exit.message})` : ''}`,
      b: `${exitText(b.exit)}${b.exit.message ? ` (${b.exit.message})` : ''}`,
    });
  const pa = consolePrefix(a);
  const pb = consolePrefix(b);
  if (pa !== pb) out.push({ field: 'console', a: JSON.stringify(pa), b: JSON.stringify(pb) });
  if (a.dump === undefined || b.dump === undefined) {
    if (a.dump !== b.dump)
      out.push({
        field: 'dump',
        a: a.dump === undefined ? 'none' : 'present',
        b: b.dump === undefined ? 'none' : 'present',
      });
    return out;
  }
  out.push(
    ...diffDumps(a.dump, b.dump, {
      ...(capabilitiesA === undefined ? {} : { a: capabilitiesA }),
      ...(capabilitiesB === undefined ? {} : { b: capabilitiesB }),
    }),
  );
  return out;
}

/** A short description of differences (at most `limit`, a non-negative integer, of them). */
export function describeDifferences(differences: readonly DumpDifference[], limit = 8): string {
  checkRange(limit, 'describeDifferences: limit', 0, Number.MAX_SAFE_INTEGER);
  const shown = differences.slice(0, limit).map((d) => `${d.field}: ${d.a} ≠ ${d.b}`);
  if (differences.length > limit) shown.push(`… ${differences.length - limit} more`);
  return shown.join('; ');
}

/** Equivalence: the engine's outcome equals the reference's (after masking). */
export function equivalence(
  outcome: ProgramOutcome,
  reference: ProgramOutcome,
  engine: Pick<ProgramRunner, 'name' | 'capabilities'>,
  against: Pick<ProgramRunner, 'name' | 'capabilities'>,
): Verdict {
  if (reference.dump === undefined)
    return fail(
      `the reference ${against.name} printed no dump (${exitText(reference.exit)}${reference.exit.message ? `: ${reference.exit.message}` : ''})`,
    );
  const differences = compareOutcomes(
    outcome,
    reference,
    engine.capabilities,
    against.capabilities,
  );
  return differences.length === 0
    ? PASS
    : fail(
        `${engine.name} differs from ${against.name}: ${describeDifferences(differences)}`,
        differences,
      );
}

/** Equivalence of a program on `engine` and `reference` (runs both). */
export async function checkEquivalence(
  program: Program,
  engine: ProgramRunner,
  reference: ProgramRunner,
  budget = DEFAULT_BUDGET,
): Promise<Verdict> {
  const [a, b] = await Promise.all([
    runProgram(engine, program, budget),
    runProgram(reference, program, budget),
  ]);
  return equivalence(a, b, engine, reference);
}

/**
 * Equivalence at every sync point, for two in-process engines: both run the program in the
 * same budgets ({@link budgetSchedule} of its source) and then to the end; pc, registers,
 * privilege, CSRs (masked), instret, the image's page digests, the console and the exits must
 * agree at every stop.
 */
export function syncPointEquivalence(
  program: Program,
  engine: Engine,
  reference: Engine,
  budget = DEFAULT_BUDGET,
): Verdict {
  const schedule = budgetSchedule(programSource(program));
  const mismatch = compareSyncPoints(programImage(program), engine, reference, schedule, budget);
  return mismatch === undefined
    ? PASS
    : fail(
        `${engine.name} differs from ${reference.name} at sync point ${mismatch.stop} (after ${mismatch.instructions} instructions; budgets ${schedule.join(', ')}): ${describeDifferences(mismatch.differences)}`,
        mismatch.differences,
      );
}

/**
 * Determinism across budgets, for in-process engines: a VM run in pieces (the budgets of
 * {@link budgetSchedule}) ends in the same state, exit and console as a VM run at once.
 */
export function splitRunDeterminism(
  program: Program,
  engine: Engine,
  budget = DEFAULT_BUDGET,
): Verdict {
  const schedule = budgetSchedule(programSource(program));
  const differences = compareSplitRun(programImage(program), engine, schedule, budget);
  return differences.length === 0
    ? PASS
    : fail(
        `${engine.name} run in pieces (${schedule.join(', ')}, then the rest) differs from one run: ${describeDifferences(differences)}`,
        differences,
      );
}

/** Determinism: two outcomes of the same engine and program are identical (no masking). */
export function determinism(
  first: ProgramOutcome,
  second: ProgramOutcome,
  engine: Pick<ProgramRunner, 'name'>,
): Verdict {
  const differences = compareOutcomes(first, second);
  const a = Buffer.from(first.console).toString('latin1');
  const b = Buffer.from(second.console).toString('latin1');
  if (differences.length === 0 && a !== b)
    differences.push({ field: 'console', a: `${a.length} bytes`, b: `${b.length} bytes` });
  if (first.exit.instructions !== second.exit.instructions)
    differences.push({
      field: 'instructions',
      a: String(first.exit.instructions),
      b: String(second.exit.instructions),
    });
  return differences.length === 0
    ? PASS
    : fail(`two runs of ${engine.name} differ: ${describeDifferences(differences)}`, differences);
}

/** Determinism of a program on `engine` (runs it twice). */
export async function checkDeterminism(
  program: Program,
  engine: ProgramRunner,
  budget = DEFAULT_BUDGET,
): Promise<Verdict> {
  const first = await runProgram(engine, program, budget);
  const second = await runProgram(engine, program, budget);
  return determinism(first, second, engine);
}

/**
 * Efficiency: the share of guest instructions the engine ran without intervention
 * (`stats.direct / stats.instructions`) is at least `floor` (1 for bare). Skipped for engines
 * that report no statistics.
 */
export function efficiency(outcome: ProgramOutcome, floor: number): Verdict {
  checkRange(floor, 'efficiency: floor', 0, 1, 'BAD_ARGUMENT', 'number');
  const stats = outcome.stats;
  if (stats === undefined) return { status: 'skip', reason: 'the engine reports no statistics' };
  if (stats.instructions === 0) return { status: 'skip', reason: 'no instructions executed' };
  const share = stats.direct / stats.instructions;
  return share + 1e-12 >= floor
    ? PASS
    : fail(
        `efficiency ${share.toFixed(4)} (${stats.direct} of ${stats.instructions} instructions direct) is below the floor ${floor}`,
      );
}

/** The privilege a program's body runs in (from its set-up). */
export function bodyPrivilege(program: Program): Privilege {
  return program.privilege ?? 'M';
}

/**
 * Resource control, on the outcome of a `resource` template program: the program ends
 * normally with an intact dump; every access the body makes outside its code and data page
 * (the harness, the rest of RAM, holes outside RAM and devices, the finisher) is the
 * architectural access fault — load 5, store 7, fetch 1, counted by the program's handler
 * and logged by the harness with the body's privilege and the faulting address; no other trap
 * happens; the body ends in the privilege it started in.
 */
export function resourceControl(program: Program, outcome: ProgramOutcome): Verdict {
  if (outcome.exit.kind !== 'halt' || outcome.exit.code !== 0)
    return fail(
      `the program did not end normally: ${exitText(outcome.exit)}${outcome.exit.message ? ` (${outcome.exit.message})` : ''}`,
    );
  const dump = outcome.dump as ParsedDump | undefined;
  if (dump === undefined) return fail('no intact dump on the console');
  const privilege = bodyPrivilege(program);
  if (dump.privilege !== privilege)
    return fail(
      `the body ended in ${dump.privilege}-mode, not in ${privilege}-mode where it started`,
    );
  const expected = expectedResourceFaults(program);
  for (const [kind, register] of Object.entries(RESOURCE_COUNTERS)) {
    const got = dump.x[register - 1] ?? 0;
    const want = expected[kind as keyof typeof expected];
    if (got !== want)
      return fail(`${want} ${kind} access faults expected, the handler counted ${got}`);
  }
  if (dump.traps !== undefined) {
    for (const trap of dump.traps) {
      if (![1, 5, 7].includes(trap.cause))
        return fail(`unexpected trap cause ${trap.cause} at ${trap.epc.toString(16)}`);
      if (trap.privilege !== privilege)
        return fail(`a fault was taken from ${trap.privilege}-mode, not ${privilege}-mode`);
    }
  }
  return PASS;
}

/**
 * Resource control with isolation, for in-process engines: besides {@link resourceControl},
 * a second VM of the same engine, loaded with the same image and run to its end first, is
 * unchanged (state, console, data page) after the first VM runs.
 */
export async function checkResourceControl(
  program: Program,
  engine: ProgramRunner,
  budget = DEFAULT_BUDGET,
  inProcess?: Engine,
): Promise<Verdict> {
  checkRange(budget, 'checkResourceControl: budget', 0, Number.MAX_SAFE_INTEGER);
  if (inProcess === undefined)
    return resourceControl(program, await runProgram(engine, program, budget));
  const image = programImage(program);
  const sibling = inProcess.createVm();
  sibling.load(image);
  sibling.run(budget);
  const before = JSON.stringify({ state: sibling.state(), console: Array.from(sibling.console()) });
  const outcome = await runProgram(engine, program, budget);
  const verdict = resourceControl(program, outcome);
  if (verdict.status !== 'pass') return verdict;
  const after = JSON.stringify({ state: sibling.state(), console: Array.from(sibling.console()) });
  return before === after ? PASS : fail('another VM of the engine changed while this one ran');
}

/**
 * Snapshot round trip, for in-process engines declaring `snapshot`: one VM runs the program
 * and is snapshotted (through JSON) at three sync points — after the first budget of its
 * {@link budgetSchedule}, half-way, and one instruction before the end; a fresh VM restored
 * from each snapshot has the same guest state, console and image pages as the original there,
 * and every VM then runs to the same end (exit, state, console, pages).
 */
export async function checkSnapshot(
  program: Program,
  engine: Engine,
  budget = DEFAULT_BUDGET,
): Promise<Verdict> {
  checkRange(budget, 'checkSnapshot: budget', 0, Number.MAX_SAFE_INTEGER);
  if (!engine.capabilities.snapshot)
    return { status: 'skip', reason: `${engine.name} does not declare snapshot support` };
  const image = programImage(program);
  const pages = imagePages(image);
  const probe = engine.createVm();
  probe.load(image);
  const total = probe.run(budget).instructions;
  const first = budgetSchedule(programSource(program))[0] ?? 1;
  const points = [...new Set([first, Math.floor(total / 2), total - 1])]
    .filter((p) => p >= 1 && p < total)
    .sort((a, b) => a - b);
  const view = (vm: Vm) =>
    JSON.stringify({
      state: vm.state(),
      console: Buffer.from(vm.console()).toString('latin1'),
      pages: pages.map((page) => vm.pageDigest(page)),
    });
  const original = engine.createVm();
  original.load(image);
  const restored: Vm[] = [];
  let at = 0;
  for (const point of points) {
    original.run(point - at);
    at = point;
    if (original.snapshot === undefined)
      return fail(`${engine.name} declares snapshot but its VMs have no snapshot()`);
    const snapshot = JSON.parse(JSON.stringify(original.snapshot()));
    const copy = engine.createVm();
    if (copy.restore === undefined)
      return fail(`${engine.name} declares snapshot but its VMs have no restore()`);
    copy.restore(snapshot);
    if (view(copy) !== view(original))
      return fail(
        `the state restored from a snapshot after ${point} instructions differs from the original`,
      );
    restored.push(copy);
  }
  const end = original.run(budget);
  for (const [i, copy] of restored.entries()) {
    const exit = copy.run(budget);
    if (exit.kind !== end.kind || exit.code !== end.code || view(copy) !== view(original))
      return fail(
        `the VM restored after ${points[i]} instructions ends differently from the original (${exit.kind} ${exit.code} vs ${end.kind} ${end.code})`,
      );
  }
  return PASS;
}
