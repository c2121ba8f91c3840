/**
 * The published packages as a consumer gets them: every public package of the workspace is
 * packed (`pnpm pack`, which turns `workspace:*` into versions), the tarballs are installed with
 * npm into a scratch project outside the workspace, and there
 * - each README's examples (test/support/readme-examples.ts says which blocks and how) and a
 *   small consumer program are type-checked with `moduleResolution` node16, nodenext and
 *   bundler, then run (compiled under nodenext) and their output checked;
 * - each README's CommonJS example runs, and `require()` fails as the READMEs say;
 * - the `trapeze` bin runs.
 * turbo runs this after every package's build (turbo.json).
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { type ExampleProgram, examplePrograms } from './support/readme-examples.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
/** The directory holding `@types/node`, for the scratch project's `typeRoots`. */
const TYPE_ROOTS = dirname(dirname(require.resolve('@types/node/package.json')));

/** The public packages: every packages/NAME/package.json that is not private. */
const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .sort()
  .flatMap((dir) => {
    const file = join(ROOT, 'packages', dir, 'package.json');
    if (!existsSync(file)) return [];
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    return json.private ? [] : [{ dir, name: json.name, version: json.version }];
  });

const QEMU = requireTool(
  'qemu-system-riscv32',
  hasCommand('qemu-system-riscv32'),
  'the @trapeze/conformance README example (bare against QEMU) is type-checked but not run (apt-get install qemu-system-misc; CI installs it)',
);

/** What each README's examples must print (fragments of their output, in order). */
const EXPECTED_OUTPUT: Record<string, readonly string[]> = {
  isa: ['80000000 li\ta0, 42 innocuous', '80000004 csrr\ta1, mstatus privileged'],
  mmu: ['2010 42', 'cause 13 tval 400010', '!'],
  cpu: ['true 500', 'blocksTranslated'],
  devices: [
    'true 10',
    'hi',
    '"ok\\n"',
    'true',
    "{ kind: 'fail', code: 3 } 100000n",
    '74726976 2 2 8',
  ],
  machine: ["{ kind: 'pass', code: 0, instructions: 15 } hi"],
  'full-virt': ['pass 1 1', '0.', '0 1'],
  'para-virt': [
    'true root',
    'pass { TRPZ_ABI_VERSION: 1, SBI_SRST_SYSTEM_RESET: 1 }',
    "[ 'S', 'U' ] halt { TRPZ_ABI_VERSION: 1, SBI_SRST_SYSTEM_RESET: 1 }",
  ],
  conformance: ["kind: 'halt'", '[]'],
  'conformance-2': [],
  cli: ['add\ta0, a1, a0', '00000000\t02a00513\tli a0, 42'],
};

/** What each README's CommonJS example prints. */
const EXPECTED_COMMONJS: Record<string, string> = {
  isa: 'add\ta0, a1, a0',
  mmu: '42',
  cpu: "[ 'interpreter', 'translator' ]",
  devices: "{ kind: 'pass', code: 0 }",
  machine: '1000',
  'full-virt': "[ 'bare', 'direct', 'translate' ]",
  'para-virt': '9545250',
  conformance: '1 19',
  cli: 'add\ta0, a1, a0',
};

/** A small consumer: decode an instruction, run a guest image, sample an arbitrary. */
const CONSUMER = `import { readFileSync } from 'node:fs';
import { BufferBackend } from '@trapeze/devices';
import { decode, disassemble, encode } from '@trapeze/isa';
import { anyInstruction } from '@trapeze/isa/arbitraries';
import { VirtMachine } from '@trapeze/machine';
import fc from 'fast-check';

console.log(disassemble(decode(0x00a58533)));
const serial = new BufferBackend();
const machine = new VirtMachine({ serial });
machine.loadElf(new Uint8Array(readFileSync('compute-bare-small.elf')));
const exit = machine.run(100_000_000);
console.log(exit.kind, serial.text().trim());
for (const fields of fc.sample(anyInstruction(), { numRuns: 3, seed: 1 }))
  console.log(disassemble(decode(encode(fields))));
`;

/**
 * The tsconfig of each resolution mode; nodenext also emits the JavaScript that runs. node16, the
 * strictest, also checks the packages' .d.ts files themselves (`skipLibCheck: false`, which costs
 * as much again as the rest: @types/node); the other two check the code that uses them.
 */
const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16', noEmit: true, skipLibCheck: false },
  nodenext: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    outDir: 'out',
    rootDir: '.',
    skipLibCheck: true,
  },
  bundler: { module: 'esnext', moduleResolution: 'bundler', noEmit: true, skipLibCheck: true },
} as const;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (asynchronously, so runs can overlap), collecting its output. */
function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** pnpm as the workspace runs it: the binary that started this task, or npx pnpm@12.4.2. */
function pnpm(): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec !== undefined && /^pnpm(\.c?js)?$/.test(basename(exec)) && existsSync(exec))
    return /\.c?js$/.test(exec) ? [process.execPath, [exec]] : [exec, []];
  return ['npx', ['-y', 'pnpm@12.4.2']];
}

/** The environment for npm in the scratch project, without the workspace's pnpm settings. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(npm_(package|lifecycle|execpath|node_execpath|command|config_user_agent)|pnpm_)/i.test(key)
    )
      continue;
    env[key] = value;
  }
  return env;
}

function ok(result: Run, what: string): void {
  if (result.status !== 0)
    throw new Error(`${what} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
}

let scratch = '';
const programs: { file: string; readme: string; program: ExampleProgram }[] = [];
const typecheck: Partial<Record<keyof typeof MODES, Run>> = {};
const timings: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  const lap = (what: string) =>
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  scratch = mkdtempSync(join(tmpdir(), 'trapeze-consumer-'));
  const tarballs = join(scratch, 'tarballs');

  const [command, prefix] = pnpm();
  const filters = PACKAGES.flatMap((p) => ['--filter', p.name]);
  ok(
    await run(command, [...prefix, '-r', ...filters, 'pack', '--pack-destination', tarballs], {
      cwd: ROOT,
    }),
    'pnpm pack',
  );
  lap('packed');

  const dependencies: Record<string, string> = {};
  for (const p of PACKAGES) {
    const file = `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
    dependencies[p.name] = `file:tarballs/${file}`;
  }
  writeFileSync(
    join(scratch, 'package.json'),
    `${JSON.stringify({ name: 'trapeze-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  ok(
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--ignore-scripts',
        '--loglevel=error',
      ],
      { cwd: scratch, env: npmEnvironment() },
    ),
    'npm install',
  );
  lap('installed');

  mkdirSync(join(scratch, 'examples'));
  for (const p of PACKAGES) {
    const readme = readFileSync(join(ROOT, 'packages', p.dir, 'README.md'), 'utf8');
    examplePrograms(readme).forEach((program, i) => {
      const stem = i === 0 ? p.dir : `${p.dir}-${i + 1}`;
      const file = `examples/${stem}.${program.kind === 'commonjs' ? 'cjs' : 'ts'}`;
      writeFileSync(join(scratch, file), program.source);
      programs.push({ file, readme: p.dir, program });
    });
  }
  writeFileSync(join(scratch, 'consumer.ts'), CONSUMER);
  copyFileSync(
    join(ROOT, 'guests/images/compute-bare-small.elf'),
    join(scratch, 'compute-bare-small.elf'),
  );
  for (const [mode, options] of Object.entries(MODES)) {
    const compilerOptions = {
      target: 'ES2022',
      lib: ['ES2022'],
      strict: true,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [TYPE_ROOTS],
      ...options,
    };
    writeFileSync(
      join(scratch, `tsconfig.${mode}.json`),
      JSON.stringify({ compilerOptions, include: ['consumer.ts', 'examples/*.ts'] }, null, 2),
    );
  }
  const results = await Promise.all(
    Object.keys(MODES).map((mode) =>
      run(process.execPath, [TSC, '-p', `tsconfig.${mode}.json`], { cwd: scratch }),
    ),
  );
  Object.keys(MODES).forEach((mode, i) => {
    typecheck[mode as keyof typeof MODES] = results[i];
  });
  lap('type-checked');
}, 600_000);

afterAll(() => {
  if (timings.length > 0) console.log(`packed tarballs: ${timings.join(', ')}`);
  if (scratch === '') return;
  // TRAPEZE_KEEP_CONSUMER=1 keeps the scratch project to look into.
  if (process.env.TRAPEZE_KEEP_CONSUMER) console.log(`scratch consumer project kept: ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
});

/** Runs a compiled (or CommonJS) program of the scratch project with node. */
function node(file: string): Promise<Run> {
  const js = file.endsWith('.cjs') ? file : join('out', file.replace(/\.ts$/, '.js'));
  return run(process.execPath, [js], { cwd: scratch });
}

/** Expects the fragments in order in the text. */
function expectInOrder(text: string, fragments: readonly string[]): void {
  let at = 0;
  for (const fragment of fragments) {
    const found = text.indexOf(fragment, at);
    expect(found, `${JSON.stringify(fragment)} (in order) in:\n${text}`).toBeGreaterThanOrEqual(0);
    at = found + fragment.length;
  }
}

describe('the packed tarballs', () => {
  it('install with README, LICENSE, package.json and dist only (and the C headers of a guest SDK), and versions for workspace:*', () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const p of PACKAGES) {
      const dir = join(scratch, 'node_modules', p.name);
      const files = readdirSync(dir).sort();
      const include = join(ROOT, 'packages', p.dir, 'include');
      const headers = existsSync(include) ? readdirSync(include).sort() : [];
      expect(files, p.name).toEqual([
        'LICENSE',
        'README.md',
        'dist',
        ...(headers.length > 0 ? ['include'] : []),
        'package.json',
      ]);
      for (const h of headers) {
        expect(h, p.name).toMatch(/\.h$/);
        expect(readFileSync(join(dir, 'include', h), 'utf8'), h).toBe(
          readFileSync(join(include, h), 'utf8'),
        );
      }
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), p.name).toBe(license);
      const json = readFileSync(join(dir, 'package.json'), 'utf8');
      expect(json, p.name).not.toContain('workspace:');
      expect(JSON.parse(json), p.name).toMatchObject({ license: 'MIT', version: p.version });
    }
  });

  for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
    it(`type-check the README examples and a consumer with moduleResolution ${mode}`, () => {
      const result = typecheck[mode];
      expect(result, 'tsc did not run').toBeDefined();
      expect(`${result?.stdout}${result?.stderr}`).toBe('');
      expect(result?.status).toBe(0);
    });
  }

  it('run a consumer that decodes an instruction and runs a guest image', async () => {
    const result = await node('consumer.ts');
    ok(result, 'consumer');
    expectInOrder(result.stdout, ['add\ta0, a1, a0', 'pass compute rounds=10 checksum=cc0a4dc0']);
    expect(result.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('run the trapeze bin', async () => {
    const bin = join(scratch, 'node_modules', '.bin', 'trapeze');
    const cli = PACKAGES.find((p) => p.dir === 'cli');
    const result = await run(bin, ['--version'], { cwd: scratch });
    expect(result.stdout).toBe(`trapeze ${cli?.version}\n`);
  });
});

describe('the README examples, run from the tarballs', () => {
  it('cover every public package', () => {
    expect(new Set(programs.map((p) => p.readme))).toEqual(new Set(PACKAGES.map((p) => p.dir)));
  });

  for (const p of PACKAGES) {
    const needsQemu = p.dir === 'conformance';
    it.skipIf(needsQemu && !QEMU)(`of @trapeze/${p.dir} print what they say`, async () => {
      const modules = programs.filter((x) => x.readme === p.dir && x.program.kind === 'module');
      expect(modules.length, 'no example').toBeGreaterThan(0);
      for (const { file } of modules) {
        const result = await node(file);
        ok(result, file);
        const stem = basename(file, '.ts');
        expect(EXPECTED_OUTPUT[stem], `EXPECTED_OUTPUT has no entry for ${stem}`).toBeDefined();
        expectInOrder(result.stdout, EXPECTED_OUTPUT[stem] ?? []);
      }
    });

    it(`of @trapeze/${p.dir}: require() fails as the README says, await import() works`, async () => {
      const commonjs = programs.filter((x) => x.readme === p.dir && x.program.kind === 'commonjs');
      expect(commonjs, 'one CommonJS example').toHaveLength(1);
      const result = await node(commonjs[0]?.file as string);
      ok(result, 'the CommonJS example');
      expect(result.stdout).toContain(EXPECTED_COMMONJS[p.dir] ?? '(no expected output)');
      const required = await run(
        process.execPath,
        ['-e', `try { require('${p.name}') } catch (e) { console.log(e.code) }`],
        { cwd: scratch },
      );
      expect(required.stdout).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED\n');
    });
  }
});
