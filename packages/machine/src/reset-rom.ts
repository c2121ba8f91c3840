/**
 * The boot ROM at `0x1000`: the reset vector QEMU's `virt` board runs with `-bios none`
 * (hw/riscv/boot.c): hart id in a0, device tree address in a1, then a jump to the image's
 * entry in M-mode. Assembled here from source with Trapeze's own assembler.
 *
 * @module
 */

import { assemble } from '@trapeze/isa';
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
  const source = `
    .option norvc
    auipc t0, 0
    addi  a2, t0, 40        # a2: the firmware-dynamic-info slot (empty)
    csrr  a0, mhartid
    lw    a1, 32(t0)        # a1: device tree
    lw    t0, 24(t0)        # the entry point
    jr    t0
    .word ${entry >>> 0}, 0
    .word ${fdt >>> 0}, 0
  `;
  const text = assemble(source, { textAddress: RESET_VECTOR }).sections[0];
  return text?.bytes ?? new Uint8Array();
}
