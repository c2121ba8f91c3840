/**
 * A call policy: how a hypervisor makes the translator compile chosen instructions into calls
 * to itself instead of running them on the hart (binary translation's answer to sensitive
 * instructions: no trap, no exit). The policy names the instructions as blocks are compiled,
 * and runs each call when the block reaches it.
 *
 * @module
 */
import type { DecodedInstruction } from '@trapeze/isa';

/**
 * {@link CallPolicy.call}: the instruction completed as a handler would have (the hart's
 * `nextPc` is where it goes on); the block counts it as retired and goes on when the call
 * stays in its block, else ends and the core re-reads the hart's context (privilege, `satp`,
 * `mstatus`, …) before it runs on.
 */
export const CALL_DONE = 0;
/** {@link CallPolicy.call}: not the policy's: run it on the hart, as without a policy. */
export const CALL_HART = 1;
/**
 * {@link CallPolicy.call}: the policy did everything — the hart's pc and `retired` are where
 * the instruction left them (`retired` counted the block's instructions before it) — and the
 * run ends with `EXIT_CALL` for the policy's owner.
 */
export const CALL_EXIT = 2;

/**
 * {@link CallPolicy.call}: the instruction did not complete — the guest took a trap — and the
 * policy set the hart's pc (and added to its `countedTraps` a trap QEMU's icount counts); the
 * block ends and the core runs on from there.
 */
export const CALL_TRAP = 3;

/** What {@link CallPolicy.call} returns: one of the `CALL_*` constants. */
export type CallResult = typeof CALL_DONE | typeof CALL_HART | typeof CALL_EXIT | typeof CALL_TRAP;

/**
 * A virtualization policy for the translator (`TranslatorOptions.calls`). An instruction
 * without expression semantics that {@link CallPolicy.calls} names, and any instruction at an
 * address made a call site by `TranslatorCore.callAt` (adaptive translation), is compiled
 * into a call of {@link CallPolicy.call}. Instructions the interpreter steps (code not yet
 * translated) are not calls: they run on the hart.
 */
export interface CallPolicy {
  /**
   * Whether blocks call the policy for `instruction` (one without expression semantics: a CSR
   * access, xRET, WFI, SFENCE.VMA, ECALL, EBREAK, FENCE.I, an AMO, an illegal word). Asked as
   * a block is compiled; the answer must not change while the core lives.
   */
  calls(instruction: DecodedInstruction): boolean;
  /**
   * Runs the call for `instruction` at the hart's pc: the hart's registers, `pc`, `nextPc`,
   * `instruction` and `retired` (the block's instructions before it counted) are as the
   * instruction finds them. `staysInBlock`: whether the block goes on after {@link CALL_DONE}
   * without re-reading the hart's context — true for a CSR access that may stay inside a block
   * (a read, or a write of a scratch, exception pc, cause, trap value or vector register;
   * `callsInline`), false for anything else. Answers how the block goes on:
   * {@link CALL_DONE}, {@link CALL_TRAP}, {@link CALL_HART} or {@link CALL_EXIT}.
   */
  call(instruction: DecodedInstruction, staysInBlock: boolean): CallResult;
}
