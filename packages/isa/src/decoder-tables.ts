/**
 * The decoder's fast path, derived from the instruction table when a decoder is built
 * (DESIGN §5: typed arrays, no allocation, no closures or polymorphism per instruction):
 *
 * - every compressed halfword is decoded once, up front, into parallel typed arrays (entry,
 *   rd, rs1, rs2, immediate), so decoding one is five array reads;
 * - a 32-bit word's entry comes from a table indexed by its opcode, funct3 and funct7 (the
 *   few keys several entries share fall back to the decode tree), and its operands from the
 *   standard field positions, masked per entry, with one `switch` over the seven immediate
 *   layouts of the 32-bit formats.
 *
 * The interpreted path in `decoder.ts` (tree walk, field-by-field reads) is the reference;
 * tests check that both agree on every halfword and on random words.
 *
 * @module
 */
import { readImmediate } from './bits.js';
import { ILLEGAL_16, ILLEGAL_32, type Instruction, readFields } from './instruction.js';
import type { InstructionSpec } from './spec.js';
import { IMM_B, IMM_I, IMM_J, IMM_S, IMM_U, SHAMT, ZIMM } from './table/define.js';

/** A decoded instruction that {@link TableDecoder.decodeInto} may overwrite. */
export type MutableInstruction = { -readonly [K in keyof Instruction]: Instruction[K] };

/** A blank record for {@link TableDecoder.decodeInto}. */
export function createInstructionRecord(): MutableInstruction {
  return {
    spec: ILLEGAL_32,
    legal: false,
    raw: 0,
    size: 4,
    rd: 0,
    rs1: 0,
    rs2: 0,
    imm: 0,
    csr: 0,
    pred: 0,
    succ: 0,
    aq: false,
    rl: false,
    reserved: 0,
  };
}

const META_STRIDE = 8;
const META_MASK = 0;
const META_MATCH = 1;
const META_FIELDS = 2;
const META_CSR = 3;
const META_FENCE = 4;
const META_ORDERING = 5;
const META_IGNORED = 6;

/** Table value: no entry can match. */
const NONE = -1;
/** Table value: several entries share the key; ask the decode tree. */
const SEVERAL = -2;

// Immediate layouts of the 32-bit formats, as switch keys.
const IMM_NONE = 0;
const IMM_KIND = new Map([
  [IMM_I, 1],
  [IMM_S, 2],
  [IMM_B, 3],
  [IMM_U, 4],
  [IMM_J, 5],
  [SHAMT, 6],
  [ZIMM, 7],
]);
/** Any other layout: read generically (no entry needs it today). */
const IMM_OTHER = 8;

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
  // Compressed: every halfword, decoded once.
  // c16: (entry + 1) << 15 | rs2 << 10 | rs1 << 5 | rd (0 for illegal); cImm: the immediate.
  const c16 = new Int32Array(1 << 16);
  const cImm = new Int32Array(1 << 16);
  for (let h = 0; h < 1 << 16; h++) {
    if ((h & 3) === 3) continue;
    const spec = slowSpec(h);
    if (spec === null) continue;
    const i = readFields(spec, h);
    c16[h] = ((spec.index + 1) << 15) | (i.rs2 << 10) | (i.rs1 << 5) | i.rd;
    cImm[h] = i.imm;
  }
  // 32-bit: entry by key, operand masks and immediate layout by entry.
  const t32 = new Int16Array(1 << 15);
  const enabled32 = enabled.filter((spec) => spec.size === 4);
  // Every 32-bit entry fixes its opcode: group the entries by opcode[6:2] first.
  const byOpcode: InstructionSpec[][] = Array.from({ length: 32 }, () => []);
  for (const spec of enabled32) byOpcode[(spec.match >>> 2) & 0x1f]?.push(spec);
  for (let key = 0; key < t32.length; key++) {
    const word = wordOfKey(key);
    let found = NONE;
    for (const spec of byOpcode[key & 0x1f] as InstructionSpec[]) {
      const common = spec.mask & KEY32_BITS;
      if ((word & common) >>> 0 === (spec.match & common) >>> 0)
        found = found === NONE ? spec.index : SEVERAL;
    }
    t32[key] = found;
  }
  // Per entry, one row of META_STRIDE numbers: fixed-bit mask and match; register masks and
  // immediate layout packed as rd | rs1 << 5 | rs2 << 10 | layout << 16; CSR mask; fence
  // mask; aq/rl bits; ignored bits.
  const meta = new Int32Array(specs.length * META_STRIDE);
  for (const spec of enabled32) {
    const at = spec.index * META_STRIDE;
    const layout = spec.imm === undefined ? IMM_NONE : (IMM_KIND.get(spec.imm) ?? IMM_OTHER);
    meta[at + META_MASK] = spec.mask | 0;
    meta[at + META_MATCH] = spec.match | 0;
    meta[at + META_FIELDS] =
      standardField(spec.rd, 7, 'rd', spec) |
      (standardField(spec.rs1, 15, 'rs1', spec) << 5) |
      (standardField(spec.rs2, 20, 'rs2', spec) << 10) |
      (layout << 16);
    meta[at + META_CSR] = spec.hasCsr ? 0xfff : 0;
    meta[at + META_FENCE] = spec.hasFence ? 0xf : 0;
    meta[at + META_ORDERING] = spec.hasOrdering ? (1 << 26) | (1 << 25) : 0;
    meta[at + META_IGNORED] = spec.ignoredBits | 0;
  }

  function index32(w: number): number {
    const i = t32[key32(w)] as number;
    if (i === SEVERAL) return slowSpec(w >>> 0)?.index ?? NONE;
    if (
      i >= 0 &&
      (w & (meta[i * META_STRIDE + META_MASK] as number)) !== meta[i * META_STRIDE + META_MATCH]
    ) {
      return NONE;
    }
    return i;
  }

  function immediate(w: number, layout: number, i: number): number {
    switch (layout) {
      case IMM_NONE:
        return 0;
      case 1:
        return w >> 20;
      case 2:
        return ((w >> 20) & ~31) | ((w >>> 7) & 31);
      case 3:
        return (
          ((w >> 19) & ~0xfff) | ((w << 4) & 0x800) | ((w >>> 20) & 0x7e0) | ((w >>> 7) & 0x1e)
        );
      case 4:
        return w >>> 12;
      case 5:
        return ((w >> 11) & ~0xfffff) | (w & 0xff000) | ((w >>> 9) & 0x800) | ((w >>> 20) & 0x7fe);
      case 6:
        return (w >>> 20) & 31;
      case 7:
        return (w >>> 15) & 31;
      default:
        return readImmediate(
          w >>> 0,
          (specs[i] as InstructionSpec).imm as NonNullable<InstructionSpec['imm']>,
        );
    }
  }

  function decodeInto(word: number, out: MutableInstruction): MutableInstruction {
    if ((word & 3) !== 3) {
      const h = word & 0xffff;
      const packed = c16[h] as number;
      const i = (packed >>> 15) - 1;
      out.spec = i < 0 ? ILLEGAL_16 : (specs[i] as InstructionSpec);
      out.legal = i >= 0;
      out.raw = h;
      out.size = 2;
      out.rd = packed & 31;
      out.rs1 = (packed >>> 5) & 31;
      out.rs2 = (packed >>> 10) & 31;
      out.imm = cImm[h] as number;
      out.csr = 0;
      out.pred = 0;
      out.succ = 0;
      out.aq = false;
      out.rl = false;
      out.reserved = 0;
      return out;
    }
    const w = word | 0;
    const i = index32(w);
    out.raw = w >>> 0;
    out.size = 4;
    if (i < 0) {
      out.spec = ILLEGAL_32;
      out.legal = false;
      out.rd = 0;
      out.rs1 = 0;
      out.rs2 = 0;
      out.imm = 0;
      out.csr = 0;
      out.pred = 0;
      out.succ = 0;
      out.aq = false;
      out.rl = false;
      out.reserved = 0;
      return out;
    }
    const at = i * META_STRIDE;
    const fields = meta[at + META_FIELDS] as number;
    const fence = meta[at + META_FENCE] as number;
    const ordering = w & (meta[at + META_ORDERING] as number);
    out.spec = specs[i] as InstructionSpec;
    out.legal = true;
    out.rd = (w >>> 7) & fields & 31;
    out.rs1 = (w >>> 15) & (fields >>> 5) & 31;
    out.rs2 = (w >>> 20) & (fields >>> 10) & 31;
    out.imm = immediate(w, fields >>> 16, i);
    out.csr = (w >>> 20) & (meta[at + META_CSR] as number);
    out.pred = (w >>> 24) & fence;
    out.succ = (w >>> 20) & fence;
    out.aq = (ordering & (1 << 26)) !== 0;
    out.rl = (ordering & (1 << 25)) !== 0;
    out.reserved = (w & (meta[at + META_IGNORED] as number)) >>> 0;
    return out;
  }

  return {
    decodeInto,
    decode: (word) => decodeInto(word, createInstructionRecord()),
    decodeSpec(word: number): InstructionSpec | null {
      const i = (word & 3) !== 3 ? ((c16[word & 0xffff] as number) >>> 15) - 1 : index32(word | 0);
      return i < 0 ? null : (specs[i] as InstructionSpec);
    },
  };
}
