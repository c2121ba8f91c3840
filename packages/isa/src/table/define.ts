/**
 * Builders for instruction table entries. Each extension's file lists its entries with
 * these helpers; `table/index.ts` joins them into the one table.
 *
 * @module
 */
import type { ImmediateScheme, Segment } from '../bits.js';
import { immediateInstructionMask } from '../bits.js';
import type {
  Expansion,
  Extension,
  FieldExclusion,
  InstructionSpec,
  OperandToken,
  RegisterField,
} from '../spec.js';

/** An entry before it is given its table index. */
export type EntryDefinition = Omit<InstructionSpec, 'index'>;

/** Options of {@link entry}. */
export interface EntryOptions {
  id?: string;
  name: string;
  extension: Extension;
  size?: 2 | 4;
  mask: number;
  match: number;
  rd?: RegisterField;
  rs1?: RegisterField;
  rs2?: RegisterField;
  imm?: ImmediateScheme;
  csr?: boolean;
  fence?: boolean;
  ordering?: boolean;
  syntax: string;
  exclusions?: FieldExclusion[];
  pcRelative?: boolean;
  ignoredBits?: number;
  expansion?: Expansion;
  hint?: boolean;
}

/** Parses a syntax string such as `rd, imm(rs1)` into tokens. */
function parseSyntax(syntax: string): OperandToken[] {
  if (syntax.trim() === '') return [];
  return syntax.split(',').map((token) => token.trim() as OperandToken);
}

/** Builds a table entry, checking that the fixed bits and the operand fields do not overlap. */
export function entry(options: EntryOptions): EntryDefinition {
  const size = options.size ?? 4;
  const spec: EntryDefinition = {
    id: options.id ?? options.name,
    name: options.name,
    extension: options.extension,
    size,
    mask: options.mask >>> 0,
    match: options.match >>> 0,
    ...(options.rd ? { rd: options.rd } : {}),
    ...(options.rs1 ? { rs1: options.rs1 } : {}),
    ...(options.rs2 ? { rs2: options.rs2 } : {}),
    ...(options.imm ? { imm: options.imm } : {}),
    hasCsr: options.csr ?? false,
    hasFence: options.fence ?? false,
    hasOrdering: options.ordering ?? false,
    syntax: parseSyntax(options.syntax),
    exclusions: options.exclusions ?? [],
    pcRelative: options.pcRelative ?? false,
    ignoredBits: (options.ignoredBits ?? 0) >>> 0,
    ...(options.expansion ? { expansion: options.expansion } : {}),
    hint: options.hint ?? false,
  };
  const used = operandBits(spec);
  if ((used & spec.mask) !== 0) {
    throw new Error(`table entry ${spec.id}: operand bits overlap the fixed bits`);
  }
  if ((spec.match & ~spec.mask) !== 0) {
    throw new Error(`table entry ${spec.id}: match has bits outside the mask`);
  }
  const sizeMask = size === 2 ? 0xffff : 0xffffffff;
  if (((used | spec.mask | spec.ignoredBits) & ~sizeMask) !== 0) {
    throw new Error(`table entry ${spec.id}: fields outside a ${size}-byte encoding`);
  }
  return spec;
}

/** Instruction bits that a register field occupies. */
export function registerBits(field: RegisterField | undefined): number {
  if (!field) return 0;
  if (field.kind === 'reg') return (0x1f << field.lo) >>> 0;
  if (field.kind === 'creg') return (0x7 << field.lo) >>> 0;
  return 0;
}

/** Instruction bits that the operands of an entry occupy. */
export function operandBits(spec: EntryDefinition): number {
  let bits = registerBits(spec.rd) | registerBits(spec.rs1) | registerBits(spec.rs2);
  if (spec.imm) bits |= immediateInstructionMask(spec.imm);
  if (spec.hasCsr) bits |= 0xfff00000;
  if (spec.hasFence) bits |= 0x0ff00000;
  if (spec.hasOrdering) bits |= 0x06000000;
  return bits >>> 0;
}

// Register fields.
/** `rd` at [11:7]. */
export const RD: RegisterField = { kind: 'reg', lo: 7 };
/** `rs1` at [19:15]. */
export const RS1: RegisterField = { kind: 'reg', lo: 15 };
/** `rs2` at [24:20]. */
export const RS2: RegisterField = { kind: 'reg', lo: 20 };
/** Compressed full register at [11:7] (`rd`/`rs1`). */
export const C_RD: RegisterField = { kind: 'reg', lo: 7 };
/** Compressed full register at [6:2] (`rs2`). */
export const C_RS2: RegisterField = { kind: 'reg', lo: 2 };
/** Compressed `rd'`/`rs2'` at [4:2]. */
export const C_RD_P: RegisterField = { kind: 'creg', lo: 2 };
/** Compressed `rs1'`/`rd'` at [9:7]. */
export const C_RS1_P: RegisterField = { kind: 'creg', lo: 7 };
/** The same register as `rd`. */
export const TIED: RegisterField = { kind: 'tied' };
/** An implied register. */
export function fixed(value: number): RegisterField {
  return { kind: 'fixed', value };
}

function scheme(signed: boolean, ...segments: Segment[]): ImmediateScheme {
  return { segments, signed };
}

// Immediate schemes of the 32-bit formats.
export const IMM_I = scheme(true, [31, 20, 0]);
export const IMM_S = scheme(true, [31, 25, 5], [11, 7, 0]);
export const IMM_B = scheme(true, [31, 31, 12], [30, 25, 5], [11, 8, 1], [7, 7, 11]);
export const IMM_U = scheme(false, [31, 12, 0]);
export const IMM_J = scheme(true, [31, 31, 20], [30, 21, 1], [20, 20, 11], [19, 12, 12]);
export const SHAMT = scheme(false, [24, 20, 0]);
/** The 5-bit unsigned immediate of CSRRWI/CSRRSI/CSRRCI, in the `rs1` field. */
export const ZIMM = scheme(false, [19, 15, 0]);

// Immediate schemes of the compressed formats (RISC-V unprivileged spec, chapter "C").
export const C_IMM_ADDI4SPN = scheme(false, [12, 11, 4], [10, 7, 6], [6, 6, 2], [5, 5, 3]);
export const C_IMM_LW = scheme(false, [12, 10, 3], [6, 6, 2], [5, 5, 6]);
export const C_IMM_CI = scheme(true, [12, 12, 5], [6, 2, 0]);
export const C_IMM_LUI: ImmediateScheme = { ...scheme(true, [12, 12, 5], [6, 2, 0]), wrap20: true };
export const C_IMM_ADDI16SP = scheme(true, [12, 12, 9], [6, 6, 4], [5, 5, 6], [4, 3, 7], [2, 2, 5]);
export const C_SHAMT = scheme(false, [6, 2, 0]);
export const C_IMM_LWSP = scheme(false, [12, 12, 5], [6, 4, 2], [3, 2, 6]);
export const C_IMM_SWSP = scheme(false, [12, 9, 2], [8, 7, 6]);
export const C_IMM_J = scheme(
  true,
  [12, 12, 11],
  [11, 11, 4],
  [10, 9, 8],
  [8, 8, 10],
  [7, 7, 6],
  [6, 6, 7],
  [5, 3, 1],
  [2, 2, 5],
);
export const C_IMM_B = scheme(true, [12, 12, 8], [11, 10, 3], [6, 5, 6], [4, 3, 1], [2, 2, 5]);

// Fixed-bit masks of the 32-bit formats.
export const OPCODE = 0x0000007f;
export const FUNCT3 = 0x00007000;
export const FUNCT7 = 0xfe000000;
export const FUNCT5 = 0xf8000000;
export const RD_BITS = 0x00000f80;
export const RS1_BITS = 0x000f8000;
export const RS2_BITS = 0x01f00000;

/** `funct3 << 12 | opcode`. */
export function f3(funct3: number, opcode: number): number {
  return ((funct3 << 12) | opcode) >>> 0;
}

// Fixed-bit masks of the compressed formats.
export const C_OP = 0x0003;
export const C_FUNCT3 = 0xe000;
