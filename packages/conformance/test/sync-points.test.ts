/**
 * Sync points: two in-process engines compared at every stop of a budget schedule, and one
 * engine run in pieces against one run. Faulty engines are wrappers of bare.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Engine, RunExit } from '../src/contract.js';
import { bareEngine } from '../src/engines/bare.js';
import { QEMU_CAPABILITIES } from '../src/engines/qemu.js';
import { genContext, type Program, TEMPLATES } from '../src/program/index.js';
import { programImage, splitRunDeterminism, syncPointEquivalence } from '../src/properties.js';
import { budgetSchedule, compareSyncPoints } from '../src/sync-points.js';

const bare = bareEngine();
const program: Program = {
  template: 'alu',
  setup: '',
  body: [
    { kind: 'li', rd: 5, value: 7 },
    { kind: 'imm', op: 'addi', rd: 6, rs1: 5, imm: 3 },
  ],
};

/** Bare whose runs are changed by `run`. */
function wrapped(
  name: string,
  run: (inner: (budget: number) => RunExit, budget: number) => RunExit,
): Engine {
  return {
    ...bare,
    name,
    createVm() {
      const vm = bare.createVm();
      return {
        load: (image) => vm.load(image),
        run: (budget) => run((b) => vm.run(b), budget),
        state: () => vm.state(),
        readMemory: (a, n) => vm.readMemory(a, n),
        pageDigest: (a) => vm.pageDigest(a),
        console: () => vm.console(),
        stats: () => vm.stats(),
      };
    },
  };
}

describe('budget schedules', () => {
  it('are the same for the same key, differ between keys, and mix tiny and larger budgets', () => {
    expect(budgetSchedule('a')).toEqual(budgetSchedule('a'));
    expect(budgetSchedule('a')).not.toEqual(budgetSchedule('b'));
    const all = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap(budgetSchedule);
    expect(all.every((b) => Number.isInteger(b) && b >= 1 && b <= 400)).toBe(true);
    expect(all.some((b) => b <= 8)).toBe(true);
    expect(all.some((b) => b > 100)).toBe(true);
  });
});

describe('equivalence at sync points', () => {
  it('holds for bare against itself on programs of every template', () => {
    const ctx = genContext([bare.capabilities, QEMU_CAPABILITIES]);
    for (const template of TEMPLATES) {
      for (const p of fc.sample(template.arbitrary(ctx, { maxRecords: 8 }), {
        numRuns: 2,
        seed: 9,
      }))
        expect(syncPointEquivalence(p, bare, bare), template.name).toEqual({ status: 'pass' });
    }
  });

  it('follows an engine that stops early at breakpoints of its own', () => {
    const stopsEarly = wrapped('stops-early', (run, budget) => {
      const exit = run(Math.min(budget, 7));
      return exit.kind === 'budget' && budget > 7 ? { ...exit, kind: 'breakpoint' } : exit;
    });
    expect(syncPointEquivalence(program, stopsEarly, bare)).toEqual({ status: 'pass' });
  });

  it('catches an engine whose budget exits stop short of the budget', () => {
    const short = wrapped('short', (run, budget) => run(Math.max(1, budget - 1)));
    const verdict = syncPointEquivalence(program, short, bare);
    expect(verdict.status === 'fail' && verdict.reason).toMatch(
      /budget exit: \d+ retired ≠ \d+ asked/,
    );
  });

  it('catches an engine that runs past its budget, with the stop and instruction count', () => {
    // Runs one instruction more than asked (as a block-at-a-time engine might) and hides it.
    const overshoots = wrapped('overshoots', (run, budget) => {
      const exit = run(budget + 1);
      return exit.kind === 'budget' ? { ...exit, instructions: budget } : exit;
    });
    const verdict = syncPointEquivalence(program, overshoots, bare);
    expect(verdict.status).toBe('fail');
    expect(verdict.status === 'fail' && verdict.reason).toMatch(
      /at sync point 1 \(after \d+ instructions/,
    );
    expect(verdict.status === 'fail' && verdict.reason).toMatch(/instret/);
    const mismatch = compareSyncPoints(
      programImage(program),
      overshoots,
      bare,
      budgetSchedule('x'),
      2_000_000,
    );
    expect(mismatch?.stop).toBe(1);
    // Run in pieces, it also ends differently from one run (it retires more than it says).
    expect(splitRunDeterminism(program, overshoots).status).toBe('fail');
  });
});

describe('final exits at sync points', () => {
  const ending = (setup: string): Program => ({ template: 'alu', setup, body: [] });
  it('are the same sync point on both sides when the hart waits forever or is stuck', () => {
    // WFI with nothing that can wake the hart: an idle error exit.
    const idle = ending('  csrw mie, zero\n  wfi\n  j __body');
    // A trap vector that faults: a trap loop, the stuck error exit.
    const stuck = ending('  csrw mtvec, zero\n  ecall');
    for (const program of [idle, stuck]) {
      const exit = (() => {
        const vm = bare.createVm();
        vm.load(programImage(program));
        return vm.run(2_000_000);
      })();
      expect(exit.kind).toBe('error');
      expect(syncPointEquivalence(program, bare, bare)).toEqual({ status: 'pass' });
      expect(splitRunDeterminism(program, bare)).toEqual({ status: 'pass' });
    }
  });
});
