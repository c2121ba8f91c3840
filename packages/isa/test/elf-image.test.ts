import { describe, expect, it } from 'vitest';
import { assemble } from '../src/assembler/assembler.js';
import { elfImage } from '../src/assembler/elf-image.js';
import { EF_RISCV_RVC, parseElf } from '../src/elf.js';

describe('elfImage', () => {
  it('writes sections, symbols, entry and the RVC flag', () => {
    const result = assemble(
      '.globl _start\nadd a0, a1, a2\n_start: c.nop\n.data\nd: .word 7\n.bss\nb: .space 8\n',
      {
        textAddress: 0x1000,
      },
    );
    const elf = parseElf(elfImage(result));
    expect(elf.entry).toBe(0x1004);
    expect(elf.flags & EF_RISCV_RVC).toBe(EF_RISCV_RVC);
    const names = elf.sections.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['.text', '.data', '.bss']));
    const data = elf.sections.find((s) => s.name === '.data');
    expect(data?.executable).toBe(false);
    expect((data?.flags ?? 0) & 0x1).toBe(0x1); // SHF_WRITE
    expect([...(data?.data ?? [])]).toEqual([7, 0, 0, 0]);
    const bss = elf.sections.find((s) => s.name === '.bss');
    expect(bss?.size).toBe(8);
    expect(elf.symbols.find((s) => s.name === '_start')).toMatchObject({
      value: 0x1004,
      global: true,
    });
  });
});
