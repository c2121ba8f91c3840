/**
 * Physical memory: one `ArrayBuffer` at a physical base address, with typed views for the
 * interpreter's hot loop.
 *
 * @module
 */

import type { AccessSize, MmioDevice } from './device.js';
import { checkInteger, hex, MmuError } from './errors.js';

/** Size of a page (and of the bus's dispatch granule) in bytes. */
export const PAGE_SIZE = 4096;

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * Where a {@link Ram}'s bytes live when the caller provides them: a core that runs host code
 * against guest RAM directly (a WebAssembly memory, say) puts RAM inside its own buffer.
 */
export interface RamStorage {
  /** The buffer holding the RAM (an `ArrayBuffer`; a WebAssembly memory's buffer is one). */
  readonly buffer: ArrayBuffer;
  /** Where RAM starts in it: a multiple of 4, with room for the whole RAM after it. */
  readonly byteOffset: number;
}

function checkStorage(storage: RamStorage, size: number, name: string): void {
  const { buffer, byteOffset } = storage;
  if (
    !(buffer instanceof ArrayBuffer) ||
    !Number.isInteger(byteOffset) ||
    byteOffset < 0 ||
    byteOffset % 4 !== 0 ||
    byteOffset + size > buffer.byteLength
  ) {
    throw new MmuError(
      'INVALID_ARGUMENT',
      `Ram ${name}: storage must be an ArrayBuffer holding ${size} bytes at a byte offset that is a multiple of 4`,
    );
  }
}

/**
 * Guest RAM: `size` bytes of one `ArrayBuffer` mapped at physical address `base`. The views
 * `u8`, `u16` and `i32` alias the buffer (guest memory is little-endian and so must the host
 * be: the constructor checks). `read`/`write` take offsets relative to `base`, as for any
 * {@link MmioDevice}; hot loops index the views directly with offsets from
 * `Bus.ramOffset` or `Mmu.translateFast`.
 *
 * @example
 * ```ts
 * import { Ram } from '@trapeze/mmu';
 *
 * const ram = new Ram(0x8000_0000, 0x10_0000); // 1 MiB where QEMU's virt board has RAM
 * ram.loadBytes(0x8000_0010, new Uint8Array([0x78, 0x56, 0x34, 0x12])); // physical address
 * ram.read(0x10, 4); // → 0x12345678
 * ram.i32[0x10 >> 2]; // → 0x12345678
 * ram.write(0x11, 2, 0xbeef); // offsets need not be aligned
 * ram.readBytes(0x8000_0010, 4); // → new Uint8Array([0x78, 0xef, 0xbe, 0x12])
 * ```
 */
export class Ram implements MmioDevice {
  /** Name for logs and the bus's region list. */
  readonly name: string;
  /** Physical base address (4 KiB-aligned). */
  readonly base: number;
  /** Size in bytes (a whole number of 4 KiB pages). */
  readonly size: number;
  /** The backing store (RAM starts at {@link Ram.byteOffset} in it). */
  readonly buffer: ArrayBuffer;
  /** Where RAM starts in {@link Ram.buffer} (0 unless given {@link RamStorage}). */
  readonly byteOffset: number;
  /** Byte view. */
  readonly u8: Uint8Array;
  /** Halfword view (index = offset >> 1; valid for aligned offsets). */
  readonly u16: Uint16Array;
  /** Word view (index = offset >> 2; valid for aligned offsets). */
  readonly i32: Int32Array;
  /**
   * Code-page bits, one byte per 4 KiB page (index = offset >> 12): non-zero while a
   * translator holds code translated from the page. A write through {@link Ram.write},
   * {@link Ram.loadBytes}, {@link Ram.clear} or {@link Ram.written} to a marked page clears its
   * bit and calls {@link Ram.onCodeWrite} first, so translated code never outlives the bytes it
   * came from. Writers that use the views directly call {@link Ram.written}.
   */
  readonly codePages: Uint8Array;
  /** Called with the page index when a write reaches a page whose code bit is set. */
  onCodeWrite: ((page: number) => void) | undefined = undefined;

  /**
   * @param base physical base address, 4 KiB-aligned (QEMU `virt`: `0x80000000`)
   * @param size bytes, a positive multiple of 4 KiB with `base + size <= 2^32`
   * @param storage where the bytes live (a new buffer of `size` bytes by default)
   * @throws MmuError `BIG_ENDIAN_HOST`, `INVALID_SIZE`, `MISALIGNED_MAPPING`, `OUT_OF_RANGE`;
   * `INVALID_ARGUMENT` when `storage` does not hold `size` bytes at a multiple of 4
   */
  constructor(base: number, size: number, name = 'ram', storage?: RamStorage) {
    if (!littleEndianHost()) {
      throw new MmuError(
        'BIG_ENDIAN_HOST',
        'Ram: the host is big-endian; Trapeze needs a little-endian host',
      );
    }
    if (!Number.isInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new MmuError('INVALID_SIZE', `Ram: size ${size} is not a positive multiple of 4096`);
    }
    if (!Number.isInteger(base) || base < 0 || base % PAGE_SIZE !== 0) {
      throw new MmuError(
        'MISALIGNED_MAPPING',
        `Ram: base ${base} is not a 4 KiB-aligned physical address`,
      );
    }
    if (base + size > 0x1_0000_0000) {
      throw new MmuError(
        'OUT_OF_RANGE',
        `Ram: ${hex(base)} + ${hex(size)} goes past the 32-bit physical space`,
      );
    }
    this.name = name;
    this.base = base;
    this.size = size;
    if (storage !== undefined) checkStorage(storage, size, name);
    this.buffer = storage?.buffer ?? new ArrayBuffer(size);
    this.byteOffset = storage?.byteOffset ?? 0;
    this.u8 = new Uint8Array(this.buffer, this.byteOffset, size);
    this.u16 = new Uint16Array(this.buffer, this.byteOffset, size >>> 1);
    this.i32 = new Int32Array(this.buffer, this.byteOffset, size >>> 2);
    this.codePages = new Uint8Array(size / PAGE_SIZE);
  }

  /**
   * Reports a write of `length` bytes at `offset` made through the views: pages holding
   * translated code among them lose it ({@link Ram.codePages}).
   */
  written(offset: number, length: number): void {
    if (length <= 0) return;
    const last = Math.min(offset + length - 1, this.size - 1) >>> 12;
    for (let page = offset >>> 12; page <= last; page++) {
      if (this.codePages[page] !== 0) this.codeWritten(page);
    }
  }

  /** Clears the code bit of `page` and tells {@link Ram.onCodeWrite}. */
  private codeWritten(page: number): void {
    this.codePages[page] = 0;
    this.onCodeWrite?.(page);
  }

  /**
   * Reads `size` bytes at `offset` (relative to `base`), zero-extended. Aligned accesses use
   * the wide views; unaligned ones assemble bytes (little-endian). The caller keeps
   * `offset + size <= this.size` (the bus does).
   */
  read(offset: number, size: AccessSize): number {
    if (size === 4) {
      if ((offset & 3) === 0) return this.i32[offset >> 2] >>> 0;
      const b = this.u8;
      return (
        (b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0
      );
    }
    if (size === 2) {
      if ((offset & 1) === 0) return this.u16[offset >> 1];
      return this.u8[offset] | (this.u8[offset + 1] << 8);
    }
    return this.u8[offset];
  }

  /** Writes the low `size` bytes of `value` at `offset` (relative to `base`). */
  write(offset: number, size: AccessSize, value: number): void {
    if (this.codePages[offset >>> 12] !== 0) this.codeWritten(offset >>> 12);
    if ((offset & 0xfff) + size > 0x1000) this.written(offset, size);
    if (size === 4) {
      if ((offset & 3) === 0) {
        this.i32[offset >> 2] = value;
        return;
      }
      const b = this.u8;
      b[offset] = value;
      b[offset + 1] = value >>> 8;
      b[offset + 2] = value >>> 16;
      b[offset + 3] = value >>> 24;
      return;
    }
    if (size === 2) {
      if ((offset & 1) === 0) {
        this.u16[offset >> 1] = value;
        return;
      }
      this.u8[offset] = value;
      this.u8[offset + 1] = value >>> 8;
      return;
    }
    this.u8[offset] = value;
  }

  /** Whether the `length` bytes at physical address `paddr` are all inside this RAM. */
  contains(paddr: number, length: number): boolean {
    return paddr >= this.base && length >= 0 && paddr + length <= this.base + this.size;
  }

  /**
   * Copies `bytes` into RAM at physical address `paddr` (for loading ELF segments and images).
   *
   * @throws MmuError `INVALID_ARGUMENT` when `paddr` is not an integer in 0…2^32 − 1 or
   * `bytes` is not a `Uint8Array`; `OUT_OF_RANGE` when the bytes do not fit inside this RAM
   */
  loadBytes(paddr: number, bytes: Uint8Array): void {
    checkInteger(paddr, `Ram ${this.name}: loadBytes address`, 0, 0xffff_ffff);
    if (!(bytes instanceof Uint8Array))
      throw new MmuError('INVALID_ARGUMENT', `Ram ${this.name}: loadBytes takes a Uint8Array`);
    if (!this.contains(paddr, bytes.length)) {
      throw new MmuError(
        'OUT_OF_RANGE',
        `Ram ${this.name}: ${bytes.length} bytes at ${hex(paddr)} do not fit in ${hex(this.base)}..${hex(this.base + this.size)}`,
      );
    }
    this.written(paddr - this.base, bytes.length);
    this.u8.set(bytes, paddr - this.base);
  }

  /**
   * Copies `length` bytes out of RAM from physical address `paddr`.
   *
   * @throws MmuError `INVALID_ARGUMENT` when `paddr` is not an integer in 0…2^32 − 1 or
   * `length` not one in 0…`size`; `OUT_OF_RANGE` when the range is not inside this RAM
   */
  readBytes(paddr: number, length: number): Uint8Array {
    checkInteger(paddr, `Ram ${this.name}: readBytes address`, 0, 0xffff_ffff);
    checkInteger(length, `Ram ${this.name}: readBytes length`, 0, this.size);
    if (!this.contains(paddr, length)) {
      throw new MmuError(
        'OUT_OF_RANGE',
        `Ram ${this.name}: ${length} bytes at ${hex(paddr)} are not inside ${hex(this.base)}..${hex(this.base + this.size)}`,
      );
    }
    const offset = paddr - this.base;
    return this.u8.slice(offset, offset + length);
  }

  /** Fills all of RAM with zeros. */
  clear(): void {
    this.written(0, this.size);
    this.u8.fill(0);
  }
}
