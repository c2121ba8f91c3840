/**
 * `direct` and `translate` under the conformance suite (`@trapeze/conformance`'s
 * `boardEngine(directBoard())`, `boardEngine(translateBoard())`): against `bare` at every sync
 * point — pc, registers, privilege, CSRs, instret, pages, console, exits — on every template,
 * `direct` on both real cores, `translate` under both policies, and `translate` against
 * `direct`. Runs are modest (TRAPEZE_FC_RUNS / 20 programs per template and engine, at least
 * 3); fast-check prints seed and path of a failure, shrunk. Planted hypervisor faults — a trap
 * reflected to the wrong mode, a shadow entry kept after SFENCE.VMA, a D bit never set, an exit
 * that moves `minstret` — are caught; so is a sensitive instruction left untranslated, by the
 * translate engine's exit contract (under `all`, no sensitive instruction exits). The other
 * planted `translate` faults are caught by test/transitions.test.ts.
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
import { directBoard, translateBoard } from '../src/board-engine.js';
import type { DirectCore } from '../src/direct-core.js';
import { TRANSLATE_POLICIES, TranslateCore } from '../src/translate-core.js';
import { PLANTED, plantedCore, UntranslatedSupervisorCsrs } from './planted.js';

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

describe.each(TRANSLATE_POLICIES)('translate (%s) is bare at every sync point', (policy) => {
  const translate = boardEngine(translateBoard(policy));
  const ctx = genContext([translate.capabilities, bare.capabilities]);
  for (const template of TEMPLATES) {
    it(`on ${template.name} programs`, async () => {
      await fc.assert(
        fc.property(template.arbitrary(ctx), (p: Program) => {
          const verdict = syncPointEquivalence(p, translate, bare);
          if (verdict.status === 'fail') throw new Error(verdict.reason);
        }),
        { numRuns: runs },
      );
    }, 600_000);
  }
});

describe('translate is direct at every sync point', () => {
  const translate = boardEngine(translateBoard('hybrid'));
  const direct = boardEngine(directBoard('translator'));
  const ctx = genContext([translate.capabilities, direct.capabilities]);
  for (const template of TEMPLATES) {
    it(`on ${template.name} programs`, async () => {
      await fc.assert(
        fc.property(template.arbitrary(ctx), (p: Program) => {
          const verdict = syncPointEquivalence(p, translate, direct);
          if (verdict.status === 'fail') throw new Error(verdict.reason);
        }),
        { numRuns: runs },
      );
    }, 600_000);
  }
});

/** Exits of sensitive instructions (each should have been a call under `translate/all`). */
function sensitiveExits(core: DirectCore): number {
  const { exits } = core.exits();
  return exits.csr + exits.xret + exits.wfi + exits['sfence.vma'] + exits.ecall;
}

describe('translate (all): no sensitive instruction exits', () => {
  const ctx = genContext([bare.capabilities]);
  /** Whether `p` runs under `core` with no sensitive exit (and as bare). */
  const contract = (make: (options: CoreOptions) => DirectCore) => (p: Program) => {
    let made: DirectCore | undefined;
    const engine = boardEngine({
      name: 'translate/all',
      core: (options: CoreOptions) => {
        made = make(options);
        return made;
      },
    });
    if (syncPointEquivalence(p, engine, bare).status === 'fail') return false;
    return made !== undefined && sensitiveExits(made) === 0;
  };
  it.each(['zicsr', 'privilege', 'sv32', 'blockend'])(
    'on %s programs',
    async (name) => {
      const arbitrary = templateByName(name)?.arbitrary(ctx);
      if (arbitrary === undefined) throw new Error(`no template ${name}`);
      await fc.assert(
        fc.property(
          arbitrary,
          contract((o) => new TranslateCore(o, { policy: 'all' })),
        ),
        { numRuns: runs },
      );
    },
    600_000,
  );
  it('catches S-mode CSR accesses left untranslated (planted), shrunk', async () => {
    const arbitrary = templateByName('privilege')?.arbitrary(ctx);
    if (arbitrary === undefined) throw new Error('no template privilege');
    const planted = contract((o) => new UntranslatedSupervisorCsrs(o, { policy: 'all' }));
    const details = await fc.check(fc.property(arbitrary, planted), { numRuns: 200, seed: 7 });
    expect(details.failed).toBe(true);
    expect(planted(details.counterexample?.[0] as Program)).toBe(false);
  }, 600_000);
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
