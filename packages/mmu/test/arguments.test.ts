/**
 * Host-side arguments of the memory system: numbers out of range get an MmuError
 * `INVALID_ARGUMENT` (never a TypeError, a masked value or a fractional copy), while the guest
 * paths (bus loads and stores, PMP checks) answer any number with a fault, never a throw.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Bus, MmuError, Pmp, pte, Ram, satp } from '../src/index.js';

/** Values that are no integer in any range; each case adds the neighbours of its range. */
const NEVER: unknown[] = [Number.NaN, Infinity, -Infinity, 0.5, 2 ** 53, '1', null, undefined, {}];

function rejects(f: () => unknown, what: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(MmuError);
    expect((error as MmuError).code).toBe('INVALID_ARGUMENT');
    expect((error as MmuError).message).toContain(what);
    return;
  }
  expect.unreachable(`${what}: accepted a bad value`);
}

const ram = new Ram(0x8000_0000, 0x1_0000);
const CASES: [string, (v: never) => unknown, number, number][] = [
  ['pte: ppn', (v) => pte(v, 1), 0, 0x3fffff],
  ['pte: flags', (v) => pte(1, v), 0, 0x3ff],
  ['satp: mode', (v) => satp(v, 0, 0), 0, 1],
  ['satp: asid', (v) => satp(1, v, 0), 0, 0x1ff],
  ['satp: ppn', (v) => satp(1, 0, v), 0, 0x3fffff],
  ['loadBytes address', (v) => ram.loadBytes(v, new Uint8Array(0)), 0, 0xffff_ffff],
  ['readBytes address', (v) => ram.readBytes(v, 0), 0, 0xffff_ffff],
  ['readBytes length', (v) => ram.readBytes(0x8000_0000, v), 0, 0x1_0000],
];

describe('numeric arguments', () => {
  for (const [what, f, min, max] of CASES) {
    const bad = fc
      .oneof(fc.constantFrom(...NEVER, min - 1, max + 1), fc.double(), fc.integer())
      .filter((v) => !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max));
    prop.prop([bad], { numRuns: 40 })(`${what}: rejects values outside the range`, (v) =>
      rejects(() => f(v as never), what),
    );
  }

  prop.prop(
    [fc.oneof(fc.constantFrom(...NEVER), fc.double()).filter((v) => !Number.isInteger(v))],
    { numRuns: 40 },
  )('a PMP CSR address that is not even an integer is named in the error', (v) =>
    rejects(() => new Pmp().readCsr(v as number), 'is not pmpcfg0-3 or pmpaddr0-15'),
  );

  it('accepts the ends of the ranges', () => {
    expect(pte(0x3fffff, 0x3ff)).toBe(0xffff_ffff);
    expect(satp(1, 0x1ff, 0x3fffff)).toBe(0xffff_ffff);
    expect(ram.readBytes(0x8000_0000, 0x1_0000)).toHaveLength(0x1_0000);
  });

  it('refuses a loadBytes source that is not a Uint8Array', () => {
    rejects(() => ram.loadBytes(0x8000_0000, [1, 2] as never), 'loadBytes takes a Uint8Array');
  });
});

describe('guest paths', () => {
  const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0x8000_0000, 0x8000_fffc));
  prop.prop(
    [fc.array(fc.tuple(fc.boolean(), anyNumber, anyNumber, anyNumber), { maxLength: 40 })],
    {
      numRuns: 200,
    },
  )('bus loads, stores and PMP checks of any number fault or succeed, never throw', (accesses) => {
    const bus = new Bus();
    bus.mapRam(new Ram(0x8000_0000, 0x1_0000));
    const pmp = new Pmp();
    for (const [store, paddr, size, value] of accesses) {
      if (store) bus.store(paddr, size as 1, value);
      else expect(typeof bus.load(paddr, size as 1)).toBe('number');
      expect(typeof pmp.check(paddr, size, 'read', 'U')).toBe('boolean');
    }
  });
});
