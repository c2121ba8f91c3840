/**
 * The `trapeze` command line: picks the subcommand, runs it, and turns every error into a
 * message and an exit status.
 *
 * @module
 */
import { ConformanceError } from '@trapeze/conformance';
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
  // An option the command passed on unchanged that the library finds out of range
  // (`--concurrency 5000`): a usage error, not an internal one.
  if (error instanceof ConformanceError && error.code === 'BAD_OPTION') {
    return report(io, new UsageError('BAD_VALUE', error.message, command), command);
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
    // `help --help` and `help run -h` ask for help too: the flags add nothing.
    const words = rest.filter((arg) => arg !== '--help' && arg !== '-h');
    const option = words.find((arg) => arg.startsWith('-'));
    if (option !== undefined) throw new UsageError('UNKNOWN_OPTION', `unknown option '${option}'`);
    const [topic, extra] = words;
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
 * status: 2 for usage errors and bad input, else the command's own (each command's help lists
 * them; 0 is success). Never rejects: every error is reported on `io.stderr`.
 *
 * From a shell, the same commands are the `trapeze` bin (in this repository, after `npm start`:
 * `node packages/cli/dist/main.js run guest.elf`).
 *
 * @example
 * ```ts
 * import { type Io, main } from '@trapeze/cli';
 *
 * // An Io in memory: a test, or a host that is not a terminal.
 * const files = new Map<string, Uint8Array>();
 * let out = '';
 * let err = '';
 * const io: Io = {
 *   stdout: (text) => {
 *     out += text;
 *   },
 *   stderr: (text) => {
 *     err += text;
 *   },
 *   readFile: async (path) => {
 *     const data = files.get(path);
 *     if (data === undefined) throw Object.assign(new Error(path), { code: 'ENOENT' });
 *     return data;
 *   },
 *   writeFile: async (path, data) => {
 *     files.set(path, data);
 *   },
 *   readStdin: async () => '',
 * };
 *
 * // trapeze asm --elf hi.S -o hi.elf: a guest that prints "hi" and fails with code 7.
 * const source = `_start:
 *   li t0, 0x10000000
 *   li t1, 'h'
 *   sb t1, 0(t0)
 *   li t1, 'i'
 *   sb t1, 0(t0)
 *   li t0, 0x100000
 *   li t1, (7 << 16) | 0x3333
 *   sw t1, 0(t0)
 * 1: j 1b
 * `;
 * files.set('hi.S', new TextEncoder().encode(source));
 * await main(['asm', '--elf', 'hi.S', '-o', 'hi.elf'], io); // → 0
 *
 * // trapeze run hi.elf: the guest's console on stdout, the exit status is its code.
 * await main(['run', 'hi.elf'], io); // → 7
 * out; // → 'hi'
 * err; // → '\ntrapeze run: the guest failed with code 7\n'
 *
 * out = '';
 * await main(['disasm', '--format=tsv', '--hex', '0x00a58533', '4505'], io); // → 0
 * out; // → '00000000\t00a58533\tadd a0, a1, a0\n00000004\t4505\tli a0, 1\n'
 *
 * err = '';
 * await main(['run', 'missing.elf'], io); // → 2
 * err; // → "trapeze run: error: cannot read 'missing.elf': no such file or directory\nRun 'trapeze run --help' for usage.\n"
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
