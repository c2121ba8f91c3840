/**
 * Typed errors for host-side misuse of the memory system (never for guest accesses, which are
 * answered with fault fields).
 *
 * @module
 */

/** What a {@link MmuError} is about. */
export type MmuErrorCode =
  /** The host is big-endian; the typed views assume a little-endian host. */
  | 'BIG_ENDIAN_HOST'
  /** A RAM or device size that is not allowed (zero, negative, not a whole number of pages for RAM, too large). */
  | 'INVALID_SIZE'
  /** A mapping whose base is not 4 KiB-aligned. */
  | 'MISALIGNED_MAPPING'
  /** A mapping that shares a 4 KiB page with an existing one. */
  | 'OVERLAPPING_MAPPING'
  /** A mapping or a bulk copy that does not fit the 32-bit physical space or the RAM. */
  | 'OUT_OF_RANGE'
  /** More regions than the bus can hold (255). */
  | 'TOO_MANY_REGIONS'
  /** Any other bad argument: an index, CSR address, access size or option out of its range. */
  | 'INVALID_ARGUMENT';

/** A host-side programming error in the use of `@trapeze/mmu`: a code and a message saying what and where. */
export class MmuError extends Error {
  constructor(
    readonly code: MmuErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MmuError';
  }
}

/**
 * Formats a number as `0x` followed by 8 hex digits (or more for addresses above 4 GiB); a
 * value that is not a non-negative integer (a bad argument being reported) as it is.
 */
export function hex(value: number): string {
  if (!Number.isInteger(value) || value < 0)
    return typeof value === 'object' ? 'an object' : String(value);
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * `value` when it is an integer in `min…max`.
 *
 * @throws {@link MmuError} `INVALID_ARGUMENT` naming `what`, the range and the value.
 */
export function checkInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new MmuError(
    'INVALID_ARGUMENT',
    `${what} must be an integer in ${hex(min)}…${hex(max)}, got ${hex(value as number)}`,
  );
}
