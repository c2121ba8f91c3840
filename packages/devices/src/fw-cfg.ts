/**
 * QEMU's firmware configuration device (fw-cfg) in its MMIO form, as the `virt` board has it:
 * a data register, a selector and the DMA interface.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import { SnapshotReader } from './validate.js';

/** Size of the register window: data (8 bytes), selector (8), DMA address (8). */
export const FW_CFG_SIZE = 0x18;

/** Offsets of fw-cfg's MMIO registers. */
export const FW_CFG_REG = {
  /** Data: reads the selected item from the current offset, any width; at offset 0 only. */
  data: 0x00,
  /** Selector: 16-bit, big-endian, write-only. */
  selector: 0x08,
  /** DMA address, high word (big-endian, 32-bit writes). */
  dmaHigh: 0x10,
  /** DMA address, low word: writing it starts the transfer. */
  dmaLow: 0x14,
} as const;

/** Well-known item keys (selector values). */
export const FW_CFG_KEY = {
  /** `QEMU`. */
  signature: 0x00,
  /** Feature bits: 1 traditional interface, 2 DMA. */
  id: 0x01,
  /** The machine's UUID (16 bytes). */
  uuid: 0x02,
  /** 1 when QEMU runs with `-nographic` (16-bit). */
  nographic: 0x04,
  /** Number of CPUs (16-bit). */
  cpus: 0x05,
  /** Boot menu enabled (16-bit). */
  bootMenu: 0x0e,
  /** The file directory. */
  fileDir: 0x19,
  /** The first file's key; files follow in name order. */
  firstFile: 0x20,
} as const;

/** DMA control bits (the first, big-endian word of a `FWCfgDmaAccess`). */
export const FW_CFG_DMA = {
  error: 0x01,
  read: 0x02,
  skip: 0x04,
  select: 0x08,
  write: 0x10,
} as const;

/** `QEMU CFG`, what the DMA address register reads (big-endian). */
export const FW_CFG_DMA_SIGNATURE = 'QEMU CFG';

/** One file of the fw-cfg directory. */
export interface FwCfgFile {
  /** Its name (at most 55 bytes of ASCII). */
  readonly name: string;
  /** Its contents. */
  readonly data: Uint8Array;
}

/**
 * Guest-physical memory as fw-cfg's DMA reaches it. Addresses may be above 4 GiB (fw-cfg's
 * are 64-bit): refuse them.
 */
export interface DmaMemory {
  /** `length` bytes at `address`, or `undefined` when some byte is not there. */
  read(address: number, length: number): Uint8Array | undefined;
  /** Writes `bytes` at `address`; `false` when some byte could not be written. */
  write(address: number, bytes: Uint8Array): boolean;
}

/** Options of {@link FwCfg}. */
export interface FwCfgOptions {
  /** Memory for the DMA interface; without it every DMA transfer finds no descriptor. */
  readonly memory?: DmaMemory;
  /**
   * The files of the directory. Default: what QEMU 7.2's `virt` board lists with `-bios none
   * -kernel FILE`: `bios-geometry` and `bootorder` (empty), `etc/boot-fail-wait` (4 bytes,
   * -1 little-endian).
   */
  readonly files?: readonly FwCfgFile[];
  /** The `-nographic` item (1 by default, as Trapeze's console is the serial port). */
  readonly nographic?: boolean;
  /** Name for logs (`fw-cfg` by default). */
  readonly name?: string;
}

/** fw-cfg's guest-visible state as plain data. */
export interface FwCfgSnapshot {
  /** The selector's value. */
  readonly selector: number;
  /** The data offset in the selected item. */
  readonly offset: number;
  /** The high word of the DMA address. */
  readonly dmaHigh: number;
}

/** The files QEMU 7.2's `virt` board lists with `-bios none -kernel FILE`. */
export const QEMU_VIRT_FW_CFG_FILES: readonly FwCfgFile[] = [
  { name: 'bios-geometry', data: new Uint8Array(0) },
  { name: 'bootorder', data: new Uint8Array(0) },
  { name: 'etc/boot-fail-wait', data: Uint8Array.of(0xff, 0xff, 0xff, 0xff) },
];

const MAX_FILE_NAME = 55;
/** Bytes a DMA transfer moves per step (a transfer may ask for 4 GiB). */
const DMA_CHUNK = 0x1_0000;

/**
 * fw-cfg as QEMU 7.2's `virt` board maps it at `0x1010_0000` (`qemu,fw-cfg-mmio`, 0x18
 * bytes). Items, as QEMU shows them with `-bios none -kernel FILE -nographic`: the signature
 * `QEMU` (key 0), the feature bits 3 (key 1: traditional interface and DMA, little-endian),
 * a zero UUID (2), `-nographic` (4) and the CPU count (5) as 16-bit 1s, the boot menu flag (14,
 * 0), the file directory (0x19: a big-endian count, then per file its big-endian size and key
 * and a 56-byte name) and the files from key 0x20. Keys with bit 15 set (architecture items)
 * and keys without an item read zeros; bit 14 (the old write flag) is ignored.
 *
 * The registers, as QEMU answers them (other accesses are access faults, through `accepts`):
 * - **data** (offset 0, 1, 2 or 4 bytes): the next bytes of the selected item, the first at the
 *   lowest address (a 32-bit read of the signature gives `0x554d4551`), zeros past its end;
 *   writes are accepted and ignored (the offset does not move). Offsets 1–7 fault.
 * - **selector** (offset 8): 16-bit big-endian writes only; it selects the item and rewinds the
 *   offset. Reads fault.
 * - **DMA address** (offsets 16–23): reads of any width return the bytes of `QEMU CFG`; 32-bit
 *   big-endian writes set the high (16) and low (20) halves of the address of a `FWCfgDmaAccess`
 *   (control, length, 64-bit address, all big-endian); the low write runs the transfer at
 *   once: select (bit 3, key in control's high half), then read (bit 1; zeros past the item's
 *   end), else write (bit 4: no item here is writable, an error), else skip (bit 2). The control
 *   word becomes 0, or 1 (error) when memory was missing or the write refused; length and
 *   address are left as they were. The high half returns to 0 after each transfer.
 *
 * @example
 * ```ts
 * import { FwCfg } from '@trapeze/devices';
 *
 * const fwcfg = new FwCfg();
 * fwcfg.write(8, 2, 0x0000); // select key 0 (big-endian)
 * // 'Q', 'E', 'M', 'U' at increasing addresses
 * fwcfg.read(0, 4); // → 0x554d4551
 * fwcfg.write(8, 2, 0x0100); // key 1
 * // Traditional interface and DMA
 * fwcfg.read(0, 4); // → 3
 * // The DMA register reads 'QEMU CFG'
 * fwcfg.read(16, 4); // → 0x554d4551
 * ```
 */
export class FwCfg implements MmioDevice {
  readonly name: string;
  readonly size = FW_CFG_SIZE;
  private readonly items = new Map<number, Uint8Array>();
  private readonly memory: DmaMemory | undefined;
  private selector = 0;
  private offset = 0;
  private dmaHigh = 0;

  /** @throws {@link DeviceError} `BAD_OPTION` for a file name that is empty, too long or not ASCII, or a repeated one. */
  constructor(options: FwCfgOptions = {}) {
    this.name = options.name ?? 'fw-cfg';
    this.memory = options.memory;
    const files = [...(options.files ?? QEMU_VIRT_FW_CFG_FILES)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    const le = (value: number, bytes: number) =>
      Uint8Array.from({ length: bytes }, (_, i) => (value >>> (8 * i)) & 0xff);
    this.items.set(FW_CFG_KEY.signature, Uint8Array.of(0x51, 0x45, 0x4d, 0x55));
    this.items.set(FW_CFG_KEY.id, le(3, 4));
    this.items.set(FW_CFG_KEY.uuid, new Uint8Array(16));
    this.items.set(FW_CFG_KEY.nographic, le(options.nographic === false ? 0 : 1, 2));
    this.items.set(FW_CFG_KEY.cpus, le(1, 2));
    this.items.set(FW_CFG_KEY.bootMenu, le(0, 2));
    const dir = new Uint8Array(4 + 64 * files.length);
    const view = new DataView(dir.buffer);
    view.setUint32(0, files.length);
    for (const [i, file] of files.entries()) {
      const name = file.name;
      if (
        typeof name !== 'string' ||
        name.length === 0 ||
        name.length > MAX_FILE_NAME ||
        !/^[\x20-\x7e]+$/.test(name)
      )
        throw new DeviceError(
          'BAD_OPTION',
          this.name,
          `file name ${JSON.stringify(name)} must be 1…${MAX_FILE_NAME} printable ASCII characters`,
        );
      if (i > 0 && files[i - 1]?.name === name)
        throw new DeviceError(
          'BAD_OPTION',
          this.name,
          `file ${JSON.stringify(name)} is listed twice`,
        );
      if (!(file.data instanceof Uint8Array))
        throw new DeviceError('BAD_OPTION', this.name, `file ${name}: data must be a Uint8Array`);
      const key = FW_CFG_KEY.firstFile + i;
      this.items.set(key, file.data.slice());
      const at = 4 + 64 * i;
      view.setUint32(at, file.data.length);
      view.setUint16(at + 4, key);
      for (let k = 0; k < name.length; k++) dir[at + 8 + k] = name.charCodeAt(k);
    }
    this.items.set(FW_CFG_KEY.fileDir, dir);
  }

  accepts(offset: number, size: AccessSize, store: boolean): boolean {
    if (offset === FW_CFG_REG.data) return true;
    if (offset === FW_CFG_REG.selector) return store && size === 2;
    if (offset >= FW_CFG_REG.dmaHigh)
      return (
        !store || (size === 4 && (offset === FW_CFG_REG.dmaHigh || offset === FW_CFG_REG.dmaLow))
      );
    return false;
  }

  read(offset: number, size: AccessSize): number {
    if (offset >= FW_CFG_REG.dmaHigh) {
      let value = 0;
      for (let k = size - 1; k >= 0; k--)
        value = value * 256 + FW_CFG_DMA_SIGNATURE.charCodeAt(offset - FW_CFG_REG.dmaHigh + k);
      return value;
    }
    if (offset !== FW_CFG_REG.data) return 0;
    const item = this.item();
    let value = 0;
    for (let k = size - 1; k >= 0; k--) value = value * 256 + (item?.[this.offset + k] ?? 0);
    this.offset = Math.min(this.offset + size, 0xffff_ffff);
    return value;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset === FW_CFG_REG.selector && size === 2) {
      this.select(((value & 0xff) << 8) | ((value >>> 8) & 0xff));
    } else if (offset === FW_CFG_REG.dmaHigh && size === 4) {
      this.dmaHigh = swap32(value);
    } else if (offset === FW_CFG_REG.dmaLow && size === 4) {
      const address = this.dmaHigh * 0x1_0000_0000 + swap32(value);
      this.dmaHigh = 0;
      this.transfer(address);
    }
    // Data writes are ignored, as QEMU 7.2 ignores them.
  }

  /** Resets the selector, the offset and the DMA address (QEMU's system reset). */
  reset(): void {
    this.selector = 0;
    this.offset = 0;
    this.dmaHigh = 0;
  }

  private select(key: number): void {
    this.selector = key;
    this.offset = 0;
  }

  /** The selected item, or `undefined` for a key without one. */
  private item(): Uint8Array | undefined {
    return (this.selector & 0x8000) !== 0 ? undefined : this.items.get(this.selector & 0x3fff);
  }

  /** Runs the DMA transfer described at guest-physical `address`. */
  private transfer(address: number): void {
    const memory = this.memory;
    const descriptor = memory?.read(address, 16);
    if (memory === undefined || descriptor === undefined) return;
    const view = new DataView(descriptor.buffer, descriptor.byteOffset, 16);
    const control = view.getUint32(0);
    let length = view.getUint32(4);
    let target = view.getUint32(8) * 0x1_0000_0000 + view.getUint32(12);
    if ((control & FW_CFG_DMA.select) !== 0) this.select(control >>> 16);
    const read = (control & FW_CFG_DMA.read) !== 0;
    const write = !read && (control & FW_CFG_DMA.write) !== 0;
    if (!read && !write && (control & FW_CFG_DMA.skip) === 0) length = 0;
    let error = false;
    const item = this.item();
    while (length > 0 && !error) {
      const available = item === undefined ? 0 : Math.max(0, item.length - this.offset);
      const n = Math.min(length, available > 0 ? available : length, DMA_CHUNK);
      if (read) {
        const bytes =
          available > 0 && item !== undefined
            ? item.subarray(this.offset, this.offset + n)
            : new Uint8Array(n);
        if (!memory.write(target, bytes)) error = true;
      } else if (write) {
        // No item of the virt board is writable.
        error = true;
      }
      if (available > 0) this.offset += n;
      target += n;
      length -= n;
    }
    const done = new Uint8Array(4);
    new DataView(done.buffer).setUint32(0, error ? FW_CFG_DMA.error : 0);
    memory.write(address, done);
  }

  /** The registers as plain, JSON-serializable data. */
  snapshot(): FwCfgSnapshot {
    return { selector: this.selector, offset: this.offset, dmaHigh: this.dmaHigh };
  }

  /**
   * Restores a {@link FwCfgSnapshot}.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: FwCfgSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const selector = r.int('selector', 0xffff);
    const offset = r.int('offset');
    const dmaHigh = r.int('dmaHigh');
    this.selector = selector;
    this.offset = offset;
    this.dmaHigh = dmaHigh;
  }
}

function swap32(value: number): number {
  return (
    (((value & 0xff) << 24) |
      ((value & 0xff00) << 8) |
      ((value >>> 8) & 0xff00) |
      ((value >>> 24) & 0xff)) >>>
    0
  );
}
