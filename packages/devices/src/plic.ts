/**
 * The PLIC of QEMU's `virt` board with one hart: context 0 is hart 0 M-mode, context 1 is
 * hart 0 S-mode.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import type { IrqLine } from './signals.js';
import { checkInteger, SnapshotReader } from './validate.js';

/** Interrupt sources including the reserved source 0 (`VIRT_IRQCHIP_NUM_SOURCES`): 1…95 are usable. */
export const PLIC_NUM_SOURCES = 96;
/** Highest priority (`VIRT_IRQCHIP_NUM_PRIO_BITS` = 3 bits, so 0…7; 0 never interrupts). */
export const PLIC_MAX_PRIORITY = 7;
/** Number of contexts: 0 = hart 0 M-mode, 1 = hart 0 S-mode. */
export const PLIC_NUM_CONTEXTS = 2;
/** Offset of source 0's priority register; source `n` is at `+4n`. */
export const PLIC_PRIORITY_BASE = 0x0;
/** Offset of the pending bits (32 sources per word). */
export const PLIC_PENDING_BASE = 0x1000;
/** Offset of context 0's enable bits; context `c` is at `+0x80c`. */
export const PLIC_ENABLE_BASE = 0x2000;
/** Distance between two contexts' enable bits. */
export const PLIC_ENABLE_STRIDE = 0x80;
/** Offset of context 0's threshold; its claim/complete register is at `+4`. */
export const PLIC_CONTEXT_BASE = 0x20_0000;
/** Distance between two contexts' threshold registers. */
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** Size of the PLIC window. */
export const PLIC_SIZE = 0x400_0000;

const WORDS = PLIC_NUM_SOURCES >>> 5;
const PENDING_BYTES = (PLIC_NUM_SOURCES + 31) >>> 3;

/** Options of {@link Plic}. */
export interface PlicOptions {
  /** Hart 0's machine external interrupt line (`mip.MEIP`), driven by context 0. */
  readonly meip?: IrqLine;
  /** Hart 0's supervisor external interrupt line (`mip.SEIP`), driven by context 1. */
  readonly seip?: IrqLine;
  /** Name for logs (`plic` by default). */
  readonly name?: string;
}

/** The PLIC's state as plain data. Bit arrays hold 32 sources per word, source 0 in bit 0. */
export interface PlicSnapshot {
  /** Priority of each source (96 entries). */
  readonly priority: readonly number[];
  /** Threshold of each context (2 entries). */
  readonly threshold: readonly number[];
  /** Input levels of the sources (3 words). */
  readonly level: readonly number[];
  /** Pending bits (3 words). */
  readonly pending: readonly number[];
  /** Claimed-but-not-completed bits (3 words). */
  readonly claimed: readonly number[];
  /** Enable bits, context after context (6 words). */
  readonly enable: readonly number[];
}

/**
 * Platform-level interrupt controller with QEMU 7.2's `sifive_plic` behaviour and `virt`
 * parameters.
 *
 * Sources set their pending bit as QEMU 7.2's gateway does (measured by
 * `docs/probes/plic-probe.S`): every call of {@link Plic.setSourceLevel} with a high level sets
 * it — devices raise their line again each time they re-evaluate it, as QEMU's do, even when it
 * was already high —, and a low level leaves it as it is. A claim returns the enabled, pending,
 * unclaimed source with the highest priority strictly above the context's threshold (ties go to
 * the lowest source number), clears its pending bit and marks it claimed; a claimed source
 * cannot be claimed again until completed. Completing clears the claim only: a line still high
 * is pending again when its device next raises it. Each context's output line is high while
 * some source could be claimed by it.
 *
 * Registers (32-bit only; QEMU faults narrower accesses, and so does the bus, through `validSizes`):
 * priorities at `4·n` (WARL, `value mod 8`, source 0's register is storage only), pending words
 * at 0x1000 (read-only), enables at 0x2000 + 0x80·context, threshold at 0x200000 +
 * 0x1000·context (WARL, `value mod 8`), claim/complete at threshold + 4 (a completion with a
 * source number ≥ 96 is ignored; QEMU does not check that the source is enabled or claimed).
 *
 * @example
 * ```ts
 * import { PLIC_CONTEXT_BASE, PLIC_ENABLE_BASE, Plic } from '@trapeze/devices';
 *
 * let meip = false;
 * const plic = new Plic({ meip: (level) => (meip = level) });
 * const uartLine = plic.line(10); // what a device drives
 *
 * // The guest gives source 10 priority 1 and enables it for context 0 (hart 0, M-mode).
 * plic.write(10 * 4, 4, 1);
 * plic.write(PLIC_ENABLE_BASE, 4, 1 << 10);
 * uartLine(true);
 * meip; // → true
 * plic.read(PLIC_CONTEXT_BASE + 4, 4); // → 10
 * meip; // → false
 * uartLine(false);
 * plic.write(PLIC_CONTEXT_BASE + 4, 4, 10); // complete
 * ```
 */
export class Plic implements MmioDevice {
  readonly name: string;
  readonly size = PLIC_SIZE;
  /** Access widths QEMU accepts for this device (others fault there). */
  readonly validSizes: readonly AccessSize[] = [4];

  private readonly lines: readonly (IrqLine | undefined)[];
  private readonly outputs = [false, false];
  private readonly priority = new Uint32Array(PLIC_NUM_SOURCES);
  private readonly threshold = new Uint32Array(PLIC_NUM_CONTEXTS);
  private readonly level = new Uint32Array(WORDS);
  private readonly pending = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  private readonly enable = new Uint32Array(WORDS * PLIC_NUM_CONTEXTS);

  constructor(options: PlicOptions = {}) {
    this.lines = [options.meip, options.seip];
    this.name = options.name ?? 'plic';
  }

  /**
   * Sets the input level of `source` (1…95), as a device's interrupt line does. Returns an
   * {@link IrqLine} bound to a source with {@link Plic.line}.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a source outside 1…95.
   */
  setSourceLevel(source: number, level: boolean): void {
    this.checkSource(source);
    const word = source >>> 5;
    const bit = 1 << (source & 31);
    if (level) {
      this.level[word] |= bit;
      this.pending[word] |= bit;
      this.update();
    } else this.level[word] &= ~bit;
  }

  /** An {@link IrqLine} for `source` (1…95), to hand to a device. */
  line(source: number): IrqLine {
    this.checkSource(source);
    return (level) => this.setSourceLevel(source, level);
  }

  /**
   * Whether `source`'s pending bit is set.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a source outside 0…95.
   */
  isPending(source: number): boolean {
    checkInteger(source, this.name, 'source', [0, PLIC_NUM_SOURCES - 1]);
    return (this.pending[source >>> 5] & (1 << (source & 31))) !== 0;
  }

  /**
   * Whether `source` has been claimed and not yet completed.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a source outside 0…95.
   */
  isClaimed(source: number): boolean {
    checkInteger(source, this.name, 'source', [0, PLIC_NUM_SOURCES - 1]);
    return (this.claimed[source >>> 5] & (1 << (source & 31))) !== 0;
  }

  /**
   * Level of the output line of `context` (0 = MEIP, 1 = SEIP).
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a context other than 0 or 1.
   */
  outputLevel(context: number): boolean {
    this.checkContext(context);
    return this.outputs[context] ?? false;
  }

  /**
   * The source a claim by `context` would return now (0 if none), without claiming it.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a context other than 0 or 1.
   */
  peek(context: number): number {
    this.checkContext(context);
    return this.best(context);
  }

  /**
   * Claims for `context`, as a guest read of its claim register does.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a context other than 0 or 1.
   */
  claim(context: number): number {
    this.checkContext(context);
    const source = this.best(context);
    if (source !== 0) {
      const bit = 1 << (source & 31);
      this.pending[source >>> 5] &= ~bit;
      this.claimed[source >>> 5] |= bit;
    }
    this.update();
    return source;
  }

  /**
   * Completes `source` for `context`, as a guest write of its claim register does. Sources ≥ 96
   * are ignored.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for a context other than 0 or 1.
   */
  complete(context: number, source: number): void {
    this.checkContext(context);
    if (!Number.isInteger(source) || source < 0 || source >= PLIC_NUM_SOURCES) return;
    const word = source >>> 5;
    const bit = 1 << (source & 31);
    this.claimed[word] &= ~bit;
    this.update();
  }

  read(offset: number, size: AccessSize): number {
    if (size !== 4) return 0;
    if (offset >= PLIC_PRIORITY_BASE && offset - PLIC_PRIORITY_BASE < PLIC_NUM_SOURCES * 4)
      return this.priority[(offset - PLIC_PRIORITY_BASE) >>> 2];
    if (offset >= PLIC_PENDING_BASE && offset - PLIC_PENDING_BASE < PENDING_BYTES)
      return this.pending[(offset - PLIC_PENDING_BASE) >>> 2] ?? 0;
    if (
      offset >= PLIC_ENABLE_BASE &&
      offset - PLIC_ENABLE_BASE < PLIC_NUM_CONTEXTS * PLIC_ENABLE_STRIDE
    ) {
      const context = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const word = (offset & (PLIC_ENABLE_STRIDE - 1)) >>> 2;
      return word < WORDS ? this.enable[context * WORDS + word] : 0;
    }
    if (
      offset >= PLIC_CONTEXT_BASE &&
      offset - PLIC_CONTEXT_BASE < PLIC_NUM_CONTEXTS * PLIC_CONTEXT_STRIDE
    ) {
      const context = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
      const register = offset & (PLIC_CONTEXT_STRIDE - 1);
      if (register === 0) return this.threshold[context];
      if (register === 4) return this.claim(context);
    }
    return 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (size !== 4) return;
    const v = value >>> 0;
    if (offset >= PLIC_PRIORITY_BASE && offset - PLIC_PRIORITY_BASE < PLIC_NUM_SOURCES * 4) {
      this.priority[(offset - PLIC_PRIORITY_BASE) >>> 2] = v % (PLIC_MAX_PRIORITY + 1);
      this.update();
      return;
    }
    if (offset >= PLIC_PENDING_BASE && offset - PLIC_PENDING_BASE < PENDING_BYTES) return;
    if (
      offset >= PLIC_ENABLE_BASE &&
      offset - PLIC_ENABLE_BASE < PLIC_NUM_CONTEXTS * PLIC_ENABLE_STRIDE
    ) {
      const context = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const word = (offset & (PLIC_ENABLE_STRIDE - 1)) >>> 2;
      if (word < WORDS) {
        this.enable[context * WORDS + word] = v;
        // QEMU 7.2 re-evaluates the outputs only at the next event, which its devices cause
        // constantly (they re-assert their lines on every register access); ours assert on
        // change only, so re-evaluate now to keep the system-level behaviour.
        this.update();
      }
      return;
    }
    if (
      offset >= PLIC_CONTEXT_BASE &&
      offset - PLIC_CONTEXT_BASE < PLIC_NUM_CONTEXTS * PLIC_CONTEXT_STRIDE
    ) {
      const context = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
      const register = offset & (PLIC_CONTEXT_STRIDE - 1);
      if (register === 0) {
        this.threshold[context] = v % (PLIC_MAX_PRIORITY + 1);
        this.update();
      } else if (register === 4) {
        this.complete(context, v);
      }
    }
  }

  /** The state as plain, JSON-serializable data. */
  snapshot(): PlicSnapshot {
    return {
      priority: Array.from(this.priority),
      threshold: Array.from(this.threshold),
      level: Array.from(this.level),
      pending: Array.from(this.pending),
      claimed: Array.from(this.claimed),
      enable: Array.from(this.enable),
    };
  }

  /**
   * Restores a {@link PlicSnapshot} and drives both output lines to the restored state.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: PlicSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const priority = r.ints('priority', PLIC_NUM_SOURCES, PLIC_NUM_SOURCES, PLIC_MAX_PRIORITY);
    const threshold = r.ints('threshold', PLIC_NUM_CONTEXTS, PLIC_NUM_CONTEXTS, PLIC_MAX_PRIORITY);
    const level = r.ints('level', WORDS, WORDS, 0xffffffff);
    const pending = r.ints('pending', WORDS, WORDS, 0xffffffff);
    const claimed = r.ints('claimed', WORDS, WORDS, 0xffffffff);
    const enable = r.ints(
      'enable',
      WORDS * PLIC_NUM_CONTEXTS,
      WORDS * PLIC_NUM_CONTEXTS,
      0xffffffff,
    );
    if ((level[0] | pending[0]) & 1) throw r.fail('level', 'has source 0 set');
    this.priority.set(priority);
    this.threshold.set(threshold);
    this.level.set(level);
    this.pending.set(pending);
    this.claimed.set(claimed);
    this.enable.set(enable);
    for (let c = 0; c < PLIC_NUM_CONTEXTS; c++) {
      this.outputs[c] = this.best(c) !== 0;
      this.lines[c]?.(this.outputs[c]);
    }
  }

  private best(context: number): number {
    let source = 0;
    let max = this.threshold[context];
    for (let w = 0; w < WORDS; w++) {
      const candidates = this.pending[w] & ~this.claimed[w] & this.enable[context * WORDS + w];
      if (candidates === 0) continue;
      for (let b = 0; b < 32; b++) {
        if ((candidates & (1 << b)) === 0) continue;
        const p = this.priority[(w << 5) | b];
        if (p > max) {
          max = p;
          source = (w << 5) | b;
        }
      }
    }
    return source;
  }

  private update(): void {
    for (let c = 0; c < PLIC_NUM_CONTEXTS; c++) {
      const level = this.best(c) !== 0;
      if (level !== this.outputs[c]) {
        this.outputs[c] = level;
        this.lines[c]?.(level);
      }
    }
  }

  private checkSource(source: number): void {
    checkInteger(source, this.name, 'interrupt source', [1, PLIC_NUM_SOURCES - 1]);
  }

  private checkContext(context: number): void {
    checkInteger(context, this.name, 'context (0: M-mode, 1: S-mode)', [0, 1]);
  }
}
