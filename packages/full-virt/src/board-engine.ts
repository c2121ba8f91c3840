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

/** A board engine's description (the shape of `@trapeze/conformance`'s `BoardEngineOptions`). */
export interface BoardEngineDescription {
  readonly name: string;
  readonly core: (options: CoreOptions) => Core;
  readonly exits: (core: Core) => {
    readonly exits: Readonly<Record<string, number>>;
    readonly direct: number;
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
    exits: (made) => {
      if (!(made instanceof DirectCore))
        throw new FullVirtError('BAD_ARGUMENT', 'directBoard: exits of a core it did not make');
      const statistics = made.exits();
      return { exits: statistics.exits, direct: statistics.direct };
    },
  };
}
