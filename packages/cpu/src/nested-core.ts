/**
 * The base of a core that runs its guest on another core (a hypervisor's engine): what it
 * does not change about the contract goes to the core that holds the guest's hart.
 *
 * @module
 */

import type { Hart } from '@trapeze/isa';
import type { Core, CoreExit, CoreKind, CoreStatistics, TrapSink } from './core.js';
import type { CoreMemory } from './core-memory.js';

/**
 * A {@link Core} that runs its guest on another one (an engine of `@trapeze/full-virt` or
 * `@trapeze/para-virt`). It forwards breakpoints, interrupt lines, the trap sink, trap
 * completion, invalidation and statistics to {@link NestedCore.guestCore}; a subclass
 * overrides what its hypervisor changes and implements {@link NestedCore.run}.
 */
export abstract class NestedCore implements Core {
  abstract readonly kind: CoreKind;
  abstract readonly hart: Hart;
  abstract readonly memory: CoreMemory;
  abstract readonly breakpoints: Set<number>;
  /** The core that holds the guest's hart: what the forwarded calls reach. */
  protected abstract readonly guestCore: Core;

  abstract run(limit: number, deadline: number): CoreExit;

  /** Lets the next run execute the instruction at the breakpoint it starts on. */
  resumeFromBreakpoint(): void {
    this.guestCore.resumeFromBreakpoint();
  }

  /** Drives a line of the guest hart's `mip`. */
  setInterruptLine(bit: number, level: boolean): void {
    this.guestCore.setInterruptLine(bit, level);
  }

  /** Guest traps to stop at before the guest takes them (a sink above this hypervisor). */
  setTrapSink(sink: TrapSink): void {
    this.guestCore.setTrapSink(sink);
  }

  /** Lets the intercepted guest trap through. */
  deliverTrap(): void {
    this.guestCore.deliverTrap();
  }

  /** Ends the intercepted guest trap as emulated: it retires, the guest goes on at `nextPc`. */
  completeTrap(nextPc: number): void {
    this.guestCore.completeTrap(nextPc);
  }

  /** Forgets translations and TLBs (after host writes to guest memory). */
  invalidate(): void {
    this.guestCore.invalidate();
  }

  /** The guest core's statistics. */
  statistics(): CoreStatistics {
    return this.guestCore.statistics();
  }
}
