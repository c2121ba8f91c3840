/**
 * Sv32 address translation with hardware A/D updates, a TLB, PMP checks of page-table
 * accesses, and a fast path that resolves a virtual address straight to a RAM offset.
 *
 * @module
 */

import { type AccessKind, type PrivilegeLevel, widenNumberFields } from '@trapeze/isa';
import { accessFaultCause, checkAccessAndPrivilege, pageFaultCause } from './access.js';
import type { Bus } from './bus.js';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from './codes.js';
import { type Pmp, pageBit } from './pmp.js';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from './sv32.js';
import { Tlb } from './tlb.js';

/** {@link Mmu.translateFast} result: the access faults; `Mmu.cause` and `Mmu.tval` say how. */
export const FAST_FAULT = -1;
/**
 * {@link Mmu.translateFast} result: translation succeeded but the access cannot go straight to
 * RAM (a device page, or PMP does not grant this access on the whole page); the physical
 * address is in `Mmu.paddr`: check it with `Pmp.check` and use `Bus.load`/`Bus.store`.
 */
export const FAST_SLOW = -2;

/** Options of {@link Mmu}. */
export interface MmuOptions {
  /** TLB entries, a power of two (default 256). */
  readonly tlbEntries?: number;
}

const BARE_ENTRIES = 64;
const BARE_MASK = BARE_ENTRIES - 1;

/** Whether a leaf PTE's flags allow `access` (spec 1.12 step 5: R/W/X, U with SUM and MXR). */
function permitted(
  flags: number,
  access: AccessKind,
  privilege: PrivilegeLevel,
  sum: boolean,
  mxr: boolean,
): boolean {
  if ((flags & PTE_U) !== 0) {
    // S-mode may touch user pages only with SUM, and never execute them.
    if (privilege === PRV_S && (!sum || access === FETCH)) return false;
  } else if (privilege === PRV_U) {
    return false;
  }
  if (access === LOAD) return (flags & PTE_R) !== 0 || (mxr && (flags & PTE_X) !== 0);
  if (access === STORE) return (flags & PTE_W) !== 0;
  return (flags & PTE_X) !== 0;
}

/**
 * The Sv32 MMU of one hart. It owns the TLB; the bus and the PMP unit are shared with the
 * hart. Callers pass the state the translation depends on with every call — the access kind,
 * the effective privilege (after `mstatus.MPRV`; M means no translation), `satp`, `mstatus.SUM`
 * and `mstatus.MXR` — so the MMU holds no copy of CSRs that could go stale. Access kinds,
 * privilege levels and the causes in {@link Mmu.cause} are `@trapeze/isa`'s codes
 * (`ACCESS_FETCH` / `ACCESS_LOAD` / `ACCESS_STORE`, `Privilege.U` / `.S` / `.M`, `Exception`).
 *
 * Guest faults are reported through fields, never thrown: a method returns -1
 * ({@link FAST_FAULT}) and sets {@link Mmu.cause} (12/13/15 page fault, 1/5/7 access fault when
 * a page-table access fails PMP or is not in RAM) and {@link Mmu.tval} (the virtual address).
 * An access kind that is not 0, 1 or 2, or a privilege that is not 0, 1 or 3, is host misuse:
 * an {@link MmuError} `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { ACCESS_LOAD, ACCESS_STORE, Exception, Privilege } from '@trapeze/isa';
 * import { Bus, Mmu, PMP_NAPOT, PMP_R, PMP_W, PMP_X, Pmp, PTE_R, PTE_V, PTE_W, pte, Ram, satp } from '@trapeze/mmu';
 *
 * const ram = new Ram(0x8000_0000, 0x10_0000);
 * const bus = new Bus();
 * bus.mapRam(ram);
 * const pmp = new Pmp();
 * pmp.writeAddr(0, 0xffff_ffff); // NAPOT over everything: S- and U-mode may access all memory
 * pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R | PMP_W | PMP_X);
 * const mmu = new Mmu(bus, pmp);
 *
 * // An Sv32 table at 0x80001000 mapping virtual 0x00400000 to physical 0x80002000 (S-mode, RW).
 * ram.write(0x1000 + 1 * 4, 4, pte(0x80003, PTE_V)); // vpn[1] = 1 → the leaf table
 * ram.write(0x3000 + 0 * 4, 4, pte(0x80002, PTE_V | PTE_R | PTE_W)); // vpn[0] = 0
 * const root = satp(1, 0, 0x80001);
 *
 * mmu.translate(0x0040_0010, ACCESS_STORE, Privilege.S, root, false, false); // → 0x8000_2010
 * // The hot path returns a RAM offset (A and D were set in the PTE on the way).
 * mmu.translateFast(0x0040_0010, ACCESS_LOAD, Privilege.S, root, false, false); // → 0x2010
 * // A U-mode access to a supervisor page: a load page fault, reported through fields.
 * mmu.translateFast(0x0040_0010, ACCESS_LOAD, Privilege.U, root, false, false); // → -1
 * [mmu.cause, mmu.tval]; // → [Exception.LoadPageFault, 0x0040_0010]
 * mmu.sfenceVma(); // SFENCE.VMA x0, x0: forget every cached translation
 * ```
 */
export class Mmu {
  /** The exception cause of the last failed translation (`@trapeze/isa`'s `Exception` code). */
  cause = 0;
  /** The trap value of the last failed translation: the faulting virtual address. */
  tval = 0;
  /** The physical address of the last `translateFast` call that did not fault. */
  paddr = 0;
  /** `translateFast`/`translate` calls answered by the TLB. */
  hits = 0;
  /** `translateFast`/`translate` calls that walked the page table. */
  misses = 0;
  /**
   * Counts SFENCE.VMA calls and invalidations: a translation a caller cached (say, of the page
   * it fetches from) is stale once this changes, or once the PMP generation or `satp` does.
   */
  epoch = 0;
  /** The TLB (exposed for statistics and tests). */
  readonly tlb: Tlb;

  /** Flags (bits 7:0) of the leaf PTE found by the last successful walk, after the A/D update. */
  private leafFlags = 0;
  private leafGlobal = false;
  private leafSuperpage = false;
  private leafPpn = 0;
  private pmpGeneration: number;
  private busGeneration: number;
  /** Direct-mapped cache of physical pages for untranslated accesses: tag, RAM offset, PMP bits. */
  private readonly bareTag = new Int32Array(BARE_ENTRIES).fill(-1);
  private readonly bareRam = new Int32Array(BARE_ENTRIES);
  private readonly barePmp = new Uint16Array(BARE_ENTRIES);

  constructor(
    readonly bus: Bus,
    readonly pmp: Pmp,
    options: MmuOptions = {},
  ) {
    this.tlb = new Tlb(options.tlbEntries ?? 256);
    this.pmpGeneration = pmp.generation;
    this.busGeneration = bus.generation;
    widenNumberFields(this, ['tval', 'paddr']);
  }

  /**
   * Translates `vaddr` for an `access` and returns the physical address (a number below 2^34),
   * or -1 with {@link Mmu.cause} and {@link Mmu.tval} set. Untranslated when `privilege` is
   * M or `satp.MODE` is Bare. Uses the TLB and fills it on a miss. Does not check PMP on the
   * final physical address (only on the page-table accesses): callers do, with `Pmp.check`.
   *
   * @param access `ACCESS_FETCH`, `ACCESS_LOAD` or `ACCESS_STORE` (AMOs and SC are stores)
   * @param privilege `Privilege.U`, `.S` or `.M`: the effective mode (after `mstatus.MPRV`)
   * @param satp the `satp` CSR (unsigned or signed 32-bit)
   * @param sum `mstatus.SUM`
   * @param mxr `mstatus.MXR`
   * @throws MmuError `INVALID_ARGUMENT` when `access` is not 0, 1 or 2, or `privilege` not 0,
   * 1 or 3
   */
  translate(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    checkAccessAndPrivilege('Mmu.translate', access, privilege);
    vaddr >>>= 0;
    if (privilege === PRV_M || satp >>> 31 === 0) return vaddr;
    const i = this.lookup(vaddr, access, privilege, satp, sum, mxr);
    if (i < 0) return -1;
    return this.tlb.ppn[i] * 4096 + (vaddr & 0xfff);
  }

  /**
   * The hot-loop path: translation (through the TLB, walking on a miss), then the PMP check and
   * the RAM lookup for the page, both cached per page. Returns the byte offset into the bus's
   * primary RAM views (`bus.ram.u8` / `u16` / `i32`) when the access may go straight there;
   * {@link FAST_FAULT} on a fault (`cause`, `tval` set); {@link FAST_SLOW} when the physical
   * address (in {@link Mmu.paddr}) needs `Pmp.check` and `Bus.load`/`store`. The offset is
   * valid for bytes in the same 4 KiB page only: callers split accesses that cross a page.
   * Arguments as for {@link Mmu.translate}.
   *
   * @throws MmuError `INVALID_ARGUMENT` when `access` is not 0, 1 or 2, or `privilege` not 0,
   * 1 or 3
   */
  translateFast(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    // The codes are checked off the hot path: a bad access or privilege gets page bit 0 (so
    // never a RAM offset) and reaches the check below, and a TLB miss checks them in `refill`
    // before walking.
    if (this.pmpGeneration !== this.pmp.generation || this.busGeneration !== this.bus.generation) {
      this.invalidate();
    }
    vaddr >>>= 0;
    let ram: number;
    let pmp: number;
    if (privilege === PRV_M || satp >>> 31 === 0) {
      const page = vaddr >>> 12;
      const j = page & BARE_MASK;
      if (this.bareTag[j] !== page) this.fillBare(page, j);
      ram = this.bareRam[j];
      pmp = this.barePmp[j];
      this.paddr = vaddr;
    } else {
      const i = this.lookup(vaddr, access, privilege, satp, sum, mxr);
      if (i < 0) return FAST_FAULT;
      const tlb = this.tlb;
      ram = tlb.ramOffset[i];
      pmp = tlb.pmp[i];
      this.paddr = tlb.ppn[i] * 4096 + (vaddr & 0xfff);
    }
    if (ram >= 0 && (pmp & pageBit(access, privilege)) !== 0) return ram + (vaddr & 0xfff);
    checkAccessAndPrivilege('Mmu.translateFast', access, privilege);
    return FAST_SLOW;
  }

  /**
   * A fresh Sv32 walk, bypassing the TLB (and not filling it): the translation process of
   * privileged spec 1.12 section 4.3.2, with A and D set in memory as the hardware would.
   * Returns the physical address or -1 (`cause`, `tval` set). `satp.MODE` must be Sv32 and
   * `privilege` S or U; use {@link Mmu.translate} for the general case.
   *
   * @throws MmuError `INVALID_ARGUMENT` when `access` is not 0, 1 or 2, or `privilege` not 0,
   * 1 or 3
   */
  walk(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    checkAccessAndPrivilege('Mmu.walk', access, privilege);
    return this.pageWalk(vaddr, access, privilege, satp, sum, mxr);
  }

  /** {@link Mmu.walk} once its arguments are checked. */
  private pageWalk(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    vaddr >>>= 0;
    const bus = this.bus;
    const pmp = this.pmp;
    let table = (satp & 0x3fffff) * 4096;
    let level = 1;
    let global = 0;
    for (;;) {
      const index = level === 1 ? vaddr >>> 22 : (vaddr >>> 12) & 0x3ff;
      const pteAddr = table + index * 4;
      // Page-table accesses are S-mode accesses for PMP, and need RAM (a PMA).
      if (!pmp.check(pteAddr, 4, LOAD, PRV_S) || !bus.isRam(pteAddr)) {
        return this.fail(accessFaultCause(access), vaddr);
      }
      let pte = bus.load(pteAddr, 4);
      if ((pte & PTE_V) === 0 || (pte & (PTE_R | PTE_W)) === PTE_W) {
        return this.fail(pageFaultCause(access), vaddr);
      }
      if ((pte & (PTE_R | PTE_X)) === 0) {
        // A pointer to the next level. D, A and U are reserved in non-leaf PTEs.
        if ((pte & (PTE_D | PTE_A | PTE_U)) !== 0 || level === 0) {
          return this.fail(pageFaultCause(access), vaddr);
        }
        global |= pte & PTE_G;
        table = (pte >>> 10) * 4096;
        level = 0;
        continue;
      }
      if (!permitted(pte, access, privilege, sum, mxr)) {
        return this.fail(pageFaultCause(access), vaddr);
      }
      if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) {
        return this.fail(pageFaultCause(access), vaddr); // misaligned superpage
      }
      const updated = (pte | PTE_A | (access === STORE ? PTE_D : 0)) >>> 0;
      if (updated !== pte) {
        if (!pmp.check(pteAddr, 4, STORE, PRV_S)) {
          return this.fail(accessFaultCause(access), vaddr);
        }
        bus.store(pteAddr, 4, updated);
        pte = updated;
      }
      const ppn = level === 1 ? (pte >>> 20) * 1024 + ((vaddr >>> 12) & 0x3ff) : pte >>> 10;
      this.leafFlags = pte & 0xff;
      this.leafGlobal = ((global | pte) & PTE_G) !== 0;
      this.leafSuperpage = level === 1;
      this.leafPpn = ppn;
      return ppn * 4096 + (vaddr & 0xfff);
    }
  }

  /**
   * SFENCE.VMA: `sfenceVma()` flushes everything; `sfenceVma(undefined, asid)` the non-global
   * entries of an ASID; `sfenceVma(vaddr)` the entries for an address in every ASID;
   * `sfenceVma(vaddr, asid)` the non-global entries for an address in an ASID. (rs1 = x0 is
   * `undefined` for the address; rs2 = x0 is `undefined` for the ASID.)
   */
  sfenceVma(vaddr?: number, asid?: number): void {
    this.epoch++;
    this.tlb.flush(vaddr, asid);
  }

  /**
   * Drops every cached translation and page decision. `translateFast` does this by itself when
   * the PMP registers or the bus mappings change.
   */
  invalidate(): void {
    this.epoch++;
    this.tlb.flushAll();
    this.bareTag.fill(-1);
    this.pmpGeneration = this.pmp.generation;
    this.busGeneration = this.bus.generation;
  }

  /** The TLB entry serving this access, walking and filling on a miss; -1 on a fault. */
  private lookup(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    const tlb = this.tlb;
    const vpn = vaddr >>> 12;
    const asid = (satp >>> 22) & 0x1ff;
    const i = vpn & tlb.mask;
    if (tlb.vpn[i] === vpn && (tlb.global[i] === 1 || tlb.asid[i] === asid)) {
      const flags = tlb.flags[i];
      // A store through an entry whose D is clear walks again (and sets D); so does any access
      // the cached permissions refuse (the walk then faults, or finds an updated PTE).
      if (
        permitted(flags, access, privilege, sum, mxr) &&
        (access !== STORE || (flags & PTE_D) !== 0)
      ) {
        this.hits++;
        return i;
      }
    }
    return this.refill(vaddr, access, privilege, satp, sum, mxr);
  }

  /**
   * A TLB miss: walks and fills the entry for this access; -1 on a fault. Kept out of
   * {@link Mmu.lookup} so that the hit path stays small enough for V8 to inline into callers.
   */
  private refill(
    vaddr: number,
    access: AccessKind,
    privilege: PrivilegeLevel,
    satp: number,
    sum: boolean,
    mxr: boolean,
  ): number {
    this.misses++;
    // Only translateFast reaches here unchecked (translate checks first): see translateFast.
    checkAccessAndPrivilege('Mmu.translateFast', access, privilege);
    if (this.pageWalk(vaddr, access, privilege, satp, sum, mxr) < 0) return -1;
    const tlb = this.tlb;
    const vpn = vaddr >>> 12;
    const asid = (satp >>> 22) & 0x1ff;
    const ppn = this.leafPpn;
    const page = ppn * 4096;
    return tlb.insert(
      vpn,
      asid,
      this.leafGlobal,
      this.leafSuperpage,
      this.leafFlags,
      ppn,
      this.bus.ramOffset(page),
      this.pmp.pagePermissions(page),
    );
  }

  private fillBare(page: number, j: number): void {
    const base = page * 4096;
    this.bareTag[j] = page;
    this.bareRam[j] = this.bus.ramOffset(base);
    this.barePmp[j] = this.pmp.pagePermissions(base);
  }

  private fail(cause: number, vaddr: number): number {
    this.cause = cause;
    this.tval = vaddr;
    return -1;
  }
}
