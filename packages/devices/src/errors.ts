/**
 * Typed errors for host-side misuse of the device models. Guest accesses never throw; only the
 * host (the machine, a test, a snapshot file) can get one of these.
 *
 * @module
 */

/**
 * What went wrong:
 * - `BAD_SNAPSHOT`: `restore()` got an object that is not a snapshot of this device.
 * - `BAD_OPTION`: a constructor option is out of range.
 * - `BAD_ARGUMENT`: a host-side method got an argument out of range (a PLIC source number, a
 *   context number, a byte value).
 * - `BAD_BACKEND`: a host backend cannot be used as asked (a disk image that is missing,
 *   read-only for a writable disk, or not a whole number of sectors; a socket that cannot
 *   connect).
 */
export type DeviceErrorCode = 'BAD_SNAPSHOT' | 'BAD_OPTION' | 'BAD_ARGUMENT' | 'BAD_BACKEND';

/** Thrown for host-side misuse; the message names the device, the field and what was wrong. */
export class DeviceError extends Error {
  constructor(
    /** The kind of problem. */
    readonly code: DeviceErrorCode,
    /** The device's name (`clint`, `uart0`…). */
    readonly device: string,
    /** What was wrong, without the device name. */
    readonly reason: string,
  ) {
    super(`${device}: ${reason}`);
    this.name = 'DeviceError';
  }
}
