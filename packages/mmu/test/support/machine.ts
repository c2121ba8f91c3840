import { Bus, Mmu, PMP_NAPOT, PMP_R, PMP_W, PMP_X, Pmp, pte, Ram, satp } from '../../src/index.js';

export const RAM_BASE = 0x8000_0000;

/** Flags of an ordinary leaf with A and D preset. */
export const RWX = PMP_R | PMP_W | PMP_X;

/** A RAM + bus + PMP (entry 0 opened to everything unless `closed`) + MMU, and a page-table builder. */
export function machine(options: { ramSize?: number; closed?: boolean; tlbEntries?: number } = {}) {
  const ram = new Ram(RAM_BASE, options.ramSize ?? 0x20_0000);
  const bus = new Bus();
  bus.mapRam(ram);
  const pmp = new Pmp();
  if (!options.closed) openPmp(pmp);
  const mmu = new Mmu(bus, pmp, { tlbEntries: options.tlbEntries });
  // Page tables live from RAM_BASE + 1 MiB; data pages below.
  let nextTable = (RAM_BASE + 0x10_0000) / 4096;
  const alloc = () => nextTable++;
  const root = alloc();
  const word = (paddr: number) => ram.read(paddr - RAM_BASE, 4);
  const setWord = (paddr: number, value: number) => ram.write(paddr - RAM_BASE, 4, value);
  const rootEntry = (vaddr: number, rootPpn = root) => rootPpn * 4096 + (vaddr >>> 22) * 4;
  /** Maps a 4 KiB page; returns the leaf PTE's physical address. */
  const map = (
    vaddr: number,
    ppn: number,
    flags: number,
    rootPpn = root,
    pointerFlags = 1,
  ): number => {
    const r = rootEntry(vaddr, rootPpn);
    let l0 = word(r);
    if ((l0 & 1) === 0) {
      l0 = pte(alloc(), pointerFlags);
      setWord(r, l0);
    }
    const leaf = (l0 >>> 10) * 4096 + ((vaddr >>> 12) & 0x3ff) * 4;
    setWord(leaf, pte(ppn, flags));
    return leaf;
  };
  /** Maps a 4 MiB superpage; returns the root PTE's physical address. */
  const mapSuper = (vaddr: number, ppn: number, flags: number, rootPpn = root): number => {
    const r = rootEntry(vaddr, rootPpn);
    setWord(r, pte(ppn, flags));
    return r;
  };
  const sv32 = (asid = 0, rootPpn = root) => satp(1, asid, rootPpn);
  return { ram, bus, pmp, mmu, root, alloc, word, setWord, map, mapSuper, rootEntry, sv32 };
}

/** PMP entry 0: NAPOT over all of memory, RWX. */
export function openPmp(pmp: Pmp): void {
  pmp.writeAddr(0, 0xffff_ffff);
  pmp.writeCfg(0, (PMP_NAPOT << 3) | RWX);
}
