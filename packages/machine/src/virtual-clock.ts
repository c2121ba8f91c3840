/**
 * Virtual time, as QEMU counts it with `-icount shift=0,sleep=off` (docs/qemu-virt.md): one
 * instruction is one nanosecond; the 10 MHz timer ticks once per 100 instructions; an idle
 * hart skips straight to the next deadline, and the skipped time counts in the counters too.
 *
 * @module
 */
import { checkInteger } from './arguments.js';

/** Nanoseconds per timer tick (10 MHz timebase). */
export const NS_PER_TICK = 100;

/** The machine's virtual clock. */
export class VirtualClock {
  /** Nanoseconds skipped while the hart was idle. */
  skipped = 0;

  constructor(
    /** Instructions retired so far (the hart's count). */
    private readonly retired: () => number,
  ) {}

  /** Virtual time in nanoseconds: retired instructions plus idle time skipped. */
  get ns(): number {
    return this.retired() + this.skipped;
  }

  /** Virtual time in timer ticks. */
  ticks(): number {
    return Math.floor(this.ns / NS_PER_TICK);
  }

  /**
   * Skips idle time forward so that the clock reads at least `ns` nanoseconds (a non-negative
   * safe integer; {@link MachineError} `BAD_ARGUMENT` otherwise).
   */
  skipToNs(ns: number): void {
    checkInteger(ns, 'VirtualClock.skipToNs: ns', 0, Number.MAX_SAFE_INTEGER);
    if (ns > this.ns) this.skipped += ns - this.ns;
  }
}
