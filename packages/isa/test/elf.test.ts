import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  ElfError,
  isElf,
  PT_DYNAMIC,
  PT_GNU_EH_FRAME,
  PT_GNU_PROPERTY,
  PT_GNU_RELRO,
  PT_GNU_STACK,
  PT_INTERP,
  PT_LOAD,
  PT_NOTE,
  PT_NULL,
  PT_PHDR,
  PT_RISCV_ATTRIBUTES,
  PT_SHLIB,
  PT_TLS,
  parseElf,
  segmentTypeName,
  writeElf,
} from '../src/elf.js';

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
      'ELF_SEGMENT_TYPE',
    ]).toContain(codeOf(bytes));
  });
});

/** A program header to add with {@link withHeaders}. */
interface Header {
  readonly type: number;
  readonly offset?: number;
  readonly address?: number;
  readonly fileSize?: number;
  readonly memorySize?: number;
  readonly flags?: number;
}

/**
 * `sample()` with `extra` program headers after its own PT_LOAD ones (first when `first`): the
 * table moves to the end of the file, followed by 64 bytes of "attributes" at a known offset.
 */
function withHeaders(extra: readonly Header[], first = false): Uint8Array {
  const base = sample();
  const view = new DataView(base.buffer);
  const phoff = view.getUint32(28, true);
  const phnum = view.getUint16(44, true);
  const own = [...base.subarray(phoff, phoff + phnum * 32)];
  const added: number[] = [];
  for (const h of extra) {
    const entry = new DataView(new ArrayBuffer(32));
    const fields = [
      h.type,
      h.offset ?? 0,
      h.address ?? 0,
      h.address ?? 0,
      h.fileSize ?? 0,
      h.memorySize ?? 0,
      h.flags ?? 4,
      1,
    ];
    fields.forEach((value, k) => {
      entry.setUint32(k * 4, value >>> 0, true);
    });
    added.push(...new Uint8Array(entry.buffer));
  }
  const table = first ? [...added, ...own] : [...own, ...added];
  const out = new Uint8Array(base.length + table.length + 64);
  out.set(base);
  out.set(table, base.length);
  out.fill(0x41, base.length + table.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(28, base.length, true);
  outView.setUint16(44, phnum + extra.length, true);
  return out;
}

/** Offset of the 64 "attribute" bytes {@link withHeaders} appends for `count` extra headers. */
function attributesAt(count: number): number {
  const base = sample();
  return base.length + (new DataView(base.buffer).getUint16(44, true) + count) * 32;
}

function elfError(bytes: Uint8Array): ElfError {
  try {
    parseElf(bytes);
  } catch (error) {
    if (error instanceof ElfError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('ELF program headers', () => {
  it("accepts GNU ld's PT_RISCV_ATTRIBUTES: file bytes, memory size 0", () => {
    // As riscv64-unknown-elf-ld writes it: first, 59 bytes of .riscv.attributes, never loaded.
    const at = attributesAt(1);
    const elf = parseElf(
      withHeaders([{ type: PT_RISCV_ATTRIBUTES, offset: at, fileSize: 59, memorySize: 0 }], true),
    );
    expect(elf.segments.map((s) => [segmentTypeName(s.type), s.data.length, s.memorySize])).toEqual(
      [
        ['PT_RISCV_ATTRIBUTES', 59, 0],
        ['PT_LOAD', 6, 6],
        ['PT_LOAD', 3, 3],
        ['PT_LOAD', 0, 64],
      ],
    );
    expect(elf.segments[0]?.data.every((b) => b === 0x41)).toBe(true);
  });

  it('accepts every type the gABI and the psABI define, and any in the OS and processor ranges', () => {
    const at = attributesAt(16);
    const headers: Header[] = [
      // PT_NULL: the other fields mean nothing, not even an offset past the end of the file.
      { type: PT_NULL, offset: 0xffff_fff0, fileSize: 0x100, memorySize: 1 },
      { type: PT_PHDR, offset: sample().length, fileSize: 16 * 32, memorySize: 16 * 32 },
      { type: PT_INTERP, offset: at, fileSize: 8 },
      { type: PT_DYNAMIC, offset: at, fileSize: 16, memorySize: 16 },
      { type: PT_NOTE, offset: at, fileSize: 32 },
      { type: PT_SHLIB },
      { type: PT_TLS, offset: at, fileSize: 4, memorySize: 8 },
      { type: PT_GNU_EH_FRAME, offset: at, fileSize: 12, memorySize: 12 },
      { type: PT_GNU_STACK, flags: 6 },
      { type: PT_GNU_RELRO, offset: at, fileSize: 64, memorySize: 64 },
      { type: PT_GNU_PROPERTY, offset: at, fileSize: 16, memorySize: 16 },
      { type: PT_RISCV_ATTRIBUTES, offset: at, fileSize: 59 },
      { type: 0x6000_0000, offset: at, fileSize: 64 },
      { type: 0x6fff_ffff, offset: 1 << 30 },
      { type: 0x7000_0000, offset: at, fileSize: 2, memorySize: 1 },
      { type: 0x7fff_ffff },
    ];
    const elf = parseElf(withHeaders(headers));
    expect(elf.segments.slice(3).map((s) => segmentTypeName(s.type))).toEqual([
      'PT_NULL',
      'PT_PHDR',
      'PT_INTERP',
      'PT_DYNAMIC',
      'PT_NOTE',
      'PT_SHLIB',
      'PT_TLS',
      'PT_GNU_EH_FRAME',
      'PT_GNU_STACK',
      'PT_GNU_RELRO',
      'PT_GNU_PROPERTY',
      'PT_RISCV_ATTRIBUTES',
      'OS-specific 0x60000000',
      'OS-specific 0x6fffffff',
      'processor-specific 0x70000000',
      'processor-specific 0x7fffffff',
    ]);
    expect(elf.segments.slice(3).map((s) => s.data.length)).toEqual([
      0, 512, 8, 16, 32, 0, 4, 12, 0, 64, 16, 59, 64, 0, 2, 0,
    ]);
  });

  it('checks memory size against file size in loadable segments only', () => {
    const at = attributesAt(1);
    expect(
      elfError(withHeaders([{ type: PT_LOAD, offset: at, fileSize: 59, memorySize: 0 }])),
    ).toMatchObject({
      code: 'ELF_BOUNDS',
      message: 'segment 3 (PT_LOAD): memory size 0 is smaller than file size 59',
    });
    for (const type of [PT_NOTE, PT_RISCV_ATTRIBUTES, PT_GNU_EH_FRAME, 0x6000_1234]) {
      expect(codeOf(withHeaders([{ type, offset: at, fileSize: 59, memorySize: 0 }]))).toBe('ok');
    }
  });

  it('refuses file bytes outside the file, in every type but PT_NULL', () => {
    const size = withHeaders([{ type: PT_NOTE }]).length;
    for (const type of [PT_LOAD, PT_INTERP, PT_NOTE, PT_RISCV_ATTRIBUTES, 0x7000_0001]) {
      const error = elfError(
        withHeaders([{ type, offset: size - 8, fileSize: 16, memorySize: 16 }]),
      );
      expect(error.code).toBe('ELF_BOUNDS');
      expect(error.message).toBe(
        `segment 3 (${segmentTypeName(type)}) (offset ${size - 8}, size 16) lies outside the file of ${size} bytes`,
      );
    }
    // No file bytes: the offset does not matter.
    expect(codeOf(withHeaders([{ type: PT_LOAD, offset: 0xffff_0000, memorySize: 16 }]))).toBe(
      'ok',
    );
  });

  it('refuses a type outside the defined values and ranges, naming it', () => {
    for (const type of [8, 0x5fff_ffff, 0x8000_0000, 0xffff_ffff]) {
      const error = elfError(withHeaders([{ type }]));
      expect(error.code).toBe('ELF_SEGMENT_TYPE');
      expect(error.message).toMatch(
        new RegExp(`^segment 3 \\(unknown 0x${type.toString(16).padStart(8, '0')}\\): p_type`),
      );
    }
  });

  it('names program header types', () => {
    expect(segmentTypeName(PT_LOAD)).toBe('PT_LOAD');
    expect(segmentTypeName(PT_RISCV_ATTRIBUTES)).toBe('PT_RISCV_ATTRIBUTES');
    expect(segmentTypeName(PT_GNU_STACK)).toBe('PT_GNU_STACK');
    expect(segmentTypeName(0x6474_e554)).toBe('OS-specific 0x6474e554');
    expect(segmentTypeName(0x7000_0000)).toBe('processor-specific 0x70000000');
    expect(segmentTypeName(-1)).toBe('unknown 0xffffffff');
  });
});
