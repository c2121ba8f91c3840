/**
 * Checks of what the host hands the devices: snapshot objects given to `restore()` (each
 * reader names the field that is wrong) and numeric arguments, options and time readings.
 *
 * @module
 * @internal
 */
import { DeviceError, type DeviceErrorCode } from './errors.js';
import type { TimeSource } from './signals.js';

const U64_LIMIT = 1n << 64n;

/** A reader of one snapshot object for one device. */
export class SnapshotReader {
  private readonly object: Record<string, unknown>;

  constructor(
    private readonly device: string,
    value: unknown,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.fail('snapshot', 'is not an object');
    this.object = value as Record<string, unknown>;
  }

  /** Fails with a `BAD_SNAPSHOT` error about `field`. */
  fail(field: string, reason: string): DeviceError {
    return new DeviceError('BAD_SNAPSHOT', this.device, `snapshot field ${field} ${reason}`);
  }

  /** An integer in `[0, max]`. */
  int(field: string, max = 0xffffffff): number {
    const v = this.object[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw this.fail(field, `must be an integer in 0…${max}, got ${describe(v)}`);
    return v;
  }

  /** A boolean. */
  bool(field: string): boolean {
    const v = this.object[field];
    if (typeof v !== 'boolean') throw this.fail(field, `must be a boolean, got ${describe(v)}`);
    return v;
  }

  /** An unsigned 64-bit value written as a decimal string. */
  u64(field: string): bigint {
    const v = this.object[field];
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(v) || BigInt(v) >= U64_LIMIT)
      throw this.fail(
        field,
        `must be a decimal string of an unsigned 64-bit value, got ${describe(v)}`,
      );
    return BigInt(v);
  }

  /** A tick deadline: a non-negative safe integer, or `null` for "never". */
  deadline(field: string): number {
    const v = this.object[field];
    if (v === null) return Number.POSITIVE_INFINITY;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw this.fail(field, `must be a non-negative safe integer or null, got ${describe(v)}`);
    return v;
  }

  /** An array of integers in `[0, max]` with a length in `[minLength, maxLength]`. */
  ints(field: string, minLength: number, maxLength: number, max: number): number[] {
    const v = this.object[field];
    if (!Array.isArray(v) || v.length < minLength || v.length > maxLength)
      throw this.fail(field, `must be an array of ${minLength}…${maxLength} integers`);
    for (const x of v)
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max)
        throw this.fail(field, `must hold integers in 0…${max}, got ${describe(x)}`);
    return v as number[];
  }
}

/** A value as an error message shows it: strings quoted, objects and arrays by kind (never converted). */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * `value` when it is an integer in `min…max`; else a {@link DeviceError} (`BAD_ARGUMENT` by
 * default) naming the device, `what`, the range and the value.
 */
export function checkInteger(
  value: unknown,
  device: string,
  what: string,
  [min, max]: readonly [number, number],
  code: DeviceErrorCode = 'BAD_ARGUMENT',
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new DeviceError(
    code,
    device,
    `${what} must be an integer in ${min}…${max}, got ${describe(value)}`,
  );
}

/**
 * `time` with every reading checked: virtual time must be a non-negative safe integer (a bad
 * time source is a `BAD_OPTION` when read, not a `RangeError` from `BigInt` or a `NaN`
 * deadline that never comes).
 */
export function checkedTime(time: TimeSource, device: string, what = 'time'): TimeSource {
  if (typeof time !== 'function')
    throw new DeviceError(
      'BAD_OPTION',
      device,
      `option ${what} must be a function, got ${describe(time)}`,
    );
  return () => {
    const now = time();
    if (Number.isSafeInteger(now) && now >= 0) return now;
    throw new DeviceError(
      'BAD_OPTION',
      device,
      `${what}() returned ${describe(now)}; it must return a non-negative safe integer`,
    );
  };
}

/** Encodes a tick deadline for a snapshot (`null` for never). */
export function deadlineField(deadline: number): number | null {
  return Number.isFinite(deadline) ? deadline : null;
}

/** Reduces a bigint modulo 2^64. */
export function u64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
