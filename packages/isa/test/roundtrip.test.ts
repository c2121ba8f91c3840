/**
 * Round-trip properties over the table: decode ∘ encode is the identity on operands,
 * encode ∘ decode is the identity on legal words, and disassembly re-assembles to the
 * same bytes.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { anyInstruction, anyWord, instructionFields } from '../src/arbitraries.js';
import { assemble } from '../src/assembler/assembler.js';
import { decode } from '../src/decoder.js';
import { disassemble, expandCompressed } from '../src/disassembler.js';
import { encode } from '../src/encoder.js';
import type { Instruction } from '../src/instruction.js';
import { RV32IMAC } from '../src/isa.js';
import { INSTRUCTIONS } from '../src/table/index.js';
import { fieldsOf } from './support/fields.js';

const ENABLED = INSTRUCTIONS.filter((s) => RV32IMAC.extensions.has(s.extension));

function reencode(i: Instruction): number {
  return encode({ spec: i.spec, ...fieldsOf(i) });
}

function bytesOf(word: number, size: 2 | 4): number[] {
  return size === 2
    ? [word & 0xff, word >>> 8]
    : [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24];
}

function assembleText(text: string, address: number, rvc: boolean): number[] {
  const source = `${rvc ? '' : '.option norvc\n'}${text}\n`;
  return [...(assemble(source, { textAddress: address }).sections[0]?.bytes ?? [])];
}

describe('decode ∘ encode', () => {
  for (const spec of ENABLED) {
    prop.prop([instructionFields(spec)])(`is the identity for ${spec.id}`, (fields) => {
      const word = encode(fields);
      const decoded = decode(word);
      expect(decoded.spec.id).toBe(spec.id);
      expect(decoded.size).toBe(spec.size);
      const expected = { ...fieldsOf(decoded), ...fields, spec: undefined };
      expect({ ...fieldsOf(decoded), spec: undefined }).toEqual(expected);
    });
  }
});

describe('encode ∘ decode', () => {
  it('is the identity on every legal halfword', () => {
    let legal = 0;
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 3) === 3) continue;
      const i = decode(h);
      if (!i.legal) continue;
      legal++;
      expect(reencode(i)).toBe(h);
    }
    // 49,152 compressed halfwords less the FP loads/stores, reserved and illegal ones.
    expect(legal).toBeGreaterThan(28000);
  });

  prop.prop([anyWord()], { numRuns: 20000 })('is the identity on legal 32-bit words', (w) => {
    const word = (w | 3) >>> 0;
    const i = decode(word);
    if (i.legal) expect(reencode(i)).toBe(word);
  });

  prop.prop([anyInstruction()])('is the identity on encoded random instructions', (fields) => {
    const word = encode(fields);
    expect(reencode(decode(word))).toBe(word);
  });
});

describe('disassemble → assemble', () => {
  const address = 0x80001000;
  prop.prop([anyInstruction()], { numRuns: 5000 })(
    'gives the same bytes (canonical syntax)',
    (fields) => {
      const word = encode(fields);
      const i = decode(word);
      const text = disassemble(i, { aliases: false, address });
      // Reserved (ignored) bits have no assembly syntax: they come back as zero.
      const expected = (word & ~i.spec.ignoredBits) >>> 0;
      expect(assembleText(text, address, false)).toEqual(bytesOf(expected, i.size));
    },
  );

  prop.prop([anyInstruction()], { numRuns: 5000 })(
    'gives the same bytes with aliases (32-bit forms)',
    (fields) => {
      const word = encode(fields);
      const i = decode(word);
      fc.pre(i.size === 4);
      const text = disassemble(i, { aliases: true, address });
      const expected = (word & ~i.spec.ignoredBits) >>> 0;
      expect(assembleText(text, address, false)).toEqual(bytesOf(expected, 4));
    },
  );

  prop.prop([anyInstruction()], { numRuns: 5000 })(
    'gives an equivalent instruction with aliases (compressed forms)',
    (fields) => {
      const word = encode(fields);
      const i = decode(word);
      fc.pre(i.size === 2);
      const text = disassemble(i, { aliases: true, address });
      const bytes = assembleText(text, address, true);
      const back = decode(
        bytes.length === 2
          ? (bytes[0] as number) | ((bytes[1] as number) << 8)
          : (bytes[0] as number) |
              ((bytes[1] as number) << 8) |
              ((bytes[2] as number) << 16) |
              ((bytes[3] as number) << 24),
      );
      // The same operation: identical canonical text of the expansions, where a register copy
      // (`addi rd, rs, 0` from C.ADDI's HINT form, or `add rd, x0, rs` from C.MV) counts once.
      const effect = (x: Instruction) => {
        const full = x.size === 2 ? (expandCompressed(x) as Instruction) : x;
        if (full.spec.name === 'addi' && full.imm === 0 && full.rs1 !== 0)
          return `copy ${full.rd} ${full.rs1}`;
        if (full.spec.name === 'add' && full.rs1 === 0) return `copy ${full.rd} ${full.rs2}`;
        return disassemble(full, { aliases: false, address });
      };
      expect(effect(back)).toBe(effect(i));
    },
  );
});
