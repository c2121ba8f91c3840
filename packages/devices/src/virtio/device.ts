/**
 * What a virtio device (block, network, console, entropy) implements, and what the transport
 * gives it in return: the queues and guest RAM.
 *
 * @module
 */
import { SnapshotReader } from '../validate.js';
import type { GuestMemory } from './guest-memory.js';
import type { DescriptorChain } from './virtqueue.js';

/**
 * The transport's side as a device sees it ({@link VirtioDevice.attach}). Chains come from
 * {@link VirtioContext.pop} and go back through {@link VirtioContext.push}; the transport
 * decides after each batch whether the driver wants an interrupt.
 */
export interface VirtioContext {
  /** Guest RAM, where every chain's buffers lie. */
  readonly memory: GuestMemory;
  /** Whether the driver accepted feature `bit` (valid once `FEATURES_OK` is set). */
  negotiated(bit: number): boolean;
  /**
   * The next available chain of `queue`, or `undefined` when there is none, the queue is not
   * ready, the driver has not set `DRIVER_OK`, or the device needs a reset. A malformed chain
   * puts the device in `DEVICE_NEEDS_RESET` and gives `undefined`.
   */
  pop(queue: number): DescriptorChain | undefined;
  /**
   * Returns `chain` to the driver: a used entry saying the device wrote `written` bytes into its
   * writable buffers, having consumed `read` bytes of payload from its readable ones (for the
   * statistics).
   */
  push(queue: number, chain: DescriptorChain, written: number, read: number): void;
  /** Makes the chain `pop` returned last on `queue` available again, unused. */
  unpop(queue: number): void;
  /**
   * Runs the device's {@link VirtioDevice.process} for `queue` now and interrupts the driver if
   * it wants one: for input that arrives from the host side (a frame, console bytes).
   */
  kick(queue: number): void;
  /** Puts the device in `DEVICE_NEEDS_RESET` (an error it cannot recover from). */
  fail(reason: string): void;
  /** Tells the driver the configuration space changed (a configuration change interrupt). */
  configChanged(): void;
}

/**
 * A virtio device behind the virtio-mmio transport. The transport handles feature negotiation
 * of the ring features (`VIRTIO_F_VERSION_1`, indirect descriptors, event index), status,
 * reset, the queues' configuration and interrupts; the device answers its configuration space
 * and serves its queues.
 */
export interface VirtioDevice {
  /** The device type for names and statistics (`virtio-blk`). */
  readonly kind: string;
  /** The virtio device ID (2 for block). */
  readonly deviceId: number;
  /** Device-specific feature bits the device offers (the transport adds the ring features). */
  readonly features: bigint;
  /** `QueueNumMax` of each queue; the number of entries is the number of queues. */
  readonly queueSizes: readonly number[];
  /** The configuration space as it reads now (little-endian fields). */
  config(): Uint8Array;
  /** A driver write of `size` bytes at `offset` of the configuration space. */
  writeConfig(offset: number, size: number, value: number): void;
  /** Connects the device to its transport (once, before anything else). */
  attach(context: VirtioContext): void;
  /**
   * The driver notified `queue` (or set `DRIVER_OK` with the queue ready): take the available
   * chains and complete those the device can.
   */
  process(queue: number): void;
  /** The driver reset the device: drop per-session state (not the backend's contents). */
  reset(): void;
  /** The device's own guest-visible state as plain data (the transport's is separate). */
  snapshot(): unknown;
  /** Restores {@link VirtioDevice.snapshot}; checks everything before changing anything. */
  restore(snapshot: unknown): void;
}

const NO_CONFIG = new Uint8Array(0);

/**
 * What the devices share: the context kept from `attach`, a configuration space of fixed
 * bytes that the driver cannot write, nothing to do on reset, no state of their own in
 * snapshots, and {@link VirtioDeviceBase.chains} to walk a queue. Devices override what differs.
 */
export abstract class VirtioDeviceBase implements VirtioDevice {
  abstract readonly kind: string;
  abstract readonly deviceId: number;
  abstract readonly features: bigint;
  abstract readonly queueSizes: readonly number[];
  /** The transport's side, from {@link VirtioDeviceBase.attach} on. */
  protected context!: VirtioContext;
  /** The configuration space. */
  protected configBytes: Uint8Array = NO_CONFIG;

  config(): Uint8Array {
    return this.configBytes;
  }

  writeConfig(_offset: number, _size: number, _value: number): void {}

  attach(context: VirtioContext): void {
    this.context = context;
  }

  abstract process(queue: number): void;

  reset(): void {}

  snapshot(): unknown {
    return {};
  }

  restore(snapshot: unknown): void {
    new SnapshotReader(this.kind, snapshot);
  }

  /** The available chains of `queue`, taken one at a time as the loop asks for them. */
  protected *chains(queue: number): Generator<DescriptorChain> {
    for (;;) {
      const chain = this.context.pop(queue);
      if (chain === undefined) return;
      yield chain;
    }
  }
}
