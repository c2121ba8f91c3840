/**
 * Exits: each time the hypervisor had to act for the guest, counted by reason with the same
 * names in every engine, and the efficiency they leave (Popek and Goldberg's third property:
 * the share of guest instructions that ran without the hypervisor).
 *
 * @module
 */

/**
 * Why the hypervisor ran. `csr`, `xret`, `wfi`, `sfence.vma`, `ecall`: the guest executed that
 * sensitive instruction (deprivileged, it trapped) and the hypervisor emulated it. `trap`: the
 * guest took a trap of its own (by cause, in {@link ExitStatistics.traps}), reflected into its
 * handler. `shadow`: a shadow page table lacked an entry the guest's translation allows (by
 * access: fetch, load, store). `mmio`: the guest reached a device (by device). `interrupt`: a
 * virtual interrupt was injected. `hypercall`: a paravirtualized guest called the hypervisor (by
 * call name, in {@link ExitStatistics.hypercalls}). `emulated`: an instruction the hypervisor ran for the guest
 * for any other reason (boot ROM code, which is never mapped; RAM pages that PMP splits, which
 * cannot be shadowed whole; `mstatus.MPRV` data accesses; breakpoints or armed debug triggers,
 * which make it run every instruction).
 */
export type ExitReason =
  | 'csr'
  | 'xret'
  | 'wfi'
  | 'sfence.vma'
  | 'ecall'
  | 'trap'
  | 'shadow'
  | 'mmio'
  | 'interrupt'
  | 'hypercall'
  | 'emulated';

/** Every {@link ExitReason}, in the order statistics list them. */
export const EXIT_REASONS: readonly ExitReason[] = [
  'csr',
  'xret',
  'wfi',
  'sfence.vma',
  'ecall',
  'trap',
  'shadow',
  'mmio',
  'interrupt',
  'hypercall',
  'emulated',
];

/**
 * The reason an instruction without expression semantics is sensitive, by its name (`csrrw`,
 * `mret`, …): `csr`, `xret`, `wfi`, `sfence.vma` or `ecall`; `emulated` for any other.
 */
export function sensitiveReason(name: string): ExitReason {
  if (name.startsWith('csr')) return 'csr';
  if (name === 'mret' || name === 'sret') return 'xret';
  if (name === 'wfi') return 'wfi';
  if (name === 'sfence.vma') return 'sfence.vma';
  if (name === 'ecall') return 'ecall';
  return 'emulated';
}

/** Each reason's position in {@link EXIT_REASONS}. */
const REASON_INDEX = Object.fromEntries(EXIT_REASONS.map((reason, i) => [reason, i])) as Record<
  ExitReason,
  number
>;

/** A hypervisor's exits and efficiency (statistics: never guest state). */
export interface ExitStatistics {
  /** Exits by reason (every reason present, 0 when it never happened). */
  readonly exits: Readonly<Record<ExitReason, number>>;
  /** All exits. */
  readonly total: number;
  /**
   * Calls by reason (every reason present): the work translated code handed to the hypervisor
   * without an exit — a sensitive instruction compiled into a call (`csr`, `xret`, `wfi`,
   * `sfence.vma`, `ecall`; `trap` when the guest took a trap of its own in it), an access
   * retranslated into one (`mmio`, `emulated`). All 0 under `direct`.
   */
  readonly calls: Readonly<Record<ExitReason, number>>;
  /** All calls. */
  readonly callTotal: number;
  /** `trap` exits by the cause the guest took (`mcause`/`scause` values, as decimal strings). */
  readonly traps: Readonly<Record<string, number>>;
  /** `shadow` exits by access: `fetch`, `load`, `store`. */
  readonly shadow: Readonly<Record<string, number>>;
  /** `mmio` exits by device name (`uart0`, `clint`, …). */
  readonly mmio: Readonly<Record<string, number>>;
  /** `hypercall` exits by call (`TRPZ_MMU_UPDATE`, `SBI_TIME_SET_TIMER`, …; `para` only). */
  readonly hypercalls: Readonly<Record<string, number>>;
  /** Guest instructions retired. */
  readonly retired: number;
  /** Of those, retired by the real hart with no hypervisor intervention (no exit, no call). */
  readonly direct: number;
  /** `direct / retired` (1 when nothing retired). */
  readonly efficiency: number;
}

/** Counts exits as they happen. */
export class ExitCounters {
  private readonly counts = new Float64Array(EXIT_REASONS.length);
  private readonly traps = new Map<string, number>();
  private readonly shadow = new Map<string, number>();
  private readonly mmio = new Map<string, number>();
  private readonly hypercalls = new Map<string, number>();

  /** Counts one exit for `reason` (with `detail` for `trap`, `shadow`, `mmio` and `hypercall`). */
  count(reason: ExitReason, detail?: string): void {
    const index = REASON_INDEX[reason];
    this.counts[index] = (this.counts[index] as number) + 1;
    if (detail === undefined) return;
    const by =
      reason === 'trap'
        ? this.traps
        : reason === 'shadow'
          ? this.shadow
          : reason === 'mmio'
            ? this.mmio
            : reason === 'hypercall'
              ? this.hypercalls
              : undefined;
    if (by !== undefined) by.set(detail, (by.get(detail) ?? 0) + 1);
  }

  /** Counts by reason (every reason present). */
  byReason(): Record<ExitReason, number> {
    return Object.fromEntries(
      EXIT_REASONS.map((reason, i) => [reason, this.counts[i] as number]),
    ) as Record<ExitReason, number>;
  }

  /** All counts. */
  total(): number {
    let total = 0;
    for (const n of this.counts) total += n;
    return total;
  }

  /**
   * The counts so far as exits, with `calls` (a second counter, for the calls of translated
   * code: none by default), `retired` and `direct` from the caller.
   */
  statistics(retired: number, direct: number, calls?: ExitCounters): ExitStatistics {
    return {
      exits: this.byReason(),
      total: this.total(),
      calls: (calls ?? new ExitCounters()).byReason(),
      callTotal: calls?.total() ?? 0,
      traps: Object.fromEntries(this.traps),
      shadow: Object.fromEntries(this.shadow),
      mmio: Object.fromEntries(this.mmio),
      hypercalls: Object.fromEntries(this.hypercalls),
      retired,
      direct,
      efficiency: retired === 0 ? 1 : direct / retired,
    };
  }
}
