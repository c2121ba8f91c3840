/**
 * HINT encodings (unprivileged spec 2.9 and 16.7): legal instructions that do nothing
 * architecturally visible on this hart, reserved for future performance hints.
 *
 * @module
 */
import { decode } from './decoder.js';
import type { Instruction } from './instruction.js';

const WRITES_RD_ONLY = new Set([
  'lui',
  'auipc',
  'addi',
  'slti',
  'sltiu',
  'xori',
  'ori',
  'andi',
  'slli',
  'srli',
  'srai',
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
]);
const COMPRESSED_RD_ZERO_HINTS = new Set(['c.li', 'c.lui', 'c.mv', 'c.add', 'c.slli']);

/** Whether a decoded instruction is a HINT. `nop` (`addi x0, x0, 0`) is not. */
export function isHint(i: Instruction): boolean {
  if (!i.legal) return false;
  const name = i.spec.name;
  if (i.spec.hint) return true;
  if (i.size === 2) {
    if (name === 'c.addi') return i.imm === 0;
    return COMPRESSED_RD_ZERO_HINTS.has(name) && i.rd === 0;
  }
  if (WRITES_RD_ONLY.has(name))
    return i.rd === 0 && !(name === 'addi' && i.rs1 === 0 && i.imm === 0);
  if (name === 'fence') return i.pred === 0 || i.succ === 0;
  return false;
}

/** Whether an instruction word is a HINT encoding. */
export function isHintEncoding(word: number): boolean {
  return isHint(decode(word));
}
