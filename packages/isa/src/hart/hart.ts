/**
 * The reference hart: RV32IMAC + Zicsr + Zifencei with M, S and U modes (privileged spec
 * 1.12), one instruction per {@link Hart.step}. This is the executable specification every
 * engine is compared with; it favours clarity over speed.
 *
 * - Traps: synchronous exceptions and interrupts, delegation through `medeleg`/`mideleg`,
 *   direct and vectored `mtvec`/`stvec`, MRET/SRET, with the spec's interrupt priorities.
 * - WFI sets {@link Hart.waiting}; the machine then skips virtual time to the next event.
 * - LR/SC: one reservation, cleared by SC, by guest-visible traps and by xRET; SC is QEMU's
 *   compare-and-swap against the word LR read.
 * - Misaligned loads and stores are done by the memory (they do not trap, as on QEMU);
 *   misaligned LR/SC/AMOs raise address-misaligned exceptions (4 for LR, 6 for SC and AMOs).
 *
 * @module
 */
import type { Decoder } from '../decoder.js';
import { rv32imacDecoder } from '../decoder.js';
import { createInstructionRecord } from '../decoder-tables.js';
import { checkInteger, IsaError } from '../errors.js';
import { widenNumberFields } from '../fields.js';
import type { DecodedInstruction } from '../instruction.js';
import { Exception, INTERRUPT_BIT, INTERRUPT_PRIORITY } from './causes.js';
import { CsrFile, type ExternalCsrs, type PrivilegeLevel } from './csr-file.js';
import { execute } from './execute.js';
import type { AccessKind, HartMemory } from './memory.js';
import {
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_SIE,
  MSTATUS_SPIE,
  MSTATUS_SPP,
} from './status-bits.js';
import { TRIGGER_ACCESS_AMO, Triggers } from './triggers.js';

/**
 * Consecutive traps without a retired instruction after which a hart is stuck: a trap handler
 * that itself traps before retiring anything (an unmapped or non-executable trap vector) —
 * legitimate nesting never comes near.
 */
export const STUCK_TRAPS = 1000;

/** The decode cache has 2^(32 − shift) entries. */
const DECODE_CACHE_SHIFT = 20;

/** A plain, serializable copy of the hart's state (CSRs apart: {@link CsrFile.snapshot}). */
export interface HartSnapshot {
  readonly x: readonly number[];
  readonly pc: number;
  readonly privilege: PrivilegeLevel;
  readonly reservation: number;
  /**
   * {@link Hart.reservationValue}. Absent in snapshots from before it existed: the reservation
   * is then dropped on restore (an SC may always fail).
   */
  readonly reservationValue?: number;
  readonly waiting: boolean;
  /** {@link Hart.retired}. */
  readonly retired: number;
  /** {@link Hart.countedTraps}. */
  readonly countedTraps: number;
  /** {@link Hart.traps}. */
  readonly traps: number;
  /** {@link Hart.trapStreak}. */
  readonly trapStreak: number;
  /** {@link Hart.retired} at the last trap (-1 before the first): where the streak counts from. */
  readonly trapRetired: number;
}

/**
 * One RV32 hart: registers, pc, privilege, CSRs, and {@link Hart.step}, which executes one
 * instruction (or takes one interrupt) against a {@link HartMemory}. The machine
 * (`@trapeze/machine`) gives it Sv32, PMP, RAM and devices; anything implementing
 * {@link HartMemory} will do, as below.
 *
 * @example
 * ```ts
 * import { type AccessKind, assemble, fetchParcels, Hart, type HartMemory } from '@trapeze/isa';
 *
 * // 64 KiB of RAM at 0x80000000; anything else is an access fault (cause 1, 5 or 7).
 * class FlatMemory implements HartMemory {
 *   fault = -1;
 *   readonly bytes = new Uint8Array(0x10000);
 *   read(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): number {
 *     const at = vaddr - 0x80000000;
 *     if (at < 0 || at + size > this.bytes.length) {
 *       this.fault = [1, 5, 7][kind] as number;
 *       return 0;
 *     }
 *     this.fault = -1;
 *     let value = 0;
 *     for (let k = size - 1; k >= 0; k--) value = value * 256 + (this.bytes[at + k] as number);
 *     return value;
 *   }
 *   fetch(pc: number): number {
 *     return fetchParcels(this, pc);
 *   }
 *   write(vaddr: number, size: 1 | 2 | 4, value: number): void {
 *     const at = vaddr - 0x80000000;
 *     if (at < 0 || at + size > this.bytes.length) {
 *       this.fault = 7;
 *       return;
 *     }
 *     this.fault = -1;
 *     for (let k = 0; k < size; k++) this.bytes[at + k] = (value >>> (8 * k)) & 0xff;
 *   }
 *   fenceVma(): void {}
 *   fenceI(): void {}
 * }
 *
 * const program = assemble(`
 *     la t0, handler
 *     csrw mtvec, t0
 *     li a0, 6
 *     li a1, 7
 *     mul a2, a0, a1
 *     ecall
 *   handler: j handler
 * `);
 * const memory = new FlatMemory();
 * for (const s of program.sections) memory.bytes.set(s.bytes, s.address - 0x80000000);
 *
 * // No counters or PMP outside the hart: reading them is an illegal instruction.
 * const hart = new Hart(memory, { read: () => undefined, write: () => false });
 * hart.pc = program.entry; // M-mode, as after reset
 * for (let i = 0; i < 7; i++) hart.step();
 * hart.x[12]; // → 42
 * hart.retired; // → 6
 * hart.csr.mcause; // → 11
 * // ECALL from M-mode trapped to mtvec; it did not retire, and mepc points at it.
 * hart.pc === program.symbols.find((s) => s.name === 'handler')?.value; // → true
 * hart.csr.mepc === hart.pc - 4; // → true
 * ```
 */
export class Hart {
  /** x0…x31 (x0 always reads zero). */
  readonly x: Int32Array;
  /** The program counter (unsigned). */
  pc = 0;
  /** The current privilege level. */
  privilege: PrivilegeLevel = 3;
  /** The CSRs. */
  readonly csr: CsrFile;
  /** The debug triggers (`tselect`, `tdata1`, `tdata2`: also reached through {@link Hart.csr}). */
  readonly triggers: Triggers;
  /** Address of the LR reservation, or -1 when there is none. */
  reservation = -1;
  /**
   * The word the LR read (signed). As QEMU's, an SC is a compare-and-swap: it succeeds only if
   * the word still holds this value, so a store by this hart that changed it in between makes
   * the SC fail (the spec leaves a same-hart store's effect to the implementation).
   */
  reservationValue = 0;
  /** Set by WFI until an interrupt is pending (whether or not it is enabled). */
  waiting = false;
  /** Instructions retired since the hart was created (traps retire nothing). */
  retired = 0;
  /**
   * Instructions that trapped instead of retiring but that QEMU's icount counts as executed
   * (one nanosecond each): ECALL, EBREAK, and words that do not decode to an instruction this
   * hart implements (QEMU raises those as it translates, after counting them). Instructions
   * found illegal as they execute (a missing CSR, a privileged instruction in the wrong mode)
   * and faulting accesses do not count. A machine following QEMU's virtual time adds these to
   * {@link Hart.retired}.
   */
  countedTraps = 0;
  /** Traps taken (exceptions and interrupts). */
  traps = 0;
  /**
   * Traps taken in a row without an instruction retiring in between. A handler whose first
   * instruction traps again repeats forever (QEMU spins); a run loop stops at
   * {@link STUCK_TRAPS}.
   */
  trapStreak = 0;
  /** {@link Hart.retired} at the last trap (for {@link Hart.trapStreak}). */
  private trapRetired = -1;
  /**
   * Exception codes (bit n: cause n) whose traps are intercepted instead of taken: the hart
   * leaves everything as it was before the trapping instruction (pc, registers, CSRs,
   * counters, the LR reservation) and records the trap in {@link Hart.pendingCause} and
   * {@link Hart.pendingTval}, for a trap sink to emulate or {@link Hart.deliverPending}. 0 by
   * default: every trap is taken.
   */
  interceptExceptions = 0;
  /** Interrupt codes (bit n: interrupt n) intercepted, as {@link Hart.interceptExceptions}. */
  interceptInterrupts = 0;
  /** The cause of the intercepted trap waiting for its sink, or -1 when there is none. */
  pendingCause = -1;
  /** The trap value of the intercepted trap. */
  pendingTval = 0;
  /** Whether QEMU's icount counts the intercepted trap's instruction (see {@link Hart.countedTraps}). */
  pendingCounted = false;
  /** The next pc, set by the instruction being executed. */
  nextPc = 0;
  /** The instruction being executed. */
  instruction: DecodedInstruction;
  /** Decoded instructions by a hash of their word (see {@link Hart.decodeCached}). */
  private readonly decoded: DecodedInstruction[];

  constructor(
    readonly memory: HartMemory,
    /**
     * The CSRs outside the hart (counters, PMP) that a new {@link CsrFile} reaches, or a CSR
     * file made by the caller (a hypervisor's virtual one, say), which the hart then uses as it
     * is (its `mhartid` and triggers included).
     */
    csrs: ExternalCsrs | CsrFile,
    readonly decoder: Decoder = rv32imacDecoder(),
    /** `mhartid`: an integer in 0…2^32 − 1 ({@link IsaError} `BAD_ARGUMENT` otherwise). */
    hartId = 0,
    /**
     * Where x0…x31 live: 32 words, zeroed here (a core whose host code reads registers from
     * its own memory passes a view of it); a new array by default. {@link IsaError}
     * `BAD_ARGUMENT` when it is not an `Int32Array` of 32 elements.
     */
    registers: Int32Array = new Int32Array(32),
  ) {
    checkInteger(hartId, 'Hart: hartId', 0, 0xffff_ffff);
    if (!(registers instanceof Int32Array) || registers.length !== 32)
      throw new IsaError('BAD_ARGUMENT', 'Hart: registers must be an Int32Array of 32 elements');
    this.x = registers.fill(0);
    // (Not `retired`: it stays a small integer for the first 2^30 instructions, and counting
    // in a double field costs the interpreter more than the one later change.)
    widenNumberFields(this, [
      'pc',
      'nextPc',
      'reservation',
      'reservationValue',
      'pendingCause',
      'pendingTval',
    ]);
    this.csr = csrs instanceof CsrFile ? csrs : new CsrFile(csrs, hartId, new Triggers());
    this.triggers = this.csr.triggers;
    this.decoded = Array.from({ length: 1 << (32 - DECODE_CACHE_SHIFT) }, () =>
      decoder.decodeInto(0, createInstructionRecord()),
    );
    this.instruction = this.decoded[0] as DecodedInstruction;
  }

  /**
   * Reads register `r` (an integer in 0…31). Unchecked: the interpreter calls it for every
   * operand; the host may read {@link Hart.x} directly.
   */
  get(r: number): number {
    return this.x[r] as number;
  }

  /**
   * Writes register `r` (an integer in 0…31; writes to x0 are dropped). Unchecked, like
   * {@link Hart.get}.
   */
  set(r: number, value: number): void {
    if (r !== 0) this.x[r] = value;
  }

  /**
   * Takes a pending enabled interrupt or executes one instruction. Returns false if the hart is
   * waiting (WFI) with no interrupt pending, so nothing happened.
   */
  step(): boolean {
    const csr = this.csr;
    if ((csr.mip & csr.mie) !== 0 && this.takeInterrupt()) return true;
    if (this.waiting) return false;
    const pc = this.pc;
    // A trigger on the instruction's address stops it before the fetch (QEMU 7.2 checks its
    // breakpoints before translating): no fetch fault, not counted as executed.
    if (this.triggers.execute && this.triggers.matchExecute(pc, this.privilege)) {
      this.trap(Exception.Breakpoint, 0);
      return true;
    }
    const memory = this.memory;
    const word = memory.fetch(pc);
    if (memory.fault >= 0) {
      this.trap(memory.fault, word);
      return true;
    }
    const i = this.decodeCached(word);
    this.instruction = i;
    this.nextPc = (pc + i.size) >>> 0;
    if (execute(this, i)) {
      this.pc = this.nextPc;
      this.retired++;
    }
    return true;
  }

  /**
   * Decodes `word` through a direct-mapped cache keyed by the word itself: decoding depends on
   * nothing else, so a hit needs no invalidation, even for code that rewrites itself.
   */
  private decodeCached(word: number): DecodedInstruction {
    const slot = Math.imul(word, 0x9e3779b1) >>> DECODE_CACHE_SHIFT;
    const cached = this.decoded[slot] as DecodedInstruction;
    if (cached.word === word) return cached;
    return this.decoder.decodeInto(word, cached);
  }

  /**
   * Whether a load (`store` false) or store of `size` bytes at `address` stops at a debug
   * trigger. If it does, the breakpoint exception is raised (trap value 0) and
   * {@link HartMemory.fault} is set to it, as for an access that failed; the caller makes no
   * access. Call only while {@link Triggers.access} is set.
   */
  stopsAtTrigger(address: number, size: 1 | 2 | 4, store: boolean): boolean {
    if (!this.triggers.matchLoadStore(address, size, store, this.privilege)) return false;
    return this.stopAt(address, size, store ? 2 : 1);
  }

  /**
   * Whether an AMO or SC (a load and a store) of the word at `address` stops at a debug
   * trigger; as {@link Hart.stopsAtTrigger}.
   */
  amoStopsAtTrigger(address: number): boolean {
    if (!this.triggers.matchAccess(address, address + 4, TRIGGER_ACCESS_AMO, this.privilege))
      return false;
    return this.stopAt(address, 4, 2);
  }

  /** Raises the breakpoint of an access a trigger stopped, after translating it (A/D bits). */
  private stopAt(address: number, size: 1 | 2 | 4, kind: AccessKind): true {
    const memory = this.memory;
    if (memory.touch !== undefined) {
      memory.touch(address, size, kind);
      const last = (address + size - 1) >>> 0;
      if (last >>> 12 !== address >>> 12) memory.touch(last, 1, kind);
    }
    this.trap(Exception.Breakpoint, 0);
    memory.fault = Exception.Breakpoint;
    return true;
  }

  /** Raises an illegal-instruction exception for the current instruction; returns false. */
  illegal(): false {
    return this.raise(Exception.IllegalInstruction, this.instruction.raw);
  }

  /** Raises exception `cause` with trap value `tval`; returns false (the instruction did not retire). */
  raise(cause: number, tval: number): false {
    this.trap(cause, tval);
    return false;
  }

  /**
   * Raises exception `cause` for an instruction that QEMU's icount counts although it traps
   * (ECALL, EBREAK, a word that does not decode): the one place that rule lives. The count
   * moves when the trap is taken, so a trap a sink intercepts and emulates is not counted
   * twice. Returns false.
   */
  raiseCounted(cause: number, tval: number): false {
    this.trapTaken(cause, tval, true);
    return false;
  }

  /**
   * Takes the intercepted trap ({@link Hart.pendingCause}) as the guest sees it, as if it had
   * never been intercepted; does nothing when there is none.
   */
  deliverPending(): void {
    const cause = this.pendingCause;
    if (cause < 0) return;
    this.pendingCause = -1;
    this.enter(cause, this.pendingTval, this.pendingCounted);
  }

  /**
   * Enters the trap handler for `cause` (an exception code, or an interrupt number with
   * {@link INTERRUPT_BIT}) with trap value `tval`, in M-mode or, when delegated, S-mode —
   * unless the cause is intercepted ({@link Hart.interceptExceptions}), which leaves the hart
   * as it was and records the trap in {@link Hart.pendingCause}.
   */
  trap(cause: number, tval: number): void {
    this.trapTaken(cause, tval, false);
  }

  /** {@link Hart.trap}, or its interception; `counted`: see {@link Hart.raiseCounted}. */
  private trapTaken(cause: number, tval: number, counted: boolean): void {
    const mask = cause & INTERRUPT_BIT ? this.interceptInterrupts : this.interceptExceptions;
    if (mask !== 0 && (mask >>> (cause & 31)) & 1) {
      this.pendingCause = cause >>> 0;
      this.pendingTval = tval >>> 0;
      this.pendingCounted = counted;
      return;
    }
    this.enter(cause, tval, counted);
  }

  /** Enters the trap handler (see {@link Hart.trap}). */
  private enter(cause: number, tval: number, counted: boolean): void {
    const csr = this.csr;
    const interrupt = (cause & INTERRUPT_BIT) !== 0;
    const code = cause & 0x7fffffff;
    if (counted) this.countedTraps++;
    this.traps++;
    if (this.retired === this.trapRetired) this.trapStreak++;
    else {
      this.trapRetired = this.retired;
      this.trapStreak = 1;
    }
    const delegated = this.privilege <= 1 && ((interrupt ? csr.mideleg : csr.medeleg) >>> code) & 1;
    this.reservation = -1;
    this.waiting = false;
    const status = csr.mstatus;
    if (delegated) {
      csr.scause = cause >>> 0;
      csr.sepc = this.pc;
      csr.stval = interrupt ? 0 : tval >>> 0;
      let next = status & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
      if (this.privilege === 1) next |= MSTATUS_SPP;
      if (status & MSTATUS_SIE) next |= MSTATUS_SPIE;
      csr.mstatus = next >>> 0;
      this.privilege = 1;
      this.pc = vector(csr.stvec, interrupt, code);
    } else {
      csr.mcause = cause >>> 0;
      csr.mepc = this.pc;
      csr.mtval = interrupt ? 0 : tval >>> 0;
      let next = status & ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
      next |= this.privilege << MSTATUS_MPP_SHIFT;
      if (status & MSTATUS_MIE) next |= MSTATUS_MPIE;
      csr.mstatus = next >>> 0;
      this.privilege = 3;
      this.pc = vector(csr.mtvec, interrupt, code);
    }
  }

  /** MRET or SRET: returns to the privilege saved in MPP or SPP. */
  returnFrom(level: 1 | 3): void {
    const csr = this.csr;
    const status = csr.mstatus;
    let next: number;
    let to: PrivilegeLevel;
    if (level === 3) {
      to = ((status & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as PrivilegeLevel;
      next = status & ~(MSTATUS_MPP | MSTATUS_MIE);
      if (status & MSTATUS_MPIE) next |= MSTATUS_MIE;
      next |= MSTATUS_MPIE;
      this.nextPc = csr.mepc;
    } else {
      to = status & MSTATUS_SPP ? 1 : 0;
      next = status & ~(MSTATUS_SPP | MSTATUS_SIE);
      if (status & MSTATUS_SPIE) next |= MSTATUS_SIE;
      next |= MSTATUS_SPIE;
      this.nextPc = csr.sepc;
    }
    if (to !== 3) next &= ~MSTATUS_MPRV;
    csr.mstatus = next >>> 0;
    this.privilege = to;
    this.reservation = -1;
  }

  /** Takes the highest-priority pending and enabled interrupt, if any. */
  private takeInterrupt(): boolean {
    const csr = this.csr;
    if ((csr.mip & csr.mie) === 0) return false;
    this.waiting = false;
    const cause = this.readyInterrupt();
    if (cause < 0) return false;
    this.trap(cause, 0);
    return true;
  }

  /**
   * The cause (with {@link INTERRUPT_BIT}) of the interrupt the hart would take now — the
   * highest-priority one pending in `mip`, enabled in `mie` and not masked by the privilege
   * and `mstatus.MIE`/`SIE` — or -1 when none would be taken. A pending interrupt that is
   * masked still wakes a WFI ({@link Hart.step}).
   */
  readyInterrupt(): number {
    const csr = this.csr;
    const pending = csr.mip & csr.mie;
    if (pending === 0) return -1;
    const status = csr.mstatus;
    const machineEnabled = this.privilege < 3 || (status & MSTATUS_MIE) !== 0;
    const supervisorEnabled =
      this.privilege < 1 || (this.privilege === 1 && (status & MSTATUS_SIE) !== 0);
    for (const code of INTERRUPT_PRIORITY) {
      const bit = 1 << code;
      if ((pending & bit) === 0) continue;
      const enabled = csr.mideleg & bit ? supervisorEnabled : machineEnabled;
      if (enabled) return (INTERRUPT_BIT | code) >>> 0;
    }
    return -1;
  }

  /** A plain copy of the state (CSRs: {@link CsrFile.snapshot}). */
  snapshot(): HartSnapshot {
    return {
      x: Array.from(this.x),
      pc: this.pc,
      privilege: this.privilege,
      reservation: this.reservation,
      reservationValue: this.reservationValue,
      waiting: this.waiting,
      retired: this.retired,
      countedTraps: this.countedTraps,
      traps: this.traps,
      trapStreak: this.trapStreak,
      trapRetired: this.trapRetired,
    };
  }

  /**
   * Restores a {@link Hart.snapshot} (taken from a hart of the same kind; the caller checks
   * it). The CSRs are restored separately.
   */
  restore(snapshot: HartSnapshot): void {
    this.x.set(snapshot.x);
    this.x[0] = 0;
    this.pc = snapshot.pc >>> 0;
    this.privilege = snapshot.privilege;
    this.reservation = snapshot.reservationValue === undefined ? -1 : snapshot.reservation;
    this.reservationValue = snapshot.reservationValue ?? 0;
    this.waiting = snapshot.waiting;
    this.retired = snapshot.retired;
    this.countedTraps = snapshot.countedTraps;
    this.traps = snapshot.traps;
    this.trapStreak = snapshot.trapStreak;
    this.trapRetired = snapshot.trapRetired;
  }
}

/** The handler address for a trap: BASE, plus 4 × cause for interrupts in vectored mode. */
function vector(tvec: number, interrupt: boolean, code: number): number {
  const base = tvec & ~3;
  return ((tvec & 3) === 1 && interrupt ? base + 4 * code : base) >>> 0;
}
