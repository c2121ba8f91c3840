/**
 * The CLINT of QEMU's `virt` board for one hart: machine software interrupt (`msip`), the
 * machine timer compare register (`mtimecmp`) and the timer (`mtime`).
 *
 * @module
 */

import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import type { IrqLine, TimeSource } from './signals.js';
import { checkedTime, deadlineField, SnapshotReader, u64 } from './validate.js';

/** Offset of hart 0's `msip` register (bit 0 only). */
export const CLINT_MSIP = 0x0000;
/** Offset of hart 0's `mtimecmp` (low half; the high half is at `+4`). */
export const CLINT_MTIMECMP = 0x4000;
/** Offset of `mtime` (low half; the high half is at `+4`). */
export const CLINT_MTIME = 0xbff8;
/** Size of the CLINT window on the `virt` board. */
export const CLINT_SIZE = 0x1_0000;

const TWO32 = 4294967296;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Nanoseconds per tick of the 10 MHz timebase. */
const NS_PER_TICK = 100n;

/** Options of {@link Clint}. */
export interface ClintOptions {
  /** Virtual time in 10 MHz ticks; `mtime` is this plus an offset the guest can change. */
  readonly time: TimeSource;
  /** Machine software interrupt line (`mip.MSIP`). */
  readonly msip?: IrqLine;
  /** Machine timer interrupt line (`mip.MTIP`). */
  readonly mtip?: IrqLine;
  /**
   * Virtual time in nanoseconds (100 per tick). With it, the timer fires as QEMU's does: at
   * (ns when `mtimecmp` was written) + (`mtimecmp` − `mtime`) × 100, not on a tick boundary.
   */
  readonly nanoseconds?: () => number;
  /** Name for logs (`clint` by default). */
  readonly name?: string;
}

/** The CLINT's state as plain data (64-bit values as decimal strings). */
export interface ClintSnapshot {
  /** Level of the software interrupt (`msip` bit 0). */
  readonly msip: boolean;
  /** Level of the timer interrupt. */
  readonly mtip: boolean;
  /** `mtimecmp`. */
  readonly mtimecmp: string;
  /** `mtime − time()` modulo 2^64. */
  readonly delta: string;
  /** Tick at which MTIP rises, or `null` if no rise is scheduled. */
  readonly deadline: number | null;
}

/**
 * CLINT for hart 0, as QEMU 7.2's ACLINT MSWI + MTIMER pair in the SiFive layout.
 *
 * - `msip` (+0x0000): bit 0 drives MSIP; reads give the level.
 * - `mtimecmp` (+0x4000, +0x4004): writing either half stores it and compares at once: if
 *   `mtimecmp ≤ mtime` MTIP rises now, otherwise MTIP falls and a rise is scheduled for the tick
 *   where `mtime` reaches `mtimecmp` ({@link Clint.nextDeadline}); the machine calls
 *   {@link Clint.update} as time advances.
 * - `mtime` (+0xBFF8, +0xBFFC): `time() + delta`; writing a half changes `delta` so that the
 *   half reads back as written, then re-evaluates MTIP as a `mtimecmp` write does.
 *
 * Like QEMU, construction is a reset: `mtime` is set to 0 and `mtimecmp` is 0, so MTIP starts
 * high until the guest programs `mtimecmp`. Only 32-bit accesses at 4-byte aligned offsets
 * reach registers (QEMU faults narrower ones, and so does the bus, through `validSizes`); everything
 * else in the window reads 0 and ignores writes.
 *
 * @example
 * ```ts
 * import { CLINT_MTIME, CLINT_MTIMECMP, Clint } from '@trapeze/devices';
 *
 * let ticks = 0; // virtual time: the machine derives it from retired instructions
 * let mtip = false;
 * const clint = new Clint({ time: () => ticks, mtip: (level) => (mtip = level) });
 * mtip; // → true
 *
 * // The guest arms the timer 1,000 ticks ahead (high half first, as RV32 code must).
 * clint.write(CLINT_MTIMECMP + 4, 4, 0);
 * clint.write(CLINT_MTIMECMP, 4, 1000);
 * mtip; // → false
 * clint.nextDeadline(); // → 1000
 *
 * // The run loop stops at the deadline (or skips to it on WFI) and updates the device.
 * ticks = clint.nextDeadline();
 * clint.update();
 * mtip; // → true
 * clint.read(CLINT_MTIME, 4); // → 1000
 * ```
 */
export class Clint implements MmioDevice {
  readonly name: string;
  readonly size = CLINT_SIZE;
  /** Access widths QEMU accepts for this device (others fault there). */
  readonly validSizes: readonly AccessSize[] = [4];

  private readonly time: TimeSource;
  private readonly nanoseconds: (() => number) | undefined;
  private readonly msipLine: IrqLine | undefined;
  private readonly mtipLine: IrqLine | undefined;
  private msip = false;
  private mtip = false;
  private cmp = 0n;
  private deltaLo = 0;
  private deltaHi = 0;
  private deadline = Number.POSITIVE_INFINITY;

  constructor(options: ClintOptions) {
    this.time = checkedTime(options.time, options.name ?? 'clint');
    this.nanoseconds =
      options.nanoseconds === undefined
        ? undefined
        : checkedTime(options.nanoseconds, options.name ?? 'clint', 'nanoseconds');
    this.msipLine = options.msip;
    this.mtipLine = options.mtip;
    this.name = options.name ?? 'clint';
    this.reset();
  }

  /** Device reset as QEMU does it: `msip` 0, `mtimecmp` 0, `mtime` written to 0. */
  reset(): void {
    this.setMsip(false);
    this.cmp = 0n;
    this.setMtime(0n);
  }

  read(offset: number, size: AccessSize): number {
    if (size !== 4) return 0;
    switch (offset) {
      case CLINT_MSIP:
        return this.msip ? 1 : 0;
      case CLINT_MTIMECMP:
        return Number(this.cmp & 0xffffffffn);
      case CLINT_MTIMECMP + 4:
        return Number(this.cmp >> 32n);
      case CLINT_MTIME:
        return this.mtimeLow(this.time());
      case CLINT_MTIME + 4:
        return this.mtimeHigh(this.time());
      default:
        return 0;
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4) return;
    const v = BigInt(value >>> 0);
    switch (offset) {
      case CLINT_MSIP:
        this.setMsip((value & 1) !== 0);
        return;
      case CLINT_MTIMECMP:
        this.setMtimecmp((this.cmp & 0xffffffff_00000000n) | v);
        return;
      case CLINT_MTIMECMP + 4:
        this.setMtimecmp((v << 32n) | (this.cmp & 0xffffffffn));
        return;
      case CLINT_MTIME:
        this.setMtime((this.mtime & 0xffffffff_00000000n) | v);
        return;
      case CLINT_MTIME + 4:
        this.setMtime((v << 32n) | (this.mtime & 0xffffffffn));
        return;
    }
  }

  /** Current `mtime` (64 bits). */
  get mtime(): bigint {
    return u64(BigInt(this.time()) + this.delta);
  }

  /**
   * Sets `mtime` (a bigint, taken modulo 2^64), as a guest write of both halves would, and
   * re-evaluates MTIP.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` when `value` is not a bigint.
   */
  setMtime(value: bigint): void {
    this.checkBigint(value, 'mtime');
    const delta = u64(u64(value) - BigInt(this.time()));
    this.deltaLo = Number(delta & 0xffffffffn);
    this.deltaHi = Number(delta >> 32n);
    this.setMtimecmp(this.cmp);
  }

  /** Current `mtimecmp` (64 bits). */
  get mtimecmp(): bigint {
    return this.cmp;
  }

  /**
   * Sets `mtimecmp` (a bigint, taken modulo 2^64), as a guest write would, and re-evaluates
   * MTIP.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` when `value` is not a bigint.
   */
  setMtimecmp(value: bigint): void {
    this.checkBigint(value, 'mtimecmp');
    this.cmp = u64(value);
    const now = this.time();
    const mtime = u64(BigInt(now) + this.delta);
    if (this.cmp <= mtime) {
      this.deadline = Number.POSITIVE_INFINITY;
      this.setMtip(true);
      return;
    }
    this.setMtip(false);
    // The deadline is kept in the finest unit available: nanoseconds when given, else ticks.
    const at =
      this.nanoseconds === undefined
        ? BigInt(now) + (this.cmp - mtime)
        : BigInt(this.nanoseconds()) + (this.cmp - mtime) * NS_PER_TICK;
    this.deadline = at <= MAX_SAFE ? Number(at) : Number.POSITIVE_INFINITY;
  }

  private checkBigint(value: unknown, what: string): void {
    if (typeof value !== 'bigint')
      throw new DeviceError(
        'BAD_ARGUMENT',
        this.name,
        `${what} must be a bigint, got ${typeof value}`,
      );
  }

  /** Level of the software interrupt line. */
  get msipLevel(): boolean {
    return this.msip;
  }

  /** Level of the timer interrupt line. */
  get mtipLevel(): boolean {
    return this.mtip;
  }

  /**
   * Raises MTIP if its scheduled tick has come. Call it whenever virtual time has advanced to or
   * past {@link Clint.nextDeadline}; calling it more often is harmless.
   */
  update(): void {
    const now = this.nanoseconds === undefined ? this.time() : this.nanoseconds();
    if (now >= this.deadline) {
      this.deadline = Number.POSITIVE_INFINITY;
      this.setMtip(true);
    }
  }

  /**
   * The tick (in {@link TimeSource} units) at which MTIP will rise, or `Infinity` when no rise
   * is scheduled (MTIP already high, or `mtimecmp` beyond 2^53 ticks away). A WFI with nothing
   * else pending skips virtual time to here.
   */
  nextDeadline(): number {
    return this.nanoseconds === undefined
      ? this.deadline
      : Math.ceil(this.deadline / Number(NS_PER_TICK));
  }

  /** {@link Clint.nextDeadline} in nanoseconds (exact when the CLINT has a nanosecond clock). */
  nextDeadlineNs(): number {
    return this.nanoseconds === undefined ? this.deadline * Number(NS_PER_TICK) : this.deadline;
  }

  /** The state as plain, JSON-serializable data. */
  snapshot(): ClintSnapshot {
    return {
      msip: this.msip,
      mtip: this.mtip,
      mtimecmp: this.cmp.toString(),
      delta: this.delta.toString(),
      deadline: deadlineField(this.deadline),
    };
  }

  /**
   * Restores a {@link ClintSnapshot} and drives both lines to the restored levels.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: ClintSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const msip = r.bool('msip');
    const mtip = r.bool('mtip');
    const cmp = r.u64('mtimecmp');
    const delta = r.u64('delta');
    const deadline = r.deadline('deadline');
    this.cmp = cmp;
    this.deltaLo = Number(delta & 0xffffffffn);
    this.deltaHi = Number(delta >> 32n);
    this.deadline = deadline;
    this.msip = msip;
    this.mtip = mtip;
    this.msipLine?.(msip);
    this.mtipLine?.(mtip);
  }

  private get delta(): bigint {
    return (BigInt(this.deltaHi) << 32n) | BigInt(this.deltaLo);
  }

  private mtimeLow(now: number): number {
    return ((now % TWO32) + this.deltaLo) >>> 0;
  }

  private mtimeHigh(now: number): number {
    const carry = (now % TWO32) + this.deltaLo >= TWO32 ? 1 : 0;
    return (Math.floor(now / TWO32) + this.deltaHi + carry) >>> 0;
  }

  private setMsip(level: boolean): void {
    if (this.msip === level) return;
    this.msip = level;
    this.msipLine?.(level);
  }

  private setMtip(level: boolean): void {
    if (this.mtip === level) return;
    this.mtip = level;
    this.mtipLine?.(level);
  }
}
