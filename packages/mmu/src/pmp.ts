/**
 * Physical memory protection (privileged spec 1.12, section 3.7): 16 entries with 4-byte
 * granularity (G = 0), as on QEMU 7.2's `virt` harts.
 *
 * @module
 */

import type { AccessKind, PrivilegeLevel } from '@trapeze/isa';
import { checkAccessAndPrivilege } from './access.js';
import { FETCH, LOAD, PRV_M, PRV_S, PRV_U, STORE } from './codes.js';
import { hex, MmuError } from './errors.js';

/** Number of PMP entries implemented (QEMU 7.2: 16). */
export const PMP_ENTRIES = 16;

/** `pmpNcfg.R`. */
export const PMP_R = 0x01;
/** `pmpNcfg.W`. */
export const PMP_W = 0x02;
/** `pmpNcfg.X`. */
export const PMP_X = 0x04;
/** `pmpNcfg.A` field mask (bits 4:3). */
export const PMP_A = 0x18;
/** `pmpNcfg.L`. */
export const PMP_L = 0x80;
/** `A` = OFF: the entry is disabled and matches nothing. */
export const PMP_OFF = 0;
/** `A` = TOR: top of range, `pmpaddr[i-1] <= y < pmpaddr[i]` (lower bound 0 for entry 0). */
export const PMP_TOR = 1;
/** `A` = NA4: naturally aligned four-byte region. */
export const PMP_NA4 = 2;
/** `A` = NAPOT: naturally aligned power-of-two region, at least eight bytes. */
export const PMP_NAPOT = 3;

/** CSR address of `pmpcfg0` (`pmpcfg0`–`pmpcfg3` are 0x3a0–0x3a3 on RV32). */
export const CSR_PMPCFG0 = 0x3a0;
/** CSR address of `pmpaddr0` (`pmpaddr0`–`pmpaddr15` are 0x3b0–0x3bf). */
export const CSR_PMPADDR0 = 0x3b0;

/**
 * How `pmpcfg` writes map to legal values.
 * - `spec` (default): bits 6:5 read as zero, and a write that would set the reserved
 *   combination R=0/W=1 leaves that entry's configuration unchanged (the behaviour QEMU adopted
 *   after 7.2).
 * - `qemu-7.2`: every byte is kept as written, bits 6:5 and R=0/W=1 included, and R=0/W=1 then
 *   grants writes but not reads (what QEMU 7.2 measurably does; not a legal WARL mapping).
 */
export type PmpWarl = 'spec' | 'qemu-7.2';

/** Options of {@link Pmp}. */
export interface PmpOptions {
  /** Legalization of `pmpcfg` writes; default `spec`. */
  readonly warl?: PmpWarl;
}

/**
 * Bits of {@link Pmp.pagePermissions}: for each privilege, the accesses PMP allows on every
 * byte of a 4 KiB page. M: bits 0–2, S: bits 3–5, U: bits 6–8 (R, W, X in that order).
 * `access` and `privilege` are `@trapeze/isa`'s codes (`ACCESS_LOAD`, `Privilege.S`, …).
 *
 * @throws MmuError `INVALID_ARGUMENT` when `access` is not 0, 1 or 2, or `privilege` not 0, 1 or 3
 */
export function pmpPageBit(access: AccessKind, privilege: PrivilegeLevel): number {
  checkAccessAndPrivilege('pmpPageBit', access, privilege);
  return pageBit(access, privilege);
}

/**
 * {@link pmpPageBit} without the argument check, for the MMU's hot path: 0 (a bit no page
 * grants) when `access` or `privilege` is not a valid code, so a caller that gets 0 checks them.
 */
export function pageBit(access: number, privilege: number): number {
  const a = access === LOAD ? PMP_R : access === STORE ? PMP_W : access === FETCH ? PMP_X : 0;
  return privilege === PRV_M ? a : privilege === PRV_S ? a << 3 : privilege === PRV_U ? a << 6 : 0;
}

const TWO32 = 0x1_0000_0000;

/** A plain, serializable copy of the PMP registers ({@link Pmp.snapshot}). */
export interface PmpSnapshot {
  /** The configuration byte of each of the 16 entries. */
  readonly cfg: readonly number[];
  /** The address register (`pmpaddr`) of each entry. */
  readonly addr: readonly number[];
}

/**
 * The PMP unit: `pmpcfg0`–`pmpcfg3` and `pmpaddr0`–`pmpaddr15` with WARL semantics and the
 * access check. Physical addresses are numbers below 2^34 (Sv32's physical space); `pmpaddr`
 * holds bits 33:2.
 *
 * Each effective write bumps {@link Pmp.generation}, which the MMU watches to drop cached
 * PMP decisions (QEMU likewise flushes its TLB on every `pmpcfg`/`pmpaddr` write).
 *
 * @example
 * ```ts
 * import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Privilege } from '@trapeze/isa';
 * import { PMP_L, PMP_NAPOT, PMP_R, PMP_TOR, PMP_X, Pmp } from '@trapeze/mmu';
 *
 * const pmp = new Pmp();
 * // Entry 0: 0x80000000–0x80000fff read-only, locked (M-mode obeys it too).
 * pmp.writeAddr(0, (0x8000_0000 >>> 2) | (0x1000 / 8 - 1)); // NAPOT: base | (size / 8 − 1)
 * pmp.writeCfg(0, PMP_L | (PMP_NAPOT << 3) | PMP_R);
 * // Entry 1: everything below 0x90000000 that entry 0 does not match, read and execute.
 * pmp.writeAddr(1, 0x9000_0000 >>> 2);
 * pmp.writeCfg(0, pmp.readCfg(0) | (((PMP_TOR << 3) | PMP_R | PMP_X) << 8));
 *
 * pmp.check(0x8000_0100, 4, ACCESS_LOAD, Privilege.M); // → true
 * pmp.check(0x8000_0100, 4, ACCESS_STORE, Privilege.M); // → false
 * pmp.check(0x8000_2000, 4, ACCESS_FETCH, Privilege.U); // → true
 * pmp.check(0x8000_2000, 4, ACCESS_STORE, Privilege.S); // → false
 * pmp.check(0x9000_0000, 4, ACCESS_LOAD, Privilege.M); // → true
 * pmp.check(0x9000_0000, 4, ACCESS_LOAD, Privilege.U); // → false
 * ```
 */
export class Pmp {
  /** Incremented by every write that changes a register. */
  generation = 0;
  /** The configuration byte of each entry. */
  private readonly cfg = new Uint8Array(PMP_ENTRIES);
  /** The address register of each entry (unsigned 32-bit). */
  private readonly addr = new Uint32Array(PMP_ENTRIES);
  /** Decoded byte range [lo, hi) of each entry; lo = hi = 0 when the entry is OFF or empty. */
  private readonly lo = new Float64Array(PMP_ENTRIES);
  private readonly hi = new Float64Array(PMP_ENTRIES);
  /** Number of entries with A != OFF. */
  private active = 0;
  private readonly keepAll: boolean;

  constructor(options: PmpOptions = {}) {
    const warl = options.warl ?? 'spec';
    if (warl !== 'spec' && warl !== 'qemu-7.2') {
      throw new MmuError('INVALID_ARGUMENT', `Pmp: unknown warl option ${String(warl)}`);
    }
    this.keepAll = warl === 'qemu-7.2';
  }

  /** Resets every entry to OFF, unlocked, address 0 (the reset state). */
  reset(): void {
    this.cfg.fill(0);
    this.addr.fill(0);
    this.decode();
    this.generation++;
  }

  /** A plain copy of the registers: each entry's configuration byte and address register. */
  snapshot(): PmpSnapshot {
    return { cfg: Array.from(this.cfg), addr: Array.from(this.addr) };
  }

  /**
   * Restores a {@link Pmp.snapshot} (locks included: a restore is not a CSR write).
   *
   * @throws MmuError `INVALID_ARGUMENT` when `snapshot` is not 16 bytes and 16 words
   */
  restore(snapshot: PmpSnapshot): void {
    const { cfg, addr } = snapshot;
    const words = (list: readonly number[], max: number) =>
      Array.isArray(list) &&
      list.length === PMP_ENTRIES &&
      list.every((v) => Number.isInteger(v) && v >= 0 && v <= max);
    if (!words(cfg, 0xff) || !words(addr, 0xffff_ffff))
      throw new MmuError(
        'INVALID_ARGUMENT',
        `Pmp: a snapshot holds ${PMP_ENTRIES} configuration bytes and ${PMP_ENTRIES} address words`,
      );
    // Bytes a pmpcfg write never stores in this mode (reserved bits 6:5, W without R).
    if (!this.keepAll && cfg.some((b) => (b & 0x60) !== 0 || (b & (PMP_R | PMP_W)) === PMP_W))
      throw new MmuError(
        'INVALID_ARGUMENT',
        'Pmp: a snapshot configuration byte has reserved bits 6:5 set or W without R',
      );
    this.cfg.set(cfg);
    this.addr.set(addr);
    this.update();
  }

  /** Reads `pmpcfgN` (N = 0..3): the configuration bytes of entries 4N..4N+3. */
  readCfg(n: number): number {
    checkIndex(n, 4, 'pmpcfg');
    const c = this.cfg;
    const i = n * 4;
    return (c[i] | (c[i + 1] << 8) | (c[i + 2] << 16) | (c[i + 3] << 24)) >>> 0;
  }

  /**
   * Writes `pmpcfgN` (N = 0..3). Locked entries ignore their byte; the other bytes are
   * legalized as {@link PmpWarl} says.
   */
  writeCfg(n: number, value: number): void {
    checkIndex(n, 4, 'pmpcfg');
    let changed = false;
    for (let k = 0; k < 4; k++) {
      const i = n * 4 + k;
      if ((this.cfg[i] & PMP_L) !== 0) continue;
      let byte = (value >>> (8 * k)) & 0xff;
      if (!this.keepAll) {
        if ((byte & (PMP_R | PMP_W)) === PMP_W) continue; // reserved R=0/W=1: keep the old value
        byte &= 0x9f; // bits 6:5 read as zero
      }
      if (this.cfg[i] !== byte) {
        this.cfg[i] = byte;
        changed = true;
      }
    }
    if (changed) this.update();
  }

  /** Reads `pmpaddrI` (I = 0..15). */
  readAddr(i: number): number {
    checkIndex(i, PMP_ENTRIES, 'pmpaddr');
    return this.addr[i];
  }

  /**
   * Writes `pmpaddrI` (I = 0..15; all 32 bits are writable with G = 0). Ignored when entry I is
   * locked, or when entry I+1 is locked and in TOR mode.
   */
  writeAddr(i: number, value: number): void {
    checkIndex(i, PMP_ENTRIES, 'pmpaddr');
    if ((this.cfg[i] & PMP_L) !== 0) return;
    if (i + 1 < PMP_ENTRIES) {
      const next = this.cfg[i + 1];
      if ((next & PMP_L) !== 0 && (next & PMP_A) >> 3 === PMP_TOR) return;
    }
    const v = value >>> 0;
    if (this.addr[i] !== v) {
      this.addr[i] = v;
      this.update();
    }
  }

  /** Whether `address` is one of the PMP CSRs this unit implements (`pmpcfg0`–`3`, `pmpaddr0`–`15`). */
  static isPmpCsr(address: number): boolean {
    return (
      (address >= CSR_PMPCFG0 && address < CSR_PMPCFG0 + 4) ||
      (address >= CSR_PMPADDR0 && address < CSR_PMPADDR0 + PMP_ENTRIES)
    );
  }

  /**
   * Reads a PMP CSR by address.
   *
   * @throws MmuError `INVALID_ARGUMENT` for an address that is not a PMP CSR of this unit
   */
  readCsr(address: number): number {
    if (address >= CSR_PMPCFG0 && address < CSR_PMPCFG0 + 4)
      return this.readCfg(address - CSR_PMPCFG0);
    if (address >= CSR_PMPADDR0 && address < CSR_PMPADDR0 + PMP_ENTRIES)
      return this.readAddr(address - CSR_PMPADDR0);
    throw new MmuError(
      'INVALID_ARGUMENT',
      `Pmp: CSR ${hex(address)} is not pmpcfg0-3 or pmpaddr0-15`,
    );
  }

  /**
   * Writes a PMP CSR by address.
   *
   * @throws MmuError `INVALID_ARGUMENT` for an address that is not a PMP CSR of this unit
   */
  writeCsr(address: number, value: number): void {
    if (address >= CSR_PMPCFG0 && address < CSR_PMPCFG0 + 4)
      this.writeCfg(address - CSR_PMPCFG0, value);
    else if (address >= CSR_PMPADDR0 && address < CSR_PMPADDR0 + PMP_ENTRIES)
      this.writeAddr(address - CSR_PMPADDR0, value);
    else
      throw new MmuError(
        'INVALID_ARGUMENT',
        `Pmp: CSR ${hex(address)} is not pmpcfg0-3 or pmpaddr0-15`,
      );
  }

  /** The configuration byte of entry `i`. */
  entryConfig(i: number): number {
    checkIndex(i, PMP_ENTRIES, 'PMP entry');
    return this.cfg[i];
  }

  /**
   * The byte range `[start, end)` entry `i` matches, or `undefined` when it matches nothing
   * (OFF, or TOR with `pmpaddr[i-1] >= pmpaddr[i]`).
   */
  entryRange(i: number): { start: number; end: number } | undefined {
    checkIndex(i, PMP_ENTRIES, 'PMP entry');
    return this.hi[i] > this.lo[i] ? { start: this.lo[i], end: this.hi[i] } : undefined;
  }

  /**
   * Whether PMP allows an access of `size` bytes at physical address `paddr` (unsigned, or a
   * signed 32-bit integer). The lowest-numbered entry that matches any byte decides: it must
   * match every byte, else the access fails; then M-mode is checked against it only when it is
   * locked, S and U always. When no entry matches, M-mode succeeds and S/U fail (16 entries
   * are implemented). `access` and `privilege` are `@trapeze/isa`'s codes (`ACCESS_FETCH`,
   * `ACCESS_LOAD`, `ACCESS_STORE`; `Privilege.U`, `.S`, `.M`, the effective mode after
   * `mstatus.MPRV`).
   *
   * @throws MmuError `INVALID_ARGUMENT` when `access` is not 0, 1 or 2, or `privilege` not 0,
   * 1 or 3 (host misuse; `paddr` and `size` may be any number, answered true or false)
   */
  check(paddr: number, size: number, access: AccessKind, privilege: PrivilegeLevel): boolean {
    checkAccessAndPrivilege('Pmp.check', access, privilege);
    const start = paddr < 0 ? paddr + TWO32 : paddr;
    const end = start + size;
    if (this.active !== 0) {
      const lo = this.lo;
      const hi = this.hi;
      for (let i = 0; i < PMP_ENTRIES; i++) {
        const l = lo[i];
        const h = hi[i];
        if (start < h && end > l) {
          if (start < l || end > h) return false; // partial match
          const c = this.cfg[i];
          if (privilege === PRV_M && (c & PMP_L) === 0) return true;
          const bit = access === LOAD ? PMP_R : access === STORE ? PMP_W : PMP_X;
          return (c & bit) !== 0;
        }
      }
    }
    return privilege === PRV_M;
  }

  /**
   * The accesses PMP allows on *every* byte of the 4 KiB page at `pageBase`, as a mask of
   * {@link pmpPageBit} bits. Conservative: when the first entry that touches the page does not
   * cover all of it, nothing is granted and callers must use {@link Pmp.check} per access.
   */
  pagePermissions(pageBase: number): number {
    const start = pageBase < 0 ? pageBase + TWO32 : pageBase;
    const end = start + 4096;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const l = this.lo[i];
      const h = this.hi[i];
      if (start < h && end > l) {
        if (start < l || end > h) return 0;
        const c = this.cfg[i];
        const rwx = c & 7;
        const m = (c & PMP_L) !== 0 ? rwx : 7;
        return m | (rwx << 3) | (rwx << 6);
      }
    }
    return 7; // M only
  }

  private update(): void {
    this.decode();
    this.generation++;
  }

  private decode(): void {
    let active = 0;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const a = (this.cfg[i] & PMP_A) >> 3;
      const word = this.addr[i];
      let l = 0;
      let h = 0;
      if (a === PMP_TOR) {
        l = i === 0 ? 0 : this.addr[i - 1] * 4;
        h = word * 4;
        if (l >= h) l = h = 0;
      } else if (a === PMP_NA4) {
        l = word * 4;
        h = l + 4;
      } else if (a === PMP_NAPOT) {
        let ones = 0;
        while (ones < 32 && ((word >>> ones) & 1) === 1) ones++;
        const granule = 2 ** (ones + 1); // in words, counting the terminating 0 bit
        l = Math.floor(word / granule) * granule * 4;
        h = l + 2 ** (ones + 3);
      }
      if (a !== PMP_OFF) active++;
      this.lo[i] = l;
      this.hi[i] = h;
    }
    this.active = active;
  }
}

function checkIndex(i: number, count: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new MmuError(
      'INVALID_ARGUMENT',
      `Pmp: ${what} index ${i} is out of range 0..${count - 1}`,
    );
  }
}
