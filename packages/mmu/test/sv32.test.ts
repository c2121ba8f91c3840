import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PTE_D, PTE_R, PTE_V, pte, satp, satpAsid, satpMode, satpPpn } from '../src/index.js';

describe('sv32 helpers', () => {
  it('builds PTEs and satp values', () => {
    expect(pte(0x80000, PTE_V | PTE_R)).toBe(0x2000_0003);
    expect(pte(0x3fffff, PTE_D)).toBe(0xffff_fc80);
    expect(satp(1, 5, 0x80100)).toBe(0x8148_0100);
    expect(satp(0, 0, 0)).toBe(0);
  });

  test.prop([
    fc.constantFrom<0 | 1>(0, 1),
    fc.integer({ min: 0, max: 511 }),
    fc.integer({ min: 0, max: 0x3fffff }),
  ])('satp fields round-trip', (mode, asid, ppn) => {
    const v = satp(mode, asid, ppn);
    expect([satpMode(v), satpAsid(v), satpPpn(v)]).toEqual([mode, asid, ppn]);
    expect([satpMode(v | 0), satpAsid(v | 0), satpPpn(v | 0)]).toEqual([mode, asid, ppn]);
  });
});
