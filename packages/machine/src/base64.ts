/**
 * Base64 (RFC 4648, with padding) for snapshots, in plain JavaScript: the board runs in
 * browsers too, where Node's `Buffer` does not exist.
 *
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < n ? (bytes[i + 1] as number) : 0;
    const b2 = i + 2 < n ? (bytes[i + 2] as number) : 0;
    const bits = (b0 << 16) | (b1 << 8) | b2;
    chunk +=
      ALPHABET[bits >>> 18] +
      ALPHABET[(bits >>> 12) & 63] +
      (i + 1 < n ? ALPHABET[(bits >>> 6) & 63] : '=') +
      (i + 2 < n ? ALPHABET[bits & 63] : '=');
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes padded base64; undefined when `text` is not base64 (a character outside the
 * alphabet, a length that is not a multiple of 4, padding anywhere but at the end).
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let bits = 0;
    for (let k = 0; k < 4; k++) {
      const code = text.charCodeAt(i + k);
      const last = i + 4 === text.length;
      let value = code < 128 ? (VALUES[code] as number) : -1;
      if (value < 0) {
        if (!(last && code === 61 && k >= 4 - padding)) return undefined;
        value = 0;
      }
      bits = (bits << 6) | value;
    }
    out[o++] = bits >>> 16;
    if (o < out.length) out[o++] = (bits >>> 8) & 0xff;
    if (o < out.length) out[o++] = bits & 0xff;
  }
  return out;
}
