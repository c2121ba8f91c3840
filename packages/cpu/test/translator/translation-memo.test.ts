/**
 * The translation memo (translator/translation-memo.ts): host code is reused only for the same
 * instructions at the same addresses, and the memo stays within its limit.
 */
import { rv32imacDecoder } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import type { BlockEmitter, CompiledBlock } from '../../src/translator/block-compiler.js';
import { decodeBlock } from '../../src/translator/block-compiler.js';
import { TranslationMemo } from '../../src/translator/translation-memo.js';
import { asm, RAM_BASE } from '../support.js';

const decoder = rv32imacDecoder();

/** A page of RAM holding `source` assembled at `at` (RAM_BASE by default) of it. */
function page(source: string, at = RAM_BASE): Uint16Array {
  const u8 = new Uint8Array(0x1000);
  for (const section of asm(source, at).sections)
    u8.set(section.bytes, section.address - ((at & ~0xfff) >>> 0));
  return new Uint16Array(u8.buffer);
}

/** The decoded block of `source` assembled at the start of RAM. */
function block(source: string) {
  return decodeBlock(page(source), 0, RAM_BASE, decoder);
}

/** An emitter that counts its calls and makes blocks of `size` bytes. */
function counting(size: number): { emit: BlockEmitter; calls: () => number } {
  let calls = 0;
  const emit: BlockEmitter = (blocks) => {
    calls++;
    return { length: (blocks[0] ?? []).length, size } as unknown as CompiledBlock;
  };
  return { emit, calls: () => calls };
}

describe('TranslationMemo', () => {
  const A = '.option norvc\naddi a0, a0, 1\naddi a1, a1, 2\nret';
  const B = '.option norvc\naddi a0, a0, 1\naddi a1, a1, 3\nret';

  it('answers the same instructions at the same address with the same host code', () => {
    const inner = counting(100);
    const memo = new TranslationMemo(inner.emit, 10_000);
    const first = memo.emitter([block(A)], RAM_BASE);
    expect(memo.emitter([block(A)], RAM_BASE)).toBe(first);
    expect(inner.calls()).toBe(1);
    expect(memo.hits).toBe(1);
  });

  it('compiles again for another word, another address or another call decision', () => {
    const inner = counting(100);
    const memo = new TranslationMemo(inner.emit, 10_000);
    const a = memo.emitter([block(A)], RAM_BASE);
    expect(memo.emitter([block(B)], RAM_BASE)).not.toBe(a);
    const moved = block(A).map((i) => ({ ...i, pc: i.pc + 0x1000 }));
    expect(memo.emitter([moved], RAM_BASE + 0x1000)).not.toBe(a);
    const called = block(A).map((i, k) => ({ ...i, call: k === 0 }));
    expect(memo.emitter([called], RAM_BASE)).not.toBe(a);
    // A region of the same first block is another entry too.
    expect(memo.emitter([block(A), block(B)], RAM_BASE)).not.toBe(a);
    expect(inner.calls()).toBe(5);
    expect(memo.hits).toBe(0);
  });

  it('starts over rather than pass its limit, and forgets on clear', () => {
    const inner = counting(600);
    const memo = new TranslationMemo(inner.emit, 1_000);
    memo.emitter([block(A)], RAM_BASE);
    memo.emitter([block(B)], RAM_BASE); // 1,200 bytes would pass the limit: A is forgotten
    memo.emitter([block(B)], RAM_BASE);
    expect(memo.hits).toBe(1);
    memo.emitter([block(A)], RAM_BASE);
    expect(inner.calls()).toBe(3);
    memo.clear();
    memo.emitter([block(A)], RAM_BASE);
    expect(inner.calls()).toBe(4);
  });

  describe('find: a single block by its pc and the code there now', () => {
    // Compressed and full-size instructions, so that halfword positions matter.
    const C = 'addi a0, a0, 1\nc.addi a1, 3\nlui a2, 0x12345\nc.add a0, a1\nret';

    it('answers the halfwords it was compiled from, at the same pc', () => {
      const inner = counting(100);
      const memo = new TranslationMemo(inner.emit, 10_000);
      const code = page(C);
      const compiled = memo.emitter([decodeBlock(code, 0, RAM_BASE, decoder)], RAM_BASE);
      expect(memo.find(RAM_BASE, code, 0)).toBe(compiled);
      // The same code in another RAM page (another offset) at the same pc: found.
      const elsewhere = new Uint16Array(0x1000);
      elsewhere.set(code, 0x400);
      expect(memo.find(RAM_BASE, elsewhere, 0x800)).toBe(compiled);
      expect(memo.hits).toBe(2);
      expect(inner.calls()).toBe(1);
    });

    it('not for another halfword anywhere in the block, another pc, or after clear', () => {
      const memo = new TranslationMemo(counting(100).emit, 10_000);
      const code = page(C);
      const length = decodeBlock(code, 0, RAM_BASE, decoder).reduce(
        (n, i) => n + i.decoded.size / 2,
        0,
      );
      memo.emitter([decodeBlock(code, 0, RAM_BASE, decoder)], RAM_BASE);
      for (let h = 0; h < length; h++) {
        const changed = code.slice();
        changed[h] = (changed[h] as number) ^ 0x0100;
        expect(memo.find(RAM_BASE, changed, 0), `halfword ${h}`).toBeUndefined();
      }
      // The halfword after the block is not part of it.
      const after = code.slice();
      after[length] = 0xffff;
      expect(memo.find(RAM_BASE, after, 0)).toBeDefined();
      expect(memo.find(RAM_BASE + 0x1000, code, 0)).toBeUndefined();
      memo.clear();
      expect(memo.find(RAM_BASE, code, 0)).toBeUndefined();
    });

    it('not with a call site in the block, nor for blocks with calls or regions', () => {
      const memo = new TranslationMemo(counting(100).emit, 10_000);
      const code = page(C);
      memo.emitter([decodeBlock(code, 0, RAM_BASE, decoder)], RAM_BASE);
      expect(memo.find(RAM_BASE, code, 0, new Set([6]))).toBeUndefined();
      expect(memo.find(RAM_BASE, code, 0, new Set([0x100]))).toBeDefined();
      const other = page(A, RAM_BASE + 0x1000);
      const called = decodeBlock(other, 0, RAM_BASE + 0x1000, decoder).map((i, k) => ({
        ...i,
        call: k === 1,
      }));
      memo.emitter([called], RAM_BASE + 0x1000);
      expect(memo.find(RAM_BASE + 0x1000, other, 0)).toBeUndefined();
      memo.emitter([block(A), block(B)], RAM_BASE + 0x2000);
      expect(memo.find(RAM_BASE + 0x2000, page(A), 0)).toBeUndefined();
    });

    it('keeps the latest four versions of the code at one pc', () => {
      const memo = new TranslationMemo(counting(100).emit, 1_000_000);
      const version = (n: number) => page(`addi a0, a0, ${n}\nret`);
      const compiled = Array.from({ length: 6 }, (_, n) =>
        memo.emitter([decodeBlock(version(n), 0, RAM_BASE, decoder)], RAM_BASE),
      );
      for (let n = 0; n < 6; n++)
        expect(memo.find(RAM_BASE, version(n), 0), `version ${n}`).toBe(
          n < 2 ? undefined : compiled[n],
        );
    });

    it('not for a block whose first instruction straddles the page end', () => {
      const memo = new TranslationMemo(counting(100).emit, 10_000);
      const at = RAM_BASE + 0xffe;
      const u16 = new Uint16Array(0x1000);
      u16[0x7ff] = 0x0513; // addi a0, a0, … : its second parcel in the next page
      u16[0x800] = 0x0015;
      memo.emitter([decodeBlock(u16, 0xffe, at, decoder, undefined, 0x1000)], at);
      expect(memo.find(at, u16, 0xffe)).toBeUndefined();
    });
  });
});
