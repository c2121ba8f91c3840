/**
 * Finds what ties a source file to Node rather than to the JavaScript that Node and browsers share:
 * an import (static, dynamic, `import type`, `import x = require()`, `import('…')` in a type,
 * `export … from`, `declare module`) of a `node:` module or of a Node builtin by its bare name
 * (`fs`, `path`, `fs/promises`…: `builtinModules`), and a reference to a Node global (`process`,
 * `Buffer`, `require`, `__dirname`…, also as `globalThis.process`). The file is parsed with the
 * TypeScript compiler, so comments, strings and property names (`s.global`, `{ process: 1 }`)
 * are not uses; a name the file declares itself (`const process = …`) is its own, not Node's.
 */
import { builtinModules } from 'node:module';
import ts from 'typescript';

/** Globals Node has and browsers do not (`NodeJS` is the namespace of @types/node's types). */
export const NODE_GLOBALS: ReadonlySet<string> = new Set([
  'process',
  'Buffer',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
  'NodeJS',
]);

/** The names by which code reaches the global object. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** Whether `specifier` names a Node module: `node:…`, or a builtin (`fs`, `fs/promises`). */
export function isNodeModule(specifier: string): boolean {
  return (
    specifier.startsWith('node:') ||
    BUILTINS.has(specifier) ||
    BUILTINS.has(specifier.split('/')[0] ?? '')
  );
}

/** One use of Node: where (1-based line and column) and what. */
export interface NodeUse {
  readonly line: number;
  readonly column: number;
  readonly what: string;
}

/** Declarations whose `name` declares a binding of the file (rather than naming a property). */
function declaresBinding(node: ts.Node): boolean {
  return (
    ts.isVariableDeclaration(node) ||
    ts.isParameter(node) ||
    ts.isBindingElement(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isClassDeclaration(node) ||
    ts.isClassExpression(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node) ||
    ts.isTypeParameterDeclaration(node) ||
    ts.isImportClause(node) ||
    ts.isNamespaceImport(node) ||
    ts.isImportSpecifier(node) ||
    ts.isImportEqualsDeclaration(node)
  );
}

/** The uses of Node in one source file (`fileName` picks the dialect: .ts, .tsx, .js…). */
export function nodeUses(fileName: string, text: string): NodeUse[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { at: number; what: string }[] = [];
  const references: ts.Identifier[] = [];
  const declared = new Set<string>();

  const specifier = (node: ts.Node | undefined, how: string): void => {
    if (node !== undefined && ts.isStringLiteralLike(node) && isNodeModule(node.text))
      found.push({ at: node.getStart(source), what: `${how} the Node module '${node.text}'` });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) specifier(node.moduleSpecifier, 'imports');
    else if (ts.isExportDeclaration(node)) specifier(node.moduleSpecifier, 're-exports');
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    )
      specifier(node.moduleReference.expression, 'imports');
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      specifier(node.arguments[0], 'imports');
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      specifier(node.argument.literal, 'refers to a type of');
    else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name))
      specifier(node.name, 'declares');
    else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      GLOBAL_OBJECTS.has(node.expression.text) &&
      NODE_GLOBALS.has(node.name.text)
    )
      found.push({
        at: node.getStart(source),
        what: `uses the Node global ${node.name.text} (as ${node.getText(source)})`,
      });
    else if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const named = (parent as { name?: ts.Node }).name === node;
      if (named && declaresBinding(parent)) declared.add(node.text);
      else if (
        ts.isShorthandPropertyAssignment(parent) ||
        !(
          named ||
          (parent as { propertyName?: ts.Node }).propertyName === node ||
          (parent as { label?: ts.Node }).label === node ||
          (ts.isQualifiedName(parent) && parent.right === node)
        )
      )
        references.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  for (const node of references)
    if (!declared.has(node.text))
      found.push({ at: node.getStart(source), what: `uses the Node global ${node.text}` });
  return found
    .sort((a, b) => a.at - b.at)
    .map(({ at, what }) => {
      const { line, character } = source.getLineAndCharacterOfPosition(at);
      return { line: line + 1, column: character + 1, what };
    });
}
