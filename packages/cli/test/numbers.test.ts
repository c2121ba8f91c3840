import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { hex, parseAddress } from '../src/numbers.js';

describe('parseAddress', () => {
  it('reads hexadecimal and decimal addresses', () => {
    expect(parseAddress('0x80000000', '--base', 'asm')).toBe(0x80000000);
    expect(parseAddress('0XFFFF_FFFE', '--base', 'asm')).toBe(0xfffffffe);
    expect(parseAddress('4096', '--base', 'asm')).toBe(4096);
  });

  it.each([
    ['zz', 'is not an address'],
    ['-4', 'is not an address'],
    ['0x100000000', 'does not fit in 32 bits'],
    ['0x3', 'is odd'],
  ])('rejects %s', (text, reason) => {
    expect(() => parseAddress(text, '--base', 'asm')).toThrow(UsageError);
    expect(() => parseAddress(text, '--base', 'asm')).toThrow(reason);
  });
});

describe('hex', () => {
  it('pads to the digits asked and treats values as unsigned', () => {
    expect(hex(0x2a, 8)).toBe('0000002a');
    expect(hex(-1, 1)).toBe('ffffffff');
  });
});
