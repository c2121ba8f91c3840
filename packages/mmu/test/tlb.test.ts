import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MmuError, Tlb } from '../src/index.js';

describe('Tlb', () => {
  it('rejects sizes that are not powers of two', () => {
    expect(() => new Tlb(3)).toThrow(MmuError);
    expect(() => new Tlb(0)).toThrow(MmuError);
    expect(new Tlb(1).mask).toBe(0);
  });

  it('looks entries up by VPN and ASID, global ones under any ASID', () => {
    const tlb = new Tlb(16);
    tlb.insert(0x12345, 3, false, false, 0xcf, 0x80000, 0, 0);
    tlb.insert(0x12346, 3, true, false, 0xcf, 0x80001, 0x1000, 0);
    expect(tlb.lookup(0x12345, 3)).toBe(5);
    expect(tlb.lookup(0x12345, 4)).toBe(-1);
    expect(tlb.lookup(0x12355, 3)).toBe(-1); // same slot, other tag
    expect(tlb.lookup(0x12346, 400)).toBe(6);
    expect(tlb.count()).toBe(2);
  });

  it('implements the four SFENCE.VMA forms', () => {
    const fill = () => {
      const tlb = new Tlb(16);
      tlb.insert(0x13, 1, false, false, 0, 0, 0, 0); // A: asid 1
      tlb.insert(0x11, 2, false, false, 0, 0, 0, 0); // B: asid 2
      tlb.insert(0x12, 1, true, false, 0, 0, 0, 0); // G: global
      tlb.insert(0x400, 1, false, true, 0, 0, 0, 0); // S: superpage piece, vpn[1] = 1
      tlb.insert(0x7ff, 1, false, true, 0, 0, 0, 0); // S': another piece of it
      return tlb;
    };
    const alive = (tlb: Tlb) =>
      [0x13, 0x11, 0x12, 0x400, 0x7ff].filter((v) => tlb.vpn[v & 15] === v);
    let tlb = fill();
    tlb.flush();
    expect(alive(tlb)).toEqual([]);
    tlb = fill();
    tlb.flush(undefined, 1);
    expect(alive(tlb)).toEqual([0x11, 0x12]);
    tlb = fill();
    tlb.flush(undefined, 0x201); // only ASIDLEN = 9 bits count
    expect(alive(tlb)).toEqual([0x11, 0x12]);
    tlb = fill();
    tlb.flush(0x12_000);
    expect(alive(tlb)).toEqual([0x13, 0x11, 0x400, 0x7ff]);
    tlb = fill();
    tlb.flush(0x12_000, 1);
    expect(alive(tlb)).toEqual([0x13, 0x11, 0x12, 0x400, 0x7ff]);
    tlb = fill();
    tlb.flush(0x5ab_123); // inside the superpage: both pieces go
    expect(alive(tlb)).toEqual([0x13, 0x11, 0x12]);
    tlb = fill();
    tlb.flush(0x13_fff, 2); // address of A, other ASID: nothing
    expect(alive(tlb)).toEqual([0x13, 0x11, 0x12, 0x400, 0x7ff]);
  });

  test.prop([
    fc.array(
      fc.record({
        vpn: fc.integer({ min: 0, max: 0xfffff }),
        asid: fc.integer({ min: 0, max: 511 }),
        global: fc.boolean(),
        superpage: fc.boolean(),
      }),
      { maxLength: 30 },
    ),
    fc.option(fc.integer({ min: 0, max: 0xffff_ffff }), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 511 }), { nil: undefined }),
  ])(
    'flush removes exactly the entries the spec says, whatever was inserted',
    (entries, vaddr, asid) => {
      const tlb = new Tlb(8);
      for (const e of entries) tlb.insert(e.vpn, e.asid, e.global, e.superpage, 0, 0, 0, 0);
      const before = Array.from({ length: 8 }, (_, i) => ({
        vpn: tlb.vpn[i],
        asid: tlb.asid[i],
        global: tlb.global[i] === 1,
        superpage: tlb.superpage[i] === 1,
      }));
      tlb.flush(vaddr, asid);
      before.forEach((e, i) => {
        if (e.vpn < 0) return;
        const addressHit =
          vaddr === undefined ||
          e.vpn === vaddr >>> 12 ||
          (e.superpage && e.vpn >>> 10 === vaddr >>> 22);
        const asidHit = asid === undefined || (!e.global && e.asid === asid);
        expect(tlb.vpn[i] === -1).toBe(addressHit && asidHit);
      });
    },
  );

  // A page flush looks at one slot unless the address's 4 MiB region has superpage entries:
  // a long mix of inserts (replacing entries) and flushes, in a few regions, against a model
  // that scans every slot.
  test.prop([
    fc.array(
      fc.oneof(
        fc.record({
          vpn: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1023 })),
          asid: fc.integer({ min: 0, max: 3 }),
          global: fc.boolean(),
          superpage: fc.boolean(),
        }),
        fc.record({
          flush: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1023 })),
          asid: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        }),
      ),
      { maxLength: 80 },
    ),
  ])('page flushes after many inserts and flushes remove what a full scan would', (steps) => {
    const tlb = new Tlb(8);
    const model: { vpn: number; asid: number; global: boolean; superpage: boolean }[] = [];
    for (let i = 0; i < 8; i++) model.push({ vpn: -1, asid: 0, global: false, superpage: false });
    for (const step of steps) {
      if ('vpn' in step) {
        const vpn = step.vpn[0] * 1024 + step.vpn[1];
        tlb.insert(vpn, step.asid, step.global, step.superpage, 0, 0, 0, 0);
        model[vpn & 7] = { vpn, asid: step.asid, global: step.global, superpage: step.superpage };
        continue;
      }
      const vpn = step.flush[0] * 1024 + step.flush[1];
      tlb.flush(vpn * 4096, step.asid);
      for (const e of model) {
        if (e.vpn < 0) continue;
        const addressHit = e.vpn === vpn || (e.superpage && e.vpn >>> 10 === vpn >>> 10);
        const asidHit = step.asid === undefined || (!e.global && e.asid === step.asid);
        if (addressHit && asidHit) e.vpn = -1;
      }
      expect(Array.from(tlb.vpn)).toEqual(model.map((e) => e.vpn));
    }
  });
});
