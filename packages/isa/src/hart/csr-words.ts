/**
 * The CSRs a {@link CsrFile} keeps in a word array — the scratch, exception-pc, cause,
 * trap-value and vector registers of M and S mode, and `mstatus` (with `sstatus`, a view of
 * it) — and the one rule each read and write follows. A translator that puts that array in its
 * own memory can read and write these CSRs in its host code by the same rules
 * ({@link CsrWord}); the CSR file applies them through {@link readCsrWord} and
 * {@link writeCsrWord}.
 *
 * @module
 */
import { MSTATUS_MXR, MSTATUS_SIE, MSTATUS_SUM, SSTATUS_MASK } from './status-bits.js';

/** The {@link CsrFile} fields kept in words, by slot (each CSR of {@link CSR_WORDS} is one of them, or a view of one). */
export const CSR_WORD_FIELDS = Object.freeze([
  'mtvec',
  'mscratch',
  'mepc',
  'mcause',
  'mtval',
  'stvec',
  'sscratch',
  'sepc',
  'scause',
  'stval',
  'mstatus',
] as const);

/** A field of {@link CSR_WORD_FIELDS}. */
export type CsrWordField = (typeof CSR_WORD_FIELDS)[number];

/** One CSR whose value is (a view of) a word of the CSR file's word array. */
export interface CsrWord {
  /** The CSR's name. */
  readonly name: string;
  /** Its CSR address. */
  readonly csr: number;
  /** The index of its word in the word array (its field: `CSR_WORD_FIELDS[slot]`). */
  readonly slot: number;
  /** The lowest privilege that may read and write it (1: S, 3: M). */
  readonly level: 1 | 3;
  /** The bits of the word it shows (reads see only these; writes change only these). */
  readonly view: number;
  /** The bits a write keeps within the view (the others read zero): all, or all but bit 0 for `xepc`. */
  readonly mask: number;
  /** A vector register: a write with MODE (bits 1:0) ≥ 2 is ignored entirely, as on QEMU. */
  readonly vector: boolean;
  /**
   * Bits whose change may make an interrupt ready or change how data is translated (`sstatus`:
   * SIE, SUM, MXR): a translator ends its block after a write that changes one.
   */
  readonly watch: number;
}

/** Every CSR kept in words: the trap CSRs, and `sstatus` (a view of `mstatus`). */
export const CSR_WORDS: readonly CsrWord[] = Object.freeze(
  (
    [
      // name, address, field (its word), level, view, write mask, vector, watched bits
      ['mtvec', 0x305, 'mtvec', 3, -1, -1, true, 0],
      ['mscratch', 0x340, 'mscratch', 3, -1, -1, false, 0],
      ['mepc', 0x341, 'mepc', 3, -1, ~1, false, 0],
      ['mcause', 0x342, 'mcause', 3, -1, -1, false, 0],
      ['mtval', 0x343, 'mtval', 3, -1, -1, false, 0],
      ['stvec', 0x105, 'stvec', 1, -1, -1, true, 0],
      ['sscratch', 0x140, 'sscratch', 1, -1, -1, false, 0],
      ['sepc', 0x141, 'sepc', 1, -1, ~1, false, 0],
      ['scause', 0x142, 'scause', 1, -1, -1, false, 0],
      ['stval', 0x143, 'stval', 1, -1, -1, false, 0],
      [
        'sstatus',
        0x100,
        'mstatus',
        1,
        SSTATUS_MASK,
        -1,
        false,
        MSTATUS_SIE | MSTATUS_SUM | MSTATUS_MXR,
      ],
    ] as const
  ).map(([name, csr, field, level, view, mask, vector, watch]) =>
    Object.freeze({
      name,
      csr,
      slot: CSR_WORD_FIELDS.indexOf(field),
      level,
      view,
      mask,
      vector,
      watch,
    }),
  ),
);

/** The number of words a CSR file's word array holds. */
export const CSR_WORD_COUNT = CSR_WORD_FIELDS.length;

/** The entries by CSR address (a sparse array: the CSR file looks here on every access). */
const BY_ADDRESS: (CsrWord | undefined)[] = [];
for (const word of CSR_WORDS) BY_ADDRESS[word.csr] = word;

/** The entry of CSR address `csr`, or undefined when it is not kept in a word. */
export function csrWord(csr: number): CsrWord | undefined {
  return BY_ADDRESS[csr];
}

/** The value of `word`'s CSR in `words`. */
export function readCsrWord(words: Uint32Array, word: CsrWord): number {
  return ((words[word.slot] as number) & word.view) >>> 0;
}

/** Writes `value` to `word`'s CSR in `words` by its rule. */
export function writeCsrWord(words: Uint32Array, word: CsrWord, value: number): void {
  if (word.vector && (value & 3) >= 2) return;
  const old = words[word.slot] as number;
  words[word.slot] = (old & ~word.view) | (value & word.mask & word.view);
}

/** What a CSR instruction does with the value it read and its operand. */
export type CsrOperation = 'write' | 'set' | 'clear';

/** The Zicsr instructions: whether the operand is the immediate, and the operation. */
export const CSR_INSTRUCTIONS: Readonly<
  Record<string, { readonly immediate: boolean; readonly operation: CsrOperation }>
> = Object.freeze({
  csrrw: { immediate: false, operation: 'write' },
  csrrs: { immediate: false, operation: 'set' },
  csrrc: { immediate: false, operation: 'clear' },
  csrrwi: { immediate: true, operation: 'write' },
  csrrsi: { immediate: true, operation: 'set' },
  csrrci: { immediate: true, operation: 'clear' },
});

/** The value a CSR instruction writes: its operand, or the value read with bits set or cleared. */
export function combineCsr(operation: CsrOperation, old: number, operand: number): number {
  return operation === 'write' ? operand : operation === 'set' ? old | operand : old & ~operand;
}
