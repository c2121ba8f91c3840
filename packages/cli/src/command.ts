/**
 * The shape of a `trapeze` subcommand: its help and how it runs.
 *
 * @module
 */
import type { OptionSpec } from './args.js';
import type { Io } from './io.js';

/** A subcommand of `trapeze`. */
export interface Command {
  readonly name: string;
  /** One line for the command list of `trapeze --help`. */
  readonly summary: string;
  /** Usage lines, without the leading `trapeze `. */
  readonly synopsis: readonly string[];
  /** Paragraphs of `trapeze COMMAND --help`, each a list of lines. */
  readonly description: readonly (readonly string[])[];
  readonly options: readonly OptionSpec[];
  /**
   * Example invocations, without the leading `trapeze ` (a later command on the same line,
   * after `;`, `&&` or `|`, spells out its `trapeze`).
   */
  readonly examples: readonly string[];
  /** The exit statuses of the command, as lines ending its `--help`. */
  readonly exitStatus: readonly string[];
  /**
   * Runs the command with its arguments (after the command name) and resolves to the exit
   * status. Throws {@link UsageError} or {@link CommandFailed}; {@link main} reports them.
   */
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** The `--help` option every command has. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'show this help' };

/** Writes a warning of `command` to standard error. */
export function warn(io: Io, command: string, message: string): void {
  io.stderr(`trapeze ${command}: warning: ${message}\n`);
}
