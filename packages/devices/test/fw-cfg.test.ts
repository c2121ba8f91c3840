import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { type DmaMemory, FwCfg } from '../src/fw-cfg.js';

/** A little RAM at 0x80000000 for DMA. */
function memory(size = 0x1000): DmaMemory & { bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  const inside = (address: number, length: number) =>
    address >= 0x8000_0000 && address + length <= 0x8000_0000 + size;
  return {
    bytes,
    read: (address, length) =>
      inside(address, length)
        ? bytes.slice(address - 0x8000_0000, address - 0x8000_0000 + length)
        : undefined,
    write: (address, data) => {
      if (!inside(address, data.length)) return false;
      bytes.set(data, address - 0x8000_0000);
      return true;
    },
  };
}

/** Selects `key` as a guest does: a 16-bit big-endian store. */
function select(fw: FwCfg, key: number): void {
  fw.write(8, 2, ((key & 0xff) << 8) | (key >>> 8));
}

/** Reads `n` bytes through the data register, one at a time. */
function bytes(fw: FwCfg, n: number): number[] {
  return Array.from({ length: n }, () => fw.read(0, 1));
}

/** Starts a DMA transfer of the descriptor at `address`. */
function dma(fw: FwCfg, address: number): void {
  const be = (v: number) =>
    (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  fw.write(0x10, 4, 0);
  fw.write(0x14, 4, be(address));
}

/** Writes a FWCfgDmaAccess at `at` (offset in `mem`). */
function descriptor(
  mem: { bytes: Uint8Array },
  at: number,
  control: number,
  length: number,
  address: number,
) {
  const view = new DataView(mem.bytes.buffer);
  view.setUint32(at, control);
  view.setUint32(at + 4, length);
  view.setUint32(at + 8, 0);
  view.setUint32(at + 12, address);
}

describe('FwCfg', () => {
  it('reads the signature, the feature bits and the items QEMU 7.2 shows (docs/probes/fwcfg-probe.S)', () => {
    const fw = new FwCfg();
    select(fw, 0);
    expect(bytes(fw, 5)).toEqual([0x51, 0x45, 0x4d, 0x55, 0]);
    select(fw, 0);
    expect(fw.read(0, 4)).toBe(0x554d4551);
    expect(fw.read(0, 4)).toBe(0);
    select(fw, 0);
    expect(fw.read(0, 2)).toBe(0x4551);
    select(fw, 1);
    expect(fw.read(0, 4)).toBe(3);
    const first8 = (key: number) => {
      select(fw, key);
      return [fw.read(0, 4), fw.read(0, 4)];
    };
    expect(first8(4)).toEqual([1, 0]);
    expect(first8(5)).toEqual([1, 0]);
    expect(first8(3)).toEqual([0, 0]);
    expect(first8(0x22)).toEqual([0xffffffff, 0]);
    expect(first8(0x4000)).toEqual([0x554d4551, 0]); // the old write flag is ignored
    expect(first8(0x8000)).toEqual([0, 0]); // architecture items: none
    expect(first8(0xffff)).toEqual([0, 0]);
  });

  it('lists QEMU’s three files in its directory', () => {
    const fw = new FwCfg();
    select(fw, 0x19);
    const dir = new Uint8Array(bytes(fw, 4 + 3 * 64));
    const view = new DataView(dir.buffer);
    expect(view.getUint32(0)).toBe(3);
    const entry = (i: number) => {
      const at = 4 + 64 * i;
      const name = String.fromCharCode(...dir.subarray(at + 8, at + 64)).replace(/\0+$/, '');
      return [view.getUint32(at), view.getUint16(at + 4), view.getUint16(at + 6), name];
    };
    expect([0, 1, 2].map(entry)).toEqual([
      [0, 0x20, 0, 'bios-geometry'],
      [0, 0x21, 0, 'bootorder'],
      [4, 0x22, 0, 'etc/boot-fail-wait'],
    ]);
  });

  it('accepts what QEMU accepts and faults the rest', () => {
    const fw = new FwCfg();
    expect(fw.size).toBe(0x18);
    for (const size of [1, 2, 4] as const) {
      expect(fw.accepts(0, size, false)).toBe(true);
      expect(fw.accepts(0, size, true)).toBe(true);
      expect(fw.accepts(8, size, false)).toBe(false);
      expect(fw.accepts(0x10, size, false)).toBe(true);
      expect(fw.accepts(0x17, 1, false)).toBe(true);
    }
    expect(fw.accepts(8, 2, true)).toBe(true);
    expect(fw.accepts(8, 4, true)).toBe(false);
    expect(fw.accepts(8, 1, true)).toBe(false);
    expect(fw.accepts(9, 1, true)).toBe(false);
    expect(fw.accepts(10, 2, true)).toBe(false);
    expect(fw.accepts(2, 2, false)).toBe(false);
    expect(fw.accepts(4, 4, false)).toBe(false);
    expect(fw.accepts(3, 1, true)).toBe(false);
    expect(fw.accepts(0x10, 4, true)).toBe(true);
    expect(fw.accepts(0x14, 4, true)).toBe(true);
    expect(fw.accepts(0x10, 1, true)).toBe(false);
    expect(fw.accepts(0x14, 2, true)).toBe(false);
    expect(fw.accepts(0x12, 4, true)).toBe(false);
  });

  it('ignores data writes without moving the offset; reads the DMA register as QEMU CFG', () => {
    const fw = new FwCfg();
    select(fw, 0);
    fw.write(0, 4, 0x41414141);
    fw.write(0, 1, 0x41);
    expect(fw.read(0, 4)).toBe(0x554d4551);
    expect([fw.read(0x10, 4), fw.read(0x14, 4)]).toEqual([0x554d4551, 0x47464320]);
    expect([fw.read(0x10, 2), fw.read(0x17, 1), fw.read(0x16, 2)]).toEqual([0x4551, 0x47, 0x4746]);
  });

  it('runs DMA reads, skips and failing writes as QEMU does', () => {
    const mem = memory();
    const fw = new FwCfg({ memory: mem });
    const base = 0x8000_0000;
    descriptor(mem, 0, 0x0000_000a, 4, base + 0x100); // select 0 | read 4
    dma(fw, base);
    expect([...mem.bytes.subarray(0, 4)]).toEqual([0, 0, 0, 0]); // control: done
    expect(new DataView(mem.bytes.buffer).getUint32(4)).toBe(4); // length left alone
    expect(String.fromCharCode(...mem.bytes.subarray(0x100, 0x104))).toBe('QEMU');
    descriptor(mem, 0x10, 0x0000_000c, 2, 0); // select 0 | skip 2
    dma(fw, base + 0x10);
    mem.bytes.fill(0xee, 0x108, 0x110);
    descriptor(mem, 0x20, 0x0000_0002, 6, base + 0x108); // read 6: 'MU' and zeros
    dma(fw, base + 0x20);
    expect([...mem.bytes.subarray(0x108, 0x110)]).toEqual([0x4d, 0x55, 0, 0, 0, 0, 0xee, 0xee]);
    descriptor(mem, 0x30, 0x0000_0018, 4, base + 0x100); // select 0 | write: refused
    dma(fw, base + 0x30);
    expect(new DataView(mem.bytes.buffer).getUint32(0x30)).toBe(1);
    descriptor(mem, 0x40, 0x0000_000a, 4, 0x1000); // no memory there
    dma(fw, base + 0x40);
    expect(new DataView(mem.bytes.buffer).getUint32(0x40)).toBe(1);
    descriptor(mem, 0x50, 0x0019_000a, 4, base + 0x100); // the directory's count
    dma(fw, base + 0x50);
    expect(new DataView(mem.bytes.buffer).getUint32(0x100)).toBe(3);
    expect(fw.read(0, 4)).toBe(0); // the data register goes on after the DMA read
    descriptor(mem, 0x60, 0, 4, base + 0x100); // no flags: nothing
    dma(fw, base + 0x60);
    expect(new DataView(mem.bytes.buffer).getUint32(0x60)).toBe(0);
    // A descriptor above 4 GiB, or no memory at all: nothing happens.
    fw.write(0x10, 4, 0x01000000);
    fw.write(0x14, 4, 0);
    new FwCfg().write(0x14, 4, 0);
  });

  it('stops a DMA read that runs out of memory, with the error bit', () => {
    const mem = memory(0x100);
    const fw = new FwCfg({ memory: mem });
    descriptor(mem, 0, 0x0000_000a, 0xffff_ffff, 0x8000_0080);
    dma(fw, 0x8000_0000);
    expect(new DataView(mem.bytes.buffer).getUint32(0)).toBe(1);
  });

  it('snapshots its registers, and refuses bad options and snapshots', () => {
    const fw = new FwCfg();
    select(fw, 0);
    fw.read(0, 2);
    const copy = new FwCfg();
    copy.restore(JSON.parse(JSON.stringify(fw.snapshot())));
    expect(copy.read(0, 2)).toBe(0x554d);
    expect(() => copy.restore({ selector: 0x10000, offset: 0, dmaHigh: 0 })).toThrow(DeviceError);
    expect(() => new FwCfg({ files: [{ name: '', data: new Uint8Array() }] })).toThrow(/file name/);
    expect(
      () =>
        new FwCfg({
          files: [
            { name: 'a', data: new Uint8Array() },
            { name: 'a', data: new Uint8Array() },
          ],
        }),
    ).toThrow(/twice/);
    copy.reset();
    expect(copy.read(0, 4)).toBe(0x554d4551);
  });
});
