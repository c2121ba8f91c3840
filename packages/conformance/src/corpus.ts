/**
 * The regression corpus: every shrunk counterexample is kept as assembly (`.S`, the complete
 * harness source, assemblable on its own) plus JSON (template, property, seed, path, the
 * records), and replayed as a regression test.
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fnv1a32 } from './engines/fnv.js';
import type { Program } from './program/model.js';
import { type PropertyName, programSource } from './properties.js';

/** Version of the corpus JSON format. */
export const CORPUS_VERSION = 1;

/** One kept counterexample. */
export interface CorpusCase {
  readonly version: number;
  /** File name without extension: `<template>-<property>-<digest>`. */
  readonly name: string;
  readonly template: string;
  readonly property: PropertyName;
  /** The engine that failed and the reference it was compared with. */
  readonly engine: string;
  readonly against?: string;
  /** The fast-check seed and path of the run (replay: `fc.check(…, { seed, path })`). */
  readonly seed: number;
  readonly path?: string;
  /** Campaign seed and run index, when found by a campaign. */
  readonly campaignSeed?: number;
  readonly runIndex?: number;
  /** Why the property failed. */
  readonly reason: string;
  /** The shrunk program (its `body` is the records). */
  readonly program: Program;
  readonly createdAt: string;
}

/** The corpus of this package (`packages/conformance/test/corpus/`). */
export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL('../test/corpus/', import.meta.url));

/** The name of a case: template, property and a digest of the program. */
export function corpusCaseName(template: string, property: string, program: Program): string {
  const digest = fnv1a32(new TextEncoder().encode(JSON.stringify(program)));
  return `${template}-${property}-${digest.toString(16).padStart(8, '0')}`;
}

/** Input of {@link writeCorpusCase}. */
export type NewCorpusCase = Omit<CorpusCase, 'version' | 'name' | 'createdAt'>;

/**
 * Writes a case as `<name>.json` and `<name>.S` in `dir` (created if needed); returns the two
 * paths. Writing the same program again overwrites the same files.
 */
export function writeCorpusCase(
  dir: string,
  input: NewCorpusCase,
): { json: string; assembly: string } {
  mkdirSync(dir, { recursive: true });
  const name = corpusCaseName(input.template, input.property, input.program);
  const entry: CorpusCase = {
    version: CORPUS_VERSION,
    name,
    ...input,
    createdAt: new Date().toISOString(),
  };
  const json = join(dir, `${name}.json`);
  const assembly = join(dir, `${name}.S`);
  const header = [
    `# Trapeze conformance corpus case ${name}`,
    `# template ${input.template}, property ${input.property}, engine ${input.engine}${input.against ? ` against ${input.against}` : ''}`,
    `# seed ${input.seed}${input.path ? `, path ${input.path}` : ''}`,
    `# ${input.reason.replace(/\n/g, ' ')}`,
    '',
  ].join('\n');
  writeFileSync(json, `${JSON.stringify(entry, null, 2)}\n`);
  writeFileSync(assembly, header + programSource(input.program));
  return { json, assembly };
}

/** Every case in `dir` (none if it does not exist), by name. */
export function readCorpus(dir: string = DEFAULT_CORPUS_DIR): CorpusCase[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusCase)
    .filter((c) => c.version === CORPUS_VERSION);
}
