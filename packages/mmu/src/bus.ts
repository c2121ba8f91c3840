/**
 * The physical bus: RAM and MMIO devices at physical addresses, dispatched page by page.
 *
 * @module
 */

import type { AccessSize, MmioDevice } from './device.js';
import { hex, MmuError } from './errors.js';
import { PAGE_SIZE, type Ram } from './ram.js';

/** A mapped region as {@link Bus.regions} lists it. */
export interface BusRegion {
  readonly name: string;
  /** Physical base address. */
  readonly base: number;
  /** Size in bytes. */
  readonly size: number;
  /** The RAM, or the device, behind the region. */
  readonly target: Ram | MmioDevice;
  readonly kind: 'ram' | 'device';
}

const PAGES = 1 << 20;
const MAX_REGIONS = 255;

/**
 * The physical address space: a table with one byte per 4 KiB page of the 32-bit space names
 * the region behind each page. `load`/`store` never throw for guest addresses: an unmapped
 * address, an address at or above 2^32 (Sv32 physical addresses have 34 bits), an access that
 * straddles the end of its region, a width the device does not accept
 * ({@link MmioDevice.validSizes}) or an access it refuses ({@link MmioDevice.accepts}) sets
 * {@link Bus.fault} (an access fault for the caller to
 * raise) and reads as 0. Mapping errors are host-side bugs and throw {@link MmuError}.
 *
 * Addresses may be given unsigned or as signed 32-bit integers (as an `Int32Array` register
 * file holds them).
 *
 * @example
 * ```ts
 * import { Bus, type MmioDevice, Ram } from '@trapeze/mmu';
 *
 * const out: number[] = [];
 * const port: MmioDevice = {
 *   name: 'port',
 *   size: 0x100,
 *   read: (offset) => offset, // reads return their offset
 *   write: (_offset, _size, value) => {
 *     out.push(value);
 *   },
 * };
 * const bus = new Bus();
 * bus.mapRam(new Ram(0x8000_0000, 0x1_0000));
 * bus.mapDevice(0x1000_0000, port);
 *
 * bus.store(0x8000_0000, 4, 0xcafe);
 * bus.load(0x8000_0000, 4); // → 0xcafe
 * bus.store(0x1000_0000, 1, 0x21);
 * out; // → [0x21]
 * bus.load(0x1000_0004, 4); // → 4
 * bus.ramOffset(0x8000_0000); // → 0
 *
 * // Guest mistakes are not exceptions: an unmapped address reads 0 and sets `fault`.
 * bus.load(0x2000_0000, 4); // → 0
 * bus.fault; // → true
 * ```
 */
export class Bus {
  /**
   * Set by `load`/`store` when the access hit no region or straddled a region's end; cleared by
   * every `load`/`store` that succeeds.
   */
  fault = false;
  /**
   * The first RAM mapped: the one {@link Bus.ramOffset} and `Mmu.translateFast` resolve to
   * (other RAMs are reached through `load`/`store`).
   */
  ram: Ram | null = null;
  /** Incremented by every mapping, so that caches of page lookups (the MMU's) can notice. */
  generation = 0;

  /** One byte per page: region index + 1, or 0 when unmapped. */
  private readonly pageRegion = new Uint8Array(PAGES);
  private readonly regionBase: number[] = [];
  private readonly regionSize: number[] = [];
  private readonly regionRam: (Ram | null)[] = [];
  private readonly regionDevice: (MmioDevice | null)[] = [];
  /** Per region: bit `n` set when an `n`-byte access is valid (RAM: every width). */
  private readonly regionWidths: number[] = [];
  private readonly regionList: BusRegion[] = [];
  private ramBase = 0;
  private ramEnd = 0;

  /**
   * Maps a RAM at its own base address. The first RAM mapped becomes {@link Bus.ram}.
   *
   * @throws MmuError `OVERLAPPING_MAPPING`, `TOO_MANY_REGIONS`
   */
  mapRam(ram: Ram): void {
    this.addRegion(ram.base, ram.size, ram, null, ram.name);
    if (this.ram === null) {
      this.ram = ram;
      this.ramBase = ram.base;
      this.ramEnd = ram.base + ram.size;
    }
  }

  /**
   * Maps a device's register window at `base`. The window occupies whole pages (a 0x100-byte
   * UART takes its page); accesses past `device.size` inside the last page fault.
   *
   * @throws MmuError `MISALIGNED_MAPPING`, `INVALID_SIZE`, `OUT_OF_RANGE`, `OVERLAPPING_MAPPING`, `TOO_MANY_REGIONS`
   */
  mapDevice(base: number, device: MmioDevice): void {
    this.addRegion(base, device.size, null, device, device.name);
  }

  /** The mapped regions, in mapping order. */
  get regions(): readonly BusRegion[] {
    return this.regionList;
  }

  /** The region containing physical address `paddr`, if any. */
  regionAt(paddr: number): BusRegion | undefined {
    if (paddr > 0xffffffff) return undefined;
    const r = this.pageRegion[paddr >>> 12];
    if (r === 0) return undefined;
    const region = this.regionList[r - 1];
    return (paddr >>> 0) - region.base < region.size ? region : undefined;
  }

  /**
   * Reads `size` bytes at physical address `paddr`, zero-extended to an unsigned number. On an
   * unmapped or straddling access, sets {@link Bus.fault} and returns 0.
   */
  load(paddr: number, size: AccessSize): number {
    if (paddr > 0xffffffff) {
      this.fault = true;
      return 0;
    }
    const r = this.pageRegion[paddr >>> 12] - 1;
    if (r < 0) {
      this.fault = true;
      return 0;
    }
    const offset = (paddr >>> 0) - this.regionBase[r];
    if (offset + size > this.regionSize[r] || ((this.regionWidths[r] as number) & size) === 0) {
      this.fault = true;
      return 0;
    }
    const ram = this.regionRam[r];
    if (ram !== null) {
      this.fault = false;
      return ram.read(offset, size);
    }
    const device = this.regionDevice[r] as MmioDevice;
    if (device.accepts !== undefined && !device.accepts(offset, size, false)) {
      this.fault = true;
      return 0;
    }
    const value = device.read(offset, size);
    // After the call: a device that reaches memory itself (DMA) may have used the bus.
    this.fault = false;
    return value;
  }

  /**
   * Writes the low `size` bytes of `value` at physical address `paddr`. On an unmapped or
   * straddling access, sets {@link Bus.fault} and writes nothing.
   */
  store(paddr: number, size: AccessSize, value: number): void {
    if (paddr > 0xffffffff) {
      this.fault = true;
      return;
    }
    const r = this.pageRegion[paddr >>> 12] - 1;
    if (r < 0) {
      this.fault = true;
      return;
    }
    const offset = (paddr >>> 0) - this.regionBase[r];
    if (offset + size > this.regionSize[r] || ((this.regionWidths[r] as number) & size) === 0) {
      this.fault = true;
      return;
    }
    const ram = this.regionRam[r];
    if (ram !== null) {
      this.fault = false;
      ram.write(offset, size, value);
      return;
    }
    const device = this.regionDevice[r] as MmioDevice;
    if (device.accepts !== undefined && !device.accepts(offset, size, true)) {
      this.fault = true;
      return;
    }
    device.write(offset, size, value);
    // After the call: a device that reaches memory itself (DMA) may have used the bus.
    this.fault = false;
  }

  /**
   * Whether physical address `paddr` is in a RAM region (page-table walks may only read RAM:
   * device regions do not support them).
   */
  isRam(paddr: number): boolean {
    if (paddr > 0xffffffff) return false;
    const r = this.pageRegion[paddr >>> 12] - 1;
    return (
      r >= 0 &&
      this.regionRam[r] !== null &&
      (paddr >>> 0) - this.regionBase[r] < this.regionSize[r]
    );
  }

  /**
   * The fast path: the byte offset of physical address `paddr` inside {@link Bus.ram}'s views,
   * or -1 when `paddr` is not in that RAM. Every byte of `paddr`'s page is in the same RAM, so
   * an access that stays inside the page can use the views directly.
   */
  ramOffset(paddr: number): number {
    if (paddr < 0) paddr >>>= 0;
    return paddr >= this.ramBase && paddr < this.ramEnd ? paddr - this.ramBase : -1;
  }

  private addRegion(
    base: number,
    size: number,
    ram: Ram | null,
    device: MmioDevice | null,
    name: string,
  ): void {
    if (!Number.isInteger(base) || base < 0 || base % PAGE_SIZE !== 0) {
      throw new MmuError(
        'MISALIGNED_MAPPING',
        `Bus: ${name} at ${typeof base === 'number' ? hex(base) : String(base)} is not 4 KiB-aligned`,
      );
    }
    if (!Number.isInteger(size) || size <= 0) {
      throw new MmuError(
        'INVALID_SIZE',
        `Bus: ${name} has size ${size}; it must be a positive integer`,
      );
    }
    if (base + size > 0x1_0000_0000) {
      throw new MmuError(
        'OUT_OF_RANGE',
        `Bus: ${name} at ${hex(base)} with size ${hex(size)} goes past the 32-bit physical space`,
      );
    }
    if (this.regionList.length >= MAX_REGIONS) {
      throw new MmuError(
        'TOO_MANY_REGIONS',
        `Bus: cannot map ${name}; ${MAX_REGIONS} regions at most`,
      );
    }
    const first = base / PAGE_SIZE;
    const end = Math.ceil((base + size) / PAGE_SIZE);
    for (const o of this.regionList) {
      const oFirst = o.base / PAGE_SIZE;
      const oEnd = Math.ceil((o.base + o.size) / PAGE_SIZE);
      if (oFirst < end && first < oEnd) {
        throw new MmuError(
          'OVERLAPPING_MAPPING',
          `Bus: ${name} at ${hex(base)}..${hex(base + size)} overlaps ${o.name} at ${hex(o.base)}..${hex(o.base + o.size)} (page ${hex(Math.max(first, oFirst) * PAGE_SIZE)})`,
        );
      }
    }
    const index = this.regionList.length + 1;
    this.pageRegion.fill(index, first, end);
    this.regionBase.push(base);
    this.regionSize.push(size);
    this.regionRam.push(ram);
    this.regionDevice.push(device);
    this.regionWidths.push(
      device?.validSizes === undefined ? 7 : device.validSizes.reduce((mask, n) => mask | n, 0),
    );
    this.regionList.push({
      name,
      base,
      size,
      target: ram ?? (device as MmioDevice),
      kind: ram !== null ? 'ram' : 'device',
    });
    this.generation++;
  }
}
