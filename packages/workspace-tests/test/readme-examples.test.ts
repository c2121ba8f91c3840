/** How README code blocks become example programs (test/support/readme-examples.ts). */
import { describe, expect, it } from 'vitest';
import { codeBlocks, examplePrograms, splitImports } from './support/readme-examples.ts';

const README = `# pkg

\`\`\`sh
npm install pkg
\`\`\`

\`\`\`ts
import { a, type B } from 'pkg';
import { c } from 'other'; // a comment

const x: B = a(c);
\`\`\`

- In a list:

  \`\`\`ts
  import { B, d } from 'pkg';
  console.log(x, d);
  \`\`\`

<!-- example: standalone -->
\`\`\`js
import { a } from 'pkg';
const x = a();
\`\`\`

<!-- example: typecheck-only -->
\`\`\`ts
import { slow } from 'pkg';
await slow(x);
\`\`\`

<!-- example: skip -->
\`\`\`ts
fragment(
\`\`\`

\`\`\`js
// CommonJS
async function run() {
  await import('pkg');
}
run();
\`\`\`

\`\`\`text
output
\`\`\`
`;

describe('codeBlocks', () => {
  it('finds every fenced block with its language, line, marker and code without indentation', () => {
    const blocks = codeBlocks(README);
    expect(blocks.map((b) => [b.lang, b.line, b.marker])).toEqual([
      ['sh', 3, undefined],
      ['ts', 7, undefined],
      ['ts', 16, undefined],
      ['js', 22, 'standalone'],
      ['ts', 28, 'typecheck-only'],
      ['ts', 34, 'skip'],
      ['js', 38, undefined],
      ['text', 46, undefined],
    ]);
    expect(blocks[2]?.code).toBe("import { B, d } from 'pkg';\nconsole.log(x, d);");
  });
});

describe('splitImports', () => {
  it('takes the leading import declarations, multi-line ones included, and leaves the rest', () => {
    const { imports, body } = splitImports(
      "// set-up\nimport {\n  a,\n  b,\n} from 'pkg';\nimport fc from \"fast-check\";\n\nconst y = 1;\nimport { late } from 'x';",
    );
    expect(imports).toEqual([
      { clause: '{\n  a,\n  b,\n}', from: 'pkg' },
      { clause: 'fc', from: 'fast-check' },
    ]);
    expect(body).toBe("const y = 1;\nimport { late } from 'x';");
  });
});

describe('examplePrograms', () => {
  const programs = examplePrograms(README);

  it('makes one module of the unmarked blocks, a standalone module and a CommonJS script', () => {
    expect(programs.map((p) => [p.kind, p.lines])).toEqual([
      ['module', [7, 16, 28]],
      ['module', [22]],
      ['commonjs', [38]],
    ]);
  });

  it('merges the imports (a value import wins over a type import of the same name)', () => {
    const source = programs[0]?.source ?? '';
    expect(source.split('\n').slice(0, 3)).toEqual([
      "import { a, B, d, slow } from 'pkg';",
      "import { c } from 'other';",
      '',
    ]);
    expect(source).toContain('// README line 7\nconst x: B = a(c);');
    expect(source).toContain('// README line 16\nconsole.log(x, d);');
    expect(source).not.toContain('fragment(');
  });

  it('keeps a type-only import as one', () => {
    const [program] = examplePrograms("```ts\nimport { type T } from 'pkg';\nlet t: T;\n```\n");
    expect(program?.source.split('\n')[0]).toBe("import { type T } from 'pkg';");
  });

  it('wraps a typecheck-only block in a function that is never called', () => {
    expect(programs[0]?.source).toContain(
      '// README line 28 (type-checked, not run)\nexport async function readmeLine28(): Promise<void> {\nawait slow(x);\n}',
    );
  });

  it('keeps a CommonJS block as it is', () => {
    expect(programs[2]?.source).toBe(
      "// CommonJS\nasync function run() {\n  await import('pkg');\n}\nrun();\n",
    );
  });

  it('refuses an unknown marker', () => {
    expect(() => examplePrograms('<!-- example: later -->\n```ts\nx;\n```\n')).toThrow(
      'line 2: unknown marker <!-- example: later -->',
    );
  });
});
