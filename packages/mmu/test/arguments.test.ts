/**
 * Host-side arguments of the memory system: numbers out of range get an MmuError
 * `INVALID_ARGUMENT` (never a TypeError, a masked value or a fractional copy), while the guest
 * paths (bus loads and stores, PMP checks) answer any number with a fault, never a throw.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Privilege } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import {
  Bus,
  MmuError,
  Pmp,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_V,
  PTE_W,
  PTE_X,
  pmpPageBit,
  pte,
  Ram,
  satp,
} from '../src/index.js';
import { machine, RAM_BASE } from './support/machine.js';

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
      expect(typeof pmp.check(paddr, size, ACCESS_LOAD, Privilege.U)).toBe('boolean');
    }
  });
});

describe('access kinds and privilege levels', () => {
  // isa's codes: access 0 (fetch), 1 (load), 2 (store); privilege 0 (U), 1 (S), 3 (M). Anything
  // else — the string codes of @trapeze/mmu 0.1 included — is host misuse.
  const OLD = ['read', 'write', 'exec', 'M', 'S', 'U'];
  const badAccess = fc
    .oneof(fc.constantFrom(...NEVER, ...OLD, -1, 3, 1.5), fc.double(), fc.integer())
    .filter((v) => v !== ACCESS_FETCH && v !== ACCESS_LOAD && v !== ACCESS_STORE);
  const badPrivilege = fc
    .oneof(fc.constantFrom(...NEVER, ...OLD, -1, 2, 4, 0.5), fc.double(), fc.integer())
    .filter((v) => v !== Privilege.U && v !== Privilege.S && v !== Privilege.M);
  const goodAccess = fc.constantFrom(ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE);
  const goodPrivilege = fc.constantFrom(Privilege.U, Privilege.S, Privilege.M);
  /** A bad access with a good privilege, or a good access with a bad privilege. */
  const badPair = fc.oneof(
    fc.tuple(badAccess, goodPrivilege).map(([a, p]) => ({ a, p, what: 'access must be' })),
    fc.tuple(goodAccess, badPrivilege).map(([a, p]) => ({ a, p, what: 'privilege must be' })),
  );

  const VA = 0x0040_0000;
  /** A board with VA mapped RWX (A and D set) for S-mode, its translation cached in the TLB. */
  function warm() {
    const m = machine();
    m.map(VA, RAM_BASE / 4096 + 2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    for (const access of [ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE] as const)
      expect(m.mmu.translateFast(VA, access, Privilege.S, m.sv32(), false, false)).toBe(0x2000);
    return m;
  }

  prop.prop([badPair], { numRuns: 60 })(
    'Mmu.translateFast refuses them on every path: bare, TLB hit, TLB miss, fault',
    ({ a, p, what }) => {
      const m = warm();
      const paths: [number, number][] = [
        [RAM_BASE, 0], // bare
        [VA, m.sv32()], // a TLB hit
        [0x1000_0000, m.sv32()], // a TLB miss whose walk would fault
      ];
      for (const [vaddr, s] of paths)
        rejects(
          () => m.mmu.translateFast(vaddr, a as never, p as never, s, false, false),
          `Mmu.translateFast: ${what}`,
        );
    },
  );

  prop.prop([badPair], { numRuns: 40 })(
    'Mmu.translate, Mmu.walk, Pmp.check and pmpPageBit refuse them',
    ({ a, p, what }) => {
      const m = warm();
      rejects(() => m.mmu.translate(VA, a as never, p as never, 0, false, false), 'Mmu.translate');
      rejects(
        () => m.mmu.translate(VA, a as never, p as never, m.sv32(), false, false),
        `Mmu.translate: ${what}`,
      );
      rejects(
        () => m.mmu.walk(VA, a as never, p as never, m.sv32(), false, false),
        `Mmu.walk: ${what}`,
      );
      rejects(() => m.pmp.check(RAM_BASE, 4, a as never, p as never), `Pmp.check: ${what}`);
      rejects(() => new Pmp().check(RAM_BASE, 4, a as never, p as never), 'Pmp.check');
      rejects(() => pmpPageBit(a as never, p as never), `pmpPageBit: ${what}`);
    },
  );

  it('a TLB miss with a bad code is refused before the walk writes A or D', () => {
    const m = machine();
    const leaf = m.map(VA, RAM_BASE / 4096 + 2, PTE_V | PTE_R | PTE_W);
    rejects(
      () => m.mmu.translateFast(VA, 'write' as never, Privilege.S, m.sv32(), false, false),
      'Mmu.translateFast: access must be ACCESS_FETCH (0), ACCESS_LOAD (1) or ACCESS_STORE (2) from @trapeze/isa, got "write"',
    );
    rejects(
      () => m.mmu.translateFast(VA, ACCESS_STORE, 2 as never, m.sv32(), false, false),
      'Mmu.translateFast: privilege must be Privilege.U (0), Privilege.S (1) or Privilege.M (3) from @trapeze/isa, got 2',
    );
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(0);
    expect(m.mmu.translateFast(VA, ACCESS_STORE, Privilege.S, m.sv32(), false, false)).toBe(0x2000);
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
  });
});
