/**
 * Errors of the command line. Each carries a code, the exit status it maps to and a message
 * that says what was wrong; {@link main} prints them on one line, never as a stack trace.
 *
 * @module
 */
import { ElfError } from '@trapeze/isa';

/** Codes of {@link UsageError}. */
export type UsageErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'UNKNOWN_OPTION'
  | 'MISSING_VALUE'
  | 'UNEXPECTED_VALUE'
  | 'MISSING_ARGUMENT'
  | 'EXTRA_ARGUMENT'
  | 'BAD_VALUE'
  | 'CONFLICTING_OPTIONS'
  | 'UNREADABLE_FILE'
  | 'BAD_INPUT';

/**
 * A mistake in how the command was invoked or in the input it was given (an unknown option, a
 * missing or unreadable file, a malformed ELF, a bad hexadecimal word). Exit status 2; the
 * message is followed by a hint to run `trapeze COMMAND --help`.
 */
export class UsageError extends Error {
  /** Exit status of a usage error. */
  readonly exitCode = 2;
  constructor(
    readonly code: UsageErrorCode,
    message: string,
    /** The command whose `--help` the hint points at (`null`: the top-level usage). */
    readonly command: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A command that was invoked correctly but failed (assembly errors, an output file that could
 * not be written). Exit status 1; `lines` are printed to standard error as they are.
 */
export class CommandFailed extends Error {
  /** Exit status of a failed command. */
  readonly exitCode = 1;
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'CommandFailed';
  }
}

/**
 * The usage error for a file that is not a valid ELF image (`ElfError`), or `error` itself
 * when it is something else.
 */
export function invalidElf(file: string, error: unknown, command: string): unknown {
  if (error instanceof ElfError) {
    return new UsageError(
      'BAD_INPUT',
      `'${file}' is not a valid ELF file: ${error.message}`,
      command,
    );
  }
  return error;
}
