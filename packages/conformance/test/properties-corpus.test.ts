/**
 * The regression corpus (test/corpus): every kept counterexample is replayed. Cases found by a
 * planted-fault engine must still catch it; every case must now run the same on bare and on
 * QEMU (where QEMU is installed), the same on the translator and the interpreter at every sync
 * point, and deterministically to an intact dump on bare.
 */
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { readCorpus } from '../src/corpus.js';
import { bareEngine } from '../src/engines/bare.js';
import { programRunnerFor } from '../src/engines/in-process-runner.js';
import { QEMU_BINARY, qemuRunner } from '../src/engines/qemu.js';
import {
  checkDeterminism,
  checkEquivalence,
  runProgram,
  syncPointEquivalence,
} from '../src/properties.js';
import { PLANTED, plantedEngine } from './support/planted.js';

const QEMU_AVAILABLE = requireTool(
  QEMU_BINARY,
  hasCommand(QEMU_BINARY),
  'corpus cases are not replayed on QEMU (apt-get install qemu-system-misc; CI installs it)',
);
const bare = bareEngine();
const interpreter = bareEngine({ core: 'interpreter' });
const translator = bareEngine({ core: 'translator' });
const qemu = qemuRunner();
const cases = readCorpus();

describe('the regression corpus', () => {
  it('has cases, each with its template, property, seed and records', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(c.name).toMatch(/^[a-z0-9]+-[a-z-]+-[0-9a-f]{8}$/);
      expect(typeof c.seed).toBe('number');
      expect(Array.isArray(c.program.body)).toBe(true);
    }
  });

  for (const c of cases) {
    describe(c.name, () => {
      // Cases a planted-fault engine produced must still catch it; the others were found
      // against QEMU and fixed in the machine.
      const fault = PLANTED[c.engine];
      if (fault !== undefined)
        it(`still catches ${c.engine}`, async () => {
          const engine = programRunnerFor(plantedEngine(fault));
          const verdict = await checkEquivalence(c.program, engine, bare);
          expect(verdict.status).toBe('fail');
        });

      it('runs deterministically to an intact dump on bare', async () => {
        const outcome = await runProgram(bare, c.program);
        expect(outcome.exit).toMatchObject({ kind: 'halt', code: 0 });
        expect(outcome.dump).toBeDefined();
        expect(await checkDeterminism(c.program, bare)).toEqual({ status: 'pass' });
      });

      it('runs the same on the translator and the interpreter at every sync point', () => {
        expect(syncPointEquivalence(c.program, translator, interpreter)).toEqual({
          status: 'pass',
        });
      });

      it.skipIf(!QEMU_AVAILABLE)(
        'runs the same on bare and QEMU',
        async () => {
          expect(await checkEquivalence(c.program, bare, qemu)).toEqual({ status: 'pass' });
        },
        60_000,
      );
    });
  }
});
