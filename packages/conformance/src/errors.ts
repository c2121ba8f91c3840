/**
 * Typed errors for bad arguments and campaign options (the engine adapters have their own,
 * `EngineError`; the dump parser `DumpError`).
 *
 * @module
 */

/** Codes of {@link ConformanceError}. */
export type ConformanceErrorCode =
  /** A campaign option out of its range (runs, seed, shard, budget, an unknown template…). */
  | 'BAD_OPTION'
  /** An argument of a function out of its range. */
  | 'BAD_ARGUMENT';

/** A bad option or argument: the message names it, its range and the value given. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  constructor(
    readonly code: ConformanceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why `value` is not an integer in `min…max` (or, with `kind` `number`, a finite number in it), or
 * `undefined` when it is one. For messages: `must be an integer in 0…31, got NaN`.
 */
export function rangeProblem(
  value: unknown,
  min: number,
  max: number,
  kind: 'integer' | 'number' = 'integer',
): string | undefined {
  const ok =
    typeof value === 'number' &&
    (kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value)) &&
    value >= min &&
    value <= max;
  if (ok) return undefined;
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.slice(0, 40))
      : typeof value === 'object' && value !== null
        ? 'an object'
        : String(value);
  return `must be ${kind === 'integer' ? 'an integer' : 'a number'} in ${min}…${max}, got ${shown}`;
}

/**
 * `value` when it is an integer (or, with `kind` `number`, a finite number) in `min…max`.
 *
 * @throws {@link ConformanceError} with `code` naming `what`, the range and the value.
 */
export function checkRange(
  value: unknown,
  what: string,
  min: number,
  max: number,
  code: ConformanceErrorCode = 'BAD_ARGUMENT',
  kind: 'integer' | 'number' = 'integer',
): number {
  const problem = rangeProblem(value, min, max, kind);
  if (problem !== undefined) throw new ConformanceError(code, `${what} ${problem}`);
  return value as number;
}
