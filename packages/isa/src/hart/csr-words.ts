/**
 * The trap CSRs a {@link CsrFile} keeps in a word array — the scratch, exception-pc, cause,
 * trap-value and vector registers of M and S mode — and the one rule each write follows. A
 * translator that puts that array in its own memory can read and write these CSRs in its host
 * code with the same rules ({@link CsrWord}); the CSR file applies them through
 * {@link writeCsrWord}.
 *
 * Their writes change nothing else: not the privilege, translation, interrupt enables,
 * counters or triggers.
 *
 * @module
 */

/** One CSR kept in a word of the CSR file's word array. */
export interface CsrWord {
  /** The CSR's field name on {@link CsrFile}. */
  readonly name:
    | 'mtvec'
    | 'mscratch'
    | 'mepc'
    | 'mcause'
    | 'mtval'
    | 'stvec'
    | 'sscratch'
    | 'sepc'
    | 'scause'
    | 'stval';
  /** Its CSR address. */
  readonly csr: number;
  /** Its index in the word array. */
  readonly slot: number;
  /** The lowest privilege that may read and write it (1: S, 3: M). */
  readonly level: 1 | 3;
  /** The bits a write keeps (the others read zero): every bit, or all but bit 0 for `xepc`. */
  readonly mask: number;
  /** A vector register: a write with MODE (bits 1:0) ≥ 2 is ignored entirely, as on QEMU. */
  readonly vector: boolean;
}

/** Every CSR kept in words, by slot. */
export const CSR_WORDS: readonly CsrWord[] = Object.freeze(
  (
    [
      ['mtvec', 0x305, 3, -1, true],
      ['mscratch', 0x340, 3, -1, false],
      ['mepc', 0x341, 3, ~1, false],
      ['mcause', 0x342, 3, -1, false],
      ['mtval', 0x343, 3, -1, false],
      ['stvec', 0x105, 1, -1, true],
      ['sscratch', 0x140, 1, -1, false],
      ['sepc', 0x141, 1, ~1, false],
      ['scause', 0x142, 1, -1, false],
      ['stval', 0x143, 1, -1, false],
    ] as const
  ).map(([name, csr, level, mask, vector], slot) =>
    Object.freeze({ name, csr, slot, level, mask, vector }),
  ),
);

/** The number of words a CSR file's word array holds. */
export const CSR_WORD_COUNT = CSR_WORDS.length;

/** The entry of CSR address `csr`, or undefined when it is not kept in a word. */
export function csrWord(csr: number): CsrWord | undefined {
  return BY_ADDRESS.get(csr);
}

const BY_ADDRESS = new Map<number, CsrWord>(CSR_WORDS.map((word) => [word.csr, word]));

/** Writes `value` to the word of `word` in `words` by its rule. */
export function writeCsrWord(words: Uint32Array, word: CsrWord, value: number): void {
  if (word.vector && (value & 3) >= 2) return;
  words[word.slot] = value & word.mask;
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
