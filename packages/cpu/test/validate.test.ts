/**
 * Host-side misuse gets a typed error (validate.ts, create-core.ts): bad limits and deadlines,
 * bad trap sinks, unknown core kinds, a bad cache limit — on every core.
 */
import { describe, expect, it } from 'vitest';
import { CORE_EXIT_NAMES, CORE_KINDS, type CoreKind, EXIT_BUDGET, EXIT_IDLE } from '../src/core.js';
import { CpuError } from '../src/errors.js';
import { boot } from './support.js';

/** Expects `f` to throw a CpuError with code BAD_ARGUMENT whose message matches `message`. */
function expectBadArgument(f: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CpuError);
  expect((thrown as CpuError).code).toBe('BAD_ARGUMENT');
  expect((thrown as CpuError).name).toBe('CpuError');
  expect((thrown as CpuError).message).toMatch(message);
}

// A program that waits at once (nothing enabled): a run that does not check its arguments
// returns EXIT_IDLE instead of hanging.
const IDLE = '_start: wfi\nj _start';

const BAD_COUNTS: readonly [string, unknown][] = [
  ['-1', -1],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['2^53', 2 ** 53],
  ['a string', '10'],
  ['undefined', undefined],
  ['null', null],
];

describe.each(CORE_KINDS)('arguments of the %s', (kind: CoreKind) => {
  it('run refuses every bad limit and deadline before anything runs', () => {
    const accepted: string[] = [];
    for (const [name, value] of BAD_COUNTS) {
      for (const which of ['limit', 'deadline'] as const) {
        const { core } = boot(kind, IDLE);
        const args: [number, number] =
          which === 'limit'
            ? [value as number, Number.POSITIVE_INFINITY]
            : [Number.POSITIVE_INFINITY, value as number];
        try {
          const exit = core.run(...args);
          accepted.push(
            `${which} ${name} (${CORE_EXIT_NAMES[exit]}, ${core.hart.retired} retired)`,
          );
          continue;
        } catch (error) {
          expect(error).toBeInstanceOf(CpuError);
          expect((error as CpuError).code).toBe('BAD_ARGUMENT');
          expect((error as CpuError).message).toMatch(new RegExp(`Core\\.run: ${which}`));
        }
        expect(core.hart.retired).toBe(0);
        expect(core.hart.pc).toBe(0x8000_0000);
      }
    }
    expect(accepted, `${kind}.run accepted bad arguments`).toEqual([]);
  });

  it('accepts 0, safe integers and Infinity', () => {
    const { core } = boot(kind, IDLE);
    expect(core.run(0, 0)).toBe(EXIT_BUDGET);
    expect(core.run(2 ** 53 - 1, Number.POSITIVE_INFINITY)).toBe(EXIT_IDLE);
    expect(core.run(Number.POSITIVE_INFINITY, 2 ** 53 - 1)).toBe(EXIT_IDLE);
  });

  it('refuses trap sinks that are not two 32-bit masks', () => {
    const { core } = boot(kind, 'nop');
    const bad: [unknown, RegExp][] = [
      [null, /expected \{ exceptions, interrupts \}, got null/],
      [undefined, /got undefined/],
      [7, /got 7/],
      [{ exceptions: -1, interrupts: 0 }, /exceptions must be a bit mask.*got -1/],
      [{ exceptions: 2 ** 32, interrupts: 0 }, /exceptions/],
      [{ exceptions: 0, interrupts: 1.5 }, /interrupts must be a bit mask.*got 1\.5/],
      [{ exceptions: 0 }, /interrupts.*got undefined/],
      [{ exceptions: '1', interrupts: 0 }, /exceptions.*got "1"/],
    ];
    for (const [sink, message] of bad)
      expectBadArgument(() => core.setTrapSink(sink as never), message);
    // Nothing was installed by the refused calls.
    expect(core.hart.interceptExceptions).toBe(0);
    expect(core.hart.interceptInterrupts).toBe(0);
    core.setTrapSink({ exceptions: 0xffff_ffff, interrupts: 0x8000_0000 });
    expect(core.hart.interceptExceptions).toBe(0xffff_ffff);
    expect(core.hart.interceptInterrupts).toBe(0x8000_0000);
  });
});
