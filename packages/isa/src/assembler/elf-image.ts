/**
 * An assembly's output as an ELF32 executable.
 *
 * @module
 */
import { writeElf } from '../elf.js';
import type { AssembleResult } from './assembler.js';

/** Whether a section is read-only data. */
function readOnly(name: string): boolean {
  return /^\.s?rodata(\.|$)/.test(name);
}

/**
 * An ELF32 executable of an assembly: one loadable segment per section, every symbol, the
 * entry point, and `EF_RISCV_RVC` when compressed instructions were emitted.
 *
 * @example
 * ```ts
 * import { assemble, elfImage, parseElf } from '@trapeze/isa';
 *
 * const elf = elfImage(assemble('_start: li a0, 42\n  j _start\n'));
 * const file = parseElf(elf);
 * file.entry; // → 0x80000000
 * // One segment: li (4 bytes: 42 does not fit c.li) and j (compressed to c.j, 2 bytes).
 * file.segments.map((s) => [s.physicalAddress, s.memorySize]); // → [[0x80000000, 6]]
 * ```
 */
export function elfImage(result: AssembleResult): Uint8Array {
  return writeElf({
    entry: result.entry,
    rvc: result.usesCompressed,
    sections: result.sections.map((s) => ({
      name: s.name,
      address: s.address,
      data: s.bytes,
      executable: s.executable,
      writable: !s.executable && !readOnly(s.name),
      nobits: s.nobits,
      size: s.size,
    })),
    symbols: result.symbols.map((s) => ({
      name: s.name,
      value: s.value,
      section: s.section,
      global: s.global,
    })),
  });
}
