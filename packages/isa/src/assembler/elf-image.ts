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
