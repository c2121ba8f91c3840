/**
 * The virtio-mmio transport, version 2 ("modern", VIRTIO 1.2 §4.2), with a device behind it.
 *
 * @module
 */
import type { AccessSize, MmioDevice, Ram } from '@trapeze/mmu';
import { DeviceError } from '../errors.js';
import type { IrqLine } from '../signals.js';
import { SnapshotReader } from '../validate.js';
import {
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VENDOR_QEMU,
} from '../virtio-mmio-slot.js';
import {
  featureBit,
  VIRTIO_MMIO as R,
  VIRTIO_STATUS as S,
  VIRTIO_F,
  VIRTIO_MMIO_INT,
} from './constants.js';
import type { VirtioContext, VirtioDevice } from './device.js';
import { GuestMemory } from './guest-memory.js';
import {
  checkRings,
  type DescriptorChain,
  VIRTQUEUE_MAX_SIZE,
  Virtqueue,
  VirtqueueError,
  type VirtqueueSnapshot,
} from './virtqueue.js';

/** `Version` of the modern transport. */
export const VIRTIO_MMIO_VERSION = 2;

/** Ring features every device behind the transport offers. */
const TRANSPORT_FEATURES =
  featureBit(VIRTIO_F.VERSION_1) |
  featureBit(VIRTIO_F.RING_INDIRECT_DESC) |
  featureBit(VIRTIO_F.RING_EVENT_IDX);

/** Options of {@link VirtioMmio}. */
export interface VirtioMmioOptions {
  /** The device behind the transport. */
  readonly device: VirtioDevice;
  /** Guest RAM, where the driver puts rings and buffers. */
  readonly memory: Ram;
  /** The interrupt line (the slot's PLIC source). */
  readonly irq: IrqLine;
  /** Name for logs and statistics (`virtio-mmio7` on the board). */
  readonly name?: string;
}

/** Counts of a device's traffic (VIRTIO statistics in the engines' names). */
export interface VirtioStatistics {
  /** Driver notifications (`QueueNotify` writes). */
  readonly notifications: number;
  /** Interrupts raised: used-buffer and configuration-change notifications sent to the driver. */
  readonly interrupts: number;
  /** Descriptor chains completed (requests, frames, buffers). */
  readonly requests: number;
  /** Payload bytes the device read from the guest's buffers. */
  readonly bytesFromGuest: number;
  /** Bytes the device wrote into the guest's buffers (the used entries' lengths). */
  readonly bytesToGuest: number;
  /** Times the device entered `DEVICE_NEEDS_RESET`. */
  readonly errors: number;
}

/** The transport's state as plain data. */
export interface VirtioMmioSnapshot {
  readonly status: number;
  readonly deviceFeaturesSel: number;
  readonly driverFeaturesSel: number;
  /** The driver's features: low and high words. */
  readonly driverFeatures: readonly number[];
  readonly queueSel: number;
  readonly interruptStatus: number;
  readonly configGeneration: number;
  readonly queues: readonly VirtqueueSnapshot[];
  /** The device's own state ({@link VirtioDevice.snapshot}). */
  readonly device: unknown;
}

/**
 * A virtio-mmio transport, version 2, as QEMU's `virtio-mmio` with `force-legacy=false`:
 * registers at 0x000–0x0fc, 32-bit accesses only (another width reads 0 and writes nothing,
 * as QEMU), the device's configuration space from 0x100 at any width. The driver negotiates
 * features (`VIRTIO_F_VERSION_1` is required; indirect descriptors and the event index are
 * offered), configures and enables split virtqueues, notifies through `QueueNotify`, and is
 * interrupted on its PLIC line while `InterruptStatus` is not zero. Requests complete during
 * the notifying store, so a run depends on nothing but its input.
 *
 * A malformed ring or chain (VIRTIO 1.2 §2.1.2) sets `DEVICE_NEEDS_RESET`, raises a
 * configuration change interrupt and stops the device until the driver writes 0 to `Status`;
 * nothing a guest writes reaches memory outside its RAM or throws on the host.
 */
export class VirtioMmio implements MmioDevice {
  readonly name: string;
  readonly size = VIRTIO_MMIO_SIZE;
  /** The device behind the transport. */
  readonly device: VirtioDevice;
  /** Guest RAM as the device reaches it. */
  readonly memory: GuestMemory;
  private readonly irq: IrqLine;
  private readonly queues: Virtqueue[];
  private readonly offered: bigint;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = [0, 0];
  private accepted = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  /** Queues with used entries added since their last interrupt decision. */
  private readonly usedPending: boolean[];
  private readonly counts = {
    notifications: 0,
    interrupts: 0,
    requests: 0,
    bytesFromGuest: 0,
    bytesToGuest: 0,
    errors: 0,
  };
  /** Last reason for `DEVICE_NEEDS_RESET` (for diagnostics), or `undefined`. */
  lastError: string | undefined;

  constructor(options: VirtioMmioOptions) {
    this.name = options.name ?? options.device.kind;
    this.device = options.device;
    this.memory = new GuestMemory(options.memory);
    this.irq = options.irq;
    for (const size of options.device.queueSizes)
      if (!Number.isInteger(size) || size < 1 || size > VIRTQUEUE_MAX_SIZE || size & (size - 1))
        throw new DeviceError(
          'BAD_OPTION',
          this.name,
          `queue size ${size} must be a power of two in 1…${VIRTQUEUE_MAX_SIZE}`,
        );
    this.queues = options.device.queueSizes.map((size) => new Virtqueue(size));
    this.usedPending = this.queues.map(() => false);
    this.offered = options.device.features | TRANSPORT_FEATURES;
    this.device.attach(this.context());
  }

  /** The features the device offers (device-specific and ring features). */
  get deviceFeatures(): bigint {
    return this.offered;
  }

  /** The `Status` register. */
  get deviceStatus(): number {
    return this.status;
  }

  /** Counts since the transport was made (not reset by a device reset, nor snapshotted). */
  statistics(): VirtioStatistics {
    return { ...this.counts };
  }

  read(offset: number, size: AccessSize): number {
    if (offset >= R.CONFIG) return this.readConfig(offset - R.CONFIG, size);
    if (size !== 4 || offset % 4 !== 0) return 0;
    const queue = this.queues[this.queueSel];
    switch (offset) {
      case R.MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
      case R.VERSION:
        return 2;
      case R.DEVICE_ID:
        return this.device.deviceId;
      case R.VENDOR_ID:
        return VIRTIO_MMIO_VENDOR_QEMU;
      case R.DEVICE_FEATURES:
        return this.deviceFeaturesSel > 1
          ? 0
          : Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn);
      case R.QUEUE_NUM_MAX:
        return queue?.maxSize ?? 0;
      case R.QUEUE_READY:
        return queue?.ready ? 1 : 0;
      case R.INTERRUPT_STATUS:
        return this.interruptStatus;
      case R.STATUS:
        return this.status;
      case R.QUEUE_DESC_LOW:
      case R.QUEUE_DESC_HIGH:
      case R.QUEUE_DRIVER_LOW:
      case R.QUEUE_DRIVER_HIGH:
      case R.QUEUE_DEVICE_LOW:
      case R.QUEUE_DEVICE_HIGH:
        return queue?.requested[addressIndex(offset)] ?? 0;
      case R.SHM_LEN_LOW:
      case R.SHM_LEN_HIGH:
        // No shared memory regions: a length of all ones says "none" (VIRTIO 1.2 §4.2.2).
        return 0xffff_ffff;
      case R.CONFIG_GENERATION:
        return this.configGeneration;
      default:
        return 0;
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset >= R.CONFIG) {
      const configSize = this.device.config().length;
      const at = offset - R.CONFIG;
      if (at + size <= configSize) this.device.writeConfig(at, size, value >>> 0);
      return;
    }
    if (size !== 4 || offset % 4 !== 0) return;
    const v = value >>> 0;
    const queue = this.queues[this.queueSel];
    switch (offset) {
      case R.DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = v;
        return;
      case R.DRIVER_FEATURES:
        if (this.driverFeaturesSel <= 1 && !(this.status & S.FEATURES_OK))
          this.driverFeatures[this.driverFeaturesSel] = v;
        return;
      case R.DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = v;
        return;
      case R.QUEUE_SEL:
        this.queueSel = v;
        return;
      case R.QUEUE_NUM:
        if (queue !== undefined) queue.requestedSize = v;
        return;
      case R.QUEUE_READY:
        if (queue !== undefined) this.setReady(queue, (v & 1) === 1);
        return;
      case R.QUEUE_NOTIFY:
        this.counts.notifications++;
        this.notify(v & 0xffff);
        return;
      case R.INTERRUPT_ACK:
        this.interruptStatus &= ~v;
        this.updateIrq();
        return;
      case R.STATUS:
        this.setStatus(v & 0xff);
        return;
      case R.QUEUE_DESC_LOW:
      case R.QUEUE_DESC_HIGH:
      case R.QUEUE_DRIVER_LOW:
      case R.QUEUE_DRIVER_HIGH:
      case R.QUEUE_DEVICE_LOW:
      case R.QUEUE_DEVICE_HIGH:
        if (queue !== undefined) queue.requested[addressIndex(offset)] = v;
        return;
      default:
        return;
    }
  }

  /** A configuration space read: QEMU answers past the end with all ones. */
  private readConfig(at: number, size: AccessSize): number {
    const config = this.device.config();
    if (at + size > config.length) return size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (config[at + i] as number);
    return value;
  }

  /**
   * Enables a queue with the size and addresses written last (after checking its rings), or
   * disables it (its rings stay as they were, as QEMU).
   */
  private setReady(queue: Virtqueue, ready: boolean): void {
    if (!ready) {
      queue.ready = false;
      return;
    }
    try {
      queue.enable(this.memory);
    } catch (error) {
      queue.ready = false;
      this.needsReset(error);
    }
  }

  /** The driver notified `index`. */
  private notify(index: number): void {
    if (index < this.queues.length) this.kick(index);
  }

  /** Runs the device on queue `index` if it is live, then interrupts as the driver wants. */
  private kick(index: number): void {
    if (this.liveQueue(index) === undefined) return;
    try {
      this.device.process(index);
    } catch (error) {
      if (!(error instanceof VirtqueueError)) throw error;
      this.needsReset(error);
    }
    this.interruptForUsed();
  }

  /** Whether the device serves its queues: `DRIVER_OK` set, no reset needed. */
  private live(): boolean {
    return (this.status & (S.DRIVER_OK | S.DEVICE_NEEDS_RESET)) === S.DRIVER_OK;
  }

  /** Queue `index` when the device serves it now (live, the queue exists and is ready). */
  private liveQueue(index: number): Virtqueue | undefined {
    const queue = this.queues[index];
    return this.live() && queue?.ready ? queue : undefined;
  }

  /** The features the driver wrote, both words. */
  private driverFeatureBits(): bigint {
    return (
      BigInt(this.driverFeatures[0] as number) | (BigInt(this.driverFeatures[1] as number) << 32n)
    );
  }

  /** Interrupts for the queues with new used entries, where the driver wants one. */
  private interruptForUsed(): void {
    const eventIdx = this.negotiated(VIRTIO_F.RING_EVENT_IDX);
    let raise = false;
    for (const [i, queue] of this.queues.entries()) {
      if (!this.usedPending[i]) continue;
      this.usedPending[i] = false;
      if (queue.wantsInterrupt(this.memory, eventIdx)) raise = true;
    }
    if (raise) this.raise(VIRTIO_MMIO_INT.VRING);
  }

  private raise(bits: number): void {
    this.interruptStatus |= bits;
    this.counts.interrupts++;
    this.updateIrq();
  }

  private updateIrq(): void {
    this.irq(this.interruptStatus !== 0);
  }

  /** A write of `Status`. */
  private setStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    let next = value;
    const was = this.status;
    if (next & S.FEATURES_OK && !(was & S.FEATURES_OK)) {
      const wanted = this.driverFeatureBits();
      // Bits the device does not offer are dropped (as QEMU); without VERSION_1 the device
      // leaves FEATURES_OK clear (VIRTIO 1.2 §3.1.1), as it has no legacy interface.
      if ((wanted & featureBit(VIRTIO_F.VERSION_1)) !== 0n) this.accepted = wanted & this.offered;
      else next &= ~S.FEATURES_OK;
    }
    // The device's own bit stays until reset.
    next |= was & S.DEVICE_NEEDS_RESET;
    this.status = next;
    if (next & S.DRIVER_OK && !(was & S.DRIVER_OK)) {
      if (!(next & S.FEATURES_OK)) {
        // DRIVER_OK without negotiated features: the driver broke the protocol.
        this.needsReset(new VirtqueueError('DRIVER_OK set before FEATURES_OK'));
        return;
      }
      for (let i = 0; i < this.queues.length; i++) this.kick(i);
    }
  }

  /** A device reset (`Status` written 0). */
  reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.driverFeatures = [0, 0];
    this.accepted = 0n;
    this.queueSel = 0;
    this.interruptStatus = 0;
    for (const queue of this.queues) queue.reset();
    this.usedPending.fill(false);
    this.device.reset();
    this.updateIrq();
  }

  /** Enters `DEVICE_NEEDS_RESET` for a guest error. */
  private needsReset(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.counts.errors++;
    if (this.status & S.DEVICE_NEEDS_RESET) return;
    this.status |= S.DEVICE_NEEDS_RESET;
    // The driver hears of it by interrupt once it has set DRIVER_OK (as QEMU), else at its next
    // read of Status.
    if (this.status & S.DRIVER_OK) this.raise(VIRTIO_MMIO_INT.CONFIG);
  }

  private negotiated(bit: number): boolean {
    return (this.accepted & featureBit(bit)) !== 0n;
  }

  /** The context the device works through. */
  private context(): VirtioContext {
    return {
      memory: this.memory,
      negotiated: (bit) => this.negotiated(bit),
      pop: (index) => this.pop(index),
      push: (index, chain, written, read) => this.push(index, chain, written, read),
      unpop: (index) =>
        this.liveQueue(index)?.unpop(this.memory, this.negotiated(VIRTIO_F.RING_EVENT_IDX)),
      kick: (index) => this.kick(index),
      fail: (reason) => this.needsReset(new VirtqueueError(reason)),
      configChanged: () => {
        this.configGeneration = (this.configGeneration + 1) >>> 0;
        this.raise(VIRTIO_MMIO_INT.CONFIG);
      },
    };
  }

  private pop(index: number): DescriptorChain | undefined {
    const queue = this.liveQueue(index);
    if (queue === undefined) return undefined;
    try {
      return queue.pop(
        this.memory,
        this.negotiated(VIRTIO_F.RING_INDIRECT_DESC),
        this.negotiated(VIRTIO_F.RING_EVENT_IDX),
      );
    } catch (error) {
      if (!(error instanceof VirtqueueError)) throw error;
      this.needsReset(error);
      return undefined;
    }
  }

  private push(index: number, chain: DescriptorChain, written: number, read: number): void {
    const queue = this.liveQueue(index);
    if (queue === undefined) return;
    const length = Math.min(written, chain.writableLength);
    queue.push(this.memory, chain.head, length);
    this.usedPending[index] = true;
    this.counts.requests++;
    this.counts.bytesToGuest += length;
    this.counts.bytesFromGuest += read;
  }

  /** The transport's state (and the device's) as plain data. */
  snapshot(): VirtioMmioSnapshot {
    return {
      status: this.status,
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      driverFeatures: [...this.driverFeatures],
      queueSel: this.queueSel,
      interruptStatus: this.interruptStatus,
      configGeneration: this.configGeneration,
      queues: this.queues.map((q) => q.snapshot()),
      device: this.device.snapshot(),
    };
  }

  /**
   * Restores a {@link VirtioMmioSnapshot} of a transport with the same device kind.
   *
   * @throws {@link DeviceError} `BAD_SNAPSHOT` naming the bad field; nothing changes then.
   */
  restore(snapshot: VirtioMmioSnapshot): void {
    const r = new SnapshotReader(this.name, snapshot);
    const status = r.int('status', 0xff);
    const deviceFeaturesSel = r.int('deviceFeaturesSel');
    const driverFeaturesSel = r.int('driverFeaturesSel');
    const driverFeatures = r.ints('driverFeatures', 2, 2, 0xffff_ffff);
    const queueSel = r.int('queueSel');
    const interruptStatus = r.int('interruptStatus', 3);
    const configGeneration = r.int('configGeneration');
    const queues = (snapshot as { queues?: unknown }).queues;
    if (!Array.isArray(queues) || queues.length !== this.queues.length)
      throw r.fail('queues', `must be an array of ${this.queues.length} queues`);
    const checked = queues.map((q, i) =>
      readQueue(this.name, q, i, this.queues[i] as Virtqueue, this.memory),
    );
    // The device checks its part (and may throw) before the transport changes anything.
    this.device.restore((snapshot as { device?: unknown }).device);
    this.status = status;
    this.deviceFeaturesSel = deviceFeaturesSel;
    this.driverFeaturesSel = driverFeaturesSel;
    this.driverFeatures = [...driverFeatures];
    this.accepted = status & S.FEATURES_OK ? this.driverFeatureBits() & this.offered : 0n;
    this.queueSel = queueSel;
    this.interruptStatus = interruptStatus;
    this.configGeneration = configGeneration;
    for (const [i, q] of checked.entries()) (this.queues[i] as Virtqueue).restore(q);
    this.usedPending.fill(false);
    this.updateIrq();
  }
}

/** Index in {@link Virtqueue.addresses} of a queue address register. */
function addressIndex(offset: number): number {
  return ((offset - R.QUEUE_DESC_LOW) >> 4) * 2 + ((offset >> 2) & 1);
}

/** Checks one queue of a snapshot. */
function readQueue(
  name: string,
  value: unknown,
  i: number,
  queue: Virtqueue,
  memory: GuestMemory,
): VirtqueueSnapshot {
  const r = new SnapshotReader(`${name} queue ${i}`, value);
  const size = r.int('size', 0xffff_ffff);
  const ready = r.bool('ready');
  const addresses = r.ints('addresses', 6, 6, 0xffff_ffff);
  const requestedSize = r.int('requestedSize');
  const requested = r.ints('requested', 6, 6, 0xffff_ffff);
  if (ready) {
    // A ready queue's rings were checked when it was enabled; a snapshot must hold the same.
    try {
      checkRings(memory, size, queue.maxSize, addresses);
    } catch (error) {
      throw r.fail('addresses', `of a ready queue: ${(error as Error).message}`);
    }
  }
  return {
    size,
    ready,
    addresses,
    requestedSize,
    requested,
    lastAvail: r.int('lastAvail', 0xffff),
    usedIdx: r.int('usedIdx', 0xffff),
    signalledUsed: r.int('signalledUsed', 0xffff),
    signalledValid: r.bool('signalledValid'),
  };
}
