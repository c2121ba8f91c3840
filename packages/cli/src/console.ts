/**
 * The interactive console of `trapeze run`, as QEMU's `-nographic` makes it: standard input's
 * terminal in raw mode (restored on every way out), Ctrl-A escape keys, console timestamps,
 * the end of standard input, signals, and waiting in host time for input or a deadline.
 *
 * @module
 */
import type { HostSignal, Io } from './io.js';

/** Ctrl-A, QEMU's escape character. */
export const ESCAPE_BYTE = 0x01;

/** What an escape key asks for. */
export type EscapeCommand = 'quit' | 'help' | 'save' | 'timestamps' | 'break' | 'monitor';

/** The key after Ctrl-A, lowercase, and what it does (QEMU's keys; `?` is QEMU's too). */
const ESCAPE_KEYS: Readonly<Record<string, EscapeCommand>> = {
  x: 'quit',
  h: 'help',
  '?': 'help',
  s: 'save',
  t: 'timestamps',
  b: 'break',
  c: 'monitor',
};

/** What Ctrl-A H prints: QEMU's list, with what each key does here. */
export const ESCAPE_HELP: readonly string[] = [
  'C-a h    print this help',
  'C-a x    exit (after writing the --save-snapshot FILE, if one was given)',
  'C-a s    write the --save-snapshot FILE now and go on',
  'C-a t    toggle console timestamps',
  'C-a b    send break',
  'C-a c    print the machine status (QEMU: the monitor; there is none here)',
  'C-a C-a  sends C-a',
];

/**
 * Splits terminal input into bytes for the guest and escape commands, as QEMU's console
 * multiplexer does: Ctrl-A then a key is a command, Ctrl-A Ctrl-A sends one Ctrl-A, and
 * Ctrl-A then any other key is dropped. An escape may be split across chunks.
 */
export class EscapeReader {
  private escaped = false;

  constructor(
    private readonly guest: (bytes: Uint8Array) => void,
    private readonly command: (command: EscapeCommand) => void,
  ) {}

  /** Reads one chunk of terminal input. */
  feed(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.escaped) {
        this.escaped = false;
        // Ctrl-A Ctrl-A: this second one goes to the guest with what follows.
        if (byte === ESCAPE_BYTE) {
          start = i;
          continue;
        }
        start = i + 1;
        const command = ESCAPE_KEYS[String.fromCharCode(byte).toLowerCase()];
        if (command !== undefined) this.command(command);
      } else if (byte === ESCAPE_BYTE) {
        if (i > start) this.guest(chunk.subarray(start, i));
        this.escaped = true;
        start = i + 1;
      }
    }
    if (start < chunk.length) this.guest(chunk.subarray(start));
  }
}

/**
 * Console timestamps (Ctrl-A T), as QEMU prints them: `[hh:mm:ss.mmm] ` at the start of each
 * line of guest output, in host time since the first stamped line; the first stamp comes at
 * the start of the next line after they are turned on.
 */
export class ConsoleTimestamps {
  private enabled = false;
  private lineStart = false;
  private origin: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Turns timestamps on or off. */
  toggle(): void {
    this.enabled = !this.enabled;
    this.origin = undefined;
    this.lineStart = false;
  }

  /** Guest output `text` with the timestamps it needs. */
  apply(text: string): string {
    if (!this.enabled) return text;
    let out = '';
    let from = 0;
    while (from < text.length) {
      if (this.lineStart) {
        out += this.stamp();
        this.lineStart = false;
      }
      const newline = text.indexOf('\n', from);
      const end = newline < 0 ? text.length : newline + 1;
      out += text.slice(from, end);
      if (newline >= 0) this.lineStart = true;
      from = end;
    }
    return out;
  }

  private stamp(): string {
    const now = this.now();
    this.origin ??= now;
    const ms = Math.max(0, Math.floor(now - this.origin));
    const s = Math.floor(ms / 1000);
    const two = (n: number) => String(n).padStart(2, '0');
    return `[${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(ms % 1000).padStart(3, '0')}] `;
  }
}

/** Why the host asks a run to stop: Ctrl-A X, or a signal. */
export type StopRequest =
  | { readonly kind: 'quit' }
  | { readonly kind: 'signal'; readonly signal: HostSignal };

/** What the console does for a run. */
export interface HostConsoleHooks {
  /** Bytes typed (or piped) for the guest. */
  input(bytes: Uint8Array): void;
  /** Any escape command but quit (quit sets {@link HostConsole.stopRequest}). */
  command(command: Exclude<EscapeCommand, 'quit'>): void;
}

/**
 * The host side of a run's console: attaches to standard input (raw mode and escape keys when
 * it is a terminal), notes its end and the signals that ask the run to stop, and lets the run
 * loop wait in host time until something happens.
 */
export class HostConsole {
  /** Set by Ctrl-A X or a signal; the run loop stops at its next look. */
  stopRequest: StopRequest | undefined;
  /** Whether standard input has ended (or there is none): nothing more will come. */
  inputEnded = false;
  /** Whether there was standard input (a pipe, a file, a terminal), ended or not. */
  hadInput = true;
  private wake: (() => void) | undefined;
  private releaseInput: (() => void)[] = [];
  private releaseSignals: (() => void) | undefined;

  constructor(
    private readonly io: Io,
    private readonly hooks: HostConsoleHooks,
  ) {}

  /** Whether standard input is a terminal (raw mode, escape keys). */
  get interactive(): boolean {
    return this.io.terminal !== undefined;
  }

  /**
   * Starts listening: signals first (so that none is missed from here on), then the terminal
   * in raw mode, then standard input.
   */
  attach(): void {
    const io = this.io;
    if (io.onSignal !== undefined) {
      this.releaseSignals = io.onSignal((signal) => {
        this.stopRequest ??= { kind: 'signal', signal };
        this.notify();
      });
    }
    const terminal = io.terminal;
    if (terminal !== undefined) {
      terminal.setRawMode(true);
      this.releaseInput.push(() => terminal.setRawMode(false));
    }
    const reader =
      terminal === undefined
        ? undefined
        : new EscapeReader(
            (bytes) => this.hooks.input(bytes),
            (command) => {
              if (command === 'quit') this.stopRequest ??= { kind: 'quit' };
              else this.hooks.command(command);
            },
          );
    if (io.onStdin === undefined) {
      this.inputEnded = true;
      this.hadInput = false;
      return;
    }
    this.releaseInput.push(
      io.onStdin(
        (chunk) => {
          if (reader === undefined) this.hooks.input(chunk);
          else reader.feed(chunk);
          this.notify();
        },
        (hadInput) => {
          this.inputEnded = true;
          this.hadInput = hadInput;
          this.notify();
        },
      ),
    );
  }

  /** Stops reading standard input and puts the terminal back as it was (idempotent). */
  releaseTerminal(): void {
    const release = this.releaseInput.reverse();
    this.releaseInput = [];
    for (const undo of release) undo();
  }

  /** {@link HostConsole.releaseTerminal}, and signals take their default action again. */
  close(): void {
    this.releaseTerminal();
    this.releaseSignals?.();
    this.releaseSignals = undefined;
  }

  /**
   * Waits until input arrives, standard input ends, a stop is requested, or `ms` milliseconds
   * of host time have passed (`Infinity`: no time limit).
   */
  wait(ms: number): Promise<void> {
    if (this.stopRequest !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      // setTimeout takes at most 2^31 - 1 ms; a longer wait ends early and is waited again.
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.min(Math.max(0, ms), 0x7fffffff));
      this.wake = done;
    });
  }

  /** Ends a {@link HostConsole.wait} in progress: something other than input arrived (a frame). */
  interrupt(): void {
    this.notify();
  }

  private notify(): void {
    this.wake?.();
  }
}
