/**
 * `mcycle` and `minstret` as QEMU counts them under icount: both follow virtual time
 * (nanoseconds, counting the instruction that reads them), each with its own offset set by
 * writes, and each frozen while its `mcountinhibit` bit (CY, IR) is set. Values are exact
 * 64-bit counts (modulo 2^64), so a guest may write any value to either half.
 *
 * @module
 */

const MASK64 = (1n << 64n) - 1n;
const LOW32 = 0xffff_ffffn;

/** A plain copy of the counters' state (mcycle first, then minstret), as decimal strings. */
export interface CountersSnapshot {
  /** Value minus live virtual time, modulo 2^64, while counting. */
  readonly offset: readonly [string, string];
  /** The value it is frozen at while inhibited, or `null` while it counts. */
  readonly frozen: readonly [string | null, string | null];
}

/** The counters of one hart. */
export class Counters {
  /** Per counter (0 = cycle, 2 = instret, by `mcountinhibit` bit): value minus live time. */
  private readonly offset = [0n, 0n, 0n];
  /** Per counter: the value it is frozen at while inhibited, or undefined while it counts. */
  private readonly frozen: (bigint | undefined)[] = [undefined, undefined, undefined];

  constructor(
    /** Virtual time as the counters see it: nanoseconds including the current instruction. */
    private readonly now: () => number,
  ) {}

  /** A plain copy (decimal strings: the values are 64-bit). */
  snapshot(): CountersSnapshot {
    const text = (v: bigint | undefined) => (v === undefined ? null : v.toString());
    return {
      offset: [(this.offset[0] as bigint).toString(), (this.offset[2] as bigint).toString()],
      frozen: [text(this.frozen[0]), text(this.frozen[2])],
    };
  }

  /** Restores a {@link Counters.snapshot} (the caller checks it: decimal strings below 2^64). */
  restore(snapshot: CountersSnapshot): void {
    this.offset[0] = BigInt(snapshot.offset[0]) & MASK64;
    this.offset[2] = BigInt(snapshot.offset[1]) & MASK64;
    const frozen = (v: string | null) => (v === null ? undefined : BigInt(v) & MASK64);
    this.frozen[0] = frozen(snapshot.frozen[0]);
    this.frozen[2] = frozen(snapshot.frozen[1]);
  }

  /** The 64-bit value of counter `which` (0 = mcycle, 2 = minstret). */
  value(which: 0 | 2): bigint {
    const frozen = this.frozen[which];
    return frozen ?? (BigInt(this.now()) + (this.offset[which] as bigint)) & MASK64;
  }

  /** The low (`high` false) or high half of counter `which`. */
  half(which: 0 | 2, high: boolean): number {
    const v = this.value(which);
    return Number(high ? v >> 32n : v & LOW32);
  }

  /** Writes the low (`high` false) or high half of counter `which`. */
  write(which: 0 | 2, half: number, high: boolean): void {
    const old = this.value(which);
    const h = BigInt(half >>> 0);
    const next = high ? (h << 32n) | (old & LOW32) : (old & (MASK64 ^ LOW32)) | h;
    if (this.frozen[which] !== undefined) this.frozen[which] = next;
    else this.offset[which] = ((this.offset[which] as bigint) + next - old) & MASK64;
  }

  /** `mcountinhibit` is about to become `mask`: freezes or resumes mcycle (bit 0) and minstret (bit 2). */
  inhibit(mask: number): void {
    for (const which of [0, 2] as const) {
      const frozen = this.frozen[which];
      const stop = ((mask >>> which) & 1) === 1;
      if (stop && frozen === undefined) this.frozen[which] = this.value(which);
      else if (!stop && frozen !== undefined) {
        this.frozen[which] = undefined;
        this.offset[which] = (frozen - BigInt(this.now())) & MASK64;
      }
    }
  }
}
