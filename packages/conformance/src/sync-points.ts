/**
 * Sync-point checks for in-process engines (docs/contract.md, section 12): two engines run a
 * program in the same sequence of budgets and must expose the same guest state at every stop
 * (equivalence); one engine run in pieces must reach the state it reaches in one run
 * (determinism).
 *
 * @module
 */

import type { DumpedState, Engine, GuestImage, RunExit, Vm } from './contract.js';
import { type DumpDifference, diffDumps, hex8 } from './dump.js';
import { fnv1a32 } from './engines/fnv.js';
import { type ConformanceError, checkRange } from './errors.js';

/**
 * Checks a budget schedule and a final budget: non-negative safe integers.
 *
 * @throws {@link ConformanceError} `BAD_ARGUMENT` naming the budget out of range.
 */
function checkSchedule(schedule: BudgetSchedule, budget: number, what: string): void {
  schedule.forEach((b, i) => {
    checkRange(b, `${what}: schedule[${i}]`, 0, Number.MAX_SAFE_INTEGER);
  });
  checkRange(budget, `${what}: budget`, 0, Number.MAX_SAFE_INTEGER);
}

/** A budget sequence: the budgets of the runs before the last, which runs to the end. */
export type BudgetSchedule = readonly number[];

/** Sync points per schedule, and the largest budget of one (most stops fall in the body). */
const STOPS = 16;
const LARGEST = 400;

/**
 * A deterministic budget schedule for `key` (a program's text, say): 16 budgets of 1 to 400
 * instructions, small ones (1–8) one time in three.
 */
export function budgetSchedule(key: string): BudgetSchedule {
  let state = fnv1a32(new TextEncoder().encode(key)) || 1;
  const next = () => {
    // xorshift32: enough spread for a schedule, and the same on every host.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const out: number[] = [];
  for (let i = 0; i < STOPS; i++) {
    const r = next();
    out.push(r % 3 === 0 ? 1 + (r % 8) : 1 + (r % LARGEST));
  }
  return out;
}

/**
 * The guest state of `vm` as a dump (registers, CSRs, digests of `pages`), for comparison,
 * and its instret (which a dump does not carry).
 */
function stateDump(vm: Vm, pages: readonly number[]): { dump: DumpedState; instret: number } {
  const state = vm.state();
  const digests: Record<string, number> = {};
  for (const page of pages) {
    const digest = vm.pageDigest(page);
    if (digest !== undefined) digests[hex8(page)] = digest;
  }
  const { pc, privilege, x, csrs, instret } = state;
  return { dump: { pc, privilege, x, csrs, pages: digests }, instret };
}

/** Page addresses the image's segments cover (code, harness data, page tables). */
export function imagePages(image: GuestImage): number[] {
  const pages = new Set<number>();
  for (const segment of image.segments) {
    const start = (segment.address & ~0xfff) >>> 0;
    const end = segment.address + Math.max(1, segment.bytes.length);
    for (let page = start; page < end; page += 0x1000) pages.add(page);
  }
  return [...pages].sort((a, b) => a - b);
}

/**
 * Runs `vm` until it has retired `count` instructions or stopped for good (`halt`, `error`):
 * breakpoints are run through. Returns the last exit with the total retired.
 */
function runExactly(vm: Vm, count: number): RunExit {
  let total = 0;
  let exit: RunExit;
  do {
    exit = vm.run(count - total);
    total += exit.instructions;
  } while (exit.kind === 'breakpoint' && total < count && exit.instructions > 0);
  return total === exit.instructions ? exit : { ...exit, instructions: total };
}

/** Where two runs first part, or `undefined` when they never do. */
export interface SyncMismatch {
  /** Instructions retired (by the engine) when the runs reached that sync point. */
  readonly instructions: number;
  /** The sync point's index (0: right after `load`). */
  readonly stop: number;
  readonly differences: readonly DumpDifference[];
}

/** Whether a VM that stopped with `exit` can run on (a budget or breakpoint stop). */
function continues(exit: RunExit): boolean {
  return exit.kind === 'budget' || exit.kind === 'breakpoint';
}

/** An exit as compared: a breakpoint stop and a budget stop are the same sync point. */
function exitText(exit: RunExit): string {
  return continues(exit) ? 'sync' : `${exit.kind} ${exit.code}`;
}

/** Differences between the exits, console and states of two VMs at one sync point. */
function compareAt(
  a: { vm: Vm; exit?: RunExit; engine: Engine },
  b: { vm: Vm; exit?: RunExit; engine: Engine },
  pages: readonly number[],
): DumpDifference[] {
  const sa = stateDump(a.vm, pages);
  const sb = stateDump(b.vm, pages);
  const out = diffDumps(sa.dump, sb.dump, { a: a.engine.capabilities, b: b.engine.capabilities });
  const push = (field: string, x: string, y: string) => {
    if (x !== y) out.push({ field, a: x, b: y });
  };
  if (a.exit !== undefined && b.exit !== undefined) {
    push('exit', exitText(a.exit), exitText(b.exit));
    push('retired', String(a.exit.instructions), String(b.exit.instructions));
  }
  push('instret', String(sa.instret), String(sb.instret));
  const ca = Buffer.from(a.vm.console()).toString('latin1');
  const cb = Buffer.from(b.vm.console()).toString('latin1');
  if (ca !== cb) push('console', `${ca.length} bytes`, `${cb.length} bytes`);
  return out;
}

/**
 * Runs `image` on a VM of `engine` and one of `reference` in the budgets of `schedule`, then
 * to the end (`budget`), comparing the guest states at every sync point under section 7's
 * masks. The reference follows the engine: when the engine stops early (`breakpoint`), the
 * reference runs exactly as many instructions.
 */
export function compareSyncPoints(
  image: GuestImage,
  engine: Engine,
  reference: Engine,
  schedule: BudgetSchedule,
  budget: number,
): SyncMismatch | undefined {
  checkSchedule(schedule, budget, 'compareSyncPoints');
  const pages = imagePages(image);
  const a = { vm: engine.createVm(), engine, exit: undefined as RunExit | undefined };
  const b = { vm: reference.createVm(), engine: reference, exit: undefined as RunExit | undefined };
  a.vm.load(image);
  b.vm.load(image);
  let retired = 0;
  const budgets = [...schedule, budget];
  for (let stop = 0; stop <= budgets.length; stop++) {
    const differences = compareAt(a, b, pages);
    if (differences.length > 0) return { instructions: retired, stop, differences };
    if (stop === budgets.length || (a.exit !== undefined && !continues(a.exit))) break;
    const asked = budgets[stop] as number;
    a.exit = a.vm.run(asked);
    // The reference follows an early stop instruction for instruction; after a final exit it
    // gets the same budget (an `idle` or `stuck` exit comes after the last retired instruction).
    b.exit = runExactly(b.vm, continues(a.exit) ? a.exit.instructions : asked);
    retired += a.exit.instructions;
    // A budget exit retires exactly the budget (contract section 3); stopping short is a breakpoint.
    if (a.exit.kind === 'budget' && a.exit.instructions !== asked)
      return {
        instructions: retired,
        stop: stop + 1,
        differences: [
          { field: 'budget exit', a: `${a.exit.instructions} retired`, b: `${asked} asked` },
        ],
      };
  }
  return undefined;
}

/**
 * Runs `image` on two VMs of `engine`: one in the budgets of `schedule` then to the end, the
 * other in one run of `budget`. Their final states, exits and consoles must be the same.
 */
export function compareSplitRun(
  image: GuestImage,
  engine: Engine,
  schedule: BudgetSchedule,
  budget: number,
): readonly DumpDifference[] {
  checkSchedule(schedule, budget, 'compareSplitRun');
  const pages = imagePages(image);
  const whole = { vm: engine.createVm(), engine, exit: undefined as RunExit | undefined };
  const split = { vm: engine.createVm(), engine, exit: undefined as RunExit | undefined };
  whole.vm.load(image);
  split.vm.load(image);
  whole.exit = runExactly(whole.vm, budget);
  let retired = 0;
  for (const b of [...schedule, budget]) {
    const exit = runExactly(split.vm, Math.min(b, budget - retired));
    retired += exit.instructions;
    split.exit = { ...exit, instructions: retired };
    if (!continues(exit) || retired >= budget) break;
  }
  return compareAt(whole, split, pages);
}
