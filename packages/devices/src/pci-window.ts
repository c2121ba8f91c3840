/**
 * An empty PCI address window of QEMU's `virt` board: the host bridge's MMIO or I/O window
 * with no device behind it.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import { checkInteger } from './validate.js';

/** Options of {@link PciWindow}. */
export interface PciWindowOptions {
  /** Name for logs (`pci-mmio`, `pci-io`). */
  readonly name: string;
  /** Size of the window in bytes (a positive multiple of 4 KiB, at most 2 GiB). */
  readonly size: number;
}

/**
 * A window the PCI host bridge forwards to its bus (QEMU `virt`: I/O ports at `0x0300_0000`,
 * 64 KiB; 32-bit memory at `0x4000_0000`, 1 GiB), with nothing on the bus to answer: as on
 * QEMU 7.2, every read of every width returns all ones (a master abort) and writes are
 * ignored.
 *
 * @example
 * ```ts
 * import { PciWindow } from '@trapeze/devices';
 *
 * const mmio = new PciWindow({ name: 'pci-mmio', size: 0x4000_0000 });
 * mmio.write(0, 4, 0x1234);
 * mmio.read(0, 4); // → 0xffffffff
 * mmio.read(2, 1); // → 0xff
 * ```
 */
export class PciWindow implements MmioDevice {
  readonly name: string;
  readonly size: number;

  /** @throws {@link DeviceError} `BAD_OPTION` for a size that is not a multiple of 4 KiB. */
  constructor(options: PciWindowOptions) {
    this.name = options.name;
    this.size = checkInteger(
      options.size,
      options.name,
      'option size',
      [0x1000, 0x8000_0000],
      'BAD_OPTION',
    );
    if (this.size % 0x1000 !== 0)
      throw new DeviceError('BAD_OPTION', this.name, 'option size must be a multiple of 4 KiB');
  }

  read(_offset: number, size: AccessSize): number {
    return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
  }

  write(_offset: number, _size: AccessSize, _value: number): void {}
}
