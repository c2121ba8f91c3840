/**
 * The boot ROM at `0x1000`: the reset vector QEMU's `virt` board runs with `-bios none`
 * (hw/riscv/boot.c): hart id in a0, device tree address in a1, then a jump to the image's
 * entry in M-mode. Encoded with Trapeze's own encoder (the assembler's text path costs
 * milliseconds at every board construction).
 *
 * @module
 */

import { encode } from '@trapeze/isa';
import { checkWord } from './arguments.js';

/** Physical address of the boot ROM. */
export const RESET_VECTOR = 0x1000;

/**
 * The boot ROM's bytes for an image entry point and a device tree address: 32-bit addresses,
 * signed or unsigned (integers in `-2^31 … 2^32 − 1`; {@link MachineError} `BAD_ARGUMENT`
 * otherwise).
 */
export function resetRom(entry: number, fdt: number): Uint8Array {
  checkWord(entry, 'resetRom: entry');
  checkWord(fdt, 'resetRom: fdt');
  const rom = new Uint8Array(40);
  const view = new DataView(rom.buffer);
  for (const [i, word] of resetCodeWords().entries()) view.setUint32(4 * i, word, true);
  view.setUint32(24, entry >>> 0, true);
  view.setUint32(32, fdt >>> 0, true);
  return rom;
}

/** t0, a0, a1, a2: the registers the reset code uses. */
const T0 = 5;
const A0 = 10;
const A1 = 11;
const A2 = 12;
/** The CSR number of `mhartid`. */
const MHARTID = 0xf14;

let resetCode: readonly number[] | undefined;

/**
 * The reset code's six words (at offset 0; the entry point at 24, the device tree at 32):
 * `auipc t0, 0; addi a2, t0, 40` (the firmware-dynamic-info slot, empty); `csrr a0, mhartid`;
 * `lw a1, 32(t0)`; `lw t0, 24(t0)`; `jr t0`.
 */
function resetCodeWords(): readonly number[] {
  resetCode ??= [
    encode({ spec: 'auipc', rd: T0, imm: 0 }),
    encode({ spec: 'addi', rd: A2, rs1: T0, imm: 40 }),
    encode({ spec: 'csrrs', rd: A0, rs1: 0, csr: MHARTID }),
    encode({ spec: 'lw', rd: A1, rs1: T0, imm: 32 }),
    encode({ spec: 'lw', rd: T0, rs1: T0, imm: 24 }),
    encode({ spec: 'jalr', rd: 0, rs1: T0, imm: 0 }),
  ];
  return resetCode;
}
