import { describe, expect, it } from 'vitest';
import { disassemble, fenceSetText } from '../src/disassembler.js';

const both = (w: number, address = 0) => [
  disassemble(w, { aliases: false, address }),
  disassemble(w, { address }),
];

describe('disassemble', () => {
  it('prints canonical and alias forms like llvm-objdump', () => {
    expect(both(0x00000013)).toEqual(['addi\tzero, zero, 0', 'nop']);
    expect(both(0x02a00513)).toEqual(['addi\ta0, zero, 42', 'li\ta0, 42']);
    expect(both(0x00058513)).toEqual(['addi\ta0, a1, 0', 'mv\ta0, a1']);
    expect(both(0x00008067)).toEqual(['jalr\tzero, 0(ra)', 'ret']);
    expect(both(0x30002573)).toEqual(['csrrs\ta0, mstatus, zero', 'csrr\ta0, mstatus']);
    expect(both(0xc0002573)).toEqual(['csrrs\ta0, cycle, zero', 'rdcycle\ta0']);
    expect(both(0x7c002573)).toEqual(['csrrs\ta0, 1984, zero', 'csrr\ta0, 1984']);
    expect(both(0x0ff0000f)).toEqual(['fence\tiorw, iorw', 'fence']);
    expect(both(0x12000073)).toEqual(['sfence.vma\tzero, zero', 'sfence.vma']);
    expect(both(0xc0001073)).toEqual(['unimp', 'unimp']);
  });

  it('prints PC-relative targets as absolute addresses', () => {
    expect(both(0xfeb50ee3, 0x80000010)).toEqual([
      'beq\ta0, a1, 0x8000000c',
      'beq\ta0, a1, 0x8000000c',
    ]);
    expect(both(0x0080006f, 0x100)).toEqual(['jal\tzero, 0x108', 'j\t0x108']);
    expect(both(0xd96d, 0x20)).toEqual(['c.beqz\ta0, 0x12', 'beqz\ta0, 0x12']);
  });

  it('shows compressed instructions expanded when printing aliases, except x0 HINTs', () => {
    expect(both(0x4512)).toEqual(['c.lwsp\ta0, 4(sp)', 'lw\ta0, 4(sp)']);
    expect(both(0x852e)).toEqual(['c.mv\ta0, a1', 'mv\ta0, a1']);
    expect(both(0x8082)).toEqual(['c.jr\tra', 'ret']);
    expect(both(0x4001)).toEqual(['c.li\tzero, 0', 'c.li\tzero, 0']);
    expect(both(0x0005)).toEqual(['c.nop\t1', 'c.nop\t1']);
    expect(both(0x0002)).toEqual(['c.slli64\tzero', 'c.slli64\tzero']);
    expect(both(0x0000)).toEqual(['c.unimp', 'unimp']);
  });

  it('prints ordering suffixes and illegal words', () => {
    expect(disassemble(0x1405a52f)).toBe('lr.w.aq\ta0, (a1)');
    expect(disassemble(0x00000000)).toBe('c.unimp'.replace('c.', ''));
    expect(disassemble(0xffffffff)).toBe('<unknown>');
  });

  it('spells fence sets in iorw order', () => {
    expect(fenceSetText(0b1111)).toBe('iorw');
    expect(fenceSetText(0b0101)).toBe('ow');
    expect(fenceSetText(0)).toBe('unknown');
  });
});
