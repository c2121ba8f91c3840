/**
 * Output images of the assembler: a raw memory image, or an ELF executable.
 *
 * @module
 */
import type { AssembledSection } from '@trapeze/isa';
import { hex } from './numbers.js';

/** Largest raw image written (sections far apart would otherwise make a huge file of zeros). */
export const MAX_RAW_IMAGE = 256 * 1024 * 1024;

/** A raw memory image and where it loads. */
export interface RawImage {
  /** Address of the first byte. */
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** Why {@link rawImage} cannot lay the sections out as one image. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

function span(section: AssembledSection): string {
  return `${section.name} (0x${hex(section.address, 8)}-0x${hex(section.address + section.size, 8)})`;
}

/**
 * The memory image of the sections: from the start of the lowest section with contents to the
 * end of the highest one, gaps zero-filled. Sections without file contents (`.bss`) and empty
 * sections are left out: they are zeros the loader provides.
 *
 * @throws {@link ImageError} if two sections overlap or the image would exceed {@link MAX_RAW_IMAGE}.
 */
export function rawImage(sections: readonly AssembledSection[]): RawImage {
  const loaded = sections
    .filter((s) => !s.nobits && s.bytes.length > 0)
    .sort((a, b) => a.address - b.address);
  const first = loaded[0];
  const last = loaded[loaded.length - 1];
  if (first === undefined || last === undefined) return { address: 0, bytes: new Uint8Array(0) };
  for (let k = 1; k < loaded.length; k++) {
    const before = loaded[k - 1] as AssembledSection;
    const section = loaded[k] as AssembledSection;
    if (before.address + before.bytes.length > section.address) {
      throw new ImageError(`sections ${span(before)} and ${span(section)} overlap`);
    }
  }
  const size = last.address + last.bytes.length - first.address;
  if (size > MAX_RAW_IMAGE) {
    throw new ImageError(
      `the raw image from ${span(first)} to ${span(last)} would be ${size} bytes; ` +
        'write an ELF file (--elf) instead',
    );
  }
  const bytes = new Uint8Array(size);
  for (const section of loaded) bytes.set(section.bytes, section.address - first.address);
  return { address: first.address, bytes };
}
