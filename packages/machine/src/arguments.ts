/**
 * Checks of the numeric arguments of the machine's API, made once at the API's entry (never
 * per instruction).
 *
 * @module
 * @internal
 */
import { MachineError } from './errors.js';

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

/**
 * `value` when it is an integer in `min…max`, or (with `infinity`) `Infinity`.
 *
 * @throws {@link MachineError} `BAD_ARGUMENT` naming `what`, the range and the value.
 */
export function checkInteger(
  value: unknown,
  what: string,
  min: number,
  max: number,
  infinity = false,
): number {
  if (
    typeof value === 'number' &&
    ((Number.isInteger(value) && value >= min && value <= max) ||
      (infinity && value === Number.POSITIVE_INFINITY))
  )
    return value;
  const range = `an integer in ${min}…${max}${infinity ? ' or Infinity' : ''}`;
  throw new MachineError('BAD_ARGUMENT', `${what} must be ${range}, got ${shown(value)}`);
}

/** `value` when it is a 32-bit address or cell, signed or unsigned (`-2^31 … 2^32 − 1`). */
export function checkWord(value: unknown, what: string): number {
  return checkInteger(value, what, -0x8000_0000, 0xffff_ffff);
}
