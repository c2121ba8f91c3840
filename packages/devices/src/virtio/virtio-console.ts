/**
 * The virtio console device (VIRTIO 1.2 §5.3) with one port: a receive and a transmit queue
 * connected to a serial backend (the same host side a UART uses).
 *
 * @module
 */
import type { SerialBackend } from '../serial-backend.js';
import { VIRTIO_ID } from './constants.js';
import { type VirtioContext, VirtioDeviceBase } from './device.js';

/** Entries of each queue (QEMU's virtio-serial queue size). */
export const VIRTIO_CONSOLE_QUEUE_SIZE = 128;
/** Queue of bytes to the guest. */
const RECEIVE = 0;
/** Queue of bytes from the guest. */
const TRANSMIT = 1;
/** Most bytes taken from one transmit chain (the rest is dropped) or put in one receive chain. */
const MAX_CHUNK = 4096;

/** Options of {@link VirtioConsole}. */
export interface VirtioConsoleOptions {
  /** The host side: where the guest's output goes and its input comes from. */
  readonly backend: SerialBackend;
}

/**
 * A virtio console with a single port (no `VIRTIO_CONSOLE_F_MULTIPORT`): bytes in the
 * transmit queue's buffers go to the backend during the notification (the first 4 KiB of a
 * chain; Linux and the Trapeze OS send at most a page per buffer); input the backend
 * queues fills the driver's receive buffers as soon as there are some (input waits in the
 * backend while there are none, so none is lost). The configuration space holds `cols`,
 * `rows`, `max_nr_ports` (1) and `emerg_wr`; a write of `emerg_wr` transmits its byte at once.
 */
export class VirtioConsole extends VirtioDeviceBase {
  readonly kind = 'virtio-console';
  readonly deviceId = VIRTIO_ID.CONSOLE;
  readonly features = 0n;
  readonly queueSizes = [VIRTIO_CONSOLE_QUEUE_SIZE, VIRTIO_CONSOLE_QUEUE_SIZE];
  /** The host side. */
  readonly backend: SerialBackend;

  constructor(options: VirtioConsoleOptions) {
    super();
    this.backend = options.backend;
    this.configBytes = new Uint8Array(12);
    new DataView(this.configBytes.buffer).setUint32(4, 1, true);
  }

  override writeConfig(offset: number, size: number, value: number): void {
    // emerg_wr (offset 8): the low byte goes out at once (VIRTIO 1.2 §5.3.4).
    if (offset === 8 && size === 4) this.backend.transmit(value & 0xff);
  }

  override attach(context: VirtioContext): void {
    super.attach(context);
    this.backend.connect(() => context.kick(RECEIVE));
  }

  process(queue: number): void {
    if (queue === TRANSMIT) this.transmit();
    else if (queue === RECEIVE) this.receive();
  }

  private transmit(): void {
    const memory = this.context.memory;
    for (const chain of this.chains(TRANSMIT)) {
      const bytes = chain.gather(memory, 0, MAX_CHUNK);
      for (const byte of bytes) this.backend.transmit(byte);
      this.context.push(TRANSMIT, chain, 0, bytes.length);
    }
  }

  private receive(): void {
    while (this.backend.available > 0) {
      const chain = this.context.pop(RECEIVE);
      if (chain === undefined) return;
      const n = Math.min(this.backend.available, chain.writableLength, MAX_CHUNK);
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = this.backend.take();
      const written = chain.scatter(this.context.memory, 0, bytes);
      this.context.push(RECEIVE, chain, written, 0);
    }
  }
}
