import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { PciHost } from '../src/pci-host.js';
import { PciWindow } from '../src/pci-window.js';

/** ECAM offset of bus `b`, device `d`, function `f`. */
const bdf = (b: number, d: number, f: number) => (b << 20) | (d << 15) | (f << 12);

describe('PciHost', () => {
  it('shows QEMU 7.2’s host bridge at 00:00.0 (values read on QEMU by docs/probes/pci-probe.S)', () => {
    const pci = new PciHost();
    const header = Array.from({ length: 16 }, (_, i) => pci.read(i * 4, 4));
    expect(header).toEqual([
      0x00081b36, 0, 0x06000000, 0, 0, 0, 0, 0, 0, 0, 0, 0x11001af4, 0, 0, 0, 0,
    ]);
    for (let offset = 0x40; offset < 0x100; offset += 4) expect(pci.read(offset, 4)).toBe(0);
    for (let offset = 0x100; offset < 0x1000; offset += 4)
      expect(pci.read(offset, 4)).toBe(0xffffffff);
    expect(pci.size).toBe(0x1000_0000);
  });

  it('answers narrow and unaligned reads with the configuration bytes, little-endian', () => {
    const pci = new PciHost();
    expect([0, 1, 2, 3].map((o) => pci.read(o, 1))).toEqual([0x36, 0x1b, 0x08, 0x00]);
    expect(pci.read(0, 2)).toBe(0x1b36);
    expect(pci.read(2, 2)).toBe(0x0008);
    expect(pci.read(1, 2)).toBe(0x081b);
    expect(pci.read(1, 4)).toBe(0x0000081b);
    expect(pci.read(0xa, 4)).toBe(0x00000600);
    expect(pci.read(0xb, 1)).toBe(0x06);
  });

  it('keeps only the writable bits, as QEMU: command 0x0507, cache line size, interrupt line', () => {
    const pci = new PciHost();
    for (let i = 0; i < 16; i++) pci.write(i * 4, 4, 0xffffffff);
    expect(Array.from({ length: 16 }, (_, i) => pci.read(i * 4, 4))).toEqual([
      0x00081b36, 0x507, 0x06000000, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x11001af4, 0, 0, 0, 0xff,
    ]);
    pci.write(0xd, 1, 0xff); // latency timer: read-only 0
    pci.write(0x3d, 1, 0x5a); // interrupt pin: read-only 0
    pci.write(0x3e, 2, 0x1234);
    expect(pci.read(0xc, 4)).toBe(0xff);
    expect(pci.read(0x3c, 4)).toBe(0xff);
    pci.write(4, 2, 0);
    expect(pci.read(4, 4)).toBe(0);
    pci.write(4, 4, 0xffff0000); // status is write-1-to-clear, with nothing set
    expect(pci.read(4, 4)).toBe(0);
    pci.write(0x100, 4, 0);
    expect(pci.read(0x100, 4)).toBe(0xffffffff);
  });

  it('reads all ones for every absent function and ignores writes there', () => {
    const pci = new PciHost();
    for (const offset of [bdf(0, 0, 1), bdf(0, 1, 0), bdf(0, 31, 0), bdf(1, 0, 0), 0x0fff_fffc]) {
      expect(pci.read(offset, 4)).toBe(0xffffffff);
      pci.write(offset, 4, 0);
      expect(pci.read(offset, 4)).toBe(0xffffffff);
    }
    expect(pci.read(bdf(0, 1, 0) + 3, 1)).toBe(0xff);
    expect(pci.read(bdf(0, 1, 0) + 2, 2)).toBe(0xffff);
  });

  it('snapshots and restores its writable registers, and refuses bad snapshots', () => {
    const pci = new PciHost();
    pci.write(4, 2, 0x0006);
    pci.write(0x3c, 1, 0x21);
    const copy = new PciHost();
    copy.restore(JSON.parse(JSON.stringify(pci.snapshot())));
    expect(copy.read(4, 4)).toBe(6);
    expect(copy.read(0x3c, 4)).toBe(0x21);
    expect(() => copy.restore({ command: 0x8000, lineSize: 0, interruptLine: 0 })).toThrow(
      DeviceError,
    );
    expect(() => copy.restore({ command: 0, lineSize: 256, interruptLine: 0 })).toThrow(/lineSize/);
    expect(copy.read(4, 4)).toBe(6);
    copy.reset();
    expect(copy.read(4, 4)).toBe(0);
  });
});

describe('PciWindow', () => {
  it('reads all ones at every width and ignores writes, as QEMU’s empty windows', () => {
    const window = new PciWindow({ name: 'pci-io', size: 0x1_0000 });
    window.write(0, 4, 0x12345678);
    expect(window.read(0, 4)).toBe(0xffffffff);
    expect(window.read(1, 1)).toBe(0xff);
    expect(window.read(2, 2)).toBe(0xffff);
    expect(window.size).toBe(0x1_0000);
  });

  it('refuses a size that is not whole pages', () => {
    expect(() => new PciWindow({ name: 'w', size: 0x1001 })).toThrow(DeviceError);
    expect(() => new PciWindow({ name: 'w', size: 0 })).toThrow(/size/);
  });
});
