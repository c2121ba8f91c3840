/**
 * The `SEMANTICS` texts as WebAssembly (translator/wasm-expression.ts) mean what they mean as
 * JavaScript: every text of every instruction, on random and edge operands, gives the same
 * 32-bit result in both hosts; texts whose 32-bit meaning would differ are refused.
 */
import { test } from '@fast-check/vitest';
import {
  compileSemantics,
  SEMANTIC_HELPER_FUNCTIONS,
  SEMANTIC_HELPERS,
  SEMANTICS,
} from '@trapeze/isa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emitExpression,
  type OperandName,
  WasmExpressionError,
} from '../../src/translator/wasm-expression.js';
import { WasmCode, wasmModule } from '../../src/translator/wasm-module.js';

type Evaluate = (a: number, b: number, i: number, pc: number, next: number, v: number) => number;

const PARAMS: readonly OperandName[] = ['a', 'b', 'i', 'pc', 'next', 'v'];

/** `text` compiled to a WebAssembly function of the six operands. */
function wasm(text: string): Evaluate {
  const code = new WasmCode(PARAMS.length);
  emitExpression(code, text, {
    operand: (name) => code.get(PARAMS.indexOf(name)),
    helper: (name) => (SEMANTIC_HELPERS as readonly string[]).indexOf(name),
  });
  const bytes = wasmModule({
    memory: false,
    imports: SEMANTIC_HELPERS.map((name) => ({ name, params: 2, results: 1 as const })),
    functions: [code],
    exports: [{ name: 'run', index: SEMANTIC_HELPERS.length }],
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    m: SEMANTIC_HELPER_FUNCTIONS,
  });
  return instance.exports.run as Evaluate;
}

/** `text` as JavaScript, its result as the 32-bit word it becomes (booleans 1 and 0). */
function javascript(text: string): Evaluate {
  const f = compileSemantics<Evaluate>(
    PARAMS.map((p) => `$${p}`),
    `return ${text};`,
  );
  return (a, b, i, pc, next, v) => Number(f(a, b, i, pc >>> 0, next >>> 0, v)) | 0;
}

/** Every expression text in the table, with the instruction it belongs to. */
const TEXTS: [string, string][] = Object.entries(SEMANTICS).flatMap(([name, s]) => {
  if (s.kind === 'value') return [[name, s.value]];
  if (s.kind === 'branch') return [[name, s.taken]];
  if (s.kind === 'jump') return [[name, s.target]];
  if (s.kind === 'load') return [[name, s.extend]];
  return [];
});

const word = fc.oneof(
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  fc.constantFrom(0, 1, -1, 31, 32, -0x8000_0000, 0x7fff_ffff, 0x4000_0000, -2048, 2047),
);

describe('SEMANTICS texts in WebAssembly', () => {
  it('covers every instruction with an expression', () => {
    expect(TEXTS.length).toBeGreaterThan(40);
  });

  describe.each(TEXTS)('%s: %s', (_name, text) => {
    const inWasm = wasm(text);
    const inJs = javascript(text);
    test.prop([word, word, word, word, word, fc.integer({ min: 0, max: 0xffff })], {
      numRuns: 200,
    })('gives the same word as JavaScript', (a, b, i, pc, next, v) => {
      expect(inWasm(a, b, i, pc, next, v)).toBe(inJs(a, b, i, pc, next, v));
    });
  });

  it.each([
    ['($a + $b) < $i', /unwrapped sum/],
    ['$a >>> 0 < $b', /signed with an unsigned/],
    ['foo($a, $b)', /unknown function/],
    ['$x + 1', /unknown operand/],
    ['$a * $b', /cannot read|unexpected/],
  ])('refuses %s, whose 32-bit meaning would differ or is unknown', (text, message) => {
    const attempt = () => wasm(text);
    expect(attempt).toThrow(WasmExpressionError);
    expect(attempt).toThrow(message);
  });
});
