/**
 * The contract every execution core meets, and every engine drives: {@link Core.run} runs the
 * hart until a limit, a deadline or an event, and answers with a typed exit.
 *
 * @module
 */
import type { CsrFile, ExternalCsrs, Hart } from '@trapeze/isa';
import type { Bus, Mmu, Pmp, Ram } from '@trapeze/mmu';
import type { CoreMemory } from './core-memory.js';

/** {@link Core.run} stopped: `hart.retired` reached the limit. */
export const EXIT_BUDGET = 0;
/** {@link Core.run} stopped: the hart's instruction count (retired + counted traps) reached the deadline. */
export const EXIT_DEADLINE = 1;
/** {@link Core.run} stopped: the hart waits (WFI) and no interrupt is pending. */
export const EXIT_IDLE = 2;
/** {@link Core.run} stopped before the instruction at a breakpoint (`hart.pc`). */
export const EXIT_BREAKPOINT = 3;
/**
 * {@link Core.run} stopped after an access that took the slow path (a device or ROM): the board
 * re-reads its device deadlines (the access may have moved them) and runs again.
 */
export const EXIT_DEVICE = 4;
/**
 * {@link Core.run} stopped at a trap its sink intercepts ({@link Core.setTrapSink}), before it
 * was taken: `hart.pendingCause`, `hart.pendingTval` and `hart.pc` say which; nothing in the
 * guest has changed.
 */
export const EXIT_TRAP = 5;
/** {@link Core.run} stopped: `STUCK_TRAPS` traps in a row without an instruction retiring. */
export const EXIT_STUCK = 6;
/**
 * {@link Core.run} stopped after a call of the translator's call policy that asked to end the
 * run (`CALL_EXIT`, see `CallPolicy`): the policy's owner looks at what the call changed
 * and runs again.
 */
export const EXIT_CALL = 7;

/** Why {@link Core.run} returned: one of the `EXIT_*` constants. */
export type CoreExit =
  | typeof EXIT_BUDGET
  | typeof EXIT_DEADLINE
  | typeof EXIT_IDLE
  | typeof EXIT_BREAKPOINT
  | typeof EXIT_DEVICE
  | typeof EXIT_TRAP
  | typeof EXIT_STUCK
  | typeof EXIT_CALL;

/** Names of the {@link CoreExit} values, by value. */
export const CORE_EXIT_NAMES = [
  'budget',
  'deadline',
  'idle',
  'breakpoint',
  'device',
  'trap',
  'stuck',
  'call',
] as const;

/** The cores there are. */
export type CoreKind = 'interpreter' | 'translator';

/** Every {@link CoreKind}. */
export const CORE_KINDS: readonly CoreKind[] = ['interpreter', 'translator'];

/** Which traps a trap sink sees before the guest does. */
export interface TrapSink {
  /** Exception codes to intercept (bit n: cause n). */
  readonly exceptions: number;
  /** Interrupt codes to intercept (bit n: interrupt n). */
  readonly interrupts: number;
}

/** Interrupt lines into the hart: devices (or a hypervisor) drive `mip` bits through it. */
export interface InterruptLines {
  /** Drives the line of `mip` bit `bit` (such as `MIP_MTIP`) to `level`. */
  setInterruptLine(bit: number, level: boolean): void;
}

/** What a core runs on: the board's memory system and the CSRs it keeps outside the hart. */
export interface CoreOptions {
  readonly bus: Bus;
  readonly mmu: Mmu;
  readonly pmp: Pmp;
  /** The RAM the MMU's fast path points into. */
  readonly ram: Ram;
  /**
   * The CSRs outside the hart (counters, PMP), or a whole CSR file made by the caller (a
   * hypervisor's virtual one).
   */
  readonly csrs: ExternalCsrs | CsrFile;
}

/** Figures a core keeps about itself (not guest state). */
export interface CoreStatistics {
  /** Blocks translated (0 for the interpreter). */
  readonly blocksTranslated: number;
  /** Regions compiled: hot blocks recompiled with the blocks they reach as one function. */
  readonly regionsCompiled: number;
  /** Blocks in the translation cache now. */
  readonly blocksCached: number;
  /** Bytes of host code in the translation cache now. */
  readonly cacheBytes: number;
  /** Blocks dropped because the guest (or the host) wrote their code. */
  readonly invalidations: number;
  /** Times the whole translation cache was emptied because it was full. */
  readonly flushes: number;
  /** Instructions run one at a time by the interpreter (all of them, for the interpreter). */
  readonly interpreted: number;
  /**
   * Blocks dropped to be compiled again with an instruction turned into a call of the call
   * policy (`TranslatorCore.callAt`: adaptive translation).
   */
  readonly retranslations: number;
  /**
   * Blocks and regions whose host code was taken from the translation memo: the same
   * instructions at the same addresses had been compiled before (a program loaded again).
   */
  readonly reused: number;
}

/**
 * An execution core: a hart, its memory path, and a way to run it.
 *
 * @example
 * ```ts
 * import { assemble } from '@trapeze/isa';
 * import { Bus, Mmu, Pmp, Ram } from '@trapeze/mmu';
 * import { createCore, EXIT_BUDGET, EXIT_TRAP } from '@trapeze/cpu';
 *
 * const ram = new Ram(0x8000_0000, 0x10000);
 * const bus = new Bus();
 * bus.mapRam(ram);
 * const pmp = new Pmp();
 * const core = createCore('translator', {
 *   bus, ram, pmp, mmu: new Mmu(bus, pmp),
 *   csrs: { read: () => undefined, write: () => false },
 * });
 * ram.loadBytes(0x8000_0000, assemble(`
 *     li a0, 0
 *   1:addi a0, a0, 1
 *     j 1b
 * `).sections[0]!.bytes);
 * core.hart.pc = 0x8000_0000;
 * core.run(1001, Infinity); // → EXIT_BUDGET
 * core.hart.x[10]; // → 500
 *
 * // A trap sink sees an ECALL before the guest does, and emulates it.
 * ram.loadBytes(0x8000_0100, assemble('ecall', { textAddress: 0x8000_0100 }).sections[0]!.bytes);
 * core.hart.pc = 0x8000_0100;
 * core.setTrapSink({ exceptions: 1 << 11, interrupts: 0 });
 * core.run(2000, Infinity); // → EXIT_TRAP
 * core.hart.pendingCause; // → 11
 * core.completeTrap(0x8000_0104); // the ECALL retires, as emulated
 * core.hart.retired; // → 1002
 * ```
 */
export interface Core extends InterruptLines {
  /** Which core this is. */
  readonly kind: CoreKind;
  /** The hart the core runs. */
  readonly hart: Hart;
  /** Its memory path. */
  readonly memory: CoreMemory;
  /**
   * Addresses (as the pc holds them) where {@link Core.run} stops before executing the
   * instruction ({@link EXIT_BREAKPOINT}), except at the first instruction after
   * {@link Core.resumeFromBreakpoint}.
   */
  readonly breakpoints: Set<number>;
  /**
   * Runs until `hart.retired` reaches `limit` ({@link EXIT_BUDGET}), `hart.retired +
   * hart.countedTraps` (the virtual time QEMU's icount keeps) reaches `deadline`
   * ({@link EXIT_DEADLINE}), or another exit. Both are absolute counts (`Infinity`: none);
   * neither is passed by a block: a translated block longer than what is left runs one
   * instruction at a time.
   */
  run(limit: number, deadline: number): CoreExit;
  /** Makes the next {@link Core.run} execute the instruction at a breakpoint it starts on. */
  resumeFromBreakpoint(): void;
  /** Traps to intercept from now on ({@link EXIT_TRAP}); `{ exceptions: 0, interrupts: 0 }`: none. */
  setTrapSink(sink: TrapSink): void;
  /** Takes the intercepted trap as the guest sees it (the sink let it through). */
  deliverTrap(): void;
  /**
   * Ends the intercepted trap as emulated: the trapping instruction retires and the hart goes
   * on at `nextPc`, with whatever the sink changed.
   */
  completeTrap(nextPc: number): void;
  /**
   * Forgets everything cached about guest memory and code (after the host wrote RAM through
   * the views, restored a snapshot, or changed mappings).
   */
  invalidate(): void;
  /** The core's statistics. */
  statistics(): CoreStatistics;
}
