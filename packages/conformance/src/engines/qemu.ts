/**
 * QEMU as a process engine: `qemu-system-riscv32` with the reference arguments of
 * `@trapeze/machine` (the `virt` board, RV32IMAC, `-bios none`, `-icount shift=0,sleep=off`).
 *
 * @module
 */
import { QEMU_REFERENCE_ARGS } from '@trapeze/machine';
import type { Capabilities, ProgramRunner } from '../contract.js';
import { processRunner } from './process.js';

/** Writable bits of QEMU 7.2's WARL CSRs with the reference CPU (docs/qemu-virt.md). */
export const QEMU_WARL_MASKS: Readonly<Record<string, number>> = {
  sstatus: 0x800c_0722,
  sie: 0x0000_0222,
  sip: 0x0000_0002,
  satp: 0xffff_ffff,
  sepc: 0xffff_fffe,
  senvcfg: 0x0000_00f1,
  scounteren: 0xffff_ffff,
  mstatus: 0x807e_1faa,
  medeleg: 0x00f0_bfff,
  mideleg: 0x0000_2666,
  mie: 0x0000_2eee,
  mip: 0x0000_2666,
  mepc: 0xffff_fffe,
  menvcfg: 0x0000_00f1,
  menvcfgh: 0xc000_0000,
  mstatush: 0x0000_00c0,
  mcounteren: 0xffff_ffff,
  mcountinhibit: 0xffff_ffff,
  pmpcfg0: 0xffff_ffff,
  pmpcfg1: 0xffff_ffff,
  pmpcfg2: 0xffff_ffff,
  pmpcfg3: 0xffff_ffff,
  marchid: 0,
  mimpid: 0,
};

/** Read-only bits of QEMU 7.2's WARL CSRs that follow the spec (device lines in `mip`/`sip`). */
export const QEMU_READ_ONLY_MASKS: Readonly<Record<string, number>> = {
  mip: 0x0000_0888,
  sip: 0x0000_0220,
};

/** QEMU 7.2 `virt` with the reference CPU, as measured (docs/qemu-virt.md). */
export const QEMU_CAPABILITIES: Capabilities = {
  isa: 'rv32imac_zicsr_zifencei_zihintpause',
  modes: ['M', 'S', 'U'],
  sv32: true,
  adBits: 'hardware',
  misalignedLoadStore: 'emulated',
  misalignedAmoCause: 4,
  pmpEntries: 16,
  warlMasks: QEMU_WARL_MASKS,
  readOnlyMasks: QEMU_READ_ONLY_MASKS,
  counters: 'icount',
  snapshot: false,
  triggers: 2,
};

/** The QEMU binary the runner starts. */
export const QEMU_BINARY = 'qemu-system-riscv32';

/** Options of {@link qemuRunner}. */
export interface QemuRunnerOptions {
  /** The binary (default `qemu-system-riscv32` on the PATH). */
  readonly binary?: string;
  /** Wall-clock limit per program (default 60 s). */
  readonly timeoutMs?: number;
}

/** QEMU's command template: `qemu-system-riscv32 <QEMU_REFERENCE_ARGS> -kernel {elf}`. */
export function qemuCommand(binary = QEMU_BINARY): string[] {
  return [binary, ...QEMU_REFERENCE_ARGS, '-kernel', '{elf}'];
}

/**
 * QEMU as a {@link ProgramRunner}. QEMU has no instruction budget: a program that does not end
 * runs into the timeout (an `error` exit). It exits with status 0 on the finisher's pass and
 * with the fail code on a fail.
 *
 * @example
 * ```ts
 * import { bareEngine, buildProgram, diffDumps, qemuRunner } from '@trapeze/conformance';
 *
 * // needs qemu-system-riscv32 on the PATH (Debian: apt-get install qemu-system-misc)
 * const image = buildProgram({ setup: '', body: 'li a0, 0x1234; sw a0, 8(s11)' });
 * const bare = bareEngine();
 * const qemu = qemuRunner();
 * const a = await bare.runProgram(image, 10_000_000);
 * const b = await qemu.runProgram(image, 10_000_000);
 * b.exit; // → { kind: 'halt', code: 0 }
 * // QEMU has no instruction budget and does not say how many instructions ran.
 * b.exit.instructions; // → 0
 * if (a.dump === undefined || b.dump === undefined) throw new Error('no dump');
 * diffDumps(a.dump, b.dump, { a: bare.capabilities, b: qemu.capabilities }); // → []
 * ```
 */
export function qemuRunner(options: QemuRunnerOptions = {}): ProgramRunner {
  return processRunner({
    name: 'qemu',
    command: qemuCommand(options.binary),
    capabilities: QEMU_CAPABILITIES,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
