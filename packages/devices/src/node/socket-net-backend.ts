/**
 * A virtio-net backend over a TCP socket with QEMU's framing, so that a Trapeze VM and a QEMU
 * VM (`-netdev socket,…` or `-netdev stream,…`) exchange Ethernet frames (Node only:
 * `@trapeze/devices/node`).
 *
 * @module
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { DeviceError } from '../errors.js';
import { ETHERNET_HEADER, MAX_FRAME, type NetBackend } from '../virtio/net-backend.js';

/** Counts of a {@link SocketNetBackend}. */
export interface SocketNetStatistics {
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Frames dropped: too short or too long (in either direction), or sent while closed. */
  readonly framesDropped: number;
}

/**
 * A frame stream over TCP as QEMU's `-netdev socket` and `-netdev stream` carry it: each frame
 * preceded by its length as a 4-byte big-endian integer. Make one with
 * {@link SocketNetBackend.connect} (QEMU listens: `-netdev socket,id=n,listen=127.0.0.1:PORT`)
 * or {@link SocketNetBackend.listen} (QEMU connects: `-netdev socket,id=n,connect=…`).
 * Frames arrive when the host's event loop runs (between a machine's runs), so a run with a
 * socket backend is only as repeatable as the peer.
 *
 * A length of 0 or above {@link MAX_FRAME} from the peer is a broken stream: the backend closes
 * it (frames sent afterwards are dropped and counted).
 */
export class SocketNetBackend implements NetBackend {
  private listener: ((frame: Uint8Array) => void) | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private closed = false;
  private readonly counts = { framesSent: 0, framesReceived: 0, framesDropped: 0 };
  /** Why the stream ended, if it did. */
  ended: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly server?: Server,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('close', () => this.end('the peer closed the connection'));
    socket.on('error', (error) => this.end(error.message));
  }

  /**
   * Connects to a peer listening at `host:port` (QEMU's `listen=`).
   *
   * @throws {@link DeviceError} `BAD_BACKEND` (as a rejection) when the connection fails.
   */
  static connect(port: number, host = '127.0.0.1'): Promise<SocketNetBackend> {
    checkPort(port);
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ port, host });
      socket.once('connect', () => resolve(new SocketNetBackend(socket)));
      socket.once('error', (error) =>
        reject(
          new DeviceError(
            'BAD_BACKEND',
            'virtio-net',
            `cannot connect to ${host}:${port}: ${error.message}`,
          ),
        ),
      );
    });
  }

  /**
   * Listens at `host:port` (0: any free port, told by `onListening`) and resolves with the
   * first peer that connects (QEMU's `connect=`).
   *
   * @throws {@link DeviceError} `BAD_BACKEND` (as a rejection) when the port cannot be used.
   */
  static listen(
    port: number,
    host = '127.0.0.1',
    onListening?: (port: number) => void,
  ): Promise<SocketNetBackend> {
    if (port !== 0) checkPort(port);
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('connection', (socket) => resolve(new SocketNetBackend(socket, server)));
      server.once('error', (error) =>
        reject(
          new DeviceError(
            'BAD_BACKEND',
            'virtio-net',
            `cannot listen at ${host}:${port}: ${error.message}`,
          ),
        ),
      );
      server.listen(port, host, () => {
        const address = server.address();
        if (onListening !== undefined && typeof address === 'object' && address !== null)
          onListening(address.port);
      });
    });
  }

  /** Frames carried so far. */
  statistics(): SocketNetStatistics {
    return { ...this.counts };
  }

  send(frame: Uint8Array): void {
    if (this.closed || frame.length < ETHERNET_HEADER || frame.length > MAX_FRAME) {
      this.counts.framesDropped++;
      return;
    }
    const header = Buffer.alloc(4);
    header.writeUInt32BE(frame.length);
    this.socket.write(Buffer.concat([header, frame]));
    this.counts.framesSent++;
  }

  connect(listener: ((frame: Uint8Array) => void) | undefined): void {
    this.listener = listener;
  }

  close(): void {
    this.end('closed');
  }

  /** Bytes from the peer: whole frames go to the listener. */
  private data(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME) {
        this.end(`the peer sent a frame length of ${length}`);
        return;
      }
      if (this.pending.length < 4 + length) return;
      const frame = new Uint8Array(this.pending.subarray(4, 4 + length));
      this.pending = this.pending.subarray(4 + length);
      if (length < ETHERNET_HEADER) {
        this.counts.framesDropped++;
        continue;
      }
      this.counts.framesReceived++;
      this.listener?.(frame);
    }
  }

  private end(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ended = why;
    this.socket.destroy();
    this.server?.close();
  }
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DeviceError('BAD_OPTION', 'virtio-net', `port ${port} must be an integer in 1…65535`);
}
