/**
 * The `para` engine on the `virt` board: a machine whose core is the PV hypervisor.
 *
 * @module
 */
import type { CoreKind } from '@trapeze/cpu';
import type { BoardEngineDescription, ExitStatistics } from '@trapeze/full-virt';
import { type IdleMode, VirtMachine, type VirtMachineOptions } from '@trapeze/machine';
import { ParaVirtError } from './errors.js';
import { ParaCore } from './para-core.js';

/** Options of {@link createParaMachine}: the board's, and the core guest code runs on. */
export interface ParaMachineOptions extends Omit<VirtMachineOptions, 'core' | 'idle'> {
  /** What a run does when the vCPU yields with a device deadline ahead: as the board's option. */
  readonly idle?: IdleMode;
  /** The core guest code runs on (default: the translator). */
  readonly core?: CoreKind;
}

/**
 * A `virt` board running a paravirtualized kernel under the `para` hypervisor: load a kernel
 * built for the PV ABI (`machine.loadElf`) and run it.
 *
 * @example
 * ```ts
 * import { assemble, elfImage } from '@trapeze/isa';
 * import { createParaMachine, paraExits } from '@trapeze/para-virt';
 *
 * // A PV kernel that powers off through SBI SRST (a hypercall) at once.
 * const machine = createParaMachine();
 * machine.loadElf(elfImage(assemble(`
 *     li a7, 0x53525354   # SRST
 *     li a6, 0            # system_reset
 *     li a0, 0            # shutdown
 *     li a1, 0            # no reason: pass
 *     ecall
 * `, { textAddress: 0x8000_0000 })));
 * machine.run(1000).kind; // → 'pass'
 * paraExits(machine)?.hypercalls; // → { SBI_SRST_SYSTEM_RESET: 1 }
 * ```
 */
export function createParaMachine(options: ParaMachineOptions = {}): VirtMachine {
  const { core, ...board } = options;
  if (core !== undefined && core !== 'interpreter' && core !== 'translator')
    throw new ParaVirtError(
      'BAD_ARGUMENT',
      `createParaMachine: core must be 'interpreter' or 'translator', not ${String(core)}`,
    );
  return new VirtMachine({
    ...board,
    core: (coreOptions) => new ParaCore(coreOptions, core === undefined ? {} : { core }),
  });
}

/** The `para` engine's exits (hypercalls by call), or undefined for a machine of another engine. */
export function paraExits(machine: VirtMachine): ExitStatistics | undefined {
  return machine.core instanceof ParaCore ? machine.core.exits() : undefined;
}

/**
 * The `para` engine as a board description: `boardEngine(paraBoard())` in
 * `@trapeze/conformance` makes it an `Engine` whose VMs run paravirtualized kernels under the
 * contract (load, run, state, console, stats with hypercalls by call). Its guests start in
 * S-mode and it has no snapshots (the hypervisor's state is not in a board snapshot), as its
 * capabilities say; the suite's templates are M-mode programs, so it runs images such as
 * `os-pv.elf` rather than generated templates.
 *
 * @example
 * ```ts
 * import { paraBoard } from '@trapeze/para-virt';
 *
 * const description = paraBoard();
 * description.name; // → 'para/translator'
 * description.capabilities; // → { modes: ['S', 'U'], snapshot: false }
 * ```
 *
 * @throws {@link ParaVirtError} `BAD_ARGUMENT` for a core that is not a `CoreKind`
 */
export function paraBoard(core: CoreKind = 'translator'): BoardEngineDescription {
  if (core !== 'interpreter' && core !== 'translator')
    throw new ParaVirtError(
      'BAD_ARGUMENT',
      `paraBoard: core must be 'interpreter' or 'translator', not ${String(core)}`,
    );
  return {
    name: `para/${core}`,
    core: (options) => new ParaCore(options, { core }),
    exits: (made) => {
      if (!(made instanceof ParaCore))
        throw new ParaVirtError('BAD_ARGUMENT', 'paraBoard: exits of a core it did not make');
      const statistics = made.exits();
      return {
        exits: statistics.exits,
        direct: statistics.direct,
        hypercalls: statistics.hypercalls,
      };
    },
    capabilities: { modes: ['S', 'U'], snapshot: false },
  };
}
