/**
 * An in-memory {@link Io} for running commands in-process: files in a map, standard output and
 * error collected as strings.
 */
import { main } from '../../src/cli.js';
import type { HostSignal, Io } from '../../src/io.js';

/**
 * Something that happens to a running command, `after` milliseconds (default 0) after the
 * previous event (or after standard input was opened): input, its end, or a signal.
 */
export type HostEvent = { readonly after?: number } & (
  | { readonly input: string | Uint8Array }
  | { readonly end: true }
  | { readonly signal: HostSignal }
);

/** Setup of a fake world. */
export interface FakeWorld {
  /** Files that exist (text is stored as UTF-8). */
  readonly files?: Readonly<Record<string, Uint8Array | string>>;
  /**
   * Standard input, all there at once, then its end (unless `events` are given). Without
   * `stdin` or `events` there is no standard input at all (as with `/dev/null`).
   */
  readonly stdin?: string;
  /**
   * Standard input as it comes, and signals: played from when standard input is opened.
   * Standard input ends only with an `end` event.
   */
  readonly events?: readonly HostEvent[];
  /** Standard input is a terminal (raw mode changes are recorded). */
  readonly terminal?: boolean;
  /** Paths whose read or write fails with this Node error code (`EACCES`, `EISDIR`, …). */
  readonly failing?: Readonly<Record<string, string>>;
}

/** What a run did. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every file after the run, written ones included. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Whether standard input was read. */
  readonly stdinRead: boolean;
  /** Raw mode changes of the terminal, in order. */
  readonly rawModes: readonly boolean[];
  /** Whether signal handlers were still installed when the command returned. */
  readonly signalsHandled: boolean;
}

function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}

/** Builds a fake {@link Io} and the state it records. */
export function fakeIo(world: FakeWorld = {}) {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(world.files ?? {})) {
    files.set(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  }
  const state = {
    stdout: '',
    stderr: '',
    stdinRead: false,
    files,
    rawModes: [] as boolean[],
    signalsHandled: false,
  };
  let onSignal: ((signal: HostSignal) => void) | undefined;
  const io: Io = {
    stdout: (text) => {
      state.stdout += text;
    },
    stderr: (text) => {
      state.stderr += text;
    },
    readFile: async (path) => {
      const failure = world.failing?.[path];
      if (failure !== undefined) throw fsError(failure, path);
      const file = files.get(path);
      if (file === undefined) throw fsError('ENOENT', path);
      return file;
    },
    writeFile: async (path, data) => {
      const failure = world.failing?.[path];
      if (failure !== undefined) throw fsError(failure, path);
      files.set(path, new Uint8Array(data));
    },
    readStdin: async () => {
      state.stdinRead = true;
      return world.stdin ?? '';
    },
    onStdin: (listener, onEnd) => {
      state.stdinRead = true;
      let open = true;
      if (world.events === undefined) {
        if (world.stdin !== undefined && world.stdin !== '') {
          listener(new TextEncoder().encode(world.stdin));
        }
        queueMicrotask(() => {
          if (open) onEnd?.(world.stdin !== undefined);
        });
        return () => {
          open = false;
        };
      }
      const timers: ReturnType<typeof setTimeout>[] = [];
      let at = 0;
      for (const event of world.events) {
        at += event.after ?? 0;
        timers.push(
          setTimeout(() => {
            if ('signal' in event) onSignal?.(event.signal);
            else if (!open) return;
            else if ('end' in event) onEnd?.(true);
            else {
              const data = event.input;
              listener(typeof data === 'string' ? new TextEncoder().encode(data) : data);
            }
          }, at),
        );
      }
      return () => {
        open = false;
        // Signals may still come (the command handles them until it returns).
        for (const [k, event] of world.events?.entries() ?? []) {
          if (!('signal' in event)) clearTimeout(timers[k]);
        }
      };
    },
    ...(world.terminal
      ? {
          terminal: {
            setRawMode: (raw: boolean) => {
              state.rawModes.push(raw);
            },
          },
        }
      : {}),
    onSignal: (listener) => {
      onSignal = listener;
      state.signalsHandled = true;
      return () => {
        onSignal = undefined;
        state.signalsHandled = false;
      };
    },
    checkWritable: async (path) => {
      const failure = world.failing?.[path];
      if (failure !== undefined) throw fsError(failure, path);
    },
  };
  return { io, state };
}

/** Runs `trapeze argv…` in-process against a fake world. */
export async function run(argv: readonly string[], world: FakeWorld = {}): Promise<RunResult> {
  const { io, state } = fakeIo(world);
  const code = await main(argv, io);
  return { code, ...state };
}

/** The bytes of `words`, little-endian, 16-bit ones (`< 0x10000` and low bits not 11) as two bytes. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const w of words) {
    const size = (w & 3) !== 3 && w <= 0xffff ? 2 : 4;
    for (let k = 0; k < size; k++) out.push((w >>> (8 * k)) & 0xff);
  }
  return new Uint8Array(out);
}
