/**
 * `trapeze run` (the cli of `@trapeze/cli`) as a process engine — the second adapter of the
 * process protocol, and a check that the command line reaches the same states as the library.
 *
 * @module
 */

import { join } from 'node:path';
import type { CoreKind } from '@trapeze/cpu';
import type { ProgramRunner, RunExit } from '../contract.js';
import { BARE_CAPABILITIES, checkCore } from './bare.js';
import { checkExitStatus, processRunner } from './process.js';

/** Exit statuses of `trapeze run` (packages/cli/README.md) as exits. */
export function trapezeRunExitStatus(status: number, instructions: number): RunExit {
  checkExitStatus(status, instructions, 'trapezeRunExitStatus');
  switch (status) {
    case 124:
      return { kind: 'budget', code: 0, instructions };
    case 2:
      return {
        kind: 'error',
        code: 2,
        instructions,
        message: 'trapeze run: usage error or bad image',
      };
    case 3:
      return {
        kind: 'error',
        code: 3,
        instructions,
        message: 'reset: the guest asked for a reset',
      };
    case 125:
      return { kind: 'error', code: 125, instructions, message: 'idle: the hart waits forever' };
    case 126:
      return { kind: 'error', code: 126, instructions, message: 'stuck: a trap loop' };
    default:
      return { kind: 'halt', code: status, instructions };
  }
}

/** Options of {@link trapezeRunRunner}. */
export interface TrapezeRunOptions {
  /** The node binary (default: the one running this process). */
  readonly node?: string;
  readonly timeoutMs?: number;
  /**
   * The core `trapeze run` runs on (`--core`): `'interpreter'` or `'translator'`; the runner is
   * then named `trapeze-run/interpreter` or `trapeze-run/translator`. Default: the cli's own
   * default, and the name `trapeze-run`.
   */
  readonly core?: CoreKind;
}

/**
 * `node <cli> run --max-insns {budget} {elf}` (with `--core CORE` when `options.core` is given)
 * as a {@link ProgramRunner}; `cli` is the path of the cli's `dist/main.js`, or of the cli
 * package (then `dist/main.js` inside it is used).
 *
 * @throws {@link EngineError} `BAD_OPTION` for a core that is not one of `CORE_KINDS`.
 *
 * @example
 * ```ts
 * import { BARE_CAPABILITIES, trapezeRunExitStatus, trapezeRunRunner } from '@trapeze/conformance';
 *
 * // In this repository, after `npm start`: the built `trapeze` command.
 * const cli = trapezeRunRunner('packages/cli/dist/main.js', { timeoutMs: 60_000 });
 * cli.name; // → 'trapeze-run'
 * trapezeRunRunner('packages/cli/dist/main.js', { core: 'interpreter' }).name; // → 'trapeze-run/interpreter'
 * cli.capabilities === BARE_CAPABILITIES; // → true
 * // `trapeze run` exit statuses become contract exits: 124 is the budget, 126 a trap loop.
 * trapezeRunExitStatus(124, 0); // → { kind: 'budget', code: 0, instructions: 0 }
 * trapezeRunExitStatus(126, 0).kind; // → 'error'
 * // Then, as any runner: await cli.runProgram(image, budget).
 * ```
 */
export function trapezeRunRunner(cli: string, options: TrapezeRunOptions = {}): ProgramRunner {
  const main = cli.endsWith('.js') ? cli : join(cli, 'dist', 'main.js');
  const core = options.core === undefined ? undefined : checkCore(options.core, 'trapezeRunRunner');
  return processRunner({
    name: core === undefined ? 'trapeze-run' : `trapeze-run/${core}`,
    command: [
      options.node ?? process.execPath,
      main,
      'run',
      ...(core === undefined ? [] : ['--core', core]),
      '--max-insns',
      '{budget}',
      '{elf}',
    ],
    capabilities: BARE_CAPABILITIES,
    exitStatus: trapezeRunExitStatus,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
