/**
 * fast-check arbitraries derived from the instruction table: random operands for every
 * instruction form, respecting register classes, immediate ranges and alignment, and
 * reserved values. Import from `@trapeze/isa/arbitraries` (needs `fast-check` installed).
 *
 * @module
 */
import fc from 'fast-check';
import { immediateRange } from './bits.js';
import { createDecoder } from './decoder.js';
import { type EncodeInput, encode } from './encoder.js';
import { type IsaConfig, RV32IMAC, RV32IMACH } from './isa.js';
import type { InstructionSpec, RegisterField } from './spec.js';
import { INSTRUCTIONS } from './table/index.js';

/** Decodes every entry of the table, to check that generated operands encode their own entry. */
const DECODER = createDecoder(RV32IMACH);

/** Operands of one instruction form, ready for `encode`. */
export type InstructionFields = EncodeInput & { readonly spec: InstructionSpec };

function register(field: RegisterField | undefined): fc.Arbitrary<number | undefined> {
  if (field === undefined) return fc.constant(undefined);
  switch (field.kind) {
    case 'reg':
      return fc.integer({ min: 0, max: 31 });
    case 'creg':
      return fc.integer({ min: 8, max: 15 });
    case 'fixed':
      return fc.constant(field.value);
    default:
      return fc.constant(undefined);
  }
}

function immediate(spec: InstructionSpec): fc.Arbitrary<number> {
  const scheme = spec.imm;
  if (scheme === undefined) return fc.constant(0);
  if (scheme.wrap20) return fc.integer({ min: -32, max: 31 }).map((v) => v & 0xfffff);
  const { min, max, align } = immediateRange(scheme);
  return fc.integer({ min: min / align, max: max / align }).map((v) => v * align);
}

/** Random operands for one table entry. */
export function instructionFields(spec: InstructionSpec): fc.Arbitrary<InstructionFields> {
  return (
    fc
      .record({
        rd: register(spec.rd),
        rs1: register(spec.rs1),
        rs2: register(spec.rs2),
        imm: immediate(spec),
        csr: spec.hasCsr ? fc.integer({ min: 0, max: 4095 }) : fc.constant(0),
        pred: spec.hasFence ? fc.integer({ min: 0, max: 15 }) : fc.constant(0),
        succ: spec.hasFence ? fc.integer({ min: 0, max: 15 }) : fc.constant(0),
        aq: spec.hasOrdering ? fc.boolean() : fc.constant(false),
        rl: spec.hasOrdering ? fc.boolean() : fc.constant(false),
        reserved:
          spec.ignoredBits === 0
            ? fc.constant(0)
            : fc.integer({ min: 0, max: 0xffffffff }).map((v) => (v & spec.ignoredBits) >>> 0),
      })
      .map((fields) => {
        const rd = fields.rd ?? (spec.rd?.kind === 'fixed' ? spec.rd.value : 0);
        const tie = (value: number | undefined, field: RegisterField | undefined) =>
          field?.kind === 'tied' ? rd : value;
        return {
          spec,
          ...fields,
          rd: fields.rd,
          rs1: tie(fields.rs1, spec.rs1),
          rs2: tie(fields.rs2, spec.rs2),
        };
      })
      .filter((fields) =>
        spec.exclusions.every((exclusion) => {
          const value = exclusion.field === 'imm' ? fields.imm : fields[exclusion.field];
          return !exclusion.values.includes(value ?? 0);
        }),
      )
      // An encoding that a more specific entry claims (FENCE with FENCE.TSO's bits) is that entry.
      .filter((fields) => DECODER.decodeSpec(encode(fields)) === spec)
      .map((fields) => {
        // Drop undefined keys so that the object compares equal to decoded fields.
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(fields))
          if (value !== undefined) out[key] = value;
        return out as unknown as InstructionFields;
      })
  );
}

/** Random operands for a random instruction of the ISA (every form equally likely). */
export function anyInstruction(isa: IsaConfig = RV32IMAC): fc.Arbitrary<InstructionFields> {
  const specs = INSTRUCTIONS.filter((spec) => isa.extensions.has(spec.extension));
  return fc.oneof(...specs.map((spec) => instructionFields(spec)));
}

/** Random 32-bit words (any value, legal or not). */
export function anyWord(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0xffffffff });
}

/**
 * Values that are not an integer in `min…max`: `NaN`, the infinities, fractions, integers
 * just outside the range and far from it, unsafe integers, and values of other types (a
 * numeric string, `null`, an object, a bigint). For property tests that a host-facing
 * function rejects bad arguments with a typed error rather than hanging or crashing.
 */
export function notAnInteger(min: number, max: number): fc.Arbitrary<unknown> {
  const outside = (x: unknown) =>
    !(Number.isInteger(x) && (x as number) >= min && (x as number) <= max);
  return fc
    .oneof(
      fc.constantFrom<unknown>(
        Number.NaN,
        Infinity,
        -Infinity,
        min - 1,
        max + 1,
        min + 0.5,
        2 ** 53,
      ),
      fc.double().filter(outside),
      fc.oneof(
        fc.integer({ max: -1 }).map((k) => min + k),
        fc.integer({ min: 1 }).map((k) => max + k),
      ),
      fc.constantFrom<unknown>(`${min}`, null, {}, [min], true, BigInt(Math.trunc(min))),
    )
    .filter(outside);
}
