/**
 * `trapeze run` (the cli of `@trapeze/cli`) as a process engine — the second adapter of the
 * process protocol, and a check that the command line reaches the same states as the library.
 *
 * @module
 */

import { join } from 'node:path';
import type { ProgramRunner, RunExit } from '../contract.js';
import { BARE_CAPABILITIES } from './bare.js';
import { processRunner } from './process.js';

/** Exit statuses of `trapeze run` (packages/cli/README.md) as exits. */
export function trapezeRunExitStatus(status: number, instructions: number): RunExit {
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
}

/**
 * `node <cli> run --max-insns {budget} {elf}` as a {@link ProgramRunner}; `cli` is the path of
 * the cli's `dist/main.js`, or of the cli package (then `dist/main.js` inside it is used).
 */
export function trapezeRunRunner(cli: string, options: TrapezeRunOptions = {}): ProgramRunner {
  const main = cli.endsWith('.js') ? cli : join(cli, 'dist', 'main.js');
  return processRunner({
    name: 'trapeze-run',
    command: [options.node ?? process.execPath, main, 'run', '--max-insns', '{budget}', '{elf}'],
    capabilities: BARE_CAPABILITIES,
    exitStatus: trapezeRunExitStatus,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
