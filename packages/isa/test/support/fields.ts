import type { Instruction } from '../../src/instruction.js';

/** The operand fields of a decoded instruction as a plain object (getters included), for comparisons. */
export function fieldsOf(i: Instruction) {
  return {
    rd: i.rd,
    rs1: i.rs1,
    rs2: i.rs2,
    imm: i.imm,
    csr: i.csr,
    pred: i.pred,
    succ: i.succ,
    aq: i.aq,
    rl: i.rl,
    reserved: i.reserved,
  };
}

/** Everything about a decoded instruction as a plain object, the entry by id. */
export function plain(i: Instruction) {
  return { spec: i.spec.id, legal: i.legal, raw: i.raw, size: i.size, ...fieldsOf(i) };
}
