/**
 * `@trapeze/isa`'s access kinds and privilege levels under short names, for the hot paths.
 * Module-local bindings: V8 reads them from this module's own context, where an imported
 * binding (`ACCESS_LOAD`) or a property of an imported object (`Privilege.M`) costs a load
 * through the import cell per comparison (measured: about 5–10 % of a TLB-hit `translateFast`).
 *
 * @module
 */
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Privilege } from '@trapeze/isa';

/** `ACCESS_FETCH` (0). */
export const FETCH = ACCESS_FETCH;
/** `ACCESS_LOAD` (1). */
export const LOAD = ACCESS_LOAD;
/** `ACCESS_STORE` (2). */
export const STORE = ACCESS_STORE;
/** `Privilege.U` (0). */
export const PRV_U = Privilege.U;
/** `Privilege.S` (1). */
export const PRV_S = Privilege.S;
/** `Privilege.M` (3). */
export const PRV_M = Privilege.M;
