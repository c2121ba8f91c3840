/**
 * A bank of CFI parallel flash as QEMU's `virt` board models it (`pflash_cfi01`: Intel/Sharp
 * command set, two 16-bit chips side by side on a 32-bit bus), with no backing file.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { SnapshotReader } from './validate.js';

/** Size of one flash bank of QEMU's `virt` board (32 MiB). */
export const FLASH_BANK_SIZE = 0x200_0000;
/** Erase block (sector) of a bank: 256 KiB (128 KiB per chip). */
export const FLASH_SECTOR_SIZE = 0x4_0000;
/** Write buffer of a bank, in bytes (2 KiB per chip). */
export const FLASH_WRITE_BUFFER_SIZE = 0x1000;
/** Manufacturer ID the chips report (Intel). */
export const FLASH_MANUFACTURER_ID = 0x89;
/** Device ID the chips report. */
export const FLASH_DEVICE_ID = 0x18;

/** Status register bit 7: the chip is ready. */
const STATUS_READY = 0x80;
/** Status register bit 4: program error (a buffered write outside its block). */
const STATUS_PROGRAM_ERROR = 0x10;
/** Bytes per storage page (pages are allocated when first written). */
const PAGE = 0x1000;

/**
 * The CFI query table of one chip as QEMU 7.2 reports it, from index 0x10 (`Q`, `R`, `Y`) to
 * 0x3f; every other index reads 0.
 */
const CFI_TABLE: ReadonlyMap<number, number> = new Map([
  [0x10, 0x51], // 'Q'
  [0x11, 0x52], // 'R'
  [0x12, 0x59], // 'Y'
  [0x13, 0x01], // primary command set: Intel/Sharp extended
  [0x15, 0x31], // primary extended table at 0x31
  [0x1b, 0x45], // Vcc min 4.5 V
  [0x1c, 0x55], // Vcc max 5.5 V
  [0x1f, 0x07], // typical word program time 2^7 µs
  [0x20, 0x07], // typical buffer write time 2^7 µs
  [0x21, 0x0a], // typical block erase time 2^10 ms
  [0x23, 0x04], // maximum word program time ×2^4
  [0x24, 0x04], // maximum buffer write time ×2^4
  [0x25, 0x04], // maximum block erase time ×2^4
  [0x27, 0x18], // chip size 2^24 bytes
  [0x28, 0x02], // interface: x16
  [0x2a, 0x0b], // write buffer 2^11 bytes
  [0x2c, 0x01], // one erase block region
  [0x2d, 0x7f], // 128 blocks (low byte of count − 1)
  [0x30, 0x02], // of 0x200 × 256 bytes (bytes 0x2f–0x30)
  [0x31, 0x50], // 'P'
  [0x32, 0x52], // 'R'
  [0x33, 0x49], // 'I'
  [0x34, 0x31], // version '1'
  [0x35, 0x30], // '0'
  [0x3f, 0x01],
]);

/**
 * Where the command state machine is: `array` (reads return the contents), `status`, `query`
 * (CFI), `id` (read identifier), or waiting for the next write of a command sequence.
 */
export type CfiFlashMode =
  | 'array'
  | 'status'
  | 'query'
  | 'id'
  | 'program'
  | 'erase'
  | 'lock'
  | 'buffer-count'
  | 'buffer-data'
  | 'buffer-confirm';

const MODES: readonly CfiFlashMode[] = [
  'array',
  'status',
  'query',
  'id',
  'program',
  'erase',
  'lock',
  'buffer-count',
  'buffer-data',
  'buffer-confirm',
];

/** A flash bank's state as plain data. */
export interface CfiFlashSnapshot {
  readonly mode: CfiFlashMode;
  /** The status register. */
  readonly status: number;
  /** Writes left in a buffered write (`buffer-data`). */
  readonly remaining: number;
  /** Offset of the 4 KiB part a buffered write fills (where its `0xe8` was written), or -1. */
  readonly bufferBase: number;
  /** The buffered write's data: `[offset, size, value]` each, applied at the confirm. */
  readonly buffer: readonly (readonly [number, number, number])[];
  /** Pages written since reset (4 KiB each, by byte offset in lowercase hex), base64. */
  readonly pages: Readonly<Record<string, string>>;
}

/** Options of {@link CfiFlash}. */
export interface CfiFlashOptions {
  /** Name for logs (`flash0`, `flash1`; `flash` by default). */
  readonly name?: string;
}

/**
 * One 32 MiB bank of QEMU 7.2's `virt` flash (`0x2000_0000` and `0x2200_0000`), as QEMU
 * models it when no `-drive if=pflash` is given: contents all zero, writable, lost at exit.
 * Two 16-bit Intel chips share the 32-bit bus, so a 32-bit read of an identifier, status or
 * query value returns it in both halves (`0x00890089`); 8- and 16-bit reads return it once.
 * Commands are the low byte of any write:
 *
 * | command | effect |
 * |---|---|
 * | `0xff`, `0xf0`, `0x00` | read array (the contents) |
 * | `0x70` | read status (`0x80`: ready) |
 * | `0x50` | clear status (to 0), read array |
 * | `0x90` | read identifier: index (offset ÷ 4) mod 256: 0 → `0x89`, 1 → `0x18`, others 0 |
 * | `0x98` | CFI query: index offset ÷ 4 of the table QEMU reports; left only by `0xff` (other writes are ignored) |
 * | `0x40`, `0x10` | program: the next write stores its value (replacing the bytes), then status |
 * | `0x20`, `0x28` | erase the 256 KiB block (to `0xff`) at once; a `0xd0` confirm reads status, anything else array |
 * | `0xe8` | buffered write: count − 1 (low 16 bits), then that many writes inside the 4 KiB block where `0xe8` was written, then `0xd0`; a write outside the block sets status bit 4 and the confirm then drops the data, as does any other confirm |
 * | `0x60` | lock setup: `0x01`, `0xd0`, `0x2f` read status (blocks never lock) |
 * | others | read array |
 *
 * While a sequence waits for its next write, reads return the status. Program, erase, a buffered
 * write and a confirmed lock set its bit 7 (ready); only `0x50` clears it.
 *
 * @example
 * ```ts
 * import { CfiFlash } from '@trapeze/devices';
 *
 * const flash = new CfiFlash({ name: 'flash0' });
 * flash.read(0, 4); // → 0
 * flash.write(0, 4, 0x98); // CFI query
 * // 'Q' from both chips
 * flash.read(0x10 * 4, 4); // → 0x00510051
 * flash.write(0, 4, 0xff); // back to read array
 * flash.write(0x100, 4, 0x40); // program…
 * flash.write(0x100, 4, 0x12345678); // …one word
 * // Status: ready
 * flash.read(0x100, 4); // → 0x00800080
 * flash.write(0, 4, 0xff);
 * flash.read(0x100, 4); // → 0x12345678
 * ```
 */
export class CfiFlash implements MmioDevice {
  readonly name: string;
  readonly size = FLASH_BANK_SIZE;
  private mode: CfiFlashMode = 'array';
  private status = STATUS_READY;
  private remaining = 0;
  private block = -1;
  private buffer: [number, number, number][] = [];
  /** Pages written since reset; every other page reads zero. */
  private readonly pages = new Map<number, Uint8Array>();

  constructor(options: CfiFlashOptions = {}) {
    this.name = options.name ?? 'flash';
  }

  /** The command state (for tests and traces). */
  get state(): CfiFlashMode {
    return this.mode;
  }

  read(offset: number, size: AccessSize): number {
    switch (this.mode) {
      case 'array':
        return this.readArray(offset, size);
      case 'query':
        return replicate(CFI_TABLE.get(offset >>> 2) ?? 0, size);
      case 'id': {
        const index = (offset >>> 2) & 0xff;
        const id = index === 0 ? FLASH_MANUFACTURER_ID : index === 1 ? FLASH_DEVICE_ID : 0;
        return replicate(id, size);
      }
      default:
        return replicate(this.status, size);
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    const command = value & 0xff;
    switch (this.mode) {
      case 'program':
        this.store(offset, size, value);
        this.status |= STATUS_READY;
        this.mode = 'status';
        return;
      case 'erase':
        this.mode = command === 0xd0 ? 'status' : 'array';
        return;
      case 'lock':
        this.mode = command === 0x01 || command === 0xd0 || command === 0x2f ? 'status' : 'array';
        if (this.mode === 'status') this.status |= STATUS_READY;
        return;
      case 'buffer-count':
        this.remaining = (value & 0xffff) + 1;
        this.buffer = [];
        this.mode = 'buffer-data';
        return;
      case 'buffer-data':
        this.bufferWrite(offset, size, value);
        return;
      case 'buffer-confirm':
        if (command === 0xd0 && (this.status & STATUS_PROGRAM_ERROR) === 0) {
          for (const [at, width, data] of this.buffer) this.store(at, width as AccessSize, data);
          this.status |= STATUS_READY;
          this.mode = 'status';
        } else this.mode = 'array';
        this.buffer = [];
        return;
      case 'query':
        // QEMU leaves query mode on 0xff only; every other write is ignored.
        if (command === 0xff) this.mode = 'array';
        return;
      default:
        this.command(offset, command);
    }
  }

  /** A command written in one of the read modes. */
  private command(offset: number, command: number): void {
    switch (command) {
      case 0x10:
      case 0x40:
        this.mode = 'program';
        return;
      case 0x20:
      case 0x28: {
        // QEMU erases the block when the command arrives; the confirm only reads status.
        const start = offset - (offset % FLASH_SECTOR_SIZE);
        for (let page = start; page < start + FLASH_SECTOR_SIZE; page += PAGE)
          this.pages.set(page, new Uint8Array(PAGE).fill(0xff));
        this.status |= STATUS_READY;
        this.mode = 'erase';
        return;
      }
      case 0x50:
        this.status = 0;
        this.mode = 'array';
        return;
      case 0x60:
        this.mode = 'lock';
        return;
      case 0x70:
        this.mode = 'status';
        return;
      case 0x90:
        this.mode = 'id';
        return;
      case 0x98:
        this.mode = 'query';
        return;
      case 0xe8:
        this.status |= STATUS_READY;
        this.block = offset - (offset % FLASH_WRITE_BUFFER_SIZE);
        this.mode = 'buffer-count';
        return;
      default:
        // 0xff, 0xf0, 0x00 (read array) and every command QEMU does not know.
        this.mode = 'array';
    }
  }

  /** One data write of a buffered write. */
  private bufferWrite(offset: number, size: AccessSize, value: number): void {
    if (offset >= this.block && offset + size <= this.block + FLASH_WRITE_BUFFER_SIZE)
      this.buffer.push([offset, size, value >>> 0]);
    else this.status |= STATUS_PROGRAM_ERROR;
    this.status |= STATUS_READY;
    this.remaining--;
    if (this.remaining === 0) this.mode = 'buffer-confirm';
  }

  private readArray(offset: number, size: AccessSize): number {
    const page = this.pages.get(offset - (offset % PAGE));
    if (page === undefined && (offset + size - 1) % PAGE >= offset % PAGE) return 0;
    let value = 0;
    for (let k = size - 1; k >= 0; k--) value = value * 256 + this.byte(offset + k);
    return value;
  }

  private byte(offset: number): number {
    return this.pages.get(offset - (offset % PAGE))?.[offset % PAGE] ?? 0;
  }

  private store(offset: number, size: number, value: number): void {
    for (let k = 0; k < size && offset + k < this.size; k++) {
      const at = offset + k;
      const base = at - (at % PAGE);
      let page = this.pages.get(base);
      if (page === undefined) {
        page = new Uint8Array(PAGE);
        this.pages.set(base, page);
      }
      page[at % PAGE] = (value >>> (8 * k)) & 0xff;
    }
  }

  /** Resets the command state (QEMU's system reset); the contents stay. */
  reset(): void {
    this.mode = 'array';
    this.status = STATUS_READY;
    this.remaining = 0;
    this.block = -1;
    this.buffer = [];
  }

  /** The bank's state and contents as plain, JSON-serializable data. */
  snapshot(): CfiFlashSnapshot {
    const pages: Record<string, string> = {};
    for (const [offset, bytes] of [...this.pages].sort(([a], [b]) => a - b))
      pages[offset.toString(16)] = toBase64(bytes);
    return {
      mode: this.mode,
      status: this.status,
      remaining: this.remaining,
      bufferBase: this.block,
      buffer: this.buffer.map(([a, b, c]) => [a, b, c] as const),
      pages,
    };
  }

  /**
   * Restores a {@link CfiFlashSnapshot}; nothing changes if it is refused.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: CfiFlashSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const s = snapshot as unknown as Record<string, unknown>;
    const mode = s.mode as CfiFlashMode;
    if (!MODES.includes(mode)) throw r.fail('mode', `must be one of ${MODES.join(', ')}`);
    const status = r.int('status', 0xff);
    const remaining = r.int('remaining', 0x10000);
    const block =
      s.bufferBase === -1 ? -1 : r.int('bufferBase', FLASH_BANK_SIZE - FLASH_WRITE_BUFFER_SIZE);
    if (block >= 0 && block % FLASH_WRITE_BUFFER_SIZE !== 0)
      throw r.fail('bufferBase', 'must be -1 or a multiple of 4096');
    if (!Array.isArray(s.buffer) || s.buffer.length > 0x10000)
      throw r.fail('buffer', 'must be an array');
    const buffer: [number, number, number][] = [];
    for (const [i, item] of (s.buffer as unknown[]).entries()) {
      if (
        !Array.isArray(item) ||
        item.length !== 3 ||
        !item.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff) ||
        ![1, 2, 4].includes(item[1]) ||
        item[0] + item[1] > FLASH_BANK_SIZE
      )
        throw r.fail(`buffer[${i}]`, 'must be [offset, size (1, 2 or 4), value] in the bank');
      buffer.push([item[0], item[1], item[2]]);
    }
    if (typeof s.pages !== 'object' || s.pages === null || Array.isArray(s.pages))
      throw r.fail('pages', 'must be an object');
    const pages = new Map<number, Uint8Array>();
    for (const [key, text] of Object.entries(s.pages as Record<string, unknown>)) {
      const offset = /^[0-9a-f]{1,7}$/.test(key) ? Number.parseInt(key, 16) : Number.NaN;
      if (!(offset % PAGE === 0 && offset < FLASH_BANK_SIZE))
        throw r.fail(`pages.${key}`, 'names no 4 KiB page of the bank (hex byte offsets)');
      const bytes = typeof text === 'string' ? fromBase64(text) : undefined;
      if (bytes?.length !== PAGE) throw r.fail(`pages.${key}`, 'must be 4096 bytes in base64');
      pages.set(offset, bytes);
    }
    this.mode = mode;
    this.status = status;
    this.remaining = remaining;
    this.block = block;
    this.buffer = buffer;
    this.pages.clear();
    for (const [offset, bytes] of pages) this.pages.set(offset, bytes);
  }
}

/** A chip's 8-bit value as an access of `size` bytes sees it (both chips on a 32-bit read). */
function replicate(value: number, size: AccessSize): number {
  return size === 4 ? (value | (value << 16)) >>> 0 : value;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
