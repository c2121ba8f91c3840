/**
 * A host that runs several `para` VMs on one (virtual) CPU, in turns: the host's clock is the
 * time its CPU spent, each VM's clock follows it, and the time a VM was ready to run while another
 * ran is its steal time (SBI STA, docs/pv-abi.md §5.2). What one VM runs, the others report as
 * stolen; a VM waiting for its timer is not ready, and that wait is not steal.
 *
 * @module
 */
import type { RunExit, VirtMachine } from '@trapeze/machine';
import { ParaVirtError } from './errors.js';
import { ParaCore } from './para-core.js';

/** Options of {@link ParaHost}. */
export interface ParaHostOptions {
  /** Instructions (ns of virtual time) a VM runs before the next one's turn (default 100,000). */
  readonly slice?: number;
}

/** One VM on a {@link ParaHost}. */
export interface HostedVm {
  readonly machine: VirtMachine;
  /** How its last run ended, once it powered off (or stopped for good). */
  exit: RunExit | undefined;
  /** While it waits for a device deadline (idle): the host time it becomes ready again. */
  wakeNs: number | undefined;
}

/**
 * Runs `para` machines in turns on one host clock.
 *
 * @example
 * ```ts
 * import { createParaMachine, ParaHost } from '@trapeze/para-virt';
 *
 * const host = new ParaHost([createParaMachine(), createParaMachine()], { slice: 10_000 });
 * host.run(1_000_000); // each VM gets turns of 10,000 ns until both stop or the host reaches 1 ms
 * host.now <= 1_000_000 + 10_000; // → true
 * ```
 */
export class ParaHost {
  /** The VMs, in turn order. */
  readonly vms: readonly HostedVm[];
  /** The host's clock: ns of virtual time its CPU has run (or waited with every VM idle). */
  now = 0;
  private readonly slice: number;

  /**
   * @throws {@link ParaVirtError} `BAD_ARGUMENT` for a machine whose core is not a `ParaCore`,
   * a machine idling by skipping time (make them with `idle: 'stop'`), or a bad slice
   */
  constructor(machines: readonly VirtMachine[], options: ParaHostOptions = {}) {
    const slice = options.slice ?? 100_000;
    if (!Number.isSafeInteger(slice) || slice <= 0)
      throw new ParaVirtError(
        'BAD_ARGUMENT',
        `ParaHost: slice must be a positive integer, not ${slice}`,
      );
    for (const machine of machines)
      if (!(machine.core instanceof ParaCore))
        throw new ParaVirtError('BAD_ARGUMENT', 'ParaHost: every machine must run the para engine');
    this.slice = slice;
    this.vms = machines.map((machine) => {
      machine.idleMode = 'stop';
      return { machine, exit: undefined, wakeNs: undefined };
    });
  }

  /** Runs the VMs in turns until every one stopped or the host's clock reaches `untilNs`. */
  run(untilNs: number): void {
    while (this.now < untilNs) {
      const live = this.vms.filter((vm) => vm.exit === undefined);
      if (live.length === 0) return;
      const ready = live.filter((vm) => vm.wakeNs === undefined || vm.wakeNs <= this.now);
      if (ready.length === 0) {
        // Every VM waits: the host's CPU idles until the first wakes.
        this.now = Math.min(...live.map((vm) => vm.wakeNs as number));
        continue;
      }
      for (const vm of ready) this.turn(vm);
    }
  }

  /** One turn of `vm`: its clock catches up with the host's (the gap is steal or idle), then it runs. */
  private turn(vm: HostedVm): void {
    const machine = vm.machine;
    const core = machine.core as ParaCore;
    const clock = machine.clock;
    const readySince = vm.wakeNs === undefined ? clock.ns : Math.max(clock.ns, vm.wakeNs);
    vm.wakeNs = undefined;
    if (this.now > clock.ns) {
      core.steal(Math.max(0, this.now - readySince));
      clock.skipToNs(this.now);
    }
    const exit = machine.run(this.slice);
    this.now = Math.max(this.now, clock.ns);
    if (exit.kind === 'budget') return;
    if (exit.kind === 'idle' && exit.wakeNs !== undefined) vm.wakeNs = exit.wakeNs;
    else vm.exit = exit;
  }
}
