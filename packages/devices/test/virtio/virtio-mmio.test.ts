import { describe, expect, it } from 'vitest';
import { MemoryBlockBackend } from '../../src/virtio/block-backend.js';
import {
  featureBit,
  VIRTIO_MMIO as R,
  VIRTIO_STATUS as S,
  VIRTIO_F,
  VIRTIO_MMIO_INT,
} from '../../src/virtio/constants.js';
import { VIRTIO_BLK_F, VirtioBlk } from '../../src/virtio/virtio-blk.js';
import { VirtioRng } from '../../src/virtio/virtio-rng.js';
import { RAM_BASE, TestDriver } from '../support/virtio-driver.js';

const blk = (sectors = 16) => new VirtioBlk({ backend: new MemoryBlockBackend(sectors * 512) });

function getId(d: TestDriver): number {
  const { head } = d.submit(0, [{ read: header(8, 0) }, { write: 20 }, { write: 1 }]);
  return head;
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setUint32(8, sector, true);
  return h;
}

describe('VirtioMmio registers', () => {
  it('identifies a modern transport with QEMU vendor and the device', () => {
    const d = new TestDriver(blk());
    expect(d.get(R.MAGIC_VALUE)).toBe(0x7472_6976);
    expect(d.get(R.VERSION)).toBe(2);
    expect(d.get(R.DEVICE_ID)).toBe(2);
    expect(d.get(R.VENDOR_ID)).toBe(0x554d_4551);
    expect(d.get(R.SHM_LEN_LOW)).toBe(0xffff_ffff);
    expect(d.get(R.SHM_LEN_HIGH)).toBe(0xffff_ffff);
  });

  it('offers ring features and device features in two words; other selectors read 0', () => {
    const d = new TestDriver(blk());
    const f = d.offered();
    expect(f & featureBit(VIRTIO_F.VERSION_1)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_F.RING_INDIRECT_DESC)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_F.RING_EVENT_IDX)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_BLK_F.FLUSH)).not.toBe(0n);
    expect(f & featureBit(VIRTIO_BLK_F.RO)).toBe(0n);
    d.set(R.DEVICE_FEATURES_SEL, 2);
    expect(d.get(R.DEVICE_FEATURES)).toBe(0);
  });

  it('reads 0 and ignores writes of registers accessed with another width (as QEMU)', () => {
    const d = new TestDriver(blk());
    expect(d.transport.read(R.MAGIC_VALUE, 2)).toBe(0);
    expect(d.transport.read(R.MAGIC_VALUE, 1)).toBe(0);
    d.transport.write(R.STATUS, 1, S.ACKNOWLEDGE);
    expect(d.get(R.STATUS)).toBe(0);
  });

  it('reads configuration space at any width, little-endian; past its end all ones', () => {
    const d = new TestDriver(blk(0x1_0001));
    expect(d.transport.read(R.CONFIG, 4)).toBe(0x1_0001);
    expect(d.transport.read(R.CONFIG, 2)).toBe(0x0001);
    expect(d.transport.read(R.CONFIG + 2, 1)).toBe(1);
    expect(d.transport.read(R.CONFIG + 4, 4)).toBe(0);
    expect(d.transport.read(R.CONFIG + 20, 4)).toBe(512); // blk_size
    expect(d.transport.read(R.CONFIG + 36, 4)).toBe(0xffff_ffff);
    expect(d.transport.read(R.CONFIG + 35, 2)).toBe(0xffff);
    expect(d.transport.read(R.CONFIG + 0xff, 1)).toBe(0xff);
  });

  it('reports QueueNumMax per queue and 0 for a queue that does not exist', () => {
    const d = new TestDriver(blk());
    d.set(R.QUEUE_SEL, 0);
    expect(d.get(R.QUEUE_NUM_MAX)).toBe(256);
    d.set(R.QUEUE_SEL, 1);
    expect(d.get(R.QUEUE_NUM_MAX)).toBe(0);
    d.set(R.QUEUE_READY, 1);
    expect(d.get(R.QUEUE_READY)).toBe(0);
  });

  it('refuses FEATURES_OK without VERSION_1 and masks features it does not offer', () => {
    const d = new TestDriver(blk());
    expect(() => d.start(featureBit(VIRTIO_BLK_F.FLUSH))).toThrow('features refused');
    const e = new TestDriver(blk());
    e.start(featureBit(VIRTIO_F.VERSION_1) | featureBit(50));
    expect(e.get(R.STATUS) & S.DRIVER_OK).toBe(S.DRIVER_OK);
  });

  it('ignores driver features written after FEATURES_OK', () => {
    const d = new TestDriver(blk());
    d.start(featureBit(VIRTIO_F.VERSION_1));
    d.set(R.DRIVER_FEATURES_SEL, 0);
    d.set(R.DRIVER_FEATURES, 1 << VIRTIO_F.RING_INDIRECT_DESC);
    // An indirect chain is a protocol error: the feature was never negotiated.
    d.submit(0, [{ read: header(8, 0) }, { write: 20 }, { write: 1 }], true);
    d.notify(0);
    expect(d.needsReset()).toBe(true);
  });

  it('serves a request, raises its line and lowers it on InterruptACK', () => {
    const d = new TestDriver(blk());
    d.start();
    const head = getId(d);
    expect(d.irq.level).toBe(false);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: head, len: 21 }]);
    expect(d.get(R.INTERRUPT_STATUS)).toBe(VIRTIO_MMIO_INT.VRING);
    expect(d.irq.level).toBe(true);
    d.set(R.INTERRUPT_ACK, VIRTIO_MMIO_INT.VRING);
    expect(d.get(R.INTERRUPT_STATUS)).toBe(0);
    expect(d.irq.level).toBe(false);
    expect(d.transport.statistics()).toMatchObject({
      notifications: 1,
      interrupts: 1,
      requests: 1,
    });
  });

  it('serves nothing before DRIVER_OK, then everything available when it is set', () => {
    const d = new TestDriver(blk());
    d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER);
    d.set(R.DRIVER_FEATURES_SEL, 1);
    d.set(R.DRIVER_FEATURES, 1);
    d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK);
    d.setupQueue(0);
    getId(d);
    d.notify(0);
    expect(d.used(0)).toEqual([]);
    d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK);
    expect(d.used(0)).toHaveLength(1);
  });

  it('takes queue size and addresses written while ready at the next enabling (as QEMU)', () => {
    const d = new TestDriver(blk());
    d.start();
    d.set(R.QUEUE_SEL, 0);
    d.set(R.QUEUE_DESC_LOW, 0x1234_5670);
    expect(d.get(R.QUEUE_DESC_LOW)).toBe(0x1234_5670);
    // The queue goes on with the rings it was enabled with.
    const head = getId(d);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: head, len: 21 }]);
    // Enabling again takes the new (bad) address: DEVICE_NEEDS_RESET.
    d.set(R.QUEUE_READY, 1);
    expect(d.needsReset()).toBe(true);
  });

  it('resets on Status 0: queues, features, status, interrupt', () => {
    const d = new TestDriver(blk());
    d.start();
    getId(d);
    d.notify(0);
    expect(d.irq.level).toBe(true);
    d.set(R.STATUS, 0);
    expect(d.get(R.STATUS)).toBe(0);
    expect(d.get(R.INTERRUPT_STATUS)).toBe(0);
    expect(d.irq.level).toBe(false);
    d.set(R.QUEUE_SEL, 0);
    expect(d.get(R.QUEUE_READY)).toBe(0);
    // And it works again after a new handshake.
    d.start();
    const head = getId(d);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: head, len: 21 }]);
  });

  it('restores a snapshot into a fresh transport that goes on alike', () => {
    const d = new TestDriver(new VirtioRng({ seed: 3 }));
    d.start();
    d.submit(0, [{ write: 8 }]);
    d.notify(0);
    const saved = JSON.parse(JSON.stringify(d.transport.snapshot()));
    const e = new TestDriver(new VirtioRng({ seed: 99 }));
    e.adopt(d);
    e.transport.restore(saved);
    expect(e.transport.snapshot()).toEqual(d.transport.snapshot());
    expect(e.irq.level).toBe(true);
    // The same next request gets the same bytes: the generator's state came along.
    const out: Uint8Array[] = [];
    for (const x of [d, e]) {
      const { addresses } = x.submit(0, [{ write: 16 }]);
      x.notify(0);
      out.push(x.bytes(addresses[0] as number, 16));
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[0]?.some((b) => b !== 0)).toBe(true);
  });

  it('refuses a snapshot with a ready queue whose rings are outside RAM, changing nothing', () => {
    const d = new TestDriver(blk());
    d.start();
    const good = d.transport.snapshot();
    const bad = JSON.parse(JSON.stringify(good));
    bad.queues[0].addresses[0] = 0x1000;
    expect(() => d.transport.restore(bad)).toThrow(/addresses of a ready queue/);
    expect(d.transport.snapshot()).toEqual(good);
    const wrong = JSON.parse(JSON.stringify(good));
    wrong.queues = [];
    expect(() => d.transport.restore(wrong)).toThrow(/queues/);
  });

  it('keeps RAM base addresses in 32 bits: a high word puts a ring outside RAM', () => {
    const d = new TestDriver(blk());
    d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER);
    d.set(R.QUEUE_SEL, 0);
    d.set(R.QUEUE_NUM, 8);
    d.set(R.QUEUE_DESC_LOW, RAM_BASE);
    d.set(R.QUEUE_DESC_HIGH, 1);
    d.set(R.QUEUE_DRIVER_LOW, RAM_BASE + 0x1000);
    d.set(R.QUEUE_DEVICE_LOW, RAM_BASE + 0x2000);
    d.set(R.QUEUE_READY, 1);
    expect(d.get(R.QUEUE_READY)).toBe(0);
    expect(d.needsReset()).toBe(true);
  });
});
