/**
 * The decoder's fast path, derived from the instruction table when a decoder is built
 * (DESIGN §5: typed arrays, no allocation, no closures or polymorphism per instruction):
 *
 * - every compressed halfword is decoded once, up front, into parallel typed arrays (entry,
 *   rd, rs1, rs2, immediate), so decoding one is five array reads;
 * - a 32-bit word's entry comes from a table indexed by its opcode, funct3 and funct7 (the
 *   few keys several entries share fall back to the decode tree), and its operands from the
 *   standard field positions, masked per entry, and from four masked shifts that compute the
 *   immediate of any 32-bit format without a branch.
 *
 * The interpreted path in `decoder.ts` (tree walk, field-by-field reads) is the reference;
 * tests check that both agree on every halfword and on random words.
 *
 * @module
 */
import type { ImmediateScheme } from './bits.js';
import type { Decoder } from './decoder.js';
import { DecodedInstruction, type Instruction, readFields } from './instruction.js';
import type { InstructionSpec } from './spec.js';
import { IMM_B, IMM_I, IMM_J, IMM_S, IMM_U, SHAMT, ZIMM } from './table/define.js';

/** A decoded instruction that {@link Decoder.decodeInto} may overwrite. */
export type MutableInstruction = DecodedInstruction;

/** A blank record for {@link Decoder.decodeInto}. */
export function createInstructionRecord(): MutableInstruction {
  return new DecodedInstruction(-1, 0, 4, 0, 0, 0, 0);
}

const META_STRIDE = 12;
const META_MASK = 0;
const META_MATCH = 1;
const META_FIELDS = 2;
/** Immediate terms: (w >> a) & m1 | (w >>> b) & m2 | (w << c) & m3 | (w >>> d) & m4. */
const META_IMM = 3;

/** Table value: no entry can match. */
const NONE = -1;
/** Table value: several entries share the key; ask the decode tree. */
const SEVERAL = -2;
/** Table value: not worked out yet (the 32-bit table fills in on first use). */
const UNKNOWN = -3;

/**
 * The immediates of the 32-bit formats as four masked shifts of the word, OR-ed together:
 * `(w >> a) & m1 | (w >>> b) & m2 | (w << c) & m3 | (w >>> d) & m4` (the arithmetic shift
 * carries the sign). Unused terms have a zero mask, so every layout is computed without a
 * branch.
 */
const IMM_TERMS = new Map<ImmediateScheme, readonly number[]>([
  [IMM_I, [20, -1, 0, 0, 0, 0, 0, 0]],
  [IMM_S, [20, ~31, 7, 31, 0, 0, 0, 0]],
  [IMM_B, [19, ~0xfff, 20, 0x7e0, 4, 0x800, 7, 0x1e]],
  [IMM_U, [0, 0, 12, 0xfffff, 0, 0, 0, 0]],
  [IMM_J, [11, ~0xfffff, 20, 0x7fe, 0, 0xff000, 9, 0x800]],
  [SHAMT, [0, 0, 20, 31, 0, 0, 0, 0]],
  [ZIMM, [0, 0, 15, 31, 0, 0, 0, 0]],
]);
const NO_IMMEDIATE: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0];

/** opcode[6:2], funct3 and funct7 of a 32-bit word, gathered into 15 bits. */
function key32(w: number): number {
  return ((w >>> 2) & 0x1f) | ((w >>> 7) & 0xe0) | ((w >>> 17) & 0x7f00);
}
/** The instruction bits that {@link key32} reads. */
const KEY32_BITS = 0xfe00707c;

function wordOfKey(key: number): number {
  return (((key & 0x1f) << 2) | ((key & 0xe0) << 7) | ((key & 0x7f00) << 17) | 3) >>> 0;
}

function standardField(
  field: InstructionSpec['rd'],
  lo: number,
  what: string,
  spec: InstructionSpec,
): number {
  if (field === undefined) return 0;
  if (field.kind === 'reg' && field.lo === lo) return 31;
  throw new Error(`decoder tables: ${spec.id} has ${what} outside its standard position`);
}

/** The fast decode functions. */
export interface TableDecoder {
  decode(word: number): Instruction;
  /** Decodes into `out` (no allocation) and returns it. */
  decodeInto(word: number, out: MutableInstruction): MutableInstruction;
  decodeSpec(word: number): InstructionSpec | null;
}

/**
 * Builds the tables for the enabled entries. `slowSpec` is the reference decoder's entry
 * lookup (the decode tree): it fills the compressed tables and resolves shared keys.
 */
export function buildTableDecoder(
  table: readonly InstructionSpec[],
  enabled: readonly InstructionSpec[],
  slowSpec: (word: number) => InstructionSpec | null,
): TableDecoder {
  // A plain (unfrozen) copy: reads from a frozen array are slower in V8.
  const specs = [...table];
  // Compressed: every halfword, decoded once, the first time it is met (decoding all 48 Ki of
  // them up front cost a fresh process a few hundred milliseconds).
  // Two numbers per halfword, side by side: (entry + 1) << 15 | rs2 << 10 | rs1 << 5 | rd
  // (0 for illegal), then the immediate; `c16done` says which halfwords are filled in.
  const c16 = new Int32Array(2 << 16);
  const c16done = new Uint8Array(1 << 16);
  /** The table slot of halfword `h` (bits 1:0 not `11`), filled in on first use. */
  function compressedSlot(h: number): number {
    if (c16done[h] === 0) {
      c16done[h] = 1;
      const spec = slowSpec(h);
      if (spec !== null) {
        const i = readFields(spec, h);
        c16[2 * h] = ((spec.index + 1) << 15) | (i.rs2 << 10) | (i.rs1 << 5) | i.rd;
        c16[2 * h + 1] = i.imm;
      }
    }
    return 2 * h;
  }
  // 32-bit: entry by key, operand masks and immediate layout by entry.
  // (Filled in key by key on first use, as the compressed table is: a fresh process decodes a
  // few hundred distinct keys, not all 32 Ki.)
  const t32 = new Int16Array(1 << 15).fill(UNKNOWN);
  const enabled32 = enabled.filter((spec) => spec.size === 4);
  // Every 32-bit entry fixes its opcode: group the entries by opcode[6:2] first.
  const byOpcode: InstructionSpec[][] = Array.from({ length: 32 }, () => []);
  for (const spec of enabled32) byOpcode[(spec.match >>> 2) & 0x1f]?.push(spec);
  /** The table value of `key`: the one entry whose fixed bits in the key match, or NONE/SEVERAL. */
  function entryOfKey(key: number): number {
    const word = wordOfKey(key);
    let found = NONE;
    for (const spec of byOpcode[key & 0x1f] as InstructionSpec[]) {
      const common = spec.mask & KEY32_BITS;
      if ((word & common) >>> 0 === (spec.match & common) >>> 0)
        found = found === NONE ? spec.index : SEVERAL;
    }
    t32[key] = found;
    return found;
  }
  // Per entry, one row of META_STRIDE numbers: fixed-bit mask and match; register masks
  // packed as rd | rs1 << 5 | rs2 << 10; the immediate's terms. (CSR, fence sets, ordering
  // and ignored bits are read from the word by the record's getters.)
  const meta = new Int32Array(specs.length * META_STRIDE);
  for (const spec of enabled32) {
    const at = spec.index * META_STRIDE;
    const terms = spec.imm === undefined ? NO_IMMEDIATE : IMM_TERMS.get(spec.imm);
    if (terms === undefined)
      throw new Error(`decoder tables: ${spec.id} has an immediate layout without terms`);
    meta[at + META_MASK] = spec.mask | 0;
    meta[at + META_MATCH] = spec.match | 0;
    meta[at + META_FIELDS] =
      standardField(spec.rd, 7, 'rd', spec) |
      (standardField(spec.rs1, 15, 'rs1', spec) << 5) |
      (standardField(spec.rs2, 20, 'rs2', spec) << 10);
    meta.set(terms, at + META_IMM);
  }

  function index32(w: number): number {
    const key = key32(w);
    let i = t32[key] as number;
    if (i === UNKNOWN) i = entryOfKey(key);
    if (i === SEVERAL) return slowSpec(w >>> 0)?.index ?? NONE;
    if (
      i >= 0 &&
      (w & (meta[i * META_STRIDE + META_MASK] as number)) !== meta[i * META_STRIDE + META_MATCH]
    ) {
      return NONE;
    }
    return i;
  }

  function decodeInto(word: number, out: MutableInstruction): MutableInstruction {
    if ((word & 3) !== 3) {
      const h = word & 0xffff;
      const slot = compressedSlot(h);
      const packed = c16[slot] as number;
      const i = (packed >>> 15) - 1;
      out.index = i;
      out.word = h;
      out.size = 2;
      out.rd = packed & 31;
      out.rs1 = (packed >>> 5) & 31;
      out.rs2 = (packed >>> 10) & 31;
      out.imm = c16[slot + 1] as number;
      return out;
    }
    const w = word | 0;
    const i = index32(w);
    out.word = w;
    out.size = 4;
    out.index = i;
    if (i < 0) {
      out.rd = 0;
      out.rs1 = 0;
      out.rs2 = 0;
      out.imm = 0;
      return out;
    }
    const at = i * META_STRIDE;
    const fields = meta[at + META_FIELDS] as number;
    const t = at + META_IMM;
    out.rd = (w >>> 7) & fields & 31;
    out.rs1 = (w >>> 15) & (fields >>> 5) & 31;
    out.rs2 = (w >>> 20) & (fields >>> 10) & 31;
    out.imm =
      ((w >> (meta[t] as number)) & (meta[t + 1] as number)) |
      ((w >>> (meta[t + 2] as number)) & (meta[t + 3] as number)) |
      ((w << (meta[t + 4] as number)) & (meta[t + 5] as number)) |
      ((w >>> (meta[t + 6] as number)) & (meta[t + 7] as number));
    return out;
  }

  return {
    decodeInto,
    decode: (word) => decodeInto(word, createInstructionRecord()),
    decodeSpec(word: number): InstructionSpec | null {
      const i =
        (word & 3) !== 3
          ? ((c16[compressedSlot(word & 0xffff)] as number) >>> 15) - 1
          : index32(word | 0);
      return i < 0 ? null : (specs[i] as InstructionSpec);
    },
  };
}
