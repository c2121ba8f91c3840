/**
 * Typed errors for host-side misuse of a core (guest faults are traps, never errors).
 *
 * @module
 */

/** What a {@link CpuError} is about. */
export type CpuErrorCode =
  /** An argument out of its range: a limit, a deadline, a trap sink's masks, a core kind, an option. */
  | 'BAD_ARGUMENT'
  /**
   * A translator core emitting WebAssembly was run after a newer translator core was made on
   * the same RAM: the newer one owns the registers and TLBs kept beside that RAM.
   */
  | 'RAM_IN_USE';

/** A host-side error in the use of `@trapeze/cpu`: a code and a message saying what and where. */
export class CpuError extends Error {
  constructor(
    readonly code: CpuErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CpuError';
  }
}
