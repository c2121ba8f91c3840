/**
 * The shape of one entry of the instruction table.
 *
 * @module
 */
import type { ImmediateScheme } from './bits.js';

/** ISA extensions that the table knows. `Priv` is the privileged architecture's instructions. */
export type Extension = 'I' | 'M' | 'A' | 'C' | 'Zicsr' | 'Zifencei' | 'Priv' | 'H';

/** Where a register operand lives in an instruction word. */
export type RegisterField =
  /** Five bits at `[lo+4:lo]`, any of x0…x31. */
  | { readonly kind: 'reg'; readonly lo: number }
  /** Three bits at `[lo+2:lo]`, one of x8…x15 (the compressed `rd'`, `rs1'`, `rs2'`). */
  | { readonly kind: 'creg'; readonly lo: number }
  /** Not encoded: the instruction implies this register. */
  | { readonly kind: 'fixed'; readonly value: number }
  /** Not encoded separately: the same register as `rd`. */
  | { readonly kind: 'tied' };

/** Names of the operand fields of a decoded instruction. */
export type FieldName = 'rd' | 'rs1' | 'rs2' | 'imm' | 'csr' | 'pred' | 'succ' | 'fm' | 'aq' | 'rl';

/** A reserved value of a field: the encoding with that value is not this instruction. */
export interface FieldExclusion {
  readonly field: 'rd' | 'rs1' | 'rs2' | 'imm';
  readonly values: readonly number[];
}

/**
 * How an operand is written in assembly. The syntax string of an instruction is a
 * comma-separated list of these tokens, for example `rd, rs1, imm` or `rd, imm(rs1)`.
 *
 * - `rd`, `rs1`, `rs2`: a register;
 * - `imm`: an immediate (a PC-relative target for branches and jumps);
 * - `imm(rs1)`: a memory operand; `(rs1)`: an address register (AMOs);
 * - `csr`: a CSR name or number; `pred`, `succ`: fence sets such as `iorw`.
 */
export type OperandToken =
  | 'rd'
  | 'rs1'
  | 'rs2'
  | 'imm'
  | 'imm(rs1)'
  | '(rs1)'
  | 'csr'
  | 'pred'
  | 'succ';

/** How a compressed instruction expands into a 32-bit one (its operands carry over by name). */
export interface Expansion {
  /** Name of the 32-bit instruction. */
  readonly name: string;
  /**
   * Whether a disassembler printing aliases shows the expansion (default true). LLVM keeps
   * some HINT forms compressed; so does Trapeze, to print the same text.
   */
  readonly printed?: boolean;
  /** The alias that a disassembler printing aliases shows instead (C.MV prints as `mv`). */
  readonly printedAs?: string;
}

/** One instruction encoding of the table: the single source of truth for every tool. */
export interface InstructionSpec {
  /** Unique identifier, usually the mnemonic; hint forms and variants get a suffix (`c.nop.hint`). */
  readonly id: string;
  /** The mnemonic as printed by the disassembler (before `.aq`/`.rl` suffixes). */
  readonly name: string;
  /** Position in the table; stable within one release, usable as a dense switch key. */
  readonly index: number;
  readonly extension: Extension;
  /** Encoded size in bytes. */
  readonly size: 2 | 4;
  /** Bits that are fixed by the encoding. */
  readonly mask: number;
  /** Values of the fixed bits. */
  readonly match: number;
  readonly rd?: RegisterField | undefined;
  readonly rs1?: RegisterField | undefined;
  readonly rs2?: RegisterField | undefined;
  readonly imm?: ImmediateScheme | undefined;
  /** Has a 12-bit CSR number at `[31:20]`. */
  readonly hasCsr: boolean;
  /** Has fence predecessor/successor sets and the fence mode. */
  readonly hasFence: boolean;
  /** Has acquire/release bits (AMOs, LR, SC). */
  readonly hasOrdering: boolean;
  /** Operand syntax tokens in assembly order. */
  readonly syntax: readonly OperandToken[];
  /** Encodings with these field values are reserved or belong to another entry. */
  readonly exclusions: readonly FieldExclusion[];
  /** The immediate is a PC-relative offset (printed by disassemblers as the target address). */
  readonly pcRelative: boolean;
  /**
   * Instruction bits that the specification tells implementations to ignore (reserved for
   * future use, "standard software shall zero these fields"). They decode to the same
   * instruction whatever their value, but assembly syntax cannot express them.
   */
  readonly ignoredBits: number;
  /** For compressed instructions: the 32-bit instruction it is shorthand for. */
  readonly expansion?: Expansion | undefined;
  /** A specification HINT encoding: legal, executes as a no-op on this architecture. */
  readonly hint: boolean;
}
