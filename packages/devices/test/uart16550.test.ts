import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { BufferBackend } from '../src/serial-backend.js';
import { FCR, IER, IIR, LCR, LSR, MCR, MSR, UART_REG as R, Uart16550 } from '../src/uart16550.js';
import { accesses, apply, FakeClock, Line } from './support/fakes.js';

function setup(options: { overrun?: boolean } = {}) {
  const clock = new FakeClock();
  const irq = new Line();
  const backend = new BufferBackend();
  const uart = new Uart16550({ backend, irq: irq.set, time: clock.time, ...options });
  return { uart, irq, backend, clock };
}

/** The interrupt IIR would report, without the side effect of reading IIR. */
const iirId = (uart: Uart16550) => uart.snapshot().iir & 0x0f;

describe('Uart16550 registers', () => {
  it('resets like QEMU', () => {
    const { uart, irq } = setup();
    expect(uart.read(R.IER, 1)).toBe(0);
    expect(uart.read(R.IIR, 1)).toBe(IIR.NO_INT);
    expect(uart.read(R.LCR, 1)).toBe(0);
    expect(uart.read(R.MCR, 1)).toBe(MCR.OUT2);
    expect(uart.read(R.LSR, 1)).toBe(LSR.THRE | LSR.TEMT);
    expect(uart.read(R.MSR, 1)).toBe(MSR.DCD | MSR.DSR | MSR.CTS);
    expect(uart.read(R.SCR, 1)).toBe(0);
    uart.write(R.LCR, 1, LCR.DLAB);
    expect(uart.read(R.RBR, 1)).toBe(12);
    expect(uart.read(R.IER, 1)).toBe(0);
    expect(irq.calls).toEqual([]);
    expect(uart.size).toBe(8);
  });

  it('DLAB switches offsets 0 and 1 to the divisor latch', () => {
    const { uart, backend } = setup();
    uart.write(R.LCR, 1, LCR.DLAB | 0x03);
    uart.write(R.RBR, 1, 0x34);
    uart.write(R.IER, 1, 0x12);
    expect(uart.read(R.RBR, 1)).toBe(0x34);
    expect(uart.read(R.IER, 1)).toBe(0x12);
    expect(backend.bytes()).toEqual(new Uint8Array());
    uart.write(R.LCR, 1, 0x03);
    expect(uart.read(R.IER, 1)).toBe(0);
    expect(uart.read(R.LCR, 1)).toBe(0x03);
    uart.write(R.IER, 1, 0xff);
    expect(uart.read(R.IER, 1)).toBe(0x0f);
    uart.write(R.LCR, 1, 0x83);
    expect(uart.read(R.IER, 1)).toBe(0x12);
  });

  it('SCR and MCR store their bits (MCR keeps 5)', () => {
    const { uart } = setup();
    uart.write(R.SCR, 1, 0xa5);
    expect(uart.read(R.SCR, 1)).toBe(0xa5);
    uart.write(R.MCR, 1, 0xff);
    expect(uart.read(R.MCR, 1)).toBe(0x1f);
  });

  it('LSR and MSR writes are ignored', () => {
    const { uart } = setup();
    uart.write(R.LSR, 1, 0);
    uart.write(R.MSR, 1, 0);
    expect(uart.read(R.LSR, 1)).toBe(0x60);
    expect(uart.read(R.MSR, 1)).toBe(0xb0);
  });

  it('wider accesses act on the byte register; offsets ≥ 8 are absent', () => {
    const { uart, backend } = setup();
    uart.write(R.SCR, 4, 0x1234_5678);
    expect(uart.read(R.SCR, 4)).toBe(0x78);
    expect(uart.read(R.SCR, 2)).toBe(0x78);
    uart.write(R.RBR, 4, 0x4142);
    expect(backend.text()).toBe('B');
    uart.write(8, 1, 0x41);
    uart.write(0xff, 1, 0x41);
    expect(uart.read(8, 1)).toBe(0);
    expect(uart.read(0x100 - 4, 4)).toBe(0);
    expect(backend.text()).toBe('B');
  });
});

describe('Uart16550 transmit', () => {
  it('sends bytes to the backend at once with THRE/TEMT set again', () => {
    const { uart, backend } = setup();
    for (const c of 'hi\n') uart.write(R.RBR, 1, c.charCodeAt(0));
    expect(backend.text()).toBe('hi\n');
    expect(uart.read(R.LSR, 1) & (LSR.THRE | LSR.TEMT)).toBe(LSR.THRE | LSR.TEMT);
  });

  it('raises its line again at every re-evaluation while it is high, as QEMU does (the PLIC latches raises)', () => {
    const { uart, irq } = setup();
    uart.write(R.IER, 1, IER.THRI);
    expect(irq.calls).toEqual([true]);
    uart.write(R.IIR, 1, FCR.FE); // an FCR write re-evaluates the line: still high
    expect(irq.calls).toEqual([true, true]);
    uart.write(R.LCR, 1, 0x03); // an LCR write does not re-evaluate it
    uart.write(R.IER, 1, IER.THRI); // nor does an IER write that changes nothing
    expect(irq.calls).toEqual([true, true]);
    uart.write(R.IER, 1, 0);
    expect(irq.calls).toEqual([true, true, false]);
    uart.write(R.IIR, 1, FCR.FE); // low and unchanged: not signalled again
    expect(irq.calls).toEqual([true, true, false]);
  });

  it('THRE interrupt: raised on enabling, cleared by reading IIR, raised again by a write', () => {
    const { uart, irq } = setup();
    uart.write(R.IER, 1, IER.THRI);
    expect(irq.level).toBe(true);
    expect(uart.read(R.IIR, 1)).toBe(IIR.THRI);
    expect(irq.level).toBe(false);
    expect(uart.read(R.IIR, 1)).toBe(IIR.NO_INT);
    uart.write(R.RBR, 1, 0x41);
    expect(irq.level).toBe(true);
    expect(iirId(uart)).toBe(IIR.THRI);
    // Toggling IER.THRI re-arms it.
    uart.write(R.IER, 1, 0);
    expect(irq.level).toBe(false);
    uart.write(R.IER, 1, IER.THRI);
    expect(irq.level).toBe(true);
  });

  it('FCR transmit reset sets the THRE interrupt pending', () => {
    const { uart, irq } = setup();
    uart.write(R.IER, 1, IER.THRI);
    uart.read(R.IIR, 1);
    expect(irq.level).toBe(false);
    uart.write(R.IIR, 1, FCR.XFR);
    expect(irq.level).toBe(true);
  });
});

describe('Uart16550 receive without FIFO', () => {
  it('one byte at a time in RBR; the rest waits in the backend', () => {
    const { uart, backend } = setup();
    backend.receive('abc');
    expect(uart.read(R.LSR, 1) & LSR.DR).toBe(LSR.DR);
    expect(backend.available).toBe(2);
    expect(uart.read(R.RBR, 1)).toBe(0x61);
    expect(uart.read(R.RBR, 1)).toBe(0x62);
    expect(uart.read(R.RBR, 1)).toBe(0x63);
    expect(uart.read(R.LSR, 1) & LSR.DR).toBe(0);
    expect(uart.read(R.RBR, 1)).toBe(0x63); // stale RBR
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(0);
  });

  it('RDI fires at one byte and clears when read', () => {
    const { uart, backend, irq } = setup();
    uart.write(R.IER, 1, IER.RDI);
    expect(irq.level).toBe(false);
    backend.receive([0x55]);
    expect(irq.level).toBe(true);
    expect(iirId(uart)).toBe(IIR.RDI);
    uart.read(R.RBR, 1);
    expect(irq.level).toBe(false);
  });

  it('overrun mode: a second byte before reading sets OE and replaces RBR', () => {
    const { uart, backend, irq } = setup({ overrun: true });
    uart.write(R.IER, 1, IER.RLSI | IER.RDI);
    backend.receive([1, 2]);
    expect(backend.available).toBe(0);
    expect(iirId(uart)).toBe(IIR.RLSI);
    expect(uart.read(R.LSR, 1) & (LSR.OE | LSR.DR)).toBe(LSR.OE | LSR.DR);
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(0); // reading LSR cleared OE
    expect(iirId(uart)).toBe(IIR.RDI);
    expect(uart.read(R.RBR, 1)).toBe(2);
    expect(irq.level).toBe(false);
  });
});

describe('Uart16550 receive with FIFO', () => {
  it('FCR enables the FIFO (IIR bits 7:6) and stores only FE, DMS and the trigger', () => {
    const { uart } = setup();
    uart.write(R.IIR, 1, 0xff);
    expect(uart.read(R.IIR, 1) & 0xc0).toBe(0xc0);
    uart.write(R.IIR, 1, 0);
    expect(uart.read(R.IIR, 1) & 0xc0).toBe(0);
  });

  it('holds 16 bytes; the rest waits in the backend, nothing is lost', () => {
    const { uart, backend } = setup();
    uart.write(R.IIR, 1, FCR.FE);
    const input = Array.from({ length: 40 }, (_, i) => i);
    backend.receive(input);
    expect(uart.receivedCount).toBe(16);
    expect(backend.available).toBe(24);
    const got: number[] = [];
    while (uart.read(R.LSR, 1) & LSR.DR) got.push(uart.read(R.RBR, 1));
    expect(got).toEqual(input);
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(0);
    expect(uart.read(R.RBR, 1)).toBe(0); // empty FIFO reads 0
  });

  for (const [bits, level] of [
    [0x00, 1],
    [0x40, 4],
    [0x80, 8],
    [0xc0, 14],
  ] as const) {
    it(`RDI waits for the trigger level ${level}`, () => {
      const { uart, backend, irq } = setup();
      uart.write(R.IIR, 1, FCR.FE | bits);
      uart.write(R.IER, 1, IER.RDI);
      if (level > 1) {
        backend.receive(new Uint8Array(level - 1));
        expect(irq.level).toBe(false);
        expect(uart.read(R.LSR, 1) & LSR.DR).toBe(LSR.DR);
      }
      backend.receive([7]);
      expect(irq.level).toBe(true);
      expect(iirId(uart)).toBe(IIR.RDI);
      uart.read(R.RBR, 1);
      expect(irq.level).toBe(false);
    });
  }

  it('receive timeout (CTI) fires four character times after the last byte', () => {
    const { uart, backend, irq, clock } = setup();
    // 38400 baud-ish: divisor 10 at baud base 399193, 8N1.
    uart.write(R.LCR, 1, LCR.DLAB | 0x03);
    uart.write(R.RBR, 1, 10);
    uart.write(R.LCR, 1, 0x03);
    uart.write(R.IIR, 1, FCR.FE | 0x80);
    uart.write(R.IER, 1, IER.RDI);
    clock.now = 1000;
    backend.receive('ab');
    expect(irq.level).toBe(false);
    // char time = trunc(f32(f32(1e9 / f32(39919.3)) * 10)) ns; four of them, in 100 ns ticks.
    const speed = Math.fround(399193 / 10);
    const charNs = Math.trunc(Math.fround(Math.fround(1e9 / speed) * 10));
    const deadline = 1000 + Math.ceil((4 * charNs) / 100);
    expect(uart.nextDeadline()).toBe(deadline);
    clock.now = deadline - 1;
    uart.update();
    expect(irq.level).toBe(false);
    clock.now = deadline;
    uart.update();
    expect(irq.level).toBe(true);
    expect(iirId(uart)).toBe(IIR.CTI);
    expect(uart.read(R.RBR, 1)).toBe(0x61);
    expect(irq.level).toBe(false); // reading RBR clears the timeout and re-arms it
    expect(uart.nextDeadline()).toBe(deadline + (deadline - 1000));
    clock.now = uart.nextDeadline();
    uart.update();
    expect(iirId(uart)).toBe(IIR.CTI);
    expect(uart.read(R.RBR, 1)).toBe(0x62);
    expect(uart.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('CTI is masked by IER.RDI', () => {
    const { uart, backend, irq, clock } = setup();
    uart.write(R.IIR, 1, FCR.FE | 0xc0);
    backend.receive('x');
    clock.now = uart.nextDeadline();
    uart.update();
    expect(irq.level).toBe(false);
    uart.write(R.IER, 1, IER.RDI);
    expect(iirId(uart)).toBe(IIR.CTI);
  });

  it('FCR receive reset empties the FIFO and cancels the timeout, then refills from the backend', () => {
    const { uart, backend } = setup();
    uart.write(R.IIR, 1, FCR.FE);
    backend.receive(new Uint8Array(20).fill(9));
    uart.write(R.IIR, 1, FCR.FE | FCR.RFR);
    // 16 dropped by the guest's reset, the 4 waiting ones arrive.
    expect(uart.receivedCount).toBe(4);
    uart.write(R.IIR, 1, FCR.FE | FCR.RFR);
    expect(uart.receivedCount).toBe(0);
    expect(uart.read(R.LSR, 1) & LSR.DR).toBe(0);
    expect(uart.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('toggling FE flushes the FIFO', () => {
    const { uart, backend } = setup();
    uart.write(R.IIR, 1, FCR.FE);
    backend.receive('abc');
    uart.write(R.IIR, 1, 0);
    expect(uart.read(R.LSR, 1) & LSR.DR).toBe(0);
  });

  it('overrun mode: the 17th byte is dropped with OE and a line status interrupt', () => {
    const { uart, backend, irq } = setup({ overrun: true });
    uart.write(R.IIR, 1, FCR.FE);
    uart.write(R.IER, 1, IER.RLSI);
    backend.receive(Array.from({ length: 18 }, (_, i) => i));
    expect(uart.receivedCount).toBe(16);
    expect(irq.level).toBe(true);
    expect(iirId(uart)).toBe(IIR.RLSI);
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(LSR.OE);
    expect(irq.level).toBe(false);
    const got: number[] = [];
    while (uart.read(R.LSR, 1) & LSR.DR) got.push(uart.read(R.RBR, 1));
    expect(got).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });
});

describe('Uart16550 interrupt priority', () => {
  it('IIR reports line status > RX data > THR empty > modem status', () => {
    const { uart, backend } = setup({ overrun: true });
    uart.write(R.IER, 1, IER.RDI | IER.THRI | IER.RLSI | IER.MSI);
    uart.setModemLines({ cts: false, dsr: true, ri: false, dcd: true });
    expect(iirId(uart)).toBe(IIR.THRI);
    backend.receive([1, 2]); // overrun
    expect(iirId(uart)).toBe(IIR.RLSI);
    uart.read(R.LSR, 1);
    expect(iirId(uart)).toBe(IIR.RDI);
    uart.read(R.RBR, 1);
    expect(iirId(uart)).toBe(IIR.THRI);
    expect(uart.read(R.IIR, 1) & 0x0f).toBe(IIR.THRI); // this read clears THRI
    expect(iirId(uart)).toBe(IIR.MSI);
    expect(uart.read(R.MSR, 1)).toBe(MSR.DSR | MSR.DCD | MSR.DCTS);
    expect(iirId(uart)).toBe(IIR.NO_INT);
  });

  it('timeout outranks data available; line status outranks the timeout', () => {
    const { uart, backend, clock } = setup();
    uart.write(R.IIR, 1, FCR.FE | 0xc0);
    uart.write(R.IER, 1, IER.RDI | IER.RLSI);
    backend.receive('q');
    clock.now = uart.nextDeadline();
    uart.update();
    expect(iirId(uart)).toBe(IIR.CTI);
    uart.sendBreak();
    expect(iirId(uart)).toBe(IIR.RLSI);
    expect(uart.read(R.LSR, 1) & (LSR.BI | LSR.DR)).toBe(LSR.BI | LSR.DR);
    expect(iirId(uart)).toBe(IIR.CTI);
  });
});

describe('Uart16550 modem', () => {
  it('MSR deltas follow line changes; TERI only on RI falling', () => {
    const { uart } = setup();
    uart.setModemLines({ cts: true, dsr: true, ri: true, dcd: true });
    expect(uart.read(R.MSR, 1)).toBe(0xf0);
    uart.read(R.MSR, 1);
    uart.setModemLines({ cts: true, dsr: true, ri: false, dcd: true });
    expect(uart.read(R.MSR, 1)).toBe(0xb0 | MSR.TERI);
    uart.setModemLines({ cts: false, dsr: false, ri: false, dcd: false });
    expect(uart.read(R.MSR, 1)).toBe(MSR.DCTS | MSR.DDSR | MSR.DDCD);
    expect(uart.read(R.MSR, 1)).toBe(0);
  });

  it('loopback: MSR mirrors MCR, transmitted bytes are received, host input waits', () => {
    const { uart, backend, irq } = setup();
    uart.write(R.MCR, 1, MCR.LOOP | MCR.RTS | MCR.OUT1);
    expect(uart.read(R.MSR, 1)).toBe(MSR.CTS | MSR.RI);
    uart.write(R.MCR, 1, MCR.LOOP | MCR.DTR | MCR.OUT2);
    expect(uart.read(R.MSR, 1)).toBe(MSR.DSR | MSR.DCD);
    uart.write(R.IER, 1, IER.RDI);
    backend.receive('H');
    expect(uart.read(R.LSR, 1) & LSR.DR).toBe(0);
    uart.write(R.RBR, 1, 0x5a);
    expect(irq.level).toBe(true);
    expect(backend.bytes().length).toBe(0);
    expect(uart.read(R.RBR, 1)).toBe(0x5a);
    uart.write(R.RBR, 1, 1);
    uart.write(R.RBR, 1, 2);
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(LSR.OE);
    expect(uart.read(R.RBR, 1)).toBe(2);
    uart.write(R.MCR, 1, 0);
    expect(uart.read(R.RBR, 1)).toBe(0x48); // host input delivered after loopback ends
  });

  it('loopback with the FIFO: 17 transmitted bytes overrun', () => {
    const { uart } = setup();
    uart.write(R.IIR, 1, FCR.FE);
    uart.write(R.MCR, 1, MCR.LOOP);
    for (let i = 0; i < 17; i++) uart.write(R.RBR, 1, i);
    expect(uart.receivedCount).toBe(16);
    expect(uart.read(R.LSR, 1) & LSR.OE).toBe(LSR.OE);
  });
});

describe('Uart16550 snapshots and options', () => {
  it('snapshot → restore round-trips and re-drives the line', () => {
    const a = setup();
    a.uart.write(R.IIR, 1, FCR.FE | 0x40);
    a.uart.write(R.IER, 1, IER.RDI | IER.THRI);
    a.uart.write(R.SCR, 1, 0x42);
    a.backend.receive('hello');
    const snap = JSON.parse(JSON.stringify(a.uart.snapshot()));
    const b = setup();
    b.uart.restore(snap);
    expect(b.uart.snapshot()).toEqual(a.uart.snapshot());
    expect(b.irq.level).toBe(a.irq.level);
    let text = '';
    while (b.uart.read(R.LSR, 1) & LSR.DR) text += String.fromCharCode(b.uart.read(R.RBR, 1));
    expect(text).toBe('hello');
  });

  it('restore rejects malformed snapshots; bad options are typed errors', () => {
    const { uart } = setup();
    const good = uart.snapshot();
    for (const bad of [
      { ...good, fifo: new Array(17).fill(0) },
      { ...good, ier: 0x10 },
      { ...good, fcr: 0x02 },
      { ...good, timeoutDeadline: 'soon' },
      { ...good, irq: 0 },
      undefined,
    ]) {
      expect(() => uart.restore(bad as never)).toThrow(DeviceError);
    }
    expect(() => new Uart16550({ baudBase: 0 })).toThrow(DeviceError);
  });

  it('defaults: a buffer backend and no clock', () => {
    const uart = new Uart16550();
    uart.write(R.RBR, 1, 0x41);
    expect((uart.backend as BufferBackend).text()).toBe('A');
    expect(uart.name).toBe('uart0');
  });

  const interesting = [0, 1, 2, 3, 4, 5, 6, 7];
  prop.prop([
    accesses(0x100, interesting),
    fc.array(fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.constant(null)), { maxLength: 60 }),
    fc.boolean(),
  ])(
    'random register traffic never throws or loses input; snapshots round-trip',
    (list, inputs, overrun) => {
      const { uart, backend, clock, irq } = setup({ overrun });
      let sent = 0;
      list.forEach((a, i) => {
        const input = inputs[i];
        if (input) {
          backend.receive(input);
          sent += input.length;
        } else clock.advance(5000);
        uart.update();
        for (const v of apply(uart, [a])) expect(v & ~0xff).toBe(0);
        expect(irq.level).toBe((uart.snapshot().iir & 1) === 0);
      });
      if (!overrun && !(uart.read(R.MCR, 1) & MCR.LOOP)) {
        // Whatever the guest did not read or flush is still queued or in the receiver.
        expect(backend.available + uart.receivedCount).toBeLessThanOrEqual(sent);
      }
      const snap = uart.snapshot();
      const other = setup().uart;
      other.restore(JSON.parse(JSON.stringify(snap)));
      expect(other.snapshot()).toEqual(snap);
    },
  );

  prop.prop([
    fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(20)), { maxLength: 30 }),
    fc.constantFrom(0, FCR.FE, FCR.FE | 0xc0),
  ])('input is never lost or reordered, however fast it arrives', (chunks, fcr) => {
    const { uart, backend } = setup();
    uart.write(R.IIR, 1, fcr);
    const sent: number[] = [];
    const got: number[] = [];
    const drain = (n: number) => {
      for (let i = 0; i < n && uart.read(R.LSR, 1) & LSR.DR; i++) got.push(uart.read(R.RBR, 1));
    };
    for (const [bytes, reads] of chunks) {
      backend.receive(bytes);
      sent.push(...bytes);
      drain(reads);
      expect(uart.read(R.LSR, 1) & LSR.OE).toBe(0);
    }
    drain(Number.POSITIVE_INFINITY);
    expect(got).toEqual(sent);
  });
});
