/**
 * The Goldfish RTC of QEMU's `virt` board: nanoseconds since an epoch, with one alarm.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import type { IrqLine, TimeSource } from './signals.js';
import { checkedTime, deadlineField, SnapshotReader, u64 } from './validate.js';

/** Register offsets. */
export const RTC_REG = {
  /** Time, low 32 bits; reading it latches the high half into `TIME_HIGH`. */
  TIME_LOW: 0x00,
  /** Time, high 32 bits, as latched by the last `TIME_LOW` read. */
  TIME_HIGH: 0x04,
  /** Alarm, low 32 bits; writing it arms the alarm. */
  ALARM_LOW: 0x08,
  /** Alarm, high 32 bits (write it before `ALARM_LOW`). */
  ALARM_HIGH: 0x0c,
  /** Bit 0 enables the alarm interrupt. */
  IRQ_ENABLED: 0x10,
  /** Any write disarms the alarm. */
  CLEAR_ALARM: 0x14,
  /** 1 while the alarm is armed. */
  ALARM_STATUS: 0x18,
  /** Any write clears the pending interrupt. */
  CLEAR_INTERRUPT: 0x1c,
} as const;

/** Nanoseconds per 10 MHz tick. */
const NS_PER_TICK = 100n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Options of {@link GoldfishRtc}. */
export interface GoldfishRtcOptions {
  /** Virtual time in 10 MHz ticks; the RTC counts `ticks × 100` nanoseconds. */
  readonly time: TimeSource;
  /** Interrupt line (to PLIC source 11 on `virt`). */
  readonly irq?: IrqLine;
  /**
   * Nanoseconds the RTC reads at virtual time 0 (default 0, for determinism; QEMU uses the host
   * clock at start-up). For "now": `BigInt(Date.now()) * 1_000_000n`.
   */
  readonly epochNs?: bigint;
  /** Name for logs (`rtc` by default). */
  readonly name?: string;
}

/** The RTC's state as plain data (64-bit values as decimal strings). */
export interface GoldfishRtcSnapshot {
  /** RTC nanoseconds minus virtual nanoseconds, modulo 2^64. */
  readonly offset: string;
  /** The latched `TIME_HIGH`. */
  readonly timeHigh: number;
  /** The alarm time. */
  readonly alarm: string;
  /** `IRQ_ENABLED` bit 0. */
  readonly irqEnabled: boolean;
  /** The alarm is armed. */
  readonly alarmRunning: boolean;
  /** The alarm interrupt is pending. */
  readonly irqPending: boolean;
  /** Tick at which the armed alarm fires, or `null`. */
  readonly deadline: number | null;
}

/**
 * Goldfish RTC (QEMU `hw/rtc/goldfish_rtc.c`). The count is `ticks × 100 + offset` nanoseconds,
 * where the offset starts at `epochNs` and changes when the guest writes `TIME_LOW`/`TIME_HIGH`
 * (each write replaces that half of the count). Writing `ALARM_LOW` arms the alarm: if the
 * alarm time has already passed the interrupt is pending at once, otherwise it fires at the
 * first tick whose count reaches it (see {@link GoldfishRtc.nextDeadline}; later changes of the
 * time do not move an armed alarm, as in QEMU). The line is `pending && enabled`. Only 32-bit
 * accesses reach registers (QEMU faults others, and so does the bus, through `validSizes`); unknown
 * offsets read 0 and ignore writes.
 *
 * @example
 * ```ts
 * import { GoldfishRtc, RTC_REG } from '@trapeze/devices';
 *
 * let ticks = 0;
 * const rtc = new GoldfishRtc({ time: () => ticks, epochNs: 1_000_000_000n });
 * ticks = 10_000_000; // one second of virtual time
 * rtc.nanoseconds; // → 2_000_000_000n
 * // A guest reads TIME_LOW first, which latches TIME_HIGH.
 * const low = rtc.read(RTC_REG.TIME_LOW, 4);
 * const high = rtc.read(RTC_REG.TIME_HIGH, 4);
 * high * 2 ** 32 + low; // → 2_000_000_000
 * ```
 */
export class GoldfishRtc implements MmioDevice {
  readonly name: string;
  readonly size = 0x1000;
  /** Access widths QEMU accepts for this device (others fault there). */
  readonly validSizes: readonly AccessSize[] = [4];

  private readonly time: TimeSource;
  private readonly irqLine: IrqLine | undefined;
  private offset: bigint;
  private timeHigh = 0;
  private alarm = 0n;
  private irqEnabled = false;
  private alarmRunning = false;
  private irqPending = false;
  private deadline = Number.POSITIVE_INFINITY;
  private irqLevel = false;

  constructor(options: GoldfishRtcOptions) {
    this.name = options.name ?? 'rtc';
    const epoch = options.epochNs ?? 0n;
    if (typeof epoch !== 'bigint' || epoch < 0n || epoch >= 1n << 64n)
      throw new DeviceError('BAD_OPTION', this.name, 'epochNs must be a bigint in 0…2^64-1');
    this.time = checkedTime(options.time, this.name);
    this.irqLine = options.irq;
    this.offset = epoch;
  }

  /** The current count in nanoseconds. */
  get nanoseconds(): bigint {
    return u64(BigInt(this.time()) * NS_PER_TICK + this.offset);
  }

  /** Level of the interrupt line. */
  get irqAsserted(): boolean {
    return this.irqLevel;
  }

  read(offset: number, size: AccessSize): number {
    if (size !== 4) return 0;
    switch (offset) {
      case RTC_REG.TIME_LOW: {
        const now = this.nanoseconds;
        this.timeHigh = Number(now >> 32n);
        return Number(now & 0xffffffffn);
      }
      case RTC_REG.TIME_HIGH:
        return this.timeHigh;
      case RTC_REG.ALARM_LOW:
        return Number(this.alarm & 0xffffffffn);
      case RTC_REG.ALARM_HIGH:
        return Number(this.alarm >> 32n);
      case RTC_REG.IRQ_ENABLED:
        return this.irqEnabled ? 1 : 0;
      case RTC_REG.ALARM_STATUS:
        return this.alarmRunning ? 1 : 0;
      default:
        return 0;
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4) return;
    const v = BigInt(value >>> 0);
    switch (offset) {
      case RTC_REG.TIME_LOW: {
        const now = this.nanoseconds;
        this.offset = u64(this.offset + (((now >> 32n) << 32n) | v) - now);
        return;
      }
      case RTC_REG.TIME_HIGH: {
        const now = this.nanoseconds;
        this.offset = u64(this.offset + ((v << 32n) | (now & 0xffffffffn)) - now);
        return;
      }
      case RTC_REG.ALARM_LOW:
        this.alarm = ((this.alarm >> 32n) << 32n) | v;
        this.armAlarm();
        return;
      case RTC_REG.ALARM_HIGH:
        this.alarm = (v << 32n) | (this.alarm & 0xffffffffn);
        return;
      case RTC_REG.IRQ_ENABLED:
        this.irqEnabled = (value & 1) !== 0;
        this.updateIrq();
        return;
      case RTC_REG.CLEAR_ALARM:
        this.clearAlarm();
        return;
      case RTC_REG.CLEAR_INTERRUPT:
        this.irqPending = false;
        this.updateIrq();
        return;
    }
  }

  /**
   * Fires the alarm if its tick has come. Call it whenever virtual time has advanced to or past
   * {@link GoldfishRtc.nextDeadline}; calling it more often is harmless.
   */
  update(): void {
    if (this.time() >= this.deadline) this.fire();
  }

  /** The tick at which the armed alarm fires, or `Infinity`. */
  nextDeadline(): number {
    return this.deadline;
  }

  /** The state as plain, JSON-serializable data. */
  snapshot(): GoldfishRtcSnapshot {
    return {
      offset: this.offset.toString(),
      timeHigh: this.timeHigh,
      alarm: this.alarm.toString(),
      irqEnabled: this.irqEnabled,
      alarmRunning: this.alarmRunning,
      irqPending: this.irqPending,
      deadline: deadlineField(this.deadline),
    };
  }

  /**
   * Restores a {@link GoldfishRtcSnapshot} and drives the line to the restored level.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: GoldfishRtcSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const offset = r.u64('offset');
    const timeHigh = r.int('timeHigh');
    const alarm = r.u64('alarm');
    const irqEnabled = r.bool('irqEnabled');
    const alarmRunning = r.bool('alarmRunning');
    const irqPending = r.bool('irqPending');
    const deadline = r.deadline('deadline');
    this.offset = offset;
    this.timeHigh = timeHigh;
    this.alarm = alarm;
    this.irqEnabled = irqEnabled;
    this.alarmRunning = alarmRunning;
    this.irqPending = irqPending;
    this.deadline = deadline;
    this.irqLevel = irqPending && irqEnabled;
    this.irqLine?.(this.irqLevel);
  }

  private armAlarm(): void {
    const now = this.nanoseconds;
    if (this.alarm <= now) {
      this.clearAlarm();
      this.fire();
      return;
    }
    // QEMU arms its timer at virtual nanosecond `alarm − offset` (a signed 64-bit value).
    const at = BigInt.asIntN(64, this.alarm - this.offset);
    const tick = at <= 0n ? 0n : (at + NS_PER_TICK - 1n) / NS_PER_TICK;
    this.deadline = tick <= MAX_SAFE ? Number(tick) : Number.POSITIVE_INFINITY;
    this.alarmRunning = true;
  }

  private clearAlarm(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    this.alarmRunning = false;
  }

  private fire(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    this.alarmRunning = false;
    this.irqPending = true;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.irqPending && this.irqEnabled;
    // A high line is raised again at every re-evaluation, as QEMU's devices do: the PLIC sets
    // the source pending at each raise (see Plic).
    if (level || level !== this.irqLevel) {
      this.irqLevel = level;
      this.irqLine?.(level);
    }
  }
}
