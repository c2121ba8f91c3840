/**
 * A software TLB for Sv32 translations, as parallel typed arrays.
 *
 * @module
 */

import { MmuError } from './errors.js';

/**
 * A direct-mapped TLB of 4 KiB translations, indexed by the low bits of the virtual page
 * number and tagged with the full VPN and the ASID. Superpages are cached one 4 KiB piece at a
 * time and marked, so that an address-specific flush drops every piece of the superpage.
 * Entry `i` is valid when `vpn[i] >= 0`.
 *
 * Only leaf PTEs whose A bit is set are cached (the walker sets A before filling); an entry
 * whose D bit is clear serves loads and fetches but not stores, which walk again and set D.
 */
export class Tlb {
  /** Number of entries (a power of two). */
  readonly size: number;
  /** `size - 1`. */
  readonly mask: number;
  /** Virtual page number tag (vaddr >>> 12), or -1 when the entry is invalid. */
  readonly vpn: Int32Array;
  /** ASID the entry was filled under. */
  readonly asid: Uint16Array;
  /** 1 when the mapping is global (G set on the leaf or on the pointer above it). */
  readonly global: Uint8Array;
  /** 1 when the entry is a piece of a 4 MiB superpage. */
  readonly superpage: Uint8Array;
  /** Bits 7:0 of the leaf PTE (V R W X U G A D) as written back. */
  readonly flags: Uint8Array;
  /** Physical page number (physical address / 4096, up to 22 bits) of this virtual page. */
  readonly ppn: Int32Array;
  /** Byte offset of the physical page in the bus's primary RAM, or -1. */
  readonly ramOffset: Int32Array;
  /** PMP page permissions (see `Pmp.pagePermissions`) of the physical page. */
  readonly pmp: Uint16Array;

  /**
   * Valid superpage entries per 4 MiB region: a page flush scans the whole TLB only in a
   * region that has some.
   */
  private readonly superpagePieces = new Uint16Array(1024);

  /** @param size number of entries, a power of two from 1 to 65536 (default 256) */
  constructor(size = 256) {
    if (!Number.isInteger(size) || size < 1 || size > 65536 || (size & (size - 1)) !== 0) {
      throw new MmuError('INVALID_ARGUMENT', `Tlb: size ${size} is not a power of two in 1..65536`);
    }
    this.size = size;
    this.mask = size - 1;
    this.vpn = new Int32Array(size).fill(-1);
    this.asid = new Uint16Array(size);
    this.global = new Uint8Array(size);
    this.superpage = new Uint8Array(size);
    this.flags = new Uint8Array(size);
    this.ppn = new Int32Array(size);
    this.ramOffset = new Int32Array(size);
    this.pmp = new Uint16Array(size);
  }

  /** The index of the entry translating virtual page `vpn` under `asid`, or -1. */
  lookup(vpn: number, asid: number): number {
    const i = vpn & this.mask;
    return this.vpn[i] === vpn && (this.global[i] === 1 || this.asid[i] === asid) ? i : -1;
  }

  /** Fills the entry for `vpn` (replacing whatever was in its slot) and returns its index. */
  insert(
    vpn: number,
    asid: number,
    global: boolean,
    superpage: boolean,
    flags: number,
    ppn: number,
    ramOffset: number,
    pmp: number,
  ): number {
    const i = vpn & this.mask;
    const old = this.vpn[i] as number;
    if (old >= 0 && this.superpage[i] === 1) this.superpagePieces[old >>> 10]--;
    if (superpage) this.superpagePieces[vpn >>> 10]++;
    this.vpn[i] = vpn;
    this.asid[i] = asid;
    this.global[i] = global ? 1 : 0;
    this.superpage[i] = superpage ? 1 : 0;
    this.flags[i] = flags;
    this.ppn[i] = ppn;
    this.ramOffset[i] = ramOffset;
    this.pmp[i] = pmp;
    return i;
  }

  /** Invalidates every entry. */
  flushAll(): void {
    this.vpn.fill(-1);
    this.superpagePieces.fill(0);
  }

  /**
   * SFENCE.VMA semantics (privileged spec 1.12, section 4.2.1):
   * - no address, no ASID: every entry, global ones included;
   * - no address, ASID: every non-global entry of that ASID;
   * - address, no ASID: the entries for that address in every ASID, global ones included
   *   (all pieces of a superpage containing it);
   * - address and ASID: the non-global entries for that address in that ASID.
   *
   * Only the low 9 bits of `asid` count (ASIDLEN = 9).
   */
  flush(vaddr?: number, asid?: number): void {
    if (vaddr === undefined && asid === undefined) {
      this.flushAll();
      return;
    }
    const vpn = vaddr === undefined ? -1 : vaddr >>> 12;
    const a = asid === undefined ? -1 : asid & 0x1ff;
    // An address in a 4 MiB region without superpage entries: only its own slot can match.
    const one = vpn >= 0 && this.superpagePieces[vpn >>> 10] === 0;
    const first = one ? vpn & this.mask : 0;
    const last = one ? first + 1 : this.size;
    const tags = this.vpn;
    for (let i = first; i < last; i++) {
      const t = tags[i] as number;
      if (t < 0) continue;
      if (a >= 0 && (this.global[i] === 1 || this.asid[i] !== a)) continue;
      if (vpn >= 0 && t !== vpn && !(this.superpage[i] === 1 && t >>> 10 === vpn >>> 10)) continue;
      tags[i] = -1;
      if (this.superpage[i] === 1) this.superpagePieces[t >>> 10]--;
    }
  }

  /** Number of valid entries. */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.vpn[i] >= 0) n++;
    return n;
  }
}
