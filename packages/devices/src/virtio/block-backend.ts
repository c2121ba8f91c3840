/**
 * Where a virtio-blk disk keeps its bytes: memory, or a copy-on-write overlay over another
 * backend (a raw image file is `FileBlockBackend` of `@trapeze/devices/node`).
 *
 * @module
 */
import { DeviceError } from '../errors.js';

/** Bytes per sector: the unit of virtio-blk's `sector` and `capacity`. */
export const SECTOR_SIZE = 512;

/**
 * A disk's storage. Offsets and lengths are whole sectors within {@link BlockBackend.size}
 * (the device checks before it calls). A host I/O failure throws; the device answers the
 * request with `VIRTIO_BLK_S_IOERR`.
 */
export interface BlockBackend {
  /** Size in bytes: a positive multiple of {@link SECTOR_SIZE}. */
  readonly size: number;
  /** Whether writes are refused (the device then offers `VIRTIO_BLK_F_RO`). */
  readonly readOnly: boolean;
  /** Fills `target` with the bytes at `offset`. */
  read(offset: number, target: Uint8Array): void;
  /** Writes `data` at `offset`. */
  write(offset: number, data: Uint8Array): void;
  /** Makes every completed write durable (the guest's flush). */
  flush(): void;
  /** Releases host resources (a file descriptor); the backend is not used afterwards. */
  close(): void;
}

/**
 * Checks a disk size: a positive whole number of sectors.
 *
 * @throws {@link DeviceError} `BAD_BACKEND` saying what (`what`) has the wrong size.
 * @internal
 */
export function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size <= 0 || size % SECTOR_SIZE !== 0)
    throw new DeviceError(
      'BAD_BACKEND',
      'virtio-blk',
      `${what} is ${size} bytes: a disk must be a positive whole number of ${SECTOR_SIZE}-byte sectors`,
    );
}

/**
 * A disk in host memory: the bytes given (used in place) or zeros of a size.
 *
 * @example
 * ```ts
 * import { MemoryBlockBackend } from '@trapeze/devices';
 *
 * const disk = new MemoryBlockBackend(8 * 512); // eight sectors of zeros
 * disk.write(512, new Uint8Array(512).fill(7));
 * disk.bytes[512]; // → 7
 * ```
 */
export class MemoryBlockBackend implements BlockBackend {
  /** The disk's bytes. */
  readonly bytes: Uint8Array;
  readonly readOnly: boolean;

  constructor(contents: number | Uint8Array, options: { readonly readOnly?: boolean } = {}) {
    const size = typeof contents === 'number' ? contents : contents.length;
    checkSize(size, 'the memory disk');
    this.bytes = typeof contents === 'number' ? new Uint8Array(contents) : contents;
    this.readOnly = options.readOnly ?? false;
  }

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, target: Uint8Array): void {
    target.set(this.bytes.subarray(offset, offset + target.length));
  }

  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }

  flush(): void {}

  close(): void {}
}

/** Bytes per copy-on-write chunk of {@link CowBlockBackend}. */
const CHUNK = 4096;

/**
 * A copy-on-write overlay (QEMU's `snapshot=on`): reads come from the base until a chunk is
 * written; written chunks live in host memory, so the base image is never modified. Flushes
 * succeed and change nothing durable.
 *
 * @example
 * ```ts
 * import { CowBlockBackend, MemoryBlockBackend } from '@trapeze/devices';
 *
 * const base = new MemoryBlockBackend(4096);
 * const disk = new CowBlockBackend(base);
 * disk.write(0, new Uint8Array(512).fill(9));
 * const sector = new Uint8Array(512);
 * disk.read(0, sector);
 * [sector[0], base.bytes[0]]; // → [9, 0]
 * ```
 */
export class CowBlockBackend implements BlockBackend {
  readonly readOnly = false;
  private readonly chunks = new Map<number, Uint8Array>();

  constructor(
    /** The image underneath, never written. */
    readonly base: BlockBackend,
  ) {}

  get size(): number {
    return this.base.size;
  }

  /** Chunks written so far (each {@link CowBlockBackend} chunk is 4 KiB). */
  get chunksWritten(): number {
    return this.chunks.size;
  }

  read(offset: number, target: Uint8Array): void {
    this.forChunks(offset, target.length, (chunk, at, n, done) => {
      const own = this.chunks.get(chunk);
      if (own !== undefined) target.set(own.subarray(at, at + n), done);
      else this.base.read(chunk * CHUNK + at, target.subarray(done, done + n));
    });
  }

  write(offset: number, data: Uint8Array): void {
    this.forChunks(offset, data.length, (chunk, at, n, done) => {
      let own = this.chunks.get(chunk);
      if (own === undefined) {
        own = new Uint8Array(Math.min(CHUNK, this.size - chunk * CHUNK));
        this.base.read(chunk * CHUNK, own);
        this.chunks.set(chunk, own);
      }
      own.set(data.subarray(done, done + n), at);
    });
  }

  flush(): void {}

  close(): void {
    this.base.close();
  }

  /** Calls `visit(chunk, offsetInChunk, bytes, doneSoFar)` for each chunk piece of a range. */
  private forChunks(
    offset: number,
    length: number,
    visit: (chunk: number, at: number, n: number, done: number) => void,
  ): void {
    let done = 0;
    while (done < length) {
      const position = offset + done;
      const chunk = Math.floor(position / CHUNK);
      const at = position % CHUNK;
      const n = Math.min(CHUNK - at, length - done);
      visit(chunk, at, n, done);
      done += n;
    }
  }
}
