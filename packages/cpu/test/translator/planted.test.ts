/**
 * Planted faults: translators with one deliberate bug each must be caught — by a targeted test
 * and by the differential property (random programs, random schedules) — and fast-check must
 * shrink the property's counterexample to a few instructions. The faults are planted from
 * here, without switches in production code:
 *
 * (a) a stale block after a code write: the RAM's code-write hook ends the block but drops no
 *     translation (`Ram.onCodeWrite` replaced);
 * (b) instret off by one on a faulting load in a translated block (`TranslatorCore.fault`
 *     overridden);
 * (c) a chained jump that skips the interrupt check: a block that ends with a call to the
 *     interpreter's handler (a CSR write, MRET…) reports an ordinary end, so the dispatcher
 *     chains straight into the next block without looking for pending interrupts (the block
 *     functions are wrapped, through a mock of the block compiler's module).
 *
 * TRAPEZE_FC_SEED replays another seed.
 */

import type { Hart } from '@trapeze/isa';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CoreOptions } from '../../src/core.js';
import type * as BlockCompiler from '../../src/translator/block-compiler.js';
import { TranslatorCore, type TranslatorOptions } from '../../src/translator/translator-core.js';
import {
  bodySize,
  divergence,
  type GeneratedProgram,
  type Item,
  minimize,
  PATCHES,
  programArbitrary,
  render,
  type Stop,
  scheduleArbitrary,
  type Weights,
} from '../random-program.js';
import { HOST_CODES, type RigOptions, useHostCode } from '../support.js';

// (c): every compiled block function is wrapped; the wrapper changes nothing unless the core
// asks for the fault.
vi.mock('../../src/translator/block-compiler.js', async (importOriginal) => {
  const original = await importOriginal<typeof BlockCompiler>();
  const CONTEXT = (original as { BLOCK_CONTEXT?: number }).BLOCK_CONTEXT ?? 1;
  const NEXT = (original as { BLOCK_NEXT?: number }).BLOCK_NEXT ?? 0;
  type Compile = (...args: never[]) => BlockCompiler.CompiledBlock | undefined;
  const wrap =
    <F extends Compile>(compile: F) =>
    (...args: Parameters<F>) => {
      const compiled = compile(...args);
      if (compiled === undefined) return compiled;
      const fn = compiled.fn;
      return {
        ...compiled,
        fn: (c: unknown, h: unknown, entry: number) => {
          if (!(c as { skipsInterruptCheck?: boolean }).skipsInterruptCheck) return fn(c, h, entry);
          const hart = h as Hart;
          const traps = hart.traps;
          const ended = fn(c, h, entry);
          return ended === CONTEXT && hart.traps === traps && hart.pendingCause < 0 && !hart.waiting
            ? NEXT
            : ended;
        },
      };
    };
  const compileRegion = (original as { compileRegion?: Compile }).compileRegion;
  return {
    ...original,
    compileBlock: wrap(original.compileBlock as Compile),
    ...(compileRegion === undefined ? {} : { compileRegion: wrap(compileRegion) }),
  };
});

type Options = CoreOptions & TranslatorOptions;

/** (a) Code writes end the block but drop nothing: translations of rewritten code stay. */
class StaleAfterCodeWrite extends TranslatorCore {
  constructor(options: Options) {
    super(options);
    options.ram.onCodeWrite = () => {
      (this as unknown as { codeHit: boolean }).codeHit = true;
    };
  }
}

/** (b) A load that faults in a translated block counts one instruction too many. */
class InstretOffOnFaultingLoad extends TranslatorCore {
  override fault(address: number): void {
    const cause = this.memory.fault;
    if (cause === 5 || cause === 13) this.hart.retired++;
    super.fault(address);
  }
}

/** (c) See the mock above. */
class SkipsInterruptCheck extends TranslatorCore {
  readonly skipsInterruptCheck = true;
}

const FAULTS = {
  'a stale block after a code write': (o: Options) => new StaleAfterCodeWrite(o),
  'instret off by one on a faulting load': (o: Options) => new InstretOffOnFaultingLoad(o),
  'a chained jump that skips the interrupt check': (o: Options) => new SkipsInterruptCheck(o),
} as const;
type FaultName = keyof typeof FAULTS;

const planted = (name: FaultName): RigOptions => ({ make: FAULTS[name] });

const seed = Number(process.env.TRAPEZE_FC_SEED ?? '') || 20_261_206;

/** A program with `body` repeated `repeat` times, in M-mode. */
function program(body: Item[], repeat = 40): GeneratedProgram {
  return { supervisor: false, init: [0, 0, 0, 0], body, repeat };
}

describe.each(HOST_CODES)('host code %s', (hostCode) => {
  beforeAll(() => useHostCode(hostCode));
  afterAll(() => useHostCode('webassembly'));

  describe.each(Object.keys(FAULTS) as FaultName[])('planted: %s', (name) => {
    it('passes programs that do not exercise it', () => {
      const plain = program([
        { k: 'alu', op: 'addi', rd: 10, rs1: 10, rs2: 0, imm: 3 },
        { k: 'load', op: 'lw', rd: 11, offset: 8 },
        { k: 'store', op: 'sw', rs2: 10, offset: 12 },
      ]);
      const outcome = divergence(
        plain,
        [{ budget: 50, deadline: null, raise: false }],
        planted(name),
      );
      expect(outcome.difference).toBeUndefined();
      expect(outcome.translated).toBeGreaterThan(0);
    });
  });

  describe('targeted tests catch each planted fault', () => {
    it('(a) a slot rewritten with alternating values after its block was translated', () => {
      const body: Item[] = [
        { k: 'call', id: 0 },
        { k: 'patch', id: 0, value: PATCHES[1] as number },
        { k: 'call', id: 0 },
        { k: 'patch', id: 0, value: PATCHES[0] as number },
      ];
      expect(divergence(program(body), []).difference).toBeUndefined();
      expect(
        divergence(program(body), [], planted('a stale block after a code write')).difference,
      ).toMatch(/x10|RAM|pc/);
    });

    it('(b) a load access fault in a hot block', () => {
      const body: Item[] = [{ k: 'trap', which: 'load-fault' }];
      expect(divergence(program(body), []).difference).toBeUndefined();
      expect(
        divergence(program(body), [], planted('instret off by one on a faulting load')).difference,
      ).toMatch(/retired/);
    });

    it('(c) interrupts enabled (csrsi) while the timer line is up', () => {
      const body: Item[] = [
        { k: 'irq', on: false },
        { k: 'device', which: 'raise', reg: 0 },
        { k: 'alu', op: 'addi', rd: 10, rs1: 10, rs2: 0, imm: 1 },
        { k: 'irq', on: true },
        { k: 'alu', op: 'addi', rd: 11, rs1: 11, rs2: 0, imm: 1 },
      ];
      expect(divergence(program(body), []).difference).toBeUndefined();
      expect(
        divergence(program(body), [], planted('a chained jump that skips the interrupt check'))
          .difference,
      ).toBeDefined();
    });
  });

  /**
   * Looks for a counterexample to the differential property on the planted translator: the
   * arbitrary is the property's, with the weights given (to find the fault in fewer runs).
   */
  function hunt(name: FaultName, weights: Weights, maxItems: number, numRuns: number) {
    const options = planted(name);
    const details = fc.check(
      fc.property(
        // Repeated at least 40 times, so that code run once a pass is hot whatever the shrinker
        // removes around it (it shrinks towards fewer passes, never more).
        programArbitrary(weights, { maxItems, minRepeat: 40, maxRepeat: 50 }),
        scheduleArbitrary(),
        (p: GeneratedProgram, s: Stop[]) => divergence(p, s, options).difference === undefined,
      ),
      { seed, numRuns },
    );
    return details;
  }

  describe('the differential property finds each planted fault and shrinks it', () => {
    const CASES: { name: FaultName; weights: Weights; maxItems: number; largest: number }[] = [
      {
        name: 'a stale block after a code write',
        weights: { patch: 10, slot: 5, call: 8 },
        maxItems: 8,
        largest: 3,
      },
      { name: 'instret off by one on a faulting load', weights: {}, maxItems: 8, largest: 1 },
      {
        name: 'a chained jump that skips the interrupt check',
        weights: { irq: 8, device: 6 },
        maxItems: 6,
        largest: 3,
      },
    ];

    it.each(CASES)('$name', ({ name, weights, maxItems, largest }) => {
      const details = hunt(name, weights, maxItems, 2000);
      expect(details.failed, `${name}: not caught in 2000 random programs`).toBe(true);
      const [shrunk, schedule] = details.counterexample as [GeneratedProgram, Stop[]];
      const fails = (p: GeneratedProgram) =>
        divergence(p, schedule, planted(name)).difference !== undefined;
      expect(fails(shrunk)).toBe(true);
      // fast-check's shrinker leaves a small program; a greedy pass removes what it could not.
      expect(bodySize(shrunk.body)).toBeLessThanOrEqual(8);
      const minimal = minimize(shrunk, fails);
      const why = divergence(minimal, schedule, planted(name)).difference;
      // Printed for the record: the seed and path replay it, the text is the program.
      console.info(
        `${name}: caught after ${details.numRuns} programs (seed ${details.seed}, path ${details.counterexamplePath}); shrunk by fast-check to ${bodySize(shrunk.body)} items, then to ${bodySize(minimal.body)}, repeat ${minimal.repeat}, schedule ${JSON.stringify(schedule)}:\n${JSON.stringify(minimal.body)}\n${why}`,
      );
      expect(why).toBeDefined();
      // The program is fine on the real translator: it shows this fault.
      expect(divergence(minimal, schedule).difference).toBeUndefined();
      expect(bodySize(minimal.body)).toBeLessThanOrEqual(largest);
      expect(render(minimal)).toContain('outer:');
    });
  });
});
