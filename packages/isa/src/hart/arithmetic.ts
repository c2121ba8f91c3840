/**
 * RV32M arithmetic on 32-bit integers, exact without BigInt (unprivileged spec chapter 7,
 * including division by zero and overflow results).
 *
 * @module
 */

/** High 32 bits of the unsigned 64-bit product of `a` and `b` (as uint32). */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const cross1 = a1 * b0;
  const cross2 = a0 * b1;
  const middle = (low >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff);
  return (
    (a1 * b1 +
      Math.floor(cross1 / 0x10000) +
      Math.floor(cross2 / 0x10000) +
      Math.floor(middle / 0x10000)) |
    0
  );
}

/** High 32 bits of the signed × signed product. */
export function mulh(a: number, b: number): number {
  let high = mulhu(a >>> 0, b >>> 0);
  if (a < 0) high -= b;
  if (b < 0) high -= a;
  return high | 0;
}

/** High 32 bits of the signed × unsigned product. */
export function mulhsu(a: number, b: number): number {
  let high = mulhu(a >>> 0, b >>> 0);
  if (a < 0) high -= b >>> 0;
  return high | 0;
}

/** DIV: division by zero gives -1, overflow (-2^31 / -1) gives -2^31. */
export function div(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -0x80000000 && b === -1) return a;
  return (a / b) | 0;
}

/** DIVU: division by zero gives 2^32 - 1. */
export function divu(a: number, b: number): number {
  if (b === 0) return -1;
  return Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

/** REM: remainder by zero gives the dividend, overflow gives 0. */
export function rem(a: number, b: number): number {
  if (b === 0) return a;
  if (a === -0x80000000 && b === -1) return 0;
  return (a % b) | 0;
}

/** REMU: remainder by zero gives the dividend. */
export function remu(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}
