/**
 * The version of `@trapeze/cli`, read from its package.json at build time.
 *
 * @module
 */
import packageJson from '../package.json' with { type: 'json' };

/** The version of `@trapeze/cli` (from its package.json). */
export const VERSION: string = packageJson.version;
