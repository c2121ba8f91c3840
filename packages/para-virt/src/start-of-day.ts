/**
 * The start of day of a paravirtualized guest (docs/pv-abi.md §6): the frames the hypervisor
 * takes at the top of guest RAM, below the device tree — the initial address space (a root and
 * its leaf tables: all of RAM identity-mapped with 4 KiB leaves, the tables' own frames
 * read-only, the virtio-mmio pages read/write), the shared page and the start-of-day page.
 *
 * @module
 */
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_V, PTE_W, PTE_X, pte, type Ram } from '@trapeze/mmu';
import {
  TRPZ_ABI_VERSION,
  TRPZ_MAGIC,
  TRPZ_SHARED_MAGIC,
  TRPZ_SHARED_MASK,
  TRPZ_SHARED_TIMEBASE_HZ,
  TRPZ_SHARED_VERSION,
  TRPZ_SHARED_WALL_NS,
  TRPZ_START_DTB,
  TRPZ_START_DTB_SIZE,
  TRPZ_START_MAGIC,
  TRPZ_START_RAM_BASE,
  TRPZ_START_RAM_SIZE,
  TRPZ_START_RESERVED_START,
  TRPZ_START_ROOT,
  TRPZ_START_SHARED_PAGE,
  TRPZ_START_VERSION,
} from './abi.js';
import type { DeviceRange } from './table-validator.js';

/** Where the start of day put things (physical addresses). */
export interface StartOfDay {
  /** The start-of-day page (`a1` at entry). */
  readonly page: number;
  readonly sharedPage: number;
  /** The initial root (pinned and active once validated). */
  readonly root: number;
  /** The first frame taken: `[reservedStart, end of RAM)` is not the kernel's. */
  readonly reservedStart: number;
}

/** The frequency of `time` on the `virt` board. */
export const TIMEBASE_HZ = 10_000_000;

const PAGE = 4096;
const MEGAPAGE = 0x40_0000;
const KERNEL_LEAF = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G;
const TABLE_LEAF = PTE_V | PTE_R | PTE_A | PTE_G;
const DEVICE_LEAF = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;

/**
 * Writes the start of day into `ram` below `top` (a page-aligned address, the device tree's
 * first page): the tables, the shared page (`mask` = 1) and the start-of-day page. Returns
 * where they are; the caller pins and activates the root.
 *
 * @param dtb the device tree's address and size, for the start-of-day page
 * @param wallNs wall-clock nanoseconds since 1970 at virtual time 0
 */
export function writeStartOfDay(
  ram: Ram,
  top: number,
  devices: readonly DeviceRange[],
  dtb: { readonly address: number; readonly size: number },
  wallNs: bigint,
): StartOfDay {
  const ramEnd = ram.base + ram.size;
  // Leaf tables: one per 4 MiB of RAM and one per 4 MiB region holding device frames.
  const regions = new Set<number>();
  for (let pa = ram.base; pa < ramEnd; pa += MEGAPAGE) regions.add(Math.floor(pa / MEGAPAGE));
  for (const { start, end } of devices)
    for (let pa = start; pa < end; pa += PAGE) regions.add(Math.floor(pa / MEGAPAGE));
  const tables = [...regions].sort((a, b) => a - b);
  const page = top - PAGE;
  const sharedPage = top - 2 * PAGE;
  const root = top - 3 * PAGE;
  const leafTable = new Map(tables.map((region, i) => [region, root - (i + 1) * PAGE]));
  const reservedStart = root - tables.length * PAGE;
  const tableFrames = new Set([root, ...leafTable.values()]);
  const word = (pa: number, value: number) => ram.write(pa - ram.base, 4, value);
  for (let pa = reservedStart; pa < top; pa += PAGE)
    ram.u8.fill(0, pa - ram.base, pa - ram.base + PAGE);
  const map = (pa: number, flags: number) => {
    const table = leafTable.get(Math.floor(pa / MEGAPAGE)) as number;
    word(table + ((pa >>> 12) & 0x3ff) * 4, pte(pa / PAGE, flags));
  };
  for (let pa = ram.base; pa < ramEnd; pa += PAGE)
    map(pa, tableFrames.has(pa) ? TABLE_LEAF : KERNEL_LEAF);
  for (const { start, end } of devices)
    for (let pa = start; pa < end; pa += PAGE) map(pa, DEVICE_LEAF);
  for (const [region, table] of leafTable)
    word(root + (region & 0x3ff) * 4, pte(table / PAGE, PTE_V));
  word(sharedPage + TRPZ_SHARED_MAGIC, TRPZ_MAGIC);
  word(sharedPage + TRPZ_SHARED_VERSION, TRPZ_ABI_VERSION);
  word(sharedPage + TRPZ_SHARED_MASK, 1);
  word(sharedPage + TRPZ_SHARED_TIMEBASE_HZ, TIMEBASE_HZ);
  word(sharedPage + TRPZ_SHARED_WALL_NS, Number(wallNs & 0xffff_ffffn));
  word(sharedPage + TRPZ_SHARED_WALL_NS + 4, Number((wallNs >> 32n) & 0xffff_ffffn));
  word(page + TRPZ_START_MAGIC, TRPZ_MAGIC);
  word(page + TRPZ_START_VERSION, TRPZ_ABI_VERSION);
  word(page + TRPZ_START_RAM_BASE, ram.base);
  word(page + TRPZ_START_RAM_SIZE, ram.size);
  word(page + TRPZ_START_SHARED_PAGE, sharedPage);
  word(page + TRPZ_START_DTB, dtb.address);
  word(page + TRPZ_START_DTB_SIZE, dtb.size);
  word(page + TRPZ_START_ROOT, root);
  word(page + TRPZ_START_RESERVED_START, reservedStart);
  return { page, sharedPage, root, reservedStart };
}
