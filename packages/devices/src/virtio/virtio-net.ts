/**
 * The virtio network device (VIRTIO 1.2 §5.1): one receive and one transmit queue carrying
 * Ethernet frames behind a 12-byte `virtio_net_hdr`.
 *
 * @module
 */
import { DeviceError } from '../errors.js';
import { SnapshotReader } from '../validate.js';
import { featureBit, VIRTIO_ID } from './constants.js';
import { type VirtioContext, VirtioDeviceBase } from './device.js';
import { ETHERNET_HEADER, MAX_FRAME, type NetBackend } from './net-backend.js';

/** virtio-net feature bits the device offers. */
export const VIRTIO_NET_F = {
  /** The configuration space holds the device's MAC address. */
  MAC: 5,
} as const;

/** Bytes of the `virtio_net_hdr` in front of every frame (VIRTIO 1.x, `num_buffers` included). */
export const VIRTIO_NET_HEADER = 12;
/** Entries of each queue (QEMU's virtio-net queue size). */
export const VIRTIO_NET_QUEUE_SIZE = 256;
/** QEMU's default MAC address, 52:54:00:12:34:56. */
export const DEFAULT_MAC = '52:54:00:12:34:56';
/** Frames held while the driver has no receive buffers; more are dropped (a NIC's FIFO). */
const PENDING_LIMIT = 256;
const RECEIVE = 0;
const TRANSMIT = 1;

/** Options of {@link VirtioNet}. */
export interface VirtioNetOptions {
  /** Where frames go and come from. */
  readonly backend: NetBackend;
  /** The MAC address, `xx:xx:xx:xx:xx:xx` ({@link DEFAULT_MAC} by default). */
  readonly mac?: string;
}

/** Counts of a network device's frames. */
export interface VirtioNetStatistics {
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Frames lost: too large for the guest's buffer, the receive FIFO full, or malformed. */
  readonly framesDropped: number;
}

/** The device's state: frames waiting for receive buffers, as hex text. */
export interface VirtioNetSnapshot {
  readonly pending: readonly string[];
}

/**
 * A virtio-net device without offloads (no checksum, segmentation or mergeable receive
 * buffers): each transmit chain is a header and one frame, sent to the backend during the
 * notification; each frame from the backend fills one receive chain (header with
 * `num_buffers` = 1, then the frame) as soon as the driver has one. A frame larger than the
 * receive chain is dropped and the chain stays available (as QEMU); frames beyond 256 waiting
 * for buffers are dropped; frames that arrive before the driver is ready wait for it (a
 * device reset keeps them). A transmit chain shorter than the header puts the device in
 * `DEVICE_NEEDS_RESET`.
 */
export class VirtioNet extends VirtioDeviceBase {
  readonly kind = 'virtio-net';
  readonly deviceId = VIRTIO_ID.NET;
  readonly features = featureBit(VIRTIO_NET_F.MAC);
  readonly queueSizes = [VIRTIO_NET_QUEUE_SIZE, VIRTIO_NET_QUEUE_SIZE];
  /** Where frames go and come from. */
  readonly backend: NetBackend;
  /** The MAC address's six bytes. */
  readonly mac: Uint8Array;
  private pending: Uint8Array[] = [];
  private readonly counts = { framesSent: 0, framesReceived: 0, framesDropped: 0 };

  constructor(options: VirtioNetOptions) {
    super();
    this.backend = options.backend;
    const text = options.mac ?? DEFAULT_MAC;
    if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(text))
      throw new DeviceError(
        'BAD_OPTION',
        this.kind,
        `MAC address ${JSON.stringify(text)} is not xx:xx:xx:xx:xx:xx`,
      );
    this.mac = Uint8Array.from(text.split(':'), (part) => Number.parseInt(part, 16));
    if ((this.mac[0] as number) & 1)
      throw new DeviceError('BAD_OPTION', this.kind, `MAC address ${text} is a multicast address`);
    this.configBytes = new Uint8Array(8);
    this.configBytes.set(this.mac);
  }

  /** Frames since the device was made. */
  statistics(): VirtioNetStatistics {
    return { ...this.counts };
  }

  override attach(context: VirtioContext): void {
    super.attach(context);
    this.backend.connect((frame) => this.arrive(frame));
  }

  /** A frame from the backend: held until a receive buffer takes it. */
  private arrive(frame: Uint8Array): void {
    if (
      frame.length < ETHERNET_HEADER ||
      frame.length > MAX_FRAME ||
      this.pending.length >= PENDING_LIMIT
    ) {
      this.counts.framesDropped++;
      return;
    }
    this.pending.push(frame);
    this.context.kick(RECEIVE);
  }

  process(queue: number): void {
    if (queue === TRANSMIT) this.transmit();
    else if (queue === RECEIVE) this.receive();
  }

  private transmit(): void {
    const memory = this.context.memory;
    for (const chain of this.chains(TRANSMIT)) {
      if (chain.readableLength < VIRTIO_NET_HEADER) {
        this.context.fail(`virtio-net transmit chain at head ${chain.head} lacks its header`);
        return;
      }
      const length = chain.readableLength - VIRTIO_NET_HEADER;
      if (length < ETHERNET_HEADER || length > MAX_FRAME) this.counts.framesDropped++;
      else {
        this.backend.send(chain.gather(memory, VIRTIO_NET_HEADER, length));
        this.counts.framesSent++;
      }
      this.context.push(TRANSMIT, chain, 0, Math.min(length, MAX_FRAME));
    }
  }

  private receive(): void {
    const memory = this.context.memory;
    while (this.pending.length > 0) {
      const chain = this.context.pop(RECEIVE);
      if (chain === undefined) return;
      const frame = this.pending.shift() as Uint8Array;
      if (chain.writableLength < VIRTIO_NET_HEADER + frame.length) {
        // Too small without mergeable buffers: the frame is lost, the buffer stays.
        this.context.unpop(RECEIVE);
        this.counts.framesDropped++;
        continue;
      }
      const header = new Uint8Array(VIRTIO_NET_HEADER);
      header[10] = 1; // num_buffers
      chain.scatter(memory, 0, header);
      chain.scatter(memory, VIRTIO_NET_HEADER, frame);
      this.counts.framesReceived++;
      this.context.push(RECEIVE, chain, VIRTIO_NET_HEADER + frame.length, 0);
    }
  }

  override snapshot(): VirtioNetSnapshot {
    return { pending: this.pending.map(toHex) };
  }

  override restore(snapshot: unknown): void {
    const r = new SnapshotReader(this.kind, snapshot);
    const pending = (snapshot as { pending?: unknown }).pending;
    if (!Array.isArray(pending) || pending.length > PENDING_LIMIT)
      throw r.fail('pending', `must be an array of at most ${PENDING_LIMIT} frames`);
    const frames = pending.map((f, i) => {
      if (
        typeof f !== 'string' ||
        !/^([0-9a-f]{2})*$/.test(f) ||
        f.length / 2 < ETHERNET_HEADER ||
        f.length / 2 > MAX_FRAME
      )
        throw r.fail(
          `pending[${i}]`,
          `must be a frame as lowercase hex (${ETHERNET_HEADER}…${MAX_FRAME} bytes)`,
        );
      return fromHex(f);
    });
    this.pending = frames;
  }
}

/** Bytes as lowercase hex text. */
function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/** Lowercase hex text (checked by the caller) as bytes. */
function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
