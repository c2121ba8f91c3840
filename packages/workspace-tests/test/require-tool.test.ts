/**
 * The shared `requireTool` of test-support.ts (root of the workspace): a missing tool skips
 * with a warning on a developer machine and fails under CI. Unit tests with stand-ins for the
 * console and vitest, then a real vitest run of a fixture file in both modes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasCommand, isCi, requireTool } from '../../../test-support.ts';

/** Stand-ins for the console and vitest's `it`, recording what requireTool did. */
function recorder(ci: boolean) {
  const warnings: string[] = [];
  const failing: { title: string; test: () => never }[] = [];
  const options = {
    ci,
    warn: (message: string) => warnings.push(message),
    fail: (title: string, test: () => never) => failing.push({ title, test }),
  };
  return { warnings, failing, options };
}

describe('requireTool', () => {
  for (const ci of [false, true]) {
    it(`runs the tests when the tool is there (${ci ? 'CI' : 'developer machine'})`, () => {
      const r = recorder(ci);
      expect(requireTool('qemu-system-riscv32', true, 'QEMU tests skipped', r.options)).toBe(true);
      expect(r.warnings).toEqual([]);
      expect(r.failing).toEqual([]);
    });
  }

  it('on a developer machine, warns with the message and skips', () => {
    const r = recorder(false);
    const ok = requireTool('dtc', false, 'dtc checks skipped (apt-get install dtc)', r.options);
    expect(ok).toBe(false);
    expect(r.warnings).toEqual(['dtc not found: dtc checks skipped (apt-get install dtc)']);
    expect(r.failing).toEqual([]);
  });

  it('under CI, registers a test that fails with the message, and skips the rest', () => {
    const r = recorder(true);
    const ok = requireTool('packages/cli/dist/main.js', false, 'build first', r.options);
    expect(ok).toBe(false);
    expect(r.warnings).toEqual([]);
    expect(r.failing.map((f) => f.title)).toEqual(['requires packages/cli/dist/main.js']);
    expect(() => r.failing[0]?.test()).toThrow(
      /^packages\/cli\/dist\/main\.js not found: build first — under CI \(CI=true\)/,
    );
  });
});

describe('isCi', () => {
  it('is true for CI=true, 1 or any other value, false when unset, empty, 0 or false', () => {
    for (const value of ['true', 'TRUE', '1', 'yes', 'github'])
      expect(isCi({ CI: value }), value).toBe(true);
    for (const value of [undefined, '', '0', 'false', 'False', ' '])
      expect(isCi({ CI: value }), String(value)).toBe(false);
  });
});

describe('hasCommand', () => {
  it('finds a command that runs and exits 0, not one that is missing or fails', () => {
    expect(hasCommand(process.execPath)).toBe(true);
    expect(hasCommand('trapeze-no-such-tool')).toBe(false);
    expect(hasCommand(process.execPath, ['-e', 'process.exit(3)'])).toBe(false);
  });
});

const FIXTURES = fileURLToPath(new URL('fixtures/require-tool/', import.meta.url));
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

interface Report {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly testResults: readonly {
    readonly assertionResults: readonly {
      readonly title: string;
      readonly status: string;
      readonly failureMessages: readonly string[];
    }[];
  }[];
}

/** Runs the fixture file with vitest (CI set or not) and reads its JSON report and output. */
function runFixture(
  ci: boolean,
): Promise<{ status: number | null; report: Report; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-require-tool-'));
  const output = join(dir, 'report.json');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('VITEST') && key !== 'CI' && key !== 'NODE_ENV') env[key] = value;
  if (ci) env.CI = 'true';
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        VITEST,
        'run',
        '--root',
        FIXTURES,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${output}`,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    const collect = (chunk: Buffer) => {
      text += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve({
          status,
          report: JSON.parse(readFileSync(output, 'utf8')) as Report,
          output: text,
        });
      } catch (error) {
        reject(new Error(`no report from the fixture run (${String(error)}):\n${text}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('a test file whose tool is missing, run by vitest', () => {
  it('passes with the dependent tests skipped and a warning on a developer machine', async () => {
    const { status, report, output } = await runFixture(false);
    expect(status).toBe(0);
    expect(report).toMatchObject({ numPassedTests: 1, numFailedTests: 0, numPendingTests: 2 });
    expect(output).toContain(
      'trapeze-no-such-tool not found: fixture tests skipped (install nothing: it is a fixture)',
    );
  });

  it('fails under CI=true, with the message in the failing test', async () => {
    const { status, report } = await runFixture(true);
    expect(status).toBe(1);
    expect(report).toMatchObject({ numPassedTests: 1, numFailedTests: 1, numPendingTests: 2 });
    const failed = report.testResults
      .flatMap((file) => file.assertionResults)
      .filter((test) => test.status === 'failed');
    expect(failed.map((test) => test.title)).toEqual(['requires trapeze-no-such-tool']);
    expect(failed[0]?.failureMessages.join('\n')).toContain(
      'trapeze-no-such-tool not found: fixture tests skipped (install nothing: it is a fixture)',
    );
  });
});
