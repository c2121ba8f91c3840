/**
 * `yieldHelperThreads` (src/node/helper-threads.ts), in a process of its own (it renices the
 * threads of the process it runs in): the built `@trapeze/cpu/node` entry, on Linux.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../../../test-support.ts';
import { HELPER_THREAD_NICENESS } from '../../src/node/index.js';

const ENTRY = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));
const built = requireTool(
  'packages/cpu/dist/node/index.js',
  existsSync(ENTRY),
  'the helper-thread tests skipped (build the workspace first)',
);

/** Runs `call` (a statement) in a fresh Node process and returns each thread's niceness after it. */
function threadsAfter(call: string): { lowered: number; main: number; others: number[] } {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    const { yieldHelperThreads } = await import(${JSON.stringify(pathToFileURL(ENTRY).href)});
    const lowered = ${call};
    const nice = (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
    const tids = readdirSync('/proc/self/task').map(Number);
    console.log(JSON.stringify({ lowered, main: nice(process.pid), others: tids.filter((t) => t !== process.pid).map(nice) }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout);
}

describe.runIf(process.platform === 'linux')('yieldHelperThreads (Linux)', () => {
  it.runIf(built)('puts every thread but the main one at the lowest priority', () => {
    const before = threadsAfter('0');
    expect(before.others.length).toBeGreaterThan(0);
    expect(before.others.every((n) => n === before.main)).toBe(true);
    const after = threadsAfter('yieldHelperThreads()');
    expect(after.main).toBe(before.main);
    expect(after.lowered).toBe(after.others.length);
    expect(after.others.every((n) => n === HELPER_THREAD_NICENESS)).toBe(true);
  });
});
