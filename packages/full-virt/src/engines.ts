/**
 * Engines by name: a `virt` board whose image runs bare (on a core, no hypervisor) or under a
 * hypervisor engine.
 *
 * @module
 */
import type { CoreKind } from '@trapeze/cpu';
import { type IdleMode, VirtMachine, type VirtMachineOptions } from '@trapeze/machine';
import { DirectCore } from './direct-core.js';
import { FullVirtError } from './errors.js';
import type { ExitStatistics } from './exits.js';
import { TranslateCore, type TranslatePolicy } from './translate-core.js';

/**
 * How guest code runs: `bare`, the board and a core with no hypervisor (the reference);
 * `direct`, under the trap-and-emulate hypervisor ({@link DirectCore}); or `translate`, under
 * the binary-translating hypervisor ({@link TranslateCore}).
 */
export type Engine = 'bare' | 'direct' | 'translate';

/** Every {@link Engine}. */
export const ENGINES: readonly Engine[] = ['bare', 'direct', 'translate'];

/** Options of {@link createEngineMachine}: the board's, with the engine and its core. */
export interface EngineMachineOptions extends Omit<VirtMachineOptions, 'core' | 'idle'> {
  /** What a run does when the hart waits with a device deadline ahead: as the board's option. */
  readonly idle?: IdleMode;
  /** The engine (default `'bare'`). */
  readonly engine?: Engine;
  /**
   * The core guest code runs on (default: the board's default, the translator; `translate`
   * runs on the translator only).
   */
  readonly core?: CoreKind;
  /** `translate` only: which guest modes' sensitive instructions become calls (default `'hybrid'`). */
  readonly policy?: TranslatePolicy;
  /** `translate` only: emulated accesses of one instruction before it becomes a call (default 4; 0: never). */
  readonly adaptAfter?: number;
}

/**
 * A `virt` board running its image on `engine`. The guest sees the same machine whatever the
 * engine: same memory map, device tree, boot ROM, and the same run, instruction for instruction.
 *
 * @example
 * ```ts
 * import { assemble, elfImage } from '@trapeze/isa';
 * import { createEngineMachine, exitStatistics } from '@trapeze/full-virt';
 *
 * const machine = createEngineMachine({ engine: 'direct' });
 * machine.loadElf(elfImage(assemble(`
 *     csrr a0, mhartid      # a CSR read in M-mode: the hypervisor emulates it
 *     li t0, 0x100000
 *     li t1, 0x5555         # the test finisher: pass
 *     sw t1, 0(t0)
 * `, { textAddress: 0x8000_0000 })));
 * machine.run(1000).kind; // → 'pass'
 * exitStatistics(machine)?.exits.csr; // → 1
 * ```
 *
 * @throws {@link FullVirtError} `BAD_ARGUMENT` for an engine that is not an {@link Engine}, a
 * policy or threshold given to another engine than `translate`, or `translate` on the interpreter
 */
export function createEngineMachine(options: EngineMachineOptions = {}): VirtMachine {
  const { engine = 'bare', core, policy, adaptAfter, ...board } = options;
  if (!ENGINES.includes(engine))
    throw new FullVirtError(
      'BAD_ARGUMENT',
      `engine must be one of ${ENGINES.join(', ')}, not ${String(engine)}`,
    );
  if (engine !== 'translate' && (policy !== undefined || adaptAfter !== undefined))
    throw new FullVirtError(
      'BAD_ARGUMENT',
      `policy and adaptAfter are the translate engine's, not ${engine}'s`,
    );
  if (engine === 'translate') {
    if (core !== undefined && core !== 'translator')
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `the translate engine runs on the translator core, not ${String(core)}`,
      );
    return new VirtMachine({
      ...board,
      core: (coreOptions) =>
        new TranslateCore(coreOptions, {
          ...(policy === undefined ? {} : { policy }),
          ...(adaptAfter === undefined ? {} : { adaptAfter }),
        }),
    });
  }
  if (engine === 'bare') return new VirtMachine(core === undefined ? board : { ...board, core });
  return new VirtMachine({
    ...board,
    core: (coreOptions) => new DirectCore(coreOptions, core === undefined ? {} : { core }),
  });
}

/** The exits of a machine running under a hypervisor engine; undefined for `bare`. */
export function exitStatistics(machine: VirtMachine): ExitStatistics | undefined {
  return machine.core instanceof DirectCore ? machine.core.exits() : undefined;
}
