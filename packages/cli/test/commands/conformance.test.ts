import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/commands/conformance.js';
import { run } from '../support/fake-io.js';

describe('trapeze conformance', () => {
  it('runs a campaign of bare against bare and writes JSON and JUnit reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
    const result = await run([
      'conformance',
      '--engine',
      'bare',
      '--against',
      'bare',
      '--template',
      'alu,memory',
      '--runs',
      '2',
      '--seed',
      '7',
      '--report-dir',
      dir,
    ]);
    expect(result.stderr).toContain(
      'trapeze conformance: bare/translator against bare/translator, seed 7',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/template +runs +runs\/s +equivalence +determinism/);
    expect(result.stdout).toMatch(/alu +2 .*pass 2 +pass 2/);
    expect(result.stdout).toContain('all properties hold');
    const json = JSON.parse(
      new TextDecoder().decode(result.files.get(join(dir, 'conformance.json'))),
    );
    expect(json).toMatchObject({
      engine: 'bare/translator',
      against: 'bare/translator',
      seed: 7,
      runs: 2,
      ok: true,
    });
    expect(json.templates.map((t: { template: string }) => t.template)).toEqual(['alu', 'memory']);
    const junit = new TextDecoder().decode(result.files.get(join(dir, 'conformance.junit.xml')));
    expect(junit).toContain('<testsuite name="alu" tests="5" failures="0" errors="0" skipped="1"');
    // The bare engine declares snapshots: the round trip runs; resource control has its template.
    expect(junit).toMatch(/name="snapshot" time="[0-9.]+"><system-out>2 runs passed/);
    expect(junit).toContain('<skipped message="checked on the resource template"/>');
  }, 300_000);

  it('checks the translator against the interpreter (engine names with a core)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
    const result = await run([
      'conformance',
      '--engine',
      'bare/translator',
      '--against',
      'bare/interpreter',
      '--template',
      'sv32',
      '--property',
      'equivalence,efficiency',
      '--runs',
      '2',
      '--seed',
      '3',
      '--report-dir',
      dir,
    ]);
    expect(result.stderr).toContain(
      'trapeze conformance: bare/translator against bare/interpreter, seed 3',
    );
    expect(result.code).toBe(0);
    // Both in-process: equivalence compares every sync point; the bare engine is fully direct.
    expect(result.stdout).toMatch(/sv32 +2 .*pass 2 +pass 2/);
    const json = JSON.parse(
      new TextDecoder().decode(result.files.get(join(dir, 'conformance.json'))),
    );
    expect(json).toMatchObject({
      engine: 'bare/translator',
      against: 'bare/interpreter',
      ok: true,
    });
  }, 120_000);

  it('runs the direct hypervisor against bare, with its efficiency in the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
    const result = await run([
      'conformance',
      '--engine',
      'direct',
      '--against',
      'bare/interpreter',
      '--template',
      'privilege',
      '--property',
      'equivalence,efficiency',
      '--runs',
      '2',
      '--seed',
      '5',
      '--report-dir',
      dir,
    ]);
    expect(result.stderr).toContain(
      'trapeze conformance: direct/translator against bare/interpreter, seed 5',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/privilege +2 .*pass 2/);
    const json = JSON.parse(
      new TextDecoder().decode(result.files.get(join(dir, 'conformance.json'))),
    );
    expect(json).toMatchObject({ engine: 'direct/translator', ok: true });
  }, 120_000);

  it('runs the translate hypervisor against direct', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
    const result = await run([
      'conformance',
      '--engine',
      'translate/all',
      '--against',
      'direct',
      '--template',
      'zicsr',
      '--runs',
      '2',
      '--seed',
      '5',
      '--report-dir',
      dir,
    ]);
    expect(result.stderr).toContain(
      'trapeze conformance: translate/all against direct/translator, seed 5',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/zicsr +2 .*pass 2/);
  }, 120_000);

  it('imports an engine module (default export)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
    const module = join(dir, 'engine.mjs');
    const suite = new URL('../../node_modules/@trapeze/conformance/dist/index.js', import.meta.url);
    writeFileSync(
      module,
      `import { bareEngine } from '${suite.href}';\nexport default { ...bareEngine(), name: 'mine' };\n`,
    );
    const result = await run([
      'conformance',
      '--engine-module',
      module,
      '--template',
      'alu',
      '--runs',
      '1',
      '--seed',
      '1',
      '-q',
      '--report-dir',
      dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('trapeze conformance: mine, seed 1');
    expect(result.stdout).toContain('no reference engine (--against)');
  }, 120_000);

  it.each([
    [[], 'no engine given'],
    [
      ['--engine', 'bare', '--engine-cmd', 'x {elf}'],
      'give one engine (got --engine and --engine-cmd)',
    ],
    [
      ['--engine', 'vmware'],
      "--engine 'vmware' is not one of bare, bare/interpreter, bare/translator, direct, direct/interpreter, direct/translator, translate, translate/hybrid, translate/all, qemu, trapeze-run, trapeze-run/interpreter, trapeze-run/translator",
    ],
    [['--engine', 'bare/jit'], "--engine 'bare/jit' is not one of bare, bare/interpreter,"],
    [['--engine', 'qemu/translator'], "--engine 'qemu/translator' is not one of bare,"],
    [
      ['--engine', 'bare', '--against', 'vmware'],
      "--against 'vmware' is not one of qemu, bare, bare/interpreter, bare/translator",
    ],
    [
      ['--engine', 'bare', '--against', 'trapeze-run/interpreter'],
      "--against 'trapeze-run/interpreter' is not one of qemu, bare,",
    ],
    [['--engine', 'bare', '--template', 'alu,nope'], "--template 'nope' is not one of alu, m,"],
    [['--engine', 'bare', '--property', 'speed'], "--property 'speed' is not one of equivalence"],
    [['--engine', 'bare', '--runs', '0'], "--runs '0' is not an integer of at least 1"],
    [['--engine', 'bare', '--seed', 'x'], "--seed 'x' is not a 32-bit integer"],
    [['--engine', 'bare', '--shard', '3/2'], "--shard '3/2' must be K/N with 1 <= K <= N"],
    [['--engine-cmd', 'my-emu'], "--engine-cmd 'my-emu' has no {elf}"],
    [['--engine', 'bare', '--capabilities', 'c.json'], '--capabilities goes with --engine-cmd'],
    [
      ['--engine-module', '/nonexistent/engine.js'],
      "cannot import engine module '/nonexistent/engine.js'",
    ],
    [['--engine', 'bare', 'extra'], "unexpected argument 'extra'"],
  ])('rejects %j', async (argv, message) => {
    const result = await run(['conformance', ...argv]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'trapeze conformance --help' for usage.");
  });

  it('answers an option the library finds out of range with a usage error', async () => {
    const result = await run(['conformance', '--engine', 'bare', '--concurrency', '5000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'trapeze conformance: error: runCampaign: concurrency must be an integer in 1…1024, got 5000',
    );
    expect(result.stderr).not.toContain('internal error');
  });

  it('parses shards', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
    expect(() => parseShard('0/4')).toThrow(/K\/N/);
  });

  it('has help', async () => {
    const result = await run(['conformance', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: trapeze conformance --engine NAME');
    expect(result.stdout).toContain('--shard K/N');
    expect(result.stdout).toMatch(
      /--engine NAME +the engine under test: bare\[\/CORE\], qemu or trapeze-run\[\/CORE\]/,
    );
    expect(result.stdout).toMatch(/--against ENGINE +the reference: qemu or bare\[\/CORE\]/);
    expect(result.stdout).toContain('the core named (interpreter, translator)');
    expect(result.stdout).toContain(
      'trapeze conformance --engine bare/translator --against bare/interpreter',
    );
  });
});
