import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP, Clint } from '../src/clint.js';
import { DeviceError } from '../src/errors.js';
import { accesses, apply, FakeClock, Line } from './support/fakes.js';

function setup(start = 0) {
  const clock = new FakeClock();
  clock.now = start;
  const msip = new Line();
  const mtip = new Line();
  const clint = new Clint({ time: clock.time, msip: msip.set, mtip: mtip.set });
  return { clock, msip, mtip, clint };
}

function setCmp(clint: Clint, value: bigint): void {
  // The usual RV32 sequence: high to all ones, low, then high.
  clint.write(CLINT_MTIMECMP + 4, 4, 0xffffffff);
  clint.write(CLINT_MTIMECMP, 4, Number(value & 0xffffffffn));
  clint.write(CLINT_MTIMECMP + 4, 4, Number(value >> 32n));
}

describe('Clint', () => {
  it('has the virt window and name', () => {
    const { clint } = setup();
    expect(clint.size).toBe(0x10000);
    expect(clint.name).toBe('clint');
  });

  it('resets like QEMU: mtime 0, mtimecmp 0, so MTIP is high', () => {
    const { clint, mtip, msip } = setup(1234);
    expect(clint.read(CLINT_MTIME, 4)).toBe(0);
    expect(clint.read(CLINT_MTIMECMP, 4)).toBe(0);
    expect(mtip.level).toBe(true);
    expect(msip.calls).toEqual([]);
    expect(clint.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('msip: bit 0 drives MSIP, other bits are ignored', () => {
    const { clint, msip } = setup();
    clint.write(CLINT_MSIP, 4, 0xfffffffe);
    expect(msip.level).toBe(false);
    expect(clint.read(CLINT_MSIP, 4)).toBe(0);
    clint.write(CLINT_MSIP, 4, 3);
    expect(msip.level).toBe(true);
    expect(clint.read(CLINT_MSIP, 4)).toBe(1);
    expect(clint.msipLevel).toBe(true);
    clint.write(CLINT_MSIP, 4, 0);
    expect(msip.calls).toEqual([true, false]);
  });

  it('msip: other harts and narrow accesses are absent', () => {
    const { clint, msip } = setup();
    clint.write(4, 4, 1);
    clint.write(CLINT_MSIP, 1, 1);
    clint.write(CLINT_MSIP, 2, 1);
    expect(msip.calls).toEqual([]);
    clint.write(CLINT_MSIP, 4, 1);
    expect(clint.read(CLINT_MSIP, 1)).toBe(0);
    expect(clint.read(4, 4)).toBe(0);
  });

  it('mtime reads the time source (low and high halves)', () => {
    const { clint, clock } = setup();
    clock.now = 0x1_2345_6789;
    expect(clint.read(CLINT_MTIME, 4)).toBe(0x2345_6789);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(1);
    expect(clint.mtime).toBe(0x1_2345_6789n);
  });

  it('mtime reads carry from the low half into the high half', () => {
    const { clint, clock } = setup();
    clint.write(CLINT_MTIME, 4, 0xffff_fff0);
    clock.advance(0x20);
    expect(clint.read(CLINT_MTIME, 4)).toBe(0x10);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(1);
  });

  it('mtime writes adjust an offset per half, as QEMU does', () => {
    const { clint, clock } = setup();
    clock.now = 100;
    clint.write(CLINT_MTIME + 4, 4, 7);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(7);
    expect(clint.read(CLINT_MTIME, 4)).toBe(100);
    clint.write(CLINT_MTIME, 4, 5);
    clock.advance(10);
    expect(clint.mtime).toBe((7n << 32n) | 15n);
  });

  it('mtime can be set backwards (64-bit wrap of the offset)', () => {
    const { clint, clock } = setup();
    clock.now = 1000;
    clint.write(CLINT_MTIME, 4, 10);
    expect(clint.read(CLINT_MTIME, 4)).toBe(10);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(0);
    clock.advance(5);
    expect(clint.mtime).toBe(15n);
  });

  it('mtimecmp halves read back and combine into 64 bits', () => {
    const { clint } = setup();
    clint.write(CLINT_MTIMECMP, 4, 0xdead_beef);
    clint.write(CLINT_MTIMECMP + 4, 4, 0x1234_5678);
    expect(clint.read(CLINT_MTIMECMP, 4)).toBe(0xdead_beef);
    expect(clint.read(CLINT_MTIMECMP + 4, 4)).toBe(0x1234_5678);
    expect(clint.mtimecmp).toBe(0x1234_5678_dead_beefn);
  });

  it('MTIP falls when mtimecmp moves to the future and rises exactly at the deadline', () => {
    const { clint, clock, mtip } = setup();
    clock.now = 50;
    setCmp(clint, 1000n + 50n - 50n); // mtime = 50 (reset at 0 … now 50)
    expect(mtip.level).toBe(false);
    expect(clint.nextDeadline()).toBe(1000);
    clock.now = 999;
    clint.update();
    expect(mtip.level).toBe(false);
    clock.now = 1000;
    clint.update();
    expect(mtip.level).toBe(true);
    expect(clint.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('MTIP rises at once when mtimecmp is in the past or equal to mtime', () => {
    const { clint, clock, mtip } = setup();
    setCmp(clint, 100n);
    expect(mtip.level).toBe(false);
    clock.now = 100;
    // update() not called: a write re-evaluates by itself.
    clint.write(CLINT_MTIMECMP, 4, 100);
    expect(mtip.level).toBe(true);
    clint.write(CLINT_MTIMECMP, 4, 50);
    expect(mtip.level).toBe(true);
  });

  it('writing the low half with a small high half raises MTIP in between (as on hardware)', () => {
    const { clint, clock, mtip } = setup();
    clock.now = 0x1_0000_0000;
    setCmp(clint, 0x2_0000_0000n);
    expect(mtip.level).toBe(false);
    mtip.calls.length = 0;
    // Naive order: low first while high still holds the old value.
    clint.write(CLINT_MTIMECMP, 4, 0);
    expect(mtip.level).toBe(false);
    clint.write(CLINT_MTIMECMP + 4, 4, 0);
    expect(mtip.level).toBe(true);
  });

  it('nextDeadline accounts for the mtime offset', () => {
    const { clint, clock } = setup();
    clock.now = 10;
    clint.write(CLINT_MTIME, 4, 1_000_000); // mtime = raw + 999_990
    setCmp(clint, 1_000_500n);
    expect(clint.nextDeadline()).toBe(510);
  });

  it('an mtime write re-evaluates MTIP', () => {
    const { clint, clock, mtip } = setup();
    setCmp(clint, 500n);
    expect(mtip.level).toBe(false);
    clint.write(CLINT_MTIME, 4, 600);
    expect(mtip.level).toBe(true);
    clint.write(CLINT_MTIME, 4, 0);
    expect(mtip.level).toBe(false);
    expect(clint.nextDeadline()).toBe(clock.now + 500);
  });

  it('a deadline beyond 2^53 ticks is Infinity', () => {
    const { clint } = setup();
    setCmp(clint, 0xffff_ffff_ffff_ffffn);
    expect(clint.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('setMtime/setMtimecmp are the host-side equivalents', () => {
    const { clint, clock, mtip } = setup();
    clint.setMtime(1n << 40n);
    clint.setMtimecmp((1n << 40n) + 3n);
    expect(mtip.level).toBe(false);
    clock.advance(3);
    clint.update();
    expect(mtip.level).toBe(true);
  });

  it('unknown offsets read 0 and ignore writes', () => {
    const { clint } = setup();
    for (const offset of [0x8, 0x3ffc, 0x4008, 0x4002, 0xbff0, 0xbffa, 0xc000, 0xfffc]) {
      clint.write(offset, 4, 0xffffffff);
      expect(clint.read(offset, 4)).toBe(0);
    }
    expect(clint.read(CLINT_MTIMECMP, 4)).toBe(0);
  });

  it('snapshot → restore reproduces the state and drives the lines', () => {
    const a = setup();
    a.clock.now = 77;
    a.clint.write(CLINT_MSIP, 4, 1);
    setCmp(a.clint, 5000n);
    a.clint.write(CLINT_MTIME + 4, 4, 3);
    setCmp(a.clint, (3n << 32n) + 9000n);
    const snap = JSON.parse(JSON.stringify(a.clint.snapshot()));
    const b = setup();
    b.clock.now = 77;
    b.clint.restore(snap);
    expect(b.clint.snapshot()).toEqual(a.clint.snapshot());
    expect(b.msip.level).toBe(true);
    expect(b.mtip.level).toBe(false);
    expect(b.clint.read(CLINT_MTIME + 4, 4)).toBe(3);
    expect(b.clint.nextDeadline()).toBe(a.clint.nextDeadline());
  });

  it('restore rejects malformed snapshots with a typed error', () => {
    const { clint } = setup();
    const good = clint.snapshot();
    const bad = [
      null,
      [],
      { ...good, msip: 1 },
      { ...good, mtimecmp: '-1' },
      { ...good, mtimecmp: '18446744073709551616' },
      { ...good, delta: 5 },
      { ...good, deadline: -1 },
      { ...good, deadline: 1.5 },
    ];
    for (const s of bad) {
      expect(() => clint.restore(s as never)).toThrow(DeviceError);
      try {
        clint.restore(s as never);
      } catch (e) {
        expect((e as DeviceError).code).toBe('BAD_SNAPSHOT');
      }
    }
  });

  const interesting = [0, 4, 0x4000, 0x4004, 0xbff8, 0xbffc, 0x4008];
  prop.prop([
    accesses(0x10000, interesting),
    fc.array(fc.integer({ min: 0, max: 1 << 20 }), { maxLength: 60 }),
  ])(
    'random accesses never throw, reads are u32, MTIP is mtime ≥ mtimecmp after update, snapshots round-trip',
    (list, steps) => {
      const { clint, clock, mtip } = setup();
      list.forEach((a, i) => {
        clock.advance(steps[i] ?? 0);
        clint.update();
        const v = apply(clint, [a]);
        for (const x of v) expect(x >>> 0).toBe(x);
        clint.update();
        if (clint.mtime < clint.mtimecmp && clint.nextDeadline() !== Number.POSITIVE_INFINITY) {
          expect(mtip.level).toBe(false);
        }
        if (clint.mtime >= clint.mtimecmp) expect(mtip.level).toBe(true);
      });
      const snap = clint.snapshot();
      const other = setup(clock.now).clint;
      other.restore(JSON.parse(JSON.stringify(snap)));
      expect(other.snapshot()).toEqual(snap);
    },
  );
});

describe('Clint with a nanosecond clock', () => {
  it('fires at the write time plus the remaining ticks, as QEMU arms its timer', () => {
    let ns = 0;
    const mtip: boolean[] = [];
    const clint = new Clint({
      time: () => Math.floor(ns / 100),
      nanoseconds: () => ns,
      mtip: (l) => mtip.push(l),
    });
    ns = 1234; // mtime = 12
    clint.write(CLINT_MTIMECMP + 4, 4, 0);
    clint.write(CLINT_MTIMECMP, 4, 20);
    expect(clint.mtipLevel).toBe(false);
    expect(clint.nextDeadlineNs()).toBe(1234 + 8 * 100);
    expect(clint.nextDeadline()).toBe(21);
    ns = 2033;
    clint.update();
    expect(clint.mtipLevel).toBe(false);
    ns = 2034; // mtime has been 20 since 2000, but the timer was armed at 1234
    clint.update();
    expect(clint.mtipLevel).toBe(true);
    expect(mtip.at(-1)).toBe(true);
  });
});
