/**
 * RV32A atomics (unprivileged spec, chapter 8): LR/SC and the AMOs, with aq/rl bits.
 *
 * @module
 */
import {
  type EntryDefinition,
  entry,
  FUNCT3,
  FUNCT5,
  f3,
  OPCODE,
  RD,
  RS1,
  RS2,
  RS2_BITS,
} from './define.js';

function atomic(name: string, funct5: number): EntryDefinition {
  return entry({
    name,
    extension: 'A',
    mask: OPCODE | FUNCT3 | FUNCT5,
    match: f3(2, 0x2f) | (funct5 << 27),
    rd: RD,
    rs1: RS1,
    rs2: RS2,
    ordering: true,
    syntax: 'rd, rs2, (rs1)',
  });
}

/** RV32A. */
export const RV32A: readonly EntryDefinition[] = [
  entry({
    name: 'lr.w',
    extension: 'A',
    mask: OPCODE | FUNCT3 | FUNCT5 | RS2_BITS,
    match: f3(2, 0x2f) | (0x02 << 27),
    rd: RD,
    rs1: RS1,
    ordering: true,
    syntax: 'rd, (rs1)',
  }),
  atomic('sc.w', 0x03),
  atomic('amoswap.w', 0x01),
  atomic('amoadd.w', 0x00),
  atomic('amoxor.w', 0x04),
  atomic('amoand.w', 0x0c),
  atomic('amoor.w', 0x08),
  atomic('amomin.w', 0x10),
  atomic('amomax.w', 0x14),
  atomic('amominu.w', 0x18),
  atomic('amomaxu.w', 0x1c),
];
