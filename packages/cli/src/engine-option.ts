/**
 * The `--engine` and `--policy` options of `run`: whether the image runs on the bare board or
 * under a hypervisor engine of `@trapeze/full-virt`, and the `translate` engine's policy.
 *
 * @module
 */
import { ENGINES, type Engine, TRANSLATE_POLICIES, type TranslatePolicy } from '@trapeze/full-virt';
import { type OptionSpec, suggest } from './args.js';
import { UsageError } from './errors.js';

/** `--engine ENGINE`. */
export const ENGINE_OPTION: OptionSpec = {
  name: 'engine',
  value: 'ENGINE',
  description: `how guest code runs: ${ENGINES.map((k, i) => (i === 0 ? `${k} (default)` : k)).join(', ')} (under a hypervisor: trap-and-emulate, binary translation)`,
};

/** `--policy POLICY`. */
export const POLICY_OPTION: OptionSpec = {
  name: 'policy',
  value: 'POLICY',
  description: `with --engine translate: whose sensitive instructions become calls, ${TRANSLATE_POLICIES.map((k, i) => (i === 0 ? `${k} (default: the kernel's)` : `${k} (every mode's)`)).join(' or ')}`,
};

/**
 * The policy named by `--policy`: undefined when absent (the engine's default).
 *
 * @throws {@link UsageError} `BAD_VALUE` for an unknown policy, or a policy without
 * `--engine translate`.
 */
export function policyOption(
  value: string | undefined,
  engine: Engine,
  command: string,
): TranslatePolicy | undefined {
  if (value === undefined) return undefined;
  if (engine !== 'translate')
    throw new UsageError(
      'BAD_VALUE',
      `--policy is the translate engine's (--engine translate), not ${engine}'s`,
      command,
    );
  const policy = TRANSLATE_POLICIES.find((k) => k === value);
  if (policy !== undefined) return policy;
  const guess = suggest(value, TRANSLATE_POLICIES);
  throw new UsageError(
    'BAD_VALUE',
    `--policy '${value}' is not one of ${TRANSLATE_POLICIES.join(', ')}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
    command,
  );
}

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
