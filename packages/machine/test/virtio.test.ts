import { MemoryBlockBackend, VirtioBlk, VirtioRng } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { MachineError } from '../src/errors.js';
import { VirtMachine } from '../src/virt-machine.js';

const SLOT = (i: number) => 0x1000_1000 + i * 0x1000;
const PLIC_PENDING = 0x0c00_1000;
const RING = 0x8010_0000;

/** Drives an rng at `base` through the bus: handshake, one 8-entry queue, one 16-byte buffer. */
function rngRequest(machine: VirtMachine, base: number): Uint8Array {
  const { bus, ram } = machine;
  const reg = (offset: number, value: number) => bus.store(base + offset, 4, value);
  reg(0x070, 0);
  reg(0x070, 3);
  reg(0x024, 1);
  reg(0x020, 1); // VERSION_1
  reg(0x070, 11);
  reg(0x030, 0);
  reg(0x038, 8);
  reg(0x080, RING);
  reg(0x090, RING + 0x1000);
  reg(0x0a0, RING + 0x2000);
  reg(0x044, 1);
  reg(0x070, 15);
  const buffer = RING + 0x3000;
  bus.store(RING, 4, buffer); // descriptor 0: 16 writable bytes
  bus.store(RING + 8, 4, 16);
  bus.store(RING + 12, 2, 2);
  bus.store(RING + 0x1000 + 4, 2, 0); // avail.ring[0] = 0
  bus.store(RING + 0x1000 + 2, 2, 1); // avail.idx = 1
  reg(0x050, 0);
  return ram.u8.slice(buffer - 0x8000_0000, buffer - 0x8000_0000 + 16);
}

describe('virtio devices on the virt board', () => {
  it('puts the first device in the highest slot (QEMU order), the rest below it', () => {
    const blk = new VirtioBlk({ backend: new MemoryBlockBackend(4096) });
    const rng = new VirtioRng();
    const machine = new VirtMachine({ virtio: [blk, rng] });
    expect(machine.virtio.map((v) => [v.slot, v.address, v.irq, v.transport.device.kind])).toEqual([
      [7, 0x1000_8000, 8, 'virtio-blk'],
      [6, 0x1000_7000, 7, 'virtio-rng'],
    ]);
    expect(machine.bus.load(SLOT(7) + 8, 4)).toBe(2);
    expect(machine.bus.load(SLOT(6) + 8, 4)).toBe(4);
    // The empty slots speak the modern transport too, with no device.
    expect([machine.bus.load(SLOT(0) + 4, 4), machine.bus.load(SLOT(0) + 8, 4)]).toEqual([2, 0]);
    // Without virtio devices the empty slots are legacy, as QEMU 7.2's default.
    expect(new VirtMachine().bus.load(SLOT(0) + 4, 4)).toBe(1);
  });

  it('serves a request from guest RAM and raises the slot’s PLIC source', () => {
    const machine = new VirtMachine({ virtio: [new VirtioRng({ seed: 9 })] });
    const bytes = rngRequest(machine, SLOT(7));
    expect(bytes.some((b) => b !== 0)).toBe(true);
    expect(machine.bus.load(PLIC_PENDING, 4) & (1 << 8)).toBe(1 << 8);
    expect(machine.virtio[0]?.transport.statistics()).toMatchObject({
      requests: 1,
      notifications: 1,
    });
    // The same seed on another machine gives the same bytes.
    const again = new VirtMachine({ virtio: [new VirtioRng({ seed: 9 })] });
    expect(rngRequest(again, SLOT(7))).toEqual(bytes);
  });

  it('carries virtio state in snapshots and refuses snapshots of other devices', () => {
    const machine = new VirtMachine({ ramSize: 0x20_0000, virtio: [new VirtioRng({ seed: 1 })] });
    rngRequest(machine, SLOT(7));
    const saved = JSON.parse(JSON.stringify(machine.snapshot()));
    expect(saved.virtio).toHaveLength(1);
    const copy = new VirtMachine({ ramSize: 0x20_0000, virtio: [new VirtioRng({ seed: 2 })] });
    copy.restore(saved);
    expect(copy.snapshot()).toEqual(machine.snapshot());
    const other = new VirtMachine({
      ramSize: 0x20_0000,
      virtio: [new VirtioBlk({ backend: new MemoryBlockBackend(512) })],
    });
    const before = other.snapshot();
    expect(() => other.restore(saved)).toThrow(MachineError);
    expect(() => other.restore(saved)).toThrow(/virtio-blk@7/);
    expect(other.snapshot()).toEqual(before);
    // A device that refuses its part leaves the machine as it was.
    const bad = JSON.parse(JSON.stringify(saved));
    bad.virtio[0].state.device.state = [1, 2];
    expect(() => copy.restore(bad)).toThrow(/virtio-rng/);
    expect(copy.snapshot()).toEqual(machine.snapshot());
  });

  it('puts a device in the slot asked for, the others in the free slots from the top', () => {
    const machine = new VirtMachine({
      virtio: [
        new VirtioRng(),
        { device: new VirtioRng(), slot: 7 },
        { device: new VirtioRng(), slot: 2 },
      ],
    });
    expect(machine.virtio.map((v) => v.slot)).toEqual([7, 6, 2]);
    expect(machine.bus.load(SLOT(2) + 8, 4)).toBe(4);
    expect(machine.bus.load(SLOT(6) + 8, 4)).toBe(4);
    expect(() => new VirtMachine({ virtio: [{ device: new VirtioRng(), slot: 8 }] })).toThrow(
      /free slot in 0…7/,
    );
    expect(
      () =>
        new VirtMachine({
          virtio: [
            { device: new VirtioRng(), slot: 3 },
            { device: new VirtioRng(), slot: 3 },
          ],
        }),
    ).toThrow(/slot 3/);
  });

  it('refuses more than eight devices and the same device twice', () => {
    const rngs = Array.from({ length: 9 }, () => new VirtioRng());
    expect(() => new VirtMachine({ virtio: rngs })).toThrow(/8 virtio-mmio slots/);
    const rng = new VirtioRng();
    expect(() => new VirtMachine({ virtio: [rng, rng] })).toThrow(/twice/);
  });
});
