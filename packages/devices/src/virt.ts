/**
 * Where QEMU 7.2's `-M virt` board puts the devices of this package.
 *
 * @module
 */

/** One device window of the `virt` board: physical base, window size, PLIC source if any. */
export interface VirtRegion {
  /** Physical base address. */
  readonly base: number;
  /** Size of the window in bytes (the device's `size`). */
  readonly size: number;
  /** PLIC interrupt source, for devices that have one. */
  readonly irq?: number;
}

/**
 * The `virt` memory map for the devices here (QEMU 7.2 `hw/riscv/virt.c`). RAM starts at
 * `0x8000_0000`; virtio-mmio slots are at `0x1000_1000 + i·0x1000` with sources 1…8. (QEMU's
 * PCI host bridge also has a 64-bit memory window at `0x3_0000_0000`, beyond the 32-bit
 * physical addresses Trapeze's bus decodes.)
 *
 * @example
 * ```ts
 * import { Bus } from '@trapeze/mmu';
 * import { TestFinisher, Uart16550, VIRT_MAP } from '@trapeze/devices';
 *
 * const bus = new Bus();
 * const uart = new Uart16550();
 * bus.mapDevice(VIRT_MAP.uart0.base, uart);
 * bus.mapDevice(VIRT_MAP.test.base, new TestFinisher());
 * bus.regions.map((r) => [r.name, r.base]); // → [['uart0', 0x10000000], ['test', 0x100000]]
 * VIRT_MAP.uart0.irq; // → 10
 * ```
 */
export const VIRT_MAP = {
  /** SiFive test finisher. */
  test: { base: 0x0010_0000, size: 0x1000 },
  /** Goldfish RTC. */
  rtc: { base: 0x0010_1000, size: 0x1000, irq: 11 },
  /** CLINT (ACLINT MSWI + MTIMER in the SiFive CLINT layout). */
  clint: { base: 0x0200_0000, size: 0x1_0000 },
  /** PLIC. */
  plic: { base: 0x0c00_0000, size: 0x400_0000 },
  /** UART0, a 16550A with byte-spaced registers. */
  uart0: { base: 0x1000_0000, size: 0x100, irq: 10 },
  /** fw-cfg (MMIO, with DMA). */
  fwCfg: { base: 0x1010_0000, size: 0x18 },
  /** CFI flash, bank 0 (32 MiB). */
  flash0: { base: 0x2000_0000, size: 0x200_0000 },
  /** CFI flash, bank 1 (32 MiB). */
  flash1: { base: 0x2200_0000, size: 0x200_0000 },
  /** The PCI host bridge's I/O window (64 KiB, PCI I/O addresses from 0). */
  pciIo: { base: 0x0300_0000, size: 0x1_0000 },
  /** The PCI host bridge's ECAM configuration window (256 buses). */
  pciEcam: { base: 0x3000_0000, size: 0x1000_0000 },
  /** The PCI host bridge's 32-bit memory window (1 GiB, PCI addresses equal to these). */
  pciMmio: { base: 0x4000_0000, size: 0x4000_0000 },
} as const satisfies Record<string, VirtRegion>;

/** The eight virtio-mmio slots: slot `i` at `0x1000_1000 + i·0x1000`, PLIC source `i + 1`. */
export const VIRT_VIRTIO_SLOTS: readonly VirtRegion[] = Array.from({ length: 8 }, (_, i) => ({
  base: 0x1000_1000 + i * 0x1000,
  size: 0x1000,
  irq: i + 1,
}));
