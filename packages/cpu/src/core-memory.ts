/**
 * The hart's view of memory on a board: Sv32 translation (with `mstatus.MPRV`, `SUM`,
 * `MXR`) and PMP through the MMU's fast path, then RAM directly or the bus. Misaligned loads and stores are split into byte accesses, each
 * translated and checked, as QEMU performs them without trapping.
 *
 * @module
 */
import type { AccessKind, Hart, HartMemory, PrivilegeLevel } from '@trapeze/isa';
import {
  ACCESS_STORE,
  fetchParcels,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_MXR,
  MSTATUS_SUM,
  Privilege,
  widenNumberFields,
} from '@trapeze/isa';
import { accessFaultCause, type Bus, FAST_FAULT, type Mmu, type Pmp, type Ram } from '@trapeze/mmu';

/**
 * Memory as a core's hart sees it: the path every load, store and fetch takes (Sv32, PMP,
 * RAM, then the bus for devices and ROM). Both cores use it; the translator also fills its
 * own TLB from {@link CoreMemory.lastOffset}.
 */
export class CoreMemory implements HartMemory {
  fault = -1;
  /**
   * The RAM offset the last aligned {@link CoreMemory.read} or {@link CoreMemory.write}
   * reached through the fast path (in RAM, PMP granting the whole page), or -1 when it took
   * any other path. Meaningless after a misaligned access (split into byte accesses).
   */
  lastOffset = -1;
  /** The hart, set once it exists (it is created with this memory). */
  hart: Hart | undefined;
  /**
   * Accesses that took the slow path (devices, ROM, byte-checked PMP). Device deadlines can
   * only move on such an access, so the run loop re-reads them when this count changes.
   */
  slowAccesses = 0;
  /** The effective privilege of the access being made (after `mstatus.MPRV`). */
  private privilege: PrivilegeLevel = Privilege.M;
  /**
   * The page instructions are fetched from: its virtual page number (-1: none), the RAM offset
   * of its first byte, and what its translation depended on (privilege, `satp`, the MMU's
   * epoch and the PMP generation), so a fetch from it skips translation until one changes.
   */
  private fetchPage = -1;
  private fetchBase = 0;
  private fetchPrivilege = 0;
  private fetchSatp = 0;
  private fetchEpoch = 0;
  private fetchPmp = 0;
  /**
   * The virtual page number of the last SFENCE.VMA made through {@link CoreMemory.fenceVma}
   * (-1: it fenced every address), and the MMU's epoch just after it: a translator that finds
   * the epoch moved by that fence alone knows only that page's translations changed.
   */
  fencedPage = -1;
  fencedEpoch = -1;
  /** The effective privilege of the last access made through this path (after `mstatus.MPRV`). */
  get accessPrivilege(): PrivilegeLevel {
    return this.privilege;
  }
  /** Called by FENCE.I (the machine drops decode caches, when it has them). */
  onFenceI: () => void = () => {};

  constructor(
    readonly bus: Bus,
    readonly mmu: Mmu,
    readonly pmp: Pmp,
    /** The RAM the MMU's fast path returns offsets into (the first RAM on the bus). */
    readonly ram: Ram,
  ) {
    widenNumberFields(this, ['fetchSatp']);
  }

  /**
   * The fast path of an aligned access: the RAM offset (translation and PMP checked, the TLB
   * and per-page PMP results cached by the MMU), or -1 with {@link fault} set, or -2 when the
   * access must take the slow path ({@link slow}: a device, or PMP to check byte by byte).
   */
  private fast(vaddr: number, kind: AccessKind): number {
    const hart = this.hart as Hart;
    const status = hart.csr.mstatus;
    let level: number = hart.privilege;
    if (kind !== 0 && level === 3 && (status & MSTATUS_MPRV) !== 0)
      level = (status >>> MSTATUS_MPP_SHIFT) & 3;
    this.privilege = level as PrivilegeLevel;
    const offset = this.mmu.translateFast(
      vaddr,
      kind,
      this.privilege,
      hart.csr.satp,
      (status & MSTATUS_SUM) !== 0,
      (status & MSTATUS_MXR) !== 0,
    );
    if (offset === FAST_FAULT) this.fault = this.mmu.cause;
    return offset;
  }

  /**
   * After {@link fast} sent an access to the slow path: its physical address (translated by
   * that call) once PMP allows all `size` bytes, or -1 with {@link fault} set.
   */
  private slow(size: number, kind: AccessKind): number {
    const paddr = this.mmu.paddr;
    if (paddr > 0xffffffff || !this.pmp.check(paddr, size, kind, this.privilege)) {
      this.fault = accessFaultCause(kind);
      return -1;
    }
    return paddr;
  }

  /**
   * The RAM offset of the instruction at `pc` when it can be fetched straight from RAM (in RAM,
   * translation and PMP allowing execution on the whole page), else -1 (a fault, a device, ROM:
   * {@link CoreMemory.fetch} raises or serves those). A page-table walk sets A as a fetch would.
   */
  fetchOffset(pc: number): number {
    const offset = this.fast(pc >>> 0, 0);
    this.fault = -1;
    return offset < 0 ? -1 : offset;
  }

  /**
   * The instruction at `pc` (one parcel, or two as a signed word), or on a fault the address of
   * the parcel that failed, with `fault` set: from the cached fetch page when it is still
   * valid, else through translation and PMP like any read.
   */
  fetch(pc: number): number {
    const hart = this.hart as Hart;
    const offset = pc & 0xfff;
    if (
      pc >>> 12 === this.fetchPage &&
      hart.privilege === this.fetchPrivilege &&
      hart.csr.satp === this.fetchSatp &&
      this.mmu.epoch === this.fetchEpoch &&
      this.pmp.generation === this.fetchPmp
    ) {
      const u16 = this.ram.u16;
      const at = (this.fetchBase + offset) >> 1;
      const low = u16[at] as number;
      if ((low & 3) !== 3) {
        this.fault = -1;
        return low;
      }
      // A 32-bit instruction whose second parcel is on the next page takes the general path.
      if (offset !== 0xffe) {
        this.fault = -1;
        return low | ((u16[at + 1] as number) << 16);
      }
    }
    return this.fetchUncached(pc);
  }

  /** A fetch outside the cached page: caches the page when it is RAM, then fetches. */
  private fetchUncached(pc: number): number {
    const offset = this.fast(pc >>> 0, 0);
    if (offset >= 0) {
      const hart = this.hart as Hart;
      this.fetchPage = pc >>> 12;
      this.fetchBase = offset - (pc & 0xfff);
      this.fetchPrivilege = hart.privilege;
      this.fetchSatp = hart.csr.satp;
      this.fetchEpoch = this.mmu.epoch;
      this.fetchPmp = this.pmp.generation;
    }
    return fetchParcels(this, pc);
  }

  read(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): number {
    if ((vaddr & (size - 1)) !== 0) {
      this.lastOffset = -1;
      let value = 0;
      for (let k = size - 1; k >= 0; k--) {
        const byte = this.read((vaddr + k) >>> 0, 1, kind);
        if (this.fault >= 0) return 0;
        value = value * 256 + byte;
      }
      return value;
    }
    const offset = this.fast(vaddr >>> 0, kind);
    this.lastOffset = offset;
    if (offset >= 0) {
      this.fault = -1;
      // Aligned: straight from the typed views (a 4-byte read stays a signed, unboxed integer).
      const ram = this.ram;
      return size === 4
        ? (ram.i32[offset >> 2] as number)
        : size === 2
          ? (ram.u16[offset >> 1] as number)
          : (ram.u8[offset] as number);
    }
    if (offset === FAST_FAULT) return 0;
    this.slowAccesses++;
    const paddr = this.slow(size, kind);
    if (paddr < 0) return 0;
    const value = this.bus.load(paddr, size);
    if (this.bus.fault) {
      this.fault = accessFaultCause(kind);
      return 0;
    }
    this.fault = -1;
    return value >>> 0;
  }

  write(vaddr: number, size: 1 | 2 | 4, value: number): void {
    if ((vaddr & (size - 1)) !== 0) {
      this.lastOffset = -1;
      // Check every byte's translation and PMP first, so that a misaligned store that faults
      // there writes nothing (QEMU probes both pages first). A byte that reaches nothing on the
      // bus faults as it is written, after the bytes before it, as on QEMU 7.2 (a word stored at
      // the last two bytes of RAM writes them, then raises a store access fault).
      for (let k = 0; k < size; k++) {
        const offset = this.fast((vaddr + k) >>> 0, 2);
        if (offset === FAST_FAULT || (offset < 0 && this.slow(1, 2) < 0)) return;
      }
      for (let k = 0; k < size; k++) {
        this.write((vaddr + k) >>> 0, 1, (value >>> (8 * k)) & 0xff);
        if (this.fault >= 0) return;
      }
      return;
    }
    const offset = this.fast(vaddr >>> 0, 2);
    this.lastOffset = offset;
    if (offset >= 0) {
      this.fault = -1;
      this.ram.write(offset, size, value);
      return;
    }
    if (offset === FAST_FAULT) return;
    this.slowAccesses++;
    const paddr = this.slow(size, 2);
    if (paddr < 0) return;
    this.bus.store(paddr, size, value);
    this.fault = this.bus.fault ? accessFaultCause(ACCESS_STORE) : -1;
  }

  /**
   * Translates an access without making it (the hart does this for a load or store a debug
   * trigger stops): the page-table walk sets A and D as it would; faults are ignored.
   */
  touch(vaddr: number, _size: 1 | 2 | 4, kind: AccessKind): void {
    this.fast(vaddr >>> 0, kind);
    this.fault = -1;
  }

  fenceVma(vaddr: number | undefined, asid: number | undefined): void {
    this.mmu.sfenceVma(vaddr, asid);
    this.fencedPage = vaddr === undefined ? -1 : vaddr >>> 12;
    this.fencedEpoch = this.mmu.epoch;
  }

  fenceI(): void {
    this.onFenceI();
  }
}
