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
  /**
   * Fetches the instruction at `pc`: its first 16-bit parcel, or, when that parcel's low bits
   * are `11`, both parcels as one signed 32-bit word. On a fault {@link HartMemory.fault} is
   * set and the result is the address of the parcel that failed (`pc` or `pc + 2`), the trap
   * value. {@link fetchParcels} does this with two {@link HartMemory.read} calls; a memory may
   * answer faster (a cached fetch page) as long as the result is the same.
   */
  fetch(pc: number): number;
  /** Writes the low `size` bytes of `value` at `vaddr`. */
  write(vaddr: number, size: 1 | 2 | 4, value: number): void;
  /**
   * Optional: translates an access of `size` bytes at `vaddr` without making it, for the side
   * effects of translation alone (the A and D bits a page-table walk sets); faults are ignored
   * and {@link HartMemory.fault} is left undefined. The hart calls it for a load or store that a
   * debug trigger stops: QEMU 7.2 translates the access before it raises the breakpoint.
   */
  touch?(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): void;
  /** SFENCE.VMA: forget cached translations (all, one address, one ASID or both). */
  fenceVma(vaddr: number | undefined, asid: number | undefined): void;
  /** FENCE.I: forget cached decodings or translations of code. */
  fenceI(): void;
}

/** {@link HartMemory.fetch} through two parcel reads: the behaviour every fetch must have. */
export function fetchParcels(memory: HartMemory, pc: number): number {
  const low = memory.read(pc, 2, ACCESS_FETCH);
  if (memory.fault >= 0) return pc;
  if ((low & 3) !== 3) return low;
  const next = (pc + 2) >>> 0;
  const high = memory.read(next, 2, ACCESS_FETCH);
  if (memory.fault >= 0) return next;
  return low | (high << 16); // signed: V8 keeps it unboxed
}
