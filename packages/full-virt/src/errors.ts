/**
 * Typed errors for host-side misuse of the hypervisor (guest faults are traps, never errors).
 *
 * @module
 */

/** What a {@link FullVirtError} is about. */
export type FullVirtErrorCode =
  /** An argument out of its range: an engine name, a core kind, a pool size, a view. */
  | 'BAD_ARGUMENT'
  /** A broken invariant of the hypervisor itself (a bug: please report it). */
  | 'INTERNAL';

/** A host-side error in the use of `@trapeze/full-virt`: a code and a message saying what and where. */
export class FullVirtError extends Error {
  constructor(
    readonly code: FullVirtErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FullVirtError';
  }
}
