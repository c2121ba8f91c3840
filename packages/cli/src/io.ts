/**
 * The outside world of the command line, as an object: {@link main} takes one, so tests run
 * commands in-process with a fake and the `trapeze` bin passes {@link nodeIo}.
 *
 * @module
 */
import { fstatSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

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
   * Streams standard input: calls `listener` with each chunk of bytes as it arrives, until the
   * returned function is called. Absent, or a no-op, when there is no standard input to read.
   */
  onStdin?(listener: (chunk: Uint8Array) => void): () => void;
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

/** The process's streams and the file system. */
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
    onStdin: (listener) => {
      if (!stdinAvailable()) return () => {};
      const stdin = process.stdin;
      const onData = (chunk: Buffer | string) => {
        listener(
          typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk),
        );
      };
      stdin.on('data', onData);
      return () => {
        stdin.off('data', onData);
        stdin.pause();
      };
    },
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
