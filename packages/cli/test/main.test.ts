import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../../test-support.ts';
import packageJson from '../package.json' with { type: 'json' };

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const built = requireTool(
  'packages/cli/dist/main.js',
  existsSync(BIN),
  'the built trapeze bin is not tested (build first: npx -y pnpm@12.4.2 run build)',
);

function trapeze(args: readonly string[], input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input });
}

describe.skipIf(!built)('the built trapeze bin (dist/main.js)', () => {
  it('is the package bin and starts with a node shebang', () => {
    expect(packageJson.bin.trapeze).toBe('./dist/main.js');
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints the version and exits 0', () => {
    const r = trapeze(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`trapeze ${packageJson.version}\n`);
  });

  it('reads --hex words from its standard input', () => {
    const r = trapeze(['disasm', '--hex', '--format=tsv'], '0x00a58533 4505\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('00000000\t00a58533\tadd a0, a1, a0\n00000004\t4505\tli a0, 1\n');
  });

  it('sets the exit status of a usage error and prints no stack trace', () => {
    const r = trapeze(['disasm', '/nonexistent/file.bin']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "trapeze disasm: error: cannot read '/nonexistent/file.bin': no such file or directory\n" +
        "Run 'trapeze disasm --help' for usage.\n",
    );
  });

  it('runs the demo (npm start)', () => {
    const r = trapeze(['demo']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Summary for U-mode: \d+ instructions/);
  });
});
