/**
 * Help texts: `trapeze --help` and `trapeze COMMAND --help`.
 *
 * @module
 */
import type { OptionSpec } from './args.js';
import type { Command } from './command.js';

function optionLabel(option: OptionSpec): string {
  const long = `--${option.name}${option.value === undefined ? '' : ` ${option.value}`}`;
  return option.short === undefined ? `    ${long}` : `-${option.short}, ${long}`;
}

/**
 * What `trapeze --help` says about exit statuses: only what holds for every command (each
 * command's own statuses are in its help, and may give 1 or other numbers other meanings).
 */
export const EXIT_STATUS = [
  'Exit status: 2 for a usage error or bad input (an unknown command or option, an unreadable',
  "file, a malformed ELF), whatever the command; the other statuses are each command's own",
  '(trapeze COMMAND --help).',
];

/** `trapeze COMMAND --help`. */
export function commandHelp(command: Command): string {
  const [first, ...rest] = command.synopsis;
  const width = Math.max(...command.options.map((o) => optionLabel(o).length)) + 2;
  const lines = [
    `usage: trapeze ${first}`,
    ...rest.map((s) => `       trapeze ${s}`),
    '',
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    ...command.description.flatMap((paragraph) => [...paragraph, '']),
    'Options:',
    ...command.options.map((o) => `  ${optionLabel(o).padEnd(width)}${o.description}`),
    '',
    'Examples:',
    ...command.examples.map((e) => `  trapeze ${e}`),
    '',
    ...command.exitStatus,
  ];
  return `${lines.join('\n')}\n`;
}

/** `trapeze --help`. */
export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = [
    `trapeze ${version}: RISC-V RV32 virtualization toolkit`,
    '',
    'usage: trapeze COMMAND [options] [arguments]',
    '       trapeze help [COMMAND]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}show this help, or the help of a command`,
    '',
    'Options:',
    '  -h, --help     show help (trapeze COMMAND --help for a command)',
    '  -V, --version  print the version',
    '',
    ...EXIT_STATUS,
  ];
  return `${lines.join('\n')}\n`;
}
