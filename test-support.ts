/**
 * Test support shared by every package's tests, imported by relative path as `vitest.shared.ts`
 * is (`import { requireTool } from '../../../test-support.ts'` from `packages/NAME/test/`).
 *
 * Tests that need something outside their package — a tool `.ci/run` installs (QEMU, LLVM, dtc,
 * clang) or a build output (another package's `dist/`, a built binary) — ask `requireTool`
 * whether to run. On a developer machine a missing tool prints a warning and the tests skip;
 * under CI (`CI=true`, which `.ci/run` sets) a missing tool is a failing test with the same
 * message, so CI never ends green with tests that did not run.
 */
import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

/** Whether the environment says CI: `CI` set to anything but empty, `0` or `false`. */
export function isCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Whether `command args…` (default `--version`) starts and exits 0: the tool is on the PATH. */
export function hasCommand(command: string, args: readonly string[] = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Where `requireTool` reports; the defaults are the console and vitest's `it`. */
export interface RequireToolOptions {
  /** CI mode (default: `isCi()`). */
  readonly ci?: boolean;
  /** Prints the warning on a developer machine (default `console.warn`). */
  readonly warn?: (message: string) => void;
  /** Registers the failing test under CI (default vitest's `it`). */
  readonly fail?: (title: string, test: () => never) => void;
}

/**
 * Whether the tests that need `name` can run: `true` when `available`. When not:
 * - on a developer machine, warns `NAME not found: MESSAGE` and returns `false`, so the tests
 *   skip (`describe.skipIf(!ok)`, `it.skipIf(!ok)`);
 * - under CI (`CI=true`), registers a test `requires NAME` that fails with that message, and
 *   returns `false` (the dependent tests skip; the run fails).
 *
 * Call it at the top level of the test file (module scope), not inside a `describe` that may be
 * skipped: the failing test is registered where it is called.
 *
 * @param name the tool or build output, as the message names it (`qemu-system-riscv32`,
 *   `packages/cli/dist/main.js`)
 * @param available whether it is there (`hasCommand(…)`, `existsSync(…)`)
 * @param message what skips and how to get it (`QEMU differential tests skipped (apt-get
 *   install qemu-system-misc)`)
 */
export function requireTool(
  name: string,
  available: boolean,
  message: string,
  options: RequireToolOptions = {},
): boolean {
  if (available) return true;
  const text = `${name} not found: ${message}`;
  if (options.ci ?? isCi()) {
    const fail = options.fail ?? ((title: string, test: () => never) => it(title, test));
    fail(`requires ${name}`, () => {
      throw new Error(`${text} — under CI (CI=true) a missing tool or build output fails`);
    });
  } else {
    (options.warn ?? console.warn)(text);
  }
  return false;
}
