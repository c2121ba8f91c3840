/**
 * Buffered line output: listings of large binaries have millions of lines, so they are
 * written in chunks instead of being held in memory or written one by one.
 *
 * @module
 */

/** Somewhere lines go (a `string[]` is one). */
export interface LineSink {
  push(...lines: string[]): unknown;
}

/** Size of the chunks {@link LineWriter} writes. */
const CHUNK = 1 << 16;

/** Collects lines and writes them, newline-terminated, in chunks of about 64 KiB. */
export class LineWriter implements LineSink {
  private buffer = '';
  /** Number of lines written so far (buffered ones included). */
  lines = 0;

  constructor(private readonly write: (text: string) => void) {}

  push(...lines: string[]): void {
    for (const line of lines) this.buffer += `${line}\n`;
    this.lines += lines.length;
    if (this.buffer.length >= CHUNK) this.flush();
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.buffer === '') return;
    this.write(this.buffer);
    this.buffer = '';
  }
}
