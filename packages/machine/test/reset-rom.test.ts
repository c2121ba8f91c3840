import { assemble } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { RESET_VECTOR, resetRom } from '../src/reset-rom.js';

describe('resetRom', () => {
  it('holds the code QEMU’s -bios none reset vector runs, with the entry and device tree words', () => {
    for (const [entry, fdt] of [
      [0x80000000, 0x87e00000],
      [0x80200000, 0x8fe00000],
      [-1, 0],
    ] as const) {
      const source = `
        .option norvc
        auipc t0, 0
        addi  a2, t0, 40
        csrr  a0, mhartid
        lw    a1, 32(t0)
        lw    t0, 24(t0)
        jr    t0
        .word ${entry >>> 0}, 0
        .word ${fdt >>> 0}, 0
      `;
      const expected = assemble(source, { textAddress: RESET_VECTOR }).sections[0]?.bytes;
      expect(resetRom(entry, fdt)).toEqual(expected);
    }
  });
});
