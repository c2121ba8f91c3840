/**
 * The interface between the bus and memory-mapped devices.
 *
 * @module
 */

/** Access widths of the bus, in bytes. */
export type AccessSize = 1 | 2 | 4;

/**
 * A memory-mapped device: a window of registers the bus routes accesses to. Offsets are
 * relative to the window's base. Devices never throw for guest accesses: a register that does
 * not exist reads as zero and ignores writes (as QEMU's `virt` devices do), and widths a device
 * does not support are answered as the device's documentation says.
 */
export interface MmioDevice {
  /** A short name for logs and statistics (`uart0`, `clint`). */
  readonly name: string;
  /** Size of the register window in bytes. */
  readonly size: number;
  /**
   * The access widths the device accepts (QEMU's `valid` access sizes); the bus answers other
   * widths with an access fault, as QEMU does. Absent: every width.
   */
  readonly validSizes?: readonly AccessSize[];
  /**
   * Whether the device answers a `size`-byte access at `offset` (a load, or a store when
   * `store` is true) that passed the width check; the bus answers `false` with an access fault
   * and does not call `read`/`write`. For devices whose registers take different widths, or
   * that are read-only or write-only (QEMU's per-register `valid.accepts`). Absent: every
   * access in the window is answered.
   */
  accepts?(offset: number, size: AccessSize, store: boolean): boolean;
  /** Reads `size` bytes at `offset`, zero-extended to an unsigned number. */
  read(offset: number, size: AccessSize): number;
  /** Writes the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: number): void;
}
