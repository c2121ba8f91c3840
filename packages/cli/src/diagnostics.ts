/**
 * Assembly errors as compilers print them: the `file:line:col: error: reason` message, then
 * the source line and a caret under the column.
 *
 * @module
 */
import type { AssemblyError } from '@trapeze/isa';

/**
 * The lines printed for one assembly error. The caret keeps the tabs of the source line so that
 * it lines up in a terminal.
 */
export function formatAssemblyError(
  error: AssemblyError,
  sourceLines: readonly string[],
): string[] {
  const line = sourceLines[error.line - 1];
  if (line === undefined) return [error.message];
  const prefix = line.slice(0, Math.max(0, error.column - 1)).replace(/[^\t]/g, ' ');
  return [error.message, line, `${prefix}^`];
}
