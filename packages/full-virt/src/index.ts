/**
 * `@trapeze/full-virt`: full virtualization. A hypervisor that runs an unmodified guest image —
 * M-mode firmware, an S-mode kernel, its U-mode programs — on a `virt` board of its own, with
 * the real hart deprivileged to U-mode: the `direct` engine (trap-and-emulate, shadow Sv32 page
 * tables, exits counted by reason) and the `translate` engine (binary translation: sensitive
 * instructions of the guest kernel compiled into calls, adaptive translation of accesses that
 * keep trapping).
 *
 * @packageDocumentation
 */
export type { BoardEngineDescription } from './board-engine.js';
export { directBoard, translateBoard } from './board-engine.js';
export type { DirectCoreOptions } from './direct-core.js';
export { DirectCore } from './direct-core.js';
export type { Engine, EngineMachineOptions } from './engines.js';
export { createEngineMachine, ENGINES, exitStatistics } from './engines.js';
export type { FullVirtErrorCode } from './errors.js';
export { FullVirtError } from './errors.js';
export type { ExitReason, ExitStatistics } from './exits.js';
export { EXIT_REASONS, ExitCounters, sensitiveReason } from './exits.js';
export {
  DEFAULT_SHADOW_PAGES,
  HYPERVISOR_BASE,
  MAP_ADDED,
  MAP_FULL,
  MAP_PRESENT,
  SHADOW_FETCH,
  SHADOW_LOAD,
  SHADOW_STORE,
  ShadowTables,
} from './shadow-tables.js';
export type { TranslateCoreOptions, TranslatePolicy } from './translate-core.js';
export {
  DEFAULT_ADAPT_AFTER,
  TRANSLATE_POLICIES,
  TranslateCore,
} from './translate-core.js';
