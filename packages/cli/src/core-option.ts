/**
 * The `--core` option of the commands that run guests on the `virt` board (`run`, `demo`): which
 * core of `@trapeze/cpu` executes the guest.
 *
 * @module
 */
import { CORE_KINDS, type CoreKind } from '@trapeze/cpu';
import { DEFAULT_CORE } from '@trapeze/machine';
import { type OptionSpec, suggest } from './args.js';
import { UsageError } from './errors.js';

/** The cores, the default first: `translator, interpreter`. */
export const CORE_NAMES: readonly CoreKind[] = [
  DEFAULT_CORE,
  ...CORE_KINDS.filter((k) => k !== DEFAULT_CORE),
];

/** `--core CORE`. */
export const CORE_OPTION: OptionSpec = {
  name: 'core',
  value: 'CORE',
  description: `the execution core: ${CORE_NAMES.map((k, i) => (i === 0 ? `${k} (default)` : k)).join(' or ')}`,
};

/**
 * The core named by `--core`, the machine's default (the translator) when absent.
 *
 * @throws {@link UsageError} `BAD_VALUE` naming the value and the cores there are.
 */
export function coreOption(value: string | undefined, command: string): CoreKind {
  if (value === undefined) return DEFAULT_CORE;
  const core = CORE_KINDS.find((k) => k === value);
  if (core !== undefined) return core;
  const guess = suggest(value, CORE_KINDS);
  throw new UsageError(
    'BAD_VALUE',
    `--core '${value}' is not one of ${CORE_NAMES.join(', ')}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
    command,
  );
}
