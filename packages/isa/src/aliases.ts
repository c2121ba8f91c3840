/**
 * Single-instruction aliases (the pseudo-instructions of the RISC-V assembly manual that
 * stand for exactly one instruction). The disassembler prints the first rule that matches,
 * in table order, when it prints aliases; the assembler accepts every rule.
 *
 * @module
 */
import type { OperandToken } from './spec.js';

/** Operand fields an alias can pin to a value. */
export type AliasCondition = Partial<
  Record<'rd' | 'rs1' | 'rs2' | 'imm' | 'csr' | 'pred' | 'succ', number>
>;

/** One alias rule. */
export interface AliasRule {
  /** The alias mnemonic. */
  readonly alias: string;
  /** Name of the instruction it stands for. */
  readonly base: string;
  /** Field values the instruction must have. */
  readonly when: AliasCondition;
  /** The alias's operands, naming the base instruction's fields. */
  readonly syntax: readonly OperandToken[];
  /** Whether a disassembler prints this alias (LLVM's default choice) or only accepts it. */
  readonly printed: boolean;
  /** `when` as a list of field/value pairs, for fast matching. */
  readonly conditions: readonly (readonly [keyof AliasCondition, number])[];
}

function rule(
  alias: string,
  base: string,
  when: AliasCondition,
  syntax: string,
  printed = true,
): AliasRule {
  const tokens = syntax.trim() === '' ? [] : syntax.split(',').map((t) => t.trim() as OperandToken);
  const conditions = Object.entries(when) as [keyof AliasCondition, number][];
  return Object.freeze({
    alias,
    base,
    when: Object.freeze(when),
    syntax: tokens,
    printed,
    conditions,
  });
}

const CYCLE = 0xc00;
const TIME = 0xc01;
const INSTRET = 0xc02;

/** Every alias rule, in the disassembler's order of preference. */
export const ALIASES: readonly AliasRule[] = Object.freeze([
  rule('nop', 'addi', { rd: 0, rs1: 0, imm: 0 }, ''),
  rule('li', 'addi', { rs1: 0 }, 'rd, imm'),
  rule('mv', 'addi', { imm: 0 }, 'rd, rs1'),
  rule('not', 'xori', { imm: -1 }, 'rd, rs1'),
  rule('neg', 'sub', { rs1: 0 }, 'rd, rs2'),
  rule('seqz', 'sltiu', { imm: 1 }, 'rd, rs1'),
  rule('snez', 'sltu', { rs1: 0 }, 'rd, rs2'),
  rule('sltz', 'slt', { rs2: 0 }, 'rd, rs1'),
  rule('sgtz', 'slt', { rs1: 0 }, 'rd, rs2'),
  rule('sgt', 'slt', {}, 'rd, rs2, rs1', false),
  rule('sgtu', 'sltu', {}, 'rd, rs2, rs1', false),
  rule('beqz', 'beq', { rs2: 0 }, 'rs1, imm'),
  rule('bnez', 'bne', { rs2: 0 }, 'rs1, imm'),
  rule('blez', 'bge', { rs1: 0 }, 'rs2, imm'),
  rule('bgez', 'bge', { rs2: 0 }, 'rs1, imm'),
  rule('bltz', 'blt', { rs2: 0 }, 'rs1, imm'),
  rule('bgtz', 'blt', { rs1: 0 }, 'rs2, imm'),
  rule('bgt', 'blt', {}, 'rs2, rs1, imm', false),
  rule('ble', 'bge', {}, 'rs2, rs1, imm', false),
  rule('bgtu', 'bltu', {}, 'rs2, rs1, imm', false),
  rule('bleu', 'bgeu', {}, 'rs2, rs1, imm', false),
  rule('j', 'jal', { rd: 0 }, 'imm'),
  rule('jal', 'jal', { rd: 1 }, 'imm'),
  rule('ret', 'jalr', { rd: 0, rs1: 1, imm: 0 }, ''),
  rule('jr', 'jalr', { rd: 0, imm: 0 }, 'rs1'),
  rule('jalr', 'jalr', { rd: 1, imm: 0 }, 'rs1'),
  rule('jr', 'jalr', { rd: 0 }, 'imm(rs1)'),
  rule('jalr', 'jalr', { rd: 1 }, 'imm(rs1)'),
  rule('jr', 'jalr', { rd: 0 }, 'rs1, imm', false),
  rule('jalr', 'jalr', { rd: 1 }, 'rs1, imm', false),
  rule('jalr', 'jalr', {}, 'rd, rs1, imm', false),
  rule('fence', 'fence', { pred: 0xf, succ: 0xf }, ''),
  rule('rdinstret', 'csrrs', { csr: INSTRET, rs1: 0 }, 'rd'),
  rule('rdcycle', 'csrrs', { csr: CYCLE, rs1: 0 }, 'rd'),
  rule('rdtime', 'csrrs', { csr: TIME, rs1: 0 }, 'rd'),
  rule('rdinstreth', 'csrrs', { csr: INSTRET + 0x80, rs1: 0 }, 'rd'),
  rule('rdcycleh', 'csrrs', { csr: CYCLE + 0x80, rs1: 0 }, 'rd'),
  rule('rdtimeh', 'csrrs', { csr: TIME + 0x80, rs1: 0 }, 'rd'),
  rule('csrr', 'csrrs', { rs1: 0 }, 'rd, csr'),
  rule('csrw', 'csrrw', { rd: 0 }, 'csr, rs1'),
  rule('csrs', 'csrrs', { rd: 0 }, 'csr, rs1'),
  rule('csrc', 'csrrc', { rd: 0 }, 'csr, rs1'),
  rule('csrwi', 'csrrwi', { rd: 0 }, 'csr, imm'),
  rule('csrsi', 'csrrsi', { rd: 0 }, 'csr, imm'),
  rule('csrci', 'csrrci', { rd: 0 }, 'csr, imm'),
  rule('csrw', 'csrrwi', { rd: 0 }, 'csr, imm', false),
  rule('csrs', 'csrrsi', { rd: 0 }, 'csr, imm', false),
  rule('csrc', 'csrrci', { rd: 0 }, 'csr, imm', false),
  rule('csrrw', 'csrrwi', {}, 'rd, csr, imm', false),
  rule('csrrs', 'csrrsi', {}, 'rd, csr, imm', false),
  rule('csrrc', 'csrrci', {}, 'rd, csr, imm', false),
  rule('sfence.vma', 'sfence.vma', { rs1: 0, rs2: 0 }, ''),
  rule('sfence.vma', 'sfence.vma', { rs2: 0 }, 'rs1'),
  rule('hfence.vvma', 'hfence.vvma', { rs1: 0, rs2: 0 }, ''),
  rule('hfence.vvma', 'hfence.vvma', { rs2: 0 }, 'rs1'),
  rule('hfence.gvma', 'hfence.gvma', { rs1: 0, rs2: 0 }, ''),
  rule('hfence.gvma', 'hfence.gvma', { rs2: 0 }, 'rs1'),
]);

const BY_BASE = new Map<string, AliasRule[]>();
const BY_ALIAS = new Map<string, AliasRule[]>();
for (const r of ALIASES) {
  BY_BASE.set(r.base, [...(BY_BASE.get(r.base) ?? []), r]);
  BY_ALIAS.set(r.alias, [...(BY_ALIAS.get(r.alias) ?? []), r]);
}

/** Alias rules whose base instruction is `name`, in order of preference. */
export function aliasesOf(name: string): readonly AliasRule[] {
  return BY_BASE.get(name) ?? [];
}

/** Alias rules spelled `alias`. */
export function aliasRules(alias: string): readonly AliasRule[] {
  return BY_ALIAS.get(alias) ?? [];
}
