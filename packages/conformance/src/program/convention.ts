/**
 * Register and memory conventions between generated bodies and the harness.
 *
 * @module
 */

/** Register holding the base of the harness's data page (`__data`); bodies never write it. */
export const DATA_REGISTER = 27; // s11
/** Registers a body never writes: sp and the data base. */
export const RESERVED_REGISTERS: readonly number[] = [2, DATA_REGISTER];
/**
 * Scratch registers of multi-instruction records (addresses, CSR operands, masks): records
 * clobber them, so values there are as deterministic as any other.
 */
export const SCRATCH_A = 30; // t5
export const SCRATCH_B = 31; // t6
/** A third scratch register, of code writes (`patch` and `selfmod` records) only. */
export const SCRATCH_C = 29; // t4
/** The counter of `loop` records; records inside a loop never write it. */
export const LOOP_REGISTER = 26; // s10

/** Registers a generated record may write. */
export const WRITABLE_REGISTERS: readonly number[] = Array.from(
  { length: 31 },
  (_, i) => i + 1,
).filter((r) => !RESERVED_REGISTERS.includes(r));

/** Registers a record inside a loop may write. */
export const LOOP_BODY_REGISTERS: readonly number[] = WRITABLE_REGISTERS.filter(
  (r) => r !== LOOP_REGISTER && r !== SCRATCH_A && r !== SCRATCH_B,
);

/** Size of the data page that loads, stores and atomics address (from {@link DATA_REGISTER}). */
export const DATA_PAGE_SIZE = 4096;
/**
 * Byte offsets a body's loads and stores reach in the data page (12-bit immediates from the
 * base). The harness's own trap log lives above them.
 */
export const DATA_REACH = 2048;

/** QEMU `virt` addresses the templates use. */
export const UART_BASE = 0x1000_0000;
/** The UART's scratch register (16550 SCR), a byte anyone may write and read back. */
export const UART_SCRATCH = 0x1000_0007;
export const CLINT_MSIP = 0x0200_0000;
export const CLINT_MTIMECMP = 0x0200_4000;
export const CLINT_MTIME = 0x0200_bff8;
export const RAM_BASE = 0x8000_0000;
/**
 * Addresses where both QEMU and the bare machine answer with access faults (checked against
 * QEMU 7.2: not 0x0ff00000, inside the bare machine's PLIC window but a hole on QEMU, nor
 * 0x7ffffff0, QEMU's PCI MMIO window).
 */
export const HOLES: readonly number[] = [
  0x0000_0000, 0x0000_0100, 0x1000_0008, 0x1000_0100, 0x1000_4200, 0x0000_0ff0,
];

/** ABI name of register `r`. */
export function reg(r: number): string {
  return `x${r}`;
}
