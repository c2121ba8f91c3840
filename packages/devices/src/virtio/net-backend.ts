/**
 * Where a virtio-net device's Ethernet frames go: the backend interface and an in-process
 * switch that connects the VMs of one host.
 *
 * @module
 */

/** Smallest frame a backend carries: an Ethernet header (destination, source, type). */
export const ETHERNET_HEADER = 14;
/** Largest frame a backend carries (a 64 KiB payload and its header). */
export const MAX_FRAME = 65_536 + ETHERNET_HEADER;

/**
 * The host side of a virtio-net device. The device calls {@link NetBackend.send} with every
 * frame the guest transmits; the backend calls the listener given to
 * {@link NetBackend.connect} with every frame for the guest.
 */
export interface NetBackend {
  /** A frame the guest sent (the backend may keep it: the device does not reuse it). */
  send(frame: Uint8Array): void;
  /** Registers the device's listener for arriving frames (`undefined` removes it). */
  connect(listener: ((frame: Uint8Array) => void) | undefined): void;
  /** Releases host resources (a socket); frames sent afterwards are dropped. */
  close(): void;
}

/** Counts of a {@link NetworkSwitch}. */
export interface NetworkSwitchStatistics {
  /** Frames that came in from a port. */
  readonly frames: number;
  /** Frames delivered to a port (a flooded frame counts once per port). */
  readonly delivered: number;
  /** Frames no other port took (no other port, or the destination's own port). */
  readonly dropped: number;
}

/**
 * An in-process Ethernet switch: each {@link NetworkSwitch.port} is a {@link NetBackend} for
 * one VM's virtio-net device. The switch learns which port each source MAC address sits
 * behind; a frame to a learned unicast address goes to that port only, any other frame
 * (broadcast, multicast, not yet learned) to every other port. Delivery happens during the
 * sender's `send`, so two VMs run in a fixed order exchange frames deterministically.
 *
 * @example
 * ```ts
 * import { NetworkSwitch } from '@trapeze/devices';
 *
 * const net = new NetworkSwitch();
 * const [a, b] = [net.port(), net.port()];
 * const got: number[] = [];
 * b.connect((frame) => got.push(frame.length));
 * a.send(new Uint8Array(60).fill(0xff)); // a broadcast frame
 * got; // → [60]
 * ```
 */
export class NetworkSwitch {
  private readonly ports: SwitchPort[] = [];
  private readonly table = new Map<string, NetBackend>();
  private readonly counts = { frames: 0, delivered: 0, dropped: 0 };

  /** A new port. */
  port(): NetBackend {
    const port = new SwitchPort(this);
    this.ports.push(port);
    return port;
  }

  /** Frames switched so far. */
  statistics(): NetworkSwitchStatistics {
    return { ...this.counts };
  }

  /** Switches `frame` that came in from port `from` (what a port's `send` does). */
  forward(from: NetBackend, frame: Uint8Array): void {
    this.counts.frames++;
    if (frame.length < ETHERNET_HEADER || frame.length > MAX_FRAME) {
      this.counts.dropped++;
      return;
    }
    this.table.set(mac(frame, 6), from);
    const multicast = ((frame[0] as number) & 1) !== 0;
    const to = multicast ? undefined : this.table.get(mac(frame, 0));
    const targets = this.ports.filter((p) => p !== from && (to === undefined || p === to));
    let delivered = 0;
    for (const port of targets) if (port.deliver(frame.slice())) delivered++;
    this.counts.delivered += delivered;
    if (delivered === 0) this.counts.dropped++;
  }

  /** Takes port `port` out (what a port's `close` does). */
  remove(port: NetBackend): void {
    const i = this.ports.indexOf(port as SwitchPort);
    if (i >= 0) this.ports.splice(i, 1);
    for (const [key, value] of this.table) if (value === port) this.table.delete(key);
  }
}

/** One port of a {@link NetworkSwitch}. */
class SwitchPort implements NetBackend {
  private listener: ((frame: Uint8Array) => void) | undefined;
  private closed = false;

  constructor(private readonly owner: NetworkSwitch) {}

  send(frame: Uint8Array): void {
    if (!this.closed) this.owner.forward(this, frame);
  }

  connect(listener: ((frame: Uint8Array) => void) | undefined): void {
    this.listener = listener;
  }

  /** Hands a frame to the device; false when nothing listens. */
  deliver(frame: Uint8Array): boolean {
    if (this.listener === undefined) return false;
    this.listener(frame);
    return true;
  }

  close(): void {
    this.closed = true;
    this.listener = undefined;
    this.owner.remove(this);
  }
}

/** The MAC address at `offset` of a frame, as a key. */
function mac(frame: Uint8Array, offset: number): string {
  let key = '';
  for (let i = offset; i < offset + 6; i++)
    key += (frame[i] as number).toString(16).padStart(2, '0');
  return key;
}
