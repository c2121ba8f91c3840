/**
 * The virtio block device (VIRTIO 1.2 §5.2): one request queue; read, write, flush and get-id.
 *
 * @module
 */
import { DeviceError } from '../errors.js';
import { type BlockBackend, SECTOR_SIZE } from './block-backend.js';
import { featureBit, VIRTIO_ID } from './constants.js';
import { VirtioDeviceBase } from './device.js';
import type { DescriptorChain } from './virtqueue.js';

/** virtio-blk feature bits (VIRTIO 1.2 §5.2.3). */
export const VIRTIO_BLK_F = {
  /** `size_max`: the largest single buffer. */
  SIZE_MAX: 1,
  /** `seg_max`: the most buffers in a request. */
  SEG_MAX: 2,
  /** The disk is read-only. */
  RO: 5,
  /** `blk_size`: the logical block size. */
  BLK_SIZE: 6,
  /** The flush command. */
  FLUSH: 9,
} as const;

/** Request types (VIRTIO 1.2 §5.2.6). */
export const VIRTIO_BLK_T = {
  IN: 0,
  OUT: 1,
  FLUSH: 4,
  GET_ID: 8,
} as const;

/** Request status values written in a request's last byte. */
export const VIRTIO_BLK_S = {
  OK: 0,
  IOERR: 1,
  UNSUPP: 2,
} as const;

/** Bytes of a request header: type, reserved, sector. */
const HEADER = 16;
/** Bytes of a GET_ID answer. */
const ID_BYTES = 20;
/** Entries of the request queue (QEMU's virtio-blk queue size). */
export const VIRTIO_BLK_QUEUE_SIZE = 256;
/** `seg_max`: data buffers per request (the queue size less header and status, as QEMU). */
const SEG_MAX = VIRTIO_BLK_QUEUE_SIZE - 2;

/** Options of {@link VirtioBlk}. */
export interface VirtioBlkOptions {
  /** The disk's storage. */
  readonly backend: BlockBackend;
  /** The answer to GET_ID: up to 20 bytes of ASCII (QEMU's `serial=`); empty by default. */
  readonly serial?: string;
}

/** Counts of a block device's requests. */
export interface VirtioBlkStatistics {
  readonly reads: number;
  readonly writes: number;
  readonly flushes: number;
  /** Requests answered with `VIRTIO_BLK_S_IOERR` or `VIRTIO_BLK_S_UNSUPP`. */
  readonly failed: number;
}

/**
 * A virtio block device: requests on queue 0 are served during the driver's notification from
 * its {@link BlockBackend}. Reads and writes must be whole sectors inside the disk, else
 * `VIRTIO_BLK_S_IOERR` (as QEMU); a write to a read-only disk is `VIRTIO_BLK_S_IOERR`; an
 * unknown type is `VIRTIO_BLK_S_UNSUPP`; a request without its 16-byte header or its status
 * byte puts the device in `DEVICE_NEEDS_RESET` (QEMU: "missing headers"). A host I/O failure is
 * `VIRTIO_BLK_S_IOERR` to the guest. The used length is the whole device-writable part, as QEMU.
 *
 * Features: `VIRTIO_BLK_F_SEG_MAX`, `VIRTIO_BLK_F_BLK_SIZE` (512), `VIRTIO_BLK_F_FLUSH`, and
 * `VIRTIO_BLK_F_RO` for a read-only backend. Configuration: `capacity` (sectors), `seg_max`,
 * `blk_size`, `num_queues` (1).
 */
export class VirtioBlk extends VirtioDeviceBase {
  readonly kind = 'virtio-blk';
  readonly deviceId = VIRTIO_ID.BLOCK;
  readonly features: bigint;
  readonly queueSizes = [VIRTIO_BLK_QUEUE_SIZE];
  /** The disk's storage. */
  readonly backend: BlockBackend;
  private readonly id: Uint8Array;
  private readonly idLength: number;
  private readonly counts = { reads: 0, writes: 0, flushes: 0, failed: 0 };

  constructor(options: VirtioBlkOptions) {
    super();
    this.backend = options.backend;
    const serial = options.serial ?? '';
    if (serial.length > ID_BYTES || !/^[\x20-\x7e]*$/.test(serial))
      throw new DeviceError(
        'BAD_OPTION',
        this.kind,
        `serial ${JSON.stringify(serial)} must be at most ${ID_BYTES} printable ASCII characters`,
      );
    this.id = new Uint8Array(ID_BYTES);
    for (let i = 0; i < serial.length; i++) this.id[i] = serial.charCodeAt(i);
    this.idLength = Math.min(serial.length + 1, ID_BYTES);
    this.features =
      featureBit(VIRTIO_BLK_F.SEG_MAX) |
      featureBit(VIRTIO_BLK_F.BLK_SIZE) |
      featureBit(VIRTIO_BLK_F.FLUSH) |
      (this.backend.readOnly ? featureBit(VIRTIO_BLK_F.RO) : 0n);
    const config = new Uint8Array(36);
    const view = new DataView(config.buffer);
    const sectors = Math.floor(this.backend.size / SECTOR_SIZE);
    view.setUint32(0, sectors >>> 0, true);
    view.setUint32(4, Math.floor(sectors / 0x1_0000_0000), true);
    view.setUint32(12, SEG_MAX, true);
    view.setUint32(20, SECTOR_SIZE, true);
    view.setUint16(34, 1, true);
    this.configBytes = config;
  }

  /** Requests served since the device was made. */
  statistics(): VirtioBlkStatistics {
    return { ...this.counts };
  }

  process(queue: number): void {
    for (const chain of this.chains(queue)) {
      if (chain.readableLength < HEADER || chain.writableLength < 1) {
        this.context.fail(
          `virtio-blk request at head ${chain.head} lacks its ${HEADER}-byte header or status byte`,
        );
        return;
      }
      const [status, read] = this.serve(chain);
      const memory = this.context.memory;
      chain.scatter(memory, chain.writableLength - 1, new Uint8Array([status]));
      if (status !== VIRTIO_BLK_S.OK) this.counts.failed++;
      this.context.push(queue, chain, chain.writableLength, read);
    }
  }

  /** Serves one request: its status and the payload bytes read from the guest. */
  private serve(chain: DescriptorChain): [number, number] {
    const memory = this.context.memory;
    const header = new DataView(chain.gather(memory, 0, HEADER).buffer);
    const type = header.getUint32(0, true);
    const sector = header.getUint32(8, true) + header.getUint32(12, true) * 0x1_0000_0000;
    try {
      switch (type) {
        case VIRTIO_BLK_T.IN: {
          const length = chain.writableLength - 1;
          if (!this.inDisk(sector, length)) return [VIRTIO_BLK_S.IOERR, 0];
          const data = new Uint8Array(length);
          this.backend.read(sector * SECTOR_SIZE, data);
          chain.scatter(memory, 0, data);
          this.counts.reads++;
          return [VIRTIO_BLK_S.OK, 0];
        }
        case VIRTIO_BLK_T.OUT: {
          const length = chain.readableLength - HEADER;
          if (!this.inDisk(sector, length) || this.backend.readOnly) return [VIRTIO_BLK_S.IOERR, 0];
          this.backend.write(sector * SECTOR_SIZE, chain.gather(memory, HEADER, length));
          this.counts.writes++;
          return [VIRTIO_BLK_S.OK, length];
        }
        case VIRTIO_BLK_T.FLUSH:
          this.backend.flush();
          this.counts.flushes++;
          return [VIRTIO_BLK_S.OK, 0];
        case VIRTIO_BLK_T.GET_ID:
          // The serial and its NUL (none for a 20-byte serial), as much as fits, as QEMU.
          chain.scatter(
            memory,
            0,
            this.id.subarray(0, Math.min(this.idLength, chain.writableLength - 1)),
          );
          return [VIRTIO_BLK_S.OK, 0];
        default:
          return [VIRTIO_BLK_S.UNSUPP, 0];
      }
    } catch {
      // A host I/O failure (a vanished file, a full disk): an I/O error for the guest.
      return [VIRTIO_BLK_S.IOERR, 0];
    }
  }

  /** Whether `length` bytes from `sector` are whole sectors inside the disk. */
  private inDisk(sector: number, length: number): boolean {
    return (
      length % SECTOR_SIZE === 0 &&
      Number.isSafeInteger(sector) &&
      sector * SECTOR_SIZE + length <= this.backend.size
    );
  }
}
