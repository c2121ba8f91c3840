/**
 * The hypercalls of the PV ABI (docs/pv-abi.md §5): what the `para` hypervisor does for an
 * ECALL from the guest's S-mode — standard SBI (BASE, TIME, IPI, RFENCE, SRST, DBCN, STA) and
 * the vendor extension `TRPZ`. Arguments are checked and answered with SBI error codes; the
 * guest's registers other than `a0` and `a1` are kept.
 *
 * @module
 */
import { type CoreExit, type CoreOptions, EXIT_DEVICE } from '@trapeze/cpu';
import {
  PLIC_CONTEXT_BASE,
  PLIC_ENABLE_BASE,
  PLIC_PRIORITY_BASE,
  VIRT_MAP,
  VIRT_VIRTIO_SLOTS,
} from '@trapeze/devices';
import { MIP_MEIP, MIP_MTIP, MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP } from '@trapeze/isa';
import {
  SBI_ERR_DENIED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_NOT_SUPPORTED,
  SBI_SUCCESS,
  TRPZ_ABI_VERSION,
  TRPZ_ABI_VERSION_CALL,
  TRPZ_CLEAR_SOFTWARE,
  TRPZ_EID,
  TRPZ_EVENT_BIND,
  TRPZ_EVENT_CHECK,
  TRPZ_FLUSH_ALL,
  TRPZ_FLUSH_PAGE,
  TRPZ_MMU_UPDATE,
  TRPZ_PIN_TABLE,
  TRPZ_SBI_EXT_STA,
  TRPZ_SBI_IMPL_ID,
  TRPZ_SET_ROOT,
  TRPZ_SET_TRAP_VECTOR,
  TRPZ_SHARED_EVENTS,
  TRPZ_SPIN_KICK,
  TRPZ_SPIN_WAIT,
  TRPZ_TRAP_RETURN,
  TRPZ_UNPIN_TABLE,
  TRPZ_YIELD,
} from './abi.js';
import type { ParaCore } from './para-core.js';

/** SBI extension IDs the hypervisor answers. */
export const SBI_EXT_BASE = 0x10;
export const SBI_EXT_TIME = 0x5449_4d45;
export const SBI_EXT_IPI = 0x73_5049;
export const SBI_EXT_RFENCE = 0x5246_4e43;
export const SBI_EXT_SRST = 0x5352_5354;
export const SBI_EXT_DBCN = 0x4442_434e;

/** Names of the calls, by `EID:FID`, for the statistics. */
const NAMES: Record<string, string> = {
  [`${SBI_EXT_BASE}:0`]: 'SBI_BASE_GET_SPEC_VERSION',
  [`${SBI_EXT_BASE}:1`]: 'SBI_BASE_GET_IMPL_ID',
  [`${SBI_EXT_BASE}:2`]: 'SBI_BASE_GET_IMPL_VERSION',
  [`${SBI_EXT_BASE}:3`]: 'SBI_BASE_PROBE_EXTENSION',
  [`${SBI_EXT_BASE}:4`]: 'SBI_BASE_GET_MVENDORID',
  [`${SBI_EXT_BASE}:5`]: 'SBI_BASE_GET_MARCHID',
  [`${SBI_EXT_BASE}:6`]: 'SBI_BASE_GET_MIMPID',
  [`${SBI_EXT_TIME}:0`]: 'SBI_TIME_SET_TIMER',
  [`${SBI_EXT_IPI}:0`]: 'SBI_IPI_SEND_IPI',
  [`${SBI_EXT_RFENCE}:0`]: 'SBI_RFENCE_REMOTE_FENCE_I',
  [`${SBI_EXT_RFENCE}:1`]: 'SBI_RFENCE_REMOTE_SFENCE_VMA',
  [`${SBI_EXT_RFENCE}:2`]: 'SBI_RFENCE_REMOTE_SFENCE_VMA_ASID',
  [`${SBI_EXT_SRST}:0`]: 'SBI_SRST_SYSTEM_RESET',
  [`${SBI_EXT_DBCN}:0`]: 'SBI_DBCN_CONSOLE_WRITE',
  [`${SBI_EXT_DBCN}:1`]: 'SBI_DBCN_CONSOLE_READ',
  [`${SBI_EXT_DBCN}:2`]: 'SBI_DBCN_CONSOLE_WRITE_BYTE',
  [`${TRPZ_SBI_EXT_STA}:0`]: 'SBI_STA_SET_SHMEM',
  [`${TRPZ_EID}:${TRPZ_ABI_VERSION_CALL}`]: 'TRPZ_ABI_VERSION',
  [`${TRPZ_EID}:${TRPZ_SET_TRAP_VECTOR}`]: 'TRPZ_SET_TRAP_VECTOR',
  [`${TRPZ_EID}:${TRPZ_TRAP_RETURN}`]: 'TRPZ_TRAP_RETURN',
  [`${TRPZ_EID}:${TRPZ_MMU_UPDATE}`]: 'TRPZ_MMU_UPDATE',
  [`${TRPZ_EID}:${TRPZ_PIN_TABLE}`]: 'TRPZ_PIN_TABLE',
  [`${TRPZ_EID}:${TRPZ_UNPIN_TABLE}`]: 'TRPZ_UNPIN_TABLE',
  [`${TRPZ_EID}:${TRPZ_SET_ROOT}`]: 'TRPZ_SET_ROOT',
  [`${TRPZ_EID}:${TRPZ_EVENT_BIND}`]: 'TRPZ_EVENT_BIND',
  [`${TRPZ_EID}:${TRPZ_EVENT_CHECK}`]: 'TRPZ_EVENT_CHECK',
  [`${TRPZ_EID}:${TRPZ_YIELD}`]: 'TRPZ_YIELD',
  [`${TRPZ_EID}:${TRPZ_SPIN_WAIT}`]: 'TRPZ_SPIN_WAIT',
  [`${TRPZ_EID}:${TRPZ_SPIN_KICK}`]: 'TRPZ_SPIN_KICK',
};

/** {@link NAMES} by extension and function (no string built per call). */
const NAMES_BY_EID = new Map<number, string[]>();
for (const [key, name] of Object.entries(NAMES)) {
  const [eid, fid] = key.split(':').map(Number) as [number, number];
  const names = NAMES_BY_EID.get(eid) ?? [];
  names[fid] = name;
  NAMES_BY_EID.set(eid, names);
}

/** The extensions SBI BASE's probe reports. */
const EXTENSIONS = new Set([
  SBI_EXT_BASE,
  SBI_EXT_TIME,
  SBI_EXT_IPI,
  SBI_EXT_RFENCE,
  SBI_EXT_SRST,
  SBI_EXT_DBCN,
  TRPZ_SBI_EXT_STA,
  TRPZ_EID,
]);

const UART_THR = VIRT_MAP.uart0.base;
const UART_LSR = VIRT_MAP.uart0.base + 5;
const CLINT_MTIMECMP = VIRT_MAP.clint.base + 0x4000;
const PLIC = VIRT_MAP.plic.base;
const FINISHER = VIRT_MAP.test.base;

/** The hypervisor's calls, on the state of one {@link ParaCore}. */
export class Hypercalls {
  /** Whether the guest set a timer (the timer line means nothing before). */
  timerArmed = false;
  /** Whether the vCPU waits in `TRPZ_YIELD` (an interrupt is then delivered as if unmasked). */
  yielding = false;
  /** Hypercall instructions retired (they ran with the hypervisor's help). */
  retired = 0;
  /** The steal-time record's address (-1: none). */
  sta = -1;
  /** PLIC sources bound as event channels (bit n: source n). */
  events = 0;
  /** Set when a call reached a device through the bus (the board must re-read its deadlines). */
  private touched = false;
  private readonly options: CoreOptions;

  constructor(
    private readonly core: ParaCore,
    options: CoreOptions,
  ) {
    this.options = options;
  }

  /**
   * Performs the intercepted ECALL as a hypercall: -1 to go on running, or the exit the board
   * must see (a device reached: the console, the timer, the test finisher).
   */
  call(): CoreExit | -1 {
    const core = this.core;
    const hart = core.hart;
    const x = hart.x;
    const eid = (x[17] as number) >>> 0;
    const fid = (x[16] as number) >>> 0;
    const name = NAMES_BY_EID.get(eid)?.[fid];
    core.exitCounters.count('hypercall', name ?? `unknown ${eid.toString(16)}:${fid}`);
    this.touched = false;
    const pc = hart.pc;
    this.retired++;
    core.completeTrap((pc + 4) >>> 0);
    if (eid === TRPZ_EID && fid === TRPZ_TRAP_RETURN) {
      this.trapReturn();
    } else if (eid === TRPZ_EID && fid === TRPZ_YIELD) {
      this.answer(SBI_SUCCESS, 0);
      if (!core.deliver(true)) {
        this.yielding = true;
        hart.waiting = true;
      }
      return -1;
    } else {
      const [error, value] =
        name === undefined ? [SBI_ERR_NOT_SUPPORTED, 0] : this.perform(eid, fid);
      this.answer(error, value);
    }
    core.deliver(false);
    return this.touched ? EXIT_DEVICE : -1;
  }

  /** The board's bus, for the devices a call reaches (noted: the board must look at them). */
  private get bus(): CoreOptions['bus'] {
    this.touched = true;
    return this.options.bus;
  }

  /** Sets `a0` (error) and `a1` (value). */
  private answer(error: number, value: number): void {
    this.core.hart.x[10] = error;
    this.core.hart.x[11] = value | 0;
  }

  /** The call named by `eid`/`fid`: its error and value. */
  private perform(eid: number, fid: number): [number, number] {
    const x = this.core.hart.x;
    const a = (i: number) => (x[10 + i] as number) >>> 0;
    switch (eid) {
      case SBI_EXT_BASE:
        if (fid === 0) return [SBI_SUCCESS, 0x0200_0000];
        if (fid === 1) return [SBI_SUCCESS, TRPZ_SBI_IMPL_ID];
        if (fid === 2) return [SBI_SUCCESS, 1];
        if (fid === 3) return [SBI_SUCCESS, EXTENSIONS.has(a(0)) ? 1 : 0];
        return [SBI_SUCCESS, 0];
      case SBI_EXT_TIME:
        return this.setTimer(a(0), a(1));
      case SBI_EXT_IPI:
        if (!selectsHartZeroOnly(a(0), a(1))) return [SBI_ERR_INVALID_PARAM, 0];
        this.core.softwarePending = true;
        return [SBI_SUCCESS, 0];
      case SBI_EXT_RFENCE:
        if (!selectsHartZeroOnly(a(0), a(1))) return [SBI_ERR_INVALID_PARAM, 0];
        if (fid !== 0) this.flush(a(2), a(3));
        return [SBI_SUCCESS, 0];
      case SBI_EXT_SRST:
        return this.reset(a(0), a(1));
      case SBI_EXT_DBCN:
        return this.console(fid, a(0), a(1), a(2));
      case TRPZ_SBI_EXT_STA:
        return this.stealTime(a(0), a(1), a(2));
      default:
        return this.vendor(fid, a);
    }
  }

  /** The `TRPZ` extension's calls other than trap return and yield. */
  private vendor(fid: number, a: (i: number) => number): [number, number] {
    const core = this.core;
    const tables = core.tables;
    switch (fid) {
      case TRPZ_ABI_VERSION_CALL:
        return [SBI_SUCCESS, TRPZ_ABI_VERSION];
      case TRPZ_SET_TRAP_VECTOR:
        if ((a(0) & 3) !== 0) return [SBI_ERR_INVALID_PARAM, 0];
        core.hart.csr.stvec = a(0);
        return [SBI_SUCCESS, 0];
      case TRPZ_MMU_UPDATE: {
        const flush = a(2);
        if (flush > TRPZ_FLUSH_PAGE) return [SBI_ERR_INVALID_PARAM, 0];
        const promotions = tables.promotions;
        const { error, applied } = tables.updateBatch(a(0), a(1));
        // A frame that became a table: no stale (writable) translation of it survives. Other
        // changes take effect as the guest flushes them, as on hardware.
        if (tables.promotions !== promotions || flush === TRPZ_FLUSH_ALL) this.flush(0, 0);
        else if (flush === TRPZ_FLUSH_PAGE) this.flush(a(3), 1);
        return [error, applied];
      }
      case TRPZ_PIN_TABLE: {
        const promotions = tables.promotions;
        const error = tables.pin(a(0), a(1));
        if (tables.promotions !== promotions) this.flush(0, 0);
        return [error, 0];
      }
      case TRPZ_UNPIN_TABLE:
        return [tables.unpin(a(0)), 0];
      case TRPZ_SET_ROOT: {
        const error = tables.setRoot(a(0));
        if (error !== SBI_SUCCESS) return [error, 0];
        core.hart.csr.satp = (0x8000_0000 | (a(0) >>> 12)) >>> 0;
        this.flush(0, 0);
        return [SBI_SUCCESS, 0];
      }
      case TRPZ_EVENT_BIND:
        return this.bind(a(0));
      case TRPZ_EVENT_CHECK:
        if ((a(0) & TRPZ_CLEAR_SOFTWARE) !== 0) core.softwarePending = false;
        return [SBI_SUCCESS, 0];
      case TRPZ_SPIN_WAIT:
        if ((a(0) & 3) !== 0 || !this.options.ram.contains(a(0), 4))
          return [SBI_ERR_INVALID_ADDRESS, 0];
        return [SBI_SUCCESS, 0];
      case TRPZ_SPIN_KICK:
        return [a(0) === 0 ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM, 0];
      default:
        return [SBI_ERR_NOT_SUPPORTED, 0];
    }
  }

  /** `TRPZ_TRAP_RETURN`: `sret`, then what is pending is delivered in the mode returned to. */
  private trapReturn(): void {
    const hart = this.core.hart;
    const csr = hart.csr;
    const status = csr.mstatus;
    let next = status & ~(MSTATUS_SPP | MSTATUS_SIE);
    if (status & MSTATUS_SPIE) next |= MSTATUS_SIE;
    next |= MSTATUS_SPIE;
    csr.mstatus = next >>> 0;
    hart.privilege = status & MSTATUS_SPP ? 1 : 0;
    hart.pc = csr.sepc & ~1;
    hart.reservation = -1;
  }

  /** SBI TIME `set_timer`: the CLINT's comparator, and the timer line unmasked. */
  private setTimer(low: number, high: number): [number, number] {
    const bus = this.bus;
    bus.store(CLINT_MTIMECMP + 4, 4, 0xffff_ffff);
    bus.store(CLINT_MTIMECMP, 4, low);
    bus.store(CLINT_MTIMECMP + 4, 4, high);
    this.timerArmed = true;
    this.core.hart.csr.mie |= MIP_MTIP;
    return [SBI_SUCCESS, 0];
  }

  /** Flushes the real core's translations: all (`size` 0 or all ones), else the pages of [start, start + size). */
  private flush(start: number, size: number): void {
    const memory = this.core.memory;
    if (size === 0 || size === 0xffff_ffff || size > 64 * 4096)
      memory.fenceVma(undefined, undefined);
    else
      for (let page = (start & ~0xfff) >>> 0; page < start + size; page += 4096)
        memory.fenceVma(page >>> 0, undefined);
  }

  /** SBI SRST `system_reset`: the test finisher, pass or fail. */
  private reset(type: number, reason: number): [number, number] {
    if (type > 2) return [SBI_ERR_INVALID_PARAM, 0];
    if (reason > 1) return [SBI_ERR_INVALID_PARAM, 0];
    this.bus.store(FINISHER, 4, reason === 0 ? 0x5555 : 0x0001_3333);
    return [SBI_SUCCESS, 0];
  }

  /** SBI DBCN: the buffer in guest RAM, the board's UART. */
  private console(fid: number, length: number, low: number, high: number): [number, number] {
    const bus = this.bus;
    const ram = this.options.ram;
    if (fid === 2) {
      bus.store(UART_THR, 1, length & 0xff);
      return [SBI_SUCCESS, 0];
    }
    if (high !== 0 || !ram.contains(low, length)) return [SBI_ERR_INVALID_PARAM, 0];
    if (fid === 0) {
      for (let i = 0; i < length; i++) bus.store(UART_THR, 1, ram.read(low - ram.base + i, 1));
      return [SBI_SUCCESS, length];
    }
    let n = 0;
    while (n < length && (bus.load(UART_LSR, 1) & 1) !== 0) {
      ram.write(low - ram.base + n, 1, bus.load(UART_THR, 1));
      n++;
    }
    return [SBI_SUCCESS, n];
  }

  /** SBI STA `set_shmem`. */
  private stealTime(low: number, high: number, flags: number): [number, number] {
    if (flags !== 0) return [SBI_ERR_INVALID_PARAM, 0];
    if (low === 0xffff_ffff && high === 0xffff_ffff) {
      this.sta = -1;
      return [SBI_SUCCESS, 0];
    }
    if ((low & 63) !== 0) return [SBI_ERR_INVALID_PARAM, 0];
    const ram = this.options.ram;
    if (high !== 0 || !ram.contains(low, 64) || this.core.tables.isTable(low))
      return [SBI_ERR_INVALID_ADDRESS, 0];
    ram.u8.fill(0, low - ram.base, low - ram.base + 64);
    this.sta = low;
    return [SBI_SUCCESS, 0];
  }

  /** `TRPZ_EVENT_BIND`: a virtio slot's PLIC source on the hypervisor's context. */
  private bind(source: number): [number, number] {
    if (!VIRT_VIRTIO_SLOTS.some((slot) => slot.irq === source)) return [SBI_ERR_INVALID_PARAM, 0];
    if ((this.events >>> source) & 1) return [SBI_ERR_DENIED, 0];
    this.events |= 1 << source;
    const bus = this.bus;
    bus.store(PLIC + PLIC_PRIORITY_BASE + source * 4, 4, 1);
    bus.store(PLIC + PLIC_ENABLE_BASE, 4, this.events);
    bus.store(PLIC + PLIC_CONTEXT_BASE, 4, 0);
    this.core.hart.csr.mie |= MIP_MEIP;
    return [SBI_SUCCESS, 0];
  }

  /**
   * The PLIC's M context interrupted: claims every source, acknowledges its virtio device
   * (`InterruptACK` with the `InterruptStatus` bits), completes it and sets its event bit.
   */
  claimEvents(): void {
    const bus = this.bus;
    let events = this.core.readShared(TRPZ_SHARED_EVENTS);
    for (;;) {
      const source = bus.load(PLIC + PLIC_CONTEXT_BASE + 4, 4);
      if (source === 0) break;
      const slot = VIRT_VIRTIO_SLOTS.find((s) => s.irq === source);
      if (slot !== undefined) {
        const status = bus.load(slot.base + 0x60, 4);
        if (status !== 0) bus.store(slot.base + 0x64, 4, status);
        events |= 1 << source;
      }
      bus.store(PLIC + PLIC_CONTEXT_BASE + 4, 4, source);
    }
    this.core.writeShared(TRPZ_SHARED_EVENTS, events);
  }
}

/** Whether an SBI hart mask (`mask`, `base`) selects hart 0 and no other hart. */
function selectsHartZeroOnly(mask: number, base: number): boolean {
  if (base === 0xffff_ffff) return true;
  return base === 0 && mask === 1;
}
