/**
 * Generated programs: the record model, templates (fast-check arbitraries) and rendering to the
 * harness.
 *
 * @module
 */
export type { Avoidable, GenContext, GenContextOptions } from './context.js';
export { genContext, KNOWN_QEMU_DIFFERENCES } from './context.js';
export * from './convention.js';
export type * from './model.js';
export { instructionCount } from './model.js';
export type { CsrAccess } from './records.js';
export { machineCsrs, supervisorCsrs } from './records.js';
export { renderBody, renderProgram, renderRecord } from './render.js';
export { minimizeBody } from './shrink.js';
export type { Template, TemplateOptions } from './templates.js';
export {
  expectedResourceFaults,
  RESOURCE_COUNTERS,
  TEMPLATES,
  templateByName,
} from './templates.js';
