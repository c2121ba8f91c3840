import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MmuError, Ram } from '../src/index.js';

describe('Ram', () => {
  it('rejects bad geometry with typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(MmuError);
        return (e as MmuError).code;
      }
      return 'none';
    };
    expect(code(() => new Ram(0x8000_0000, 100))).toBe('INVALID_SIZE');
    expect(code(() => new Ram(0x8000_0000, 0))).toBe('INVALID_SIZE');
    expect(code(() => new Ram(0x8000_0010, 4096))).toBe('MISALIGNED_MAPPING');
    expect(code(() => new Ram(0xffff_f000, 8192))).toBe('OUT_OF_RANGE');
    expect(code(() => new Ram(0xffff_f000, 4096))).toBe('none');
  });

  it('reads and writes little-endian, aligned and unaligned', () => {
    const ram = new Ram(0x8000_0000, 4096);
    ram.write(0, 4, 0x1234_5678);
    expect([...ram.u8.subarray(0, 4)]).toEqual([0x78, 0x56, 0x34, 0x12]);
    expect(ram.read(0, 4)).toBe(0x1234_5678);
    expect(ram.read(1, 2)).toBe(0x3456);
    expect(ram.read(1, 4)).toBe(0x0012_3456);
    ram.write(5, 4, 0xdead_beef);
    expect(ram.read(5, 4)).toBe(0xdead_beef);
    expect(ram.read(4, 4)).toBe(0xadbe_ef00);
    ram.write(3, 2, 0xabcd);
    expect(ram.read(3, 1)).toBe(0xcd);
    expect(ram.read(4, 1)).toBe(0xab);
    ram.write(8, 4, -1);
    expect(ram.read(8, 4)).toBe(0xffff_ffff);
    expect(ram.i32[2]).toBe(-1);
  });

  it('loads and reads bytes at physical addresses, refusing ranges outside', () => {
    const ram = new Ram(0x8000_0000, 8192);
    ram.loadBytes(0x8000_0ffe, Uint8Array.of(1, 2, 3, 4));
    expect(ram.read(0xffe, 4)).toBe(0x0403_0201);
    expect([...ram.readBytes(0x8000_0fff, 2)]).toEqual([2, 3]);
    expect(() => ram.loadBytes(0x8000_1ffe, Uint8Array.of(1, 2, 3))).toThrow(MmuError);
    expect(() => ram.readBytes(0x7fff_ffff, 2)).toThrow(/not inside/);
    ram.clear();
    expect(ram.read(0xffe, 4)).toBe(0);
  });

  test.prop([fc.integer({ min: 0, max: 4092 }), fc.constantFrom(1, 2, 4), fc.integer()])(
    'a write then a read of the same size returns the value truncated to the size',
    (offset, size, value) => {
      const ram = new Ram(0, 4096);
      ram.write(offset, size as 1 | 2 | 4, value);
      const mask = size === 4 ? 0xffff_ffff : (1 << (8 * size)) - 1;
      expect(ram.read(offset, size as 1 | 2 | 4)).toBe((value & mask) >>> 0);
      // Bytes agree with a DataView over the same buffer.
      const view = new DataView(ram.buffer);
      const viaView =
        size === 1
          ? view.getUint8(offset)
          : size === 2
            ? view.getUint16(offset, true)
            : view.getUint32(offset, true);
      expect(viaView).toBe((value & mask) >>> 0);
    },
  );
});
