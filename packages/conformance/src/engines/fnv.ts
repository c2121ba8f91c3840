/**
 * FNV-1a 32, the page digest of contract v1.
 *
 * @module
 */

/** FNV-1a 32 of `bytes` (offset basis `0x811c9dc5`, prime `0x01000193`), unsigned. */
export function fnv1a32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
