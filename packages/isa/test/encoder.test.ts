import { describe, expect, it } from 'vitest';
import { EncodeError, encode } from '../src/encoder.js';

function codeOf(fn: () => unknown): [string, string, string] {
  try {
    fn();
  } catch (e) {
    if (e instanceof EncodeError) return [e.code, e.field, e.message];
    throw e;
  }
  throw new Error('expected an EncodeError');
}

describe('encode', () => {
  it('encodes every format', () => {
    expect(encode({ spec: 'addi', rd: 10, rs1: 10, imm: 1 })).toBe(0x00150513);
    expect(encode({ spec: 'sw', rs2: 10, rs1: 2, imm: 12 })).toBe(0x00a12623);
    expect(encode({ spec: 'beq', rs1: 10, rs2: 11, imm: -4 })).toBe(0xfeb50ee3);
    expect(encode({ spec: 'jal', rd: 1, imm: -1048576 })).toBe(0x800000ef);
    expect(encode({ spec: 'csrrw', rd: 0, csr: 0x305, rs1: 5 })).toBe(0x30529073);
    expect(encode({ spec: 'amoadd.w', rd: 10, rs1: 12, rs2: 11, aq: true, rl: true })).toBe(
      0x06b6252f,
    );
    expect(encode({ spec: 'fence', pred: 3, succ: 1 })).toBe(0x0310000f);
    expect(encode({ spec: 'c.lwsp', rd: 10, imm: 4 })).toBe(0x4512);
    expect(encode({ spec: 'c.addi4spn', rd: 10, rs1: 2, imm: 16 })).toBe(0x0808);
    expect(encode({ spec: 'c.lui', rd: 10, imm: 0xfffff })).toBe(0x757d);
  });

  it('rejects operands that do not fit, with a typed error naming the field', () => {
    expect(codeOf(() => encode({ spec: 'addi', rd: 32 }))).toEqual([
      'BAD_REGISTER',
      'rd',
      'addi: rd = 32 is not a register x0…x31',
    ]);
    expect(codeOf(() => encode({ spec: 'addi', imm: 2048 }))[0]).toBe('BAD_IMMEDIATE');
    expect(codeOf(() => encode({ spec: 'beq', imm: 3 }))[2]).toBe(
      'beq: immediate 3 must be an integer in [-4096, 4094], a multiple of 2',
    );
    expect(codeOf(() => encode({ spec: 'c.lw', rd: 5, rs1: 8 }))[2]).toBe(
      'c.lw: rd must be one of x8…x15 (s0, s1, a0…a5), not t0',
    );
    expect(codeOf(() => encode({ spec: 'c.lwsp', rd: 10, rs1: 3, imm: 4 }))[2]).toBe(
      'c.lwsp: rs1 must be sp, not gp',
    );
    expect(codeOf(() => encode({ spec: 'c.addi', rd: 10, rs1: 11, imm: 1 }))[2]).toBe(
      'c.addi: rs1 must be the same register as rd (a0), not a1',
    );
    expect(codeOf(() => encode({ spec: 'c.lwsp', rd: 0, imm: 4 }))).toEqual([
      'RESERVED',
      'rd',
      'c.lwsp: rd = zero is a reserved encoding',
    ]);
    expect(codeOf(() => encode({ spec: 'c.lui', rd: 10, imm: 0x40 }))[0]).toBe('BAD_IMMEDIATE');
    expect(codeOf(() => encode({ spec: 'add', imm: 1 }))).toEqual([
      'BAD_FIELD',
      'imm',
      'add has no immediate operand',
    ]);
    expect(codeOf(() => encode({ spec: 'csrrw', csr: 4096 }))[2]).toBe(
      'csrrw: csr = 4096 does not fit in 12 bits',
    );
    expect(codeOf(() => encode({ spec: 'add', aq: true }))[0]).toBe('BAD_FIELD');
    expect(codeOf(() => encode({ spec: 'addi', reserved: 1 << 7 }))[1]).toBe('reserved');
    expect(codeOf(() => encode({ spec: 'frob' }))).toEqual([
      'UNKNOWN_INSTRUCTION',
      'spec',
      'unknown instruction "frob"',
    ]);
  });

  it('keeps the ignored bits of FENCE.I', () => {
    expect(encode({ spec: 'fence.i', reserved: 0xfff59f80 & ~0x7000 })).toBe(
      ((0xfff59f8f & ~0x7000) | 0x1000) >>> 0,
    );
  });
});
