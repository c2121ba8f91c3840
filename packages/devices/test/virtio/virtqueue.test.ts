import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/virtio/block-backend.js';
import {
  VIRTQ_DESC_F as F,
  featureBit,
  VIRTIO_MMIO as R,
  VIRTIO_F,
  VIRTIO_MMIO_INT,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
} from '../../src/virtio/constants.js';
import { VirtioBlk } from '../../src/virtio/virtio-blk.js';
import { VirtioRng } from '../../src/virtio/virtio-rng.js';
import { RAM_BASE, TestDriver } from '../support/virtio-driver.js';

const rng = () => new TestDriver(new VirtioRng({ seed: 1 }), { queueSize: 8 });

/** A driver with the rng started and queue 0's descriptor table at hand. */
function started(features?: bigint) {
  const d = rng();
  d.start(features);
  return { d, desc: d.ring(0).desc };
}

/** Makes descriptor `head` available and notifies; returns whether the device failed. */
function kick(d: TestDriver, head: number): boolean {
  d.offer(0, head);
  d.notify(0);
  return d.needsReset();
}

describe('Virtqueue chains', () => {
  it('walks a chain through next, in any descriptor order', () => {
    const { d, desc } = started();
    const a = d.alloc(4);
    const b = d.alloc(4);
    d.descriptor(desc, 5, a, 4, F.WRITE | F.NEXT, 2);
    d.descriptor(desc, 2, b, 4, F.WRITE, 0);
    expect(kick(d, 5)).toBe(false);
    expect(d.used(0)).toEqual([{ id: 5, len: 8 }]);
    expect(d.bytes(a, 4).some((x) => x !== 0) || d.bytes(b, 4).some((x) => x !== 0)).toBe(true);
  });

  it('follows an indirect table at the end of a chain', () => {
    const { d, desc } = started();
    const table = d.alloc(32);
    const a = d.alloc(8);
    const b = d.alloc(8);
    d.descriptor(table, 0, a, 8, F.WRITE | F.NEXT, 1);
    d.descriptor(table, 1, b, 8, F.WRITE, 0);
    d.descriptor(desc, 0, table, 32, F.INDIRECT, 0);
    expect(kick(d, 0)).toBe(false);
    expect(d.used(0)).toEqual([{ id: 0, len: 16 }]);
  });

  const failures: [string, (d: TestDriver, desc: number) => number][] = [
    [
      'a loop',
      (d, desc) => {
        d.descriptor(desc, 0, d.alloc(4), 4, F.WRITE | F.NEXT, 1);
        d.descriptor(desc, 1, d.alloc(4), 4, F.WRITE | F.NEXT, 0);
        return 0;
      },
    ],
    [
      'a self loop',
      (d, desc) => {
        d.descriptor(desc, 3, d.alloc(4), 4, F.WRITE | F.NEXT, 3);
        return 3;
      },
    ],
    ['a head outside the table', () => 8],
    [
      'next outside the table',
      (d, desc) => {
        d.descriptor(desc, 0, d.alloc(4), 4, F.WRITE | F.NEXT, 9);
        return 0;
      },
    ],
    [
      'a buffer outside RAM',
      (d, desc) => {
        d.descriptor(desc, 0, 0x1000_0000, 4, F.WRITE, 0);
        return 0;
      },
    ],
    [
      'a buffer running past the end of RAM',
      (d, desc) => {
        d.descriptor(desc, 0, RAM_BASE + 0x10_0000 - 2, 4, F.WRITE, 0);
        return 0;
      },
    ],
    [
      'a buffer length that wraps 32 bits',
      (d, desc) => {
        d.descriptor(desc, 0, RAM_BASE + 16, 0xffff_fff0, F.WRITE, 0);
        return 0;
      },
    ],
    [
      'a readable buffer after a writable one',
      (d, desc) => {
        d.descriptor(desc, 0, d.alloc(4), 4, F.WRITE | F.NEXT, 1);
        d.descriptor(desc, 1, d.alloc(4), 4, 0, 0);
        return 0;
      },
    ],
    [
      'an indirect table inside an indirect table',
      (d, desc) => {
        const outer = d.alloc(16);
        const inner = d.alloc(16);
        d.descriptor(inner, 0, d.alloc(4), 4, F.WRITE, 0);
        d.descriptor(outer, 0, inner, 16, F.INDIRECT, 0);
        d.descriptor(desc, 0, outer, 16, F.INDIRECT, 0);
        return 0;
      },
    ],
    [
      'an indirect descriptor with NEXT',
      (d, desc) => {
        const t = d.alloc(16);
        d.descriptor(t, 0, d.alloc(4), 4, F.WRITE, 0);
        d.descriptor(desc, 0, t, 16, F.INDIRECT | F.NEXT, 1);
        d.descriptor(desc, 1, d.alloc(4), 4, F.WRITE, 0);
        return 0;
      },
    ],
    [
      'an empty indirect table',
      (d, desc) => {
        d.descriptor(desc, 0, d.alloc(16), 0, F.INDIRECT, 0);
        return 0;
      },
    ],
    [
      'an indirect table not a multiple of 16',
      (d, desc) => {
        d.descriptor(desc, 0, d.alloc(32), 24, F.INDIRECT, 0);
        return 0;
      },
    ],
    [
      'an indirect table outside RAM',
      (d, desc) => {
        d.descriptor(desc, 0, 0x0200_0000, 16, F.INDIRECT, 0);
        return 0;
      },
    ],
    [
      'a loop inside an indirect table',
      (d, desc) => {
        const t = d.alloc(32);
        d.descriptor(t, 0, d.alloc(4), 4, F.WRITE | F.NEXT, 1);
        d.descriptor(t, 1, d.alloc(4), 4, F.WRITE | F.NEXT, 0);
        d.descriptor(desc, 0, t, 32, F.INDIRECT, 0);
        return 0;
      },
    ],
  ];

  for (const [what, build] of failures)
    it(`puts the device in DEVICE_NEEDS_RESET for ${what}, and stops it until reset`, () => {
      const { d, desc } = started();
      const head = build(d, desc);
      expect(kick(d, head)).toBe(true);
      expect(d.used(0)).toEqual([]);
      // A configuration change interrupt tells the driver.
      expect(d.get(R.INTERRUPT_STATUS) & VIRTIO_MMIO_INT.CONFIG).toBe(VIRTIO_MMIO_INT.CONFIG);
      expect(d.transport.lastError).toBeTypeOf('string');
      // Nothing is served any more, even a good chain.
      d.descriptor(desc, 7, d.alloc(4), 4, F.WRITE, 0);
      kick(d, 7);
      expect(d.used(0)).toEqual([]);
      // After a reset the device works again.
      d.start();
      const again = d.submit(0, [{ write: 4 }]);
      d.notify(0);
      expect(d.used(0)).toEqual([{ id: again.head, len: 4 }]);
      expect(d.guardsIntact()).toBe(true);
    });

  it('refuses an available index more than the queue size ahead', () => {
    const { d } = started();
    d.poke16(d.ring(0).avail + 2, 9);
    d.notify(0);
    expect(d.needsReset()).toBe(true);
  });

  it('refuses to enable a queue whose size is not a power of two, or too large, or 0', () => {
    for (const size of [3, 6, 512, 0]) {
      const d = rng();
      d.set(R.STATUS, 3);
      d.setupQueue(0, size);
      expect([size, d.get(R.QUEUE_READY), d.needsReset()]).toEqual([size, 0, true]);
    }
  });

  it('refuses misaligned rings', () => {
    for (const which of [R.QUEUE_DESC_LOW, R.QUEUE_DRIVER_LOW, R.QUEUE_DEVICE_LOW]) {
      const d = rng();
      d.set(R.STATUS, 3);
      d.set(R.QUEUE_SEL, 0);
      d.set(R.QUEUE_NUM, 8);
      d.set(R.QUEUE_DESC_LOW, RAM_BASE);
      d.set(R.QUEUE_DRIVER_LOW, RAM_BASE + 0x1000);
      d.set(R.QUEUE_DEVICE_LOW, RAM_BASE + 0x2000);
      d.set(which, d.get(which) + 1);
      d.set(R.QUEUE_READY, 1);
      expect(d.needsReset()).toBe(true);
    }
  });

  it('accepts rings that overlap each other (the driver’s business), touching only RAM', () => {
    const d = rng();
    d.set(R.STATUS, 3);
    d.set(R.DRIVER_FEATURES_SEL, 1);
    d.set(R.DRIVER_FEATURES, 1);
    d.set(R.STATUS, 3 | 8);
    d.set(R.QUEUE_SEL, 0);
    d.set(R.QUEUE_NUM, 8);
    for (const reg of [R.QUEUE_DESC_LOW, R.QUEUE_DRIVER_LOW, R.QUEUE_DEVICE_LOW])
      d.set(reg, RAM_BASE);
    d.set(R.QUEUE_READY, 1);
    d.set(R.STATUS, 15);
    d.notify(0);
    expect(d.guardsIntact()).toBe(true);
  });
});

describe('Virtqueue notifications and interrupts', () => {
  it('writes avail_event after taking chains (event index)', () => {
    const { d } = started();
    d.submit(0, [{ write: 4 }]);
    d.submit(0, [{ write: 4 }]);
    d.notify(0);
    expect(d.peek16(d.ring(0).used + 4 + 8 * 8)).toBe(2);
  });

  it('interrupts only when used_event is crossed (event index)', () => {
    const { d } = started();
    const usedEvent = d.ring(0).avail + 4 + 2 * 8;
    d.submit(0, [{ write: 4 }]);
    d.notify(0); // the first interrupt is unconditional
    expect(d.transport.statistics().interrupts).toBe(1);
    d.set(R.INTERRUPT_ACK, 1);
    d.poke16(usedEvent, 5); // "interrupt me when used.idx passes 5"
    d.submit(0, [{ write: 4 }]);
    d.notify(0); // used.idx = 2
    expect(d.transport.statistics().interrupts).toBe(1);
    for (let i = 0; i < 4; i++) d.submit(0, [{ write: 4 }]);
    d.notify(0); // used.idx 2 → 6 crosses 5
    expect(d.transport.statistics().interrupts).toBe(2);
    expect(d.irq.level).toBe(true);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without the event index', () => {
    const { d } = started(featureBit(VIRTIO_F.VERSION_1));
    d.poke16(d.ring(0).avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    d.submit(0, [{ write: 4 }]);
    d.notify(0);
    expect(d.used(0)).toHaveLength(1);
    expect(d.irq.level).toBe(false);
    d.poke16(d.ring(0).avail, 0);
    d.submit(0, [{ write: 4 }]);
    d.notify(0);
    expect(d.irq.level).toBe(true);
  });

  it('wraps the 16-bit indexes', () => {
    const d = new TestDriver(new VirtioBlk({ backend: new MemoryBlockBackend(4096) }), {
      queueSize: 4,
    });
    d.start();
    for (let i = 0; i < 70_000; i += 1) {
      const h = new Uint8Array(16);
      h[0] = 8;
      d.submit(0, [{ read: h }, { write: 1 }]);
      if (i % 3 === 0 || i === 69_999) d.notify(0);
      d.used(0);
      if (i % 1000 === 0) (d as unknown as { nextBuffer: number }).nextBuffer = RAM_BASE + 0x40000;
    }
    expect(d.needsReset()).toBe(false);
    expect(d.transport.statistics().requests).toBe(70_000);
  });
});
