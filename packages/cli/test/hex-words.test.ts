import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { hexTokens, hexWordsToBytes } from '../src/hex-words.js';

describe('hexTokens', () => {
  it('splits on whitespace and commas and drops # comments', () => {
    expect(hexTokens('0x00a58533, 13\n\t0x4505 # c.li a0, 1\n# only a comment\n')).toEqual([
      '0x00a58533',
      '13',
      '0x4505',
    ]);
  });
});

describe('hexWordsToBytes', () => {
  it('sizes each word by its value and low bits', () => {
    expect([...hexWordsToBytes(['0x00a58533', '13', '0x4505', '0'], 'disasm')]).toEqual([
      0x33, 0x85, 0xa5, 0x00, 0x13, 0x00, 0x00, 0x00, 0x05, 0x45, 0x00, 0x00,
    ]);
  });

  it.each([
    ['0xzz', "'0xzz' is not a hexadecimal instruction word"],
    ['0x', "'0x' is not a hexadecimal instruction word"],
    ['1_0', "'1_0' is not a hexadecimal instruction word"],
    ['0x100000013', "'0x100000013' does not fit in 32 bits"],
    ['0x12344505', "'0x12344505' ends in binary 01, which marks a 16-bit instruction"],
  ])('rejects %s, naming it', (token, message) => {
    let caught: unknown;
    try {
      hexWordsToBytes(['13', token], 'disasm');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).code).toBe('BAD_INPUT');
    expect((caught as UsageError).message).toContain(message);
  });

  test.prop([fc.integer({ min: 0, max: 0x3fffffff }).map((v) => ((v << 2) | 3) >>> 0)])(
    'writes any 32-bit instruction word as its 4 little-endian bytes',
    (word) => {
      const bytes = hexWordsToBytes([`0x${word.toString(16)}`], 'disasm');
      expect(bytes.length).toBe(4);
      expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(word);
    },
  );

  test.prop([fc.integer({ min: 0, max: 0xffff }).filter((v) => (v & 3) !== 3)])(
    'writes any 16-bit instruction as its 2 little-endian bytes',
    (half) => {
      const bytes = hexWordsToBytes([half.toString(16)], 'disasm');
      expect([...bytes]).toEqual([half & 0xff, half >>> 8]);
    },
  );
});
