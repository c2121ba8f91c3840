/**
 * Host-side arguments of the machine's API: bad numbers get a MachineError `BAD_ARGUMENT`
 * before anything runs (never a hang, a negative or fractional instruction count, or a
 * wrapped value); good ones are accepted.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { notAnInteger } from '@trapeze/isa/arbitraries';
import { describe, expect, it } from 'vitest';
import { MachineError } from '../src/errors.js';
import { FdtBuilder, writeFdt } from '../src/fdt.js';
import { resetRom } from '../src/reset-rom.js';
import { virtFdt } from '../src/virt-fdt.js';
import { RAM_BASE, VirtMachine } from '../src/virt-machine.js';
import { VirtualClock } from '../src/virtual-clock.js';
import { CORES, type CoreKind } from './support.js';

const SAFE = Number.MAX_SAFE_INTEGER;

function rejects(f: () => unknown, what: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(MachineError);
    expect((error as MachineError).code).toBe('BAD_ARGUMENT');
    expect((error as MachineError).message).toContain(what);
    return;
  }
  expect.unreachable(`${what}: accepted a bad value`);
}

/** A machine whose guest loops forever (`j .`), so only the budget can stop a run. */
function spinning(core?: CoreKind): VirtMachine {
  const machine = new VirtMachine({ ramSize: 0x40_0000, ...(core === undefined ? {} : { core }) });
  machine.loadSegments([{ address: RAM_BASE, bytes: new Uint8Array([0x6f, 0, 0, 0]) }], RAM_BASE);
  return machine;
}

describe.each(CORES)('VirtMachine.run: budget, %s core', (core: CoreKind) => {
  const machine = spinning(core);

  prop.prop([notAnInteger(0, SAFE).filter((v) => v !== Infinity)], { numRuns: 100 })(
    'rejects anything but a non-negative safe integer or Infinity, and runs nothing',
    (budget) => {
      const pc = machine.hart.pc;
      const retired = machine.hart.retired;
      rejects(() => machine.run(budget as number), 'VirtMachine.run: budget');
      expect([machine.hart.pc, machine.hart.retired]).toEqual([pc, retired]);
    },
  );

  prop.prop([fc.integer({ min: 0, max: 2000 })], { numRuns: 30 })(
    'retires exactly a whole budget',
    (budget) => {
      expect(machine.run(budget)).toEqual({ kind: 'budget', code: 0, instructions: budget });
    },
  );

  it('answers the inputs of the bug report', () => {
    for (const budget of [Number.NaN, -5, 1.5]) rejects(() => machine.run(budget), 'budget');
  });

  it('runs with an Infinity budget until the guest stops', () => {
    const passing = new VirtMachine({ core, ramSize: 0x40_0000 });
    // li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0): the finisher's pass.
    const words = [0x001002b7, 0x00005337, 0x55530313, 0x0062a023];
    const bytes = new Uint8Array(new Uint32Array(words).buffer);
    passing.loadSegments([{ address: RAM_BASE, bytes }], RAM_BASE);
    expect(passing.run(Infinity).kind).toBe('pass');
  });
});

describe('device tree and boot ROM arguments', () => {
  const WORD: [number, number] = [-0x8000_0000, 0xffff_ffff];
  const cases: [string, (v: never) => unknown, number, number][] = [
    ['virtFdt: ramBase', (v) => virtFdt({ ramBase: v, ramSize: 0x10_0000 }), 0, SAFE],
    ['virtFdt: ramSize', (v) => virtFdt({ ramBase: RAM_BASE, ramSize: v }), 1, SAFE],
    [
      'writeFdt: bootCpu',
      (v) => writeFdt({ name: '', properties: [], children: [] }, v),
      0,
      0xffff_ffff,
    ],
    ['FdtBuilder.toBlob: bootCpu', (v) => new FdtBuilder().toBlob(v), 0, 0xffff_ffff],
    [
      'device tree cell 1',
      (v) => writeFdt({ name: '', properties: [['reg', [0, v]]], children: [] }),
      ...WORD,
    ],
    ['device tree cell 0', (v) => new FdtBuilder().setProperty('/', 'reg', [v]), ...WORD],
    ['resetRom: entry', (v) => resetRom(v, 0), ...WORD],
    ['resetRom: fdt', (v) => resetRom(0, v), ...WORD],
    ['VirtualClock.skipToNs: ns', (v) => new VirtualClock(() => 0).skipToNs(v), 0, SAFE],
  ];
  for (const [what, f, min, max] of cases) {
    // (A list whose first item is a string is a string list, not cells.)
    const bad = notAnInteger(min, max).filter((v) => typeof v !== 'string');
    prop.prop([bad], { numRuns: 40 })(`${what}: rejects bad values`, (v) =>
      rejects(() => f(v as never), what),
    );
    prop.prop([fc.integer({ min, max: Math.min(max, 2 ** 40) })], { numRuns: 10 })(
      `${what}: accepts ${min}…${max}`,
      (v) => {
        f(v as never);
      },
    );
  }

  it('names a missing or duplicate node with a typed error', () => {
    const fdt = new FdtBuilder();
    rejects(() => fdt.setProperty('/soc', 'x', true), 'no device tree node /soc');
    fdt.addNode('/soc');
    rejects(() => fdt.addNode('/soc'), 'cannot add device tree node /soc');
  });
});

describe('snapshot restore', () => {
  const machine = spinning();
  machine.run(50);
  const base = JSON.parse(JSON.stringify(machine.snapshot()));
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === 'object' && value !== null)
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    if (path.length > 0) paths.push(path);
  };
  walk(base, []);
  const junk = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom<unknown>(
      Number.NaN,
      Infinity,
      -1,
      1.5,
      2 ** 53,
      '',
      'AAAA',
      [],
      {},
      null,
      undefined,
    ),
  );

  prop.prop([fc.array(fc.tuple(fc.constantFrom(...paths), junk), { minLength: 1, maxLength: 3 })], {
    numRuns: 150,
  })('a snapshot with any fields replaced is restored or refused with a MachineError', (edits) => {
    const snapshot = structuredClone(base);
    for (const [path, value] of edits) {
      let parent = snapshot;
      for (const key of path.slice(0, -1))
        parent = typeof parent === 'object' && parent !== null ? parent[key] : undefined;
      if (typeof parent === 'object' && parent !== null)
        parent[path[path.length - 1] as string] = value;
    }
    const target = new VirtMachine({ ramSize: 0x40_0000 });
    try {
      target.restore(snapshot);
      target.run(100);
    } catch (error) {
      expect(error).toBeInstanceOf(MachineError);
    }
  });
});
