/**
 * A virtio-blk disk in a raw image file on the host (Node only: `@trapeze/devices/node`).
 *
 * @module
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { DeviceError } from '../errors.js';
import { type BlockBackend, checkSize } from '../virtio/block-backend.js';

/** Options of {@link FileBlockBackend}. */
export interface FileBlockBackendOptions {
  /** Open the file read-only and refuse the guest's writes (QEMU's `readonly=on`). */
  readonly readOnly?: boolean;
}

/**
 * A raw disk image file (QEMU's `format=raw`). Writes go to the file as the guest makes them
 * (`pwrite`, one call per request, each sector inside one page of the host's cache, so a
 * killed host process never leaves a sector half written); a guest flush calls `fsync` before
 * it is acknowledged, so every write acknowledged before a completed flush survives the host
 * process being killed (and the host losing power, as far as its disk honours `fsync`).
 *
 * @throws {@link DeviceError} `BAD_BACKEND` when the file is missing, is not a regular file,
 *   cannot be opened for writing (unless `readOnly`), or is not a whole number of sectors.
 */
export class FileBlockBackend implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  /** The image's path. */
  readonly path: string;
  private fd: number;

  constructor(path: string, options: FileBlockBackendOptions = {}) {
    this.path = path;
    this.readOnly = options.readOnly ?? false;
    try {
      this.fd = openSync(path, this.readOnly ? 'r' : 'r+');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
            ? `cannot be opened ${this.readOnly ? 'for reading' : 'for writing (give readonly=on to use it read-only)'}`
            : code === 'EISDIR'
              ? 'is a directory'
              : `cannot be opened (${code ?? (error as Error).message})`;
      throw new DeviceError('BAD_BACKEND', 'virtio-blk', `disk image ${path} ${why}`);
    }
    const stat = fstatSync(this.fd);
    if (!stat.isFile()) {
      closeSync(this.fd);
      throw new DeviceError(
        'BAD_BACKEND',
        'virtio-blk',
        `disk image ${path} is not a regular file`,
      );
    }
    try {
      checkSize(stat.size, `disk image ${path}`);
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
    this.size = stat.size;
  }

  read(offset: number, target: Uint8Array): void {
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, target.length - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: the image ended at ${offset + done}`);
      done += n;
    }
  }

  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length)
      done += writeSync(this.fd, data, done, data.length - done, offset + done);
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
