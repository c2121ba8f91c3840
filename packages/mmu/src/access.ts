/**
 * The codes the memory system takes and reports are `@trapeze/isa`'s, shared with the hart and
 * the cores: access kinds (`ACCESS_FETCH` 0, `ACCESS_LOAD` 1, `ACCESS_STORE` 2, type
 * `AccessKind`), privilege levels (`Privilege.U` 0, `Privilege.S` 1, `Privilege.M` 3, type
 * `PrivilegeLevel`) and exception causes (`Exception`). This module maps an access kind to the
 * cause of its faults, and checks the codes a host passes.
 *
 * @module
 */

import {
  ACCESS_FETCH,
  ACCESS_LOAD,
  ACCESS_STORE,
  type AccessKind,
  Exception,
  Privilege,
} from '@trapeze/isa';
import { MmuError } from './errors.js';

/**
 * The access-fault cause for an access kind: `Exception.InstructionAccessFault` (1),
 * `Exception.LoadAccessFault` (5) or `Exception.StoreAccessFault` (7).
 *
 * @example
 * ```ts
 * import { ACCESS_LOAD, Exception } from '@trapeze/isa';
 * import { accessFaultCause } from '@trapeze/mmu';
 *
 * accessFaultCause(ACCESS_LOAD) === Exception.LoadAccessFault; // → true
 * ```
 *
 * @throws MmuError `INVALID_ARGUMENT` when `access` is not an access kind (0, 1 or 2)
 */
export function accessFaultCause(access: AccessKind): number {
  if (access === ACCESS_LOAD) return Exception.LoadAccessFault;
  if (access === ACCESS_STORE) return Exception.StoreAccessFault;
  if (access === ACCESS_FETCH) return Exception.InstructionAccessFault;
  throw badAccess('accessFaultCause', access);
}

/**
 * The page-fault cause for an access kind: `Exception.InstructionPageFault` (12),
 * `Exception.LoadPageFault` (13) or `Exception.StorePageFault` (15).
 *
 * @throws MmuError `INVALID_ARGUMENT` when `access` is not an access kind (0, 1 or 2)
 */
export function pageFaultCause(access: AccessKind): number {
  if (access === ACCESS_LOAD) return Exception.LoadPageFault;
  if (access === ACCESS_STORE) return Exception.StorePageFault;
  if (access === ACCESS_FETCH) return Exception.InstructionPageFault;
  throw badAccess('pageFaultCause', access);
}

/**
 * Checks the access kind and privilege level a host passed to `where`.
 *
 * @throws MmuError `INVALID_ARGUMENT` naming the argument, what it may be, and the value
 */
export function checkAccessAndPrivilege(where: string, access: unknown, privilege: unknown): void {
  if (access !== ACCESS_FETCH && access !== ACCESS_LOAD && access !== ACCESS_STORE)
    throw badAccess(where, access);
  if (privilege !== Privilege.U && privilege !== Privilege.S && privilege !== Privilege.M)
    throw new MmuError(
      'INVALID_ARGUMENT',
      `${where}: privilege must be Privilege.U (0), Privilege.S (1) or Privilege.M (3) from @trapeze/isa, got ${show(privilege)}`,
    );
}

function badAccess(where: string, access: unknown): MmuError {
  return new MmuError(
    'INVALID_ARGUMENT',
    `${where}: access must be ACCESS_FETCH (0), ACCESS_LOAD (1) or ACCESS_STORE (2) from @trapeze/isa, got ${show(access)}`,
  );
}

/** A bad argument as the message shows it: strings quoted (`'read'`: the string codes of
 * `@trapeze/mmu` 0.1). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
