/**
 * Generated instruction words for the templates that write, remap and jump into code: 32-bit
 * and compressed instructions that only compute (no memory access, no control flow, no CSR),
 * write only {@link CODE_REGISTERS}, and stay such instructions when the bits a code write may
 * flip ({@link I32_FLIP}, {@link C16_FLIP}) are flipped. Words are built with `@trapeze/isa`'s
 * encoder from structured fields, so that fast-check shrinks the fields and every shrunk value
 * is still a safe instruction.
 *
 * @module
 */
import { encode } from '@trapeze/isa';
import fc from 'fast-check';

/**
 * Registers generated code writes: x3–x24. Never ra (calls return through it), sp, the
 * accumulator s9 ({@link ACCUMULATOR}), the loop counter s10, the data base s11, nor t3–t6
 * (scratch registers of the records around the code).
 */
export const CODE_REGISTERS: readonly number[] = Array.from({ length: 22 }, (_, i) => i + 3);

/**
 * s9: the register generated code folds {@link CODE_REGISTERS} into after it runs
 * ({@link foldWords}), so that an instruction that ran stale (old code, an old mapping) shows in
 * the dump even when a later instruction overwrote its result. Bodies around such code never
 * write it.
 */
export const ACCUMULATOR = 25;

/**
 * 4-byte instruction words (whatever the assembler's RVC setting) that fold every
 * {@link CODE_REGISTERS} register into the {@link ACCUMULATOR}: `add` and `xor` in turn, then
 * a rotation by 7.
 */
export function foldWords(): number[] {
  const words = CODE_REGISTERS.map((r, i) =>
    word(i % 2 === 0 ? 'add' : 'xor', { rd: ACCUMULATOR, rs1: ACCUMULATOR, rs2: r }),
  );
  // Rotate left by 7 (through t3, x28, which the code around may use as scratch).
  words.push(
    word('srli', { rd: 28, rs1: ACCUMULATOR, imm: 25 }),
    word('slli', { rd: ACCUMULATOR, rs1: ACCUMULATOR, imm: 7 }),
    word('or', { rd: ACCUMULATOR, rs1: ACCUMULATOR, rs2: 28 }),
  );
  return words;
}

/** The registers of compressed instructions' 3-bit fields (x8–x15, all in {@link CODE_REGISTERS}). */
const C_REGISTERS = [8, 9, 10, 11, 12, 13, 14, 15];

/**
 * Bits of a {@link i32Arb} word a code write may flip (rs1[4:1] and rs2/imm[4:0]/shamt): the
 * result is again such a word (same opcode, funct3, funct7 and rd).
 */
export const I32_FLIP = 0x01ff_0000;

/**
 * Bits of a {@link c16Arb} halfword a code write may flip (bits 2–6: an immediate's low bits,
 * or rs2' and the operation of `c.sub`/`c.xor`/`c.or`/`c.and`): the result is again such a
 * halfword.
 */
export const C16_FLIP = 0x7c;

const word = (spec: string, fields: { rd?: number; rs1?: number; rs2?: number; imm?: number }) =>
  encode({ spec, ...fields }) >>> 0;

/** 32-bit instructions that only compute: OP and M, OP-IMM (shifts too), LUI, AUIPC. */
export const i32Arb: fc.Arbitrary<number> = fc.oneof(
  fc
    .record({
      op: fc.constantFrom('addi', 'slti', 'sltiu', 'xori', 'ori', 'andi'),
      rd: fc.constantFrom(...CODE_REGISTERS),
      rs1: fc.integer({ min: 0, max: 31 }),
      imm: fc.integer({ min: -2048, max: 2047 }),
    })
    .map(({ op, rd, rs1, imm }) => word(op, { rd, rs1, imm })),
  fc
    .record({
      op: fc.constantFrom('slli', 'srli', 'srai'),
      rd: fc.constantFrom(...CODE_REGISTERS),
      rs1: fc.integer({ min: 0, max: 31 }),
      imm: fc.integer({ min: 0, max: 31 }),
    })
    .map(({ op, rd, rs1, imm }) => word(op, { rd, rs1, imm })),
  fc
    .record({
      op: fc.constantFrom(
        'add',
        'sub',
        'sll',
        'slt',
        'sltu',
        'xor',
        'srl',
        'sra',
        'or',
        'and',
        'mul',
        'mulh',
        'mulhsu',
        'mulhu',
        'div',
        'divu',
        'rem',
        'remu',
      ),
      rd: fc.constantFrom(...CODE_REGISTERS),
      rs1: fc.integer({ min: 0, max: 31 }),
      rs2: fc.integer({ min: 0, max: 31 }),
    })
    .map(({ op, rd, rs1, rs2 }) => word(op, { rd, rs1, rs2 })),
  fc
    .record({
      op: fc.constantFrom('lui', 'auipc'),
      rd: fc.constantFrom(...CODE_REGISTERS),
      imm: fc.integer({ min: 0, max: 0xfffff }),
    })
    .map(({ op, rd, imm }) => word(op, { rd, imm })),
);

/**
 * Compressed instructions that only compute and stay such under {@link C16_FLIP}: `c.li`,
 * `c.addi` with a negative immediate, `c.lui` with a negative one, `c.andi`, and `c.sub`,
 * `c.xor`, `c.or`, `c.and`.
 */
export const c16Arb: fc.Arbitrary<number> = fc.oneof(
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), imm: fc.integer({ min: -32, max: 31 }) })
    .map(({ rd, imm }) => word('c.li', { rd, imm })),
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), imm: fc.integer({ min: -32, max: -1 }) })
    .map(({ rd, imm }) => word('c.addi', { rd, imm })),
  fc
    .record({ rd: fc.constantFrom(...CODE_REGISTERS), imm: fc.integer({ min: 0, max: 31 }) })
    .map(({ rd, imm }) => word('c.lui', { rd, imm: 0xfffe0 + imm })),
  fc
    .record({ rd: fc.constantFrom(...C_REGISTERS), imm: fc.integer({ min: -32, max: 31 }) })
    .map(({ rd, imm }) => word('c.andi', { rd, imm })),
  fc
    .record({
      op: fc.constantFrom('c.sub', 'c.xor', 'c.or', 'c.and'),
      rd: fc.constantFrom(...C_REGISTERS),
      rs2: fc.constantFrom(...C_REGISTERS),
    })
    .map(({ op, rd, rs2 }) => word(op, { rd, rs2 })),
);

/**
 * Any compressed instruction that only computes and writes {@link CODE_REGISTERS} (no flips
 * promised): {@link c16Arb}, `c.mv`, `c.add`, shifts by 1–31, `c.nop`, `c.addi4spn`.
 */
export const compressedArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: c16Arb },
  {
    weight: 1,
    arbitrary: fc
      .record({
        op: fc.constantFrom('c.mv', 'c.add'),
        rd: fc.constantFrom(...CODE_REGISTERS),
        rs2: fc.integer({ min: 1, max: 31 }),
      })
      .map(({ op, rd, rs2 }) => word(op, { rd, rs2 })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ rd: fc.constantFrom(...CODE_REGISTERS), imm: fc.integer({ min: 1, max: 31 }) })
      .map(({ rd, imm }) => word('c.slli', { rd, imm })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        op: fc.constantFrom('c.srli', 'c.srai'),
        rd: fc.constantFrom(...C_REGISTERS),
        imm: fc.integer({ min: 1, max: 31 }),
      })
      .map(({ op, rd, imm }) => word(op, { rd, imm })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant(word('c.nop', {})),
      fc
        .record({ rd: fc.constantFrom(...C_REGISTERS), imm: fc.integer({ min: 1, max: 255 }) })
        .map(({ rd, imm }) => word('c.addi4spn', { rd, imm: imm * 4 })),
    ),
  },
);

/** `lui rd, imm` with the upper half `upper` (imm = upper · 16 + `low`, low in 0…15). */
export function luiWithUpper(rd: number, upper: number, low: number): number {
  return word('lui', { rd, imm: (((upper & 0xffff) << 4) | (low & 15)) >>> 0 });
}

/** Non-shift OP-IMM operations by funct3. */
const OP_IMM_FUNCT3 = [0, 2, 3, 4, 6, 7];

/**
 * An OP-IMM instruction (`addi`, `slti`, `sltiu`, `xori`, `ori`, `andi`: `op` indexes them)
 * whose upper half is `upper`; `upper`'s low two bits must not be `11` (they are rs1[2:1], and
 * a compressed quadrant is what the caller wants there anyway). rs1[0] is `rs1low`.
 */
export function opImmWithUpper(rd: number, op: number, upper: number, rs1low: number): number {
  const funct3 = OP_IMM_FUNCT3[op % OP_IMM_FUNCT3.length] as number;
  return (
    (((upper & 0xffff) << 16) | ((rs1low & 1) << 15) | (funct3 << 12) | (rd << 7) | 0x13) >>> 0
  );
}

/**
 * Two words entered at the third byte that decode, from there, as a 32-bit OP-IMM instruction
 * (whose halves are the first word's upper half and the second word's lower half), then the
 * compressed `second` (the second word's upper half): `lui rd1, …` and `lui rd2, …` when
 * entered at the first byte. `rdx` and `op` are the OP-IMM's destination and operation; its
 * rs1 is a4 or a5 (bit `rs1low`), its immediate comes from the second `lui`.
 */
export function overlapChain(
  rd1: number,
  rdx: number,
  op: number,
  rs1low: number,
  rd2: number,
  low2: number,
  second: number,
): [number, number] {
  const w2 = luiWithUpper(rd2, second, low2);
  const funct3 = OP_IMM_FUNCT3[op % OP_IMM_FUNCT3.length] as number;
  // The OP-IMM's lower half: opcode, rd, funct3, rs1[0]; its upper half is w2's lower half,
  // whose low four bits (0x37's, LUI) make rs1[4:1] = 0b0111: rs1 = x14 or x15.
  const xLow = ((rs1low & 1) << 15) | (funct3 << 12) | (rdx << 7) | 0x13;
  const w1 = luiWithUpper(rd1, xLow, 0);
  return [w1, w2];
}
