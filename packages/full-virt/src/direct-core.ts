/**
 * The `direct` engine's core: trap-and-emulate. Guest code runs on a real core (interpreter or
 * translator) whose hart is always in U-mode and whose MMU walks only shadow page tables; the
 * guest's own hart — pc, registers, privilege, CSR file with the bare machine's WARL rules,
 * counters — is a virtual CPU the hypervisor keeps. Every trap of the real hart comes to the
 * hypervisor first (its trap sink takes them all): a shadow miss the guest's translation
 * allows is filled and the instruction restarts; anything else — a sensitive instruction
 * (CSR access, xRET, WFI, SFENCE.VMA), ECALL, a fault the guest must see, a device access — is
 * executed once by the reference interpreter on the virtual CPU, which is the bare machine's
 * semantics by construction. Interrupts are injected into the virtual CPU at the exact
 * instruction where bare takes them: the real hart never runs past a device deadline, and
 * nothing it runs can make one pending.
 *
 * @module
 */

import {
  type CallPolicy,
  type Core,
  type CoreExit,
  type CoreKind,
  type CoreMemory,
  type CoreOptions,
  type CoreStatistics,
  createCore,
  EXIT_BUDGET,
  EXIT_CALL,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_STUCK,
  EXIT_TRAP,
  InterpreterCore,
  NestedCore,
  TranslatorCore,
  type TrapSink,
} from '@trapeze/cpu';
import {
  Exception,
  type Hart,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_MXR,
  MSTATUS_SUM,
  STUCK_TRAPS,
} from '@trapeze/isa';
import { Bus, Mmu, PMP_NAPOT, PMP_R, PMP_W, PMP_X, Pmp } from '@trapeze/mmu';
import { FullVirtError } from './errors.js';
import { ExitCounters, type ExitReason, type ExitStatistics, sensitiveReason } from './exits.js';
import {
  DEFAULT_SHADOW_PAGES,
  MAP_ADDED,
  MAP_FULL,
  SHADOW_FETCH,
  SHADOW_LOAD,
  SHADOW_STORE,
  ShadowTables,
} from './shadow-tables.js';

/** Options of {@link DirectCore}. */
export interface DirectCoreOptions {
  /** The core guest code runs on directly (default `'translator'`). */
  readonly core?: CoreKind;
  /** Pages of hypervisor memory for shadow tables (default 1,024: 4 MiB). */
  readonly shadowPages?: number;
}

/** Every exception of the real hart goes to the hypervisor. */
const ALL_EXCEPTIONS: TrapSink = { exceptions: 0xffff_ffff, interrupts: 0xffff_ffff };

/** Access kind of a page-fault cause, or -1. */
function pageFaultKind(cause: number): number {
  if (cause === Exception.InstructionPageFault) return SHADOW_FETCH;
  if (cause === Exception.LoadPageFault) return SHADOW_LOAD;
  if (cause === Exception.StorePageFault) return SHADOW_STORE;
  return -1;
}

const KIND_NAMES = ['fetch', 'load', 'store'] as const;

/**
 * The `direct` engine as a core (`@trapeze/cpu`'s `Core` contract): give it to a board (`new
 * VirtMachine({ core: (o) => new DirectCore(o) })`, or {@link createEngineMachine}) and the
 * board runs its unmodified image
 * under the hypervisor. {@link DirectCore.hart} is the guest's virtual CPU, so everything the
 * board reads, snapshots and restores is guest state only.
 */
export class DirectCore extends NestedCore {
  /** The engine's name. */
  readonly engine: 'direct' | 'translate' = 'direct';
  /** The kind of the real core guest code runs on. */
  readonly kind: CoreKind;
  /** The guest's virtual CPU. */
  readonly hart: Hart;
  /** The guest's memory path (the board's: guest translation, PMP, RAM, devices). */
  readonly memory: CoreMemory;
  /** Addresses where a run stops before the instruction (the virtual CPU's pc). */
  readonly breakpoints: Set<number>;
  /** The shadow page tables. */
  readonly shadow: ShadowTables;
  /** The reference interpreter on the virtual CPU: runs what the real hart cannot. */
  private readonly emulator: InterpreterCore;
  /** The real core: its hart is in U-mode and walks the shadow tables. */
  protected readonly real: Core;
  private readonly exitCounters = new ExitCounters();
  /** Calls of translated code into the hypervisor (the `translate` engine's). */
  protected readonly callCounters = new ExitCounters();
  /** Guest instructions the real hart retired without an exit or a call. */
  private directRetired = 0;
  /** Instructions that retired as calls. */
  protected callRetired = 0;
  /**
   * While the real core runs: the virtual CPU's and the real hart's `retired` when it started
   * (a call brings the virtual CPU's count up to date from them).
   */
  protected runStart = 0;
  protected realStart = 0;
  /** The last exit reason counted by {@link DirectCore.emulate}. */
  protected lastReason: ExitReason = 'emulated';
  /** What the shadow tables were built for: guest `satp`, MMU epoch, PMP and bus generations. */
  private shadowSatp = -1;
  private shadowEpoch = -1;
  private shadowPmp = -1;
  private shadowBus = -1;
  private shadowDrops = 0;
  /** The view the real hart walks now (-1: none yet). */
  private view = -1;

  /**
   * @param options the board's memory system and CSRs: the guest's
   * @throws {@link FullVirtError} `BAD_ARGUMENT` for a bad core kind or shadow pool size
   */
  constructor(options: CoreOptions, direct: DirectCoreOptions = {}) {
    super();
    const kind = direct.core ?? 'translator';
    if (kind !== 'interpreter' && kind !== 'translator')
      throw new FullVirtError(
        'BAD_ARGUMENT',
        `DirectCore: core must be 'interpreter' or 'translator', not ${String(kind)}`,
      );
    this.kind = kind;
    this.shadow = new ShadowTables(direct.shadowPages ?? DEFAULT_SHADOW_PAGES);
    // The real machine: guest RAM at its guest-physical address (so a shadow entry's frame is
    // the guest's), hypervisor memory beside it, and a PMP that lets U-mode reach both.
    const bus = new Bus();
    bus.mapRam(options.ram);
    bus.mapRam(this.shadow.ram);
    const pmp = new Pmp();
    pmp.writeAddr(0, 0xffff_ffff);
    pmp.writeCfg(0, PMP_R | PMP_W | PMP_X | (PMP_NAPOT << 3));
    const realOptions: CoreOptions = {
      bus,
      mmu: new Mmu(bus, pmp),
      pmp,
      ram: options.ram,
      // No counters, no PMP CSRs: U-mode reads of counters trap and are emulated.
      csrs: { read: () => undefined, write: () => false },
    };
    const calls = this.callPolicy();
    if (calls !== undefined && kind !== 'translator')
      throw new FullVirtError('BAD_ARGUMENT', 'a call policy needs the translator core');
    this.real =
      calls === undefined
        ? createCore(kind, realOptions)
        : new TranslatorCore({ ...realOptions, calls });
    const real = this.real.hart;
    real.privilege = 0;
    this.real.setTrapSink(ALL_EXCEPTIONS);
    // The virtual CPU shares the real hart's registers: nothing to copy on an exit.
    this.emulator = new InterpreterCore(options, real.x);
    this.hart = this.emulator.hart;
    this.memory = this.emulator.memory;
    this.breakpoints = this.emulator.breakpoints;
  }

  /**
   * The call policy the real translator compiles sensitive instructions with: none for
   * `direct` (they trap). Called once, by the constructor.
   */
  protected callPolicy(): CallPolicy | undefined {
    return undefined;
  }

  /**
   * Runs the guest until its instret reaches `limit`, its virtual time (instret plus the traps
   * QEMU counts) reaches `deadline`, or an exit the board must see (a device access, an idle
   * hart, a breakpoint, a trap a sink set on this core intercepts).
   */
  run(limit: number, deadline: number): CoreExit {
    const v = this.hart;
    const real = this.real.hart;
    for (;;) {
      if (v.retired >= limit) return EXIT_BUDGET;
      if (v.retired + v.countedTraps >= deadline) return EXIT_DEADLINE;
      if (this.interpretsAll()) {
        // Breakpoints and armed debug triggers (checked again after every exit: the guest may
        // arm them): the reference interpreter runs everything, one exit per instruction.
        const before = v.retired;
        const exit = this.emulator.run(limit, deadline);
        for (let n = v.retired - before; n > 0; n--) this.exitCounters.count('emulated');
        return exit;
      }
      const csr = v.csr;
      if (v.waiting && (csr.mip & csr.mie) === 0) return this.emulator.run(limit, deadline);
      if (v.waiting || ((csr.mip & csr.mie) !== 0 && v.readyInterrupt() >= 0)) {
        const exit = this.emulate(
          limit,
          deadline,
          v.readyInterrupt() >= 0 ? 'interrupt' : 'emulated',
        );
        if (exit !== -1) return exit;
        continue;
      }
      if (this.accessesAsAnotherMode()) {
        // M-mode data accesses translated as another mode's: fetches and data would need two
        // views at once; the hypervisor runs these instructions itself.
        const exit = this.emulate(limit, deadline, 'emulated');
        if (exit !== -1) return exit;
        continue;
      }
      this.enterView();
      real.pc = v.pc;
      real.reservation = v.reservation;
      real.reservationValue = v.reservationValue;
      const before = real.retired;
      const start = v.retired;
      const calls = this.callRetired;
      const slow = this.memory.slowAccesses;
      this.runStart = start;
      this.realStart = before;
      // The real hart's counted traps stand for the virtual CPU's that calls take (translate).
      const exit = this.real.run(
        before + (limit - start),
        before + real.countedTraps + (deadline - start - v.countedTraps),
      );
      const ran = real.retired - before;
      v.retired = start + ran;
      this.directRetired += ran - (this.callRetired - calls);
      v.pc = real.pc;
      v.reservation = real.reservation;
      v.reservationValue = real.reservationValue;
      if (exit === EXIT_CALL) {
        // A call ended the run: what it did to the guest may be for the board to see.
        if (v.pendingCause >= 0) return EXIT_TRAP;
        if (v.trapStreak >= STUCK_TRAPS) return EXIT_STUCK;
        if (this.memory.slowAccesses !== slow) return EXIT_DEVICE;
        continue;
      }
      if (exit !== EXIT_TRAP) continue;
      const cause = real.pendingCause;
      const tval = real.pendingTval;
      real.pendingCause = -1;
      const kind = pageFaultKind(cause);
      if (kind >= 0 && this.fill(tval, kind)) {
        this.exitCounters.count('shadow', KIND_NAMES[kind]);
        continue;
      }
      const reason = this.reasonOf(cause, tval);
      // SFENCE.VMA of one address: only its region's shadow entries go (not every view).
      const fenced = this.fencedAddress(reason, (tval >>> 15) & 31);
      const epoch = this.memory.mmu.epoch;
      const traps = v.traps;
      const pc = v.pc;
      const emulated = this.emulate(limit, deadline, reason);
      if (v.traps === traps) this.fencePage(fenced, epoch);
      if (
        kind !== SHADOW_FETCH &&
        kind >= 0 &&
        (this.lastReason === 'mmio' || this.lastReason === 'emulated')
      )
        this.accessEmulated(pc);
      if (emulated !== -1) return emulated;
    }
  }

  /** Whether breakpoints or armed debug triggers make the reference interpreter run everything. */
  protected interpretsAll(): boolean {
    const v = this.hart;
    return this.breakpoints.size !== 0 || v.triggers.execute || v.triggers.access;
  }

  /**
   * Whether the guest is in M-mode with `mstatus.MPRV` making its data accesses another mode's:
   * fetches and data would need two views at once, so the hypervisor runs these instructions.
   */
  protected accessesAsAnotherMode(): boolean {
    const v = this.hart;
    const status = v.csr.mstatus;
    return (
      v.privilege === 3 &&
      (status & MSTATUS_MPRV) !== 0 &&
      ((status >>> MSTATUS_MPP_SHIFT) & 3) !== 3
    );
  }

  /**
   * Runs the guest's next instruction (or interrupt) on the reference interpreter and counts
   * the exit: -1 to go on, or the exit to return (a device access, an idle hart, a trap the
   * board's own sink takes, …).
   */
  protected emulate(limit: number, deadline: number, reason: ExitReason): CoreExit | -1 {
    const v = this.hart;
    const traps = v.traps;
    const slow = this.memory.slowAccesses;
    const exit = this.emulator.run(Math.min(limit, v.retired + 1), deadline);
    const region =
      this.memory.slowAccesses === slow
        ? undefined
        : this.memory.bus.regionAt(this.memory.mmu.paddr);
    this.lastReason = this.classify(this.exitCounters, reason, traps, region);
    if (exit === EXIT_BUDGET && v.retired < limit) return -1;
    return exit;
  }

  /**
   * Counts in `counters` what the hypervisor just did for the guest, asked as `reason`, and
   * returns the reason counted: `mmio` (by device) when it reached device `region`, `trap`
   * (by cause) when the guest took a trap of its own (virtual `traps` moved, not by an ECALL
   * or an interrupt), else `reason`.
   */
  protected classify(
    counters: ExitCounters,
    reason: ExitReason,
    traps: number,
    region: { readonly kind: string; readonly name: string } | undefined,
  ): ExitReason {
    const v = this.hart;
    if (region !== undefined && region.kind === 'device') {
      counters.count('mmio', region.name);
      return 'mmio';
    }
    if (v.traps !== traps && reason !== 'ecall' && reason !== 'interrupt') {
      const cause = v.privilege === 3 ? v.csr.mcause : v.csr.scause;
      counters.count('trap', String(cause >>> 0));
      return 'trap';
    }
    counters.count(reason);
    return reason;
  }

  /**
   * A data access at `pc` trapped out of the real hart and the hypervisor ran it (a device, or
   * RAM it cannot shadow): nothing for `direct`; the `translate` engine counts these and
   * retranslates the instruction into a call.
   */
  protected accessEmulated(_pc: number): void {}

  /** The exit reason of a trap of the real hart that is not a shadow miss. */
  private reasonOf(cause: number, tval: number): ExitReason {
    if (cause === Exception.EcallFromU) return 'ecall';
    if (cause !== Exception.IllegalInstruction) return 'emulated';
    const reason = sensitiveReason(this.hart.decoder.decodeSpec(tval)?.name ?? '');
    return reason === 'ecall' ? 'emulated' : reason;
  }

  /**
   * Makes the real hart walk the shadow view of the guest's present privilege and `mstatus`,
   * after dropping every view if the guest changed `satp`, fenced, or changed PMP or the bus.
   */
  protected enterView(): void {
    const v = this.hart;
    const csr = v.csr;
    const memory = this.memory;
    if (this.shadowOutdated() && this.shadow.entries !== 0) this.shadow.dropAll();
    this.shadowSatp = csr.satp;
    this.shadowEpoch = memory.mmu.epoch;
    this.shadowPmp = memory.pmp.generation;
    this.shadowBus = memory.bus.generation;
    const status = csr.mstatus;
    // M-mode runs untranslated: SUM and MXR mean nothing there.
    const view =
      v.privilege === 3
        ? 3
        : v.privilege |
          ((status & MSTATUS_SUM) !== 0 ? 4 : 0) |
          ((status & MSTATUS_MXR) !== 0 ? 8 : 0);
    const rootSatp = this.shadow.satpOf(view);
    if (this.shadow.drops !== this.shadowDrops) {
      // Entries the real TLB may hold are gone.
      this.shadowDrops = this.shadow.drops;
      this.real.memory.fenceVma(undefined, undefined);
    }
    this.view = view;
    this.real.hart.csr.satp = rootSatp;
  }

  /**
   * The address an instruction that exits or calls for `reason` fences alone: `x[rs1]` of an
   * SFENCE.VMA with rs1 ≠ x0, else -1 (no single address).
   */
  protected fencedAddress(reason: string, rs1: number): number {
    return reason === 'sfence.vma' && rs1 !== 0 ? (this.hart.x[rs1] as number) >>> 0 : -1;
  }

  /**
   * After an instruction that may have fenced `vaddr` alone ({@link DirectCore.fencedAddress};
   * -1: none) completed: when that fence was the only move of the MMU's epoch since `epoch`,
   * the address's region's entries are dropped and the other entries stay valid (otherwise the
   * next view check drops them all).
   */
  protected fencePage(vaddr: number, epoch: number): void {
    if (vaddr < 0 || this.memory.mmu.epoch !== epoch + 1 || this.shadowEpoch !== epoch) return;
    this.shadow.dropRegion(vaddr);
    this.shadowEpoch = this.memory.mmu.epoch;
    this.real.memory.fenceVma(undefined, undefined);
  }

  /**
   * Whether the shadow tables were built for another guest `satp`, before an SFENCE.VMA (the
   * guest MMU's epoch), or for other PMP or bus settings: then they are all dropped.
   */
  protected shadowOutdated(): boolean {
    const memory = this.memory;
    return (
      this.hart.csr.satp !== this.shadowSatp ||
      memory.mmu.epoch !== this.shadowEpoch ||
      memory.pmp.generation !== this.shadowPmp ||
      memory.bus.generation !== this.shadowBus
    );
  }

  /**
   * The guest's translation of `vaddr` for access `kind` at its present privilege, walked as
   * bare walks it (A and D set in the guest's PTEs, PMP checked): a RAM offset, or negative
   * for a fault or an access that is not to whole pages of RAM.
   */
  protected guestTranslate(vaddr: number, kind: number): number {
    const v = this.hart;
    const csr = v.csr;
    const status = csr.mstatus;
    return this.memory.mmu.translateFast(
      vaddr,
      kind as 0 | 1 | 2,
      v.privilege,
      csr.satp,
      (status & MSTATUS_SUM) !== 0,
      (status & MSTATUS_MXR) !== 0,
    );
  }

  /**
   * A shadow miss at `vaddr` for access `kind`: true when the guest's translation (walked as
   * bare walks it, setting A and D) allows the access on whole pages of RAM and a shadow entry
   * was added or widened; false when the hypervisor must run the instruction (a guest fault, a
   * device, ROM, PMP finer than a page). A data access that may reach the next page (a
   * misaligned access reports its first byte's address, as QEMU's do, and its size is not
   * known here) is run by the hypervisor: bare walks such an access's pages in an order of its
   * own (a load from its last byte down, a store from its first up), and a walk sets A and D.
   */
  private fill(vaddr: number, kind: number): boolean {
    if ((vaddr & 0xfff) > 0xffc && kind !== SHADOW_FETCH) return false;
    return this.fillPage(vaddr, kind) === MAP_ADDED;
  }

  /** Fills the page of `vaddr`: a {@link ShadowTables.map} result, or -1 when it cannot be. */
  private fillPage(vaddr: number, kind: number): number {
    const memory = this.memory;
    const offset = this.guestTranslate(vaddr, kind);
    if (offset < 0) return -1;
    // The walk may have moved the MMU's epoch (PMP or bus changed): views built before are stale.
    if (memory.mmu.epoch !== this.shadowEpoch) return -1;
    const frame = memory.ram.base + offset - (vaddr & 0xfff);
    let result = this.shadow.map(this.view, vaddr, frame, kind);
    if (result === MAP_FULL) {
      this.shadow.dropAll();
      this.enterView();
      result = this.shadow.map(this.view, vaddr, frame, kind);
    }
    return result === MAP_FULL ? -1 : result;
  }

  /** The emulator holds the virtual CPU: what the forwarded calls reach. */
  protected get guestCore(): Core {
    return this.emulator;
  }

  /** Forgets shadow tables, translations and TLBs (after host writes to guest memory). */
  override invalidate(): void {
    super.invalidate();
    this.real.invalidate();
    this.shadow.dropAll();
    this.shadowSatp = -1;
  }

  /** The real core's statistics, with the instructions the hypervisor interpreted. */
  override statistics(): CoreStatistics {
    const real = this.real.statistics();
    return {
      ...real,
      interpreted: real.interpreted + this.emulator.statistics().interpreted,
    };
  }

  /** Exits (and calls) by reason and efficiency since the core was made. */
  exits(): ExitStatistics {
    return this.exitCounters.statistics(this.hart.retired, this.directRetired, this.callCounters);
  }
}
