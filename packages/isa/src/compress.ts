/**
 * Compression: the compressed instruction, if any, that does the same as a 32-bit one.
 * The assembler uses it when C is enabled (as GNU as and llvm-mc do). Candidates come from
 * the table's expansions, plus the equivalences assemblers apply (C.MV for
 * `addi rd, rs, 0` and `add rd, rs, x0`; operand order of commutative operations).
 * HINT encodings are never produced.
 *
 * @module
 */
import { type EncodeInput, encode } from './encoder.js';
import { isHintEncoding } from './hints.js';
import type { InstructionSpec } from './spec.js';
import { INSTRUCTIONS, instructionById } from './table/index.js';

/** Register and immediate operands of a 32-bit instruction. */
export interface CompressibleOperands {
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  readonly imm: number;
}

const BY_EXPANSION = new Map<string, InstructionSpec[]>();
for (const spec of INSTRUCTIONS) {
  if (spec.size !== 2 || spec.expansion === undefined || spec.hint) continue;
  const list = BY_EXPANSION.get(spec.expansion.name) ?? [];
  list.push(spec);
  BY_EXPANSION.set(spec.expansion.name, list);
}

const COMMUTATIVE = new Set(['add', 'xor', 'or', 'and']);
const C_MV = instructionById('c.mv') as InstructionSpec;

/** Compressed specs that expand to `name`, in table order. */
export function compressedFormsOf(name: string): readonly InstructionSpec[] {
  return BY_EXPANSION.get(name) ?? [];
}

function tryEncode(input: EncodeInput): number | null {
  try {
    const word = encode(input);
    return isHintEncoding(word) ? null : word;
  } catch {
    return null;
  }
}

/**
 * The compressed encoding of a 32-bit instruction `name` with these operands, or `null`.
 * `allowed` filters candidate compressed entries (the assembler passes the enabled ones).
 */
export function compress(
  name: string,
  operands: CompressibleOperands,
  allowed: (spec: InstructionSpec) => boolean = () => true,
): { spec: InstructionSpec; word: number } | null {
  const attempts: CompressibleOperands[] = [operands];
  if (COMMUTATIVE.has(name)) attempts.push({ ...operands, rs1: operands.rs2, rs2: operands.rs1 });
  for (const spec of compressedFormsOf(name)) {
    if (!allowed(spec)) continue;
    for (const o of attempts) {
      const word = tryEncode({ spec, rd: o.rd, rs1: o.rs1, rs2: o.rs2, imm: o.imm });
      if (word !== null) return { spec, word };
    }
  }
  if (allowed(C_MV)) {
    const { rd, rs1, rs2, imm } = operands;
    const source = name === 'addi' && imm === 0 ? rs1 : name === 'add' && rs2 === 0 ? rs1 : -1;
    if (source > 0 && rd !== 0)
      return { spec: C_MV, word: encode({ spec: C_MV, rd, rs2: source }) };
  }
  return null;
}
