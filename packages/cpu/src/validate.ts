/**
 * Checks of the arguments the host passes to a core.
 *
 * @module
 */
import type { CoreKind, TrapSink } from './core.js';
import { CpuError } from './errors.js';

/** Describes a value that was not what was asked for, for an error message. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined)
    return String(value);
  return value === null ? 'null' : typeof value;
}

/** Whether `value` is an integer in 0…2^32 − 1. */
function isMask(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** @throws {@link CpuError} `BAD_ARGUMENT` unless `sink` has two 32-bit masks. */
export function checkTrapSink(sink: TrapSink): void {
  if (typeof sink !== 'object' || sink === null)
    throw new CpuError(
      'BAD_ARGUMENT',
      `setTrapSink: expected { exceptions, interrupts }, got ${describe(sink)}`,
    );
  for (const key of ['exceptions', 'interrupts'] as const) {
    if (!isMask(sink[key]))
      throw new CpuError(
        'BAD_ARGUMENT',
        `setTrapSink: ${key} must be a bit mask (an integer in 0…0xffffffff), got ${describe(sink[key])}`,
      );
  }
}

/** @throws {@link CpuError} `BAD_ARGUMENT` unless `kind` names a core. */
export function checkCoreKind(kind: unknown, kinds: readonly CoreKind[]): CoreKind {
  if (typeof kind === 'string' && (kinds as readonly string[]).includes(kind))
    return kind as CoreKind;
  throw new CpuError(
    'BAD_ARGUMENT',
    `core must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, got ${describe(kind)}`,
  );
}

/** @throws {@link CpuError} `BAD_ARGUMENT` unless `value` is a non-negative count or `Infinity`. */
export function checkCount(value: unknown, what: string): void {
  if (
    typeof value === 'number' &&
    value >= 0 &&
    (value === Number.POSITIVE_INFINITY || Number.isSafeInteger(value))
  )
    return;
  throw new CpuError(
    'BAD_ARGUMENT',
    `${what} must be a non-negative safe integer or Infinity, got ${describe(value)}`,
  );
}
