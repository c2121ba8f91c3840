import { describe, expect, it } from 'vitest';
import { operandBits } from '../src/table/define.js';
import { INSTRUCTIONS, instructionById, instructionsByName } from '../src/table/index.js';

describe('instruction table', () => {
  it('has unique ids and dense indices', () => {
    const ids = new Set(INSTRUCTIONS.map((s) => s.id));
    expect(ids.size).toBe(INSTRUCTIONS.length);
    expect(INSTRUCTIONS.map((s) => s.index)).toEqual(INSTRUCTIONS.map((_, i) => i));
  });

  it('covers every extension of the issue', () => {
    const count = (ext: string) => INSTRUCTIONS.filter((s) => s.extension === ext).length;
    // The 37 computational, control and memory instructions + FENCE, FENCE.TSO, ECALL, EBREAK.
    expect(count('I')).toBe(41);
    expect(count('M')).toBe(8);
    expect(count('A')).toBe(11);
    expect(count('Zicsr')).toBe(6);
    expect(count('Zifencei')).toBe(1);
    expect(count('Priv')).toBe(4);
    expect(count('H')).toBe(12);
    // Every RV32C instruction except the FP loads/stores, plus the HINT forms LLVM names.
    const compressed = new Set(INSTRUCTIONS.filter((s) => s.extension === 'C').map((s) => s.name));
    for (const name of [
      'c.addi4spn',
      'c.lw',
      'c.sw',
      'c.nop',
      'c.addi',
      'c.jal',
      'c.li',
      'c.addi16sp',
      'c.lui',
      'c.srli',
      'c.srai',
      'c.andi',
      'c.sub',
      'c.xor',
      'c.or',
      'c.and',
      'c.j',
      'c.beqz',
      'c.bnez',
      'c.slli',
      'c.lwsp',
      'c.jr',
      'c.mv',
      'c.ebreak',
      'c.jalr',
      'c.add',
      'c.swsp',
    ]) {
      expect(compressed.has(name), name).toBe(true);
    }
    expect([...compressed].some((n) => /c\.f/.test(n))).toBe(false);
  });

  it('keeps operand fields out of the fixed bits', () => {
    for (const spec of INSTRUCTIONS) {
      expect((operandBits(spec) & spec.mask) >>> 0, spec.id).toBe(0);
      expect((spec.match & ~spec.mask) >>> 0, spec.id).toBe(0);
      expect((spec.ignoredBits & spec.mask) >>> 0, spec.id).toBe(0);
    }
  });

  it('is unambiguous: overlapping entries nest, and the more specific one is listed in a leaf first', () => {
    for (const a of INSTRUCTIONS) {
      for (const b of INSTRUCTIONS) {
        if (a === b || a.size !== b.size) continue;
        const common = a.mask & b.mask;
        if ((a.match & common) >>> 0 !== (b.match & common) >>> 0) continue;
        // They overlap on fixed bits: one must be contained in the other, or they must
        // be separated by exclusions (reserved values of an operand field).
        const nested = (a.mask & b.mask) >>> 0 === b.mask || (a.mask & b.mask) >>> 0 === a.mask;
        const excluded = a.exclusions.length > 0 || b.exclusions.length > 0;
        expect(nested || excluded, `${a.id} / ${b.id}`).toBe(true);
      }
    }
  });

  it('expands every compressed instruction to a 32-bit one', () => {
    for (const spec of INSTRUCTIONS.filter((s) => s.size === 2)) {
      expect(spec.expansion, spec.id).toBeDefined();
      const base = instructionsByName(spec.expansion?.name ?? '')[0];
      expect(base?.size, spec.id).toBe(4);
    }
  });

  it('looks entries up by id and by name', () => {
    expect(instructionById('addi')?.name).toBe('addi');
    expect(instructionById('c.nop.hint')?.name).toBe('c.nop');
    expect(instructionsByName('c.nop').map((s) => s.id)).toEqual(['c.nop', 'c.nop.hint']);
    expect(instructionById('nope')).toBeUndefined();
  });
});
