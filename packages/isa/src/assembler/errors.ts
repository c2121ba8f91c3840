/**
 * Assembly errors: every one names the line, the column and the reason.
 *
 * @module
 */

/** Where in the source something is (1-based line and column). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The most characters of source text that an error quotes (a name, a number, an operand). */
export const MAX_QUOTED = 40;

/**
 * `reason` with every run of source text in it longer than {@link MAX_QUOTED} characters cut
 * to its first {@link MAX_QUOTED}, with an ellipsis: a 400 KB identifier on a line gives a
 * one-line error, not a 400 KB one. (The phrases of the reasons themselves have no such runs.)
 */
export function clipQuoted(reason: string): string {
  return reason.replace(
    new RegExp(`[^\\s"]{${MAX_QUOTED + 1},}`, 'g'),
    (run) => `${run.slice(0, MAX_QUOTED)}…`,
  );
}

/** One problem in the source. */
export class AssemblyError extends Error {
  /**
   * The reason, without the position (runs of source text in it longer than
   * {@link MAX_QUOTED} characters cut, with an ellipsis).
   */
  readonly reason: string;
  constructor(
    readonly line: number,
    readonly column: number,
    reason: string,
    /** Name of the source, for messages (`<input>` by default). */
    readonly file = '<input>',
  ) {
    const clipped = clipQuoted(reason);
    super(`${file}:${line}:${column}: error: ${clipped}`);
    this.reason = clipped;
    this.name = 'AssemblyError';
  }
}

/** Thrown by the assembler with every error it found (at least one). */
export class AssembleError extends Error {
  readonly code = 'ASSEMBLY';
  /** The errors, in source order. */
  readonly errors: readonly AssemblyError[];
  constructor(errors: readonly AssemblyError[]) {
    const sorted = [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
    super(sorted.map((e) => e.message).join('\n'));
    this.errors = sorted;
    this.name = 'AssembleError';
  }
}
