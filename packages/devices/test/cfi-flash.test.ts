import { describe, expect, it } from 'vitest';
import { CfiFlash } from '../src/cfi-flash.js';
import { DeviceError } from '../src/errors.js';

/** The CFI query bytes QEMU 7.2 reports (docs/probes/flash-probe.S), indices 0x10–0x3f. */
const QEMU_CFI =
  '51 52 59 01 00 31 00 00 00 00 00 45 55 00 00 07 07 0a 00 04 04 04 00 18 02 00 0b 00 01 7f 00 00 02 50 52 49 31 30 00 00 00 00 00 00 00 00 00 01';

describe('CfiFlash', () => {
  it('reads zeros with no backing file, in both halves of the bank', () => {
    const flash = new CfiFlash();
    expect(flash.size).toBe(0x200_0000);
    for (const offset of [0, 4, 0x1fffffc]) expect(flash.read(offset, 4)).toBe(0);
    expect(flash.read(0, 1)).toBe(0);
    expect(flash.read(2, 2)).toBe(0);
  });

  it('answers the CFI query as QEMU does: 32-bit reads see both chips, narrow reads one', () => {
    const flash = new CfiFlash();
    flash.write(0, 4, 0x98);
    const bytes = Array.from({ length: 0x30 }, (_, i) => flash.read((0x10 + i) * 4, 4));
    expect(bytes.map((v) => (v & 0xff).toString(16).padStart(2, '0')).join(' ')).toBe(QEMU_CFI);
    for (const v of bytes) expect(v >>> 16).toBe(v & 0xffff);
    for (let i = 0; i < 0x10; i++) expect(flash.read(i * 4, 4)).toBe(0);
    expect(flash.read(0x40, 4)).toBe(0x00510051);
    expect(flash.read(0x40, 1)).toBe(0x51);
    expect(flash.read(0x41, 1)).toBe(0x51);
    expect(flash.read(0x42, 1)).toBe(0x51);
    expect(flash.read(0x40, 2)).toBe(0x51);
    expect(flash.read(0x1000040, 4)).toBe(0); // the index is not wrapped
    flash.write(0, 4, 0xff);
    expect(flash.read(0x40, 4)).toBe(0);
  });

  it('reads identifiers and status as QEMU does', () => {
    const flash = new CfiFlash();
    flash.write(0, 1, 0x90);
    expect([0, 4, 8, 12].map((o) => flash.read(o, 4))).toEqual([0x00890089, 0x00180018, 0, 0]);
    expect(flash.read(0x20000, 4)).toBe(0x00890089);
    flash.write(0, 2, 0x70);
    expect(flash.read(0x1234, 4)).toBe(0x00800080);
    expect(flash.read(0, 1)).toBe(0x80);
    flash.write(0, 4, 0x50); // clear status: read array, status 0
    expect(flash.read(0, 4)).toBe(0);
    flash.write(0, 4, 0x70);
    expect(flash.read(0, 4)).toBe(0);
  });

  it('programs words, bytes and halves (replacing the bytes), erases 256 KiB blocks', () => {
    const flash = new CfiFlash();
    flash.write(0x100, 4, 0x40);
    expect(flash.read(0x100, 4)).toBe(0x00800080);
    flash.write(0x100, 4, 0x12345678);
    expect(flash.read(0x104, 4)).toBe(0x00800080);
    flash.write(0, 4, 0xff);
    expect(flash.read(0x100, 4)).toBe(0x12345678);
    flash.write(0x100, 4, 0x10);
    flash.write(0x100, 4, 0xffff0000);
    flash.write(0, 4, 0xff);
    expect(flash.read(0x100, 4)).toBe(0xffff0000);
    flash.write(0x200, 4, 0x40);
    flash.write(0x201, 1, 0xab);
    flash.write(0x200, 4, 0x40);
    flash.write(0x202, 2, 0xcdef);
    flash.write(0, 4, 0xff);
    expect(flash.read(0x200, 4)).toBe(0xcdefab00);
    // A plain write in read-array mode is a command QEMU does not know: nothing is stored.
    flash.write(0x300, 4, 0x12345678);
    expect(flash.read(0x300, 4)).toBe(0);
    flash.write(0x100, 4, 0x20);
    expect(flash.read(0x100, 4)).toBe(0x00800080);
    flash.write(0x100, 4, 0xd0);
    expect(flash.read(0, 4)).toBe(0x00800080);
    flash.write(0, 4, 0xff);
    expect(flash.read(0x100, 4)).toBe(0xffffffff);
    expect(flash.read(0x3fffc, 4)).toBe(0xffffffff);
    expect(flash.read(0x40000, 4)).toBe(0);
    // The block is erased when the command arrives, even without the confirm.
    flash.write(0x80000, 4, 0x20);
    flash.write(0x80000, 4, 0xff);
    expect(flash.read(0x80000, 4)).toBe(0xffffffff);
  });

  it('writes through the buffer on confirm, and drops it on an error or without confirm', () => {
    const flash = new CfiFlash();
    flash.write(0x1000, 4, 0xe8);
    expect(flash.read(0x1000, 4)).toBe(0x00800080);
    flash.write(0x1000, 4, 0x00010001); // count − 1 = 1 (low 16 bits)
    flash.write(0x1000, 4, 0x11111111);
    flash.write(0x1004, 4, 0x22222222);
    expect(flash.read(0x1000, 4)).toBe(0x00800080);
    flash.write(0x1000, 4, 0xd0);
    expect(flash.read(0x1000, 4)).toBe(0x00800080);
    flash.write(0, 4, 0xff);
    expect([0x1000, 0x1004, 0x1008].map((o) => flash.read(o, 4))).toEqual([
      0x11111111, 0x22222222, 0,
    ]);
    // Without the confirm: dropped, read array.
    flash.write(0x2000, 4, 0xe8);
    flash.write(0x2000, 4, 0);
    flash.write(0x2000, 4, 0xaaaaaaaa);
    flash.write(0x2000, 4, 0x12);
    expect(flash.read(0x2000, 4)).toBe(0);
    // A write outside the 4 KiB block: status bit 4, and the confirm drops everything.
    flash.write(0x2ffc, 4, 0xe8);
    flash.write(0x2ffc, 4, 1);
    flash.write(0x2ffc, 4, 0x55555555);
    expect(flash.read(0, 4)).toBe(0x00800080);
    flash.write(0x3000, 4, 0x66666666);
    expect(flash.read(0, 4)).toBe(0x00900090);
    flash.write(0x2ffc, 4, 0xd0);
    expect(flash.read(0x2ffc, 4)).toBe(0);
    expect(flash.read(0x3000, 4)).toBe(0);
    // The block is where 0xe8 was written, not where the data goes first.
    flash.write(0, 4, 0x50);
    flash.write(0x7000, 4, 0xe8);
    flash.write(0x7000, 4, 0);
    flash.write(0x8000, 4, 5);
    expect(flash.read(0, 4)).toBe(0x00900090);
    flash.write(0x7000, 4, 0xd0); // the confirm of a failed buffer: read array
    expect(flash.read(0x8000, 4)).toBe(0);
    flash.write(0, 4, 0x70);
    expect(flash.read(0, 4)).toBe(0x00900090);
    // Status bit 7 stays set after a buffered write, even one that was dropped.
    flash.write(0, 4, 0x50);
    flash.write(0x5000, 4, 0xe8);
    flash.write(0x5000, 4, 0);
    flash.write(0x5000, 4, 0x1234);
    flash.write(0, 4, 0x12);
    flash.write(0, 4, 0x70);
    expect(flash.read(0, 4)).toBe(0x00800080);
  });

  it('takes lock commands, reading status, and falls back to read array on unknown ones', () => {
    const flash = new CfiFlash();
    flash.write(0, 4, 0x60);
    flash.write(0, 4, 0x01);
    expect(flash.read(0, 4)).toBe(0x00800080);
    flash.write(0, 4, 0x12);
    expect(flash.state).toBe('array');
    flash.write(0, 4, 0x98);
    for (const ignored of [0x70, 0x90, 0xf0, 0x00, 0x40, 0x1234, 0x50]) flash.write(0, 4, ignored);
    expect(flash.state).toBe('query'); // only 0xff leaves a query
    expect(flash.read(0, 4)).toBe(0);
    flash.write(0, 4, 0xff);
    expect(flash.state).toBe('array');
    flash.write(0, 4, 0x90);
    flash.write(0, 4, 0x70);
    expect(flash.state).toBe('status');
    flash.write(0, 4, 0x60);
    flash.write(0, 4, 0x12);
    expect(flash.state).toBe('array');
  });

  it('snapshots its state and contents, restores them, and refuses bad snapshots', () => {
    const flash = new CfiFlash({ name: 'flash0' });
    flash.write(0x100, 4, 0x40);
    flash.write(0x100, 4, 0xcafef00d);
    const snapshot = JSON.parse(JSON.stringify(flash.snapshot()));
    expect(Object.keys(snapshot.pages)).toEqual(['0']);
    const copy = new CfiFlash({ name: 'flash0' });
    copy.restore(snapshot);
    expect(copy.read(0, 4)).toBe(0x00800080);
    copy.write(0, 4, 0xff);
    expect(copy.read(0x100, 4)).toBe(0xcafef00d);
    expect(() => copy.restore({ ...snapshot, mode: 'nope' })).toThrow(DeviceError);
    expect(() => copy.restore({ ...snapshot, pages: { '3': 'AAAA' } })).toThrow(/pages\.3/);
    expect(() => copy.restore({ ...snapshot, pages: { '0': 'AAAA' } })).toThrow(/4096 bytes/);
    expect(() => copy.restore({ ...snapshot, buffer: [[0, 3, 0]] })).toThrow(/buffer\[0\]/);
    expect(copy.read(0x100, 4)).toBe(0xcafef00d);
    copy.reset();
    expect(copy.state).toBe('array');
  });
});
