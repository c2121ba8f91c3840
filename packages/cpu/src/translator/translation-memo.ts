/**
 * Host code kept by the guest code it was made from: when the same instructions come back at
 * the same virtual addresses — a program loaded again into memory it used before, a forked
 * child running its parent's code from another page, code that switches between versions — the
 * translator takes the host code it already has instead of emitting and compiling it again.
 *
 * @module
 */
import type { BlockEmitter, BlockInstruction, CompiledBlock } from './block-compiler.js';

/**
 * A memo in front of a {@link BlockEmitter}. A compiled block (or region) depends only on its
 * instructions — their addresses, their words and whether each is a call of a call policy —
 * so an emit for the same instructions returns what the first one returned. It keeps at most
 * `limit` bytes (or characters) of host code and starts over when a new entry would pass it.
 */
export class TranslationMemo {
  private readonly entries = new Map<string, CompiledBlock>();
  /** The first instruction word of the host code kept for each entry pc. */
  private readonly heads = new Map<number, number>();
  private size = 0;
  /** Emits answered from the memo. */
  hits = 0;

  constructor(
    private readonly emit: BlockEmitter,
    private readonly limit: number,
  ) {}

  /** The emitter to compile with: the memo's answer, or the wrapped emitter's (remembered). */
  readonly emitter: BlockEmitter = (blocks, pc) => {
    const key = signature(blocks, pc);
    const known = this.entries.get(key);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    const compiled = this.emit(blocks, pc);
    if (this.size + compiled.size > this.limit) this.clear();
    if (compiled.size <= this.limit) {
      this.entries.set(key, compiled);
      const head = blocks[0]?.[0];
      if (head !== undefined) this.heads.set(pc, head.decoded.word);
      this.size += compiled.size;
    }
    return compiled;
  };

  /**
   * The first instruction word of host code kept for entry `pc` (the latest, if several), or
   * undefined: the same word there now suggests the memo will answer for the code at `pc`.
   */
  head(pc: number): number | undefined {
    return this.heads.get(pc);
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
    this.heads.clear();
    this.size = 0;
  }
}

/** What a compiled block depends on: its entry and each instruction's address, word and kind. */
function signature(blocks: readonly (readonly BlockInstruction[])[], pc: number): string {
  let key = String(pc);
  for (const block of blocks) {
    key += '|';
    for (const i of block) key += `${i.pc},${i.decoded.word}${i.call ? 'c' : ''};`;
  }
  return key;
}
