/**
 * The outside world of the command line, as an object: {@link main} takes one, so tests run
 * commands in-process with a fake and the `trapeze` bin passes {@link nodeIo}.
 *
 * @module
 */
import { constants, fstatSync } from 'node:fs';
import { open, readFile, unlink, writeFile } from 'node:fs/promises';
import { isatty } from 'node:tty';
import { UsageError } from './errors.js';

/** Signals a long-running command handles (to stop cleanly: restore the terminal, save state). */
export type HostSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Signal numbers, for exit statuses (128 + number, as shells report a death by signal). */
export const SIGNAL_NUMBERS: Readonly<Record<HostSignal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGTERM: 15,
};

/** The terminal that standard input is, when it is one. */
export interface Terminal {
  /**
   * Raw mode on or off. Raw: every byte typed is read as it comes, with no echo, no line
   * editing and no signal keys (Ctrl-C is a byte, as QEMU's `-nographic` console makes it).
   */
  setRawMode(raw: boolean): void;
}

/** What a command may do outside itself. */
export interface Io {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Writes text to standard error. */
  stderr(text: string): void;
  /** Reads a whole file; rejects with a Node-style error (`code: 'ENOENT'`, …) when it cannot. */
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a whole file, replacing it. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Reads all of standard input as text. */
  readStdin(): Promise<string>;
  /**
   * Streams standard input: calls `listener` with each chunk of bytes as it arrives, and
   * `onEnd` once when standard input has ended, until the returned function is called.
   * `onEnd(true)`: input there was has ended (a closed pipe, the end of a file, even an empty
   * one); `onEnd(false)`: there is no standard input to read at all (`/dev/null`, a closed or
   * ignored descriptor). Absent: no standard input either.
   */
  onStdin?(listener: (chunk: Uint8Array) => void, onEnd?: (hadInput: boolean) => void): () => void;
  /** Standard input's terminal; absent when standard input is not a terminal. */
  readonly terminal?: Terminal;
  /**
   * Calls `listener` instead of the default action (ending the process) when one of
   * {@link HostSignal} arrives, until the returned function is called.
   */
  onSignal?(listener: (signal: HostSignal) => void): () => void;
  /**
   * Checks, without changing anything, that `path` can be written: resolves if so, rejects
   * with a Node-style error (`code: 'EACCES'`, `'ENOENT'`, `'EISDIR'`, …) if not. An existing
   * file is left as it is; a missing one is not left behind.
   */
  checkWritable?(path: string): Promise<void>;
}

/** Whether file descriptor 0 is something worth streaming (a terminal, a pipe, a socket, a file). */
function stdinAvailable(): boolean {
  if (process.stdin.isTTY) return true;
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false;
  }
}

/** Whether the terminal must be put back on exit (raw mode is on). */
let rawModeOn = false;
let exitHookInstalled = false;

/** Raw mode of the process's standard input, put back when the process exits however it does. */
function setStdinRawMode(raw: boolean): void {
  if (!process.stdin.isTTY) return;
  process.stdin.setRawMode(raw);
  rawModeOn = raw;
  if (raw && !exitHookInstalled) {
    exitHookInstalled = true;
    // Belt and braces: an exit from anywhere (process.exit, an uncaught error) restores it too.
    process.on('exit', () => {
      if (rawModeOn) process.stdin.setRawMode(false);
    });
  }
}

/** See {@link Io.checkWritable}. */
async function checkWritable(path: string): Promise<void> {
  try {
    // Opening for writing without O_TRUNC or O_CREAT: an existing file stays as it is.
    await (await open(path, constants.O_WRONLY)).close();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  // Missing: create it exclusively (so it is ours), then remove it again.
  await (await open(path, 'wx')).close();
  await unlink(path);
}

/**
 * The process's streams and the file system: what the `trapeze` bin passes to {@link main}.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { main, nodeIo } from '@trapeze/cli';
 *
 * const file = join(tmpdir(), 'li-a0-42.bin');
 * await writeFile(file, new Uint8Array([0x13, 0x05, 0xa0, 0x02]));
 * (await nodeIo().readFile(file)).length; // → 4
 * // Prints the listing (li a0, 42) on standard output, as `trapeze disasm FILE` does.
 * await main(['disasm', file], nodeIo()); // → 0
 * ```
 */
export function nodeIo(): Io {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeFile: (path, data) => writeFile(path, data),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    onStdin: (listener, onEnd) => {
      let stopped = false;
      const end = () => {
        if (!stopped) onEnd?.(true);
      };
      if (!stdinAvailable()) {
        setImmediate(() => {
          if (!stopped) onEnd?.(false);
        });
        return () => {
          stopped = true;
        };
      }
      const stdin = process.stdin;
      const onData = (chunk: Buffer | string) => {
        listener(
          typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk),
        );
      };
      stdin.on('data', onData);
      stdin.on('end', end);
      // A read error (EIO from a terminal that went away) ends the input too.
      stdin.on('error', end);
      return () => {
        stopped = true;
        stdin.off('data', onData);
        stdin.off('end', end);
        stdin.off('error', end);
        stdin.pause();
      };
    },
    ...(isatty(0) ? { terminal: { setRawMode: setStdinRawMode } } : {}),
    onSignal: (listener) => {
      const handlers = (Object.keys(SIGNAL_NUMBERS) as HostSignal[]).map((signal) => {
        const handler = () => listener(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of handlers) process.off(signal, handler);
      };
    },
    checkWritable,
  };
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/** A short reason for a file-system error (`no such file or directory`). */
export function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REASONS[code] !== undefined) return REASONS[code];
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads an input file of `command`.
 *
 * @throws {@link UsageError} (`UNREADABLE_FILE`) that names the file and the reason.
 */
export async function readInput(io: Io, path: string, command: string): Promise<Uint8Array> {
  try {
    return await io.readFile(path);
  } catch (error) {
    throw new UsageError(
      'UNREADABLE_FILE',
      `cannot read '${path}': ${describeFileError(error)}`,
      command,
    );
  }
}
