import { describe, expect, it } from 'vitest';
import { hex } from '../src/errors.js';
import { MmuError } from '../src/index.js';

describe('MmuError', () => {
  it('carries a code and a name', () => {
    const e = new MmuError('OUT_OF_RANGE', 'where');
    expect([e.code, e.name, e.message, e instanceof Error]).toEqual([
      'OUT_OF_RANGE',
      'MmuError',
      'where',
      true,
    ]);
    expect(hex(0x1000)).toBe('0x00001000');
    expect(hex(0x3_0000_0000)).toBe('0x300000000');
  });
});
