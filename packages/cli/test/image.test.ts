import type { AssembledSection } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { ImageError, MAX_RAW_IMAGE, rawImage } from '../src/image.js';

const section = (
  name: string,
  address: number,
  bytes: number[],
  extra: Partial<AssembledSection> = {},
): AssembledSection => ({
  name,
  address,
  bytes: new Uint8Array(bytes),
  size: bytes.length,
  executable: name === '.text',
  nobits: false,
  ...extra,
});

describe('rawImage', () => {
  it('spans the sections with contents, zero-filling the gaps and leaving out .bss', () => {
    const image = rawImage([
      section('.text', 0x100, [1, 2, 3, 4]),
      section('.data', 0x108, [5, 6]),
      section('.bss', 0x110, [], { nobits: true, size: 64 }),
    ]);
    expect(image.address).toBe(0x100);
    expect([...image.bytes]).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 5, 6]);
  });

  it('starts at the lowest section with contents', () => {
    const image = rawImage([section('.text', 0x200, [1, 2]), section('.data', 0x100, [3, 4])]);
    expect(image.address).toBe(0x100);
    expect(image.bytes.length).toBe(0x102);
  });

  it('is empty when nothing has contents', () => {
    expect(rawImage([section('.bss', 0, [], { nobits: true, size: 8 })]).bytes.length).toBe(0);
  });

  it('refuses overlapping sections and huge gaps', () => {
    expect(() =>
      rawImage([section('.text', 0x100, [1, 2, 3, 4]), section('.data', 0x102, [5])]),
    ).toThrow(ImageError);
    expect(() =>
      rawImage([section('.text', 0, [1, 2]), section('.data', MAX_RAW_IMAGE + 2, [3])]),
    ).toThrow('--elf');
  });
});
