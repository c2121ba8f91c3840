/**
 * The hypervisor's validation of a paravirtualized guest's own Sv32 page tables (docs/pv-abi.md
 * §4). The hardware walks the guest's tables directly — no shadow — which is safe because every
 * table is checked before it may be used and every entry before it is written: each guest RAM
 * frame is plain (with a count of the writable leaf entries that map it) or a table (a leaf
 * table or a root, with a count of table references: pins, links from roots, the active root),
 * and a frame becomes a table only while nothing maps it writable. So no frame is ever both a
 * page table and writable by the guest, and no entry maps anything but guest RAM or a device
 * frame the guest was given.
 *
 * @module
 */
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, type Ram } from '@trapeze/mmu';
import {
  SBI_ERR_ALREADY_AVAILABLE,
  SBI_ERR_DENIED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_SUCCESS,
  type SbiError,
  TRPZ_LEVEL_LEAF,
  TRPZ_LEVEL_ROOT,
  TRPZ_MMU_BATCH_MAX,
} from './abi.js';
import { ParaVirtError } from './errors.js';

/** What a guest RAM frame is now: plain memory, a leaf (level-0) table or a root. */
export type FrameKind = 'plain' | 'leaf' | 'root';

/** A range of device frames the guest may map (`[start, end)`, 4 KiB-aligned, outside RAM). */
export interface DeviceRange {
  readonly start: number;
  readonly end: number;
}

/** The outcome of a batch of updates: the SBI error and how many entries were applied. */
export interface BatchResult {
  readonly error: SbiError;
  readonly applied: number;
}

const PLAIN = 0;
const LEAF = 1;
const ROOT = 2;
const KIND_NAMES: readonly FrameKind[] = ['plain', 'leaf', 'root'];
const ENTRIES = 1024;
const LEAF_BITS = PTE_R | PTE_W | PTE_X;

/**
 * Frame kinds and reference counts of one guest's RAM, and the checked operations of the PV
 * ABI's page-table calls. Every operation answers an SBI error code: bad guest input is never
 * a host exception, and a refused operation changes nothing (a batch stops at its first bad
 * entry, with the entries before it applied).
 *
 * @example
 * ```ts
 * import { PTE_R, PTE_V, PTE_W, pte, Ram } from '@trapeze/mmu';
 * import { SBI_ERR_DENIED, TableValidator } from '@trapeze/para-virt';
 *
 * const ram = new Ram(0x8000_0000, 64 * 4096);
 * const tables = new TableValidator(ram);
 * // An empty root and an empty leaf table, pinned (0 is SBI_SUCCESS).
 * tables.pin(0x8000_0000, 1); // → 0
 * tables.pin(0x8000_1000, 0); // → 0
 * // Link the leaf table into the root; mapping the root writable is then refused.
 * tables.update(0x8000_0000, pte(0x80001, PTE_V)); // → 0
 * tables.update(0x8000_1000, pte(0x80000, PTE_V | PTE_R | PTE_W)); // → SBI_ERR_DENIED
 * tables.kindOf(0x8000_1000); // → 'leaf'
 * ```
 */
export class TableValidator {
  /** The guest's RAM (the frames validated and the tables read and written). */
  readonly ram: Ram;
  /** Device frames the guest may map, besides its RAM. */
  readonly devices: readonly DeviceRange[];
  private readonly kind: Uint8Array;
  private readonly tableRefs: Int32Array;
  private readonly writeRefs: Int32Array;
  private readonly pinned: Uint8Array;
  private active = -1;
  /**
   * Frames that became tables so far (a plain frame validated as a root or a leaf table): the
   * hypervisor flushes every translation when this moves, so that no stale writable translation
   * of a new table survives.
   */
  promotions = 0;

  /**
   * @param ram the guest's RAM
   * @param devices device frames the guest may map (the virtio-mmio pages under `para`)
   * @throws {@link ParaVirtError} `BAD_ARGUMENT` for a device range that is not 4 KiB-aligned,
   * empty, past 2^32 or overlapping RAM
   */
  constructor(ram: Ram, devices: readonly DeviceRange[] = []) {
    for (const { start, end } of devices) {
      if (
        !Number.isInteger(start) ||
        !Number.isInteger(end) ||
        start % 4096 !== 0 ||
        end % 4096 !== 0 ||
        start < 0 ||
        end <= start ||
        end > 0x1_0000_0000 ||
        (start < ram.base + ram.size && end > ram.base)
      )
        throw new ParaVirtError(
          'BAD_ARGUMENT',
          `TableValidator: device range ${start}..${end} must be whole 4 KiB pages below 2^32, outside RAM`,
        );
    }
    this.ram = ram;
    this.devices = devices.map(({ start, end }) => ({ start, end }));
    const frames = ram.size / 4096;
    this.kind = new Uint8Array(frames);
    this.tableRefs = new Int32Array(frames);
    this.writeRefs = new Int32Array(frames);
    this.pinned = new Uint8Array(frames);
  }

  /** What the frame at `pa` is, or undefined when `pa` is not in guest RAM. */
  kindOf(pa: number): FrameKind | undefined {
    const frame = this.frameOf(pa);
    return frame < 0 ? undefined : KIND_NAMES[this.kind[frame] as number];
  }

  /** Whether the frame at `pa` is a page table now (device DMA must not write it). */
  isTable(pa: number): boolean {
    const frame = this.frameOf(pa);
    return frame >= 0 && (this.tableRefs[frame] as number) > 0;
  }

  /** Table references of the frame at `pa` (pins, links from roots, the active root). */
  tableReferences(pa: number): number {
    const frame = this.frameOf(pa);
    return frame < 0 ? 0 : (this.tableRefs[frame] as number);
  }

  /** Writable references of the frame at `pa` (leaf entries mapping it with W = 1). */
  writableReferences(pa: number): number {
    const frame = this.frameOf(pa);
    return frame < 0 ? 0 : (this.writeRefs[frame] as number);
  }

  /** Whether the frame at `pa` is pinned. */
  isPinned(pa: number): boolean {
    const frame = this.frameOf(pa);
    return frame >= 0 && this.pinned[frame] === 1;
  }

  /** The physical address of the active root, or -1 before {@link TableValidator.setRoot}. */
  get root(): number {
    return this.active < 0 ? -1 : this.ram.base + this.active * 4096;
  }

  /** Physical addresses of the pinned frames, in address order. */
  pinnedFrames(): number[] {
    const out: number[] = [];
    for (let f = 0; f < this.pinned.length; f++)
      if (this.pinned[f] === 1) out.push(this.ram.base + f * 4096);
    return out;
  }

  /**
   * `TRPZ_PIN_TABLE`: validates the frame at `framePa` as a root (`level` 1) or a leaf table
   * (0) and holds a reference until {@link TableValidator.unpin}.
   */
  pin(framePa: number, level: number): SbiError {
    const frame = this.alignedFrame(framePa);
    if (frame < 0) return SBI_ERR_INVALID_ADDRESS;
    if (level !== TRPZ_LEVEL_LEAF && level !== TRPZ_LEVEL_ROOT) return SBI_ERR_INVALID_PARAM;
    if (this.pinned[frame] === 1) return SBI_ERR_ALREADY_AVAILABLE;
    const error = this.acquire(frame, level === TRPZ_LEVEL_ROOT ? ROOT : LEAF);
    if (error === SBI_SUCCESS) this.pinned[frame] = 1;
    return error;
  }

  /** `TRPZ_UNPIN_TABLE`: drops the pin of the frame at `framePa`. */
  unpin(framePa: number): SbiError {
    const frame = this.alignedFrame(framePa);
    if (frame < 0 || this.pinned[frame] !== 1) return SBI_ERR_INVALID_PARAM;
    this.pinned[frame] = 0;
    this.release(frame);
    return SBI_SUCCESS;
  }

  /**
   * `TRPZ_SET_ROOT`: makes the pinned root at `framePa` the active one (it holds a reference
   * while active). The caller then loads `satp` and flushes every translation.
   */
  setRoot(framePa: number): SbiError {
    const frame = this.alignedFrame(framePa);
    if (frame < 0 || this.pinned[frame] !== 1 || this.kind[frame] !== ROOT)
      return SBI_ERR_INVALID_PARAM;
    (this.tableRefs[frame] as number)++;
    if (this.active >= 0) this.release(this.active);
    this.active = frame;
    return SBI_SUCCESS;
  }

  /**
   * One `TRPZ_MMU_UPDATE` entry: writes `value` into the page-table entry at `slotPa` after
   * checking it at that table's level and taking its references; the old entry's references
   * are dropped. Nothing changes when it is refused.
   */
  update(slotPa: number, value: number): SbiError {
    if (!Number.isInteger(slotPa) || (slotPa & 3) !== 0) return SBI_ERR_INVALID_PARAM;
    const frame = this.frameOf(slotPa);
    if (frame < 0 || (this.tableRefs[frame] as number) === 0) return SBI_ERR_INVALID_PARAM;
    const level = this.kind[frame] as number;
    const offset = (slotPa >>> 0) - this.ram.base;
    const old = this.ram.read(offset, 4);
    const entry = value >>> 0;
    const error = this.take(entry, level);
    if (error !== SBI_SUCCESS) return error;
    this.ram.write(offset, 4, entry);
    this.drop(old, level);
    return SBI_SUCCESS;
  }

  /**
   * `TRPZ_MMU_UPDATE`'s batch: `count` entries of `{ slot_pa, value }` read from guest RAM at
   * `batchPa`, applied in order up to the first refused one.
   */
  updateBatch(batchPa: number, count: number): BatchResult {
    if (!Number.isInteger(count) || count < 0 || count > TRPZ_MMU_BATCH_MAX)
      return { error: SBI_ERR_INVALID_PARAM, applied: 0 };
    if (
      !Number.isInteger(batchPa) ||
      (batchPa & 7) !== 0 ||
      !this.ram.contains(batchPa >>> 0, count * 8)
    )
      return { error: SBI_ERR_INVALID_ADDRESS, applied: 0 };
    const base = (batchPa >>> 0) - this.ram.base;
    for (let i = 0; i < count; i++) {
      const slot = this.ram.read(base + i * 8, 4);
      const value = this.ram.read(base + i * 8 + 4, 4);
      const error = this.update(slot, value);
      if (error !== SBI_SUCCESS) return { error, applied: i };
    }
    return { error: SBI_SUCCESS, applied: count };
  }

  /**
   * Recounts every reference from the tables in RAM and checks the invariants: the messages of
   * what is wrong, none when all holds. For tests and audits (it reads every table).
   */
  audit(): string[] {
    const frames = this.kind.length;
    const tables = new Int32Array(frames);
    const writes = new Int32Array(frames);
    const problems: string[] = [];
    for (let f = 0; f < frames; f++) {
      if (this.pinned[f] === 1) tables[f]++;
      if (f === this.active) tables[f]++;
    }
    for (let f = 0; f < frames; f++) {
      if ((this.tableRefs[f] as number) === 0) {
        if (this.kind[f] !== PLAIN) problems.push(`frame ${f}: no table reference but not plain`);
        continue;
      }
      const level = this.kind[f] as number;
      if (level === PLAIN) problems.push(`frame ${f}: table references but plain`);
      for (let i = 0; i < ENTRIES; i++) {
        const entry = this.ram.read(f * 4096 + i * 4, 4);
        if ((entry & PTE_V) === 0) continue;
        const target = this.frameOf(ppnAddress(entry));
        if ((entry & LEAF_BITS) === 0) {
          if (level !== ROOT || target < 0 || this.kind[target] !== LEAF)
            problems.push(
              `frame ${f} entry ${i}: a non-leaf entry not from a root to a leaf table`,
            );
          else tables[target]++;
        } else if (level !== LEAF) {
          problems.push(`frame ${f} entry ${i}: a leaf in a root`);
        } else if (target < 0) {
          if (!this.isDevice(ppnAddress(entry)))
            problems.push(`frame ${f} entry ${i}: maps outside RAM and the devices`);
        } else if ((entry & PTE_W) !== 0) writes[target]++;
      }
    }
    for (let f = 0; f < frames; f++) {
      if (tables[f] !== this.tableRefs[f])
        problems.push(
          `frame ${f}: ${this.tableRefs[f]} table references counted, ${tables[f]} found`,
        );
      if (writes[f] !== this.writeRefs[f])
        problems.push(
          `frame ${f}: ${this.writeRefs[f]} writable references counted, ${writes[f]} found`,
        );
      if ((tables[f] as number) > 0 && (writes[f] as number) > 0)
        problems.push(`frame ${f}: a page table mapped writable`);
    }
    return problems;
  }

  /**
   * Takes the references entry `entry` needs in a table of kind `level` (leaf table or root),
   * after checking it: {@link SBI_SUCCESS}, or the error and nothing taken.
   */
  protected take(entry: number, level: number): SbiError {
    if ((entry & PTE_V) === 0) return SBI_SUCCESS;
    const address = ppnAddress(entry);
    if ((entry & LEAF_BITS) === 0) {
      // A pointer to a leaf table: only from a root, with U, A and D clear.
      if (level !== ROOT || (entry & (PTE_U | PTE_A | PTE_D)) !== 0) return SBI_ERR_INVALID_PARAM;
      const target = this.frameOf(address);
      if (target < 0) return SBI_ERR_INVALID_PARAM;
      return this.acquire(target, LEAF);
    }
    // Megapages are refused in version 1, and W without R is reserved.
    if (level !== LEAF || (entry & (PTE_R | PTE_W)) === PTE_W) return SBI_ERR_INVALID_PARAM;
    const target = this.frameOf(address);
    if (target < 0) return this.isDevice(address) ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM;
    if ((entry & PTE_W) !== 0) {
      if ((this.tableRefs[target] as number) > 0) return SBI_ERR_DENIED;
      (this.writeRefs[target] as number)++;
    }
    return SBI_SUCCESS;
  }

  /** Drops the references a valid entry `entry` of a table of kind `level` holds. */
  private drop(entry: number, level: number): void {
    if ((entry & PTE_V) === 0) return;
    const target = this.frameOf(ppnAddress(entry));
    if (target < 0) return;
    if ((entry & LEAF_BITS) === 0) {
      if (level === ROOT) this.release(target);
    } else if (level === LEAF && (entry & PTE_W) !== 0) {
      (this.writeRefs[target] as number)--;
    }
  }

  /**
   * Takes a table reference on `frame` as a table of kind `kind`, validating its entries when
   * it is not one yet. The frame counts as a table while its entries are checked, so an entry
   * that maps it writable (or links it) is refused.
   */
  private acquire(frame: number, kind: number): SbiError {
    if ((this.tableRefs[frame] as number) > 0) {
      if (this.kind[frame] !== kind) return SBI_ERR_DENIED;
      (this.tableRefs[frame] as number)++;
      return SBI_SUCCESS;
    }
    if ((this.writeRefs[frame] as number) > 0) return SBI_ERR_DENIED;
    this.kind[frame] = kind;
    this.tableRefs[frame] = 1;
    this.promotions++;
    const base = frame * 4096;
    for (let i = 0; i < ENTRIES; i++) {
      const error = this.take(this.ram.read(base + i * 4, 4), kind);
      if (error !== SBI_SUCCESS) {
        for (let j = 0; j < i; j++) this.drop(this.ram.read(base + j * 4, 4), kind);
        this.kind[frame] = PLAIN;
        this.tableRefs[frame] = 0;
        return error;
      }
    }
    return SBI_SUCCESS;
  }

  /** Drops a table reference on `frame`; at zero it is plain again and its entries let go. */
  private release(frame: number): void {
    const left = (this.tableRefs[frame] as number) - 1;
    this.tableRefs[frame] = left;
    if (left > 0) return;
    const kind = this.kind[frame] as number;
    this.kind[frame] = PLAIN;
    const base = frame * 4096;
    for (let i = 0; i < ENTRIES; i++) this.drop(this.ram.read(base + i * 4, 4), kind);
  }

  /** The RAM frame index of physical address `pa`, or -1 outside RAM. */
  private frameOf(pa: number): number {
    const offset = pa - this.ram.base;
    return Number.isInteger(pa) && offset >= 0 && offset < this.ram.size ? offset >>> 12 : -1;
  }

  /** The RAM frame index of a 4 KiB-aligned `pa`, or -1. */
  private alignedFrame(pa: number): number {
    return Number.isInteger(pa) && pa % 4096 === 0 ? this.frameOf(pa) : -1;
  }

  /** Whether `pa` is in a device range the guest may map. */
  private isDevice(pa: number): boolean {
    for (const { start, end } of this.devices) if (pa >= start && pa < end) return true;
    return false;
  }
}

/** The physical address an entry's PPN names (up to 34 bits, as a number). */
function ppnAddress(entry: number): number {
  return (entry >>> 10) * 4096;
}
