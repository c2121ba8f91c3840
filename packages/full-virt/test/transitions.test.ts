/**
 * Kernel transitions under `translate` (generated programs, test/transitions.ts): M-mode and a
 * kernel or user body under Sv32 tables that map its addresses elsewhere than M-mode's
 * identity, MRET round trips, UART accesses that adaptive translation turns into calls while
 * M-mode clears their PTE's D bit. They end as on bare under both policies and any threshold;
 * an xRET call that does not end its block, and an adaptive store that skips the D update, are
 * caught and shrunk.
 */
import type { CoreOptions } from '@trapeze/cpu';
import { VirtMachine } from '@trapeze/machine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngineMachine, exitStatistics } from '../src/engines.js';
import { TRANSLATE_POLICIES, type TranslateCore } from '../src/translate-core.js';
import { AdaptiveStoreSkipsDirty, XretKeepsBlock } from './planted.js';
import {
  type TransitionProgram,
  transitionMachine,
  transitionProgram,
  transitionState,
} from './transitions.js';

const globalRuns = fc.readConfigureGlobal().numRuns ?? 100;
const runs = Math.max(10, Math.ceil(globalRuns / 4));

function bareState(p: TransitionProgram) {
  return transitionState(
    transitionMachine(p, (serial, ramSize) =>
      createEngineMachine({ engine: 'bare', serial, ramSize }),
    ),
  );
}

/** Whether `p` ends under `core` as on bare (RAM byte for byte). */
function sameAsBare(p: TransitionProgram, core: (options: CoreOptions) => TranslateCore): boolean {
  const bare = bareState(p);
  const other = transitionState(
    transitionMachine(p, (serial, ramSize) => new VirtMachine({ core, serial, ramSize })),
  );
  const { ram: bareRam, ...bareRest } = bare;
  const { ram, ...rest } = other;
  return JSON.stringify(rest) === JSON.stringify(bareRest) && Buffer.compare(ram, bareRam) === 0;
}

describe('kernel transitions under translate', () => {
  it.each(TRANSLATE_POLICIES)(
    'end as on bare (%s, any adaptive threshold)',
    (policy) => {
      fc.assert(
        fc.property(transitionProgram, fc.integer({ min: 0, max: 6 }), (p, adaptAfter) => {
          const bare = bareState(p);
          const machine = transitionMachine(p, (serial, ramSize) =>
            createEngineMachine({ engine: 'translate', policy, adaptAfter, serial, ramSize }),
          );
          const translated = transitionState(machine);
          expect(bare.exit.kind).toBe('pass');
          const { ram: bareRam, ...bareRest } = bare;
          const { ram, ...rest } = translated;
          expect(rest).toEqual(bareRest);
          expect(Buffer.compare(ram, bareRam)).toBe(0);
        }),
        { numRuns: runs },
      );
    },
    600_000,
  );

  it('a UART store in a loop becomes a call after the threshold, its D bit set each time', () => {
    const p: TransitionProgram = {
      mode: 'S',
      permutation: [0, 1, 2, 3, 4, 5, 6, 7],
      dataFlags: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      uartFlags: 0x47, // V R W A, D clear
      ops: [{ op: 'uart', store: true, times: 12, clearDirty: true }],
    };
    const machine = transitionMachine(p, (serial, ramSize) =>
      createEngineMachine({ engine: 'translate', adaptAfter: 4, serial, ramSize }),
    );
    const state = transitionState(machine);
    const bare = bareState(p);
    expect(Buffer.compare(state.ram, bare.ram)).toBe(0);
    const exits = exitStatistics(machine);
    // Four device exits, then calls: the store was retranslated once.
    expect(exits?.mmio.uart0).toBe(4);
    expect(exits?.calls.mmio).toBe(8);
    expect((machine.core as TranslateCore).adaptations()).toBe(1);
    expect(sameAsBare(p, (o) => new AdaptiveStoreSkipsDirty(o))).toBe(false);
  });

  it.each([
    ['an xRET call that does not end its block', (o: CoreOptions) => new XretKeepsBlock(o)],
    [
      'an adaptive store that skips the D update',
      (o: CoreOptions) => new AdaptiveStoreSkipsDirty(o, { adaptAfter: 2 }),
    ],
  ] as const)(
    'catch %s (planted), shrunk',
    async (_, core) => {
      const details = await fc.check(
        fc.property(transitionProgram, (p) => sameAsBare(p, core)),
        { numRuns: 300, seed: 7 },
      );
      expect(details.failed).toBe(true);
      expect(sameAsBare(details.counterexample?.[0] as TransitionProgram, core)).toBe(false);
    },
    600_000,
  );
});
