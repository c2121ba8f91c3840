/**
 * The virtio entropy device (VIRTIO 1.2 §5.4): one queue the device fills with random bytes.
 *
 * @module
 */
import { DeviceError } from '../errors.js';
import { SnapshotReader } from '../validate.js';
import { VIRTIO_ID } from './constants.js';
import { VirtioDeviceBase } from './device.js';

/** Entries of the request queue (QEMU's virtio-rng queue size). */
export const VIRTIO_RNG_QUEUE_SIZE = 8;

/** Options of {@link VirtioRng}. */
export interface VirtioRngOptions {
  /**
   * `'seeded'` (the default): bytes from a deterministic generator (xoshiro128**) started
   * from {@link VirtioRngOptions.seed}, so that a run repeats exactly; `'host'`: the host's
   * cryptographic generator (`crypto.getRandomValues`), different on every run.
   */
  readonly source?: 'seeded' | 'host';
  /** Seed of the deterministic generator: an unsigned 32-bit integer (0 by default). */
  readonly seed?: number;
}

/** The device's state as plain data: the generator's four words. */
export interface VirtioRngSnapshot {
  readonly state: readonly number[];
}

/**
 * A virtio-rng device: every device-writable buffer chain the driver makes available is filled
 * during the notification (up to 64 KiB of it; the used length says how much). Seeded by default (deterministic, and carried in
 * snapshots, so a restored machine goes on with the same bytes); host entropy on request.
 *
 * @example
 * ```ts
 * import { VirtioRng } from '@trapeze/devices';
 *
 * const a = new VirtioRng({ seed: 7 });
 * const b = new VirtioRng({ seed: 7 });
 * a.next() === b.next(); // → true
 * ```
 */
export class VirtioRng extends VirtioDeviceBase {
  readonly kind = 'virtio-rng';
  readonly deviceId = VIRTIO_ID.ENTROPY;
  readonly features = 0n;
  readonly queueSizes = [VIRTIO_RNG_QUEUE_SIZE];
  /** Where the bytes come from. */
  readonly source: 'seeded' | 'host';
  private readonly s = new Uint32Array(4);

  constructor(options: VirtioRngOptions = {}) {
    super();
    this.source = options.source ?? 'seeded';
    if (this.source !== 'seeded' && this.source !== 'host')
      throw new DeviceError('BAD_OPTION', this.kind, `source must be "seeded" or "host"`);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
      throw new DeviceError(
        'BAD_OPTION',
        this.kind,
        `seed ${seed} must be an unsigned 32-bit integer`,
      );
    // SplitMix32 spreads the seed over the four words (never all zero).
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e37_79b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** The next 32-bit word of the seeded generator (xoshiro128**). */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5), 7), 9) >>> 0;
    const t = (s[1] as number) << 9;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  process(queue: number): void {
    for (const chain of this.chains(queue)) {
      const bytes = this.bytes(Math.min(chain.writableLength, MAX_REQUEST));
      const written = chain.scatter(this.context.memory, 0, bytes);
      this.context.push(queue, chain, written, 0);
    }
  }

  /** `length` random bytes from the chosen source. */
  private bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (this.source === 'host') {
      for (let at = 0; at < length; at += 65536)
        globalThis.crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
      return out;
    }
    for (let i = 0; i < length; i += 4) {
      const word = this.next();
      for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return out;
  }

  override snapshot(): VirtioRngSnapshot {
    return { state: [...this.s] };
  }

  override restore(snapshot: unknown): void {
    const state = new SnapshotReader(this.kind, snapshot).ints('state', 4, 4, 0xffff_ffff);
    this.s.set(state);
  }
}

/** Most bytes given for one buffer chain (a driver asking for more gets this many). */
const MAX_REQUEST = 65536;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
