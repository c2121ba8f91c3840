/**
 * Typed errors for host-side misuse of `@trapeze/isa` (an argument out of its range). The
 * assembler, the encoder, the ELF reader and the ISA-string parser have their own errors.
 *
 * @module
 */

/** Codes of {@link IsaError}. */
export type IsaErrorCode =
  /** A number (a word, a register index, a CSR address, a width…) or an argument of the wrong kind. */
  'BAD_ARGUMENT';

/** A bad argument to a function of `@trapeze/isa`: the message names the argument, its range and the value. */
export class IsaError extends Error {
  constructor(
    readonly code: IsaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IsaError';
  }
}

/** A value as a message shows it (a long string is cut). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return String(value);
  return Array.isArray(value)
    ? 'an array'
    : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

/**
 * `value` when it is an integer in `min…max`.
 *
 * @throws {@link IsaError} `BAD_ARGUMENT` naming `what`, the range and the value.
 * @internal
 */
export function checkInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new IsaError(
    'BAD_ARGUMENT',
    `${what} must be an integer in ${min}…${max}, got ${describeValue(value)}`,
  );
}

/**
 * `value` when it is a 32-bit word, in its signed or unsigned reading (an integer in
 * `-2^31 … 2^32 − 1`): instruction words, addresses, causes.
 *
 * @internal
 */
export function checkWord(value: unknown, what: string): number {
  return checkInteger(value, what, -0x8000_0000, 0xffff_ffff);
}
