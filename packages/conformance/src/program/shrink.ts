/**
 * A final pass after fast-check's shrinking: removes body records one at a time (and unrolls
 * loops into their bodies) while the program still fails, so the kept case is minimal by
 * removal. fast-check's array shrinker can stop with a record that no longer matters.
 *
 * @module
 */
import type { BodyRecord, Program } from './model.js';

/**
 * The smallest body (by removing records, or replacing a loop by its body) for which `fails`
 * still holds, starting from a failing `program`. At most `limit` attempts.
 */
export async function minimizeBody(
  program: Program,
  fails: (candidate: Program) => boolean | Promise<boolean>,
  limit = 500,
): Promise<Program> {
  let current = program;
  let attempts = 0;
  let changed = true;
  while (changed && attempts < limit) {
    changed = false;
    for (let i = current.body.length - 1; i >= 0 && attempts < limit; i--) {
      const record = current.body[i] as BodyRecord;
      const candidates: BodyRecord[][] = [
        [...current.body.slice(0, i), ...current.body.slice(i + 1)],
      ];
      if (record.kind === 'loop')
        candidates.push([
          ...current.body.slice(0, i),
          ...record.body,
          ...current.body.slice(i + 1),
        ]);
      for (const body of candidates) {
        attempts++;
        const candidate: Program = { ...current, body };
        if (await fails(candidate)) {
          current = candidate;
          changed = true;
          break;
        }
      }
    }
  }
  return current;
}
