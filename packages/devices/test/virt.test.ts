import { describe, expect, it } from 'vitest';
import { Clint } from '../src/clint.js';
import { GoldfishRtc } from '../src/goldfish-rtc.js';
import { Plic } from '../src/plic.js';
import { TestFinisher } from '../src/test-finisher.js';
import { Uart16550 } from '../src/uart16550.js';
import { VIRT_MAP, VIRT_VIRTIO_SLOTS } from '../src/virt.js';
import { VirtioMmioSlot } from '../src/virtio-mmio-slot.js';

describe('VIRT_MAP', () => {
  it('matches QEMU virt and the devices’ window sizes', () => {
    const time = () => 0;
    expect(VIRT_MAP.test).toEqual({ base: 0x100000, size: new TestFinisher().size });
    expect(VIRT_MAP.rtc).toEqual({ base: 0x101000, size: new GoldfishRtc({ time }).size, irq: 11 });
    expect(VIRT_MAP.clint).toEqual({ base: 0x2000000, size: new Clint({ time }).size });
    expect(VIRT_MAP.plic).toEqual({ base: 0xc000000, size: new Plic().size });
    // QEMU's map gives the UART a 0x100 slot; its register window is 8 bytes of it.
    expect(VIRT_MAP.uart0).toEqual({ base: 0x10000000, size: 0x100, irq: 10 });
    expect(new Uart16550().size).toBe(8);
  });
});

describe('VirtioMmioSlot', () => {
  it('is an empty virtio-mmio transport as QEMU shows it', () => {
    const slot = new VirtioMmioSlot();
    expect([0, 4, 8, 0xc, 0x10, 0x70, 0x100].map((o) => slot.read(o, 4))).toEqual([
      0x74726976, 1, 0, 0x554d4551, 0, 0, 0,
    ]);
    expect(slot.read(0, 1)).toBe(0x76);
    expect(slot.read(0, 2)).toBe(0x6976);
    expect(slot.read(1, 1)).toBe(0);
    slot.write(0x70, 4, 1);
    expect(slot.read(0x70, 4)).toBe(0);
    expect(slot.size).toBe(0x200);
  });

  it('has eight slots at QEMU addresses with PLIC sources 1 to 8', () => {
    expect(VIRT_VIRTIO_SLOTS.map((s) => [s.base, s.irq])).toEqual(
      Array.from({ length: 8 }, (_, i) => [0x10001000 + i * 0x1000, i + 1]),
    );
  });
});
