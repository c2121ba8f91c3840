/**
 * The PCIe host bridge of QEMU's `virt` board (QEMU's generic `gpex` host): its ECAM
 * configuration window, with the host bridge function at 00:00.0 and nothing else on the bus.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { SnapshotReader } from './validate.js';

/** Size of the ECAM window: 256 buses × 32 devices × 8 functions × 4 KiB. */
export const PCI_ECAM_SIZE = 0x1000_0000;
/** Vendor ID of QEMU's host bridge (Red Hat, Inc.). */
export const PCI_VENDOR_REDHAT = 0x1b36;
/** Device ID of QEMU's PCIe host bridge (`gpex-root`). */
export const PCI_DEVICE_GPEX_ROOT = 0x0008;
/** Subsystem vendor ID of QEMU's devices (Red Hat, Inc., the virtio vendor ID). */
export const PCI_SUBSYSTEM_VENDOR_QEMU = 0x1af4;
/** Subsystem ID of QEMU's devices. */
export const PCI_SUBSYSTEM_QEMU = 0x1100;
/** Class code of a host bridge (base class 6, subclass 0, interface 0). */
export const PCI_CLASS_HOST_BRIDGE = 0x06_0000;

/** Offsets of the type 0 configuration header registers the host bridge implements. */
export const PCI_CONFIG = {
  /** Vendor ID (16 bits) and device ID (16 bits). */
  id: 0x00,
  /** Command register (16 bits). */
  command: 0x04,
  /** Status register (16 bits). */
  status: 0x06,
  /** Revision ID (8 bits) and class code (24 bits). */
  classRevision: 0x08,
  /** Cache line size (8 bits). */
  cacheLineSize: 0x0c,
  /** Subsystem vendor ID and subsystem ID. */
  subsystem: 0x2c,
  /** Interrupt line (8 bits). */
  interruptLine: 0x3c,
} as const;

/**
 * Command register bits the guest may set on QEMU's host bridge: I/O space (0), memory space
 * (1), bus master (2), SERR# enable (8), interrupt disable (10) — writing all ones reads back
 * `0x0507`.
 */
export const PCI_COMMAND_WRITABLE = 0x0507;

/** The host bridge's writable state as plain data. */
export interface PciHostSnapshot {
  /** The command register (bits of {@link PCI_COMMAND_WRITABLE} only). */
  readonly command: number;
  /** The cache line size register. */
  readonly lineSize: number;
  /** The interrupt line register. */
  readonly interruptLine: number;
}

/** Options of {@link PciHost}. */
export interface PciHostOptions {
  /** Name for logs (`pci` by default). */
  readonly name?: string;
}

/**
 * The ECAM window (PCI Express memory-mapped configuration space) of QEMU 7.2's `virt` board,
 * 256 MiB at `0x3000_0000`: the configuration space of bus `b`, device `d`, function `f` is the
 * 4 KiB at `(b << 20) | (d << 15) | (f << 12)`. Only 00:00.0 is present, QEMU's host bridge:
 *
 * | offset | value (as QEMU reports it) |
 * |---|---|
 * | 0x00 | `0x00081b36`: vendor `0x1b36` (Red Hat), device `0x0008` (`gpex-root`) |
 * | 0x04 | command and status, 0 after reset; command bits `0x0507` writable, status reads 0 |
 * | 0x08 | `0x06000000`: class 06 00 00 (host bridge), revision 0 |
 * | 0x0c | cache line size (writable byte), latency timer, header type 0 (single function), BIST: 0 |
 * | 0x2c | `0x11001af4`: subsystem vendor `0x1af4`, subsystem `0x1100` |
 * | 0x3c | interrupt line (writable byte); interrupt pin 0 (no INTx), min/max latency 0 |
 * | others up to 0xff | 0 (no BARs, no expansion ROM, no capabilities) |
 * | 0x100–0xfff | all ones (no extended capabilities) |
 *
 * Every other function of every bus reads all ones (`0xffffffff`, `0xffff`, `0xff`: "no device")
 * and ignores writes, as do the read-only registers. Accesses of every width are answered: the
 * bytes of the configuration space at the offset, little-endian (a 32-bit read at offset 1
 * returns bytes 1–4, as QEMU does).
 *
 * @example
 * ```ts
 * import { PciHost } from '@trapeze/devices';
 *
 * const pci = new PciHost();
 * // 00:00.0: the host bridge
 * pci.read(0x0000, 4); // → 0x00081b36
 * // 00:01.0: no device
 * pci.read(0x8000, 4); // → 0xffffffff
 * pci.write(0x0004, 2, 0xffff); // the command register keeps its writable bits
 * pci.read(0x0004, 4); // → 0x507
 * ```
 */
export class PciHost implements MmioDevice {
  readonly name: string;
  readonly size = PCI_ECAM_SIZE;
  private command = 0;
  private cacheLineSize = 0;
  private interruptLine = 0;

  constructor(options: PciHostOptions = {}) {
    this.name = options.name ?? 'pci';
  }

  read(offset: number, size: AccessSize): number {
    if (offset >= 0x1000) return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    let value = 0;
    for (let k = size - 1; k >= 0; k--) value = value * 256 + this.configByte(offset + k);
    return value;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset >= 0x1000) return;
    for (let k = 0; k < size; k++) this.writeConfigByte(offset + k, (value >>> (8 * k)) & 0xff);
  }

  /** Resets the writable registers (QEMU's system reset). */
  reset(): void {
    this.command = 0;
    this.cacheLineSize = 0;
    this.interruptLine = 0;
  }

  /**
   * One byte of the host bridge's configuration space (offsets 0…0xfff); past it (the next
   * function's space), all ones.
   */
  private configByte(offset: number): number {
    if (offset >= 0x100) return 0xff;
    switch (offset) {
      case 0x00:
        return PCI_VENDOR_REDHAT & 0xff;
      case 0x01:
        return PCI_VENDOR_REDHAT >>> 8;
      case 0x02:
        return PCI_DEVICE_GPEX_ROOT & 0xff;
      case 0x03:
        return PCI_DEVICE_GPEX_ROOT >>> 8;
      case 0x04:
        return this.command & 0xff;
      case 0x05:
        return this.command >>> 8;
      case 0x09:
        return PCI_CLASS_HOST_BRIDGE & 0xff;
      case 0x0a:
        return (PCI_CLASS_HOST_BRIDGE >>> 8) & 0xff;
      case 0x0b:
        return PCI_CLASS_HOST_BRIDGE >>> 16;
      case 0x0c:
        return this.cacheLineSize;
      case 0x2c:
        return PCI_SUBSYSTEM_VENDOR_QEMU & 0xff;
      case 0x2d:
        return PCI_SUBSYSTEM_VENDOR_QEMU >>> 8;
      case 0x2e:
        return PCI_SUBSYSTEM_QEMU & 0xff;
      case 0x2f:
        return PCI_SUBSYSTEM_QEMU >>> 8;
      case 0x3c:
        return this.interruptLine;
      default:
        return 0;
    }
  }

  /** Writes one byte of the host bridge's configuration space: writable bits only. */
  private writeConfigByte(offset: number, byte: number): void {
    if (offset === 0x04)
      this.command = (this.command & 0xff00) | (byte & PCI_COMMAND_WRITABLE & 0xff);
    else if (offset === 0x05)
      this.command = (this.command & 0xff) | ((byte << 8) & PCI_COMMAND_WRITABLE & 0xff00);
    else if (offset === 0x0c) this.cacheLineSize = byte;
    else if (offset === 0x3c) this.interruptLine = byte;
    // Status (0x06, 0x07) is write-1-to-clear with nothing ever set; the rest is read-only.
  }

  /** The writable registers as plain, JSON-serializable data. */
  snapshot(): PciHostSnapshot {
    return {
      command: this.command,
      lineSize: this.cacheLineSize,
      interruptLine: this.interruptLine,
    };
  }

  /**
   * Restores a {@link PciHostSnapshot}.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: PciHostSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const command = r.int('command', 0xffff);
    if ((command & ~PCI_COMMAND_WRITABLE) !== 0)
      throw r.fail('command', `has bits outside 0x${PCI_COMMAND_WRITABLE.toString(16)}`);
    const cacheLineSize = r.int('lineSize', 0xff);
    const interruptLine = r.int('interruptLine', 0xff);
    this.command = command;
    this.cacheLineSize = cacheLineSize;
    this.interruptLine = interruptLine;
  }
}
