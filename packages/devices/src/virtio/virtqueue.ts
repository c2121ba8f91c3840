/**
 * The split virtqueue (VIRTIO 1.2 §2.7) as the device side walks it: the available ring read,
 * descriptor chains (direct and indirect) gathered and checked, used entries written, and the
 * event-index rules for notifications and interrupts.
 *
 * @module
 */
import { VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F } from './constants.js';
import type { GuestMemory } from './guest-memory.js';

/** Largest queue size the transport accepts, and largest indirect table (QEMU's limit). */
export const VIRTQUEUE_MAX_SIZE = 1024;

/** A buffer of a descriptor chain: `length` bytes of guest RAM at guest-physical `address`. */
export interface BufferSegment {
  readonly address: number;
  readonly length: number;
}

/**
 * A guest error in a virtqueue that the device cannot recover from (VIRTIO 1.2 §2.1.2): the
 * transport sets `DEVICE_NEEDS_RESET` and stops the device until the driver resets it.
 */
export class VirtqueueError extends Error {
  override readonly name = 'VirtqueueError';
}

/**
 * A descriptor chain taken from the available ring: the buffers the device reads (in order),
 * then the buffers it writes. Every buffer lies in guest RAM (checked when the chain was taken).
 */
export class DescriptorChain {
  constructor(
    /** The chain's head: the descriptor index the used entry reports. */
    readonly head: number,
    /** Device-readable buffers, in chain order. */
    readonly readable: readonly BufferSegment[],
    /** Device-writable buffers, in chain order. */
    readonly writable: readonly BufferSegment[],
    /** Bytes in {@link DescriptorChain.readable}. */
    readonly readableLength: number,
    /** Bytes in {@link DescriptorChain.writable}. */
    readonly writableLength: number,
  ) {}

  /** Copies up to `length` readable bytes from byte `offset` of the chain's readable part. */
  gather(memory: GuestMemory, offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.readableLength - offset)));
    copySegments(this.readable, offset, out.length, (address, at, n) =>
      out.set(memory.bytes(address, n), at),
    );
    return out;
  }

  /**
   * Copies `data` into the chain's writable part from byte `offset` on (as much as fits);
   * returns the bytes written.
   */
  scatter(memory: GuestMemory, offset: number, data: Uint8Array): number {
    const length = Math.max(0, Math.min(data.length, this.writableLength - offset));
    copySegments(this.writable, offset, length, (address, at, n) =>
      memory.write(address, data.subarray(at, at + n)),
    );
    return length;
  }
}

/** Calls `copy(address, at, n)` for each piece of `length` bytes from `offset` of `segments`. */
function copySegments(
  segments: readonly BufferSegment[],
  offset: number,
  length: number,
  copy: (address: number, at: number, n: number) => void,
): void {
  let skip = offset;
  let done = 0;
  for (const segment of segments) {
    if (done >= length) return;
    if (skip >= segment.length) {
      skip -= segment.length;
      continue;
    }
    const n = Math.min(segment.length - skip, length - done);
    copy(segment.address + skip, done, n);
    done += n;
    skip = 0;
  }
}

/** A virtqueue's state as plain data. */
export interface VirtqueueSnapshot {
  readonly size: number;
  readonly ready: boolean;
  /** Descriptor table, driver (available) area, device (used) area: low and high words. */
  readonly addresses: readonly number[];
  /** `QueueNum` and the address registers as last written. */
  readonly requestedSize: number;
  readonly requested: readonly number[];
  readonly lastAvail: number;
  readonly usedIdx: number;
  readonly signalledUsed: number;
  readonly signalledValid: boolean;
}

/**
 * One split virtqueue of a device: its configuration as the driver wrote it through the
 * transport, and the device's side of the rings. Every ring access is checked against guest RAM
 * first; a malformed ring or chain throws a {@link VirtqueueError}.
 */
export class Virtqueue {
  /** The queue size in use (taken from {@link Virtqueue.requestedSize} when enabled). */
  size: number;
  /** `QueueReady`. */
  ready = false;
  /** Descriptor table, driver area, device area in use: low and high 32 bits each. */
  readonly addresses = [0, 0, 0, 0, 0, 0];
  /** `QueueNum` as the driver last wrote it; used from the next enabling on (as QEMU). */
  requestedSize: number;
  /** The address registers as the driver last wrote them; used from the next enabling on. */
  readonly requested = [0, 0, 0, 0, 0, 0];
  /** Index of the next available entry the device will take. */
  lastAvail = 0;
  /** The device's `used.idx`. */
  usedIdx = 0;
  /** `used.idx` when the device last interrupted (event index). */
  private signalledUsed = 0;
  private signalledValid = false;

  constructor(
    /** `QueueNumMax`. */
    readonly maxSize: number,
  ) {
    this.size = maxSize;
    this.requestedSize = maxSize;
  }

  /** Back to the reset state (VIRTIO 1.2 §4.2.3.1: a reset clears every queue). */
  reset(): void {
    this.size = this.maxSize;
    this.requestedSize = this.maxSize;
    this.ready = false;
    this.addresses.fill(0);
    this.requested.fill(0);
    this.lastAvail = 0;
    this.usedIdx = 0;
    this.signalledUsed = 0;
    this.signalledValid = false;
  }

  /**
   * Enables the queue with the size and addresses the driver wrote, once they pass
   * the ring checks (size a power of two up to the maximum, areas aligned in guest RAM); the
   * queue stays as it was otherwise.
   *
   * @throws {@link VirtqueueError} naming what is wrong.
   */
  enable(memory: GuestMemory): void {
    checkRings(memory, this.requestedSize, this.maxSize, this.requested);
    this.size = this.requestedSize;
    for (let i = 0; i < 6; i++) this.addresses[i] = this.requested[i] as number;
    this.ready = true;
  }

  /**
   * Takes the next available descriptor chain, or `undefined` when there is none. With the
   * event index, also writes `avail_event` so that the driver notifies at the next buffer.
   * The queue must have been enabled ({@link Virtqueue.enable}).
   *
   * @throws {@link VirtqueueError} for an available index more than the queue size ahead, a
   *   head or `next` outside the table, a loop, a buffer outside RAM, a readable buffer after a
   *   writable one, or a bad indirect table (nested, empty, not a multiple of 16 bytes, outside
   *   RAM, with `NEXT` set, or not negotiated).
   */
  pop(memory: GuestMemory, indirect: boolean, eventIdx: boolean): DescriptorChain | undefined {
    const driver = this.addresses[2] as number;
    const availIdx = memory.u16(driver + 2);
    const pending = (availIdx - this.lastAvail) & 0xffff;
    if (pending === 0) return undefined;
    if (pending > this.size)
      throw new VirtqueueError(
        `available index ${availIdx} is ${pending} entries ahead of the device (${this.lastAvail}), more than the queue size ${this.size}`,
      );
    const head = memory.u16(driver + 4 + 2 * (this.lastAvail % this.size));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (eventIdx) memory.setU16((this.addresses[4] as number) + 4 + 8 * this.size, this.lastAvail);
    return this.walk(memory, head, indirect);
  }

  /**
   * Gives back the chain {@link Virtqueue.pop} took last, unused: it is available again (QEMU's
   * `virtqueue_unpop`).
   */
  unpop(memory: GuestMemory, eventIdx: boolean): void {
    this.lastAvail = (this.lastAvail - 1) & 0xffff;
    if (eventIdx) memory.setU16((this.addresses[4] as number) + 4 + 8 * this.size, this.lastAvail);
  }

  /** Gathers the chain from `head`. */
  private walk(memory: GuestMemory, head: number, indirectAllowed: boolean): DescriptorChain {
    if (head >= this.size)
      throw new VirtqueueError(`head ${head} is outside the descriptor table of ${this.size}`);
    const readable: BufferSegment[] = [];
    const writable: BufferSegment[] = [];
    let readableLength = 0;
    let writableLength = 0;
    let table = this.addresses[0] as number;
    let entries = this.size;
    let inIndirect = false;
    let index = head;
    let seen = 0;
    for (;;) {
      if (++seen > entries)
        throw new VirtqueueError(
          `descriptor chain from head ${head} is longer than its table (${entries}): a loop`,
        );
      const d = table + 16 * index;
      const low = memory.u32(d);
      const high = memory.u32(d + 4);
      const length = memory.u32(d + 8);
      const flags = memory.u16(d + 12);
      const next = memory.u16(d + 14);
      if (flags & VIRTQ_DESC_F.INDIRECT) {
        if (!indirectAllowed)
          throw new VirtqueueError('indirect descriptor without VIRTIO_F_RING_INDIRECT_DESC');
        if (inIndirect) throw new VirtqueueError('indirect descriptor inside an indirect table');
        if (flags & VIRTQ_DESC_F.NEXT)
          throw new VirtqueueError('indirect descriptor with VIRTQ_DESC_F_NEXT set');
        if (length === 0 || length % 16 !== 0 || length / 16 > VIRTQUEUE_MAX_SIZE)
          throw new VirtqueueError(
            `indirect table of ${length} bytes (not a non-zero multiple of 16 up to ${16 * VIRTQUEUE_MAX_SIZE})`,
          );
        if (!memory.contains(low, length, high) || low % 16 !== 0)
          throw new VirtqueueError(
            `indirect table at ${hex64(high, low)} (${length} bytes) is not 16-byte aligned in guest RAM`,
          );
        table = low;
        entries = length / 16;
        inIndirect = true;
        index = 0;
        seen = 0;
        continue;
      }
      if (!memory.contains(low, length, high))
        throw new VirtqueueError(
          `buffer at ${hex64(high, low)} (${length} bytes) is not in guest RAM`,
        );
      if (flags & VIRTQ_DESC_F.WRITE) {
        writable.push({ address: low, length });
        writableLength += length;
      } else {
        if (writable.length > 0)
          throw new VirtqueueError('device-readable buffer after a device-writable one');
        readable.push({ address: low, length });
        readableLength += length;
      }
      if (!(flags & VIRTQ_DESC_F.NEXT)) break;
      if (next >= entries)
        throw new VirtqueueError(`next ${next} is outside the descriptor table of ${entries}`);
      index = next;
    }
    return new DescriptorChain(head, readable, writable, readableLength, writableLength);
  }

  /** Puts `head` in the used ring with `written` bytes written by the device. */
  push(memory: GuestMemory, head: number, written: number): void {
    const device = this.addresses[4] as number;
    const slot = device + 4 + 8 * (this.usedIdx % this.size);
    memory.setU32(slot, head);
    memory.setU32(slot + 4, written);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    memory.setU16(device + 2, this.usedIdx);
  }

  /**
   * Whether the driver wants an interrupt for the used entries added since the last one:
   * with the event index, when `used_event` lies among them (VIRTIO 1.2 §2.7.10); without,
   * unless the available ring's `VIRTQ_AVAIL_F_NO_INTERRUPT` is set.
   */
  wantsInterrupt(memory: GuestMemory, eventIdx: boolean): boolean {
    const driver = this.addresses[2] as number;
    if (!eventIdx) return (memory.u16(driver) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    const old = this.signalledUsed;
    const valid = this.signalledValid;
    this.signalledUsed = this.usedIdx;
    this.signalledValid = true;
    if (!valid) return true;
    const usedEvent = memory.u16(driver + 4 + 2 * this.size);
    return ((this.usedIdx - usedEvent - 1) & 0xffff) < ((this.usedIdx - old) & 0xffff);
  }

  /** The queue's state as plain data. */
  snapshot(): VirtqueueSnapshot {
    return {
      size: this.size,
      ready: this.ready,
      addresses: [...this.addresses],
      requestedSize: this.requestedSize,
      requested: [...this.requested],
      lastAvail: this.lastAvail,
      usedIdx: this.usedIdx,
      signalledUsed: this.signalledUsed,
      signalledValid: this.signalledValid,
    };
  }

  /** Puts checked snapshot values in place. */
  restore(s: VirtqueueSnapshot): void {
    this.size = s.size;
    this.ready = s.ready;
    for (let i = 0; i < 6; i++) this.addresses[i] = s.addresses[i] as number;
    this.requestedSize = s.requestedSize;
    for (let i = 0; i < 6; i++) this.requested[i] = s.requested[i] as number;
    this.lastAvail = s.lastAvail;
    this.usedIdx = s.usedIdx;
    this.signalledUsed = s.signalledUsed;
    this.signalledValid = s.signalledValid;
  }
}

/**
 * Checks a queue's size and rings: the size a power of two no larger than `maxSize` (§2.7:
 * split queues), each area (descriptor table, driver area, device area: low and high words in
 * `addresses`) aligned as §2.7 asks and wholly in guest RAM.
 *
 * @throws {@link VirtqueueError} naming what is wrong.
 */
export function checkRings(
  memory: GuestMemory,
  size: number,
  maxSize: number,
  addresses: readonly number[],
): void {
  const n = size;
  if (n === 0 || n > maxSize || (n & (n - 1)) !== 0)
    throw new VirtqueueError(`queue size ${n} is not a power of two in 1…${maxSize} (QueueNumMax)`);
  const [desc, descHigh, driver, driverHigh, device, deviceHigh] = addresses as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  area(memory, 'descriptor table', desc, descHigh, 16 * n, 16);
  area(memory, 'driver area', driver, driverHigh, 6 + 2 * n, 2);
  area(memory, 'device area', device, deviceHigh, 6 + 8 * n, 4);
}

/** Checks one ring area: in guest RAM and aligned. */
function area(
  memory: GuestMemory,
  what: string,
  low: number,
  high: number,
  length: number,
  alignment: number,
): void {
  if (low % alignment !== 0 || !memory.contains(low, length, high))
    throw new VirtqueueError(
      `${what} at ${hex64(high, low)} (${length} bytes) is not ${alignment}-byte aligned in guest RAM`,
    );
}

/** A 64-bit guest address as `0x…` text. */
function hex64(high: number, low: number): string {
  const lowText = (low >>> 0).toString(16);
  return high === 0 ? `0x${lowText}` : `0x${(high >>> 0).toString(16)}${lowText.padStart(8, '0')}`;
}
