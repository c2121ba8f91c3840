/**
 * Typed errors for host-side misuse and bad input (images, options).
 *
 * @module
 */

/** Codes of {@link MachineError}. */
export type MachineErrorCode =
  | 'BAD_OPTION'
  /** A segment of the image (or a raw image) does not fit in RAM. */
  | 'IMAGE_OUTSIDE_RAM'
  /** A segment of the image reaches the region the device tree is written to on reset. */
  | 'IMAGE_OVERLAPS_FDT'
  /** The image loads nothing (an empty file, an ELF file without a loadable segment). */
  | 'IMAGE_EMPTY'
  /** The image's entry point is in none of the ranges it loads. */
  | 'ENTRY_OUTSIDE_IMAGE'
  /** A valid file the machine cannot run: a relocatable object, a dynamically linked program, a uImage. */
  | 'UNSUPPORTED_IMAGE'
  | 'BAD_IMAGE'
  | 'BAD_SNAPSHOT'
  /** A numeric argument out of its range (a run budget, an address, a device-tree cell). */
  | 'BAD_ARGUMENT';

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
