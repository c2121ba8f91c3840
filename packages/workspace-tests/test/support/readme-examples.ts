/**
 * The runnable examples of a package README, as programs a consumer project can type-check and
 * run. The rules (a README author needs only the first one):
 *
 * - Every fenced block tagged `ts`, `typescript`, `js` or `javascript` is an example, also when
 *   it is indented (in a list). Other blocks (`sh`, `text`, …) are not.
 * - The examples of a README form one ES module, in order, with their `import` declarations
 *   merged at the top: a later block may use what an earlier one declared, as the text reads.
 * - A block whose first line is `// CommonJS` is a CommonJS script of its own (`.cjs`), run but
 *   not type-checked.
 * - A block right after the line `<!-- example: standalone -->` is an ES module of its own
 *   (for a block that declares a name an earlier one declared too).
 * - A block right after the line `<!-- example: typecheck-only -->` stays in the README's module
 *   but as the body of a function that is never called: type-checked, not run (for an example
 *   that takes long, such as a whole campaign).
 * - A block right after the line `<!-- example: skip -->` is neither run nor type-checked (a
 *   fragment).
 */

/** One fenced code block. */
export interface CodeBlock {
  /** The info string's first word (`ts`, `js`, `sh`, …). */
  readonly lang: string;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** `standalone`, `typecheck-only` or `skip` from an `<!-- example: … -->` line before the fence. */
  readonly marker: string | undefined;
}

/** A program made of README examples. */
export interface ExampleProgram {
  /** `module` (type-checked and run as ESM) or `commonjs` (run only). */
  readonly kind: 'module' | 'commonjs';
  /** The source, imports first. */
  readonly source: string;
  /** README lines of the blocks it was made of. */
  readonly lines: readonly number[];
}

const EXAMPLE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript']);

/** The fenced code blocks of a Markdown text. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const previous = i > 0 ? (lines[i - 1] as string).trim() : '';
    const marker = /^<!--\s*example:\s*([a-z-]+)\s*-->$/.exec(previous)?.[1];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] as string;
      if (text.trim().startsWith(fence) && text.trim().replace(/[`~]/g, '') === '') break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    blocks.push({ lang: lang.toLowerCase(), code: body.join('\n'), line: i + 1, marker });
    i = j;
  }
  return blocks;
}

/** An `import` declaration: its clause (`{ a, type B }`, `x`, `* as ns`) and module. */
interface ImportDeclaration {
  readonly clause: string;
  readonly from: string;
}

/** Splits the leading `import` declarations (and comments between them) off a block. */
export function splitImports(code: string): { imports: ImportDeclaration[]; body: string } {
  const imports: ImportDeclaration[] = [];
  let rest = code;
  for (;;) {
    const trimmed = rest.replace(/^(\s*(\/\/[^\n]*)?\n)*/, '');
    const match = /^import\s+([\s\S]*?)\s+from\s+(['"])([^'"]+)\2;?[ \t]*(\/\/[^\n]*)?(\n|$)/.exec(
      trimmed,
    );
    if (!match) break;
    imports.push({ clause: (match[1] as string).trim(), from: match[3] as string });
    rest = trimmed.slice(match[0].length);
  }
  return { imports, body: imports.length === 0 ? rest : rest.replace(/^(\s*\n)+/, '') };
}

/** One module's merged import: default, namespace and named specifiers. */
interface MergedImport {
  defaultName?: string;
  namespace?: string;
  /** Named specifiers by local name; `type` when only type imports asked for it. */
  readonly named: Map<string, { text: string; typeOnly: boolean }>;
}

function mergeInto(merged: Map<string, MergedImport>, declaration: ImportDeclaration): void {
  let entry = merged.get(declaration.from);
  if (!entry) {
    entry = { named: new Map() };
    merged.set(declaration.from, entry);
  }
  let clause = declaration.clause;
  let wholeTypeOnly = false;
  if (/^type\s/.test(clause)) {
    wholeTypeOnly = true;
    clause = clause.replace(/^type\s+/, '');
  }
  const braces = /\{([\s\S]*)\}/.exec(clause);
  const outside = clause
    .replace(/\{[\s\S]*\}/, '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const part of outside) {
    const namespace = /^\*\s+as\s+(\w+)$/.exec(part);
    if (namespace) entry.namespace = namespace[1];
    else entry.defaultName = part;
  }
  if (!braces) return;
  for (const raw of (braces[1] as string).split(',')) {
    const specifier = raw.trim().replace(/\s+/g, ' ');
    if (specifier === '') continue;
    const typeOnly = wholeTypeOnly || specifier.startsWith('type ');
    const text = specifier.replace(/^type /, '');
    const local = text.split(' as ').pop()?.trim() ?? text;
    const known = entry.named.get(local);
    entry.named.set(local, { text, typeOnly: typeOnly && (known?.typeOnly ?? true) });
  }
}

function importLines(merged: Map<string, MergedImport>): string[] {
  const out: string[] = [];
  for (const [from, entry] of merged) {
    if (entry.namespace !== undefined) out.push(`import * as ${entry.namespace} from '${from}';`);
    const named = [...entry.named.values()]
      .map(({ text, typeOnly }) => (typeOnly ? `type ${text}` : text))
      .join(', ');
    const parts = [entry.defaultName, named === '' ? undefined : `{ ${named} }`].filter(
      (part) => part !== undefined,
    );
    if (parts.length > 0) out.push(`import ${parts.join(', ')} from '${from}';`);
  }
  return out;
}

function moduleOf(blocks: readonly CodeBlock[]): ExampleProgram {
  const merged = new Map<string, MergedImport>();
  const bodies: string[] = [];
  for (const block of blocks) {
    const { imports, body } = splitImports(block.code);
    for (const declaration of imports) mergeInto(merged, declaration);
    const code = body.trim();
    bodies.push(
      block.marker === 'typecheck-only'
        ? `// README line ${block.line} (type-checked, not run)\nexport async function readmeLine${block.line}(): Promise<void> {\n${code}\n}`
        : `// README line ${block.line}\n${code}`,
    );
  }
  const source = `${[...importLines(merged), '', ...bodies].join('\n')}\n\nexport {};\n`;
  return { kind: 'module', source, lines: blocks.map((b) => b.line) };
}

/** The programs a README's examples make (see the rules at the top of this file). */
export function examplePrograms(markdown: string): ExampleProgram[] {
  const examples = codeBlocks(markdown).filter(
    (b) => EXAMPLE_LANGS.has(b.lang) && b.marker !== 'skip',
  );
  const main: CodeBlock[] = [];
  const others: ExampleProgram[] = [];
  for (const block of examples) {
    if (/^\/\/ CommonJS\b/.test(block.code.trimStart())) {
      others.push({ kind: 'commonjs', source: `${block.code.trim()}\n`, lines: [block.line] });
    } else if (block.marker === 'standalone') {
      others.push(moduleOf([block]));
    } else if (block.marker === undefined || block.marker === 'typecheck-only') {
      main.push(block);
    } else {
      throw new Error(`line ${block.line}: unknown marker <!-- example: ${block.marker} -->`);
    }
  }
  return main.length === 0 ? others : [moduleOf(main), ...others];
}
