/**
 * The hart's view of memory on the machine: Sv32 translation (with `mstatus.MPRV`, `SUM`,
 * `MXR`), PMP and the bus. Misaligned loads and stores are split into byte accesses, each
 * translated and checked, as QEMU performs them without trapping.
 *
 * @module
 */
import type { AccessKind, Hart, HartMemory } from '@trapeze/isa';
import { MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM } from '@trapeze/isa';
import {
  type AccessType,
  accessFaultCause,
  type Bus,
  type Mmu,
  type Pmp,
  type Privilege,
} from '@trapeze/mmu';

const ACCESS: readonly AccessType[] = ['exec', 'read', 'write'];
const PRIVILEGE: readonly Privilege[] = ['U', 'S', 'S', 'M'];

/** Memory as the machine's hart sees it. */
export class MachineMemory implements HartMemory {
  fault = -1;
  /** The hart, set once it exists (it is created with this memory). */
  hart: Hart | undefined;
  /** Called by FENCE.I (the machine drops decode caches, when it has them). */
  onFenceI: () => void = () => {};

  constructor(
    private readonly bus: Bus,
    private readonly mmu: Mmu,
    private readonly pmp: Pmp,
  ) {}

  /** Physical address of one access, or -1 with {@link fault} set. */
  private translate(vaddr: number, size: number, kind: AccessKind): number {
    const hart = this.hart as Hart;
    const status = hart.csr.mstatus;
    let level: number = hart.privilege;
    if (kind !== 0 && level === 3 && (status & MSTATUS_MPRV) !== 0)
      level = (status >>> MSTATUS_MPP_SHIFT) & 3;
    const access = ACCESS[kind] as AccessType;
    const privilege = PRIVILEGE[level] as Privilege;
    const paddr = this.mmu.translate(
      vaddr,
      access,
      privilege,
      hart.csr.satp,
      (status & MSTATUS_SUM) !== 0,
      (status & MSTATUS_MXR) !== 0,
    );
    if (paddr < 0) {
      this.fault = this.mmu.cause;
      return -1;
    }
    if (paddr > 0xffffffff || !this.pmp.check(paddr, size, access, privilege)) {
      this.fault = accessFaultCause(access);
      return -1;
    }
    return paddr;
  }

  read(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): number {
    if ((vaddr & (size - 1)) !== 0) {
      let value = 0;
      for (let k = size - 1; k >= 0; k--) {
        const byte = this.read((vaddr + k) >>> 0, 1, kind);
        if (this.fault >= 0) return 0;
        value = value * 256 + byte;
      }
      return value;
    }
    const paddr = this.translate(vaddr >>> 0, size, kind);
    if (paddr < 0) return 0;
    const value = this.bus.load(paddr, size);
    if (this.bus.fault) {
      this.fault = accessFaultCause(ACCESS[kind] as AccessType);
      return 0;
    }
    this.fault = -1;
    return value >>> 0;
  }

  write(vaddr: number, size: 1 | 2 | 4, value: number): void {
    if ((vaddr & (size - 1)) !== 0) {
      // Check every byte first, so that a faulting misaligned store writes nothing.
      for (let k = 0; k < size; k++) {
        if (this.translate((vaddr + k) >>> 0, 1, 2) < 0) return;
      }
      for (let k = 0; k < size; k++) {
        this.write((vaddr + k) >>> 0, 1, (value >>> (8 * k)) & 0xff);
        if (this.fault >= 0) return;
      }
      return;
    }
    const paddr = this.translate(vaddr >>> 0, size, 2);
    if (paddr < 0) return;
    this.bus.store(paddr, size, value);
    this.fault = this.bus.fault ? accessFaultCause('write') : -1;
  }

  fenceVma(vaddr: number | undefined, asid: number | undefined): void {
    this.mmu.sfenceVma(vaddr, asid);
  }

  fenceI(): void {
    this.onFenceI();
  }
}
