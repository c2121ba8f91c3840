import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { GoldfishRtc, RTC_REG as R } from '../src/goldfish-rtc.js';
import { accesses, apply, FakeClock, Line } from './support/fakes.js';

function setup(epochNs?: bigint) {
  const clock = new FakeClock();
  const irq = new Line();
  const rtc = new GoldfishRtc({ time: clock.time, irq: irq.set, epochNs });
  return { rtc, irq, clock };
}

function readTime(rtc: GoldfishRtc): bigint {
  const low = rtc.read(R.TIME_LOW, 4);
  return (BigInt(rtc.read(R.TIME_HIGH, 4)) << 32n) | BigInt(low);
}

function setAlarm(rtc: GoldfishRtc, ns: bigint): void {
  rtc.write(R.ALARM_HIGH, 4, Number(ns >> 32n));
  rtc.write(R.ALARM_LOW, 4, Number(ns & 0xffffffffn));
}

describe('GoldfishRtc', () => {
  it('counts 100 ns per tick from the epoch (default 0)', () => {
    const { rtc, clock } = setup();
    expect(readTime(rtc)).toBe(0n);
    clock.now = 123_456_789_012;
    expect(readTime(rtc)).toBe(12_345_678_901_200n);
    const b = setup(1_700_000_000_000_000_000n);
    b.clock.now = 10;
    expect(readTime(b.rtc)).toBe(1_700_000_000_000_001_000n);
  });

  it('reading TIME_LOW latches TIME_HIGH', () => {
    const { rtc, clock } = setup();
    clock.now = 42_949_673; // 4_294_967_300 ns: just past 2^32
    expect(rtc.read(R.TIME_HIGH, 4)).toBe(0); // not latched yet
    expect(rtc.read(R.TIME_LOW, 4)).toBe(4);
    clock.now = 100_000_000;
    expect(rtc.read(R.TIME_HIGH, 4)).toBe(1); // still the latched value
    rtc.read(R.TIME_LOW, 4);
    expect(rtc.read(R.TIME_HIGH, 4)).toBe(2);
  });

  it('writing TIME_HIGH/TIME_LOW moves the count', () => {
    const { rtc, clock } = setup();
    clock.now = 5;
    rtc.write(R.TIME_HIGH, 4, 3);
    rtc.write(R.TIME_LOW, 4, 1000);
    expect(readTime(rtc)).toBe((3n << 32n) | 1000n);
    clock.advance(1);
    expect(rtc.nanoseconds).toBe((3n << 32n) | 1100n);
  });

  it('alarm in the future fires at the first tick that reaches it', () => {
    const { rtc, irq, clock } = setup();
    rtc.write(R.IRQ_ENABLED, 4, 1);
    expect(rtc.read(R.IRQ_ENABLED, 4)).toBe(1);
    setAlarm(rtc, 1050n);
    expect(rtc.read(R.ALARM_LOW, 4)).toBe(1050);
    expect(rtc.read(R.ALARM_STATUS, 4)).toBe(1);
    expect(rtc.nextDeadline()).toBe(11);
    clock.now = 10;
    rtc.update();
    expect(irq.level).toBe(false);
    clock.now = 11;
    rtc.update();
    expect(irq.level).toBe(true);
    expect(rtc.read(R.ALARM_STATUS, 4)).toBe(0);
    rtc.write(R.CLEAR_INTERRUPT, 4, 0);
    expect(irq.level).toBe(false);
    expect(rtc.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
  });

  it('alarm in the past is pending at once; the line needs IRQ_ENABLED', () => {
    const { rtc, irq, clock } = setup();
    clock.now = 100;
    setAlarm(rtc, 10_000n);
    expect(irq.level).toBe(false);
    expect(rtc.read(R.ALARM_STATUS, 4)).toBe(0);
    rtc.write(R.IRQ_ENABLED, 4, 0xfe);
    expect(irq.level).toBe(false);
    rtc.write(R.IRQ_ENABLED, 4, 1);
    expect(irq.level).toBe(true);
    const raised = irq.calls.length;
    rtc.write(R.IRQ_ENABLED, 4, 1); // re-evaluated while high: raised again, as QEMU does
    expect(irq.calls.slice(raised)).toEqual([true]);
    rtc.write(R.IRQ_ENABLED, 4, 0);
    expect(irq.level).toBe(false);
    rtc.write(R.IRQ_ENABLED, 4, 0); // low and unchanged: not signalled again
    expect(irq.calls.slice(raised)).toEqual([true, false]);
  });

  it('ALARM_HIGH alone does not arm; CLEAR_ALARM disarms', () => {
    const { rtc, irq, clock } = setup();
    rtc.write(R.IRQ_ENABLED, 4, 1);
    rtc.write(R.ALARM_HIGH, 4, 0);
    expect(rtc.read(R.ALARM_STATUS, 4)).toBe(0);
    setAlarm(rtc, 5000n);
    rtc.write(R.CLEAR_ALARM, 4, 1);
    expect(rtc.read(R.ALARM_STATUS, 4)).toBe(0);
    clock.now = 1000;
    rtc.update();
    expect(irq.level).toBe(false);
  });

  it('narrow and unknown accesses read 0 and are ignored', () => {
    const { rtc, clock } = setup();
    clock.now = 7;
    expect(rtc.read(R.TIME_LOW, 2)).toBe(0);
    rtc.write(R.TIME_LOW, 1, 0);
    expect(rtc.read(R.TIME_LOW, 4)).toBe(700);
    for (const offset of [0x20, 0x1c, 0x14, 0xffc]) expect(rtc.read(offset, 4)).toBe(0);
    rtc.write(0x20, 4, 1);
  });

  it('snapshot → restore round-trips; bad input is a typed error', () => {
    const a = setup(99n);
    a.clock.now = 3;
    setAlarm(a.rtc, 10_000n);
    a.rtc.write(R.IRQ_ENABLED, 4, 1);
    a.rtc.read(R.TIME_LOW, 4);
    const snap = JSON.parse(JSON.stringify(a.rtc.snapshot()));
    const b = setup();
    b.clock.now = 3;
    b.rtc.restore(snap);
    expect(b.rtc.snapshot()).toEqual(a.rtc.snapshot());
    expect(b.rtc.nanoseconds).toBe(a.rtc.nanoseconds);
    for (const bad of [
      { ...snap, offset: 'x' },
      { ...snap, timeHigh: -1 },
      { ...snap, deadline: '1' },
    ]) {
      expect(() => b.rtc.restore(bad)).toThrow(DeviceError);
    }
    expect(() => setup(-1n)).toThrow(DeviceError);
  });

  prop.prop([
    accesses(0x1000, [0, 4, 8, 0xc, 0x10, 0x14, 0x18, 0x1c]),
    fc.array(fc.nat(1000), { maxLength: 60 }),
  ])(
    'random accesses never throw; the line is pending && enabled; snapshots round-trip',
    (list, steps) => {
      const { rtc, irq, clock } = setup();
      list.forEach((a, i) => {
        clock.advance(steps[i] ?? 0);
        rtc.update();
        for (const v of apply(rtc, [a])) expect(v >>> 0).toBe(v);
        const s = rtc.snapshot();
        expect(irq.level).toBe(s.irqPending && s.irqEnabled);
      });
      const snap = rtc.snapshot();
      const other = setup().rtc;
      other.restore(JSON.parse(JSON.stringify(snap)));
      expect(other.snapshot()).toEqual(snap);
    },
  );
});
