/**
 * Typed errors of the engine adapters.
 *
 * @module
 */
import { rangeProblem } from '../errors.js';

/** Codes of {@link EngineError}. */
export type EngineErrorCode =
  /** The command template is empty, malformed, or has no `{elf}` placeholder. */
  | 'BAD_TEMPLATE'
  /** The engine's program (the command's first word) cannot be found or started. */
  | 'ENGINE_NOT_FOUND'
  /** The image cannot be loaded (a segment outside RAM, an entry privilege other than M…). */
  | 'BAD_IMAGE'
  /** A VM was used before `load`, or with an argument out of range. */
  | 'BAD_USE'
  /** An engine factory got an option out of its range (a core the bare engine does not have). */
  | 'BAD_OPTION'
  /** The engine declares a contract version this package does not implement. */
  | 'CONTRACT_VERSION'
  /** `restore` got something that is not a snapshot of this engine's VMs. */
  | 'BAD_SNAPSHOT';

/**
 * Checks an instruction budget given to an engine: a non-negative safe integer.
 *
 * @throws {@link EngineError} `BAD_USE` naming `what` and the value.
 * @internal
 */
export function checkBudget(budget: number, what: string): void {
  const problem = rangeProblem(budget, 0, Number.MAX_SAFE_INTEGER);
  if (problem !== undefined) throw new EngineError('BAD_USE', `${what} ${problem}`);
}

/** Host-side misuse or bad input around an engine (never a guest fault): `code` says which. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
