/**
 * Numbers on the command line and in listings: addresses in, hexadecimal out.
 *
 * @module
 */
import { UsageError } from './errors.js';

/**
 * Parses an address option: hexadecimal with `0x`, or decimal, in 0..0xffffffff and even
 * (instructions are 2-byte aligned with the C extension).
 *
 * @throws {@link UsageError} naming the option and the value.
 */
export function parseAddress(text: string, option: string, command: string): number {
  const clean = text.replace(/_/g, '');
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(clean)) value = Number.parseInt(clean.slice(2), 16);
  else if (/^[0-9]+$/.test(clean)) value = Number.parseInt(clean, 10);
  else {
    throw new UsageError(
      'BAD_VALUE',
      `${option} '${text}' is not an address (use hexadecimal like 0x80000000, or decimal)`,
      command,
    );
  }
  if (value > 0xffffffff) {
    throw new UsageError(
      'BAD_VALUE',
      `${option} '${text}' does not fit in 32 bits (RV32 addresses end at 0xffffffff)`,
      command,
    );
  }
  if (value % 2 !== 0) {
    throw new UsageError(
      'BAD_VALUE',
      `${option} '${text}' is odd: instructions are aligned to 2 bytes`,
      command,
    );
  }
  return value;
}

/** `value` as `digits` lowercase hexadecimal digits (zero-padded, no prefix). */
export function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0');
}
