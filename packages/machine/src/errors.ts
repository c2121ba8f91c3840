/**
 * Typed errors for host-side misuse and bad input (images, options).
 *
 * @module
 */

/** Codes of {@link MachineError}. */
export type MachineErrorCode = 'BAD_OPTION' | 'IMAGE_OUTSIDE_RAM' | 'BAD_IMAGE' | 'BAD_SNAPSHOT';

/** A bad machine option or image, with a message that says what and where. */
export class MachineError extends Error {
  constructor(
    readonly code: MachineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MachineError';
  }
}
