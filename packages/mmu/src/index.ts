/**
 * `@trapeze/mmu`: physical memory, the bus and its MMIO device interface, Sv32 translation
 * with a TLB, and PMP. Access kinds, privilege levels and exception causes are
 * `@trapeze/isa`'s numeric codes (`ACCESS_LOAD`, `Privilege.S`, `Exception.LoadPageFault`, …).
 *
 * @packageDocumentation
 */
export { accessFaultCause, pageFaultCause } from './access.js';
export type { BusRegion } from './bus.js';
export { Bus } from './bus.js';
export type { AccessSize, MmioDevice } from './device.js';
export type { MmuErrorCode } from './errors.js';
export { MmuError } from './errors.js';
export type { MmuOptions } from './mmu.js';
export { FAST_FAULT, FAST_SLOW, Mmu } from './mmu.js';
export type { PmpOptions, PmpSnapshot, PmpWarl } from './pmp.js';
export {
  CSR_PMPADDR0,
  CSR_PMPCFG0,
  PMP_A,
  PMP_ENTRIES,
  PMP_L,
  PMP_NA4,
  PMP_NAPOT,
  PMP_OFF,
  PMP_R,
  PMP_TOR,
  PMP_W,
  PMP_X,
  Pmp,
  pmpPageBit,
} from './pmp.js';
export { PAGE_SIZE, Ram, type RamStorage } from './ram.js';
export {
  ASID_BITS,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_PPN_SHIFT,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pte,
  SATP_MODE_SV32,
  satp,
  satpAsid,
  satpMode,
  satpPpn,
} from './sv32.js';
export { Tlb } from './tlb.js';
