/**
 * The `direct` engine as the conformance suite takes an engine built as a core: a name, a core
 * factory and the core's exits (`@trapeze/conformance`'s `boardEngine(directBoard())`). This
 * package does not depend on the suite; the shape is structural.
 *
 * @module
 */
import type { Core, CoreKind, CoreOptions } from '@trapeze/cpu';
import { DirectCore } from './direct-core.js';
import { FullVirtError } from './errors.js';
import { TRANSLATE_POLICIES, TranslateCore, type TranslatePolicy } from './translate-core.js';

/** A board engine's description (the shape of `@trapeze/conformance`'s `BoardEngineOptions`). */
export interface BoardEngineDescription {
  readonly name: string;
  readonly core: (options: CoreOptions) => Core;
  readonly exits: (core: Core) => {
    readonly exits: Readonly<Record<string, number>>;
    readonly direct: number;
    /** Hypercalls by call (a paravirtual engine's). */
    readonly hypercalls?: Readonly<Record<string, number>>;
  };
  /**
   * What differs from the bare machine's conformance capabilities (a paravirtual guest starts
   * in S-mode; an engine whose state a board snapshot does not hold has no snapshots).
   */
  readonly capabilities?: {
    readonly modes?: readonly ('M' | 'S' | 'U')[];
    readonly snapshot?: boolean;
  };
}

/**
 * The `direct` engine on real core `core`, named `direct/<core>`, for the conformance suite.
 *
 * @example
 * ```ts
 * import { directBoard } from '@trapeze/full-virt';
 *
 * const description = directBoard('interpreter');
 * description.name; // → 'direct/interpreter'
 * // boardEngine(description) in @trapeze/conformance makes it an Engine.
 * ```
 *
 * @throws {@link FullVirtError} `BAD_ARGUMENT` for a core that is not a `CoreKind`
 */
export function directBoard(core: CoreKind = 'translator'): BoardEngineDescription {
  if (core !== 'interpreter' && core !== 'translator')
    throw new FullVirtError(
      'BAD_ARGUMENT',
      `directBoard: core must be 'interpreter' or 'translator', not ${String(core)}`,
    );
  return {
    name: `direct/${core}`,
    core: (options) => new DirectCore(options, { core }),
    exits: (made) => exitsOf(made, 'directBoard'),
  };
}

/**
 * The `translate` engine under `policy`, named `translate/<policy>`, for the conformance suite.
 *
 * @example
 * ```ts
 * import { translateBoard } from '@trapeze/full-virt';
 *
 * translateBoard('all').name; // → 'translate/all'
 * ```
 *
 * @throws {@link FullVirtError} `BAD_ARGUMENT` for a policy that is not a `TranslatePolicy`
 */
export function translateBoard(policy: TranslatePolicy = 'hybrid'): BoardEngineDescription {
  if (!TRANSLATE_POLICIES.includes(policy))
    throw new FullVirtError(
      'BAD_ARGUMENT',
      `translateBoard: policy must be one of ${TRANSLATE_POLICIES.join(', ')}, not ${String(policy)}`,
    );
  return {
    name: `translate/${policy}`,
    core: (options) => new TranslateCore(options, { policy }),
    exits: (made) => exitsOf(made, 'translateBoard'),
  };
}

/** The exits of a hypervisor core a description made. */
function exitsOf(made: Core, by: string) {
  if (!(made instanceof DirectCore))
    throw new FullVirtError('BAD_ARGUMENT', `${by}: exits of a core it did not make`);
  const statistics = made.exits();
  return { exits: statistics.exits, direct: statistics.direct };
}
