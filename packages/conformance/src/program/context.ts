/**
 * What a generator must know about the engines it targets: the capabilities of every engine a
 * program will run on, combined so that a generated program only exercises behaviour all of
 * them define the same way (or masks what they may legally differ in).
 *
 * @module
 */
import type { Capabilities, Privilege } from '../contract.js';
import { definedBits } from '../dump.js';

/** The combined capabilities of the engines a program runs on. */
export interface GenContext {
  readonly capabilities: readonly Capabilities[];
  /** The bits of `csr` every engine defines alike (AND of their {@link definedBits}). */
  mask(csr: string): number;
  /** Whether counters (`mcycle`, `minstret`, `time`…) advance alike in every engine. */
  readonly counters: boolean;
  /** Whether misaligned SC/AMOs raise the same cause everywhere. */
  readonly misalignedAmo: boolean;
  /** Whether misaligned loads and stores behave alike everywhere. */
  readonly misalignedLoadStore: boolean;
  /** Whether every engine has Sv32. */
  readonly sv32: boolean;
  /** Whether every engine sets A/D bits the same way. */
  readonly adBits: boolean;
  /** The PMP entries every engine implements. */
  readonly pmpEntries: number;
  /** Privilege modes every engine supports. */
  readonly modes: readonly Privilege[];
  /** Debug triggers every engine implements with QEMU 7.2's semantics (0: none). */
  readonly triggers: number;
  /** Behaviour left out of generated programs (see {@link Avoidable}). */
  readonly avoid: ReadonlySet<Avoidable>;
}

/**
 * Behaviour a campaign can leave out of its programs, because the engines are known to differ
 * on it (reported, not yet fixed):
 * - `counter-write`: writes to `mcycle`/`minstret` (and their high halves): the bare machine
 *   offsets its counters, QEMU 7.2 under icount keeps counting as if nothing was written;
 * - `pmp-reserved-rw`: `pmpcfg` bytes with W set and R clear (reserved): QEMU 7.2 keeps them,
 *   the bare machine ignores the write of that byte (docs/qemu-virt.md);
 * - `csr-zero-write`: CSRRS/CSRRC with a source register other than x0 that holds 0, on a
 *   read-only CSR (`mhartid`, `time`…): the spec (and the bare machine) raise an illegal
 *   instruction — the instruction still writes — QEMU 7.2 does not;
 * - `counter-inhibit`: writes to `mcountinhibit`: the bare machine stops `mcycle`/`minstret`,
 *   QEMU 7.2 under icount keeps counting.
 */
export type Avoidable = 'counter-write' | 'pmp-reserved-rw' | 'csr-zero-write' | 'counter-inhibit';

/** Differences between the bare machine and QEMU 7.2 known today (avoided against QEMU). */
export const KNOWN_QEMU_DIFFERENCES: readonly Avoidable[] = [
  'counter-write',
  'pmp-reserved-rw',
  'csr-zero-write',
  'counter-inhibit',
];

/** Options of {@link genContext}. */
export interface GenContextOptions {
  readonly avoid?: readonly Avoidable[];
}

/** The context of programs that run on all of `capabilities`. */
export function genContext(
  capabilities: readonly Capabilities[],
  options: GenContextOptions = {},
): GenContext {
  const all = <T>(get: (c: Capabilities) => T) =>
    capabilities.every((c) => get(c) === get(capabilities[0] as Capabilities));
  return {
    capabilities,
    mask(csr) {
      let mask = 0xffff_ffff;
      for (const c of capabilities) mask &= definedBits(csr, c);
      return mask >>> 0;
    },
    counters: all((c) => c.counters),
    misalignedAmo: all((c) => c.misalignedAmoCause),
    misalignedLoadStore: all((c) => c.misalignedLoadStore),
    sv32: capabilities.every((c) => c.sv32),
    adBits: all((c) => c.adBits),
    pmpEntries: Math.min(...capabilities.map((c) => c.pmpEntries)),
    modes: (['M', 'S', 'U'] as const).filter((m) => capabilities.every((c) => c.modes.includes(m))),
    triggers: Math.min(...capabilities.map((c) => c.triggers ?? 0)),
    avoid: new Set(options.avoid ?? []),
  };
}
