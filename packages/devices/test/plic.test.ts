import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import {
  PLIC_CONTEXT_BASE,
  PLIC_ENABLE_BASE,
  PLIC_NUM_SOURCES,
  PLIC_PENDING_BASE,
  Plic,
} from '../src/plic.js';
import { accesses, apply, Line } from './support/fakes.js';

const M = 0;
const S = 1;
const threshold = (c: number) => PLIC_CONTEXT_BASE + c * 0x1000;
const claimReg = (c: number) => PLIC_CONTEXT_BASE + c * 0x1000 + 4;
const enableReg = (c: number, word: number) => PLIC_ENABLE_BASE + c * 0x80 + word * 4;

function setup() {
  const meip = new Line();
  const seip = new Line();
  const plic = new Plic({ meip: meip.set, seip: seip.set });
  return { plic, meip, seip };
}

function enable(plic: Plic, context: number, ...sources: number[]): void {
  for (const s of sources) {
    const reg = enableReg(context, s >>> 5);
    plic.write(reg, 4, plic.read(reg, 4) | (1 << (s & 31)));
  }
}

function prio(plic: Plic, source: number, p: number): void {
  plic.write(source * 4, 4, p);
}

describe('Plic', () => {
  it('has the virt window and 96 sources', () => {
    const { plic } = setup();
    expect(plic.size).toBe(0x4000000);
    expect(PLIC_NUM_SOURCES).toBe(96);
  });

  it('priorities are WARL: value mod 8, source 0 included (storage only)', () => {
    const { plic } = setup();
    prio(plic, 10, 5);
    expect(plic.read(10 * 4, 4)).toBe(5);
    prio(plic, 10, 0x1f);
    expect(plic.read(10 * 4, 4)).toBe(7);
    prio(plic, 95, 3);
    expect(plic.read(95 * 4, 4)).toBe(3);
    prio(plic, 0, 6);
    expect(plic.read(0, 4)).toBe(6);
    // Source 96 does not exist.
    plic.write(96 * 4, 4, 3);
    expect(plic.read(96 * 4, 4)).toBe(0);
  });

  it('thresholds are WARL per context', () => {
    const { plic } = setup();
    plic.write(threshold(M), 4, 9);
    plic.write(threshold(S), 4, 3);
    expect(plic.read(threshold(M), 4)).toBe(1);
    expect(plic.read(threshold(S), 4)).toBe(3);
    expect(plic.read(threshold(2), 4)).toBe(0);
  });

  it('enables are per context, three words, other words absent', () => {
    const { plic } = setup();
    plic.write(enableReg(M, 0), 4, 0xffffffff);
    plic.write(enableReg(S, 2), 4, 0x1234);
    plic.write(enableReg(M, 3), 4, 0xffffffff);
    expect(plic.read(enableReg(M, 0), 4)).toBe(0xffffffff);
    expect(plic.read(enableReg(M, 2), 4)).toBe(0);
    expect(plic.read(enableReg(S, 2), 4)).toBe(0x1234);
    expect(plic.read(enableReg(M, 3), 4)).toBe(0);
    expect(plic.read(enableReg(2, 0), 4)).toBe(0);
  });

  it('a raise sets the pending bit, a low level leaves it (QEMU 7.2, plic-probe.S); read-only', () => {
    const { plic } = setup();
    plic.setSourceLevel(10, true);
    plic.setSourceLevel(33, true);
    plic.setSourceLevel(95, true);
    expect(plic.read(PLIC_PENDING_BASE, 4)).toBe(1 << 10);
    expect(plic.read(PLIC_PENDING_BASE + 4, 4)).toBe(2);
    expect(plic.read(PLIC_PENDING_BASE + 8, 4)).toBe(0x8000_0000);
    expect(plic.read(PLIC_PENDING_BASE + 12, 4)).toBe(0);
    plic.write(PLIC_PENDING_BASE, 4, 0);
    expect(plic.isPending(10)).toBe(true);
    plic.setSourceLevel(10, false);
    expect(plic.isPending(10)).toBe(true);
    prio(plic, 10, 1);
    enable(plic, M, 10);
    expect(plic.read(claimReg(M), 4)).toBe(10); // claimable though the line is low now
    expect(plic.isPending(10)).toBe(false);
  });

  it('raises MEIP only for an enabled source above the threshold', () => {
    const { plic, meip, seip } = setup();
    plic.setSourceLevel(10, true);
    expect(meip.level).toBe(false); // priority 0 never interrupts
    prio(plic, 10, 1);
    expect(meip.level).toBe(false); // not enabled
    enable(plic, M, 10);
    expect(meip.level).toBe(true);
    expect(seip.level).toBe(false);
    plic.write(threshold(M), 4, 1);
    expect(meip.level).toBe(false); // priority must exceed the threshold
    plic.write(threshold(M), 4, 0);
    expect(meip.level).toBe(true);
  });

  it('S-mode context drives SEIP independently', () => {
    const { plic, meip, seip } = setup();
    prio(plic, 1, 4);
    enable(plic, S, 1);
    plic.setSourceLevel(1, true);
    expect(seip.level).toBe(true);
    expect(meip.level).toBe(false);
    expect(plic.read(claimReg(S), 4)).toBe(1);
    expect(seip.level).toBe(false);
  });

  it('claim returns the highest priority, ties to the lowest id, and clears pending', () => {
    const { plic, meip } = setup();
    for (const s of [3, 5, 7, 40]) enable(plic, M, s);
    prio(plic, 3, 2);
    prio(plic, 5, 6);
    prio(plic, 7, 6);
    prio(plic, 40, 7);
    for (const s of [3, 5, 7]) plic.setSourceLevel(s, true);
    expect(plic.read(claimReg(M), 4)).toBe(5);
    expect(plic.isPending(5)).toBe(false);
    expect(plic.isClaimed(5)).toBe(true);
    expect(plic.read(claimReg(M), 4)).toBe(7);
    plic.setSourceLevel(40, true);
    expect(plic.read(claimReg(M), 4)).toBe(40);
    expect(plic.read(claimReg(M), 4)).toBe(3);
    expect(meip.level).toBe(false);
    expect(plic.read(claimReg(M), 4)).toBe(0);
  });

  it('complete only ends the claim: a line still high pends again at its next raise', () => {
    const { plic, meip } = setup();
    prio(plic, 10, 1);
    prio(plic, 11, 1);
    enable(plic, M, 10, 11);
    plic.setSourceLevel(10, true);
    plic.setSourceLevel(11, true);
    expect(plic.read(claimReg(M), 4)).toBe(10);
    expect(plic.read(claimReg(M), 4)).toBe(11);
    expect(meip.level).toBe(false);
    plic.setSourceLevel(11, false);
    plic.write(claimReg(M), 4, 11);
    expect(meip.level).toBe(false);
    expect(plic.isPending(11)).toBe(false);
    plic.write(claimReg(M), 4, 10);
    expect(plic.isPending(10)).toBe(false); // its line is high, but nothing raised it again
    expect(meip.level).toBe(false);
    plic.setSourceLevel(10, true); // the device re-evaluates its line
    expect(plic.isPending(10)).toBe(true);
    expect(meip.level).toBe(true);
    expect(plic.read(claimReg(M), 4)).toBe(10);
  });

  it('a claimed source is not claimable again until completed, even if re-asserted', () => {
    const { plic } = setup();
    prio(plic, 2, 3);
    enable(plic, M, 2);
    enable(plic, S, 2);
    plic.setSourceLevel(2, true);
    expect(plic.claim(M)).toBe(2);
    plic.setSourceLevel(2, true);
    expect(plic.claim(S)).toBe(0);
    expect(plic.claim(M)).toBe(0);
    plic.complete(M, 2);
    expect(plic.claim(S)).toBe(2);
  });

  it('completion ignores sources ≥ 96 and other offsets in the context', () => {
    const { plic } = setup();
    prio(plic, 2, 3);
    enable(plic, M, 2);
    plic.setSourceLevel(2, true);
    plic.claim(M);
    plic.write(claimReg(M), 4, 2 + 96 * 4);
    plic.write(threshold(M) + 8, 4, 2);
    expect(plic.isClaimed(2)).toBe(true);
    plic.write(claimReg(S), 4, 2); // any context may complete (QEMU does not check)
    expect(plic.isClaimed(2)).toBe(false);
  });

  it('enabling a pending source raises the output at once', () => {
    const { plic, meip } = setup();
    prio(plic, 9, 1);
    plic.setSourceLevel(9, true);
    expect(meip.level).toBe(false);
    enable(plic, M, 9);
    expect(meip.level).toBe(true);
    plic.write(enableReg(M, 0), 4, 0);
    expect(meip.level).toBe(false);
  });

  it('line(source) gives an IrqLine; bad sources and contexts are typed errors', () => {
    const { plic } = setup();
    plic.line(10)(true);
    expect(plic.isPending(10)).toBe(true);
    for (const s of [0, 96, -1, 1.5]) {
      expect(() => plic.setSourceLevel(s, true)).toThrow(DeviceError);
    }
    expect(() => plic.claim(2)).toThrow(
      /context \(0: M-mode, 1: S-mode\) must be an integer in 0…1, got 2/,
    );
    expect(() => plic.peek(-1)).toThrow(DeviceError);
    // A value whose string conversion throws is still described, not converted.
    const hostile = { toString: {} } as never;
    expect(() => plic.line(hostile)).toThrow(DeviceError);
    expect(() => plic.claim(hostile)).toThrow(DeviceError);
  });

  it('narrow and unknown accesses read 0 and are ignored (and do not claim)', () => {
    const { plic } = setup();
    prio(plic, 2, 3);
    enable(plic, M, 2);
    plic.setSourceLevel(2, true);
    expect(plic.read(claimReg(M), 1)).toBe(0);
    expect(plic.read(claimReg(M), 2)).toBe(0);
    expect(plic.isPending(2)).toBe(true);
    plic.write(2 * 4, 1, 0);
    expect(plic.read(2 * 4, 4)).toBe(3);
    for (const offset of [0x180, 0xffc, 0x1010, 0x2100, 0x1ffffc, 0x202000, 0x3fffffc]) {
      plic.write(offset, 4, 0xffffffff);
      expect(plic.read(offset, 4)).toBe(0);
    }
  });

  it('snapshot → restore reproduces state and outputs', () => {
    const a = setup();
    prio(a.plic, 10, 5);
    prio(a.plic, 20, 2);
    enable(a.plic, M, 10);
    enable(a.plic, S, 20);
    a.plic.setSourceLevel(10, true);
    a.plic.setSourceLevel(20, true);
    a.plic.claim(M);
    const snap = JSON.parse(JSON.stringify(a.plic.snapshot()));
    const b = setup();
    b.plic.restore(snap);
    expect(b.plic.snapshot()).toEqual(a.plic.snapshot());
    expect(b.meip.level).toBe(false);
    expect(b.seip.level).toBe(true);
    b.plic.complete(M, 10);
    expect(b.meip.level).toBe(false);
    b.plic.setSourceLevel(10, true);
    expect(b.meip.level).toBe(true);
  });

  it('restore rejects malformed snapshots', () => {
    const { plic } = setup();
    const good = plic.snapshot();
    for (const bad of [
      { ...good, priority: [1] },
      { ...good, priority: [...good.priority.slice(1), 9] },
      { ...good, enable: good.enable.slice(1) },
      { ...good, level: [1, 0, 0] },
      { ...good, pending: [0, -1, 0] },
      'x',
    ]) {
      expect(() => plic.restore(bad as never)).toThrow(DeviceError);
    }
  });

  /** The reference: the max-priority eligible source, lowest id on ties. */
  function expected(
    prios: number[],
    pend: boolean[],
    en: boolean[],
    claimed: boolean[],
    th: number,
  ): number {
    let best = 0;
    let max = th;
    for (let s = 1; s < PLIC_NUM_SOURCES; s++) {
      if (pend[s] && en[s] && !claimed[s] && prios[s] > max) {
        best = s;
        max = prios[s];
      }
    }
    return best;
  }

  const sourceArb = fc.integer({ min: 1, max: 95 });
  prop.prop([
    fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 96, maxLength: 96 }),
    fc.uniqueArray(sourceArb, { maxLength: 20 }),
    fc.uniqueArray(sourceArb, { maxLength: 60 }),
    fc.integer({ min: 0, max: 7 }),
    fc.constantFrom(0, 1),
  ])('claim always returns the max-priority eligible source', (prios, raised, enabled, th, ctx) => {
    const { plic, meip, seip } = setup();
    const pend = new Array<boolean>(96).fill(false);
    const en = new Array<boolean>(96).fill(false);
    const claimed = new Array<boolean>(96).fill(false);
    prios.forEach((p, s) => {
      prio(plic, s, p);
    });
    plic.write(threshold(ctx), 4, th);
    for (const s of enabled) {
      enable(plic, ctx, s);
      en[s] = true;
    }
    for (const s of raised) {
      plic.setSourceLevel(s, true);
      pend[s] = true;
    }
    const out = ctx === 0 ? meip : seip;
    for (;;) {
      const want = expected(prios, pend, en, claimed, th);
      expect(out.level).toBe(want !== 0);
      const got = plic.read(claimReg(ctx), 4);
      expect(got).toBe(want);
      if (got === 0) break;
      pend[got] = false;
      claimed[got] = true;
    }
    // Completing everything ends the claims; the (still high) sources pend again only when
    // their devices raise them again.
    for (const s of raised) plic.write(claimReg(ctx), 4, s);
    for (let s = 1; s < 96; s++) claimed[s] = false;
    expect(plic.peek(ctx)).toBe(expected(prios, pend, en, claimed, th));
    for (const s of raised) {
      plic.setSourceLevel(s, true);
      pend[s] = true;
    }
    expect(plic.peek(ctx)).toBe(expected(prios, pend, en, claimed, th));
  });

  const interesting = [
    0, 4, 40, 0x1000, 0x1004, 0x2000, 0x2004, 0x2080, 0x2088, 0x200000, 0x200004, 0x201000,
    0x201004,
  ];
  prop.prop([
    accesses(0x4000000, interesting),
    fc.array(fc.tuple(sourceArb, fc.boolean()), { maxLength: 30 }),
  ])('random accesses never throw; outputs match peek; snapshots round-trip', (list, levels) => {
    const { plic, meip, seip } = setup();
    list.forEach((a, i) => {
      const l = levels[i];
      if (l) plic.setSourceLevel(l[0], l[1]);
      for (const v of apply(plic, [a])) expect(v >>> 0).toBe(v);
      expect(meip.level).toBe(plic.peek(0) !== 0);
      expect(seip.level).toBe(plic.peek(1) !== 0);
    });
    const snap = plic.snapshot();
    const other = setup().plic;
    other.restore(JSON.parse(JSON.stringify(snap)));
    expect(other.snapshot()).toEqual(snap);
  });
});
