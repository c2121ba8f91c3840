import { describe, expect, it } from 'vitest';
import { Clint } from '../src/clint.js';
import { GoldfishRtc } from '../src/goldfish-rtc.js';
import { Plic } from '../src/plic.js';
import { TestFinisher } from '../src/test-finisher.js';
import { Uart16550 } from '../src/uart16550.js';
import { VIRT_MAP } from '../src/virt.js';

describe('VIRT_MAP', () => {
  it('matches QEMU virt and the devices’ window sizes', () => {
    const time = () => 0;
    expect(VIRT_MAP.test).toEqual({ base: 0x100000, size: new TestFinisher().size });
    expect(VIRT_MAP.rtc).toEqual({ base: 0x101000, size: new GoldfishRtc({ time }).size, irq: 11 });
    expect(VIRT_MAP.clint).toEqual({ base: 0x2000000, size: new Clint({ time }).size });
    expect(VIRT_MAP.plic).toEqual({ base: 0xc000000, size: new Plic().size });
    expect(VIRT_MAP.uart0).toEqual({ base: 0x10000000, size: new Uart16550().size, irq: 10 });
  });
});
