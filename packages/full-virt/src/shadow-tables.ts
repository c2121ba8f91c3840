/**
 * Shadow Sv32 page tables: the only tables the real MMU ever walks while guest code runs
 * directly. They live in hypervisor memory the guest cannot reach (no shadow entry maps it), and
 * map guest virtual pages to the guest-RAM frames the guest's own translation (or its identity
 * map, with translation off) gives them, with at most the permissions that translation granted.
 *
 * @module
 */
import { Ram } from '@trapeze/mmu';
import { FullVirtError } from './errors.js';

/** Sv32 PTE bits. */
const PTE_V = 1 << 0;
const PTE_R = 1 << 1;
const PTE_W = 1 << 2;
const PTE_X = 1 << 3;
const PTE_U = 1 << 4;
const PTE_A = 1 << 6;
const PTE_D = 1 << 7;

/** `satp.MODE` = Sv32. */
const SATP_SV32 = 0x8000_0000;

/** Where hypervisor memory sits on the real hart's bus (never on the guest's). */
export const HYPERVISOR_BASE = 0x4000_0000;
/** Hypervisor memory for shadow tables by default: 1,024 pages. */
export const DEFAULT_SHADOW_PAGES = 1024;

/** Access kinds, as the MMU numbers them. */
export const SHADOW_FETCH = 0;
export const SHADOW_LOAD = 1;
export const SHADOW_STORE = 2;

/** {@link ShadowTables.map}: the entry changed. */
export const MAP_ADDED = 1;
/** {@link ShadowTables.map}: the entry allowed the access already. */
export const MAP_PRESENT = 0;
/** {@link ShadowTables.map}: no page left for a second-level table. */
export const MAP_FULL = -1;

/** The leaf permissions an access kind needs (a store needs R too: W without R is reserved). */
const KIND_BITS = [PTE_X, PTE_R, PTE_R | PTE_W] as const;

/**
 * A set of shadow tables, one root per view (the guest's privilege and `mstatus.SUM`/`MXR`
 * select a view; every view belongs to the same guest `satp`), second-level tables allocated
 * on demand from a fixed pool of hypervisor pages.
 */
export class ShadowTables {
  /** Hypervisor memory: the pages the tables are made of. */
  readonly ram: Ram;
  /** Root page (index into the pool) of each view by key, -1 when it has none yet. */
  private readonly roots: Int32Array;
  /** Pool pages not in use. */
  private readonly free: number[] = [];
  /** Pool pages in use (to give back on {@link ShadowTables.dropAll}). */
  private readonly used: number[] = [];
  /** Leaf entries installed since the tables were last dropped. */
  entries = 0;
  /** Times all tables were dropped. */
  drops = 0;

  /**
   * @param pages pool size in 4 KiB pages (at least 2)
   * @param views how many view keys there are (keys are 0 … views − 1)
   * @throws {@link FullVirtError} `BAD_ARGUMENT` for a pool too small or too large
   */
  constructor(pages: number = DEFAULT_SHADOW_PAGES, views = 16) {
    if (!Number.isInteger(views) || views < 1 || views > 511)
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `ShadowTables: views must be an integer in 1…511, got ${String(views)}`,
      );
    if (!Number.isInteger(pages) || pages < 2 || pages > 0x10000)
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `ShadowTables: pages must be an integer in 2…65536, got ${String(pages)}`,
      );
    this.ram = new Ram(HYPERVISOR_BASE, pages * 4096, 'hypervisor');
    this.roots = new Int32Array(views).fill(-1);
    for (let page = pages - 1; page >= 0; page--) this.free.push(page);
  }

  /** The `satp` value that makes the real MMU walk view `key` (its root made if need be). */
  satpOf(key: number): number {
    let root = this.roots[key] as number;
    if (root < 0) {
      // A full pool starts over (the caller sees `drops` move and flushes the real TLB).
      if (this.free.length === 0) this.dropAll();
      root = this.allocate();
      this.roots[key] = root;
    }
    // Each view has its own ASID (key + 1), so that the real TLB never answers one view's
    // access with another's entry.
    return (SATP_SV32 | ((key + 1) << 22) | ((HYPERVISOR_BASE >>> 12) + root)) >>> 0;
  }

  /**
   * Maps the guest virtual page of `vaddr` in view `key` to the physical page `paddr`, adding
   * the permissions access `kind` needs to those it has. Returns {@link MAP_ADDED} when the
   * entry changed, {@link MAP_PRESENT} when it already allowed the access, {@link MAP_FULL} when
   * the pool is full (the caller drops everything and maps again).
   */
  map(key: number, vaddr: number, paddr: number, kind: number): number {
    const root = this.roots[key] as number;
    if (root < 0)
      throw new FullVirtError('BAD_ARGUMENT', `ShadowTables.map: view ${key} has no root`);
    const i32 = this.ram.i32;
    const rootEntry = root * 1024 + (vaddr >>> 22);
    let pointer = i32[rootEntry] as number;
    if ((pointer & PTE_V) === 0) {
      if (this.free.length === 0) return MAP_FULL;
      const table = this.allocate();
      pointer = ((((HYPERVISOR_BASE >>> 12) + table) << 10) | PTE_V) >>> 0;
      i32[rootEntry] = pointer;
    }
    const table = ((pointer >>> 10) - (HYPERVISOR_BASE >>> 12)) >>> 0;
    const leaf = table * 1024 + ((vaddr >>> 12) & 0x3ff);
    const old = i32[leaf] as number;
    const ppn = Math.floor(paddr / 4096);
    const keep = (old & PTE_V) !== 0 && old >>> 10 === ppn ? old & (PTE_R | PTE_W | PTE_X) : 0;
    const pte = (ppn << 10) | keep | (KIND_BITS[kind] ?? 0) | PTE_V | PTE_U | PTE_A | PTE_D | 0;
    if (pte === old) return MAP_PRESENT;
    if ((old & PTE_V) === 0) this.entries++;
    i32[leaf] = pte;
    return MAP_ADDED;
  }

  /**
   * Drops, in every view, the entries of the 4 MiB region holding `vaddr` (what the guest's
   * SFENCE.VMA of that address can have made stale, superpages included). Returns how many
   * leaf entries went.
   */
  dropRegion(vaddr: number): number {
    const i32 = this.ram.i32;
    const index = vaddr >>> 22;
    let dropped = 0;
    for (const root of this.roots) {
      if (root < 0) continue;
      const pointer = i32[root * 1024 + index] as number;
      if ((pointer & PTE_V) === 0) continue;
      const table = ((pointer >>> 10) - (HYPERVISOR_BASE >>> 12)) * 1024;
      for (let k = table; k < table + 1024; k++) {
        if (((i32[k] as number) & PTE_V) !== 0) {
          i32[k] = 0;
          dropped++;
        }
      }
    }
    this.entries -= dropped;
    return dropped;
  }

  /** Drops every view: all pages back to the pool, zeroed. */
  dropAll(): void {
    const i32 = this.ram.i32;
    for (const page of this.used) {
      i32.fill(0, page * 1024, page * 1024 + 1024);
      this.free.push(page);
    }
    this.used.length = 0;
    this.roots.fill(-1);
    this.entries = 0;
    this.drops++;
  }

  /** Takes a zeroed page from the pool. */
  private allocate(): number {
    const page = this.free.pop();
    if (page === undefined) throw new FullVirtError('INTERNAL', 'ShadowTables: pool exhausted');
    this.used.push(page);
    return page;
  }
}
