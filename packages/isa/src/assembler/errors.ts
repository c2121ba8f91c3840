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

/** One problem in the source. */
export class AssemblyError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    /** The reason, without the position. */
    readonly reason: string,
    /** Name of the source, for messages (`<input>` by default). */
    readonly file = '<input>',
  ) {
    super(`${file}:${line}:${column}: error: ${reason}`);
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
