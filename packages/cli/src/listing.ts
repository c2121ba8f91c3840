/**
 * Disassembly listings: splitting bytes into instructions by their length bits, and printing
 * them as `llvm-objdump` does (`80000000: 13 05 a0 02  \tli\ta0, 42`) or as TSV
 * (`80000000\t02a00513\tli a0, 42`).
 *
 * @module
 */
import { disassemble, type Instruction } from '@trapeze/isa';
import type { WordDecoder } from './isa-option.js';
import { hex } from './numbers.js';
import type { LineSink } from './output.js';
import type { SymbolTable } from './symbols.js';

/** Text of a listing line for bytes that end before the instruction they start does. */
export const TRUNCATED = '<truncated>';

/** One instruction-sized piece of a byte stream. */
export interface Slot {
  readonly address: number;
  /** The instruction's bytes (fewer than its length when truncated). */
  readonly bytes: Uint8Array;
  /** The decoded instruction, or `null` when the stream ends in the middle of it. */
  readonly instruction: Instruction | null;
}

/**
 * Splits `bytes`, loaded at `base`, into instructions: 2 bytes when the low two bits of the
 * first halfword are not `11`, else 4. A trailing odd byte or a 32-bit instruction cut short
 * comes out as a last slot with `instruction === null`.
 */
export function* slots(bytes: Uint8Array, base: number, decoder: WordDecoder): Generator<Slot> {
  let at = 0;
  while (at < bytes.length) {
    const address = (base + at) >>> 0;
    const first = bytes[at] as number;
    const size = (first & 3) === 3 ? 4 : 2;
    if (at + size > bytes.length) {
      yield { address, bytes: bytes.subarray(at), instruction: null };
      return;
    }
    let word = 0;
    for (let k = size - 1; k >= 0; k--) word = (word << 8) | (bytes[at + k] as number);
    yield {
      address,
      bytes: bytes.subarray(at, at + size),
      instruction: decoder.decode(word >>> 0),
    };
    at += size;
  }
}

/** `00` … `ff`: listings print millions of bytes. */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => hex(b, 2));

/** The little-endian value of `bytes` in hexadecimal, two digits per byte (`00a58533`, `4505`). */
export function encodingHex(bytes: Uint8Array): string {
  let text = '';
  for (let k = bytes.length - 1; k >= 0; k--) text += BYTE_HEX[bytes[k] as number];
  return text;
}

/** The bytes in memory order, as `llvm-objdump` shows them (`13 05 a0 02`). */
export function bytesHex(bytes: Uint8Array): string {
  let text = '';
  for (let k = 0; k < bytes.length; k++) {
    text += k === 0 ? BYTE_HEX[bytes[k] as number] : ` ${BYTE_HEX[bytes[k] as number]}`;
  }
  return text;
}

/** Options of {@link instructionText}. */
export interface TextOptions {
  readonly aliases: boolean;
  /** Symbols for `<name+0x10>` annotations of branch and jump targets. */
  readonly symbols?: SymbolTable | undefined;
  /** The section listed: its labels are printed (text format), its symbols preferred. */
  readonly section?: { readonly index: number; readonly name: string } | undefined;
}

/** The assembly text of a slot, `llvm-objdump` style (a tab between mnemonic and operands). */
export function instructionText(slot: Slot, options: TextOptions): string {
  const i = slot.instruction;
  if (i === null) return TRUNCATED;
  const text = disassemble(i, { aliases: options.aliases, address: slot.address });
  if (options.symbols === undefined || !i.legal || !i.spec.pcRelative) return text;
  const target = options.symbols.describe(slot.address + i.imm, options.section?.index);
  return target === undefined ? text : `${text} <${target}>`;
}

/** One `llvm-objdump` line: `    addr: bytes<pad>\ttext`. */
export function objdumpLine(slot: Slot, text: string): string {
  return `${hex(slot.address, 1).padStart(8)}: ${bytesHex(slot.bytes).padEnd(13)}\t${text}`;
}

/** One TSV line: `address<TAB>encoding<TAB>text`, with a space between mnemonic and operands. */
export function tsvLine(slot: Slot, text: string): string {
  return `${hex(slot.address, 8)}\t${encodingHex(slot.bytes)}\t${text.replace(/\t/g, ' ')}`;
}

/** Listing formats. */
export type ListingFormat = 'text' | 'tsv';

/** Options of {@link listBytes}. */
export interface ListingOptions extends TextOptions {
  readonly decoder: WordDecoder;
  readonly format: ListingFormat;
}

/** What {@link listBytes} found besides instructions. */
export interface ListingResult {
  /** The truncated last slot, if the bytes end in the middle of an instruction. */
  readonly truncated: Slot | null;
  readonly instructions: number;
}

/**
 * Appends the listing of `bytes` loaded at `base` to `out`, one line per instruction, with
 * symbol labels (preceded by a blank line) when `options.section` and `options.symbols` are given.
 */
export function listBytes(
  bytes: Uint8Array,
  base: number,
  options: ListingOptions,
  out: LineSink,
): ListingResult {
  const labels = options.format === 'text' ? options.section : undefined;
  let truncated: Slot | null = null;
  let instructions = 0;
  for (const slot of slots(bytes, base, options.decoder)) {
    if (labels !== undefined) {
      let label = options.symbols?.labelAt(labels.index, slot.address);
      if (label === undefined && slot.address === base >>> 0) label = labels.name;
      if (label !== undefined) out.push('', `${hex(slot.address, 8)} <${label}>:`);
    }
    const text = instructionText(slot, options);
    out.push(options.format === 'tsv' ? tsvLine(slot, text) : objdumpLine(slot, text));
    if (slot.instruction === null) truncated = slot;
    else instructions++;
  }
  return { truncated, instructions };
}
