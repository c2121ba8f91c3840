/**
 * Assembly errors as compilers print them: the `file:line:col: error: reason` message, then
 * the source line and a caret under the column.
 *
 * @module
 */
import type { AssemblyError } from '@trapeze/isa';

/**
 * How much of a source line is printed: lines longer than this show a window of this many
 * characters around the error column, with an ellipsis on each side that was cut.
 */
export const SOURCE_WINDOW = 80;

/**
 * The lines printed for one assembly error. The caret keeps the tabs of the source line so that
 * it lines up in a terminal. A line longer than {@link SOURCE_WINDOW} characters is cut to a
 * window around the column (a third before it, the rest after), marked with `…`.
 */
export function formatAssemblyError(
  error: AssemblyError,
  sourceLines: readonly string[],
): string[] {
  const line = sourceLines[error.line - 1];
  if (line === undefined) return [error.message];
  const at = Math.min(Math.max(0, error.column - 1), line.length);
  let start = 0;
  let end = line.length;
  if (line.length > SOURCE_WINDOW) {
    start = Math.max(0, Math.min(at - Math.floor(SOURCE_WINDOW / 3), line.length - SOURCE_WINDOW));
    end = start + SOURCE_WINDOW;
  }
  const before = start > 0 ? '…' : '';
  const after = end < line.length ? '…' : '';
  const prefix = (before + line.slice(start, at)).replace(/[^\t]/g, ' ');
  return [error.message, `${before}${line.slice(start, end)}${after}`, `${prefix}^`];
}
