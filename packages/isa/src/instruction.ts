/**
 * Decoded instructions and reading operand fields out of instruction words.
 *
 * @module
 */
import { readImmediate } from './bits.js';
import type { Decoder } from './decoder.js';
import type { InstructionSpec, RegisterField } from './spec.js';
import { INSTRUCTIONS } from './table/index.js';

/** An unfrozen copy of the table: V8 reads frozen arrays more slowly. */
const TABLE: readonly InstructionSpec[] = [...INSTRUCTIONS];

/**
 * A decoded instruction. Every field is present whatever the instruction (zero or `false`
 * when the instruction has no such operand), so all decoded instructions share one shape.
 * Register fields hold the architectural register number, implied registers included
 * (C.LWSP has `rs1 = 2`).
 */
export interface Instruction {
  /** The table entry, or {@link ILLEGAL_32} / {@link ILLEGAL_16} for an illegal encoding. */
  readonly spec: InstructionSpec;
  /** False for an illegal or reserved encoding. */
  readonly legal: boolean;
  /** The instruction word (a halfword for compressed instructions), unsigned. */
  readonly raw: number;
  /** Encoded size in bytes. */
  readonly size: 2 | 4;
  readonly rd: number;
  readonly rs1: number;
  readonly rs2: number;
  /** The immediate, in the form assembly writes it (`lui`'s is the 20-bit upper value). */
  readonly imm: number;
  /** CSR number for Zicsr instructions. */
  readonly csr: number;
  /** FENCE predecessor set (bit 3 = I, 2 = O, 1 = R, 0 = W). */
  readonly pred: number;
  /** FENCE successor set. */
  readonly succ: number;
  /** Acquire bit of AMOs and LR/SC. */
  readonly aq: boolean;
  /** Release bit of AMOs and LR/SC. */
  readonly rl: boolean;
  /** Value of the bits the specification tells implementations to ignore (usually zero). */
  readonly reserved: number;
}

function illegalSpec(size: 2 | 4): InstructionSpec {
  return Object.freeze({
    id: 'illegal',
    name: 'illegal',
    index: -1,
    extension: 'I',
    size,
    mask: 0,
    match: 0,
    rd: undefined,
    rs1: undefined,
    rs2: undefined,
    imm: undefined,
    hasCsr: false,
    hasFence: false,
    hasOrdering: false,
    syntax: [],
    exclusions: [],
    pcRelative: false,
    ignoredBits: 0,
    expansion: undefined,
    hint: false,
  } satisfies InstructionSpec);
}

/** The table entry of every illegal 32-bit word. */
export const ILLEGAL_32: InstructionSpec = illegalSpec(4);
/** The table entry of every illegal 16-bit halfword. */
export const ILLEGAL_16: InstructionSpec = illegalSpec(2);

/**
 * The one class behind every decoded instruction, so that all share a hidden class in V8.
 * It stores small integers only — the entry's index, the word (signed, which V8 keeps
 * unboxed), the size, the registers and the immediate — so that filling one needs no write
 * barrier; the entry, CSR number, fence sets, ordering bits and ignored bits are read on demand. A decoder may reuse one record ({@link Decoder.decodeInto}).
 */
export class DecodedInstruction implements Instruction {
  constructor(
    /** Index of the table entry ({@link InstructionSpec.index}), or -1 for an illegal word. */
    public index: number,
    /** The instruction word as a signed 32-bit integer (`raw` is its unsigned form). */
    public word: number,
    public size: 2 | 4,
    public rd: number,
    public rs1: number,
    public rs2: number,
    public imm: number,
  ) {}
  get spec(): InstructionSpec {
    const index = this.index;
    return index >= 0
      ? (TABLE[index] as InstructionSpec)
      : this.size === 2
        ? ILLEGAL_16
        : ILLEGAL_32;
  }
  get legal(): boolean {
    return this.index >= 0;
  }
  get raw(): number {
    return this.word >>> 0;
  }
  get csr(): number {
    return this.spec.hasCsr ? this.word >>> 20 : 0;
  }
  get pred(): number {
    return this.spec.hasFence ? (this.word >>> 24) & 0xf : 0;
  }
  get succ(): number {
    return this.spec.hasFence ? (this.word >>> 20) & 0xf : 0;
  }
  get aq(): boolean {
    return this.spec.hasOrdering && ((this.word >>> 26) & 1) === 1;
  }
  get rl(): boolean {
    return this.spec.hasOrdering && ((this.word >>> 25) & 1) === 1;
  }
  get reserved(): number {
    return (this.word & this.spec.ignoredBits) >>> 0;
  }
}

/** Reads a register operand; `rd` is needed for tied fields. */
export function readRegister(field: RegisterField | undefined, word: number, rd: number): number {
  if (field === undefined) return 0;
  switch (field.kind) {
    case 'reg':
      return (word >>> field.lo) & 0x1f;
    case 'creg':
      return ((word >>> field.lo) & 0x7) + 8;
    case 'fixed':
      return field.value;
    default:
      return rd;
  }
}

/** Reads every operand of `word` as `spec` lays them out (the reference path of the decoder). */
export function readFields(spec: InstructionSpec, word: number): DecodedInstruction {
  const rd = readRegister(spec.rd, word, 0);
  return new DecodedInstruction(
    spec.index,
    word | 0,
    spec.size,
    rd,
    readRegister(spec.rs1, word, rd),
    readRegister(spec.rs2, word, rd),
    spec.imm === undefined ? 0 : readImmediate(word, spec.imm),
  );
}

/** The decoded form of an illegal word. */
export function illegalInstruction(word: number, size: 2 | 4): DecodedInstruction {
  return new DecodedInstruction(-1, word | 0, size, 0, 0, 0, 0);
}

/** Whether a field of `word` takes a value that `spec` reserves or leaves to another entry. */
export function isExcluded(spec: InstructionSpec, word: number): boolean {
  for (const exclusion of spec.exclusions) {
    let value: number;
    if (exclusion.field === 'imm')
      value = spec.imm === undefined ? 0 : readImmediate(word, spec.imm);
    else {
      const rd = readRegister(spec.rd, word, 0);
      value = exclusion.field === 'rd' ? rd : readRegister(spec[exclusion.field], word, rd);
    }
    if (exclusion.values.includes(value)) return true;
  }
  return false;
}
