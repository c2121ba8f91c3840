/**
 * Guest code → host code (translator/block-compiler.ts): where blocks end, what they cover,
 * and regions of several blocks.
 */
import { rv32imacDecoder } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import {
  compileBlock,
  compileRegion,
  decodeBlock,
  MAX_BLOCK_INSTRUCTIONS,
} from '../../src/translator/block-compiler.js';
import { accessGroup } from '../../src/translator/wasm-block-compiler.js';
import { asm, RAM_BASE } from '../support.js';

const decoder = rv32imacDecoder();

/** RAM (as halfwords) holding `source` assembled at `RAM_BASE + at`. */
function code(source: string, at = 0): Uint16Array {
  const u8 = new Uint8Array(0x3000);
  for (const section of asm(source, RAM_BASE + at).sections)
    u8.set(section.bytes, section.address - RAM_BASE);
  return new Uint16Array(u8.buffer);
}

function names(u16: Uint16Array, at = 0): string[] {
  return decodeBlock(u16, at, RAM_BASE + at, decoder).map((i) => i.decoded.spec.name);
}

describe('decodeBlock', () => {
  it('ends at a branch or a jump, which it includes', () => {
    expect(names(code('x: addi a0, a0, 1\nbeq a0, a1, x\naddi a0, a0, 2'))).toHaveLength(2);
    expect(names(code('.option norvc\nx: addi a0, a0, 1\njal ra, x\nnop'))).toEqual([
      'addi',
      'jal',
    ]);
    expect(names(code('.option norvc\njalr zero, 0(ra)\nnop'))).toEqual(['jalr']);
  });

  it('ends at an instruction run by the interpreter that may change the context', () => {
    for (const text of [
      'ecall',
      'ebreak',
      'mret',
      'wfi',
      'fence.i',
      'sfence.vma',
      'csrw satp, a0',
      'csrsi mstatus, 8',
      'amoadd.w a0, a1, (a2)',
      'lr.w a0, (a1)',
      '.word 0x0000000b',
    ]) {
      const list = names(code(`.option norvc\naddi a0, a0, 1\n${text}\naddi a0, a0, 2`));
      expect(list, text).toHaveLength(2);
    }
  });

  it('ends at the end of the page, and holds at most MAX_BLOCK_INSTRUCTIONS', () => {
    const many = `.option norvc\n${'addi a0, a0, 1\n'.repeat(300)}`;
    expect(names(code(many))).toHaveLength(MAX_BLOCK_INSTRUCTIONS);
    // From 16 bytes before the page end: 4 instructions.
    expect(names(code(many, 0x1000 - 16), 0x1000 - 16)).toHaveLength(4);
  });

  it('is empty when its first instruction straddles the page end', () => {
    const u16 = code('.option norvc\naddi a0, a0, 1', 0xffe);
    expect(decodeBlock(u16, 0xffe, RAM_BASE + 0xffe, decoder)).toEqual([]);
    expect(compileBlock(u16, 0xffe, RAM_BASE + 0xffe, decoder)).toBeUndefined();
    // A block that reaches such an instruction stops before it.
    const before = code('.option norvc\naddi a0, a0, 1\naddi a0, a0, 1', 0xffa);
    expect(names(before, 0xffa)).toEqual(['addi']);
  });

  it('with the page its second parcel is on, takes a straddling first instruction and goes on there', () => {
    // The instruction's first parcel ends page 0; page 2 (not page 1, as if the next virtual
    // page were mapped there) holds its second parcel and the code after it.
    const u16 = code('.option norvc\naddi a0, a0, 1', 0xffe);
    const page2 = code('.option norvc\naddi a0, a0, 7\naddi a1, a1, 2\nret', 0x1ffe);
    u16.set(page2.subarray(0x1000, 0x1800), 0x1000);
    u16[0x800] = 0; // page 1: not the instruction's
    const block = decodeBlock(u16, 0xffe, RAM_BASE + 0xffe, decoder, undefined, 0x2000);
    expect(block.map((i) => [i.decoded.spec.name, i.decoded.imm, i.pc - RAM_BASE])).toEqual([
      ['addi', 7, 0xffe],
      ['addi', 2, 0x1002],
      ['jalr', 0, 0x1006],
    ]);
    // A straddling instruction after the first still ends the block before it.
    const later = code('.option norvc\naddi a0, a0, 1\naddi a0, a0, 1', 0xffa);
    expect(decodeBlock(later, 0xffa, RAM_BASE + 0xffa, decoder, undefined, 0x1000)).toHaveLength(1);
  });

  it('decodes the second half of a 32-bit instruction as the compressed one it also is', () => {
    const u16 = code('.word 0x45950613\nret');
    expect(names(u16)).toEqual(['addi', 'c.jr']);
    expect(decodeBlock(u16, 2, RAM_BASE + 2, decoder).map((i) => i.decoded.spec.name)).toEqual([
      'c.li',
      'c.jr',
    ]);
  });
});

describe('static jump targets', () => {
  it('a JALR whose base the block set from constants (auipc + jalr) has its target', () => {
    const u16 = code('.option norvc\nnop\nauipc ra, 0\njalr ra, 0x20(ra)');
    const block = decodeBlock(u16, 0, RAM_BASE, decoder);
    expect(block.at(-1)?.target).toBe(RAM_BASE + 4 + 0x20);
    const chain = code('.option norvc\nlui t0, 0x80001\naddi t0, t0, 0x11\njalr zero, 2(t0)');
    // (0x80001011 + 2) with the low bit cleared.
    expect(decodeBlock(chain, 0, RAM_BASE, decoder).at(-1)?.target).toBe(0x80001012);
    const jal = code('.option norvc\nj 0x80000100');
    expect(decodeBlock(jal, 0, RAM_BASE, decoder).at(-1)?.target).toBe(0x80000100);
  });

  it('a JALR whose base comes from memory, from before the block, or was overwritten is dynamic', () => {
    for (const source of [
      'lw ra, 0(sp)\njalr ra, 0(ra)',
      'jalr ra, 0(ra)',
      'auipc ra, 0\nlw ra, 0(sp)\nret',
      'auipc t0, 0\nadd t0, t0, a0\njr t0',
    ]) {
      const block = decodeBlock(code(`.option norvc\n${source}`), 0, RAM_BASE, decoder);
      expect(block.at(-1)?.target, source).toBeUndefined();
    }
  });

  it('a region holds the callee of a call and the call’s return site, where the return lands', () => {
    const u16 = code(`
      .option norvc
      top:
        addi a0, a0, 1
        auipc ra, 0
        jalr ra, 16(ra)
        bne a0, a1, top
        j 0x80001000
      callee:
        addi a2, a2, 1
        ret
    `);
    const region = compileRegion(u16, 0, RAM_BASE, decoder);
    // Entry [addi auipc jalr], the callee [addi ret], the return site [bne], then [j].
    expect(region?.instructions).toBe(3 + 2 + 1 + 1);
    // The return goes on inside the region when it lands on the return site.
    expect(region?.source).toMatch(/switch \(t\) \{\ncase 2147483660: /);
  });
});

describe('compileBlock', () => {
  it('counts the instructions and bytes it covers', () => {
    const u16 = code('x: li a0, 1\n.option norvc\naddi a0, a0, 2\nbnez a0, x');
    const block = compileBlock(u16, 0, RAM_BASE, decoder);
    expect(block?.length).toBe(3);
    expect(block?.bytes).toBe(2 + 4 + 4);
    expect(block?.size).toBe(block?.source.length);
    expect(block?.source).toContain('80000002');
  });

  it('compiles a block that branches to itself as a loop', () => {
    const u16 = code('top: addi a0, a0, 1\nbne a0, a1, top');
    expect(compileBlock(u16, 0, RAM_BASE, decoder)?.loop).toBe(true);
    const ahead = code('addi a0, a0, 1\nbne a0, a1, out\n.org 0x100\nout: nop');
    expect(compileBlock(ahead, 0, RAM_BASE, decoder)?.loop).toBe(false);
  });
});

describe('compileRegion', () => {
  it('takes the blocks reached in the page, and no further', () => {
    const u16 = code(`
      top:
        addi a0, a0, 1
        andi t0, a0, 3
        beqz t0, skip
        addi a1, a1, 5
      skip:
        addi a2, a2, 1
        bne a0, a3, top
        j 0x80001000
    `);
    const region = compileRegion(u16, 0, RAM_BASE, decoder);
    expect(region?.loop).toBe(true);
    expect(region?.length).toBe(3);
    // Entry [addi andi beqz], fall-through [addi a1 … bne] (no block ends at a label), taken
    // [addi a2, bne], then [j]; the jump's target is in the next page.
    expect(region?.instructions).toBe(3 + 3 + 2 + 1);
  });
});

describe('accessGroup (WebAssembly blocks)', () => {
  /** The group lengths at each instruction of the block `source` (norvc). */
  function groups(source: string): number[] {
    const block = decodeBlock(code(`.option norvc\n${source}\nret`), 0, RAM_BASE, decoder);
    return block.map((_, k) => accessGroup(block, k));
  }
  const stores = (n: number, base = 'sp') =>
    Array.from({ length: n }, (_, i) => `sw x${(i % 30) + 1}, ${4 * i}(${base})`).join('\n');

  it('is at least four loads or four stores in a row through one base register', () => {
    expect(groups(stores(4))).toEqual([4, 0, 0, 0, 0]);
    expect(groups(stores(3))).toEqual([0, 0, 0, 0]);
    expect(groups(`addi a0, a0, 1\n${stores(5)}`)).toEqual([0, 5, 4, 0, 0, 0, 0]);
    expect(groups('lw a0, 0(s1)\nlbu a1, 7(s1)\nlh a2, -2(s1)\nlw a3, 2044(s1)')[0]).toBe(4);
  });

  it('ends at another kind, another base register or another instruction', () => {
    expect(groups(`${stores(4)}\nlw a0, 0(sp)\n${stores(2)}`)[0]).toBe(4);
    expect(groups(`${stores(3)}\nlw a0, 16(sp)\n${stores(3)}`).slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(groups(`${stores(3)}\nsw a0, 12(s0)\nsw a0, 16(sp)`)[0]).toBe(0);
    expect(groups(`${stores(2)}\naddi a0, a0, 1\n${stores(2)}`)[0]).toBe(0);
  });

  it('ends at a load that writes its base register, which it holds', () => {
    expect(groups('lw a0, 0(s1)\nlw a1, 4(s1)\nlw a2, 8(s1)\nlw s1, 12(s1)\nlw a3, 0(s1)')[0]).toBe(
      4,
    );
    expect(
      groups('lw a0, 0(s1)\nlw s1, 4(s1)\nlw a2, 8(s1)\nlw a3, 12(s1)\nlw a4, 16(s1)')[0],
    ).toBe(0);
  });

  it('holds at most 32', () => {
    expect(groups(stores(40)).slice(0, 9)).toEqual([32, 32, 32, 32, 32, 32, 32, 32, 32]);
  });
});
