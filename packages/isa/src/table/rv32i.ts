/**
 * RV32I base integer instructions (unprivileged spec, chapter 2), ECALL/EBREAK and FENCE.TSO.
 *
 * @module
 */
import {
  type EntryDefinition,
  entry,
  FUNCT3,
  FUNCT7,
  f3,
  IMM_B,
  IMM_I,
  IMM_J,
  IMM_S,
  IMM_U,
  OPCODE,
  RD,
  RD_BITS,
  RS1,
  RS1_BITS,
  RS2,
  SHAMT,
} from './define.js';

const I = 'I' as const;

function upper(name: string, opcode: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE,
    match: opcode,
    rd: RD,
    imm: IMM_U,
    syntax: 'rd, imm',
  });
}

function branch(name: string, funct3: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(funct3, 0x63),
    rs1: RS1,
    rs2: RS2,
    imm: IMM_B,
    pcRelative: true,
    syntax: 'rs1, rs2, imm',
  });
}

function load(name: string, funct3: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(funct3, 0x03),
    rd: RD,
    rs1: RS1,
    imm: IMM_I,
    syntax: 'rd, imm(rs1)',
  });
}

function store(name: string, funct3: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(funct3, 0x23),
    rs1: RS1,
    rs2: RS2,
    imm: IMM_S,
    syntax: 'rs2, imm(rs1)',
  });
}

function immediate(name: string, funct3: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(funct3, 0x13),
    rd: RD,
    rs1: RS1,
    imm: IMM_I,
    syntax: 'rd, rs1, imm',
  });
}

/** Shift by immediate; on RV32 `shamt[5]` (bit 25) must be zero, so it is part of funct7. */
function shift(name: string, funct3: number, funct7: number): EntryDefinition {
  return entry({
    name,
    extension: I,
    mask: OPCODE | FUNCT3 | FUNCT7,
    match: f3(funct3, 0x13) | (funct7 << 25),
    rd: RD,
    rs1: RS1,
    imm: SHAMT,
    syntax: 'rd, rs1, imm',
  });
}

/** Register-register operation (also used by the M extension). */
export function registerOp(
  name: string,
  funct3: number,
  funct7: number,
  extension: 'I' | 'M' = I,
): EntryDefinition {
  return entry({
    name,
    extension,
    mask: OPCODE | FUNCT3 | FUNCT7,
    match: f3(funct3, 0x33) | (funct7 << 25),
    rd: RD,
    rs1: RS1,
    rs2: RS2,
    syntax: 'rd, rs1, rs2',
  });
}

/** Whole-word encoding without operands. */
export function exact(
  name: string,
  word: number,
  extension: 'I' | 'Priv',
  ignoredBits = 0,
): EntryDefinition {
  const mask = (0xffffffff & ~ignoredBits) >>> 0;
  return entry({ name, extension, mask, match: word, syntax: '', ignoredBits });
}

/** RV32I. */
export const RV32I: readonly EntryDefinition[] = [
  upper('lui', 0x37),
  upper('auipc', 0x17),
  entry({
    name: 'jal',
    extension: I,
    mask: OPCODE,
    match: 0x6f,
    rd: RD,
    imm: IMM_J,
    pcRelative: true,
    syntax: 'rd, imm',
  }),
  entry({
    name: 'jalr',
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(0, 0x67),
    rd: RD,
    rs1: RS1,
    imm: IMM_I,
    syntax: 'rd, imm(rs1)',
  }),
  branch('beq', 0),
  branch('bne', 1),
  branch('blt', 4),
  branch('bge', 5),
  branch('bltu', 6),
  branch('bgeu', 7),
  load('lb', 0),
  load('lh', 1),
  load('lw', 2),
  load('lbu', 4),
  load('lhu', 5),
  store('sb', 0),
  store('sh', 1),
  store('sw', 2),
  immediate('addi', 0),
  immediate('slti', 2),
  immediate('sltiu', 3),
  immediate('xori', 4),
  immediate('ori', 6),
  immediate('andi', 7),
  shift('slli', 1, 0x00),
  shift('srli', 5, 0x00),
  shift('srai', 5, 0x20),
  registerOp('add', 0, 0x00),
  registerOp('sub', 0, 0x20),
  registerOp('sll', 1, 0x00),
  registerOp('slt', 2, 0x00),
  registerOp('sltu', 3, 0x00),
  registerOp('xor', 4, 0x00),
  registerOp('srl', 5, 0x00),
  registerOp('sra', 5, 0x20),
  registerOp('or', 6, 0x00),
  registerOp('and', 7, 0x00),
  // FENCE: rd, rs1 and the fence mode are reserved; implementations ignore them (spec 2.7).
  entry({
    name: 'fence',
    extension: I,
    mask: OPCODE | FUNCT3,
    match: f3(0, 0x0f),
    fence: true,
    syntax: 'pred, succ',
    ignoredBits: 0xf0000000 | RS1_BITS | RD_BITS,
  }),
  // FENCE.TSO: fm = 1000, pred = succ = RW; rd and rs1 are ignored like FENCE's.
  exact('fence.tso', 0x8330000f, I, RS1_BITS | RD_BITS),
  exact('ecall', 0x00000073, I),
  exact('ebreak', 0x00100073, I),
];
