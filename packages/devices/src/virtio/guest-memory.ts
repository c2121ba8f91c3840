/**
 * Guest RAM as a virtio device reaches it: little-endian loads and stores at guest-physical
 * addresses, every one checked against RAM's bounds first.
 *
 * @module
 */
import type { Ram } from '@trapeze/mmu';

/**
 * The guest's RAM seen from a virtio device (the rings and the buffers the driver hands over).
 * Only RAM is reachable: an address outside it (a device window, the boot ROM, past the end,
 * above 4 GiB) is refused by {@link GuestMemory.contains}, and callers check before they touch
 * memory, so a device never reaches host memory outside the guest's RAM and never performs an
 * access with side effects on another device. Stores tell the RAM which bytes changed, so that
 * translated code in those pages is dropped.
 */
export class GuestMemory {
  private readonly view: DataView;
  private readonly base: number;
  private readonly size: number;

  constructor(readonly ram: Ram) {
    this.view = new DataView(ram.buffer, ram.byteOffset, ram.size);
    this.base = ram.base;
    this.size = ram.size;
  }

  /**
   * Whether `length` bytes from guest-physical `address` lie in RAM. `high` is the upper
   * 32 bits of a 64-bit address (virtio addresses are 64-bit): any value but 0 is outside.
   */
  contains(address: number, length: number, high = 0): boolean {
    if (high !== 0 || length < 0) return false;
    const offset = address - this.base;
    return offset >= 0 && offset <= this.size && length <= this.size - offset;
  }

  /** The 16-bit value at `address` (checked by the caller). */
  u16(address: number): number {
    return this.view.getUint16(address - this.base, true);
  }

  /** The 32-bit value at `address`, unsigned (checked by the caller). */
  u32(address: number): number {
    return this.view.getUint32(address - this.base, true);
  }

  /** Stores a 16-bit value at `address` (checked by the caller). */
  setU16(address: number, value: number): void {
    this.view.setUint16(address - this.base, value, true);
    this.ram.written(address - this.base, 2);
  }

  /** Stores a 32-bit value at `address` (checked by the caller). */
  setU32(address: number, value: number): void {
    this.view.setUint32(address - this.base, value >>> 0, true);
    this.ram.written(address - this.base, 4);
  }

  /** A view of `length` bytes at `address` (checked by the caller; not a copy). */
  bytes(address: number, length: number): Uint8Array {
    const offset = address - this.base;
    return this.ram.u8.subarray(offset, offset + length);
  }

  /** Copies `data` to `address` (checked by the caller). */
  write(address: number, data: Uint8Array): void {
    const offset = address - this.base;
    this.ram.u8.set(data, offset);
    this.ram.written(offset, data.length);
  }
}
