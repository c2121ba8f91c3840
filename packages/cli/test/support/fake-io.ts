/**
 * An in-memory {@link Io} for running commands in-process: files in a map, standard output and
 * error collected as strings.
 */
import { main } from '../../src/cli.js';
import type { Io } from '../../src/io.js';

/** Setup of a fake world. */
export interface FakeWorld {
  /** Files that exist (text is stored as UTF-8). */
  readonly files?: Readonly<Record<string, Uint8Array | string>>;
  /** Standard input. */
  readonly stdin?: string;
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
  const state = { stdout: '', stderr: '', stdinRead: false, files };
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
    onStdin: (listener) => {
      state.stdinRead = true;
      if (world.stdin !== undefined && world.stdin !== '') {
        listener(new TextEncoder().encode(world.stdin));
      }
      return () => {};
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
