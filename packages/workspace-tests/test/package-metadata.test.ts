/**
 * What a published package needs, for every public package of the workspace: the MIT LICENSE
 * (a copy of the root one, listed in `files` so it is packed), repository, keywords, engines,
 * homepage and bugs, ESM-only exports, and a README that says so with a CommonJS example.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LICENSE = readFileSync(join(ROOT, 'LICENSE'), 'utf8');

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly [field: string]: unknown;
}

const PACKAGES = readdirSync(join(ROOT, 'packages'))
  .sort()
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    json: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => !p.json.private);

it('the root LICENSE is the MIT license, and the root package says so', () => {
  expect(LICENSE).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} The Trapeze authors\n/);
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  expect(root.license).toBe('MIT');
});

it('there are public packages', () => {
  expect(PACKAGES.map((p) => p.dir)).toEqual(
    expect.arrayContaining(['cli', 'conformance', 'devices', 'isa', 'machine', 'mmu']),
  );
});

for (const { dir, json } of PACKAGES) {
  describe(json.name, () => {
    it('has a copy of the root LICENSE, listed in files', () => {
      expect(readFileSync(join(ROOT, 'packages', dir, 'LICENSE'), 'utf8')).toBe(LICENSE);
      expect(json.files).toEqual(expect.arrayContaining(['dist', 'LICENSE']));
    });

    it('has the fields a published package needs', () => {
      expect(json).toMatchObject({
        license: 'MIT',
        type: 'module',
        repository: {
          type: 'git',
          url: 'git+https://github.com/trapeze-vm/trapeze.git',
          directory: `packages/${dir}`,
        },
        homepage: `https://github.com/trapeze-vm/trapeze/tree/main/packages/${dir}#readme`,
        bugs: { url: 'https://github.com/trapeze-vm/trapeze/issues' },
        engines: { node: '>=20' },
      });
      expect(typeof json.description).toBe('string');
      expect(json.keywords).toEqual(expect.arrayContaining(['risc-v', 'riscv', 'rv32']));
    });

    it('is ESM only: every export has types and import conditions, no require', () => {
      const exports = json.exports as Record<string, unknown>;
      for (const [path, target] of Object.entries(exports)) {
        if (path === './package.json') continue;
        if (path.startsWith('./include/') && path.endsWith('.h')) {
          // A C header of a guest SDK: exported as itself, and present.
          expect(target, path).toBe(path);
          expect(existsSync(join(ROOT, 'packages', dir, path)), path).toBe(true);
          continue;
        }
        expect(Object.keys(target as object), path).toEqual(['types', 'import']);
      }
    });

    it('says so in its README, with import and await import() for CommonJS', () => {
      const readme = readFileSync(join(ROOT, 'packages', dir, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Install (ESM only)'));
      expect(section, 'an "## Install (ESM only)" section').toMatch(/^## Install \(ESM only\)/);
      expect(section).toContain(`npm install ${json.name}`);
      expect(section).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
      expect(section).toContain(`await import('${json.name}')`);
      expect(section).toContain('```js\n// CommonJS\n');
    });
  });
}
