/**
 * The `trapeze` command line: picks the subcommand, runs it, and turns every error into a
 * message and an exit status.
 *
 * @module
 */
import { ElfError, IsaStringError } from '@trapeze/isa';
import { suggest, wantsHelp } from './args.js';
import type { Command } from './command.js';
import { asm } from './commands/asm.js';
import { conformance } from './commands/conformance.js';
import { demo } from './commands/demo.js';
import { disasm } from './commands/disasm.js';
import { run } from './commands/run.js';
import { CommandFailed, UsageError } from './errors.js';
import { type Io, nodeIo } from './io.js';
import { commandHelp, mainHelp } from './usage.js';
import { VERSION } from './version.js';

/** The subcommands of `trapeze`. */
export const COMMANDS: readonly Command[] = [run, disasm, asm, demo, conformance];

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command !== undefined) return command;
  const guess = suggest(name, [...COMMANDS.map((c) => c.name), 'help']);
  throw new UsageError(
    'UNKNOWN_COMMAND',
    `unknown command '${name}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
  );
}

function report(io: Io, error: unknown, command: string | null): number {
  if (error instanceof UsageError) {
    const who = error.command ?? command;
    io.stderr(`trapeze${who === null ? '' : ` ${who}`}: error: ${error.message}\n`);
    io.stderr(`Run 'trapeze ${who === null ? '' : `${who} `}--help' for usage.\n`);
    return error.exitCode;
  }
  if (error instanceof CommandFailed) {
    io.stderr(`${error.lines.join('\n')}\n`);
    return error.exitCode;
  }
  if (error instanceof ElfError || error instanceof IsaStringError) {
    return report(io, new UsageError('BAD_INPUT', error.message, command), command);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`trapeze: internal error: ${message}\n`);
  io.stderr('This is a bug in trapeze; please report it with the command that caused it.\n');
  return 1;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError('MISSING_ARGUMENT', 'no command given (try trapeze demo)');
  }
  if (first === '--help' || first === '-h') {
    io.stdout(mainHelp(COMMANDS, VERSION));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`trapeze ${VERSION}\n`);
    return 0;
  }
  if (first === 'help') {
    const [topic, extra] = rest;
    if (extra !== undefined) {
      throw new UsageError(
        'EXTRA_ARGUMENT',
        `help takes one command (got '${topic}' and '${extra}')`,
      );
    }
    io.stdout(topic === undefined ? mainHelp(COMMANDS, VERSION) : commandHelp(findCommand(topic)));
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError('UNKNOWN_OPTION', `unknown option '${first}'`);
  const command = findCommand(first);
  if (wantsHelp(rest)) {
    io.stdout(commandHelp(command));
    return 0;
  }
  return command.run(rest, io);
}

/**
 * Runs `trapeze` with `argv` (the arguments after the program name) and resolves to the exit
 * status: 0 on success, 1 when the command failed (assembly errors, an unwritable output),
 * 2 for usage errors and bad input. Never rejects: every error is reported on `io.stderr`.
 *
 * @example
 * ```ts
 * import { main } from '@trapeze/cli';
 *
 * process.exitCode = await main(['disasm', '--hex', '0x00a58533']);
 * ```
 */
export async function main(argv: readonly string[], io: Io = nodeIo()): Promise<number> {
  const command = COMMANDS.some((c) => c.name === argv[0]) ? (argv[0] as string) : null;
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return report(io, error, command);
  }
}
