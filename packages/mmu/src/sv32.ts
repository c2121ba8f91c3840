/**
 * Sv32 formats: page-table entry bits and `satp` fields (privileged spec 1.12, section 4.3).
 *
 * @module
 */
import { checkInteger } from './errors.js';

/** PTE valid bit. */
export const PTE_V = 0x01;
/** PTE readable bit. */
export const PTE_R = 0x02;
/** PTE writable bit. */
export const PTE_W = 0x04;
/** PTE executable bit. */
export const PTE_X = 0x08;
/** PTE user-accessible bit. */
export const PTE_U = 0x10;
/** PTE global-mapping bit. */
export const PTE_G = 0x20;
/** PTE accessed bit. */
export const PTE_A = 0x40;
/** PTE dirty bit. */
export const PTE_D = 0x80;
/** Shift of the 22-bit PPN inside a PTE. */
export const PTE_PPN_SHIFT = 10;

/** `satp.MODE` value of Sv32 (bit 31 set). */
export const SATP_MODE_SV32 = 1;
/** Number of ASID bits of `satp` on RV32 (QEMU 7.2: all 9 writable). */
export const ASID_BITS = 9;

/**
 * Builds a PTE from a physical page number (22 bits; physical address / 4096) and flag bits.
 *
 * @example
 * ```ts
 * import { PTE_R, PTE_V, PTE_W, pte } from '@trapeze/mmu';
 *
 * pte(0x80000, PTE_V | PTE_R | PTE_W); // → 0x20000007
 * ```
 */
export function pte(ppn: number, flags: number): number {
  checkInteger(ppn, 'pte: ppn', 0, 0x3fffff);
  checkInteger(flags, 'pte: flags', 0, 0x3ff);
  return (((ppn & 0x3fffff) << PTE_PPN_SHIFT) | (flags & 0x3ff)) >>> 0;
}

/**
 * Builds a `satp` value: MODE (0 bare, 1 Sv32), ASID (9 bits) and root page-table PPN (22 bits).
 * Out-of-range fields are an {@link MmuError} `INVALID_ARGUMENT` (not masked), as for
 * {@link pte}.
 */
export function satp(mode: 0 | 1, asid: number, ppn: number): number {
  checkInteger(mode, 'satp: mode', 0, 1);
  checkInteger(asid, 'satp: asid', 0, 0x1ff);
  checkInteger(ppn, 'satp: ppn', 0, 0x3fffff);
  return ((mode << 31) | ((asid & 0x1ff) << 22) | (ppn & 0x3fffff)) >>> 0;
}

/** `satp.MODE` (0 bare, 1 Sv32). */
export function satpMode(value: number): number {
  return value >>> 31;
}

/** `satp.ASID`. */
export function satpAsid(value: number): number {
  return (value >>> 22) & 0x1ff;
}

/** `satp.PPN`: the physical page number of the root page table. */
export function satpPpn(value: number): number {
  return value & 0x3fffff;
}
