/**
 * RV32C compressed instructions (unprivileged spec, chapter 16), every RV32 form.
 *
 * The floating-point loads and stores (C.FLW, C.FLD, C.FSW, C.FSD and their SP forms)
 * are absent: without an FPU their encodings are illegal. Reserved encodings are excluded
 * exactly as the specification lists them (C.ADDI4SPN/C.ADDI16SP/C.LUI with a zero
 * immediate, C.LWSP with rd = x0, C.JR with rs1 = x0, shifts with shamt[5] = 1 on RV32,
 * the all-zero halfword). HINT encodings are legal and decode to their instruction;
 * the ones that LLVM names separately (`c.nop imm`, `c.slli64`, `c.srli64`, `c.srai64`)
 * are entries of their own.
 *
 * @module
 */
import {
  C_FUNCT3,
  C_IMM_ADDI4SPN,
  C_IMM_ADDI16SP,
  C_IMM_B,
  C_IMM_CI,
  C_IMM_J,
  C_IMM_LUI,
  C_IMM_LW,
  C_IMM_LWSP,
  C_IMM_SWSP,
  C_OP,
  C_RD,
  C_RD_P,
  C_RS1_P,
  C_RS2,
  C_SHAMT,
  type EntryDefinition,
  type EntryOptions,
  entry,
  fixed,
  TIED,
} from './define.js';

const SHORT = C_FUNCT3 | C_OP;

function c(options: Omit<EntryOptions, 'extension' | 'size'>): EntryDefinition {
  return entry({ ...options, extension: 'C', size: 2 });
}

/** `funct3 << 13 | quadrant`. */
function q(funct3: number, quadrant: number): number {
  return (funct3 << 13) | quadrant;
}

/** C.SRLI/C.SRAI and their shamt = 0 HINT forms (bit 12 = shamt[5] must be zero on RV32). */
function shiftRight(name: string, funct2: number, expansion: string): EntryDefinition[] {
  const match = q(4, 1) | (funct2 << 10);
  return [
    c({
      name,
      mask: 0xfc03,
      match,
      rd: C_RS1_P,
      rs1: TIED,
      imm: C_SHAMT,
      exclusions: [{ field: 'imm', values: [0] }],
      syntax: 'rd, imm',
      expansion: { name: expansion },
    }),
    c({
      name: `${name}64`,
      mask: 0xfc7f,
      match,
      rd: C_RS1_P,
      rs1: TIED,
      syntax: 'rd',
      hint: true,
      expansion: { name: expansion, printed: false },
    }),
  ];
}

function arithmetic(name: string, funct2: number, expansion: string): EntryDefinition {
  return c({
    name,
    mask: 0xfc63,
    match: 0x8c01 | (funct2 << 5),
    rd: C_RS1_P,
    rs1: TIED,
    rs2: C_RD_P,
    syntax: 'rd, rs2',
    expansion: { name: expansion },
  });
}

function branchZero(name: string, funct3: number, expansion: string): EntryDefinition {
  return c({
    name,
    mask: SHORT,
    match: q(funct3, 1),
    rs1: C_RS1_P,
    rs2: fixed(0),
    imm: C_IMM_B,
    pcRelative: true,
    syntax: 'rs1, imm',
    expansion: { name: expansion },
  });
}

function jump(name: string, funct3: number, link: number): EntryDefinition {
  return c({
    name,
    mask: SHORT,
    match: q(funct3, 1),
    rd: fixed(link),
    imm: C_IMM_J,
    pcRelative: true,
    syntax: 'imm',
    expansion: { name: 'jal' },
  });
}

/** RV32C. */
export const RV32C: readonly EntryDefinition[] = [
  // Quadrant 0.
  c({
    name: 'c.addi4spn',
    mask: SHORT,
    match: q(0, 0),
    rd: C_RD_P,
    rs1: fixed(2),
    imm: C_IMM_ADDI4SPN,
    exclusions: [{ field: 'imm', values: [0] }],
    syntax: 'rd, rs1, imm',
    expansion: { name: 'addi' },
  }),
  c({
    name: 'c.lw',
    mask: SHORT,
    match: q(2, 0),
    rd: C_RD_P,
    rs1: C_RS1_P,
    imm: C_IMM_LW,
    syntax: 'rd, imm(rs1)',
    expansion: { name: 'lw' },
  }),
  c({
    name: 'c.sw',
    mask: SHORT,
    match: q(6, 0),
    rs2: C_RD_P,
    rs1: C_RS1_P,
    imm: C_IMM_LW,
    syntax: 'rs2, imm(rs1)',
    expansion: { name: 'sw' },
  }),
  // Quadrant 1.
  c({
    name: 'c.nop',
    mask: 0xffff,
    match: 0x0001,
    rd: fixed(0),
    rs1: fixed(0),
    syntax: '',
    expansion: { name: 'addi' },
  }),
  c({
    id: 'c.nop.hint',
    name: 'c.nop',
    mask: SHORT | 0x0f80,
    match: q(0, 1),
    rd: fixed(0),
    rs1: fixed(0),
    imm: C_IMM_CI,
    exclusions: [{ field: 'imm', values: [0] }],
    syntax: 'imm',
    hint: true,
    expansion: { name: 'addi', printed: false },
  }),
  c({
    name: 'c.addi',
    mask: SHORT,
    match: q(0, 1),
    rd: C_RD,
    rs1: TIED,
    imm: C_IMM_CI,
    exclusions: [{ field: 'rd', values: [0] }],
    syntax: 'rd, imm',
    expansion: { name: 'addi' },
  }),
  jump('c.jal', 1, 1),
  c({
    name: 'c.li',
    mask: SHORT,
    match: q(2, 1),
    rd: C_RD,
    rs1: fixed(0),
    imm: C_IMM_CI,
    syntax: 'rd, imm',
    expansion: { name: 'addi' },
  }),
  c({
    name: 'c.addi16sp',
    mask: SHORT | 0x0f80,
    match: q(3, 1) | (2 << 7),
    rd: fixed(2),
    rs1: fixed(2),
    imm: C_IMM_ADDI16SP,
    exclusions: [{ field: 'imm', values: [0] }],
    syntax: 'rd, imm',
    expansion: { name: 'addi' },
  }),
  c({
    name: 'c.lui',
    mask: SHORT,
    match: q(3, 1),
    rd: C_RD,
    imm: C_IMM_LUI,
    exclusions: [
      { field: 'rd', values: [0, 2] },
      { field: 'imm', values: [0] },
    ],
    syntax: 'rd, imm',
    expansion: { name: 'lui' },
  }),
  // C.LUI with rd = x0 is a HINT; LLVM shows its immediate as the signed 6-bit value.
  c({
    id: 'c.lui.hint',
    name: 'c.lui',
    mask: SHORT | 0x0f80,
    match: q(3, 1),
    rd: fixed(0),
    imm: C_IMM_CI,
    exclusions: [{ field: 'imm', values: [0] }],
    syntax: 'rd, imm',
    hint: true,
    expansion: { name: 'lui', printed: false },
  }),
  ...shiftRight('c.srli', 0, 'srli'),
  ...shiftRight('c.srai', 1, 'srai'),
  c({
    name: 'c.andi',
    mask: 0xec03,
    match: q(4, 1) | (2 << 10),
    rd: C_RS1_P,
    rs1: TIED,
    imm: C_IMM_CI,
    syntax: 'rd, imm',
    expansion: { name: 'andi' },
  }),
  arithmetic('c.sub', 0, 'sub'),
  arithmetic('c.xor', 1, 'xor'),
  arithmetic('c.or', 2, 'or'),
  arithmetic('c.and', 3, 'and'),
  jump('c.j', 5, 0),
  branchZero('c.beqz', 6, 'beq'),
  branchZero('c.bnez', 7, 'bne'),
  // Quadrant 2.
  c({
    name: 'c.slli',
    mask: SHORT | 0x1000,
    match: q(0, 2),
    rd: C_RD,
    rs1: TIED,
    imm: C_SHAMT,
    exclusions: [{ field: 'imm', values: [0] }],
    syntax: 'rd, imm',
    expansion: { name: 'slli' },
  }),
  c({
    name: 'c.slli64',
    mask: SHORT | 0x107c,
    match: q(0, 2),
    rd: C_RD,
    rs1: TIED,
    syntax: 'rd',
    hint: true,
    expansion: { name: 'slli', printed: false },
  }),
  c({
    name: 'c.lwsp',
    mask: SHORT,
    match: q(2, 2),
    rd: C_RD,
    rs1: fixed(2),
    imm: C_IMM_LWSP,
    exclusions: [{ field: 'rd', values: [0] }],
    syntax: 'rd, imm(rs1)',
    expansion: { name: 'lw' },
  }),
  c({
    name: 'c.jr',
    mask: 0xf07f,
    match: 0x8002,
    rd: fixed(0),
    rs1: C_RD,
    exclusions: [{ field: 'rs1', values: [0] }],
    syntax: 'rs1',
    expansion: { name: 'jalr' },
  }),
  c({
    name: 'c.mv',
    mask: 0xf003,
    match: 0x8002,
    rd: C_RD,
    rs1: fixed(0),
    rs2: C_RS2,
    exclusions: [{ field: 'rs2', values: [0] }],
    syntax: 'rd, rs2',
    expansion: { name: 'add', printedAs: 'mv' },
  }),
  c({ name: 'c.ebreak', mask: 0xffff, match: 0x9002, syntax: '', expansion: { name: 'ebreak' } }),
  c({
    name: 'c.jalr',
    mask: 0xf07f,
    match: 0x9002,
    rd: fixed(1),
    rs1: C_RD,
    exclusions: [{ field: 'rs1', values: [0] }],
    syntax: 'rs1',
    expansion: { name: 'jalr' },
  }),
  c({
    name: 'c.add',
    mask: 0xf003,
    match: 0x9002,
    rd: C_RD,
    rs1: TIED,
    rs2: C_RS2,
    exclusions: [{ field: 'rs2', values: [0] }],
    syntax: 'rd, rs2',
    expansion: { name: 'add' },
  }),
  c({
    name: 'c.swsp',
    mask: SHORT,
    match: q(6, 2),
    rs2: C_RS2,
    rs1: fixed(2),
    imm: C_IMM_SWSP,
    syntax: 'rs2, imm(rs1)',
    expansion: { name: 'sw' },
  }),
];
