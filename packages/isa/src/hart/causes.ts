/**
 * Trap causes (privileged spec 1.12, table 3.6): `mcause`/`scause` exception codes, and the
 * interrupt numbers that are also bit positions in `mip`/`mie`.
 *
 * @module
 */
import { checkWord } from '../errors.js';

/** Synchronous exception codes. */
export const Exception = Object.freeze({
  InstructionMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadMisaligned: 4,
  LoadAccessFault: 5,
  StoreMisaligned: 6,
  StoreAccessFault: 7,
  EcallFromU: 8,
  EcallFromS: 9,
  EcallFromM: 11,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
} as const);

/** Interrupt numbers (the `mcause` code with the interrupt bit set, and the `mip` bit). */
export const Interrupt = Object.freeze({
  SupervisorSoftware: 1,
  MachineSoftware: 3,
  SupervisorTimer: 5,
  MachineTimer: 7,
  SupervisorExternal: 9,
  MachineExternal: 11,
} as const);

/** The interrupt bit of `mcause`/`scause` on RV32. */
export const INTERRUPT_BIT = 0x80000000;

/**
 * Interrupts in decreasing priority when several are pending and enabled (privileged spec
 * 3.1.9: MEI, MSI, MTI, SEI, SSI, STI).
 */
export const INTERRUPT_PRIORITY: readonly number[] = Object.freeze([
  Interrupt.MachineExternal,
  Interrupt.MachineSoftware,
  Interrupt.MachineTimer,
  Interrupt.SupervisorExternal,
  Interrupt.SupervisorSoftware,
  Interrupt.SupervisorTimer,
]);

/** Exceptions an `medeleg` bit can delegate to S-mode (not ECALL from M, not reserved codes). */
export const DELEGABLE_EXCEPTIONS = 0xb3ff;
/** Interrupts an `mideleg` bit can delegate to S-mode: SSI, STI, SEI. */
export const DELEGABLE_INTERRUPTS = 0x222;

/** A readable name of a cause, for traces and errors (`load page fault`, `machine timer interrupt`). */
export function causeName(cause: number): string {
  checkWord(cause, 'causeName: cause');
  const interrupt = (cause & INTERRUPT_BIT) !== 0;
  const code = cause & 0x7fffffff;
  const names: Readonly<Record<number, string>> = interrupt
    ? {
        1: 'supervisor software interrupt',
        3: 'machine software interrupt',
        5: 'supervisor timer interrupt',
        7: 'machine timer interrupt',
        9: 'supervisor external interrupt',
        11: 'machine external interrupt',
      }
    : {
        0: 'instruction address misaligned',
        1: 'instruction access fault',
        2: 'illegal instruction',
        3: 'breakpoint',
        4: 'load address misaligned',
        5: 'load access fault',
        6: 'store/AMO address misaligned',
        7: 'store/AMO access fault',
        8: 'environment call from U-mode',
        9: 'environment call from S-mode',
        11: 'environment call from M-mode',
        12: 'instruction page fault',
        13: 'load page fault',
        15: 'store/AMO page fault',
      };
  return names[code] ?? `${interrupt ? 'interrupt' : 'exception'} ${code}`;
}
