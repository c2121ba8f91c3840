/**
 * The instruction table: every instruction encoding Trapeze knows, in one array.
 * Decoder, encoder, disassembler, assembler, classifier and arbitraries all derive from it.
 *
 * @module
 */
import type { InstructionSpec } from '../spec.js';
import type { EntryDefinition } from './define.js';
import { RV32A } from './rv32a.js';
import { RV32C } from './rv32c.js';
import { RV32I } from './rv32i.js';
import { RV32M } from './rv32m.js';
import { HYPERVISOR, PRIVILEGED, ZICSR, ZIFENCEI } from './system.js';

const DEFINITIONS: readonly EntryDefinition[] = [
  ...RV32I,
  ...RV32M,
  ...RV32A,
  ...ZICSR,
  ...ZIFENCEI,
  ...PRIVILEGED,
  ...HYPERVISOR,
  ...RV32C,
];

/** Every instruction encoding, indexed by {@link InstructionSpec.index}. */
export const INSTRUCTIONS: readonly InstructionSpec[] = Object.freeze(
  DEFINITIONS.map(
    (d, index): InstructionSpec =>
      // Every entry gets every key, in one order, so that all share one hidden class in V8.
      Object.freeze({
        id: d.id,
        name: d.name,
        index,
        extension: d.extension,
        size: d.size,
        mask: d.mask,
        match: d.match,
        rd: d.rd,
        rs1: d.rs1,
        rs2: d.rs2,
        imm: d.imm,
        hasCsr: d.hasCsr,
        hasFence: d.hasFence,
        hasOrdering: d.hasOrdering,
        syntax: d.syntax,
        exclusions: d.exclusions,
        pcRelative: d.pcRelative,
        ignoredBits: d.ignoredBits,
        expansion: d.expansion,
        hint: d.hint,
      }),
  ),
);

const BY_ID = new Map<string, InstructionSpec>();
const BY_NAME = new Map<string, InstructionSpec[]>();
for (const spec of INSTRUCTIONS) {
  if (BY_ID.has(spec.id)) throw new Error(`duplicate instruction id ${spec.id}`);
  BY_ID.set(spec.id, spec);
  const list = BY_NAME.get(spec.name) ?? [];
  list.push(spec);
  BY_NAME.set(spec.name, list);
}

/** The entry with this id (`addi`, `c.nop.hint`), or `undefined`. */
export function instructionById(id: string): InstructionSpec | undefined {
  return BY_ID.get(id);
}

/** The entries printed with this mnemonic (usually one; `c.nop` has two). */
export function instructionsByName(name: string): readonly InstructionSpec[] {
  return BY_NAME.get(name) ?? [];
}
