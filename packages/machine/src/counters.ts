/**
 * `mcycle` and `minstret` as QEMU counts them under icount: both follow virtual time
 * (nanoseconds, counting the instruction that reads them), each with its own offset set by
 * writes, and each frozen while its `mcountinhibit` bit (CY, IR) is set.
 *
 * @module
 */

/** A plain copy of the counters' state (mcycle first, then minstret). */
export interface CountersSnapshot {
  /** Value minus live virtual time, while counting. */
  readonly offset: readonly [number, number];
  /** The value it is frozen at while inhibited, or -1. */
  readonly frozen: readonly [number, number];
}

/** The counters of one hart. */
export class Counters {
  /** Per counter (0 = cycle, 2 = instret, by `mcountinhibit` bit): value minus live time. */
  private readonly offset = [0, 0, 0];
  /** Per counter: the value it is frozen at while inhibited, or -1 while it counts. */
  private readonly frozen = [-1, -1, -1];

  constructor(
    /** Virtual time as the counters see it: nanoseconds including the current instruction. */
    private readonly now: () => number,
  ) {}

  /** A plain copy: per counter (mcycle, minstret) its offset from live time and frozen value. */
  snapshot(): CountersSnapshot {
    return {
      offset: [this.offset[0] as number, this.offset[2] as number],
      frozen: [this.frozen[0] as number, this.frozen[2] as number],
    };
  }

  /** Restores a {@link Counters.snapshot} (the caller checks it). */
  restore(snapshot: CountersSnapshot): void {
    [this.offset[0], this.offset[2]] = snapshot.offset;
    [this.frozen[0], this.frozen[2]] = snapshot.frozen;
  }

  /** The 64-bit value of counter `which` (0 = mcycle, 2 = minstret). */
  value(which: 0 | 2): number {
    const frozen = this.frozen[which] as number;
    return frozen >= 0 ? frozen : this.now() + (this.offset[which] as number);
  }

  /** Writes the low (`high` false) or high half of counter `which`. */
  write(which: 0 | 2, half: number, high: boolean): void {
    const old = this.value(which);
    const next = high
      ? (half >>> 0) * 2 ** 32 + (old % 2 ** 32)
      : Math.floor(old / 2 ** 32) * 2 ** 32 + (half >>> 0);
    if ((this.frozen[which] as number) >= 0) this.frozen[which] = next;
    else this.offset[which] = (this.offset[which] as number) + next - old;
  }

  /** `mcountinhibit` is about to become `mask`: freezes or resumes mcycle (bit 0) and minstret (bit 2). */
  inhibit(mask: number): void {
    for (const which of [0, 2] as const) {
      const frozen = this.frozen[which] as number;
      const stop = ((mask >>> which) & 1) === 1;
      if (stop && frozen < 0) this.frozen[which] = this.value(which);
      else if (!stop && frozen >= 0) {
        this.frozen[which] = -1;
        this.offset[which] = frozen - this.now();
      }
    }
  }
}
