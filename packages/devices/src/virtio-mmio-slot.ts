/**
 * An empty virtio-mmio slot of QEMU's `virt` board: the transport with no device behind it.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';

/** `MagicValue`: "virt" in little-endian ASCII. */
export const VIRTIO_MMIO_MAGIC = 0x7472_6976;
/** `Version` of QEMU 7.2's transport (legacy, as its `force-legacy` default). */
export const VIRTIO_MMIO_LEGACY_VERSION: 1 = 1;
/** `VendorID`: "QEMU" in little-endian ASCII, as QEMU reports it. */
export const VIRTIO_MMIO_VENDOR_QEMU = 0x554d_4551;
/** Size of a virtio-mmio register window (registers and device configuration). */
export const VIRTIO_MMIO_SIZE = 0x200;

/**
 * A virtio-mmio transport with no device (QEMU `hw/virtio/virtio-mmio.c` without a backend):
 * `MagicValue` (0x000), `Version` (0x004: 1, QEMU 7.2's default `force-legacy=true`, or 2 when
 * made with version 2, as QEMU with `-global virtio-mmio.force-legacy=false`) and `VendorID`
 * (0x00c) read their values,
 * `DeviceID` (0x008) reads 0 — "no device here", which drivers take as an empty slot — and
 * every other register reads 0 and ignores writes. A read of any width returns the register at
 * exactly that offset, truncated to the width (a byte read of offset 0 gives 0x76), as QEMU
 * does. The window is 0x200 bytes; the rest of the 4 KiB slot faults on the bus.
 *
 * @example
 * ```ts
 * import { VIRTIO_MMIO_MAGIC, VirtioMmioSlot } from '@trapeze/devices';
 *
 * const slot = new VirtioMmioSlot('virtio-mmio0');
 * slot.read(0x000, 4) === VIRTIO_MMIO_MAGIC; // → true
 * slot.read(0x008, 4); // → 0
 * ```
 */
export class VirtioMmioSlot implements MmioDevice {
  readonly name: string;
  readonly size = VIRTIO_MMIO_SIZE;
  /** The `Version` register: 1 (legacy) or 2 (modern). */
  readonly version: 1 | 2;

  constructor(name = 'virtio-mmio', version: 1 | 2 = VIRTIO_MMIO_LEGACY_VERSION) {
    this.name = name;
    this.version = version;
  }

  read(offset: number, size: AccessSize): number {
    let value = 0;
    if (offset === 0x000) value = VIRTIO_MMIO_MAGIC;
    else if (offset === 0x004) value = this.version;
    else if (offset === 0x00c) value = VIRTIO_MMIO_VENDOR_QEMU;
    return size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff);
  }

  write(_offset: number, _size: AccessSize, _value: number): void {}
}
