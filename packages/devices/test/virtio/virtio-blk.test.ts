import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { FileBlockBackend } from '../../src/node/file-block-backend.js';
import {
  type BlockBackend,
  CowBlockBackend,
  MemoryBlockBackend,
} from '../../src/virtio/block-backend.js';
import { featureBit, VIRTIO_MMIO as R } from '../../src/virtio/constants.js';
import {
  VIRTIO_BLK_F,
  VIRTIO_BLK_S,
  VIRTIO_BLK_T,
  VirtioBlk,
} from '../../src/virtio/virtio-blk.js';
import { TestDriver } from '../support/virtio-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'trapeze-blk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setUint32(8, sector >>> 0, true);
  v.setUint32(12, Math.floor(sector / 2 ** 32), true);
  return h;
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** A started driver of a block device over `backend`. */
function disk(backend: BlockBackend = new MemoryBlockBackend(64 * 512), serial?: string) {
  const d = new TestDriver(new VirtioBlk({ backend, ...(serial === undefined ? {} : { serial }) }));
  d.start();
  return d;
}

/** Submits one request and returns [status, used length, addresses]. */
function request(d: TestDriver, parts: Parameters<TestDriver['submit']>[1], indirect = false) {
  const { head, addresses } = d.submit(0, parts, indirect);
  d.notify(0);
  const used = d.used(0);
  expect(used.map((u) => u.id)).toEqual([head]);
  // The status is the last byte of the last (writable) buffer.
  const last = parts[parts.length - 1] as { write: number };
  const statusAddress = (addresses[addresses.length - 1] as number) + last.write - 1;
  return { status: d.bytes(statusAddress, 1)[0], len: used[0]?.len, addresses };
}

describe('VirtioBlk', () => {
  it('describes the disk in its configuration space', () => {
    const d = disk(new MemoryBlockBackend(1000 * 512));
    expect(d.transport.read(R.CONFIG, 4)).toBe(1000);
    expect(d.transport.read(R.CONFIG + 12, 4)).toBe(254); // seg_max
    expect(d.transport.read(R.CONFIG + 20, 4)).toBe(512); // blk_size
    expect(d.transport.read(R.CONFIG + 34, 2)).toBe(1); // num_queues
  });

  it('writes sectors, reads them back, through direct and indirect chains', () => {
    const backend = new MemoryBlockBackend(64 * 512);
    const d = disk(backend);
    const data = pattern(1024, 7);
    const w = request(d, [{ read: header(VIRTIO_BLK_T.OUT, 3) }, { read: data }, { write: 1 }]);
    expect([w.status, w.len]).toEqual([VIRTIO_BLK_S.OK, 1]);
    expect(backend.bytes.slice(3 * 512, 5 * 512)).toEqual(data);
    for (const indirect of [false, true]) {
      const r = request(
        d,
        [{ read: header(VIRTIO_BLK_T.IN, 3) }, { write: 512 }, { write: 512 }, { write: 1 }],
        indirect,
      );
      expect([r.status, r.len]).toEqual([VIRTIO_BLK_S.OK, 1025]);
      expect(d.bytes(r.addresses[1] as number, 512)).toEqual(data.slice(0, 512));
      expect(d.bytes(r.addresses[2] as number, 512)).toEqual(data.slice(512));
    }
    expect(d.device.statistics()).toEqual({ reads: 2, writes: 1, flushes: 0, failed: 0 });
  });

  it('takes a header split over buffers (any layout)', () => {
    const backend = new MemoryBlockBackend(8 * 512);
    backend.bytes.set(pattern(512, 1), 512);
    const d = disk(backend);
    const h = header(VIRTIO_BLK_T.IN, 1);
    const r = request(d, [{ read: h.slice(0, 5) }, { read: h.slice(5) }, { write: 513 }]);
    expect(r.status).toBe(VIRTIO_BLK_S.OK);
    expect(d.bytes(r.addresses[2] as number, 512)).toEqual(pattern(512, 1));
  });

  it('answers IOERR for requests past the end, partial sectors and writes to a read-only disk', () => {
    const d = disk(new MemoryBlockBackend(8 * 512));
    const cases = [
      [header(VIRTIO_BLK_T.IN, 8), 512],
      [header(VIRTIO_BLK_T.IN, 7), 1024],
      [header(VIRTIO_BLK_T.IN, 2 ** 53), 512],
      [header(VIRTIO_BLK_T.IN, 0), 100],
    ] as const;
    for (const [h, n] of cases) expect(request(d, [{ read: h }, { write: n + 1 }]).status).toBe(1);
    expect(
      request(d, [
        { read: header(VIRTIO_BLK_T.OUT, 0) },
        { read: new Uint8Array(10) },
        { write: 1 },
      ]).status,
    ).toBe(1);
    // Zero sectors at the very end are fine (as QEMU).
    expect(request(d, [{ read: header(VIRTIO_BLK_T.IN, 8) }, { write: 1 }]).status).toBe(0);
    const ro = disk(new MemoryBlockBackend(8 * 512, { readOnly: true }));
    expect(ro.offered() & featureBit(VIRTIO_BLK_F.RO)).not.toBe(0n);
    const w = request(ro, [
      { read: header(VIRTIO_BLK_T.OUT, 0) },
      { read: new Uint8Array(512) },
      { write: 1 },
    ]);
    expect(w.status).toBe(VIRTIO_BLK_S.IOERR);
    expect(ro.device.statistics().failed).toBe(1);
  });

  it('answers UNSUPP for an unknown type, and GET_ID with the serial and its NUL', () => {
    const d = disk(new MemoryBlockBackend(8 * 512), 'trapeze-disk-1');
    expect(request(d, [{ read: header(99, 0) }, { write: 1 }]).status).toBe(VIRTIO_BLK_S.UNSUPP);
    const id = request(d, [{ read: header(VIRTIO_BLK_T.GET_ID, 0) }, { write: 21 }]);
    expect(id.status).toBe(0);
    expect(new TextDecoder().decode(d.bytes(id.addresses[1] as number, 15))).toBe(
      'trapeze-disk-1\0',
    );
    expect(
      () => new VirtioBlk({ backend: new MemoryBlockBackend(512), serial: 'x'.repeat(21) }),
    ).toThrow(DeviceError);
  });

  it('needs a reset for a request without its header or status byte (as QEMU)', () => {
    for (const parts of [
      [{ read: new Uint8Array(8) }, { write: 1 }],
      [{ read: header(0, 0) }],
    ] as const) {
      const d = disk();
      d.submit(0, parts);
      d.notify(0);
      expect(d.used(0)).toEqual([]);
      expect(d.needsReset()).toBe(true);
    }
  });

  it('writes a raw image file in place, flushes it, and refuses bad images at start-up', () => {
    const path = join(dir, 'disk.img');
    writeFileSync(path, new Uint8Array(16 * 512));
    const backend = new FileBlockBackend(path);
    const d = disk(backend);
    request(d, [{ read: header(VIRTIO_BLK_T.OUT, 2) }, { read: pattern(512, 9) }, { write: 1 }]);
    expect(request(d, [{ read: header(VIRTIO_BLK_T.FLUSH, 0) }, { write: 1 }]).status).toBe(0);
    expect(readFileSync(path).subarray(1024, 1536)).toEqual(Buffer.from(pattern(512, 9)));
    const r = request(d, [{ read: header(VIRTIO_BLK_T.IN, 2) }, { write: 513 }]);
    expect(d.bytes(r.addresses[1] as number, 512)).toEqual(pattern(512, 9));
    backend.close();
    expect(() => new FileBlockBackend(join(dir, 'missing.img'))).toThrow(/does not exist/);
    writeFileSync(join(dir, 'short.img'), new Uint8Array(1000));
    expect(() => new FileBlockBackend(join(dir, 'short.img'))).toThrow(
      /whole number of 512-byte sectors/,
    );
    writeFileSync(join(dir, 'empty.img'), new Uint8Array(0));
    expect(() => new FileBlockBackend(join(dir, 'empty.img'))).toThrow(/positive whole number/);
    expect(() => new FileBlockBackend(dir)).toThrow(/directory|regular file/);
    const ro = join(dir, 'ro.img');
    writeFileSync(ro, new Uint8Array(512));
    chmodSync(ro, 0o444);
    if (process.getuid?.() !== 0) expect(() => new FileBlockBackend(ro)).toThrow(/readonly=on/);
    const readOnly = new FileBlockBackend(ro, { readOnly: true });
    expect(readOnly.readOnly).toBe(true);
    readOnly.close();
  });

  it('answers IOERR when the host fails, without throwing', () => {
    const path = join(dir, 'closing.img');
    writeFileSync(path, new Uint8Array(8 * 512));
    const backend = new FileBlockBackend(path);
    const d = disk(backend);
    backend.close();
    expect(request(d, [{ read: header(VIRTIO_BLK_T.IN, 0) }, { write: 513 }]).status).toBe(
      VIRTIO_BLK_S.IOERR,
    );
    expect(request(d, [{ read: header(VIRTIO_BLK_T.FLUSH, 0) }, { write: 1 }]).status).toBe(
      VIRTIO_BLK_S.IOERR,
    );
  });

  it('keeps the base image of a copy-on-write overlay unchanged', () => {
    const path = join(dir, 'base.img');
    const original = pattern(16 * 512, 3);
    writeFileSync(path, original);
    const cow = new CowBlockBackend(new FileBlockBackend(path, { readOnly: true }));
    const d = disk(cow);
    expect(d.offered() & featureBit(VIRTIO_BLK_F.RO)).toBe(0n);
    request(d, [{ read: header(VIRTIO_BLK_T.OUT, 7) }, { read: pattern(1024, 200) }, { write: 1 }]);
    request(d, [{ read: header(VIRTIO_BLK_T.FLUSH, 0) }, { write: 1 }]);
    const r = request(d, [{ read: header(VIRTIO_BLK_T.IN, 6) }, { write: 3 * 512 + 1 }]);
    const expected = original.slice(6 * 512, 9 * 512);
    expected.set(pattern(1024, 200), 512);
    expect(d.bytes(r.addresses[1] as number, 3 * 512)).toEqual(expected);
    expect(new Uint8Array(readFileSync(path))).toEqual(original);
    expect(cow.chunksWritten).toBe(2); // 3.5 KiB…4.5 KiB spans two 4 KiB chunks
    cow.close();
  });
});
