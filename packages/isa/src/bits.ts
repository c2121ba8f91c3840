/**
 * Bit-field helpers shared by the decoder, the encoder and the assembler.
 *
 * Instruction words are handled as unsigned 32-bit numbers (`0 … 2^32-1`);
 * immediates as signed or unsigned JavaScript integers.
 *
 * @module
 */
import { checkInteger, checkWord } from './errors.js';

/** One contiguous run of instruction bits `[hi:lo]` that holds immediate bits starting at `immLo`. */
export type Segment = readonly [hi: number, lo: number, immLo: number];

/**
 * How an immediate is scattered over an instruction word.
 *
 * The immediate's bits that no segment covers are zero (for example bit 0 of a
 * branch offset). A signed immediate is sign-extended from its highest covered bit.
 */
export interface ImmediateScheme {
  /** Segments, in any order. */
  readonly segments: readonly Segment[];
  /** Sign-extend from the highest covered bit. */
  readonly signed: boolean;
  /**
   * Present the value as a 20-bit unsigned number (the form LLVM and GNU as use for
   * `lui` and `c.lui`): a sign-extended value is masked to 20 bits.
   */
  readonly wrap20?: boolean;
}

/**
 * Sign-extends the low `bits` bits of `value`.
 *
 * @param value a 32-bit word, signed or unsigned (an integer in `-2^31 … 2^32 − 1`)
 * @param bits an integer in 1…32
 * @throws {@link IsaError} `BAD_ARGUMENT` for anything else
 */
export function signExtend(value: number, bits: number): number {
  checkWord(value, 'signExtend: value');
  checkInteger(bits, 'signExtend: bits', 1, 32);
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** Extracts instruction bits `[hi:lo]` of `word` as an unsigned number. */
export function bitField(word: number, hi: number, lo: number): number {
  const width = hi - lo + 1;
  return width === 32 ? word >>> 0 : (word >>> lo) & ((1 << width) - 1);
}

/** Number of the immediate's bits from bit 0 to its highest covered bit, inclusive. */
export function immediateWidth(scheme: ImmediateScheme): number {
  let width = 0;
  for (const [hi, lo, immLo] of scheme.segments) width = Math.max(width, immLo + hi - lo + 1);
  return width;
}

/** Mask (as an unsigned number) of the immediate bits that the scheme covers. */
export function immediateCoverage(scheme: ImmediateScheme): number {
  let mask = 0;
  for (const [hi, lo, immLo] of scheme.segments) {
    const width = hi - lo + 1;
    mask |= (width === 32 ? -1 : (1 << width) - 1) << immLo;
  }
  return mask >>> 0;
}

/** Mask of the instruction bits that the scheme occupies. */
export function immediateInstructionMask(scheme: ImmediateScheme): number {
  let mask = 0;
  for (const [hi, lo] of scheme.segments) {
    const width = hi - lo + 1;
    mask |= (width === 32 ? -1 : (1 << width) - 1) << lo;
  }
  return mask >>> 0;
}

/** Gathers the immediate of `word` according to `scheme`. */
export function readImmediate(word: number, scheme: ImmediateScheme): number {
  let value = 0;
  for (const [hi, lo, immLo] of scheme.segments) value |= bitField(word, hi, lo) << immLo;
  if (scheme.signed) {
    value = signExtend(value, immediateWidth(scheme));
    return scheme.wrap20 ? value & 0xfffff : value;
  }
  return value >>> 0;
}

/** The inclusive range of values and the alignment an immediate scheme accepts. */
export interface ImmediateRange {
  readonly min: number;
  readonly max: number;
  /** Values must be multiples of this. */
  readonly align: number;
}

/** Range of values that `scheme` can represent, in the scheme's own presentation. */
export function immediateRange(scheme: ImmediateScheme): ImmediateRange {
  const width = immediateWidth(scheme);
  const coverage = immediateCoverage(scheme);
  const align = coverage === 0 ? 1 : (coverage & -coverage) >>> 0;
  if (scheme.signed && !scheme.wrap20) {
    return { min: -(2 ** (width - 1)), max: 2 ** (width - 1) - align, align };
  }
  if (scheme.wrap20) return { min: 0, max: 0xfffff, align };
  return { min: 0, max: 2 ** width - align, align };
}

/**
 * Whether `value` is representable by `scheme` (range, alignment and, for `wrap20`,
 * the sign-extension of the 20-bit presentation).
 */
export function fitsImmediate(value: number, scheme: ImmediateScheme): boolean {
  if (!Number.isInteger(value)) return false;
  if (scheme.wrap20) {
    if (value < 0 || value > 0xfffff) return false;
    const width = immediateWidth(scheme);
    return signExtend(value, 20) === signExtend(value, width);
  }
  const { min, max, align } = immediateRange(scheme);
  return value >= min && value <= max && value % align === 0;
}

/** Scatters `value` into instruction bits according to `scheme` (the caller checks the range). */
export function writeImmediate(value: number, scheme: ImmediateScheme): number {
  let word = 0;
  for (const [hi, lo, immLo] of scheme.segments) {
    const width = hi - lo + 1;
    const fieldMask = width === 32 ? -1 : (1 << width) - 1;
    word |= ((value >>> immLo) & fieldMask) << lo;
  }
  return word >>> 0;
}
