/**
 * The SiFive test finisher of QEMU's `virt` board: a guest writes one word to end the run.
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { SnapshotReader } from './validate.js';

/** Status written for a passing run. */
export const FINISHER_PASS = 0x5555;
/** Status written for a failing run; the exit code goes in bits 31…16. */
export const FINISHER_FAIL = 0x3333;
/** Status written to request a system reset. */
export const FINISHER_RESET = 0x7777;

/** How the guest asked to finish. */
export type FinisherExitKind = 'pass' | 'fail' | 'reset';

/** A finish request: its kind and, for `fail`, the code from bits 31…16 (0 otherwise). */
export interface FinisherExit {
  /** Pass, fail or reset. */
  readonly kind: FinisherExitKind;
  /** The 16-bit exit code of a `fail`; 0 for `pass` and `reset`. */
  readonly code: number;
}

/** Options of {@link TestFinisher}. */
export interface TestFinisherOptions {
  /** Called when the guest finishes (the same value appears in {@link TestFinisher.exit}). */
  readonly onExit?: (exit: FinisherExit) => void;
  /** Name for logs (`test` by default). */
  readonly name?: string;
}

/** The finisher's state as plain data. */
export interface TestFinisherSnapshot {
  /** The latched finish request, or `null`. */
  readonly exit: FinisherExit | null;
}

/**
 * SiFive test finisher (QEMU `hw/misc/sifive_test.c`). A write at offset 0 whose low 16 bits
 * are 0x5555 (pass), 0x3333 (fail, code = bits 31…16) or 0x7777 (reset) latches a
 * {@link FinisherExit} for the machine to act on (QEMU exits the process with the code, or
 * resets); any other value or offset is ignored, as in QEMU. A 16-bit write sees code 0. Reads
 * return 0. QEMU accepts 16- and 32-bit accesses only (the bus faults byte accesses, through
 * `validSizes`). The first
 * request stays latched, and later ones are ignored, until the machine calls
 * {@link TestFinisher.clear} (after a reset, say) — QEMU stops at the first.
 *
 * @example
 * ```ts
 * import { FINISHER_FAIL, TestFinisher } from '@trapeze/devices';
 *
 * const finisher = new TestFinisher();
 * finisher.exit; // → undefined
 * finisher.write(0, 4, (3 << 16) | FINISHER_FAIL); // the guest fails with code 3
 * finisher.exit; // → { kind: 'fail', code: 3 }
 * finisher.clear();
 * finisher.write(0, 4, 0x5555);
 * finisher.exit; // → { kind: 'pass', code: 0 }
 * ```
 */
export class TestFinisher implements MmioDevice {
  readonly name: string;
  readonly size = 0x1000;
  /** Access widths QEMU accepts for this device (others fault there). */
  readonly validSizes: readonly AccessSize[] = [2, 4];

  private readonly onExit: ((exit: FinisherExit) => void) | undefined;
  private latched: FinisherExit | undefined;

  constructor(options: TestFinisherOptions = {}) {
    this.onExit = options.onExit;
    this.name = options.name ?? 'test';
  }

  /** The latched finish request, or `undefined` while the guest runs on. */
  get exit(): FinisherExit | undefined {
    return this.latched;
  }

  /** Forgets the latched request (the machine has handled it). */
  clear(): void {
    this.latched = undefined;
  }

  read(_offset: number, _size: AccessSize): number {
    return 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset !== 0 || size === 1 || this.latched !== undefined) return;
    const status = value & 0xffff;
    const code = size === 4 ? (value >>> 16) & 0xffff : 0;
    let exit: FinisherExit;
    if (status === FINISHER_PASS) exit = { kind: 'pass', code: 0 };
    else if (status === FINISHER_FAIL) exit = { kind: 'fail', code };
    else if (status === FINISHER_RESET) exit = { kind: 'reset', code: 0 };
    else return;
    this.latched = exit;
    this.onExit?.(exit);
  }

  /** The state as plain, JSON-serializable data. */
  snapshot(): TestFinisherSnapshot {
    return { exit: this.latched === undefined ? null : { ...this.latched } };
  }

  /**
   * Restores a {@link TestFinisherSnapshot} (without calling `onExit`).
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: TestFinisherSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const exit = (snapshot as { exit?: unknown }).exit;
    if (exit === null) {
      this.latched = undefined;
      return;
    }
    if (typeof exit !== 'object' || exit === undefined || Array.isArray(exit))
      throw r.fail('exit', 'must be null or an object');
    const e = new SnapshotReader(this.name, exit);
    const kind = (exit as { kind?: unknown }).kind;
    if (kind !== 'pass' && kind !== 'fail' && kind !== 'reset')
      throw r.fail('exit.kind', 'must be "pass", "fail" or "reset"');
    const code = e.int('code', 0xffff);
    if (kind !== 'fail' && code !== 0) throw r.fail('exit.code', `must be 0 for ${kind}`);
    this.latched = { kind, code };
  }
}
