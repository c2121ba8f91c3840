import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { type FinisherExit, TestFinisher } from '../src/test-finisher.js';
import { accesses, apply } from './support/fakes.js';

function setup() {
  const exits: FinisherExit[] = [];
  const finisher = new TestFinisher({ onExit: (e) => exits.push(e) });
  return { finisher, exits };
}

describe('TestFinisher', () => {
  it('0x5555 passes', () => {
    const { finisher, exits } = setup();
    expect(finisher.exit).toBeUndefined();
    finisher.write(0, 4, 0x5555);
    expect(finisher.exit).toEqual({ kind: 'pass', code: 0 });
    expect(exits).toEqual([{ kind: 'pass', code: 0 }]);
  });

  it('(code << 16) | 0x3333 fails with the code', () => {
    const { finisher } = setup();
    finisher.write(0, 4, (42 << 16) | 0x3333);
    expect(finisher.exit).toEqual({ kind: 'fail', code: 42 });
    finisher.clear();
    finisher.write(0, 4, 0xffff_3333);
    expect(finisher.exit).toEqual({ kind: 'fail', code: 0xffff });
    finisher.clear();
    finisher.write(0, 4, 0x3333);
    expect(finisher.exit).toEqual({ kind: 'fail', code: 0 });
  });

  it('0x7777 requests a reset; a pass code in the high half is ignored', () => {
    const { finisher } = setup();
    finisher.write(0, 4, 0x0001_7777);
    expect(finisher.exit).toEqual({ kind: 'reset', code: 0 });
    finisher.clear();
    finisher.write(0, 4, 0x1234_5555);
    expect(finisher.exit).toEqual({ kind: 'pass', code: 0 });
  });

  it('other values, other offsets and byte writes are ignored; reads are 0', () => {
    const { finisher, exits } = setup();
    for (const v of [0, 0x5554, 0x3334, 0x1_5554, 0x7777_0000, 0xffff_ffff])
      finisher.write(0, 4, v);
    finisher.write(4, 4, 0x5555);
    finisher.write(2, 2, 0x5555);
    finisher.write(0, 1, 0x55);
    finisher.write(0xffc, 4, 0x5555);
    expect(exits).toEqual([]);
    expect(finisher.read(0, 4)).toBe(0);
    expect(finisher.read(0, 2)).toBe(0);
  });

  it('16-bit writes work with code 0', () => {
    const { finisher } = setup();
    finisher.write(0, 2, 0x3333);
    expect(finisher.exit).toEqual({ kind: 'fail', code: 0 });
  });

  it('the first request stays latched until cleared', () => {
    const { finisher, exits } = setup();
    finisher.write(0, 4, (3 << 16) | 0x3333);
    finisher.write(0, 4, 0x5555);
    expect(finisher.exit).toEqual({ kind: 'fail', code: 3 });
    expect(exits.length).toBe(1);
    finisher.clear();
    finisher.write(0, 4, 0x5555);
    expect(finisher.exit?.kind).toBe('pass');
  });

  it('snapshot → restore round-trips; bad snapshots are typed errors', () => {
    const { finisher } = setup();
    finisher.write(0, 4, (9 << 16) | 0x3333);
    const snap = JSON.parse(JSON.stringify(finisher.snapshot()));
    const { finisher: other, exits } = setup();
    other.restore(snap);
    expect(other.exit).toEqual({ kind: 'fail', code: 9 });
    expect(exits).toEqual([]);
    other.restore({ exit: null });
    expect(other.exit).toBeUndefined();
    for (const bad of [
      {},
      { exit: { kind: 'boom', code: 0 } },
      { exit: { kind: 'pass', code: 1 } },
      { exit: { kind: 'fail', code: 0x10000 } },
      { exit: 5 },
    ]) {
      expect(() => other.restore(bad as never)).toThrow(DeviceError);
    }
  });

  prop.prop([accesses(0x1000, [0, 2, 4])])(
    'random writes never throw and decode like QEMU',
    (list) => {
      const { finisher, exits } = setup();
      for (const v of apply(finisher, list)) expect(v).toBe(0);
      const first = list.find(
        (a) =>
          a.kind === 'write' &&
          a.offset === 0 &&
          a.size !== 1 &&
          [0x5555, 0x3333, 0x7777].includes(a.value & 0xffff),
      );
      expect(exits.length).toBe(first ? 1 : 0);
      const snap = finisher.snapshot();
      const other = new TestFinisher();
      other.restore(JSON.parse(JSON.stringify(snap)));
      expect(other.snapshot()).toEqual(snap);
    },
  );

  it('fast-check sanity: codes round-trip for every 16-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (code) => {
        const f = new TestFinisher();
        f.write(0, 4, ((code << 16) | 0x3333) >>> 0);
        expect(f.exit).toEqual({ kind: 'fail', code });
      }),
    );
  });
});
