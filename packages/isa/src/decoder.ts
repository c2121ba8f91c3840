/**
 * The decoder: a decision tree generated from the instruction table.
 *
 * At each node the tree switches on a bit field (opcode, funct3, funct7, …) that every
 * remaining candidate fixes; a leaf holds the few candidates left, most specific first.
 * Decoding is total: every 32-bit word and every 16-bit halfword decodes to an
 * instruction or to an illegal result, and nothing throws.
 *
 * @module
 */

import { buildTableDecoder, type MutableInstruction, type TableDecoder } from './decoder-tables.js';
import { checkWord } from './errors.js';
import { type Instruction, illegalInstruction, isExcluded, readFields } from './instruction.js';
import { type IsaConfig, RV32IMAC } from './isa.js';
import type { InstructionSpec } from './spec.js';
import { INSTRUCTIONS } from './table/index.js';

type Field = readonly [hi: number, lo: number];

const FIELDS_32: readonly Field[] = [
  [6, 0],
  [14, 12],
  [31, 25],
  [24, 20],
  [31, 27],
  [11, 7],
  [19, 15],
];
const FIELDS_16: readonly Field[] = [
  [1, 0],
  [15, 13],
  [12, 12],
  [11, 10],
  [6, 5],
  [11, 7],
  [6, 2],
];

function popcount(value: number): number {
  let v = value >>> 0;
  let count = 0;
  while (v !== 0) {
    v &= v - 1;
    count++;
  }
  return count;
}

/** A node of the decode tree. */
interface DecodeNode {
  readonly shift: number;
  readonly fieldMask: number;
  /** Sub-trees indexed by the field's value; `null` at a leaf. */
  readonly children: DecodeNode[] | null;
  /** Candidates of a leaf, most specific first. */
  readonly leaf: readonly InstructionSpec[];
}

function buildNode(candidates: readonly InstructionSpec[], fields: readonly Field[]): DecodeNode {
  for (let i = 0; i < fields.length; i++) {
    const [hi, lo] = fields[i] as Field;
    const fieldMask = (1 << (hi - lo + 1)) - 1;
    const bits = (fieldMask << lo) >>> 0;
    if (!candidates.every((spec) => (spec.mask & bits) === bits)) continue;
    const values = new Set(candidates.map((spec) => (spec.match >>> lo) & fieldMask));
    // A field on which every candidate agrees narrows nothing; try the next one.
    if (values.size < 2) continue;
    const rest = fields.filter((_, j) => j !== i);
    const children: DecodeNode[] = [];
    for (let value = 0; value <= fieldMask; value++) {
      children.push(
        buildNode(
          candidates.filter((spec) => ((spec.match >>> lo) & fieldMask) === value),
          rest,
        ),
      );
    }
    return { shift: lo, fieldMask, children, leaf: [] };
  }
  const leaf = [...candidates].sort((a, b) => popcount(b.mask) - popcount(a.mask));
  return { shift: 0, fieldMask: 0, children: null, leaf };
}

/** A decoder for one ISA configuration. */
export interface Decoder {
  readonly isa: IsaConfig;
  /** Decodes a word; a compressed instruction is read from the low halfword. Never throws. */
  decode(word: number): Instruction;
  /** The table entry of a word, or `null` if it is illegal. Allocates nothing. */
  decodeSpec(word: number): InstructionSpec | null;
  /**
   * Decodes into a caller-owned record and returns it: the allocation-free form of
   * {@link Decoder.decode} for hot loops (interpreters, translators, benchmarks).
   */
  decodeInto(word: number, out: MutableInstruction): MutableInstruction;
}

function lookup(root: DecodeNode, word: number): InstructionSpec | null {
  let node = root;
  while (node.children !== null)
    node = node.children[(word >>> node.shift) & node.fieldMask] as DecodeNode;
  const leaf = node.leaf;
  for (let i = 0; i < leaf.length; i++) {
    const spec = leaf[i] as InstructionSpec;
    if (
      (word & spec.mask) >>> 0 === spec.match &&
      (spec.exclusions.length === 0 || !isExcluded(spec, word))
    ) {
      return spec;
    }
  }
  return null;
}

/**
 * Whether bits [1:0] of a word mark a 16-bit (compressed) instruction.
 *
 * @param word an instruction word, signed or unsigned (an integer in `-2^31 … 2^32 − 1`)
 * @throws {@link IsaError} `BAD_ARGUMENT` for anything else
 */
export function isCompressed(word: number): boolean {
  return (checkWord(word, 'isCompressed: word') & 3) !== 3;
}

const TABLES = new Map<string, TableDecoder>();

/** Options of {@link createDecoder}. */
export interface DecoderOptions {
  /**
   * Walk the decode tree and read operands field by field instead of using the fast tables
   * (default `false`). The interpreted path is the reference the tables are tested against.
   */
  readonly interpreted?: boolean;
}

/**
 * Builds a decoder for the extensions of `isa`.
 *
 * @example
 * ```ts
 * import { createDecoder, createInstructionRecord, parseIsa } from '@trapeze/isa';
 *
 * // Without the M extension, mul a0, a0, a1 is not an instruction.
 * const rv32i = createDecoder(parseIsa('rv32i'));
 * rv32i.decode(0x02b50533).legal; // → false
 *
 * // The allocation-free form an interpreter uses: one record, decoded into again and again.
 * const decoder = createDecoder(parseIsa('rv32imac'));
 * const record = createInstructionRecord();
 * decoder.decodeInto(0x02b50533, record).spec.name; // → 'mul'
 * decoder.decodeSpec(0x4505)?.name; // → 'c.li'
 * ```
 */
export function createDecoder(isa: IsaConfig = RV32IMAC, options: DecoderOptions = {}): Decoder {
  const enabled = INSTRUCTIONS.filter((spec) => isa.extensions.has(spec.extension));
  const root32 = buildNode(
    enabled.filter((spec) => spec.size === 4),
    FIELDS_32,
  );
  const root16 = buildNode(
    enabled.filter((spec) => spec.size === 2),
    FIELDS_16,
  );
  function decodeSpec(word: number): InstructionSpec | null {
    // Bits [4:2] = 111 would introduce encodings longer than 32 bits; no entry has them.
    if ((word & 3) === 3) return lookup(root32, word >>> 0);
    return lookup(root16, word & 0xffff);
  }
  if (!options.interpreted) {
    // The tables depend only on the enabled extensions: build them once per ISA.
    let tables = TABLES.get(isa.name);
    if (!tables) {
      tables = buildTableDecoder(INSTRUCTIONS, enabled, decodeSpec);
      TABLES.set(isa.name, tables);
    }
    return { isa, ...tables };
  }
  const decode = (word: number): Instruction => {
    const spec = decodeSpec(word);
    if ((word & 3) === 3) {
      const w = word >>> 0;
      return spec === null ? illegalInstruction(w, 4) : readFields(spec, w);
    }
    const h = word & 0xffff;
    return spec === null ? illegalInstruction(h, 2) : readFields(spec, h);
  };
  return {
    isa,
    decodeSpec,
    decode,
    decodeInto: (word, out) => Object.assign(out, decode(word)),
  };
}

let defaultDecoder: Decoder | undefined;

/** The RV32IMAC decoder behind {@link decode}, built on first use (its tables take a few milliseconds). */
export function rv32imacDecoder(): Decoder {
  defaultDecoder ??= createDecoder(RV32IMAC);
  return defaultDecoder;
}

/**
 * Decodes one instruction for RV32IMAC (+ Zicsr, Zifencei, privileged instructions).
 * If bits [1:0] of `word` are not `11`, the low halfword is decoded as a compressed
 * instruction and the upper half is ignored. Illegal and reserved encodings give an
 * instruction with `legal === false`.
 *
 * @param word the instruction word, signed or unsigned (an integer in `-2^31 … 2^32 − 1`)
 * @throws {@link IsaError} `BAD_ARGUMENT` when `word` is not such an integer (`NaN`, `1.5`,
 * `2^32`): never for a 32-bit word. ({@link Decoder}'s own methods, on the hart's hot path,
 * do not check.)
 *
 * @example
 * ```ts
 * import { decode } from '@trapeze/isa';
 *
 * const add = decode(0x00a58533); // add a0, a1, a0
 * add.spec.name; // → 'add'
 * [add.rd, add.rs1, add.rs2, add.size]; // → [10, 11, 10, 4]
 * decode(0x4505).spec.name; // → 'c.li'
 * decode(0xffffffff).legal; // → false
 * ```
 */
export function decode(word: number): Instruction {
  return (defaultDecoder ?? rv32imacDecoder()).decode(checkWord(word, 'decode: word'));
}
