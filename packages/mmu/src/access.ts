/**
 * Access kinds, privilege modes and the exception causes the memory system reports.
 *
 * @module
 */

/**
 * The kind of a memory access: a load (`read`), a store or AMO (`write`), or an instruction
 * fetch (`exec`). AMOs and SC are `write` accesses (they raise store/AMO faults).
 */
export type AccessType = 'read' | 'write' | 'exec';

/** A privilege mode. For data accesses pass the effective mode (after `mstatus.MPRV`). */
export type Privilege = 'M' | 'S' | 'U';

/** `mcause` 1: instruction access fault. */
export const CAUSE_FETCH_ACCESS = 1;
/** `mcause` 5: load access fault. */
export const CAUSE_LOAD_ACCESS = 5;
/** `mcause` 7: store/AMO access fault. */
export const CAUSE_STORE_ACCESS = 7;
/** `mcause` 12: instruction page fault. */
export const CAUSE_FETCH_PAGE_FAULT = 12;
/** `mcause` 13: load page fault. */
export const CAUSE_LOAD_PAGE_FAULT = 13;
/** `mcause` 15: store/AMO page fault. */
export const CAUSE_STORE_PAGE_FAULT = 15;

/** The access-fault cause (1, 5 or 7) for an access kind. */
export function accessFaultCause(access: AccessType): number {
  return access === 'read'
    ? CAUSE_LOAD_ACCESS
    : access === 'write'
      ? CAUSE_STORE_ACCESS
      : CAUSE_FETCH_ACCESS;
}

/** The page-fault cause (12, 13 or 15) for an access kind. */
export function pageFaultCause(access: AccessType): number {
  return access === 'read'
    ? CAUSE_LOAD_PAGE_FAULT
    : access === 'write'
      ? CAUSE_STORE_PAGE_FAULT
      : CAUSE_FETCH_PAGE_FAULT;
}
