/**
 * The host threads beside the one that runs guest code.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The niceness {@link yieldHelperThreads} gives the helper threads: the lowest priority. */
export const HELPER_THREAD_NICENESS = 19;

/**
 * Lowers the scheduling priority of every thread of this process but the main one — the
 * engine's background compilers and garbage-collector helpers — so that the thread running
 * guest code keeps a core. A translator core makes the engine optimize its WebAssembly in the
 * background; Node starts four such helper threads whatever the host has, and on a host with
 * two cores their compiles take both from the main thread now and then: the guest waits for
 * a core while its own code is being optimized. At the lowest priority they use what the main
 * thread leaves. (A runtime's compiler threads below its execution threads, as in JVMs.)
 *
 * Linux only (each thread of `/proc/self/task` reniced; raising niceness needs no privilege);
 * elsewhere it changes nothing. Threads started later keep their priority. The portable
 * alternative is fewer helper threads: `node --v8-pool-size=1` (or in `NODE_OPTIONS`).
 *
 * @returns the number of threads whose priority it lowered.
 */
export function yieldHelperThreads(): number {
  if (process.platform !== 'linux') return 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const task of tasks) {
    const tid = Number(task);
    if (!Number.isInteger(tid) || tid === process.pid) continue;
    try {
      setPriority(tid, HELPER_THREAD_NICENESS);
      lowered++;
    } catch {
      // The thread ended meanwhile, or the host does not allow it: it keeps its priority.
    }
  }
  return lowered;
}
