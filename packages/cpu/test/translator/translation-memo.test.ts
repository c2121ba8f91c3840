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

/** The decoded block of `source` assembled at the start of RAM. */
function block(source: string) {
  const u8 = new Uint8Array(0x1000);
  for (const section of asm(source, RAM_BASE).sections)
    u8.set(section.bytes, section.address - RAM_BASE);
  return decodeBlock(new Uint16Array(u8.buffer), 0, RAM_BASE, decoder);
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
});
