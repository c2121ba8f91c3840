/**
 * Host-side arguments of the device models: numbers out of range, time sources that return
 * anything but virtual time, and input of the wrong kind get a DeviceError with a code; guest
 * (MMIO) accesses of any offset, width and value never throw.
 */
import { fc, it as prop } from '@fast-check/vitest';
import type { AccessSize, MmioDevice } from '@trapeze/mmu';
import { describe, expect, it } from 'vitest';
import {
  BufferBackend,
  Clint,
  DeviceError,
  GoldfishRtc,
  Plic,
  TerminalBackend,
  TestFinisher,
  Uart16550,
  VirtioMmioSlot,
} from '../src/index.js';

/** Anything but an integer in `min…max`: values of every type, doubles, and the range's neighbours. */
const notAnInteger = (min: number, max: number) =>
  fc
    .oneof(fc.anything(), fc.double(), fc.constantFrom(Number.NaN, min - 1, max + 1, min + 0.5))
    .filter((v) => typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max);

function rejects(f: () => unknown, code: DeviceError['code'], what: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe(code);
    expect((error as DeviceError).message).toContain(what);
    return;
  }
  expect.unreachable(`${what}: accepted a bad value`);
}

const output = { write: () => true };
const CASES: [string, DeviceError['code'], (v: never) => unknown, number, number][] = [
  ['interrupt source', 'BAD_ARGUMENT', (v) => new Plic().line(v), 1, 95],
  ['interrupt source', 'BAD_ARGUMENT', (v) => new Plic().setSourceLevel(v, true), 1, 95],
  ['source', 'BAD_ARGUMENT', (v) => new Plic().isPending(v), 0, 95],
  ['source', 'BAD_ARGUMENT', (v) => new Plic().isClaimed(v), 0, 95],
  ['context', 'BAD_ARGUMENT', (v) => new Plic().outputLevel(v), 0, 1],
  ['context', 'BAD_ARGUMENT', (v) => new Plic().claim(v), 0, 1],
  ['context', 'BAD_ARGUMENT', (v) => new Plic().complete(v, 1), 0, 1],
  ['baudBase', 'BAD_OPTION', (v) => new Uart16550({ baudBase: v }), 1, 0xffff_ffff],
  [
    'bufferSize',
    'BAD_OPTION',
    (v) => new TerminalBackend({ output, bufferSize: v }),
    1,
    0x100_0000,
  ],
  ['transmitted byte', 'BAD_ARGUMENT', (v) => new BufferBackend().transmit(v), 0, 255],
  ['transmitted byte', 'BAD_ARGUMENT', (v) => new TerminalBackend({ output }).transmit(v), 0, 255],
  ['is not a byte', 'BAD_ARGUMENT', (v) => new BufferBackend().receive([v]), 0, 255],
];

describe('numeric arguments', () => {
  for (const [what, code, f, min, max] of CASES) {
    // (An option of null or undefined takes the default.)
    const bad = notAnInteger(min, max).filter((v) => code !== 'BAD_OPTION' || v != null);
    prop.prop([bad], { numRuns: 40 })(`${what}: rejects values outside ${min}…${max}`, (v) =>
      rejects(() => f(v as never), code, what),
    );
    prop.prop([fc.integer({ min, max: Math.min(max, 0x10_0000) })], { numRuns: 15 })(
      `${what}: accepts ${min}…${max}`,
      (v) => {
        f(v as never);
      },
    );
  }

  it('rejects serial input of the wrong kind and mtime values that are not bigints', () => {
    for (const input of [5, null, undefined, {}, new Set([1])])
      rejects(() => new BufferBackend().receive(input as never), 'BAD_ARGUMENT', 'input must be');
    const clint = new Clint({ time: () => 0 });
    rejects(() => clint.setMtime(5 as never), 'BAD_ARGUMENT', 'mtime must be a bigint');
    rejects(() => clint.setMtimecmp('5' as never), 'BAD_ARGUMENT', 'mtimecmp must be a bigint');
  });
});

describe('time sources', () => {
  const bad = fc.constantFrom<unknown>(
    Number.NaN,
    -1,
    1.5,
    Infinity,
    2 ** 53,
    '3',
    undefined,
    null,
  );

  prop.prop([bad], { numRuns: 30 })(
    'a time source that returns a bad value is a BAD_OPTION when read',
    (now) => {
      let value: unknown = 0;
      const time = () => value as number;
      const clint = new Clint({ time, nanoseconds: time });
      const rtc = new GoldfishRtc({ time });
      const uart = new Uart16550({ time });
      value = now;
      rejects(() => clint.read(0xbff8, 4), 'BAD_OPTION', 'time() returned');
      rejects(() => clint.update(), 'BAD_OPTION', 'nanoseconds() returned');
      rejects(() => rtc.read(0, 4), 'BAD_OPTION', 'time() returned');
      rejects(
        () => {
          uart.write(0, 1, 0x41);
          uart.update();
        },
        'BAD_OPTION',
        'time() returned',
      );
    },
  );

  it('a time source that is not a function is a BAD_OPTION', () => {
    rejects(() => new Clint({ time: 5 as never }), 'BAD_OPTION', 'option time must be a function');
  });
});

describe('MMIO accesses', () => {
  const devices = (): MmioDevice[] => [
    new Clint({ time: () => 7 }),
    new Plic(),
    new Uart16550(),
    new GoldfishRtc({ time: () => 7 }),
    new TestFinisher(),
    new VirtioMmioSlot(),
  ];
  const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.integer({ min: 0, max: 0x400_0000 }));

  prop.prop(
    [fc.array(fc.tuple(fc.boolean(), anyNumber, anyNumber, anyNumber), { maxLength: 30 })],
    {
      numRuns: 200,
    },
  )('never throw, whatever the offset, width and value', (accesses) => {
    for (const device of devices()) {
      for (const [write, offset, size, value] of accesses) {
        if (write) device.write(offset, size as AccessSize, value);
        else expect(typeof device.read(offset, size as AccessSize)).toBe('number');
      }
    }
  });
});
