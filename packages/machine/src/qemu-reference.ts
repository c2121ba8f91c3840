/**
 * The QEMU command line Trapeze's `virt` board is compared with (docs/qemu-virt.md): QEMU 7.2's
 * `virt` board with the CPU cut down to the hart Trapeze models, no firmware, and deterministic
 * virtual time (one instruction = one nanosecond).
 *
 * @module
 */

/** QEMU's `-cpu`: RV32IMAC (F, D, H, the bit-manipulation extensions and Sstc turned off). */
export const QEMU_REFERENCE_CPU =
  'rv32,f=false,d=false,h=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false';

/**
 * Arguments of `qemu-system-riscv32` for a reference run; add `-kernel IMAGE.elf` (and `-m`,
 * `-append` as needed). The console is on standard output: redirect it to a file, not a pipe
 * (QEMU writes it non-blocking and can lose the last bytes).
 */
export const QEMU_REFERENCE_ARGS: readonly string[] = [
  '-M',
  'virt',
  '-cpu',
  QEMU_REFERENCE_CPU,
  '-bios',
  'none',
  '-nographic',
  '-icount',
  'shift=0,sleep=off',
];
