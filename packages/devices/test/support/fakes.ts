/** Test doubles: a settable clock and interrupt lines that remember their level and history. */
import { fc } from '@fast-check/vitest';
import type { AccessSize } from '@trapeze/mmu';

/** A virtual clock the test moves by hand. */
export class FakeClock {
  now = 0;
  readonly time = (): number => this.now;
  advance(ticks: number): void {
    this.now += ticks;
  }
}

/** An interrupt line that records every call. */
export class Line {
  level = false;
  readonly calls: boolean[] = [];
  readonly set = (level: boolean): void => {
    this.level = level;
    this.calls.push(level);
  };
}

/** One guest access for fuzzing. */
export type Access =
  | { readonly kind: 'read'; readonly offset: number; readonly size: AccessSize }
  | {
      readonly kind: 'write';
      readonly offset: number;
      readonly size: AccessSize;
      readonly value: number;
    };

/** Accesses at offsets drawn from `interesting` (plus anything in the window). */
export function accesses(window: number, interesting: readonly number[]): fc.Arbitrary<Access[]> {
  const offset = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...interesting) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: window - 1 }) },
  );
  const size = fc.constantFrom<AccessSize>(1, 2, 4, 4, 4);
  const value = fc.oneof(
    fc.integer({ min: 0, max: 0xff }),
    fc.integer({ min: 0, max: 0xffffffff }),
  );
  const read = fc.record({ kind: fc.constant('read' as const), offset, size });
  const write = fc.record({ kind: fc.constant('write' as const), offset, size, value });
  return fc.array(fc.oneof(read, write), { maxLength: 60 });
}

/** Applies accesses; returns the values read. */
export function apply(
  device: {
    read(o: number, s: AccessSize): number;
    write(o: number, s: AccessSize, v: number): void;
  },
  list: readonly Access[],
): number[] {
  const out: number[] = [];
  for (const a of list) {
    if (a.kind === 'read') out.push(device.read(a.offset, a.size));
    else device.write(a.offset, a.size, a.value);
  }
  return out;
}
