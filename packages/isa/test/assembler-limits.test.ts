/**
 * Limits of the assembler: expressions nested past MAX_EXPRESSION_DEPTH are an assembly error
 * at the operator that goes too deep (never a host stack overflow), chains of binary
 * operators of any length assemble, and errors on huge lines quote a short window of the
 * source.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AssembleError, assemble, MAX_EXPRESSION_DEPTH, MAX_QUOTED } from '../src/index.js';

const UNARY = ['-', '+', '~', '!'] as const;
const BINARY = [
  '||',
  '&&',
  '|',
  '^',
  '&',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '<<',
  '>>',
  '+',
  '-',
  '*',
  '/',
  '%',
] as const;
const RELOCATIONS = ['%hi', '%lo'] as const;

/** How an expression nests one level around `inner`. */
const LEVEL = fc.oneof(
  fc.constantFrom(...UNARY).map((op) => (inner: string) => `${op}${inner}`),
  fc.constant((inner: string) => `(${inner})`),
  fc.constantFrom(...RELOCATIONS).map((op) => (inner: string) => `${op}(${inner})`),
  fc.constantFrom(...BINARY).map((op) => (inner: string) => `1 ${op} (${inner})`),
);

function nest(levels: readonly ((inner: string) => string)[]): string {
  let text = '1';
  for (const level of levels) text = level(text);
  return text;
}

/** The word `.word EXPR` assembles to, or the AssembleError it throws. */
function word(expression: string): number | AssembleError {
  try {
    const bytes = assemble(`.word ${expression}`).sections[0]?.bytes as Uint8Array;
    return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  } catch (error) {
    if (error instanceof AssembleError) return error;
    throw error;
  }
}

const nestingError = (e: unknown) =>
  e instanceof AssembleError && /nested more than 256 levels/.test(e.errors[0]?.reason ?? '');

describe('expression nesting', () => {
  it('allows 256 levels of each kind and refuses 257 with a typed error at the operator', () => {
    for (const [open, close] of [
      ['-', ''],
      ['+', ''],
      ['~', ''],
      ['!', ''],
      ['(', ')'],
      ['%lo(', ')'],
    ]) {
      const ok = word(`${open.repeat(MAX_EXPRESSION_DEPTH)}1${close.repeat(MAX_EXPRESSION_DEPTH)}`);
      expect(typeof ok, open).toBe('number');
      const deep = word(
        `${open.repeat(MAX_EXPRESSION_DEPTH + 1)}1${close.repeat(MAX_EXPRESSION_DEPTH + 1)}`,
      );
      expect(nestingError(deep), open).toBe(true);
      const error = (deep as AssembleError).errors[0];
      expect([error?.line, error?.column]).toEqual([1, 7 + MAX_EXPRESSION_DEPTH * open.length]);
    }
  });

  it('answers the inputs of the bug report with an AssembleError', () => {
    expect(nestingError(word(`${'-'.repeat(10_000)}1`))).toBe(true);
    expect(nestingError(word(`${'('.repeat(5_000)}1${')'.repeat(5_000)}`))).toBe(true);
  });

  it('evaluates deep unary chains correctly', () => {
    expect(word(`${'-'.repeat(255)}5`)).toBe(-5 >>> 0);
    expect(word(`${'~'.repeat(256)}5`)).toBe(5);
    expect(word(`${'!'.repeat(255)}0`)).toBe(1);
  });

  prop.prop([fc.array(LEVEL, { minLength: 1, maxLength: 600 })], { numRuns: 200 })(
    'nesting of every operator kind assembles up to the limit and is an assembly error past it',
    (levels) => {
      const result = word(nest(levels));
      // Each level of LEVEL adds exactly one level of nesting.
      if (levels.length <= MAX_EXPRESSION_DEPTH) expect(nestingError(result)).toBe(false);
      else expect(nestingError(result)).toBe(true);
    },
  );

  prop.prop([fc.constantFrom(...BINARY), fc.integer({ min: 1, max: 20_000 })], { numRuns: 30 })(
    'chains of one binary operator have no length limit',
    (op, length) => {
      const result = word(Array.from({ length }, () => '1').join(` ${op} `));
      // A number, or a value too large for .word (1 << 1 << … << 1), never a nesting error.
      if (typeof result !== 'number') expect(result.errors[0]?.reason).toMatch(/does not fit/);
    },
  );

  it('evaluates long chains left to right', () => {
    expect(word(Array.from({ length: 100_000 }, () => '1').join(' - '))).toBe(-99_998 >>> 0);
    expect(word(`1 ${'<< 1 '.repeat(31)}`)).toBe(0x8000_0000);
  });
});

describe('long lines', () => {
  prop.prop([fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('x', '9', '_')], {
    numRuns: 6,
  })('an error quotes at most MAX_QUOTED characters of source, with an ellipsis', (n, c) => {
    for (const source of [
      `f${c.repeat(n)}`,
      `li a0, ${c.repeat(n)}q @`,
      `.byte ${'1,'.repeat(n)} q q`,
    ]) {
      try {
        assemble(source);
      } catch (error) {
        expect(error).toBeInstanceOf(AssembleError);
        for (const e of (error as AssembleError).errors) {
          expect(e.message.length).toBeLessThan(200);
          for (const run of e.reason.split(/[\s"]/))
            expect(run.length).toBeLessThanOrEqual(MAX_QUOTED + 1);
        }
      }
    }
  });

  it('cuts a long name at MAX_QUOTED characters with an ellipsis', () => {
    expect(() => assemble(`foo${'x'.repeat(400_000)}`)).toThrow(
      `<input>:1:1: error: unknown instruction "foo${'x'.repeat(MAX_QUOTED - 3)}…"`,
    );
  });
});
