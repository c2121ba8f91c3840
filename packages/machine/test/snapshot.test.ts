/**
 * Machine snapshots: a snapshot taken mid-run (paging, timer interrupts, console output) and
 * restored through JSON into a fresh machine runs on exactly as the original, whichever core
 * took it and whichever core it is restored into; a snapshot holds no translated code (it is the
 * same whatever the core), and a translator restored over other code never runs that code's
 * translations; bad snapshots are refused with `BAD_SNAPSHOT` and leave the machine as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MachineError } from '../src/errors.js';
import type { MachineSnapshot } from '../src/machine-snapshot.js';
import { VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, elfOf, guestState, LIBRARY, memoize } from './support.js';

const IMAGES = new URL('../../../guests/images/', import.meta.url).pathname;
const OS = new Uint8Array(readFileSync(join(IMAGES, 'os.elf')));
/** Other code at the same addresses as the OS's. */
const COMPUTE = new Uint8Array(readFileSync(join(IMAGES, 'compute-bare-small.elf')));

/** The OS with its workloads, run for `instructions` on `core`. */
function osAfter(
  instructions: number,
  core?: CoreKind,
): { machine: VirtMachine; serial: BufferBackend } {
  const serial = new BufferBackend();
  const machine = new VirtMachine({
    serial,
    bootargs: 'run=all',
    ...(core === undefined ? {} : { core }),
  });
  machine.loadElf(OS);
  expect(machine.run(instructions).kind).toBe('budget');
  return { machine, serial };
}

/** What the guest could observe: hart, CSRs and time. */
function observable(m: VirtMachine) {
  return { hart: m.hart.snapshot(), csr: m.hart.csr.snapshot(), ns: m.clock.ns };
}

const text = (b: BufferBackend) => Buffer.from(b.bytes()).toString('latin1');

/** Where the OS is stopped for the snapshot: mid-workload, with translated code cached. */
const MID_RUN = 3_000_000;

/**
 * The OS run on `core` to {@link MID_RUN}, snapshotted (through JSON), then run on to its end:
 * the snapshot and the original's state at it and at the end. Made once per core; every
 * restoring core compares with it.
 */
const original = memoize((core: CoreKind) => {
  const { machine, serial } = osAfter(MID_RUN, core);
  const cached = machine.core.statistics().blocksCached;
  const json = JSON.stringify(machine.snapshot());
  const atSnapshot = guestState(machine);
  const printed = text(serial).length;
  const exit = machine.run(200_000_000);
  return {
    json,
    /** Blocks in the translation cache just before the snapshot. */
    cached,
    atSnapshot,
    exit,
    end: guestState(machine),
    /** The console after the snapshot. */
    console: text(serial).slice(printed),
  };
});

/** Every key path of a JSON value (array indices left out): the shape of a snapshot. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${path}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    `${path}.${key}`,
    ...keyPaths(inner, `${path}.${key}`),
  ]);
}

describe('machine snapshots across cores', () => {
  it('hold no translated code: taken at the same point, they are the same on both cores', () => {
    const [interpreted, translated] = [original('interpreter'), original('translator')];
    // The translator had code in its cache when it was snapshotted; the interpreter none.
    expect(translated.cached).toBeGreaterThan(0);
    expect(interpreted.cached).toBe(0);
    const [a, b] = [JSON.parse(interpreted.json), JSON.parse(translated.json)];
    expect(new Set(keyPaths(b))).toEqual(new Set(keyPaths(a)));
    expect(keyPaths(b).filter((key) => /block|transl|cache|jit/i.test(key))).toEqual([]);
    expect(b).toEqual(a);
    // Sparse: only pages in use (the OS, its page tables, the device tree).
    expect(Object.keys(a.ram).length).toBeLessThan(1000);
    expect(Object.keys(a.ram).length).toBeGreaterThan(10);
    // And the two originals went on alike.
    expect(translated.exit).toEqual(interpreted.exit);
    expect(translated.end).toEqual(interpreted.end);
    expect(translated.console).toBe(interpreted.console);
  }, 120_000);

  describe.each(CORES)('taken mid-workload on the %s core', (from: CoreKind) => {
    it.each(CORES)(
      'restore into a fresh %s machine that runs on exactly as the original',
      (to) => {
        const reference = original(from);
        const snapshot = JSON.parse(reference.json) as MachineSnapshot;
        const copySerial = new BufferBackend();
        const copy = new VirtMachine({ core: to, serial: copySerial, bootargs: 'run=all' });
        copy.restore(snapshot);
        expect(guestState(copy)).toEqual(reference.atSnapshot);
        expect(copy.snapshot()).toEqual(snapshot);
        const exit = copy.run(200_000_000);
        expect(exit).toEqual(reference.exit);
        expect(exit.kind).toBe('pass');
        // Registers, CSRs, instret, virtual time and RAM; the console after the snapshot.
        expect(guestState(copy)).toEqual(reference.end);
        expect(text(copySerial)).toBe(reference.console);
        expect(text(copySerial)).toContain('compute');
        if (to === 'translator') expect(copy.core.statistics().blocksTranslated).toBeGreaterThan(0);
      },
      120_000,
    );
  });
});

/** Counts `a0` up by `step`, 20,000 times (no compressed instructions), prints it and passes. */
const counter = (step: number) => `
    .option norvc
_start:
    la sp, stack
    li a0, 0
    li a1, 20000
loop:
    addi a0, a0, ${step}
    addi a1, a1, -1
    bnez a1, loop
    call puthex
    j pass
${LIBRARY}
    .bss
    .zero 256
stack:
`;

describe.each(CORES)('machine snapshots restored over other code on the %s core', (core) => {
  it('run on as the original, never running the other code (same addresses, translated)', () => {
    // The snapshot: the counter by 3, stopped in its loop.
    const source = new VirtMachine({ core: 'interpreter', ramSize: 1 << 20 });
    source.loadElf(elfOf(counter(3)));
    expect(source.run(30_000).kind).toBe('budget');
    const snapshot = JSON.parse(JSON.stringify(source.snapshot())) as MachineSnapshot;
    // The target ran the counter by 1 (its loop at the same addresses, translated and hot)
    // into the same point of its loop.
    const targetSerial = new BufferBackend();
    const target = new VirtMachine({ core, serial: targetSerial, ramSize: 1 << 20 });
    target.loadElf(elfOf(counter(1)));
    expect(target.run(30_000).kind).toBe('budget');
    expect(target.hart.pc).toBe(source.hart.pc);
    if (core === 'translator') expect(target.core.statistics().blocksCached).toBeGreaterThan(0);
    target.restore(snapshot);
    expect(target.snapshot()).toEqual(snapshot);
    // The reference: the snapshot on the interpreter.
    const referenceSerial = new BufferBackend();
    const reference = new VirtMachine({
      core: 'interpreter',
      serial: referenceSerial,
      ramSize: 1 << 20,
    });
    reference.restore(snapshot);
    expect(target.run(1_000_000)).toEqual(reference.run(1_000_000));
    expect(guestState(target)).toEqual(guestState(reference));
    expect(text(targetSerial)).toBe(text(referenceSerial));
    expect(text(referenceSerial)).toBe(`${(3 * 20000).toString(16).padStart(8, '0')}\n`);
  });

  it('run the OS on as the original after a bare-metal program ran at its addresses', () => {
    const reference = original('interpreter');
    const snapshot = JSON.parse(reference.json) as MachineSnapshot;
    const serial = new BufferBackend();
    const other = new VirtMachine({ core, serial, bootargs: 'run=all' });
    other.loadElf(COMPUTE);
    expect(other.run(2_000_000).kind).toBe('budget');
    if (core === 'translator') expect(other.core.statistics().blocksCached).toBeGreaterThan(0);
    const printed = text(serial).length;
    other.restore(snapshot);
    expect(other.snapshot()).toEqual(snapshot);
    expect(other.run(200_000_000)).toEqual(reference.exit);
    expect(guestState(other)).toEqual(reference.end);
    expect(text(serial).slice(printed)).toBe(reference.console);
  }, 120_000);
});

describe('machine snapshots', () => {
  it('refuse bad snapshots with BAD_SNAPSHOT and leave the machine unchanged', () => {
    const { machine } = osAfter(500_000);
    const good = machine.snapshot();
    const target = new VirtMachine();
    target.loadElf(OS);
    target.run(10_000);
    const unchanged = target.snapshot();
    const cases: [unknown, RegExp][] = [
      [null, /snapshot must be an object/],
      [{ ...good, format: 'qemu' }, /format/],
      [{ ...good, version: 2 }, /version is 2/],
      [{ ...good, ramSize: 1 << 20 }, /ramSize/],
      [{ ...good, hart: { ...good.hart, x: [1, 2] } }, /hart\.x/],
      [{ ...good, hart: { ...good.hart, privilege: 2 } }, /hart\.privilege/],
      [{ ...good, hart: { ...good.hart, reservationValue: 2 ** 31 } }, /hart\.reservationValue/],
      [{ ...good, csr: { ...good.csr, mstatus: -1 } }, /csr\.mstatus/],
      [{ ...good, pmp: { ...good.pmp, cfg: [] } }, /pmp\.cfg/],
      [{ ...good, rom: 'AAAA' }, /rom/],
      [{ ...good, ram: { ...good.ram, '8000000': good.rom } }, /ram\.8000000/],
      [{ ...good, ram: { ...good.ram, '10': good.rom } }, /ram\.10/],
      [{ ...good, ram: { 0: 'not base64!' } }, /ram\.0/],
      // A device's own check (after the machine's): the machine is put back.
      [{ ...good, clint: { ...good.clint, mtimecmp: 'soon' } }, /mtimecmp/],
      [{ ...good, uart: 7 }, /uart/],
    ];
    for (const [bad, message] of cases) {
      let error: unknown;
      try {
        target.restore(bad);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(MachineError);
      expect((error as MachineError).code).toBe('BAD_SNAPSHOT');
      expect((error as MachineError).message).toMatch(message);
      expect(target.snapshot()).toEqual(unchanged);
    }
  }, 60_000);

  it('restore an older snapshot without the LR value with no reservation (an SC may always fail)', () => {
    const { machine } = osAfter(10_000);
    const saved = machine.snapshot();
    const older = { ...saved, hart: { ...saved.hart, reservation: 0x8000_1000 } };
    delete (older.hart as { reservationValue?: number }).reservationValue;
    const target = new VirtMachine();
    target.restore(older);
    expect(target.hart.reservation).toBe(-1);
    target.restore({
      ...saved,
      hart: { ...saved.hart, reservation: 0x8000_1000, reservationValue: -5 },
    });
    expect([target.hart.reservation, target.hart.reservationValue]).toEqual([0x8000_1000, -5]);
  });

  it('keep 64-bit counters exact, whatever the guest wrote to them', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const csr = machine.hart.csr;
    csr.writeRaw(0xb00, 0xffff_fff0); // mcycle
    csr.writeRaw(0xb80, 0xffff_ffff); // mcycleh
    csr.writeRaw(0xb02, 7); // minstret
    expect(csr.readRaw(0xb80)).toBe(0xffff_ffff);
    expect(csr.readRaw(0xb00)).toBe(0xffff_fff0);
    expect(csr.readRaw(0xb02)).toBe(7);
    const copy = new VirtMachine({ ramSize: 0x10000 });
    copy.restore(JSON.parse(JSON.stringify(machine.snapshot())));
    for (const n of [0xb00, 0xb80, 0xb02, 0xb82])
      expect(copy.hart.csr.readRaw(n), n.toString(16)).toBe(csr.readRaw(n));
  });

  it('keep a claimed interrupt claimed: the PLIC is restored after the lines that feed it', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const uartIrq = 10;
    machine.plic.write(4 * uartIrq, 4, 1); // priority
    machine.plic.write(0x2000, 4, 1 << uartIrq); // enabled for context 0 (M)
    machine.uart.write(1, 1, 0x02); // IER.THRI: the transmitter is empty, the line goes high
    expect(machine.plic.read(0x1000, 4) & (1 << uartIrq)).not.toBe(0);
    expect(machine.plic.read(0x20_0004, 4)).toBe(uartIrq); // claim
    expect(machine.plic.read(0x1000, 4) & (1 << uartIrq)).toBe(0);
    const snapshot = machine.snapshot();
    const copy = new VirtMachine({ ramSize: 0x10000 });
    copy.restore(snapshot);
    expect(copy.plic.read(0x1000, 4)).toBe(machine.plic.read(0x1000, 4));
    expect(copy.snapshot()).toEqual(snapshot);
  });

  it('keep fw-cfg, flash and PCI state; restore those of older snapshots (without them) reset', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const bus = machine.bus;
    bus.store(0x1010_0008, 2, 0x1900); // fw-cfg: the directory, 2 bytes read
    bus.load(0x1010_0000, 2);
    bus.store(0x2000_0100, 4, 0x40); // flash0: program a word, then read status
    bus.store(0x2000_0100, 4, 0xcafef00d);
    bus.store(0x2200_0000, 4, 0x98); // flash1: CFI query
    bus.store(0x3000_0004, 2, 0x0006); // PCI: memory space and bus master on
    const saved = JSON.parse(JSON.stringify(machine.snapshot())) as MachineSnapshot;
    const copy = new VirtMachine({ ramSize: 0x10000 });
    copy.restore(saved);
    expect(copy.snapshot()).toEqual(saved);
    expect(copy.bus.load(0x1010_0000, 2)).toBe(0x0300); // bytes 2, 3 of the count (3)
    expect(copy.bus.load(0x2000_0000, 4)).toBe(0x00800080);
    expect(copy.bus.load(0x2200_0040, 4)).toBe(0x00510051);
    expect(copy.bus.load(0x3000_0004, 4)).toBe(6);
    copy.bus.store(0x2000_0000, 4, 0xff);
    expect(copy.bus.load(0x2000_0100, 4)).toBe(0xcafef00d);
    const { fwCfg: _f, flash: _l, pci: _p, ...older } = saved;
    copy.restore(older);
    expect(copy.bus.load(0x2000_0100, 4)).toBe(0);
    expect(copy.bus.load(0x2200_0040, 4)).toBe(0);
    expect(copy.bus.load(0x3000_0004, 4)).toBe(0);
    expect(copy.bus.load(0x1010_0000, 4)).toBe(0x554d4551);
    expect(() => copy.restore({ ...saved, flash: [saved.flash?.[0]] })).toThrow(/flash/);
    expect(() => copy.restore({ ...saved, pci: { ...saved.pci, command: 0x8000 } })).toThrow(
      MachineError,
    );
  });

  it('take no input from the host when a device refuses its part', () => {
    const serial = new BufferBackend();
    serial.receive('abc');
    const machine = new VirtMachine({ ramSize: 0x10000, serial });
    const good = machine.snapshot();
    const available = serial.available;
    expect(() => machine.restore({ ...good, rtc: { ...good.rtc, alarm: 'x' } })).toThrow(
      MachineError,
    );
    expect(serial.available).toBe(available);
    expect(machine.snapshot()).toEqual(good);
  });

  it('never throw anything but a MachineError on a mangled snapshot', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const good = machine.snapshot() as unknown as Record<string, unknown>;
    const keys = Object.keys(good);
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.oneof(fc.anything(), fc.constant(undefined)),
        (key, value) => {
          const target = new VirtMachine({ ramSize: 0x10000 });
          const before = target.snapshot();
          try {
            target.restore({ ...good, [key]: value });
          } catch (error) {
            expect(error).toBeInstanceOf(MachineError);
            expect(target.snapshot()).toEqual(before);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each(CORES)(
    'keep the debug triggers: armed triggers fire after a restore as in the original (%s core)',
    (core) => {
      // Trigger 0 on the execution of \`target\`, trigger 1 on loads of \`data\`; the handler
      // counts breakpoints in s1 and skips. The snapshot is taken with both armed.
      const elf = elfOf(`
      .option norvc
    _start:
      la t0, handler
      csrw mtvec, t0
      la t0, target
      csrw tdata2, t0
      li t0, 0x20000044
      csrw tdata1, t0
      li t0, 1
      csrw tselect, t0
      la t0, data
      csrw tdata2, t0
      li t0, 0x60010041
      csrw tdata1, t0
      nop
      nop
      nop
      nop
      nop
      nop
      nop
      nop
      nop
      nop
    target:
      addi a0, a0, 1
      la t0, data
      lw a1, 0(t0)
      li t0, 0x100000
      li t1, 0x5555
      sw t1, 0(t0)
    1: j 1b
      .balign 4
    handler:
      addi s1, s1, 1
      csrr t0, mepc
      addi t0, t0, 4
      csrw mepc, t0
      mret
      .data
    data: .word 7
    `);
      const machine = new VirtMachine({ core, ramSize: 1 << 20 });
      machine.loadElf(elf);
      expect(machine.run(30).kind).toBe('budget'); // both armed, target not reached yet
      const snapshot = JSON.parse(JSON.stringify(machine.snapshot())) as MachineSnapshot;
      expect(snapshot.csr.triggers).toMatchObject({
        select: 1,
        tdata1: [0x2000_0044, 0x6001_0041],
      });
      const copy = new VirtMachine({ core, ramSize: 1 << 20 });
      copy.restore(snapshot);
      expect(copy.snapshot()).toEqual(snapshot);
      for (const m of [machine, copy]) {
        expect(m.run(1000).kind).toBe('pass');
        // Two breakpoints; neither the addi nor the load happened (a1 keeps the device tree).
        expect([m.hart.get(9), m.hart.get(10)]).toEqual([2, 0]);
        expect(m.hart.get(11)).not.toBe(7);
      }
      expect(observable(copy)).toEqual(observable(machine));
      // A snapshot written before triggers existed restores them reset; bad values are refused.
      const { triggers: _, ...csr } = snapshot.csr;
      const old = new VirtMachine({ ramSize: 1 << 20 });
      old.restore({ ...snapshot, csr });
      expect(old.hart.csr.snapshot().triggers).toEqual({
        select: 0,
        tdata1: [0x2000_0000, 0x2000_0000],
        tdata2: [0, 0],
      });
      const triggers = snapshot.csr.triggers as NonNullable<MachineSnapshot['csr']['triggers']>;
      for (const [bad, message] of [
        [{ ...triggers, select: 2 }, /csr\.triggers\.select/],
        [{ ...triggers, tdata1: [0x3000_0000, 0x2000_0000] }, /csr\.triggers\.tdata1\[0\]/],
        [{ ...triggers, tdata1: [0x2000_0020, 0x2000_0000] }, /csr\.triggers\.tdata1\[0\]/],
        [{ ...triggers, tdata2: [0] }, /csr\.triggers\.tdata2/],
        [7, /csr\.triggers must be an object/],
      ] as const) {
        const target = new VirtMachine({ ramSize: 1 << 20 });
        const before = target.snapshot();
        expect(() => target.restore({ ...snapshot, csr: { ...csr, triggers: bad } })).toThrow(
          message,
        );
        expect(target.snapshot()).toEqual(before);
      }
    },
  );
});
