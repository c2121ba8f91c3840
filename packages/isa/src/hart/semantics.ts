/**
 * The semantics of the instructions an execution core runs most, written once as small
 * JavaScript expressions over named operands. The interpreter ({@link execute}) builds its
 * handlers from these texts, and a translator (`@trapeze/cpu`) pastes the same texts into the
 * code it generates, with operands bound to locals and constants: one definition, two users,
 * nothing that can drift. Instructions without an entry here (CSRs, AMOs, LR/SC, fences,
 * environment calls, xRET, WFI, SFENCE.VMA) have a hand-written handler in `execute.ts` that
 * both the interpreter and a translator call.
 *
 * Operands in an expression: `$a` and `$b` are the values of rs1 and rs2 (signed 32-bit
 * integers), `$i` the immediate (as the decoder gives it), `$pc` the instruction's address and
 * `$next` the address after it (unsigned). `$v` is a loaded value. The helper functions
 * `mulh`, `mulhsu`, `mulhu`, `div`, `divu`, `rem` and `remu` may be called.
 *
 * @module
 */
import { div, divu, mulh, mulhsu, mulhu, rem, remu } from './arithmetic.js';

/** rd ← `value` (dropped when rd is x0). */
export interface ValueSemantics {
  readonly kind: 'value';
  readonly value: string;
}
/** pc ← pc + imm when `taken` is true. */
export interface BranchSemantics {
  readonly kind: 'branch';
  readonly taken: string;
}
/** pc ← `target` (computed before rd is written), rd ← the address after the jump. */
export interface JumpSemantics {
  readonly kind: 'jump';
  readonly target: string;
}
/** rd ← `extend` applied to the `size` bytes read at rs1 + imm (`$v`: the bytes read). */
export interface LoadSemantics {
  readonly kind: 'load';
  readonly size: 1 | 2 | 4;
  readonly extend: string;
}
/** The low `size` bytes of rs2 written at rs1 + imm. */
export interface StoreSemantics {
  readonly kind: 'store';
  readonly size: 1 | 2 | 4;
}

/** The expression form of one instruction's semantics. */
export type Semantics =
  | ValueSemantics
  | BranchSemantics
  | JumpSemantics
  | LoadSemantics
  | StoreSemantics;

const value = (text: string): ValueSemantics => ({ kind: 'value', value: text });
const branch = (taken: string): BranchSemantics => ({ kind: 'branch', taken });

/** Expression semantics by instruction name (compressed forms use their expansion's). */
export const SEMANTICS: Readonly<Record<string, Semantics>> = {
  lui: value('$i << 12'),
  auipc: value('($pc + ($i << 12)) | 0'),
  jal: { kind: 'jump', target: '($pc + $i) >>> 0' },
  jalr: { kind: 'jump', target: '(($a + $i) & -2) >>> 0' },
  beq: branch('$a === $b'),
  bne: branch('$a !== $b'),
  blt: branch('$a < $b'),
  bge: branch('$a >= $b'),
  bltu: branch('$a >>> 0 < $b >>> 0'),
  bgeu: branch('$a >>> 0 >= $b >>> 0'),
  lb: { kind: 'load', size: 1, extend: '($v << 24) >> 24' },
  lh: { kind: 'load', size: 2, extend: '($v << 16) >> 16' },
  lw: { kind: 'load', size: 4, extend: '$v | 0' },
  lbu: { kind: 'load', size: 1, extend: '$v' },
  lhu: { kind: 'load', size: 2, extend: '$v' },
  sb: { kind: 'store', size: 1 },
  sh: { kind: 'store', size: 2 },
  sw: { kind: 'store', size: 4 },
  addi: value('($a + $i) | 0'),
  slti: value('$a < $i ? 1 : 0'),
  sltiu: value('$a >>> 0 < $i >>> 0 ? 1 : 0'),
  xori: value('$a ^ $i'),
  ori: value('$a | $i'),
  andi: value('$a & $i'),
  slli: value('$a << $i'),
  srli: value('($a >>> $i) | 0'),
  srai: value('$a >> $i'),
  add: value('($a + $b) | 0'),
  sub: value('($a - $b) | 0'),
  sll: value('$a << ($b & 31)'),
  slt: value('$a < $b ? 1 : 0'),
  sltu: value('$a >>> 0 < $b >>> 0 ? 1 : 0'),
  xor: value('$a ^ $b'),
  srl: value('($a >>> ($b & 31)) | 0'),
  sra: value('$a >> ($b & 31)'),
  or: value('$a | $b'),
  and: value('$a & $b'),
  mul: value('Math.imul($a, $b)'),
  mulh: value('mulh($a, $b)'),
  mulhsu: value('mulhsu($a, $b)'),
  mulhu: value('mulhu($a, $b)'),
  div: value('div($a, $b)'),
  divu: value('divu($a, $b)'),
  rem: value('rem($a, $b)'),
  remu: value('remu($a, $b)'),
};

/** What an operand of {@link SEMANTICS} stands for, as code text. */
export interface OperandTexts {
  readonly a: string;
  readonly b: string;
  readonly i: string;
  readonly pc: string;
  readonly next: string;
  readonly v: string;
}

/** `text` with every `$a`, `$b`, `$i`, `$pc`, `$next` and `$v` replaced by its operand's code. */
export function bindOperands(text: string, operands: OperandTexts): string {
  return text.replace(/\$(next|pc|a|b|i|v)\b/g, (_match, name: keyof OperandTexts) => {
    return `(${operands[name]})`;
  });
}

/** Names of the helper functions an expression may call. */
export const SEMANTIC_HELPERS = ['mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const;
/**
 * The helper functions by name: what an expression's call means (a translator that emits
 * something other than JavaScript imports them from here).
 */
export const SEMANTIC_HELPER_FUNCTIONS: Readonly<
  Record<(typeof SEMANTIC_HELPERS)[number], (a: number, b: number) => number>
> = { mulh, mulhsu, mulhu, div, divu, rem, remu };
const HELPER_VALUES = SEMANTIC_HELPERS.map((name) => SEMANTIC_HELPER_FUNCTIONS[name]);

/**
 * Compiles a function of `params` whose `body` may use the expressions of {@link SEMANTICS}
 * (the helpers are in scope) and the `extras` given by name. Interpreter and translator both
 * build their code with it.
 */
export function compileSemantics<F>(
  params: readonly string[],
  body: string,
  extras: Readonly<Record<string, unknown>> = {},
): F {
  const names = [...SEMANTIC_HELPERS, ...Object.keys(extras)];
  // The parentheses make V8 compile the inner function with the outer one, instead of
  // pre-parsing it now and parsing it again at its first call.
  const make = new Function(...names, `return (function (${params.join(', ')}) {\n${body}\n});`);
  return make(...HELPER_VALUES, ...Object.values(extras)) as F;
}
