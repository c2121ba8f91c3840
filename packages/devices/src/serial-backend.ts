/**
 * What a UART talks to on the host side: where transmitted bytes go and where received bytes
 * wait until the guest has room for them.
 *
 * @module
 */

import { DeviceError } from './errors.js';
import { checkInteger, describe } from './validate.js';

/**
 * The host side of a serial port. The UART calls {@link SerialBackend.transmit} for every byte
 * the guest sends, and pulls input with {@link SerialBackend.take} only while its receive FIFO
 * (or, with the FIFO off, its receive register) has room, so input waits here instead of
 * being lost.
 */
export interface SerialBackend {
  /** One byte (0…255) the guest transmitted. */
  transmit(byte: number): void;
  /** Number of input bytes waiting for the UART. */
  readonly available: number;
  /** Removes and returns the next input byte, or -1 if none is waiting. */
  take(): number;
  /**
   * Registers the UART's listener for "input arrived" (replacing any earlier one; `undefined`
   * removes it). The backend calls it after queuing input.
   */
  connect(listener: (() => void) | undefined): void;
}

/** Input accepted by {@link QueuedSerialBackend.receive}: bytes, or text sent as UTF-8. */
export type SerialInput = Uint8Array | readonly number[] | string;

const encoder = new TextEncoder();

/** The largest {@link TerminalBackendOptions.bufferSize}: 16 MiB. */
const MAX_BUFFER_SIZE = 0x100_0000;

function checkByte(byte: number): void {
  checkInteger(byte, 'serial', 'transmitted byte', [0, 255]);
}

/**
 * A backend with an input queue: the host calls {@link QueuedSerialBackend.receive} and the
 * UART drains the queue as the guest reads. Subclasses decide where output goes.
 */
export abstract class QueuedSerialBackend implements SerialBackend {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  private listener: (() => void) | undefined;

  abstract transmit(byte: number): void;

  get available(): number {
    return this.queued;
  }

  /**
   * Queues input for the guest and tells the UART.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` for an array element that is not a byte, or
   * input of another kind.
   */
  receive(input: SerialInput): void {
    let bytes: Uint8Array;
    if (typeof input === 'string') bytes = encoder.encode(input);
    else if (input instanceof Uint8Array) bytes = input.slice();
    else if (!Array.isArray(input))
      throw new DeviceError(
        'BAD_ARGUMENT',
        'serial',
        'input must be a string, a Uint8Array or an array of bytes',
      );
    else {
      for (const b of input)
        if (!Number.isInteger(b) || b < 0 || b > 255)
          throw new DeviceError('BAD_ARGUMENT', 'serial', `input ${describe(b)} is not a byte`);
      bytes = Uint8Array.from(input);
    }
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.queued += bytes.length;
    this.listener?.();
  }

  take(): number {
    const chunk = this.chunks[0];
    if (chunk === undefined) return -1;
    const byte = chunk[this.head++];
    this.queued--;
    if (this.head === chunk.length) {
      this.chunks.shift();
      this.head = 0;
    }
    return byte;
  }

  /** Drops all queued input. */
  clearInput(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }

  connect(listener: (() => void) | undefined): void {
    this.listener = listener;
  }
}

/**
 * A backend that keeps the guest's output in memory and lets tests and hosts queue input.
 * Deterministic: nothing here depends on host time.
 *
 * @example
 * ```ts
 * import { BufferBackend } from '@trapeze/devices';
 *
 * const serial = new BufferBackend();
 * serial.transmit(0x68); // what the UART does with each byte the guest sends
 * serial.transmit(0x69);
 * serial.text(); // → 'hi'
 * serial.receive('y\n'); // input for the guest
 * [serial.available, serial.take()]; // → [2, 0x79]
 * ```
 */
export class BufferBackend extends QueuedSerialBackend {
  private out = new Uint8Array(256);
  private length = 0;

  /**
   * Collects one byte the guest sent.
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` when `byte` is not an integer in 0…255.
   */
  transmit(byte: number): void {
    checkByte(byte);
    if (this.length === this.out.length) {
      const bigger = new Uint8Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.length++] = byte & 0xff;
  }

  /** Every byte transmitted so far (a copy). */
  bytes(): Uint8Array {
    return this.out.slice(0, this.length);
  }

  /** The output decoded as UTF-8 (malformed sequences become U+FFFD). */
  text(): string {
    return new TextDecoder().decode(this.out.subarray(0, this.length));
  }

  /** Forgets the output collected so far. */
  clearOutput(): void {
    this.length = 0;
  }
}

/** Where a {@link TerminalBackend} writes: a Node `Writable` such as `process.stdout` fits. */
export interface ByteSink {
  /** Writes a chunk of bytes. */
  write(chunk: Uint8Array): unknown;
}

/** Options of {@link TerminalBackend}. */
export interface TerminalBackendOptions {
  /** Output stream (`process.stdout` for a console). */
  readonly output: ByteSink;
  /**
   * Bytes buffered before a write: an integer in 1…16 MiB (default 1024). Output is also
   * written at every newline.
   */
  readonly bufferSize?: number;
}

/**
 * A backend for a host terminal: output goes to a writable stream, input comes from the host
 * calling {@link QueuedSerialBackend.receive} (for example from `process.stdin`'s `data`
 * events). Output is batched and written at each newline, when the buffer is full, at the end
 * of the current JavaScript task, and on {@link TerminalBackend.flush}; call `flush()` before
 * exiting the process.
 *
 * @example
 * ```ts
 * import { TerminalBackend } from '@trapeze/devices';
 *
 * const chunks: string[] = [];
 * const term = new TerminalBackend({ output: { write: (chunk) => chunks.push(Buffer.from(chunk).toString()) } });
 * for (const c of 'boot\nok') term.transmit(c.charCodeAt(0));
 * chunks; // → ['boot\n']
 * term.flush();
 * chunks; // → ['boot\n', 'ok']
 * // With a real terminal: new TerminalBackend({ output: process.stdout }), and
 * // process.stdin.on('data', (chunk) => term.receive(chunk)).
 * ```
 */
export class TerminalBackend extends QueuedSerialBackend {
  private readonly output: ByteSink;
  private readonly buffer: Uint8Array;
  private length = 0;
  private scheduled = false;

  constructor(options: TerminalBackendOptions) {
    super();
    const size = checkInteger(
      options.bufferSize ?? 1024,
      'terminal',
      'bufferSize',
      [1, MAX_BUFFER_SIZE],
      'BAD_OPTION',
    );
    this.output = options.output;
    this.buffer = new Uint8Array(size);
  }

  /**
   * Buffers one byte the guest sent (written at a newline, a full buffer, or the end of the
   * current task).
   *
   * @throws {@link DeviceError} `BAD_ARGUMENT` when `byte` is not an integer in 0…255.
   */
  transmit(byte: number): void {
    checkByte(byte);
    this.buffer[this.length++] = byte & 0xff;
    if (byte === 0x0a || this.length === this.buffer.length) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Writes buffered output now. */
  flush(): void {
    if (this.length === 0) return;
    const chunk = this.buffer.slice(0, this.length);
    this.length = 0;
    this.output.write(chunk);
  }
}
