/**
 * A 16550A UART with QEMU 7.2's `hw/char/serial.c` behaviour, as wired on the `virt` board
 * (byte-spaced registers, baud base 399193, PLIC source 10).
 *
 * @module
 */
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { DeviceError } from './errors.js';
import { BufferBackend, type SerialBackend } from './serial-backend.js';
import type { IrqLine, TimeSource } from './signals.js';
import { checkedTime, checkInteger, deadlineField, SnapshotReader } from './validate.js';

/** Register offsets (DLAB selects the divisor latch at 0 and 1). */
export const UART_REG = {
  /** Receive buffer (read) / transmit holding (write) / divisor latch low (DLAB). */
  RBR: 0,
  /** Interrupt enable / divisor latch high (DLAB). */
  IER: 1,
  /** Interrupt identification (read) / FIFO control (write). */
  IIR: 2,
  /** Line control. */
  LCR: 3,
  /** Modem control. */
  MCR: 4,
  /** Line status. */
  LSR: 5,
  /** Modem status. */
  MSR: 6,
  /** Scratch. */
  SCR: 7,
} as const;

/** IER bits. */
export const IER = { RDI: 0x01, THRI: 0x02, RLSI: 0x04, MSI: 0x08 } as const;
/** IIR interrupt identifications (low nibble) and the FIFO-enabled bits. */
export const IIR = {
  NO_INT: 0x01,
  MSI: 0x00,
  THRI: 0x02,
  RDI: 0x04,
  RLSI: 0x06,
  CTI: 0x0c,
  FIFO_ENABLED: 0xc0,
} as const;
/** FCR bits. */
export const FCR = { FE: 0x01, RFR: 0x02, XFR: 0x04, DMS: 0x08, ITL_MASK: 0xc0 } as const;
/** LCR bits. */
export const LCR = { DLAB: 0x80, BREAK: 0x40 } as const;
/** MCR bits. */
export const MCR = { DTR: 0x01, RTS: 0x02, OUT1: 0x04, OUT2: 0x08, LOOP: 0x10 } as const;
/** LSR bits. */
export const LSR = {
  DR: 0x01,
  OE: 0x02,
  PE: 0x04,
  FE: 0x08,
  BI: 0x10,
  THRE: 0x20,
  TEMT: 0x40,
  FIFO_ERROR: 0x80,
} as const;
/** MSR bits. */
export const MSR = {
  DCTS: 0x01,
  DDSR: 0x02,
  TERI: 0x04,
  DDCD: 0x08,
  CTS: 0x10,
  DSR: 0x20,
  RI: 0x40,
  DCD: 0x80,
} as const;

/** Depth of the receive FIFO. */
export const UART_FIFO_SIZE = 16;
/** Baud base of the `virt` board's UART (`serial_mm_init(…, 399193, …)`). */
export const VIRT_UART_BAUD_BASE = 399193;

const LSR_INT_ANY = LSR.OE | LSR.PE | LSR.FE | LSR.BI;
const MSR_ANY_DELTA = 0x0f;
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

/** Options of {@link Uart16550}. */
export interface Uart16550Options {
  /** Host side (a new {@link BufferBackend} by default). */
  readonly backend?: SerialBackend;
  /** Interrupt line (to PLIC source 10 on `virt`). */
  readonly irq?: IrqLine;
  /**
   * Virtual time in 10 MHz ticks, for the receive timeout interrupt (CTI), which fires four
   * character times after the last received or read byte while the FIFO holds data. Without a
   * time source, time stands still at 0 and the timeout never fires.
   */
  readonly time?: TimeSource;
  /** Baud base: `baud = baudBase / divisor` (default {@link VIRT_UART_BAUD_BASE}). */
  readonly baudBase?: number;
  /**
   * Hardware-like overrun: host input is pushed into the UART as it arrives and bytes that do
   * not fit are dropped with LSR.OE set. Off by default: input waits in the backend until the
   * guest has room, so nothing is lost.
   */
  readonly overrun?: boolean;
  /** Name for logs (`uart0` by default). */
  readonly name?: string;
}

/** Host-side modem input lines (see {@link Uart16550.setModemLines}). */
export interface ModemLines {
  /** Clear to send. */
  readonly cts: boolean;
  /** Data set ready. */
  readonly dsr: boolean;
  /** Ring indicator. */
  readonly ri: boolean;
  /** Data carrier detect. */
  readonly dcd: boolean;
}

/** The UART's state as plain data. The backend's queued input is host state, not included. */
export interface Uart16550Snapshot {
  /** Receive buffer register (FIFO off). */
  readonly rbr: number;
  /** Interrupt enable register. */
  readonly ier: number;
  /** Interrupt identification register. */
  readonly iir: number;
  /** FIFO control register (the bits that stick: FE, DMS, trigger level). */
  readonly fcr: number;
  /** Line control register. */
  readonly lcr: number;
  /** Modem control register. */
  readonly mcr: number;
  /** Line status register. */
  readonly lsr: number;
  /** Modem status register. */
  readonly msr: number;
  /** Scratch register. */
  readonly scr: number;
  /** Divisor latch. */
  readonly divisor: number;
  /** Receive FIFO contents, oldest first. */
  readonly fifo: readonly number[];
  /** THR-empty interrupt pending (cleared by reading IIR while it is the reported one). */
  readonly thrPending: boolean;
  /** Receive timeout interrupt pending. */
  readonly timeoutPending: boolean;
  /** Tick at which the receive timeout fires, or `null`. */
  readonly timeoutDeadline: number | null;
  /** Level of the interrupt line. */
  readonly irq: boolean;
}

/**
 * 16550A UART. Transmission is immediate: a THR write hands the byte to the backend (or, in
 * loopback, to the receiver) at once, and THRE/TEMT are set again before the write returns, as
 * in QEMU. The receive FIFO holds 16 bytes; the interrupt priorities in IIR are, highest first,
 * line status (OE/PE/FE/BI), receive timeout, receive data at the trigger level, THR empty,
 * modem status. Any access width reaches the byte register at the offset (wider reads return
 * it zero-extended, wider writes use the low byte), as QEMU's `serial_mm` does. The register window is 8 bytes, as
 * QEMU's: the rest of the 0x100-byte slot of the memory map is unassigned, and the bus answers
 * accesses there with access faults.
 *
 * @example
 * ```ts
 * import { BufferBackend, IER, LSR, UART_REG, Uart16550 } from '@trapeze/devices';
 *
 * const console0 = new BufferBackend();
 * let irq = false;
 * const uart = new Uart16550({ backend: console0, irq: (level) => (irq = level) });
 *
 * // Output: the guest writes THR (offset 0), the backend gets the byte at once.
 * for (const c of 'ok\n') uart.write(0, 1, c.charCodeAt(0));
 * console0.text(); // → 'ok\n'
 *
 * // Input: the host queues bytes, the guest sees LSR.DR and reads RBR.
 * uart.write(UART_REG.IER, 1, IER.RDI);
 * console0.receive('hi');
 * irq; // → true
 * (uart.read(UART_REG.LSR, 1) & LSR.DR) !== 0; // → true
 * String.fromCharCode(uart.read(UART_REG.RBR, 1), uart.read(UART_REG.RBR, 1)); // → 'hi'
 * irq; // → false
 * ```
 */
export class Uart16550 implements MmioDevice {
  readonly name: string;
  readonly size = 8;
  /** Access widths QEMU accepts for this device. */
  readonly validSizes: readonly AccessSize[] = [1, 2, 4];
  /** The host side. */
  readonly backend: SerialBackend;

  private readonly irqLine: IrqLine | undefined;
  private readonly time: TimeSource;
  private readonly baudBase: number;
  private readonly overrun: boolean;

  private rbr = 0;
  private ier = 0;
  private iir: number = IIR.NO_INT;
  private fcr = 0;
  private lcr = 0;
  private mcr: number = MCR.OUT2;
  private lsr: number = LSR.TEMT | LSR.THRE;
  private msr: number = MSR.DCD | MSR.DSR | MSR.CTS;
  private scr = 0;
  private divisor = 12;
  private fifo: number[] = [];
  private triggerLevel = 1;
  private thrPending = false;
  private timeoutPending = false;
  private timeoutDeadline = Number.POSITIVE_INFINITY;
  private charTicks4 = 0;
  private irqLevel = false;

  constructor(options: Uart16550Options = {}) {
    this.name = options.name ?? 'uart0';
    const baudBase = options.baudBase ?? VIRT_UART_BAUD_BASE;
    this.baudBase = checkInteger(baudBase, this.name, 'baudBase', [1, 0xffff_ffff], 'BAD_OPTION');
    this.backend = options.backend ?? new BufferBackend();
    this.irqLine = options.irq;
    this.time = options.time === undefined ? () => 0 : checkedTime(options.time, this.name);
    this.overrun = options.overrun ?? false;
    this.updateCharTime();
    this.backend.connect(() => this.pullInput());
    this.pullInput();
  }

  read(offset: number, _size: AccessSize): number {
    switch (offset) {
      case UART_REG.RBR:
        return this.lcr & LCR.DLAB ? this.divisor & 0xff : this.readRbr();
      case UART_REG.IER:
        return this.lcr & LCR.DLAB ? (this.divisor >>> 8) & 0xff : this.ier;
      case UART_REG.IIR: {
        const value = this.iir;
        if ((value & 0x0f) === IIR.THRI) {
          this.thrPending = false;
          this.updateIrq();
        }
        return value;
      }
      case UART_REG.LCR:
        return this.lcr;
      case UART_REG.MCR:
        return this.mcr;
      case UART_REG.LSR: {
        const value = this.lsr;
        if (this.lsr & (LSR.BI | LSR.OE)) {
          this.lsr &= ~(LSR.BI | LSR.OE);
          this.updateIrq();
        }
        return value;
      }
      case UART_REG.MSR:
        return this.readMsr();
      case UART_REG.SCR:
        return this.scr;
      default:
        return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case UART_REG.RBR:
        if (this.lcr & LCR.DLAB) {
          this.divisor = (this.divisor & 0xff00) | v;
          this.updateCharTime();
        } else this.transmit(v);
        return;
      case UART_REG.IER:
        if (this.lcr & LCR.DLAB) {
          this.divisor = (this.divisor & 0x00ff) | (v << 8);
          this.updateCharTime();
        } else this.writeIer(v);
        return;
      case UART_REG.IIR:
        this.writeFcr(v);
        return;
      case UART_REG.LCR:
        this.lcr = v;
        this.updateCharTime();
        return;
      case UART_REG.MCR: {
        const wasLoop = (this.mcr & MCR.LOOP) !== 0;
        this.mcr = v & 0x1f;
        if (wasLoop && !(this.mcr & MCR.LOOP)) this.pullInput();
        return;
      }
      case UART_REG.SCR:
        this.scr = v;
        return;
      default:
        return;
    }
  }

  /**
   * Fires the receive timeout if its tick has come. Call it whenever virtual time has advanced
   * to or past {@link Uart16550.nextDeadline}; calling it more often is harmless.
   */
  update(): void {
    if (this.time() < this.timeoutDeadline) return;
    this.timeoutDeadline = Number.POSITIVE_INFINITY;
    if (this.fifo.length > 0) {
      this.timeoutPending = true;
      this.updateIrq();
    }
  }

  /** The tick at which the receive timeout fires, or `Infinity` if none is armed. */
  nextDeadline(): number {
    return this.timeoutDeadline;
  }

  /** Level of the interrupt line. */
  get irqAsserted(): boolean {
    return this.irqLevel;
  }

  /** Bytes in the receive FIFO (or 1/0 for the receive register with the FIFO off). */
  get receivedCount(): number {
    return this.fcr & FCR.FE ? this.fifo.length : this.lsr & LSR.DR ? 1 : 0;
  }

  /**
   * Sets the modem input lines, as a real serial port's CTS/DSR/RI/DCD would: the MSR status
   * bits follow, the delta bits record changes (TERI only for RI going from on to off), and a
   * modem status interrupt results if enabled. Has no visible effect in loopback, where MSR
   * reflects MCR.
   */
  setModemLines(lines: ModemLines): void {
    const old = this.msr;
    let msr = old & 0x0f;
    if (lines.cts) msr |= MSR.CTS;
    if (lines.dsr) msr |= MSR.DSR;
    if (lines.ri) msr |= MSR.RI;
    if (lines.dcd) msr |= MSR.DCD;
    if (msr === old) return;
    msr |= ((msr >>> 4) ^ (old >>> 4)) & 0x0f;
    if (msr & MSR.TERI && !(old & MSR.RI)) msr &= ~MSR.TERI;
    this.msr = msr;
    this.updateIrq();
  }

  /** Receives a break condition from the host: a 0 byte with LSR.BI set, as QEMU does. */
  sendBreak(): void {
    this.rbr = 0;
    if (this.fcr & FCR.FE) this.fifoPut(0);
    this.lsr |= LSR.BI | LSR.DR;
    this.updateIrq();
  }

  /** The state as plain, JSON-serializable data. */
  snapshot(): Uart16550Snapshot {
    return {
      rbr: this.rbr,
      ier: this.ier,
      iir: this.iir,
      fcr: this.fcr,
      lcr: this.lcr,
      mcr: this.mcr,
      lsr: this.lsr,
      msr: this.msr,
      scr: this.scr,
      divisor: this.divisor,
      fifo: [...this.fifo],
      thrPending: this.thrPending,
      timeoutPending: this.timeoutPending,
      timeoutDeadline: deadlineField(this.timeoutDeadline),
      irq: this.irqLevel,
    };
  }

  /**
   * Restores a {@link Uart16550Snapshot} and drives the interrupt line to the restored level.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field.
   */
  restore(snapshot: Uart16550Snapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const s = {
      rbr: r.int('rbr', 0xff),
      ier: r.int('ier', 0x0f),
      iir: r.int('iir', 0xff),
      fcr: r.int('fcr', 0xff),
      lcr: r.int('lcr', 0xff),
      mcr: r.int('mcr', 0x1f),
      lsr: r.int('lsr', 0xff),
      msr: r.int('msr', 0xff),
      scr: r.int('scr', 0xff),
      divisor: r.int('divisor', 0xffff),
      fifo: r.ints('fifo', 0, UART_FIFO_SIZE, 0xff),
      thrPending: r.bool('thrPending'),
      timeoutPending: r.bool('timeoutPending'),
      timeoutDeadline: r.deadline('timeoutDeadline'),
      irq: r.bool('irq'),
    };
    if ((s.fcr & ~0xc9) !== 0) throw r.fail('fcr', 'has bits that do not stick (only 0xC9 do)');
    this.rbr = s.rbr;
    this.ier = s.ier;
    this.iir = s.iir;
    this.fcr = s.fcr;
    this.lcr = s.lcr;
    this.mcr = s.mcr;
    this.lsr = s.lsr;
    this.msr = s.msr;
    this.scr = s.scr;
    this.divisor = s.divisor;
    this.fifo = [...s.fifo];
    this.thrPending = s.thrPending;
    this.timeoutPending = s.timeoutPending;
    this.timeoutDeadline = s.timeoutDeadline;
    this.irqLevel = s.irq;
    this.triggerLevel = TRIGGER_LEVELS[s.fcr >>> 6];
    this.updateCharTime();
    this.irqLine?.(this.irqLevel);
    this.pullInput();
  }

  private readRbr(): number {
    let value: number;
    if (this.fcr & FCR.FE) {
      value = this.fifo.shift() ?? 0;
      if (this.fifo.length === 0) {
        this.lsr &= ~(LSR.DR | LSR.BI);
        this.timeoutDeadline = Number.POSITIVE_INFINITY;
      } else this.armTimeout();
      this.timeoutPending = false;
    } else {
      value = this.rbr;
      this.lsr &= ~(LSR.DR | LSR.BI);
    }
    this.updateIrq();
    this.pullInput();
    return value;
  }

  private readMsr(): number {
    if (this.mcr & MCR.LOOP) {
      // In loopback the modem outputs feed the inputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD.
      return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
    }
    const value = this.msr;
    if (this.msr & MSR_ANY_DELTA) {
      this.msr &= 0xf0;
      this.updateIrq();
    }
    return value;
  }

  private writeIer(v: number): void {
    const changed = (this.ier ^ v) & 0x0f;
    this.ier = v & 0x0f;
    // Enabling THRI with THR empty raises the THRE interrupt even if IIR was read before
    // (QEMU does this; drivers rely on it).
    if (changed & IER.THRI)
      this.thrPending = (this.ier & IER.THRI) !== 0 && (this.lsr & LSR.THRE) !== 0;
    if (changed) this.updateIrq();
  }

  private writeFcr(value: number): void {
    let v = value;
    if ((v ^ this.fcr) & FCR.FE) v |= FCR.XFR | FCR.RFR;
    if (v & FCR.RFR) {
      this.lsr &= ~(LSR.DR | LSR.BI);
      this.timeoutDeadline = Number.POSITIVE_INFINITY;
      this.timeoutPending = false;
      this.fifo = [];
    }
    if (v & FCR.XFR) {
      this.lsr |= LSR.THRE;
      this.thrPending = true;
    }
    this.fcr = v & 0xc9;
    if (this.fcr & FCR.FE) {
      this.iir |= IIR.FIFO_ENABLED;
      this.triggerLevel = TRIGGER_LEVELS[this.fcr >>> 6];
    } else this.iir &= ~IIR.FIFO_ENABLED;
    this.updateIrq();
    this.pullInput();
  }

  private transmit(byte: number): void {
    if (this.mcr & MCR.LOOP) {
      this.thrPending = true;
      this.lsr |= LSR.THRE | LSR.TEMT;
      this.receiveByte(byte);
      this.updateIrq();
      return;
    }
    this.backend.transmit(byte);
    this.lsr |= LSR.THRE | LSR.TEMT;
    this.thrPending = true;
    this.updateIrq();
  }

  /** Moves host input into the receiver while there is room (or all of it in overrun mode). */
  private pullInput(): void {
    if (this.mcr & MCR.LOOP || this.backend.available === 0) return;
    let received = false;
    if (this.overrun) {
      while (this.backend.available > 0) {
        this.receiveByteQuiet(this.backend.take());
        received = true;
      }
    } else if (this.fcr & FCR.FE) {
      while (this.fifo.length < UART_FIFO_SIZE && this.backend.available > 0) {
        this.fifo.push(this.backend.take());
        received = true;
      }
      if (received) {
        this.lsr |= LSR.DR;
        this.armTimeout();
      }
    } else if (!(this.lsr & LSR.DR)) {
      this.rbr = this.backend.take();
      this.lsr |= LSR.DR;
      received = true;
    }
    if (received) this.updateIrq();
  }

  private receiveByte(byte: number): void {
    this.receiveByteQuiet(byte);
    this.updateIrq();
  }

  /** QEMU's `serial_receive1` for one byte, without the interrupt update. */
  private receiveByteQuiet(byte: number): void {
    if (this.fcr & FCR.FE) {
      this.fifoPut(byte);
      this.lsr |= LSR.DR;
      this.armTimeout();
    } else {
      if (this.lsr & LSR.DR) this.lsr |= LSR.OE;
      this.rbr = byte;
      this.lsr |= LSR.DR;
    }
  }

  /** Receive overruns do not overwrite the FIFO: the new byte is lost and OE is set. */
  private fifoPut(byte: number): void {
    if (this.fifo.length < UART_FIFO_SIZE) this.fifo.push(byte);
    else this.lsr |= LSR.OE;
  }

  private armTimeout(): void {
    this.timeoutDeadline = this.time() + this.charTicks4;
  }

  /**
   * Character time as QEMU computes it (single-precision float arithmetic): start bit, data
   * bits, parity, stop bits at `baudBase / divisor` baud (about 3500 baud for divisor 0). The
   * receive timeout is four character times, rounded up to whole ticks.
   */
  private updateCharTime(): void {
    let frame = 1 + (this.lcr & 0x03) + 5 + (this.lcr & 0x04 ? 2 : 1);
    if (this.lcr & 0x08) frame++;
    const speed = this.divisor === 0 ? 3500 : Math.fround(this.baudBase / this.divisor);
    const ns = Math.trunc(Math.fround(Math.fround(1e9 / speed) * frame));
    this.charTicks4 = Math.ceil((4 * ns) / 100);
  }

  private updateIrq(): void {
    let id: number = IIR.NO_INT;
    if (this.ier & IER.RLSI && this.lsr & LSR_INT_ANY) id = IIR.RLSI;
    else if (this.ier & IER.RDI && this.timeoutPending) id = IIR.CTI;
    else if (
      this.ier & IER.RDI &&
      this.lsr & LSR.DR &&
      (!(this.fcr & FCR.FE) || this.fifo.length >= this.triggerLevel)
    )
      id = IIR.RDI;
    else if (this.ier & IER.THRI && this.thrPending) id = IIR.THRI;
    else if (this.ier & IER.MSI && this.msr & MSR_ANY_DELTA) id = IIR.MSI;
    this.iir = id | (this.iir & 0xf0);
    const level = id !== IIR.NO_INT;
    // A high line is raised again at every re-evaluation, as QEMU's devices do: the PLIC sets
    // the source pending at each raise (see Plic).
    if (level || level !== this.irqLevel) {
      this.irqLevel = level;
      this.irqLine?.(level);
    }
  }
}
