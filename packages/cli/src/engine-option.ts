/**
 * The `--engine` and `--policy` options of `run`: whether the image runs on the bare board,
 * under a hypervisor engine of `@trapeze/full-virt`, or under `@trapeze/para-virt`'s `para`
 * hypervisor (a kernel built for the PV ABI), and the `translate` engine's policy.
 *
 * @module
 */
import {
  ENGINES as FULL_ENGINES,
  TRANSLATE_POLICIES,
  type TranslatePolicy,
} from '@trapeze/full-virt';

/** An engine `--engine` names. */
export type Engine = (typeof FULL_ENGINES)[number] | 'para';

/** Every engine of `run`, the bare board first. */
export const ENGINES: readonly Engine[] = [...FULL_ENGINES, 'para'];

import { type OptionSpec, suggest } from './args.js';
import { UsageError } from './errors.js';

/** `--engine ENGINE`. */
export const ENGINE_OPTION: OptionSpec = {
  name: 'engine',
  value: 'ENGINE',
  description: `how guest code runs: ${ENGINES.map((k, i) => (i === 0 ? `${k} (default)` : k)).join(', ')} (under a hypervisor: trap-and-emulate, binary translation, paravirtualization)`,
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
