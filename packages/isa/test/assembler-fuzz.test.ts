/**
 * Bad input never crashes the assembler: any text either assembles or is answered with an
 * AssembleError naming line, column and reason.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { assemble } from '../src/assembler/assembler.js';
import { AssembleError } from '../src/assembler/errors.js';

const PIECES = [
  'addi',
  'c.addi',
  'lw',
  'sw',
  'li',
  'la',
  'call',
  'j',
  'beq',
  'csrr',
  'csrw',
  'fence',
  'lr.w.aq',
  'amoadd.w',
  '.word',
  '.byte',
  '.align',
  '.org',
  '.equ',
  '.section',
  '.data',
  '.bss',
  '.zero',
  '.asciz',
  '.option',
  'a0',
  'sp',
  'zero',
  'x31',
  'x32',
  'mstatus',
  'rw',
  'iorw',
  '0',
  '-1',
  '0x7ff',
  '4096',
  '0xffffffff',
  '99999999999',
  '1b',
  '1f',
  'L',
  'L:',
  '1:',
  ',',
  '(',
  ')',
  '%hi(',
  '%lo(',
  '%pcrel_lo(',
  '+',
  '-',
  '*',
  '/',
  '<<',
  '"s"',
  "'c'",
  '#',
  ';',
  '/*',
  '*/',
  '.',
  '\t',
  ' ',
  '\n',
];

function check(source: string): void {
  try {
    assemble(source, { textAddress: 0x1000 });
  } catch (e) {
    expect(e).toBeInstanceOf(AssembleError);
    for (const error of (e as AssembleError).errors) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
      expect(error.reason.length).toBeGreaterThan(0);
    }
  }
}

describe('assembler robustness', () => {
  prop.prop(
    [fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(' '))],
    { numRuns: 1000 },
  )('answers token soup with an AssembleError or output', (source) => check(source));

  prop.prop([fc.string({ maxLength: 200 })], { numRuns: 1000 })(
    'answers arbitrary text with an AssembleError or output',
    (source) => check(source),
  );
});
