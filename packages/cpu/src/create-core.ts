/**
 * Making a core by name.
 *
 * @module
 */
import { CORE_KINDS, type Core, type CoreKind, type CoreOptions } from './core.js';
import { InterpreterCore } from './interpreter-core.js';
import { TranslatorCore, type TranslatorOptions } from './translator/translator-core.js';
import { checkCoreKind } from './validate.js';

/**
 * A new core of `kind` on the memory system in `options`.
 *
 * @throws {@link CpuError} `BAD_ARGUMENT` for a kind that is not a {@link CoreKind}.
 */
export function createCore(kind: CoreKind, options: CoreOptions & TranslatorOptions): Core {
  return checkCoreKind(kind, CORE_KINDS) === 'translator'
    ? new TranslatorCore(options)
    : new InterpreterCore(options);
}
