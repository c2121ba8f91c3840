/**
 * The `--engine` option of `run`: whether the image runs on the bare board or under a hypervisor
 * engine of `@trapeze/full-virt`.
 *
 * @module
 */
import { ENGINES, type Engine } from '@trapeze/full-virt';
import { type OptionSpec, suggest } from './args.js';
import { UsageError } from './errors.js';

/** `--engine ENGINE`. */
export const ENGINE_OPTION: OptionSpec = {
  name: 'engine',
  value: 'ENGINE',
  description: `how guest code runs: ${ENGINES.map((k, i) => (i === 0 ? `${k} (default)` : k)).join(' or ')} (trap-and-emulate under a hypervisor)`,
};

/**
 * The engine named by `--engine`, `bare` when absent.
 *
 * @throws {@link UsageError} `BAD_VALUE` naming the value and the engines there are.
 */
export function engineOption(value: string | undefined, command: string): Engine {
  if (value === undefined) return 'bare';
  const engine = ENGINES.find((k) => k === value);
  if (engine !== undefined) return engine;
  const guess = suggest(value, ENGINES);
  throw new UsageError(
    'BAD_VALUE',
    `--engine '${value}' is not one of ${ENGINES.join(', ')}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
    command,
  );
}
