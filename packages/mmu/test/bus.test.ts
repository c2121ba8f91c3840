import { describe, expect, it } from 'vitest';
import { type AccessSize, Bus, type MmioDevice, MmuError, Ram } from '../src/index.js';

class Recorder implements MmioDevice {
  readonly log: string[] = [];
  constructor(
    readonly name: string,
    readonly size: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    this.log.push(`r ${offset} ${size}`);
    return 0xab;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.log.push(`w ${offset} ${size} ${value}`);
  }
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MmuError) return e.code;
    throw e;
  }
  return 'none';
}

describe('Bus', () => {
  it('routes RAM accesses and exposes the fast path', () => {
    const bus = new Bus();
    const ram = new Ram(0x8000_0000, 0x2000);
    bus.mapRam(ram);
    bus.store(0x8000_1000, 4, 0xcafe_babe);
    expect(bus.fault).toBe(false);
    expect(bus.load(0x8000_1000, 4)).toBe(0xcafe_babe);
    expect(bus.load(0x8000_1001, 2)).toBe(0xfeba);
    // Signed 32-bit addresses work too.
    expect(bus.load(0x8000_1000 | 0, 4)).toBe(0xcafe_babe);
    expect(bus.ram).toBe(ram);
    expect(bus.ramOffset(0x8000_1234)).toBe(0x1234);
    expect(bus.ramOffset(0x8000_1234 | 0)).toBe(0x1234);
    expect(bus.ramOffset(0x8000_2000)).toBe(-1);
    expect(bus.ramOffset(0x7fff_fffc)).toBe(-1);
    expect(bus.isRam(0x8000_1fff)).toBe(true);
    expect(bus.isRam(0x8000_2000)).toBe(false);
  });

  it('dispatches to devices with offsets relative to their base', () => {
    const bus = new Bus();
    const uart = new Recorder('uart0', 0x100);
    bus.mapDevice(0x1000_0000, uart);
    expect(bus.load(0x1000_0005, 1)).toBe(0xab);
    bus.store(0x1000_0000, 1, 0x41);
    bus.store(0x1000_00fc, 4, 7);
    expect(uart.log).toEqual(['r 5 1', 'w 0 1 65', 'w 252 4 7']);
    expect(bus.regionAt(0x1000_0010)?.name).toBe('uart0');
    expect(bus.regionAt(0x1000_0100)).toBeUndefined();
    expect(bus.regions.map((r) => [r.name, r.kind])).toEqual([['uart0', 'device']]);
  });

  it('faults on access widths a device does not accept, as QEMU does', () => {
    const bus = new Bus();
    const clint = Object.assign(new Recorder('clint', 0x1000), { validSizes: [4] as const });
    bus.mapDevice(0x0200_0000, clint);
    expect(bus.load(0x0200_0000, 4)).toBe(0xab);
    expect(bus.fault).toBe(false);
    for (const size of [1, 2] as const) {
      expect(bus.load(0x0200_0000, size)).toBe(0);
      expect(bus.fault).toBe(true);
      bus.store(0x0200_0000, size, 1);
      expect(bus.fault).toBe(true);
    }
    expect(clint.log).toEqual(['r 0 4']); // the faulting accesses never reached the device
  });

  it('faults on accesses a device refuses (accepts), without calling it', () => {
    const bus = new Bus();
    // Write-only at 8 (16-bit), read-only at 0: as fw-cfg's selector and data registers.
    const dev = Object.assign(new Recorder('fw-cfg', 0x18), {
      accepts: (offset: number, size: number, store: boolean) =>
        offset === 0 ? !store || size === 4 : offset === 8 && size === 2 && store,
    });
    bus.mapDevice(0x1010_0000, dev);
    expect(bus.load(0x1010_0000, 4)).toBe(0xab);
    expect(bus.fault).toBe(false);
    expect(bus.load(0x1010_0008, 2)).toBe(0);
    expect(bus.fault).toBe(true);
    bus.store(0x1010_0008, 2, 1);
    expect(bus.fault).toBe(false);
    bus.store(0x1010_0008, 4, 1);
    expect(bus.fault).toBe(true);
    bus.store(0x1010_0004, 4, 1);
    expect(bus.fault).toBe(true);
    expect(dev.log).toEqual(['r 0 4', 'w 8 2 1']);
  });

  it('leaves no fault from accesses a device makes on the bus while it is called (DMA)', () => {
    const bus = new Bus();
    bus.mapRam(new Ram(0x8000_0000, 0x1000));
    const dma: MmioDevice = {
      name: 'dma',
      size: 0x100,
      read: () => bus.load(0x4000_0000, 4), // unmapped: the nested load faults
      write: () => bus.store(0x4000_0000, 4, 0),
    };
    bus.mapDevice(0x1000_0000, dma);
    bus.load(0x1000_0000, 4);
    expect(bus.fault).toBe(false);
    bus.store(0x1000_0000, 4, 0);
    expect(bus.fault).toBe(false);
  });

  it('faults on unmapped addresses, past a window, above 4 GiB and on straddling accesses', () => {
    const bus = new Bus();
    const dev = new Recorder('test', 0x100);
    bus.mapDevice(0x10_0000, dev);
    bus.mapRam(new Ram(0x8000_0000, 0x1000));
    bus.mapRam(new Ram(0x8000_1000, 0x1000, 'ram2'));
    bus.load(0x2000_0000, 4);
    expect(bus.fault).toBe(true);
    bus.load(0x8000_0000, 4);
    expect(bus.fault).toBe(false);
    bus.load(0x10_0100, 1); // same page as the device, past its window
    expect(bus.fault).toBe(true);
    bus.load(0x10_00fe, 4); // straddles the end of the window
    expect(bus.fault).toBe(true);
    expect(dev.log).toEqual([]);
    bus.load(0x8000_0ffe, 4); // straddles ram -> ram2: two regions
    expect(bus.fault).toBe(true);
    bus.store(0x8000_0ffc, 4, 1);
    expect(bus.fault).toBe(false);
    bus.store(0x8000_0ffd, 4, 1);
    expect(bus.fault).toBe(true);
    expect(bus.load(0x8000_0ffc, 4)).toBe(1); // the faulting store wrote nothing
    bus.load(0x1_8000_0000, 4); // a 34-bit physical address
    expect(bus.fault).toBe(true);
    bus.store(0x1_0000_0000, 1, 0);
    expect(bus.fault).toBe(true);
    // A second RAM is reachable through load/store but is not the fast-path RAM.
    bus.store(0x8000_1000, 2, 0x1234);
    expect(bus.load(0x8000_1000, 2)).toBe(0x1234);
    expect(bus.ramOffset(0x8000_1000)).toBe(-1);
  });

  it('rejects misaligned, overlapping and out-of-range mappings with typed errors', () => {
    const bus = new Bus();
    bus.mapDevice(0x1000_0000, new Recorder('uart0', 0x100));
    expect(errorCode(() => bus.mapDevice(0x1000_0100, new Recorder('x', 0x100)))).toBe(
      'MISALIGNED_MAPPING',
    );
    expect(errorCode(() => bus.mapDevice(0x1000_0000, new Recorder('x', 0x1000)))).toBe(
      'OVERLAPPING_MAPPING',
    );
    expect(errorCode(() => bus.mapDevice(0x0fff_f000, new Recorder('x', 0x1001)))).toBe(
      'OVERLAPPING_MAPPING',
    );
    expect(errorCode(() => bus.mapDevice(0xffff_f000, new Recorder('x', 0x1001)))).toBe(
      'OUT_OF_RANGE',
    );
    expect(errorCode(() => bus.mapDevice(0x2000_0000, new Recorder('x', 0)))).toBe('INVALID_SIZE');
    bus.mapRam(new Ram(0x8000_0000, 0x1000));
    expect(errorCode(() => bus.mapRam(new Ram(0x8000_0000, 0x1000)))).toBe('OVERLAPPING_MAPPING');
    expect(() => bus.mapDevice(0x1000_0000, new Recorder('y', 4))).toThrow(/overlaps uart0/);
    const before = bus.generation;
    bus.mapDevice(0x1000_1000, new Recorder('virtio0', 0x200));
    expect(bus.generation).toBe(before + 1);
  });

  it('refuses more than 255 regions', () => {
    const bus = new Bus();
    for (let i = 0; i < 255; i++) bus.mapDevice(i * 0x1000, new Recorder(`d${i}`, 4));
    expect(errorCode(() => bus.mapDevice(0x1000_0000, new Recorder('last', 4)))).toBe(
      'TOO_MANY_REGIONS',
    );
  });
});
