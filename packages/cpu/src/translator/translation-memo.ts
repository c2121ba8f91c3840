/**
 * Host code kept by the guest code it was made from: when the same instructions come back at
 * the same virtual addresses — a program loaded again into memory it used before, a forked
 * child running its parent's code from another page, code that switches between versions — the
 * translator takes the host code it already has instead of emitting and compiling it again.
 *
 * @module
 */
import type { BlockEmitter, BlockInstruction, CompiledBlock } from './block-compiler.js';

/** Versions of the code at one pc that {@link TranslationMemo.find} looks at (the latest). */
const VERSIONS_KEPT = 4;

/** A single block kept by its entry pc: the halfwords of guest code it was compiled from. */
interface KeptBlock {
  readonly halves: Uint16Array;
  readonly compiled: CompiledBlock;
}

/**
 * A memo in front of a {@link BlockEmitter}. A compiled block (or region) depends only on its
 * instructions — their addresses, their words and whether each is a call of a call policy —
 * so an emit for the same instructions returns what the first one returned. A single block
 * is also found without decoding ({@link TranslationMemo.find}): by its pc and the halfwords
 * of guest code at that pc now. It keeps at most `limit` bytes (or characters) of host code
 * and starts over when a new entry would pass it.
 */
export class TranslationMemo {
  private readonly entries = new Map<string, CompiledBlock>();
  /** Single blocks without calls, by entry pc (the latest last). */
  private readonly blocks = new Map<number, KeptBlock[]>();
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
      const halves =
        blocks.length === 1 ? halvesOf(blocks[0] as readonly BlockInstruction[], pc) : undefined;
      if (halves !== undefined) {
        const kept = this.blocks.get(pc);
        if (kept === undefined) this.blocks.set(pc, [{ halves, compiled }]);
        else {
          // Code rewritten in place again and again keeps its latest versions only.
          if (kept.length === VERSIONS_KEPT) kept.shift();
          kept.push({ halves, compiled });
        }
      }
      this.size += compiled.size;
    }
    return compiled;
  };

  /**
   * The host code kept for the single block at `pc` whose guest code is the halfwords at byte
   * `offset` of `u16`'s buffer now (the block a decode there would give: a block's extent is
   * set by its own instructions), or undefined. None of its halfwords may be a call site of
   * `sites` (an instruction a call policy made a call by its address). Counts a hit.
   */
  find(
    pc: number,
    u16: Uint16Array,
    offset: number,
    sites?: ReadonlySet<number>,
  ): CompiledBlock | undefined {
    const kept = this.blocks.get(pc);
    if (kept === undefined) return undefined;
    const first = offset >> 1;
    for (let k = kept.length - 1; k >= 0; k--) {
      const { halves, compiled } = kept[k] as KeptBlock;
      let same = true;
      for (let i = 0; i < halves.length; i++)
        if (u16[first + i] !== halves[i]) {
          same = false;
          break;
        }
      if (!same) continue;
      if (sites !== undefined && sites.size !== 0)
        for (let i = 0; i < halves.length; i++) if (sites.has(offset + 2 * i)) return undefined;
      this.hits++;
      return compiled;
    }
    return undefined;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
    this.blocks.clear();
    this.size = 0;
  }
}

/**
 * The halfwords of guest code a single block at `pc` was decoded from, in memory order; undefined
 * when it holds a call (a call policy's decision, not the code's) or starts with an instruction
 * that straddles a page end (its second parcel comes from another page).
 */
function halvesOf(block: readonly BlockInstruction[], pc: number): Uint16Array | undefined {
  const first = block[0];
  if (first === undefined || ((pc & 0xfff) === 0xffe && (first.decoded.word & 3) === 3))
    return undefined;
  const halves: number[] = [];
  for (const i of block) {
    if (i.call) return undefined;
    // The parcels the decode read: a second one when the first says the word is 32 bits.
    const word = i.decoded.word;
    halves.push(word & 0xffff);
    if ((word & 3) === 3) halves.push(word >>> 16);
  }
  return Uint16Array.from(halves);
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
