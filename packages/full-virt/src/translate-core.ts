/**
 * The `translate` engine's core: binary translation. The same VM, virtual CPU, devices and
 * shadow page tables as `direct` ({@link DirectCore}), but the real core is the translator
 * under a virtualization policy: in the guest's kernel (virtual M or S mode) every sensitive
 * instruction — CSR access, xRET, WFI, SFENCE.VMA, ECALL — is compiled into a direct call of
 * the virtual CPU instead of a trap, and a guest access that keeps trapping to the hypervisor
 * (a device register, RAM it cannot shadow) is retranslated into a call too (adaptive
 * translation). A call runs the instruction on the virtual CPU with the reference
 * interpreter's semantics, as an exit would; it just costs no trap, no decode and no fetch, and
 * a CSR access that changes nothing the translated code depends on (a read; a write of a
 * scratch, exception pc, cause, trap value or vector register) does not even leave the block.
 *
 * @module
 */

import {
  CALL_DONE,
  CALL_EXIT,
  CALL_HART,
  CALL_TRAP,
  type CallPolicy,
  type CallResult,
  type CoreOptions,
  type TranslatorCore,
} from '@trapeze/cpu';
import { type DecodedInstruction, execute } from '@trapeze/isa';
import { DirectCore } from './direct-core.js';
import { FullVirtError } from './errors.js';
import { type ExitReason, sensitiveReason } from './exits.js';

/**
 * Which guest code the translator compiles sensitive instructions of into calls: `hybrid`
 * (the default) the kernel's — virtual M and S mode — while user code (virtual U) runs exactly
 * as under `direct`; `all` every mode's.
 */
export type TranslatePolicy = 'hybrid' | 'all';

/** Every {@link TranslatePolicy}. */
export const TRANSLATE_POLICIES: readonly TranslatePolicy[] = ['hybrid', 'all'];

/** Default {@link TranslateCoreOptions.adaptAfter}. */
export const DEFAULT_ADAPT_AFTER = 4;

/** Most instruction addresses whose emulated accesses are counted at once. */
const MAX_COUNTED_SITES = 4096;

/** Options of {@link TranslateCore}. */
export interface TranslateCoreOptions {
  /** Which guest modes' sensitive instructions become calls (default `'hybrid'`). */
  readonly policy?: TranslatePolicy;
  /**
   * Adaptive translation: after this many exits of the same instruction's data access to a
   * device or to RAM the hypervisor cannot shadow, the instruction is retranslated into a call
   * (default {@link DEFAULT_ADAPT_AFTER}; 0: never).
   */
  readonly adaptAfter?: number;
  /** Pages of hypervisor memory for shadow tables (default 1,024: 4 MiB). */
  readonly shadowPages?: number;
}

/** The names of the sensitive instructions that are not CSR accesses. */
const SENSITIVE = new Set(['mret', 'sret', 'wfi', 'sfence.vma', 'ecall']);

/**
 * The `translate` engine as a `@trapeze/cpu` core: give it to a board (`new VirtMachine({ core:
 * (o) => new TranslateCore(o) })`, or `createEngineMachine({ engine: 'translate' })`). As
 * with {@link DirectCore}, its `hart` is the guest's virtual CPU; it is the call policy of its
 * own real translator.
 */
export class TranslateCore extends DirectCore implements CallPolicy {
  override readonly engine = 'translate' as const;
  /** Which guest modes' sensitive instructions are calls. */
  readonly policy: TranslatePolicy;
  /** Emulated accesses of one instruction before it becomes a call (0: never). */
  readonly adaptAfter: number;
  /** Emulated accesses so far, by instruction address (until it becomes a call). */
  private readonly emulatedAccesses = new Map<number, number>();
  /** Instructions made calls by adaptive translation. */
  private adapted = 0;
  /** The reason of a call, by instruction-table index. */
  private readonly reasons: ExitReason[] = [];

  /**
   * @param options the board's memory system and CSRs: the guest's
   * @throws {@link FullVirtError} `BAD_ARGUMENT` for a bad policy, threshold or shadow pool size
   */
  constructor(options: CoreOptions, translate: TranslateCoreOptions = {}) {
    const policy = translate.policy ?? 'hybrid';
    if (!TRANSLATE_POLICIES.includes(policy))
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `TranslateCore: policy must be one of ${TRANSLATE_POLICIES.join(', ')}, not ${String(policy)}`,
      );
    const adaptAfter = translate.adaptAfter ?? DEFAULT_ADAPT_AFTER;
    if (!Number.isSafeInteger(adaptAfter) || adaptAfter < 0)
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `TranslateCore: adaptAfter must be an integer ≥ 0, not ${String(adaptAfter)}`,
      );
    super(
      options,
      translate.shadowPages === undefined
        ? { core: 'translator' }
        : { core: 'translator', shadowPages: translate.shadowPages },
    );
    this.policy = policy;
    this.adaptAfter = adaptAfter;
  }

  protected override callPolicy(): CallPolicy {
    return this;
  }

  /** The sensitive instructions: CSR accesses, MRET, SRET, WFI, SFENCE.VMA, ECALL. */
  calls(instruction: DecodedInstruction): boolean {
    return instruction.legal && (instruction.spec.hasCsr || SENSITIVE.has(instruction.spec.name));
  }

  /**
   * Runs a call on the virtual CPU: the instruction (at the real hart's pc, which translated
   * code has set) with the reference interpreter's semantics, counted by reason. When it
   * completed without a trap or a device access, the real core goes on: in its block for a CSR
   * access that stays there (`CALL_DONE`); after the block, in the shadow view of the
   * guest's new mode, when nothing else needs the hypervisor's loop (no interrupt ready, no
   * WFI, no armed trigger, no M-mode `MPRV` access mode) — also after a trap the guest took in
   * the call, at its handler (`CALL_TRAP`). Anything else — a device access, a trap a
   * sink above intercepts — ends the real core's run (`CALL_EXIT`). Under `hybrid`, user
   * code's instructions run on the real hart (`CALL_HART`): they trap and exit, as under
   * `direct`.
   */
  call(instruction: DecodedInstruction, staysInBlock: boolean): CallResult {
    const v = this.hart;
    if (v.privilege === 0 && this.policy === 'hybrid') return CALL_HART;
    const real = this.real.hart;
    const memory = this.memory;
    // The virtual CPU as the instruction finds it.
    v.retired = this.runStart + (real.retired - this.realStart);
    v.pc = real.pc;
    v.nextPc = real.nextPc;
    v.instruction = instruction;
    v.reservation = real.reservation;
    v.reservationValue = real.reservationValue;
    const traps = v.traps;
    const counted = v.countedTraps;
    const slow = memory.slowAccesses;
    const epoch = memory.mmu.epoch;
    const reason = this.callReason(instruction);
    const fenced = this.fencedAddress(reason, instruction.rs1);
    const done = this.runCall(instruction);
    if (memory.slowAccesses !== slow) {
      this.classify(this.callCounters, reason, traps, memory.bus.regionAt(memory.mmu.paddr));
    } else if (done && v.traps === traps) {
      this.callCounters.count(reason);
      this.callRetired++;
      if (staysInBlock) return CALL_DONE;
      real.reservation = v.reservation;
      real.reservationValue = v.reservationValue;
      this.fencePage(fenced, epoch);
      if (this.mayGoOn()) {
        // The block ends; the real core goes on at the next pc, in the view of the new mode.
        real.nextPc = v.nextPc;
        this.goOn(instruction);
        return CALL_DONE;
      }
      v.pc = v.nextPc;
      real.pc = v.pc;
      real.retired++;
      return CALL_EXIT;
    } else {
      this.classify(this.callCounters, reason, traps, undefined);
      if (!done && v.traps !== traps && this.mayGoOn()) {
        // The guest took a trap (an ECALL, an illegal access): the real core goes on at its
        // handler, in the view of its mode; a counted trap moves the real hart's deadline.
        real.pc = v.pc;
        real.countedTraps += v.countedTraps - counted;
        real.reservation = v.reservation;
        this.goOn(instruction);
        return CALL_TRAP;
      }
    }
    // A device access, a trap the guest or a sink above took: the run ends (no fence here:
    // an SFENCE.VMA that completed took the branch above).
    if (done) {
      v.pc = v.nextPc;
      real.retired++;
      this.callRetired++;
    }
    real.pc = v.pc;
    real.reservation = v.reservation;
    real.reservationValue = v.reservationValue;
    return CALL_EXIT;
  }

  /** The reason a call of `instruction` is counted under (cached by instruction kind). */
  private callReason(instruction: DecodedInstruction): ExitReason {
    const known = this.reasons[instruction.index];
    if (known !== undefined) return known;
    const reason = sensitiveReason(instruction.spec.name);
    if (instruction.index >= 0) this.reasons[instruction.index] = reason;
    return reason;
  }

  /**
   * Whether the real core may run on after a call that changed the guest's context, without
   * the hypervisor's loop: no interrupt ready to inject, no WFI, no breakpoint or armed
   * trigger (those run on the interpreter), no M-mode access under `MPRV` (emulated).
   */
  private mayGoOn(): boolean {
    const v = this.hart;
    const csr = v.csr;
    if (v.waiting || v.pendingCause >= 0) return false;
    if ((csr.mip & csr.mie) !== 0 && v.readyInterrupt() >= 0) return false;
    return !this.interpretsAll() && !this.accessesAsAnotherMode();
  }

  /**
   * Prepares the real core to go on after a call that changed the guest's context: the real
   * hart walks the shadow view of the guest's mode (dropped first if the call changed `satp`,
   * fenced, or changed PMP). The real core re-reads its context as the block ends.
   */
  protected goOn(_instruction: DecodedInstruction): void {
    this.enterView();
  }

  /**
   * Executes a call's instruction on the virtual CPU (the reference interpreter's handler):
   * whether it completed (false: the guest took a trap, or a sink above intercepted one).
   */
  protected runCall(instruction: DecodedInstruction): boolean {
    return execute(this.hart, instruction);
  }

  /** Counts an emulated data access at `pc`; at the threshold, its instruction becomes a call. */
  protected override accessEmulated(pc: number): void {
    if (this.adaptAfter === 0) return;
    const seen = (this.emulatedAccesses.get(pc) ?? 0) + 1;
    if (seen < this.adaptAfter) {
      if (this.emulatedAccesses.size >= MAX_COUNTED_SITES) this.emulatedAccesses.clear();
      this.emulatedAccesses.set(pc, seen);
      return;
    }
    this.emulatedAccesses.delete(pc);
    if ((this.real as TranslatorCore).callAt(pc)) this.adapted++;
  }

  /** Instructions adaptive translation made calls so far. */
  adaptations(): number {
    return this.adapted;
  }

  /** Forgets shadow tables, translations (call sites included), TLBs and access counts. */
  override invalidate(): void {
    super.invalidate();
    this.emulatedAccesses.clear();
  }
}
