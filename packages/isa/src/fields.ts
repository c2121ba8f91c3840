/**
 * Keeping V8's object shapes stable on hot paths.
 *
 * @module
 */

/** A number V8 can only store as a double. */
const NOT_SMALL = 2 ** 32 + 0.5;

/**
 * Makes the named number fields of `object` hold doubles from now on, as an address, a CSR or a
 * counter will sooner or later. V8 first stores an integer field as a small integer; the first
 * value past 2^30 changes the field's representation, which gives the object a new hidden class
 * and throws away every optimized function that had seen the old one — in the middle of a
 * run, once per field, each time slowing the hot loop down until it is optimized again. Call it
 * in the constructor, once the fields have their first values; the values do not change.
 */
export function widenNumberFields(object: object, names: readonly string[]): void {
  const fields = object as Record<string, number>;
  for (const name of names) {
    const value = fields[name] as number;
    fields[name] = NOT_SMALL;
    fields[name] = value;
  }
}
