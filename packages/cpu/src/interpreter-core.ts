/**
 * The interpreter core: the reference hart stepped one instruction at a time. It is the
 * executable specification every other core is compared with, and the fallback the
 * translator uses for whatever it does not translate.
 *
 * @module
 */
import { CsrFile, Hart, STUCK_TRAPS, Triggers } from '@trapeze/isa';
import {
  type Core,
  type CoreExit,
  type CoreKind,
  type CoreOptions,
  type CoreStatistics,
  EXIT_BREAKPOINT,
  EXIT_BUDGET,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
  type TrapSink,
} from './core.js';
import { CoreMemory } from './core-memory.js';
import { checkCount, checkTrapSink } from './validate.js';

/**
 * What every core shares: the hart and its memory path, interrupt lines, the trap sink, and
 * the interpreter's loop ({@link InterpreterCore.interpret}).
 */
export class InterpreterCore implements Core {
  readonly kind: CoreKind = 'interpreter';
  readonly hart: Hart;
  readonly memory: CoreMemory;
  readonly breakpoints = new Set<number>();
  /** Instructions (and interrupts) the interpreter has stepped. */
  protected steps = 0;
  /** Whether the next instruction runs even at a breakpoint. */
  private resuming = false;

  /**
   * @param registers where the hart's registers live (a translator's host code reads them
   * there); a new array by default
   * @param csrWords where the word-kept CSRs of a CSR file made here live (`CsrFile.words`); unused
   * when `options.csrs` is a CSR file already
   */
  constructor(options: CoreOptions, registers?: Int32Array, csrWords?: Uint32Array) {
    this.memory = new CoreMemory(options.bus, options.mmu, options.pmp, options.ram);
    const csrs =
      csrWords === undefined || options.csrs instanceof CsrFile
        ? options.csrs
        : new CsrFile(options.csrs, 0, new Triggers(), csrWords);
    this.hart = new Hart(this.memory, csrs, undefined, undefined, registers);
    this.memory.hart = this.hart;
  }

  run(limit: number, deadline: number): CoreExit {
    checkCount(limit, 'Core.run: limit');
    checkCount(deadline, 'Core.run: deadline');
    return this.interpret(limit, deadline);
  }

  /**
   * Steps the hart until an exit: the interpreter core's {@link Core.run}, and the translator's
   * whenever it cannot translate (breakpoints, armed debug triggers).
   */
  protected interpret(limit: number, deadline: number): CoreExit {
    const hart = this.hart;
    const memory = this.memory;
    const breakpoints = this.breakpoints;
    const seen = memory.slowAccesses;
    let steps = 0;
    try {
      for (;;) {
        if (hart.retired >= limit) return EXIT_BUDGET;
        if (hart.retired + hart.countedTraps >= deadline) return EXIT_DEADLINE;
        if (breakpoints.size !== 0 && breakpoints.has(hart.pc) && !this.resuming)
          return EXIT_BREAKPOINT;
        this.resuming = false;
        steps++;
        if (!hart.step()) return EXIT_IDLE;
        if (hart.pendingCause >= 0) return EXIT_TRAP;
        if (hart.trapStreak >= STUCK_TRAPS) return EXIT_STUCK;
        if (memory.slowAccesses !== seen) return EXIT_DEVICE;
      }
    } finally {
      this.steps += steps;
    }
  }

  resumeFromBreakpoint(): void {
    this.resuming = true;
  }

  setInterruptLine(bit: number, level: boolean): void {
    this.hart.csr.setLine(bit, level);
  }

  setTrapSink(sink: TrapSink): void {
    checkTrapSink(sink);
    this.hart.interceptExceptions = sink.exceptions >>> 0;
    this.hart.interceptInterrupts = sink.interrupts >>> 0;
  }

  deliverTrap(): void {
    this.hart.deliverPending();
  }

  completeTrap(nextPc: number): void {
    const hart = this.hart;
    if (hart.pendingCause < 0) return;
    hart.pendingCause = -1;
    hart.pc = nextPc >>> 0;
    hart.retired++;
  }

  invalidate(): void {
    this.memory.mmu.invalidate();
  }

  statistics(): CoreStatistics {
    return {
      blocksTranslated: 0,
      regionsCompiled: 0,
      blocksCached: 0,
      cacheBytes: 0,
      invalidations: 0,
      flushes: 0,
      interpreted: this.steps,
      retranslations: 0,
      reused: 0,
    };
  }
}
