/**
 * `@trapeze/cpu/node`: what running a core needs of a Node host — the main thread first
 * ({@link yieldHelperThreads}). The main entry (`@trapeze/cpu`) runs in browsers too and never
 * imports this.
 *
 * @packageDocumentation
 */
export { HELPER_THREAD_NICENESS, yieldHelperThreads } from './helper-threads.js';
