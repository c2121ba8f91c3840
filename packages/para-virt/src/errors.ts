/**
 * Typed errors for host-side misuse of `@trapeze/para-virt` (a guest's bad hypercall arguments
 * are SBI error codes, never exceptions).
 *
 * @module
 */

/** What a {@link ParaVirtError} is about. */
export type ParaVirtErrorCode =
  /** An argument out of its range: a device range, a core kind, a slice. */
  | 'BAD_ARGUMENT'
  /** A broken invariant of the hypervisor itself (a bug: please report it). */
  | 'INTERNAL';

/** A host-side error in the use of `@trapeze/para-virt`: a code and a message saying what and where. */
export class ParaVirtError extends Error {
  constructor(
    readonly code: ParaVirtErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ParaVirtError';
  }
}
