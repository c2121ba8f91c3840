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

const SIZE_SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
};

/**
 * A byte size: digits (underscores allowed), optionally with a K, M or G suffix (binary
 * units, either case); `undefined` when `text` is not one or is not a safe integer.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^([0-9]+)([kmg]?)$/i.exec(text.replace(/_/g, ''));
  if (match === null) return undefined;
  const size =
    Number.parseInt(match[1] as string, 10) *
    (SIZE_SUFFIXES[(match[2] as string).toUpperCase()] ?? 1);
  return Number.isSafeInteger(size) ? size : undefined;
}
