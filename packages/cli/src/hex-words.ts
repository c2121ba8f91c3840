/**
 * Instruction words written in hexadecimal (`0x00a58533 13 0x4505`), for `disasm --hex`.
 *
 * @module
 */
import { UsageError } from './errors.js';

/** Splits text into hex tokens: whitespace or commas separate them, `#` starts a comment. */
export function hexTokens(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter((token) => token !== '');
}

/**
 * Turns hex tokens into the bytes of the instructions they encode, in memory order. A value
 * up to 0xffff whose low two bits are not `11` is a 16-bit instruction; any other value is a
 * 32-bit one.
 *
 * @throws {@link UsageError} naming the first token that is not a hexadecimal instruction word.
 */
export function hexWordsToBytes(tokens: readonly string[], command: string): Uint8Array {
  const bytes: number[] = [];
  for (const token of tokens) {
    const digits = token.replace(/^0x/i, '');
    if (!/^[0-9a-f]+$/i.test(digits)) {
      throw new UsageError(
        'BAD_INPUT',
        `'${token}' is not a hexadecimal instruction word (expected e.g. 0x00a58533 or 4505)`,
        command,
      );
    }
    const value = Number.parseInt(digits, 16);
    if (value > 0xffffffff) {
      throw new UsageError(
        'BAD_INPUT',
        `'${token}' does not fit in 32 bits: RV32 instructions are 16 or 32 bits long`,
        command,
      );
    }
    const compressed = (value & 3) !== 3;
    if (compressed && value > 0xffff) {
      throw new UsageError(
        'BAD_INPUT',
        `'${token}' ends in binary ${(value & 3).toString(2).padStart(2, '0')}, which marks a 16-bit instruction, but does not fit in 16 bits`,
        command,
      );
    }
    const size = compressed ? 2 : 4;
    for (let k = 0; k < size; k++) bytes.push(Math.floor(value / 2 ** (8 * k)) & 0xff);
  }
  return new Uint8Array(bytes);
}
