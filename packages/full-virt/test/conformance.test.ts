/**
 * `direct` under the conformance suite (`@trapeze/conformance`'s `boardEngine(directBoard())`):
 * against `bare` at every sync point — pc, registers, privilege, CSRs, instret, pages, console,
 * exits — on every template, on both real cores. Runs are modest (TRAPEZE_FC_RUNS / 20 programs
 * per template and core, at least 3); fast-check prints seed and path of a failure, shrunk.
 * Planted hypervisor faults — a trap reflected to the wrong mode, a shadow entry kept after
 * SFENCE.VMA, a D bit never set, an exit that moves `minstret` — are caught.
 */

import {
  bareEngine,
  boardEngine,
  genContext,
  type Program,
  syncPointEquivalence,
  TEMPLATES,
  templateByName,
} from '@trapeze/conformance';
import { CORE_KINDS, type CoreOptions } from '@trapeze/cpu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directBoard } from '../src/board-engine.js';
import { PLANTED, plantedCore } from './planted.js';

const bare = bareEngine({ core: 'interpreter' });
const globalRuns = fc.readConfigureGlobal().numRuns ?? 100;
const runs = Math.max(3, Math.ceil(globalRuns / 20));

describe.each(CORE_KINDS)('direct on the %s core is bare at every sync point', (core) => {
  const direct = boardEngine(directBoard(core));
  const ctx = genContext([direct.capabilities, bare.capabilities]);
  for (const template of TEMPLATES) {
    it(`on ${template.name} programs`, async () => {
      await fc.assert(
        fc.property(template.arbitrary(ctx), (p: Program) => {
          const verdict = syncPointEquivalence(p, direct, bare);
          if (verdict.status === 'fail') throw new Error(verdict.reason);
        }),
        { numRuns: runs },
      );
    }, 600_000);
  }
});

describe('planted hypervisor faults are caught', () => {
  const ctx = genContext([bare.capabilities]);
  it.each(PLANTED)(
    '%s (on %s programs)',
    async (fault, template) => {
      const faulty = boardEngine({
        name: `planted-${fault}`,
        core: (options: CoreOptions) => plantedCore(options, fault),
      });
      const arbitrary = templateByName(template)?.arbitrary(ctx);
      if (arbitrary === undefined) throw new Error(`no template ${template}`);
      const details = await fc.check(
        fc.property(
          arbitrary,
          (p: Program) => syncPointEquivalence(p, faulty, bare).status !== 'fail',
        ),
        { numRuns: 200, seed: 7 },
      );
      expect(details.failed).toBe(true);
      const shrunk = details.counterexample?.[0] as Program;
      const verdict = syncPointEquivalence(shrunk, faulty, bare);
      expect(verdict.status).toBe('fail');
    },
    600_000,
  );
});
