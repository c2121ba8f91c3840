/**
 * `@trapeze/cli`: the `trapeze` command (`run`, `disasm`, `asm`, `demo`, `conformance`) and the
 * same commands as a function, {@link main}, that takes its arguments and its outside world
 * ({@link Io}).
 *
 * @packageDocumentation
 */
export { main } from './cli.js';
export { DEMO_SOURCE } from './demo-program.js';
export type { UsageErrorCode } from './errors.js';
export { CommandFailed, UsageError } from './errors.js';
export type { HostSignal, Io, Terminal } from './io.js';
export { nodeIo, SIGNAL_NUMBERS } from './io.js';
export { VERSION } from './version.js';
