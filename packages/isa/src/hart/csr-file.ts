/**
 * The hart's CSRs: access rules and WARL behaviour of every CSR an RV32IMAC hart with M, S and
 * U modes implements (privileged spec 1.12). CSRs that live outside the hart — PMP in the MMU,
 * the counters and `time` driven by the machine's virtual clock — are reached through
 * {@link ExternalCsrs}. Failed accesses are reported through {@link CsrFile.illegal}, never
 * thrown (DESIGN §5).
 *
 * WARL choices (documented legal values; docs/qemu-virt.md lists where QEMU 7.2 differs):
 * - `misa` is fixed at RV32 ACIMSU (`0x40141105`); writes are ignored.
 * - `mstatus`: SIE, MIE, SPIE, MPIE, SPP, MPP, MPRV, SUM, MXR, TVM, TW, TSR are writable; FS,
 *   VS, XS, SD and the endianness bits read zero (no FPU, no vector unit, little-endian). An
 *   MPP write of 2 (reserved) keeps the previous MPP. `mstatush` reads zero.
 * - `medeleg` delegates exceptions 0–9, 12, 13, 15; `mideleg` SSI, STI, SEI.
 * - `mtvec`/`stvec`: a write with MODE ≥ 2 is ignored entirely (as QEMU does).
 * - `mepc`/`sepc` bit 0 reads zero (IALIGN = 16).
 * - `satp`: MODE (Bare or Sv32), a 9-bit ASID and the PPN are writable.
 * - `menvcfg`/`senvcfg`: FIOM only; `menvcfgh` zero (no Sstc, no Svpbmt).
 * - `mcounteren`/`scounteren`: every bit; `mcountinhibit`: every bit but TM.
 * - `hpmcounterN`, `mhpmcounterN`, `mhpmeventN` (and high halves) read zero, ignore writes.
 * - The trigger CSRs `tselect`, `tdata1`–`tdata3` and `tinfo` (0x7a0–0x7a4) are QEMU 7.2's
 *   trigger module ({@link Triggers}); `tcontrol`, `mcontext`, `scontext` do not exist.
 *
 * @module
 */

import { csrPrivilege, csrReadOnly } from '../csr.js';
import { IsaError } from '../errors.js';
import { widenNumberFields } from '../fields.js';
import { DELEGABLE_EXCEPTIONS, DELEGABLE_INTERRUPTS } from './causes.js';
import {
  CSR_WORD_COUNT,
  CSR_WORD_FIELDS,
  csrWord,
  readCsrWord,
  writeCsrWord,
} from './csr-words.js';
import {
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_TVM,
  MSTATUS_WRITABLE,
  SSTATUS_MASK,
} from './status-bits.js';
import { type TriggerSnapshot, Triggers } from './triggers.js';

/** Privilege levels, as encoded in `mstatus.MPP`. */
export const Privilege = Object.freeze({ U: 0, S: 1, M: 3 } as const);
/** A privilege level: 0 (U), 1 (S) or 3 (M). */
export type PrivilegeLevel = 0 | 1 | 3;

/** CSRs implemented outside the hart. */
export interface ExternalCsrs {
  /** The value of `csr`, or `undefined` if the machine does not implement it. */
  read(csr: number): number | undefined;
  /** Writes `csr`; returns false if the machine does not implement it. */
  write(csr: number, value: number): boolean;
  /**
   * Called before `mcountinhibit` takes the value `mask`, so that the machine stops or resumes
   * the counters it implements (bit 0 `mcycle`, bit 2 `minstret`).
   */
  countInhibit?(mask: number): void;
}

/** `misa` of the hart: MXL = 1 (32-bit), extensions A, C, I, M, S, U. */
export const MISA = 0x40141105;

// mip/mie bits.
export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;
const MIE_WRITABLE = MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP;
/** The `mip` bits software may write (the others follow the CLINT and PLIC lines). */
const MIP_WRITABLE = MIP_SSIP | MIP_STIP | MIP_SEIP;

/** A plain, serializable copy of the CSR file. */
export interface CsrSnapshot {
  readonly mstatus: number;
  readonly medeleg: number;
  readonly mideleg: number;
  readonly mie: number;
  readonly mipSoftware: number;
  readonly mipLines: number;
  readonly mtvec: number;
  readonly mscratch: number;
  readonly mepc: number;
  readonly mcause: number;
  readonly mtval: number;
  readonly mcounteren: number;
  readonly mcountinhibit: number;
  readonly menvcfg: number;
  readonly senvcfg: number;
  readonly stvec: number;
  readonly sscratch: number;
  readonly sepc: number;
  readonly scause: number;
  readonly stval: number;
  readonly satp: number;
  readonly scounteren: number;
  /**
   * The trigger module (`tselect`, `tdata1`, `tdata2`). Optional when restoring: a snapshot
   * without it (written before triggers existed) restores them to their reset state.
   */
  readonly triggers?: TriggerSnapshot;
}

const COUNTER_LOW = 0xc00;
const COUNTER_HIGH = 0xc80;

/** Whether `csr` is one of the user-level counters (cycle, time, instret, hpmcounterN, and high halves). */
function isUserCounter(csr: number): boolean {
  return (csr >= COUNTER_LOW && csr <= 0xc1f) || (csr >= COUNTER_HIGH && csr <= 0xc9f);
}

/** The hart's CSR state and access rules. */
export class CsrFile {
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** The software-written `mip` bits (SSIP, STIP, SEIP). */
  mipSoftware = 0;
  /** The interrupt lines from devices (MSIP, MTIP, MEIP from CLINT and PLIC; SEIP from the PLIC). */
  mipLines = 0;
  mcounteren = 0;
  mcountinhibit = 0;
  menvcfg = 0;
  senvcfg = 0;
  satp = 0;
  scounteren = 0;
  // The CSRs kept in words: accessors of their words (defined on the prototype below).
  declare mstatus: number;
  declare mtvec: number;
  declare mscratch: number;
  declare mepc: number;
  declare mcause: number;
  declare mtval: number;
  declare stvec: number;
  declare sscratch: number;
  declare sepc: number;
  declare scause: number;
  declare stval: number;
  /** Set by {@link read} and {@link write} when the access must raise an illegal-instruction trap. */
  illegal = false;
  /**
   * The fields of {@link CSR_WORD_FIELDS} (the trap CSRs of M and S mode, and `mstatus`), one
   * word each by slot: the fields of those names read and write it.
   */
  readonly words: Uint32Array;

  constructor(
    private readonly external: ExternalCsrs,
    /** Value of `mhartid`. */
    readonly hartId = 0,
    /** The trigger module behind `tselect`, `tdata1`–`tdata3` and `tinfo`. */
    readonly triggers: Triggers = new Triggers(),
    /**
     * Where the fields of {@link CSR_WORD_FIELDS} live (a translator passes a view of its own
     * memory): at least
     * {@link CSR_WORD_COUNT} words, zeroed here; a new array by default. {@link IsaError}
     * `BAD_ARGUMENT` when it is not a `Uint32Array` that long.
     */
    words: Uint32Array = new Uint32Array(CSR_WORD_COUNT),
  ) {
    if (!(words instanceof Uint32Array) || words.length < CSR_WORD_COUNT)
      throw new IsaError(
        'BAD_ARGUMENT',
        `CsrFile: words must be a Uint32Array of at least ${CSR_WORD_COUNT} elements`,
      );
    this.words = words.fill(0);
    widenNumberFields(this, ['satp']);
  }

  /** `mip` as software reads it: the written bits OR the device lines. */
  get mip(): number {
    return this.mipSoftware | this.mipLines;
  }

  /** Drives a device interrupt line (an `mip` bit such as {@link MIP_MTIP}). */
  setLine(bit: number, level: boolean): void {
    this.mipLines = level ? this.mipLines | bit : this.mipLines & ~bit;
  }

  /** Whether `csr` may be accessed at `privilege` (and written, if `write`), per the spec's rules. */
  accessible(csr: number, privilege: PrivilegeLevel, write: boolean): boolean {
    const level = csrPrivilege(csr);
    if (level === 'D' || level === 'H') return false;
    const needed = level === 'M' ? 3 : level === 'S' ? 1 : 0;
    if (privilege < needed) return false;
    if (write && csrReadOnly(csr)) return false;
    if (isUserCounter(csr) && privilege < 3) {
      const bit = 1 << (csr & 0x1f);
      if ((this.mcounteren & bit) === 0) return false;
      if (privilege === 0 && (this.scounteren & bit) === 0) return false;
    }
    if (csr === 0x180 && privilege === 1 && (this.mstatus & MSTATUS_TVM) !== 0) return false;
    return true;
  }

  /**
   * Reads `csr` at `privilege`. On an access the spec forbids, or an unimplemented CSR, sets
   * {@link illegal} and returns 0.
   */
  read(csr: number, privilege: PrivilegeLevel): number {
    this.illegal = false;
    if (!this.accessible(csr, privilege, false)) return this.fail();
    const value = this.readRaw(csr);
    return value === undefined ? this.fail() : value >>> 0;
  }

  /**
   * The value a CSRRS or CSRRC combines with its operand, given the value it read: the same,
   * except that only the software-writable `mip.SEIP` bit takes part in the read-modify-write,
   * not the PLIC's line (privileged spec 3.1.9) — else clearing another bit while the line is
   * high would latch SEIP in software.
   */
  modifyBase(csr: number, read: number): number {
    return csr === 0x344 ? ((read & ~MIP_SEIP) | (this.mipSoftware & MIP_SEIP)) >>> 0 : read;
  }

  /** Writes `csr` at `privilege`; sets {@link illegal} if the write must trap. */
  write(csr: number, privilege: PrivilegeLevel, value: number): void {
    this.illegal = false;
    if (!this.accessible(csr, privilege, true) || !this.writeRaw(csr, value | 0)) this.fail();
  }

  private fail(): number {
    this.illegal = true;
    return 0;
  }

  /** Reads without access checks; `undefined` for a CSR this hart does not implement. */
  readRaw(csr: number): number | undefined {
    const word = csrWord(csr);
    if (word !== undefined) return readCsrWord(this.words, word);
    switch (csr) {
      case 0x300:
        return this.mstatus;
      case 0x310:
        return 0; // mstatush: MBE, SBE read zero (little-endian)
      case 0x301:
        return MISA;
      case 0x302:
        return this.medeleg;
      case 0x303:
        return this.mideleg;
      case 0x304:
        return this.mie;
      case 0x344:
        return this.mip;
      case 0x306:
        return this.mcounteren;
      case 0x320:
        return this.mcountinhibit;
      case 0x30a:
        return this.menvcfg;
      case 0x31a:
        return 0; // menvcfgh
      case 0xf11:
      case 0xf12:
      case 0xf13:
      case 0xf15:
        return 0; // mvendorid, marchid, mimpid, mconfigptr
      case 0xf14:
        return this.hartId;
      case 0x104:
        return this.mie & this.mideleg;
      case 0x144:
        return this.mip & this.mideleg;
      case 0x180:
        return this.satp;
      case 0x106:
        return this.scounteren;
      case 0x10a:
        return this.senvcfg;
      case 0x7a0:
      case 0x7a1:
      case 0x7a2:
      case 0x7a3:
      case 0x7a4:
        return this.triggers.read(csr);
      default:
        if (isZeroCounter(csr)) return 0;
        return this.external.read(csr);
    }
  }

  /** Writes without access checks; false for a CSR this hart does not implement. */
  writeRaw(csr: number, value: number): boolean {
    const word = csrWord(csr);
    if (word !== undefined) {
      writeCsrWord(this.words, word, value);
      return true;
    }
    switch (csr) {
      case 0x300:
        this.mstatus = legalStatus(this.mstatus, value);
        return true;
      case 0x310:
      case 0x301:
      case 0x31a:
        return true; // mstatush, misa, menvcfgh: no writable bits
      case 0x302:
        this.medeleg = value & DELEGABLE_EXCEPTIONS;
        return true;
      case 0x303:
        this.mideleg = value & DELEGABLE_INTERRUPTS;
        return true;
      case 0x304:
        this.mie = value & MIE_WRITABLE;
        return true;
      case 0x344:
        this.mipSoftware = value & MIP_WRITABLE;
        return true;
      case 0x306:
        this.mcounteren = value >>> 0;
        return true;
      case 0x320:
        this.external.countInhibit?.((value & ~2) >>> 0);
        this.mcountinhibit = (value & ~2) >>> 0;
        return true;
      case 0x30a:
        this.menvcfg = value & 1;
        return true;
      case 0x104:
        this.mie = ((this.mie & ~this.mideleg) | (value & this.mideleg)) >>> 0;
        return true;
      case 0x144: {
        // Only SSIP is writable through sip, and only when delegated.
        const mask = this.mideleg & MIP_SSIP;
        this.mipSoftware = ((this.mipSoftware & ~mask) | (value & mask)) >>> 0;
        return true;
      }
      case 0x180:
        this.satp = value >>> 0;
        return true;
      case 0x106:
        this.scounteren = value >>> 0;
        return true;
      case 0x10a:
        this.senvcfg = value & 1;
        return true;
      case 0x7a0:
      case 0x7a1:
      case 0x7a2:
      case 0x7a3:
      case 0x7a4:
        this.triggers.write(csr, value);
        return true;
      default:
        if (isZeroCounter(csr)) return true;
        return this.external.write(csr, value >>> 0);
    }
  }

  /** A plain copy of the state. */
  snapshot(): CsrSnapshot {
    const out: Record<string, unknown> = {};
    for (const key of CSR_SNAPSHOT_KEYS) out[key] = this[key];
    out.triggers = this.triggers.snapshot();
    return out as unknown as CsrSnapshot;
  }

  /**
   * Restores a {@link CsrFile.snapshot} (without `triggers`: the triggers are reset). The
   * caller checks the values (`legalTdata1` for the triggers).
   */
  restore(snapshot: CsrSnapshot): void {
    for (const key of CSR_SNAPSHOT_KEYS) this[key] = snapshot[key] >>> 0;
    if (snapshot.triggers === undefined) this.triggers.reset();
    else this.triggers.restore(snapshot.triggers);
  }
}

/** The numeric fields of {@link CsrSnapshot} (every field but `triggers`). */
export const CSR_SNAPSHOT_KEYS: readonly Exclude<keyof CsrSnapshot, 'triggers'>[] = [
  'mstatus',
  'medeleg',
  'mideleg',
  'mie',
  'mipSoftware',
  'mipLines',
  'mtvec',
  'mscratch',
  'mepc',
  'mcause',
  'mtval',
  'mcounteren',
  'mcountinhibit',
  'menvcfg',
  'senvcfg',
  'stvec',
  'sscratch',
  'sepc',
  'scause',
  'stval',
  'satp',
  'scounteren',
];

/** `hpmcounter3…31`, `mhpmcounter3…31`, `mhpmevent3…31` and their high halves: read zero. */
function isZeroCounter(csr: number): boolean {
  const n = csr & 0x1f;
  if (n < 3) return false;
  const group = csr & ~0x1f;
  return (
    group === 0xc00 ||
    group === 0xc80 ||
    group === 0xb00 ||
    group === 0xb80 ||
    group === 0x320 ||
    group === 0x720
  );
}

/** `mstatus` after writing `value`: writable bits only, MPP kept when the new value is reserved (2). */
function legalStatus(previous: number, value: number): number {
  let next = value & MSTATUS_WRITABLE;
  if (((next >>> MSTATUS_MPP_SHIFT) & 3) === 2)
    next = (next & ~MSTATUS_MPP) | (previous & MSTATUS_MPP);
  return next >>> 0;
}

for (const [slot, name] of CSR_WORD_FIELDS.entries())
  Object.defineProperty(CsrFile.prototype, name, {
    get(this: CsrFile): number {
      return this.words[slot] as number;
    },
    set(this: CsrFile, value: number) {
      this.words[slot] = value;
    },
    enumerable: false,
    configurable: false,
  });
