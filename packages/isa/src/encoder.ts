/**
 * The encoder: operands in, instruction word out, with every operand checked against the
 * table entry (register class, immediate range and alignment, reserved values).
 *
 * @module
 */
import { fitsImmediate, immediateRange, writeImmediate } from './bits.js';
import { registerName } from './registers.js';
import type { InstructionSpec, RegisterField } from './spec.js';
import { instructionById } from './table/index.js';

/** Operands to encode. Omitted fields are zero (or the implied register). */
export interface EncodeInput {
  /** The table entry, or its id (`'addi'`, `'c.nop.hint'`). */
  readonly spec: InstructionSpec | string;
  readonly rd?: number;
  readonly rs1?: number;
  readonly rs2?: number;
  readonly imm?: number;
  readonly csr?: number;
  readonly pred?: number;
  readonly succ?: number;
  readonly aq?: boolean;
  readonly rl?: boolean;
  /** Bits the specification tells implementations to ignore; must lie within `spec.ignoredBits`. */
  readonly reserved?: number;
}

/** Error codes of {@link EncodeError}. */
export type EncodeErrorCode =
  | 'UNKNOWN_INSTRUCTION'
  | 'BAD_REGISTER'
  | 'BAD_IMMEDIATE'
  | 'RESERVED'
  | 'BAD_FIELD';

/** An operand that the instruction cannot encode. */
export class EncodeError extends Error {
  constructor(
    readonly code: EncodeErrorCode,
    /** The offending field (`rd`, `imm`, …), or `spec`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'EncodeError';
  }
}

function resolve(spec: InstructionSpec | string): InstructionSpec {
  if (typeof spec === 'object' && spec !== null && typeof spec.match === 'number') return spec;
  if (typeof spec !== 'string')
    throw new EncodeError(
      'UNKNOWN_INSTRUCTION',
      'spec',
      'spec must be a table entry or its id (a string such as "addi")',
    );
  const found = instructionById(spec);
  if (!found) throw new EncodeError('UNKNOWN_INSTRUCTION', 'spec', `unknown instruction "${spec}"`);
  return found;
}

function encodeRegister(
  spec: InstructionSpec,
  name: 'rd' | 'rs1' | 'rs2',
  field: RegisterField | undefined,
  value: number | undefined,
  rd: number,
): number {
  if (field === undefined) {
    if (value !== undefined && value !== 0) {
      throw new EncodeError('BAD_FIELD', name, `${spec.name} has no ${name} operand`);
    }
    return 0;
  }
  const v = value ?? (field.kind === 'fixed' ? field.value : field.kind === 'tied' ? rd : 0);
  if (!Number.isInteger(v) || v < 0 || v > 31) {
    throw new EncodeError(
      'BAD_REGISTER',
      name,
      `${spec.name}: ${name} = ${v} is not a register x0…x31`,
    );
  }
  switch (field.kind) {
    case 'reg':
      return (v << field.lo) >>> 0;
    case 'creg':
      if (v < 8 || v > 15) {
        throw new EncodeError(
          'BAD_REGISTER',
          name,
          `${spec.name}: ${name} must be one of x8…x15 (s0, s1, a0…a5), not ${registerName(v)}`,
        );
      }
      return ((v - 8) << field.lo) >>> 0;
    case 'fixed':
      if (v !== field.value) {
        throw new EncodeError(
          'BAD_REGISTER',
          name,
          `${spec.name}: ${name} must be ${registerName(field.value)}, not ${registerName(v)}`,
        );
      }
      return 0;
    default:
      if (v !== rd) {
        throw new EncodeError(
          'BAD_REGISTER',
          name,
          `${spec.name}: ${name} must be the same register as rd (${registerName(rd)}), not ${registerName(v)}`,
        );
      }
      return 0;
  }
}

function checkUnsigned(spec: InstructionSpec, field: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new EncodeError(
      'BAD_FIELD',
      field,
      `${spec.name}: ${field} = ${value} does not fit in ${bits} bits`,
    );
  }
  return value;
}

/** A description of the values an immediate accepts, for error messages. */
export function describeImmediate(spec: InstructionSpec): string {
  if (spec.imm === undefined) return 'no immediate';
  const { min, max, align } = immediateRange(spec.imm);
  const excluded = spec.exclusions.find((e) => e.field === 'imm');
  const parts = [`an integer in [${min}, ${max}]`];
  if (spec.imm.wrap20)
    parts[0] = `a 20-bit value whose top ${20 - 6} bits repeat bit 5 (sign-extended 6-bit)`;
  if (align > 1) parts.push(`a multiple of ${align}`);
  if (excluded) parts.push(`not ${excluded.values.join(' or ')}`);
  return parts.join(', ');
}

/**
 * Encodes one instruction. Throws {@link EncodeError} when an operand does not fit.
 *
 * @example
 * ```ts
 * import { EncodeError, encode } from '@trapeze/isa';
 *
 * encode({ spec: 'addi', rd: 10, rs1: 10, imm: 1 }); // → 0x00150513
 * encode({ spec: 'c.li', rd: 10, imm: 1 }); // → 0x4505
 * try {
 *   encode({ spec: 'addi', rd: 10, rs1: 10, imm: 5000 });
 * } catch (error) {
 *   (error as EncodeError).message; // → 'addi: immediate 5000 must be an integer in [-2048, 2047]'
 * }
 * ```
 */
export function encode(input: EncodeInput): number {
  const spec = resolve(input.spec);
  const rd = input.rd ?? (spec.rd?.kind === 'fixed' ? spec.rd.value : 0);
  let word = spec.match;
  word |= encodeRegister(spec, 'rd', spec.rd, input.rd, rd);
  word |= encodeRegister(spec, 'rs1', spec.rs1, input.rs1, rd);
  word |= encodeRegister(spec, 'rs2', spec.rs2, input.rs2, rd);
  const imm = input.imm ?? 0;
  if (spec.imm !== undefined) {
    if (!fitsImmediate(imm, spec.imm)) {
      throw new EncodeError(
        'BAD_IMMEDIATE',
        'imm',
        `${spec.name}: immediate ${imm} must be ${describeImmediate(spec)}`,
      );
    }
    word |= writeImmediate(imm, spec.imm);
  } else if (imm !== 0) {
    throw new EncodeError('BAD_FIELD', 'imm', `${spec.name} has no immediate operand`);
  }
  for (const exclusion of spec.exclusions) {
    const value =
      exclusion.field === 'imm'
        ? imm
        : (input[exclusion.field] ??
          (exclusion.field === 'rs1' && spec.rs1?.kind === 'tied' ? rd : 0));
    if (exclusion.values.includes(value)) {
      const shown = exclusion.field === 'imm' ? String(value) : registerName(value);
      throw new EncodeError(
        'RESERVED',
        exclusion.field,
        `${spec.name}: ${exclusion.field} = ${shown} is a reserved encoding`,
      );
    }
  }
  if (spec.hasCsr) word |= checkUnsigned(spec, 'csr', input.csr ?? 0, 12) << 20;
  else if ((input.csr ?? 0) !== 0)
    throw new EncodeError('BAD_FIELD', 'csr', `${spec.name} has no CSR operand`);
  if (spec.hasFence) {
    word |= checkUnsigned(spec, 'pred', input.pred ?? 0, 4) << 24;
    word |= checkUnsigned(spec, 'succ', input.succ ?? 0, 4) << 20;
  }
  if (spec.hasOrdering) word |= (input.aq ? 1 << 26 : 0) | (input.rl ? 1 << 25 : 0);
  else if (input.aq || input.rl)
    throw new EncodeError('BAD_FIELD', 'aq', `${spec.name} has no .aq/.rl ordering bits`);
  const reserved = (input.reserved ?? 0) >>> 0;
  if ((reserved & ~spec.ignoredBits) !== 0) {
    throw new EncodeError(
      'BAD_FIELD',
      'reserved',
      `${spec.name}: reserved bits 0x${reserved.toString(16)} are not ignored bits`,
    );
  }
  return (word | reserved) >>> 0;
}
