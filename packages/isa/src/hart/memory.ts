/**
 * Memory as the hart sees it: virtual addresses that the machine translates (Sv32, PMP) and
 * routes (RAM, devices). Failed accesses are reported through {@link HartMemory.fault}, never
 * thrown (DESIGN §5).
 *
 * @module
 */

/** An instruction fetch. */
export const ACCESS_FETCH = 0;
/** A load (LB…LW, LR.W). */
export const ACCESS_LOAD = 1;
/** A store, or the read half of an AMO, which needs write permission. */
export const ACCESS_STORE = 2;
/** Kinds of memory access. */
export type AccessKind = typeof ACCESS_FETCH | typeof ACCESS_LOAD | typeof ACCESS_STORE;

/** What the hart needs from memory. */
export interface HartMemory {
  /**
   * After an access: -1 if it succeeded, else the exception code to raise (an instruction,
   * load or store/AMO access fault or page fault, matching the access kind).
   */
  fault: number;
  /**
   * Reads `size` bytes at virtual address `vaddr` (any alignment: misaligned loads and stores
   * do not trap, as on QEMU's `virt` board): 1 and 2 bytes zero-extended, 4 bytes as a signed
   * 32-bit integer or its unsigned value (the hart uses the low 32 bits either way).
   */
  read(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): number;
  /** Writes the low `size` bytes of `value` at `vaddr`. */
  write(vaddr: number, size: 1 | 2 | 4, value: number): void;
  /** SFENCE.VMA: forget cached translations (all, one address, one ASID or both). */
  fenceVma(vaddr: number | undefined, asid: number | undefined): void;
  /** FENCE.I: forget cached decodings or translations of code. */
  fenceI(): void;
}
