/**
 * `@trapeze/cpu`: execution. The hart's memory path, the core contract (run → typed exit, trap
 * sink, interrupt lines) and two cores behind it: the interpreter (the executable
 * specification) and the translator (guest blocks compiled to host code, cached, chained,
 * invalidated when their code is written).
 *
 * @packageDocumentation
 */
export type {
  Core,
  CoreExit,
  CoreKind,
  CoreOptions,
  CoreStatistics,
  InterruptLines,
  TrapSink,
} from './core.js';
export {
  CORE_EXIT_NAMES,
  CORE_KINDS,
  EXIT_BREAKPOINT,
  EXIT_BUDGET,
  EXIT_CALL,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
} from './core.js';
export { CoreMemory } from './core-memory.js';
export { createCore } from './create-core.js';
export type { CpuErrorCode } from './errors.js';
export { CpuError } from './errors.js';
export { InterpreterCore } from './interpreter-core.js';
export { NestedCore } from './nested-core.js';
export type {
  BlockCalls,
  BlockEmitter,
  BlockFunction,
  BlockInstruction,
  CompiledBlock,
  RegionEntry,
} from './translator/block-compiler.js';
export {
  callsInline,
  compileBlock,
  MAX_BLOCK_INSTRUCTIONS,
  TLB_ENTRIES,
} from './translator/block-compiler.js';
export type { CallPolicy, CallResult } from './translator/call-policy.js';
export { CALL_DONE, CALL_EXIT, CALL_HART, CALL_TRAP } from './translator/call-policy.js';
export type { HostCode, TranslatorOptions } from './translator/translator-core.js';
export { DEFAULT_CACHE_LIMIT, TranslatorCore } from './translator/translator-core.js';
export { createCoreRam } from './translator/wasm-state.js';
