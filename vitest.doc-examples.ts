/**
 * Runs the `@example` blocks of a package's typedoc comments as tests, so that an example that
 * no longer matches the code fails `npm test`.
 *
 * Every fenced `ts`/`js` block inside an `@example` tag of a doc comment in `src/` is one example.
 * It is written to a temporary module, with `@trapeze/<this package>` imported from the package's
 * `src/index.ts` and other `@trapeze/*` packages resolved as the package's own sources resolve
 * them (their built `dist`), then:
 *
 * - type-checked with the package's `tsconfig.json` (strict), and
 * - imported (run) by vitest; a line ending in `// → EXPR` asserts that the statement's value (or
 *   the declared variable, for `const x = …; // → EXPR`) equals the JavaScript expression `EXPR`
 *   (`toMatchObject` for plain objects, so an object may list only the fields it shows;
 *   `toEqual` otherwise). Every such line must be reached at least once.
 *
 * An example with a comment `// needs PROGRAM on the PATH` is skipped where `PROGRAM` is missing.
 *
 * Each package registers them in `test/doc-examples.test.ts` with {@link docExampleTests}.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { requireTool } from './test-support.ts';

/** One `@example` code block of a doc comment. */
export interface DocExample {
  /** Path of the source file, relative to the package. */
  readonly file: string;
  /** Line of the opening fence in the file (1-based). */
  readonly line: number;
  /** The name of the documented declaration (class, function, method, …). */
  readonly symbol: string;
  readonly code: string;
}

const FENCE_OPEN = /^```(ts|typescript|js|javascript|mjs)\b/;
const BLOCK_TAG = /^@[a-zA-Z]+/;
const DECLARATION =
  /^\s*(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:(?:class|function\*?|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)|(?:(?:public|static|readonly|get|set)\s+)*([A-Za-z_$][\w$]*)\s*[(<:=?])/;

/** The `@example` code blocks of every doc comment in the `.ts` files under `src`. */
export function extractExamples(packageDir: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const file of sourceFiles(join(packageDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const comment = /\/\*\*([\s\S]*?)\*\//g;
    for (let m = comment.exec(text); m !== null; m = comment.exec(text)) {
      const firstLine = text.slice(0, m.index).split('\n').length;
      const after = text.slice(m.index + m[0].length).split('\n');
      const next = after.find((l, i) => (i > 0 || l.trim() !== '') && l.trim() !== '') ?? '';
      const d = DECLARATION.exec(next);
      const symbol = d?.[1] ?? d?.[2] ?? '?';
      const lines = (m[1] as string).split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
      let inExample = false;
      let fence: { line: number; code: string[] } | undefined;
      lines.forEach((line, i) => {
        if (fence !== undefined) {
          if (line.trimStart().startsWith('```')) {
            examples.push({
              file: relative(packageDir, file),
              line: firstLine + fence.line,
              symbol,
              code: `${fence.code.join('\n')}\n`,
            });
            fence = undefined;
          } else fence.code.push(line);
          return;
        }
        if (BLOCK_TAG.test(line.trim())) inExample = line.trim().startsWith('@example');
        if (inExample && FENCE_OPEN.test(line.trim())) fence = { line: i, code: [] };
      });
    }
  }
  return examples;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

/** Where `specifier` (`@trapeze/x` or `@trapeze/x/sub`) resolves from `packageDir`. */
function resolveTrapeze(packageDir: string, self: string, specifier: string): string {
  const [, scope, name, sub] = /^(@trapeze)\/([\w-]+)(\/[\w-]+)?$/.exec(specifier) ?? [];
  if (scope === undefined || name === undefined)
    throw new Error(`cannot resolve ${specifier} in an example`);
  const full = `${scope}/${name}`;
  if (full === self) {
    const entry = sub === undefined ? 'index' : sub.slice(1);
    return join(packageDir, 'src', `${entry}.ts`);
  }
  const dir = realpathSync(join(packageDir, 'node_modules', scope, name));
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: string }>;
  };
  const target = manifest.exports[sub === undefined ? '.' : `.${sub}`]?.import;
  if (target === undefined) throw new Error(`${specifier} is not exported by ${full}`);
  return join(dir, target);
}

function rewriteImports(code: string, packageDir: string, self: string): string {
  return code.replace(
    /(\bfrom\s+|\bimport\s+|\bimport\()(['"])(@trapeze\/[\w/-]+)\2/g,
    (_all, head: string, quote: string, specifier: string) =>
      `${head}${quote}${resolveTrapeze(packageDir, self, specifier)}${quote}`,
  );
}

const ARROW = /^(\s*)(.*?);?\s*\/\/\s*→\s*(.+?)\s*$/;

/**
 * The example as a module that checks its `// → EXPR` lines: each becomes a call to
 * `globalThis.__docExpect(id, value, () => EXPR)`.
 */
function instrument(code: string): { code: string; arrows: number[] } {
  const arrows: number[] = [];
  const out = code.split('\n').map((line, index) => {
    const m = ARROW.exec(line);
    if (m === null) return line;
    const [, indent, statement, expected] = m as unknown as [string, string, string, string];
    const id = arrows.push(index) - 1;
    const check = (value: string) =>
      `globalThis.__docExpect(${id}, ${value}, () => (${expected}));`;
    const decl = /^(const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*([\s\S]+)$/.exec(
      statement,
    );
    if (decl !== null)
      return `${indent}${decl[1]} ${decl[2]} = ${decl[3]}; ${check(decl[2] as string)}`;
    return `${indent}${check(`(${statement})`)}`;
  });
  return { code: out.join('\n'), arrows };
}

function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${JSON.stringify(program)}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Options of {@link docExampleTests}. */
export interface DocExampleTestOptions {
  /**
   * Exported declarations that must have an example (the entry points a user starts from).
   */
  readonly required?: readonly string[];
}

/**
 * Registers the tests of a package's examples: one per example, a type check of all of them,
 * and the `required` declarations.
 */
export function docExampleTests(packageDir: string, options: DocExampleTestOptions = {}): void {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
  };
  const self = manifest.name;
  const examples = extractExamples(packageDir);
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-doc-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const label = (e: DocExample) => `${e.symbol} (${e.file}:${e.line})`;

  describe(`${self} @example blocks`, () => {
    it('has examples on the entry points', () => {
      const documented = new Set(examples.map((e) => e.symbol));
      const missing = (options.required ?? []).filter((name) => !documented.has(name));
      expect(missing, 'declarations without an @example').toEqual([]);
    });

    it('type-check', () => {
      const files = examples.map((e, i) => {
        const file = join(dir, `check-${i}.ts`);
        writeFileSync(file, rewriteImports(e.code, packageDir, self));
        return file;
      });
      const parsed = ts.getParsedCommandLineOfConfigFile(
        join(packageDir, 'tsconfig.json'),
        { noEmit: true },
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
      );
      if (parsed === undefined) throw new Error(`cannot read ${packageDir}/tsconfig.json`);
      const program = ts.createProgram(files, {
        ...parsed.options,
        noEmit: true,
        typeRoots: [join(packageDir, 'node_modules', '@types')],
      });
      const wanted = new Set(files);
      const errors = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file !== undefined && wanted.has(d.file.fileName))
        .map((d) => {
          const index = files.indexOf((d.file as ts.SourceFile).fileName);
          const e = examples[index] as DocExample;
          const { line } = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0);
          return `${e.file}:${e.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(errors).toEqual([]);
    }, 120_000);

    examples.forEach((example, i) => {
      const needs = /\/\/.*\bneeds ([\w.+-]+) on the PATH/.exec(example.code)?.[1];
      const skip =
        needs !== undefined &&
        !requireTool(needs, onPath(needs), `the doc example ${label(example)} skipped`);
      it.skipIf(skip)(label(example), async () => {
        const { code, arrows } = instrument(rewriteImports(example.code, packageDir, self));
        const file = join(dir, `run-${i}.ts`);
        writeFileSync(file, code);
        const reached = new Set<number>();
        const g = globalThis as { __docExpect?: unknown };
        g.__docExpect = (id: number, actual: unknown, expected: () => unknown) => {
          reached.add(id);
          const want = expected();
          const where = `${example.file}:${example.line + 1 + (arrows[id] as number)}`;
          if (isPlainObject(want) && !Array.isArray(want))
            expect(actual, where).toMatchObject(want as Record<string, unknown>);
          else expect(actual, where).toEqual(want);
        };
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        try {
          await import(/* @vite-ignore */ file);
        } finally {
          log.mockRestore();
          delete g.__docExpect;
        }
        const missed = arrows
          .filter((_, id) => !reached.has(id))
          .map((index) => `${example.file}:${example.line + 1 + index}`);
        expect(missed, '`// →` lines never reached').toEqual([]);
      });
    });
  });
}

/** The package directory of a test file (`…/packages/x/test/doc-examples.test.ts` → `…/packages/x`). */
export function packageDirOf(testFileUrl: string): string {
  return dirname(dirname(new URL(testFileUrl).pathname));
}
