/**
 * The `para` engine's core: the hypervisor of a paravirtualized guest (docs/pv-abi.md). The
 * guest kernel runs in S-mode and its programs in U-mode on a real core (translator or
 * interpreter) over the board's hart, with Sv32 always on over the guest's own page tables,
 * which {@link TableValidator} keeps safe; `mstatus.TVM` and `TW` make `satp`, `sfence.vma` and
 * `wfi` illegal, and the guest's own traps go straight to its vector (delegated). The
 * hypervisor sits where M-mode firmware would: the core's trap sink stops every ECALL from
 * S-mode (a hypercall) and every M-level interrupt (the timer and the PLIC's M context, which
 * become the guest's virtual interrupts) before the hart takes it.
 *
 * @module
 */

import {
  type Core,
  type CoreExit,
  type CoreKind,
  type CoreMemory,
  type CoreOptions,
  createCore,
  EXIT_BUDGET,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_TRAP,
  NestedCore,
  type TrapSink,
} from '@trapeze/cpu';
import { VIRT_MAP, VIRT_VIRTIO_SLOTS } from '@trapeze/devices';
import { ExitCounters, type ExitStatistics } from '@trapeze/full-virt';
import {
  Exception,
  type Hart,
  MIP_MEIP,
  MIP_MSIP,
  MIP_MTIP,
  MSTATUS_SIE,
  MSTATUS_SPIE,
  MSTATUS_SPP,
  MSTATUS_TVM,
  MSTATUS_TW,
} from '@trapeze/isa';
import { PMP_NAPOT, PMP_R, PMP_W, PMP_X } from '@trapeze/mmu';
import {
  TRPZ_IRQ_EXTERNAL,
  TRPZ_IRQ_SOFTWARE,
  TRPZ_IRQ_TIMER,
  TRPZ_SHARED_ENABLE,
  TRPZ_SHARED_EVENTS,
  TRPZ_SHARED_MASK,
  TRPZ_SHARED_PENDING,
  TRPZ_SHARED_STEAL_NS,
  TRPZ_SHARED_TRAP_CAUSE,
  TRPZ_SHARED_TRAP_EPC,
  TRPZ_SHARED_TRAP_STATUS,
  TRPZ_SHARED_TRAP_TVAL,
  TRPZ_STATUS_WAS_MASKED,
} from './abi.js';
import { ParaVirtError } from './errors.js';
import { Hypercalls } from './hypercalls.js';
import { type StartOfDay, writeStartOfDay } from './start-of-day.js';
import { TableValidator } from './table-validator.js';

/** Options of {@link ParaCore}. */
export interface ParaCoreOptions {
  /** The core guest code runs on (default `'translator'`). */
  readonly core?: CoreKind;
}

/**
 * How often the hypervisor looks again while a virtual interrupt waits for the kernel to unmask
 * it (or to return to U-mode), in instructions.
 */
export const POLL_INSTRUCTIONS = 64;

/** Every exception the guest may take itself: all delegable ones but ECALL from S-mode. */
const GUEST_EXCEPTIONS = 0xb3ff & ~(1 << Exception.EcallFromS);
/** The M-level interrupts the hypervisor takes: software, timer, external. */
const HYPERVISOR_INTERRUPTS = MIP_MSIP | MIP_MTIP | MIP_MEIP;
/** What the hypervisor's trap sink stops: hypercalls and its own interrupts. */
const PARA_SINK: TrapSink = {
  exceptions: 1 << Exception.EcallFromS,
  interrupts: HYPERVISOR_INTERRUPTS,
};
/** Virtual interrupt bits in delivery order (external, software, timer). */
const DELIVERY_ORDER = [TRPZ_IRQ_EXTERNAL, TRPZ_IRQ_SOFTWARE, TRPZ_IRQ_TIMER] as const;
/** The device frames a PV guest may map: the board's virtio-mmio slots. */
export const PARA_DEVICE_FRAMES = [
  {
    start: (VIRT_VIRTIO_SLOTS[0] as { base: number }).base,
    end: (VIRT_VIRTIO_SLOTS.at(-1) as { base: number; size: number }).base + 0x1000,
  },
] as const;

/**
 * The `para` engine as a `@trapeze/cpu` core: give it to a board (`new VirtMachine({ core: (o)
 * => new ParaCore(o) })`, or {@link createParaMachine}) and load a kernel built for the PV ABI;
 * the board's boot ROM runs, and where it jumps into RAM the hypervisor builds the start of
 * day and enters the kernel in S-mode.
 */
export class ParaCore extends NestedCore {
  /** The engine's name. */
  readonly engine = 'para';
  /** The kind of the core guest code runs on. */
  readonly kind: CoreKind;
  /** The guest's hart (the board's), run directly by the real core. */
  readonly hart: Hart;
  /** The guest's memory path (the board's: its own page tables, RAM, devices). */
  readonly memory: CoreMemory;
  /** Addresses where a run stops before the instruction (the real core's). */
  readonly breakpoints: Set<number>;
  /** The validation of the guest's page tables. */
  readonly tables: TableValidator;
  /** Where the start of day put things, once the kernel was entered. */
  startOfDay: StartOfDay | undefined = undefined;
  /** Virtual interrupts raised and not yet cleared (software; timer and external follow lines). */
  softwarePending = false;
  /**
   * Steal time so far (ns): virtual time the vCPU was ready to run while its host ran another
   * VM ({@link ParaHost}); the guest sees it in its STA record and the shared page.
   */
  stolen = 0;
  private readonly real: Core;
  private readonly calls: Hypercalls;
  readonly exitCounters = new ExitCounters();
  /** A sink set from outside (a debugger or an engine above): its causes come back as traps. */
  private outer: TrapSink = { exceptions: 0, interrupts: 0 };

  /**
   * @param options the board's memory system and CSRs
   * @throws {@link ParaVirtError} `BAD_ARGUMENT` for a bad core kind
   */
  constructor(options: CoreOptions, para: ParaCoreOptions = {}) {
    const kind = para.core ?? 'translator';
    if (kind !== 'interpreter' && kind !== 'translator')
      throw new ParaVirtError(
        'BAD_ARGUMENT',
        `ParaCore: core must be 'interpreter' or 'translator', not ${String(kind)}`,
      );
    super();
    this.kind = kind;
    this.real = createCore(kind, options);
    this.real.setTrapSink(PARA_SINK);
    this.hart = this.real.hart;
    this.memory = this.real.memory;
    this.breakpoints = this.real.breakpoints;
    this.tables = new TableValidator(options.ram, PARA_DEVICE_FRAMES);
    this.calls = new Hypercalls(this, options);
  }

  /**
   * Runs the guest until `limit`, `deadline` or an exit the board must see (a device access,
   * an idle vCPU, a power-off through the test finisher).
   */
  run(limit: number, deadline: number): CoreExit {
    const hart = this.hart;
    if (this.startOfDay === undefined) {
      // The boot ROM runs as on the bare board; its jump into RAM is the kernel's entry.
      while (hart.privilege === 3 && this.memory.fetchOffset(hart.pc) < 0) {
        if (hart.retired >= limit) return this.real.run(limit, deadline);
        const exit = this.real.run(hart.retired + 1, deadline);
        if (exit !== EXIT_BUDGET) return exit;
      }
      this.boot();
    }
    for (;;) {
      // A virtual interrupt pending while the kernel masks it: delivered at the latest
      // POLL_INSTRUCTIONS after the kernel unmasks or returns to U-mode.
      let stop = limit;
      const bits = this.enabledPending();
      if (bits !== 0) {
        if (this.accepts(false)) this.take(bits);
        else stop = Math.min(limit, hart.retired + POLL_INSTRUCTIONS);
      }
      const slow = this.memory.slowAccesses;
      const exit = this.real.run(stop, deadline);
      if (exit === EXIT_BUDGET && hart.retired < limit) continue;
      if (exit === EXIT_DEVICE && this.memory.slowAccesses !== slow) {
        const region = this.memory.bus.regionAt(this.memory.mmu.paddr);
        this.exitCounters.count('mmio', region?.name ?? 'unknown');
      }
      if (exit !== EXIT_TRAP) return exit;
      const cause = hart.pendingCause;
      if (this.outerWants(cause)) return exit;
      if (cause === Exception.EcallFromS) {
        const next = this.calls.call();
        if (next !== -1) return next;
      } else if (cause < 0 || (cause & 0x8000_0000) === 0) {
        this.real.deliverTrap();
      } else {
        this.interrupt(cause & 0x7fff_ffff);
      }
      if (hart.waiting && !this.deliverable(true)) return EXIT_IDLE;
    }
  }

  /** Whether a sink set from outside asked for this intercepted cause. */
  private outerWants(cause: number): boolean {
    if (cause < 0) return false;
    const code = cause & 0x7fff_ffff;
    const mask = (cause & 0x8000_0000) !== 0 ? this.outer.interrupts : this.outer.exceptions;
    return ((mask >>> code) & 1) === 1 && code < 32;
  }

  /**
   * An M-level interrupt the hypervisor took: the timer and software ones become pending
   * virtual interrupts (the timer line is masked until the guest sets a new timer), the PLIC's
   * M context is claimed for the guest's event channels.
   */
  private interrupt(code: number): void {
    const hart = this.hart;
    hart.pendingCause = -1;
    this.exitCounters.count('interrupt');
    if (code === 7) hart.csr.mie &= ~MIP_MTIP;
    else if (code === 11) this.calls.claimEvents();
    else if (code === 3) hart.csr.mie &= ~MIP_MSIP;
    hart.waiting = false;
    if (this.deliver(this.calls.yielding)) this.calls.yielding = false;
  }

  /** The virtual interrupts pending now (`sip`'s bits), also written to the shared page. */
  pending(): number {
    const shared = this.startOfDay?.sharedPage;
    if (shared === undefined) return 0;
    const csr = this.hart.csr;
    let bits = this.softwarePending ? TRPZ_IRQ_SOFTWARE : 0;
    if ((csr.mip & MIP_MTIP) !== 0 && this.calls.timerArmed) bits |= TRPZ_IRQ_TIMER;
    if (this.readShared(TRPZ_SHARED_EVENTS) !== 0) bits |= TRPZ_IRQ_EXTERNAL;
    this.writeShared(TRPZ_SHARED_PENDING, bits);
    return bits;
  }

  /** The virtual interrupts pending and enabled now. */
  private enabledPending(): number {
    return this.pending() & this.readShared(TRPZ_SHARED_ENABLE);
  }

  /**
   * Whether the vCPU takes a virtual interrupt now: in U-mode, or unmasked (or `anyway`: a
   * yield) in S-mode.
   */
  private accepts(anyway: boolean): boolean {
    return anyway || this.hart.privilege === 0 || this.readShared(TRPZ_SHARED_MASK) === 0;
  }

  /**
   * Whether a virtual interrupt would be delivered now: pending and enabled, and the vCPU
   * accepts it (`anyway`: as if unmasked).
   */
  deliverable(anyway: boolean): boolean {
    return this.enabledPending() !== 0 && this.accepts(anyway);
  }

  /**
   * Delivers the highest virtual interrupt that is deliverable (`anyway`: as if unmasked), as
   * the hardware delivers a delegated interrupt: true when one was.
   */
  deliver(anyway: boolean): boolean {
    const bits = this.enabledPending();
    if (bits === 0 || !this.accepts(anyway)) return false;
    this.take(bits);
    return true;
  }

  /** Delivers the highest of `bits` (pending, enabled, accepted) through the trap CSRs. */
  private take(bits: number): void {
    const hart = this.hart;
    const csr = hart.csr;
    const bit = DELIVERY_ORDER.find((b) => (bits & b) !== 0) as number;
    const cause = (0x8000_0000 | (31 - Math.clz32(bit))) >>> 0;
    const masked = this.readShared(TRPZ_SHARED_MASK) !== 0;
    const status = csr.mstatus;
    let next = status & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
    if (hart.privilege === 1) next |= MSTATUS_SPP;
    if (status & MSTATUS_SIE) next |= MSTATUS_SPIE;
    csr.mstatus = next >>> 0;
    csr.sepc = hart.pc;
    csr.scause = cause;
    csr.stval = 0;
    this.writeShared(TRPZ_SHARED_TRAP_CAUSE, cause);
    this.writeShared(TRPZ_SHARED_TRAP_EPC, hart.pc);
    this.writeShared(TRPZ_SHARED_TRAP_TVAL, 0);
    this.writeShared(
      TRPZ_SHARED_TRAP_STATUS,
      (status & MSTATUS_SPP) |
        (hart.privilege === 1 ? MSTATUS_SPP : 0) |
        (masked ? TRPZ_STATUS_WAS_MASKED : 0),
    );
    this.writeShared(TRPZ_SHARED_MASK, 1);
    hart.privilege = 1;
    hart.reservation = -1;
    hart.waiting = false;
    hart.pc = csr.stvec & ~3;
  }

  /**
   * The start of day (docs/pv-abi.md §6), at the kernel's entry: the initial address space,
   * the shared page and the start-of-day page below the device tree, the hart in S-mode.
   */
  private boot(): void {
    const hart = this.hart;
    const csr = hart.csr;
    const ram = this.memory.ram;
    const bus = this.memory.bus;
    const fdt = (hart.x[11] as number) >>> 0;
    const fdtSize = ram.contains(fdt, 8) ? readBigEndian(ram.u8, fdt - ram.base + 4) : 0;
    const top = ram.contains(fdt, 8) ? (fdt & ~0xfff) >>> 0 : ram.base + ram.size;
    // Wall-clock time at virtual time 0, from the board's RTC (nanoseconds since 1970).
    const rtc =
      BigInt(bus.load(VIRT_MAP.rtc.base, 4)) | (BigInt(bus.load(VIRT_MAP.rtc.base + 4, 4)) << 32n);
    const mtime =
      BigInt(bus.load(VIRT_MAP.clint.base + 0xbff8, 4)) |
      (BigInt(bus.load(VIRT_MAP.clint.base + 0xbffc, 4)) << 32n);
    const start = writeStartOfDay(
      ram,
      top,
      PARA_DEVICE_FRAMES,
      { address: fdt, size: fdtSize },
      rtc - mtime * 100n,
    );
    if (this.tables.pin(start.root, 1) !== 0 || this.tables.setRoot(start.root) !== 0)
      throw new ParaVirtError(
        'BAD_ARGUMENT',
        'ParaCore: the initial address space did not validate',
      );
    this.startOfDay = start;
    // PMP: S and U may reach all memory (the page tables are the protection).
    const pmp = this.memory.pmp;
    pmp.writeAddr(0, 0xffff_ffff);
    pmp.writeCfg(0, PMP_R | PMP_W | PMP_X | (PMP_NAPOT << 3));
    csr.medeleg = GUEST_EXCEPTIONS;
    csr.mideleg = 0;
    csr.mie = 0;
    csr.mcounteren = 0x7;
    csr.stvec = 0;
    csr.mstatus = (MSTATUS_TVM | MSTATUS_TW) >>> 0;
    csr.satp = (0x8000_0000 | (start.root >>> 12)) >>> 0;
    hart.x.fill(0);
    hart.x[11] = start.page;
    hart.privilege = 1;
    this.memory.fenceVma(undefined, undefined);
    this.real.invalidate();
  }

  /**
   * Adds `ns` of steal time (the host ran another VM while this one was ready) and publishes it:
   * the STA record the guest registered (SBI's protocol: `sequence` odd while it changes) and the
   * shared page's copy.
   */
  steal(ns: number): void {
    if (!(ns > 0)) return;
    this.stolen += ns;
    const ram = this.memory.ram;
    const low = Number(BigInt(this.stolen) & 0xffff_ffffn);
    const high = Math.floor(this.stolen / 2 ** 32);
    this.writeShared(TRPZ_SHARED_STEAL_NS, low);
    this.writeShared(TRPZ_SHARED_STEAL_NS + 4, high);
    const sta = this.calls.sta;
    if (sta < 0) return;
    const at = sta - ram.base;
    const sequence = ram.read(at, 4);
    ram.write(at, 4, (sequence + 1) | 1);
    ram.write(at + 8, 4, low);
    ram.write(at + 12, 4, high);
    ram.write(at, 4, ((sequence + 1) | 1) + 1);
  }

  /** Reads a word of the shared page. */
  readShared(offset: number): number {
    const shared = this.startOfDay?.sharedPage;
    return shared === undefined
      ? 0
      : this.memory.ram.read(shared - this.memory.ram.base + offset, 4);
  }

  /** Writes a word of the shared page. */
  writeShared(offset: number, value: number): void {
    const shared = this.startOfDay?.sharedPage;
    if (shared !== undefined)
      this.memory.ram.write(shared - this.memory.ram.base + offset, 4, value);
  }

  /** The real core (for the hypercalls: its TLBs and translations). */
  get realCore(): Core {
    return this.real;
  }

  /** The real core holds the guest's hart: what the forwarded calls reach. */
  protected get guestCore(): Core {
    return this.real;
  }

  /** Guest traps to stop at before the guest takes them (a sink above this hypervisor). */
  override setTrapSink(sink: TrapSink): void {
    this.outer = { exceptions: sink.exceptions >>> 0, interrupts: sink.interrupts >>> 0 };
    this.real.setTrapSink({
      exceptions: (PARA_SINK.exceptions | sink.exceptions) >>> 0,
      interrupts: (PARA_SINK.interrupts | sink.interrupts) >>> 0,
    });
  }

  /** Exits by reason (hypercalls by call) and efficiency since the core was made. */
  exits(): ExitStatistics {
    const retired = this.hart.retired;
    return this.exitCounters.statistics(retired, retired - this.calls.retired);
  }
}

/** A big-endian 32-bit word of `bytes` at `at` (the device tree's header). */
function readBigEndian(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] as number) << 24) |
      ((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number)) >>>
    0
  );
}
