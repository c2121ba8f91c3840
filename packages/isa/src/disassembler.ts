/**
 * The disassembler, in `llvm-objdump` syntax: `mnemonic<TAB>operands`, ABI register names,
 * decimal immediates, CSRs by name, branch and jump targets as absolute hexadecimal
 * addresses. Two modes: canonical (`llvm-objdump -M no-aliases`) and with aliases
 * (`llvm-objdump`'s default: compressed instructions shown as their expansion, then the
 * preferred alias such as `li`, `mv`, `ret`, `csrr`).
 *
 * @module
 */

import { type AliasRule, aliasesOf } from './aliases.js';
import { csrName } from './csr.js';
import { decode } from './decoder.js';
import { checkInteger, checkWord, describeValue, IsaError } from './errors.js';
import { DecodedInstruction, type Instruction } from './instruction.js';
import { registerName } from './registers.js';
import type { InstructionSpec, OperandToken } from './spec.js';
import { instructionsByName } from './table/index.js';

/** Options of {@link disassemble}. */
export interface DisassembleOptions {
  /** Print aliases (default `true`), like `llvm-objdump`; `false` is `-M no-aliases`. */
  readonly aliases?: boolean;
  /**
   * Address of the instruction, for PC-relative targets (default 0): a 32-bit address, signed
   * or unsigned (an integer in `-2^31 … 2^32 − 1`).
   */
  readonly address?: number;
}

/** Text printed for an illegal encoding (as `llvm-objdump` does). */
export const UNKNOWN = '<unknown>';

const FENCE_LETTERS = ['w', 'r', 'o', 'i'] as const;

/**
 * A fence set as `iorw` letters; an empty set is `unknown`, as LLVM prints it.
 *
 * @param set the 4-bit field (an integer in 0…15)
 * @throws {@link IsaError} `BAD_ARGUMENT` for anything else
 */
export function fenceSetText(set: number): string {
  checkInteger(set, 'fenceSetText: set', 0, 15);
  let text = '';
  for (let bit = 3; bit >= 0; bit--) if ((set >> bit) & 1) text += FENCE_LETTERS[bit];
  return text === '' ? 'unknown' : text;
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

type Operands = Pick<Instruction, 'rd' | 'rs1' | 'rs2' | 'imm' | 'csr' | 'pred' | 'succ'>;

function operandText(
  token: OperandToken,
  i: Operands,
  pcRelative: boolean,
  address: number,
): string {
  switch (token) {
    case 'rd':
      return registerName(i.rd);
    case 'rs1':
      return registerName(i.rs1);
    case 'rs2':
      return registerName(i.rs2);
    case 'imm':
      return pcRelative ? hex(address + i.imm) : String(i.imm);
    case 'imm(rs1)':
      return `${i.imm}(${registerName(i.rs1)})`;
    case '(rs1)':
      return `(${registerName(i.rs1)})`;
    case 'csr':
      return csrName(i.csr);
    case 'pred':
      return fenceSetText(i.pred);
    case 'succ':
      return fenceSetText(i.succ);
  }
}

function format(
  mnemonic: string,
  syntax: readonly OperandToken[],
  i: Operands,
  pcRelative: boolean,
  address: number,
): string {
  if (syntax.length === 0) return mnemonic;
  let text = `${mnemonic}\t${operandText(syntax[0] as OperandToken, i, pcRelative, address)}`;
  for (let k = 1; k < syntax.length; k++)
    text += `, ${operandText(syntax[k] as OperandToken, i, pcRelative, address)}`;
  return text;
}

function mnemonicOf(i: Instruction, spec: InstructionSpec): string {
  if (!spec.hasOrdering) return spec.name;
  return spec.name + (i.aq ? (i.rl ? '.aqrl' : '.aq') : i.rl ? '.rl' : '');
}

function matches(rule: AliasRule, i: Operands): boolean {
  for (const [field, value] of rule.conditions) if (i[field] !== value) return false;
  return true;
}

/** The 32-bit instruction a compressed one stands for, with the same operands. */
export function expandCompressed(i: Instruction): Instruction | null {
  const expansion = i.spec.expansion;
  if (expansion === undefined) return null;
  const base = instructionsByName(expansion.name)[0] as InstructionSpec;
  return new DecodedInstruction(base.index, i.raw | 0, 4, i.rd, i.rs1, i.rs2, i.imm);
}

/** Whether the alias-printing disassembler shows this compressed instruction expanded. */
function printsExpanded(i: Instruction, spec: InstructionSpec): boolean {
  const expansion = spec.expansion;
  if (expansion === undefined || expansion.printed === false) return false;
  // LLVM has no expansion for HINTs that write x0 (`c.li zero, 1` stays compressed).
  return !(spec.rd?.kind === 'reg' && i.rd === 0);
}

/**
 * Disassembles one instruction (a decoded {@link Instruction} or a raw word) to text.
 *
 * @throws {@link IsaError} `BAD_ARGUMENT` when `instruction` is neither a decoded instruction
 * nor a 32-bit word (see {@link decode}), or `options.address` is not a 32-bit address.
 *
 * @example
 * ```ts
 * import { decode, disassemble } from '@trapeze/isa';
 *
 * disassemble(0x00000513); // → 'li\ta0, 0'
 * disassemble(0x00000513, { aliases: false }); // → 'addi\ta0, zero, 0'
 * disassemble(0x4505); // → 'li\ta0, 1'
 * // Branch targets are absolute, from the instruction's address:
 * disassemble(decode(0xfe000ee3), { address: 0x80000010 }); // → 'beqz\tzero, 0x8000000c'
 * disassemble(0xffffffff); // → '<unknown>'
 * ```
 */
export function disassemble(
  instruction: Instruction | number,
  options: DisassembleOptions = {},
): string {
  const i =
    typeof instruction === 'object' && instruction !== null
      ? instruction
      : decode(checkWord(instruction, 'disassemble: instruction'));
  if (typeof i.legal !== 'boolean')
    throw new IsaError(
      'BAD_ARGUMENT',
      `disassemble: instruction must be a word or a decoded instruction, got ${describeValue(instruction)}`,
    );
  const aliases = options.aliases ?? true;
  const address =
    options.address === undefined ? 0 : checkWord(options.address, 'disassemble: options.address');
  // The all-zero halfword is illegal by definition; LLVM names it `c.unimp` (`unimp` with aliases).
  if (!i.legal) return i.size === 2 && i.raw === 0 ? (aliases ? 'unimp' : 'c.unimp') : UNKNOWN;
  const spec = i.spec;
  // CSRRW x0, cycle, x0 is the canonical `unimp` (it always raises an illegal-instruction trap).
  if (spec.name === 'csrrw' && i.rd === 0 && i.rs1 === 0 && i.csr === 0xc00) return 'unimp';
  let shown = i;
  let shownSpec = spec;
  if (aliases && printsExpanded(i, spec)) {
    const printedAs = spec.expansion?.printedAs;
    if (printedAs !== undefined) return format(printedAs, spec.syntax, i, false, address);
    shown = expandCompressed(i) as Instruction;
    shownSpec = shown.spec;
  }
  if (aliases) {
    for (const rule of aliasesOf(shownSpec.name)) {
      if (rule.printed && matches(rule, shown)) {
        return format(rule.alias, rule.syntax, shown, shownSpec.pcRelative, address);
      }
    }
  }
  return format(
    mnemonicOf(shown, shownSpec),
    shownSpec.syntax,
    shown,
    shownSpec.pcRelative,
    address,
  );
}
