import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ElfError, isElf, parseElf, writeElf } from '../src/elf.js';

const sample = () =>
  writeElf({
    entry: 0x80000000,
    rvc: true,
    sections: [
      {
        name: '.text',
        address: 0x80000000,
        data: new Uint8Array([0x13, 0, 0, 0, 0x01, 0]),
        executable: true,
      },
      { name: '.data', address: 0x80001000, data: new Uint8Array([1, 2, 3]), writable: true },
      {
        name: '.bss',
        address: 0x80002000,
        data: new Uint8Array(),
        nobits: true,
        size: 64,
        writable: true,
      },
    ],
    symbols: [
      { name: '_start', value: 0x80000000, section: '.text', global: true },
      { name: 'local', value: 0x80001000, section: '.data' },
      { name: 'CONST', value: 42, section: null },
    ],
  });

function codeOf(bytes: Uint8Array): string {
  try {
    parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('ELF', () => {
  it('round-trips sections, segments and symbols', () => {
    const elf = parseElf(sample());
    expect(elf.entry).toBe(0x80000000);
    expect(elf.flags).toBe(1);
    const text = elf.sections.find((s) => s.name === '.text');
    expect([text?.address, text?.executable, [...(text?.data ?? [])]]).toEqual([
      0x80000000,
      true,
      [0x13, 0, 0, 0, 1, 0],
    ]);
    expect(elf.sections.find((s) => s.name === '.bss')?.size).toBe(64);
    expect(elf.segments.map((s) => [s.virtualAddress, s.data.length, s.memorySize])).toEqual([
      [0x80000000, 6, 6],
      [0x80001000, 3, 3],
      [0x80002000, 0, 64],
    ]);
    expect(
      elf.symbols.filter((s) => s.name !== '').map((s) => [s.name, s.value, s.global]),
    ).toEqual([
      ['local', 0x80001000, false],
      ['CONST', 42, false],
      ['_start', 0x80000000, true],
    ]);
    expect(isElf(sample())).toBe(true);
  });

  it('names what is wrong with a bad file', () => {
    const good = sample();
    const patch = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    expect(codeOf(good.subarray(0, 20))).toBe('ELF_TOO_SMALL');
    expect(codeOf(patch(0, 0))).toBe('ELF_MAGIC');
    expect(codeOf(patch(4, 2))).toBe('ELF_CLASS');
    expect(codeOf(patch(5, 2))).toBe('ELF_ENDIAN');
    expect(codeOf(patch(18, 62))).toBe('ELF_MACHINE');
    expect(codeOf(good.subarray(0, good.length - 8))).toBe('ELF_BOUNDS');
    expect(() => parseElf(patch(4, 2))).toThrow(
      'ELF class 2 is not ELFCLASS32 (1): not a 32-bit file',
    );
  });

  prop.prop([fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 255 })], {
    numRuns: 2000,
  })('answers any corruption with a typed error or a parse, never a crash', (at, value) => {
    const bytes = sample();
    bytes[at % bytes.length] = value;
    expect([
      'ok',
      'ELF_TOO_SMALL',
      'ELF_MAGIC',
      'ELF_CLASS',
      'ELF_ENDIAN',
      'ELF_VERSION',
      'ELF_MACHINE',
      'ELF_TYPE',
      'ELF_HEADER_SIZE',
      'ELF_BOUNDS',
      'ELF_STRING',
    ]).toContain(codeOf(bytes));
  });
});
