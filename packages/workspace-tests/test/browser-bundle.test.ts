/**
 * The core runs where the toolkit is meant to run, Node and browsers:
 * - no source file of isa, mmu, cpu, devices or machine imports a Node module or uses a Node
 *   global (test/support/node-uses.ts says what counts); a failure names file, line and column;
 * - vite bundles a small program (test/fixtures/browser-bundle/main.js: assemble a guest, run it
 *   on the virt board; snapshot, restore, run again) for a browser target, as a production IIFE,
 *   resolving the packages through their package.json exports to their built dist; vite warns
 *   of no Node module it stood in for, and the bundle names no `node:` module nor `require(`;
 * - the bundle, a classic script, runs in a fresh `node:vm` context that has only globals a
 *   browser has (no `process`, `require`, `Buffer`, `global`), where the guest prints its message
 *   and passes, also restored from a snapshot.
 * turbo runs this after the packages' builds (turbo.json); without them it skips (fails under CI).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../test-support.ts';
import { nodeUses } from './support/node-uses.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/browser-bundle/main.js', import.meta.url));

/** The core packages that must run in a browser, those of them the workspace has. */
const CORE = ['isa', 'mmu', 'cpu', 'devices', 'machine'].filter((dir) =>
  existsSync(join(ROOT, 'packages', dir, 'src')),
);

/** The packages the bundle's entry imports (the others come in through their dependencies). */
const ENTRY_IMPORTS = ['isa', 'devices', 'machine'];

/** The global name the IIFE bundle assigns its exports to. */
const GLOBAL_NAME = 'TrapezeBrowserCheck';

/** What the guest of the fixture prints (the fixture's `MESSAGE`). */
const MESSAGE = 'Trapeze runs in a browser\n';

/** Every source file under `dir`, as paths relative to it. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.[cm]?[jt]sx?$/.test(file))
    .sort();
}

/**
 * A package's Node-only entry (`src/node/`, published as `PACKAGE/node`: `@trapeze/devices/node`
 * holds the disk-file and socket backends). The scan leaves it out; the main entry must not
 * import it (checked below), so a browser bundle never reaches it.
 */
const isNodeEntry = (file: string) => file.startsWith('node/') || file.startsWith('node\\');

/**
 * The lines of a bundle that match `pattern`, each as `line N (after // MODULE): text`, where
 * `// MODULE` is the last of the comments the bundler puts before each module it inlines (a
 * module it makes up, such as a stand-in for a Node module, may come without one).
 */
function linesMatching(bundle: string, pattern: RegExp): string[] {
  let module = '(the start)';
  return bundle.split('\n').flatMap((text, i) => {
    const header = /^\s*\/\/ (\S+\.[cm]?js)$/.exec(text);
    if (header) module = `// ${header[1]}`;
    return pattern.test(text)
      ? [`line ${i + 1} (after ${module}): ${text.trim().slice(0, 160)}`]
      : [];
  });
}

describe('the core imports no Node module and uses no Node global', () => {
  it('the scan finds imports of Node modules and references to Node globals, not look-alikes', () => {
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import type { Stats } from 'fs';",
      "export { join } from 'path/posix';",
      "const os = await import('os');",
      "type Url = import('node:url').URL;",
      'const bytes = Buffer.from([1]);',
      'const env = globalThis.process.env;',
      'let timer: NodeJS.Timeout;',
      '// process.exit(1), Buffer and require() in a comment, and in a string:',
      "const text = 'node:fs process Buffer require(x)';",
      'const symbol = { global: s.global, process: 1, module: m.module };',
      "import { decode } from '@trapeze/isa';",
      "import { fs } from './fs.js';",
      'function f(require: unknown) { return require; }',
      'const shorthand = { __dirname };',
    ].join('\n');
    expect(
      nodeUses('sample.ts', source).map(({ line, column, what }) => `${line}:${column} ${what}`),
    ).toEqual([
      "1:30 imports the Node module 'node:fs'",
      "2:28 imports the Node module 'fs'",
      "3:22 re-exports the Node module 'path/posix'",
      "4:25 imports the Node module 'os'",
      "5:19 refers to a type of the Node module 'node:url'",
      '6:15 uses the Node global Buffer',
      '7:13 uses the Node global process (as globalThis.process)',
      '8:12 uses the Node global NodeJS',
      '15:21 uses the Node global __dirname',
    ]);
  });

  it('the core packages are there to scan (packages/cpu too once it is)', () => {
    for (const dir of ['isa', 'mmu', 'devices', 'machine']) {
      expect(CORE, `packages/${dir}/src`).toContain(dir);
      expect(sourceFiles(join(ROOT, 'packages', dir, 'src')), dir).not.toEqual([]);
    }
  });

  for (const dir of CORE) {
    it(`in packages/${dir}/src`, () => {
      const src = join(ROOT, 'packages', dir, 'src');
      const files = sourceFiles(src).filter((file) => !isNodeEntry(file));
      const intoNode = files.filter((file) =>
        /from '\.{1,2}\/(\.\.\/)*node\//.test(readFileSync(join(src, file), 'utf8')),
      );
      expect(intoNode, `the main entry imports the Node entry (src/node/)`).toEqual([]);
      const uses = files.flatMap((file) =>
        nodeUses(file, readFileSync(join(src, file), 'utf8')).map(
          ({ line, column, what }) => `packages/${dir}/src/${file}:${line}:${column} ${what}`,
        ),
      );
      expect(
        uses,
        `the core runs in browsers too; keep Node to the cli (or pass it in):\n${uses.join('\n')}\n`,
      ).toEqual([]);
    });
  }
});

/**
 * The built entry of each package the bundle's entry imports. Their dependencies are built before
 * them (turbo's `^build`); a missing one fails the bundle with a resolution error.
 */
const MISSING = ENTRY_IMPORTS.map((dir) => `packages/${dir}/dist/index.js`).filter(
  (file) => !existsSync(join(ROOT, file)),
);
const BUILT = requireTool(
  MISSING.join(', '),
  MISSING.length === 0,
  'the browser bundle is not built nor run (npx -y pnpm@12.4.2 --filter @trapeze/machine... run build; turbo builds them first)',
);

describe.skipIf(!BUILT)('the machine bundled for a browser', () => {
  let scratch = '';
  let code = '';
  const warnings: string[] = [];
  let seconds = 0;

  beforeAll(async () => {
    const started = performance.now();
    // A scratch project that has installed the packages: node_modules/@trapeze/NAME links to
    // packages/NAME, whose package.json exports lead to dist (and whose own node_modules hold
    // its dependencies).
    scratch = mkdtempSync(join(tmpdir(), 'trapeze-browser-'));
    mkdirSync(join(scratch, 'node_modules', '@trapeze'), { recursive: true });
    for (const dir of ENTRY_IMPORTS)
      symlinkSync(
        join(ROOT, 'packages', dir),
        join(scratch, 'node_modules', '@trapeze', dir),
        'dir',
      );
    copyFileSync(FIXTURE, join(scratch, 'main.js'));

    // A production build, as an application ships (vitest sets NODE_ENV=test, and vite builds
    // for the NODE_ENV it finds): vite warns there when it replaces a Node module by an empty
    // stand-in. (In a development build the stand-in throws, naming the module, instead.)
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const result = await build({
      configFile: false,
      envFile: false,
      root: scratch,
      cacheDir: join(scratch, '.vite'),
      publicDir: false,
      logLevel: 'silent',
      build: {
        write: false,
        target: 'es2022',
        minify: false,
        lib: { entry: join(scratch, 'main.js'), formats: ['iife'], name: GLOBAL_NAME },
        rolldownOptions: {
          onwarn(warning) {
            warnings.push(warning.message);
          },
        },
      },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((o) => o.output).filter((o) => o.type === 'chunk');
    expect(chunks.map((chunk) => chunk.fileName)).toHaveLength(1);
    code = chunks[0]?.code ?? '';
    seconds = (performance.now() - started) / 1000;
  }, 60_000);

  afterAll(() => {
    if (code !== '')
      console.log(
        `browser bundle: ${(code.length / 1024).toFixed(0)} kB, built in ${seconds.toFixed(1)} s`,
      );
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('builds with no warning (vite warns when it externalizes a Node module for a browser)', () => {
    expect(warnings).toEqual([]);
  });

  it('names no node: module, calls no require() and has no stand-in for a Node module', () => {
    expect(code).toContain(`var ${GLOBAL_NAME} =`);
    const found = linesMatching(code, /node:|require\(|vite[-_]browser[-_]external|externalized/);
    expect(found, `Node in the browser bundle:\n${found.join('\n')}\n`).toEqual([]);
  });

  /** A fresh context with the globals a browser has and none of Node's; what it logs. */
  function browser(): { context: vm.Context; logged: string[] } {
    const logged: string[] = [];
    const log = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    };
    const context = vm.createContext({
      console: { log, info: log, warn: log, error: log, debug: log },
      TextEncoder,
      TextDecoder,
      queueMicrotask,
      setTimeout,
      clearTimeout,
      performance,
      crypto: {
        getRandomValues: (array: Uint8Array) => crypto.getRandomValues(array),
      },
      URL,
    });
    vm.runInContext('globalThis.self = globalThis.window = globalThis;', context);
    return { context, logged };
  }

  /** Runs the bundle in a fresh browser context, then calls `GLOBAL_NAME.fn()` there. */
  function call(fn: string): { report: unknown; logged: string[] } {
    const { context, logged } = browser();
    vm.runInContext(code, context, { filename: 'bundle.iife.js', timeout: 30_000 });
    const report = vm.runInContext(`${GLOBAL_NAME}.${fn}()`, context, { timeout: 30_000 });
    return { report: JSON.parse(report as string), logged };
  }

  it('the context has the globals of a browser and none of Node', () => {
    const { context } = browser();
    const kinds = (names: string[]) =>
      vm.runInContext(`[${names.map((name) => `typeof ${name}`).join(', ')}].join(' ')`, context);
    const node = ['process', 'require', 'Buffer', 'global', 'module', 'exports', '__dirname'];
    expect(kinds(node), node.join(' ')).toBe(node.map(() => 'undefined').join(' '));
    const web = ['TextDecoder', 'setTimeout', 'performance', 'crypto', 'WebAssembly', 'URL'];
    expect(kinds(web), web.join(' ')).not.toContain('undefined');
    expect(vm.runInContext('window === globalThis && self === globalThis', context)).toBe(true);
  });

  it('runs a guest there: it prints its message on the UART and passes', () => {
    expect(call('runGuest')).toEqual({
      report: { exit: 'pass', code: 0, console: MESSAGE },
      logged: [],
    });
  });

  it('snapshots the machine there and runs the snapshot restored in another machine', () => {
    expect(call('runFromSnapshot')).toEqual({
      report: { exit: 'pass', code: 0, console: MESSAGE },
      logged: [],
    });
  });
});
