/**
 * The translator against the interpreter (the oracle): the bare machine on each core runs every
 * template's programs in the same budget schedule, and the guest states at every sync point —
 * pc, registers, privilege, CSRs, instret, the image's pages, the console and the exits — must
 * be the same. Runs are modest (TRAPEZE_FC_RUNS / 20 programs per template, at least 5: 70
 * programs of about 0.1 s each); TRAPEZE_FC_SEED replays a seed. A failure prints seed and path
 * and keeps the shrunk case in test/corpus (replayed on both cores by properties-corpus.test.ts).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bareEngine } from '../src/engines/bare.js';
import { genContext, TEMPLATES } from '../src/program/index.js';
import { syncPointEquivalence } from '../src/properties.js';
import { holds } from './support/holds.js';
import { plantedEngine, SLTU_SIGNED } from './support/planted.js';

const translator = bareEngine({ core: 'translator' });
const interpreter = bareEngine({ core: 'interpreter' });
// Both are the bare machine: every program either can run, the QEMU differences included.
const ctx = genContext([translator.capabilities, interpreter.capabilities]);
const globalRuns = fc.readConfigureGlobal().numRuns ?? 100;
const runs = Math.max(5, Math.ceil(globalRuns / 20));

describe('the translator is the interpreter at every sync point', () => {
  for (const template of TEMPLATES) {
    it(
      `on ${template.name} programs`,
      () =>
        holds(
          template.name,
          'equivalence',
          (p) => syncPointEquivalence(p, translator, interpreter),
          { ctx, runs, engine: translator.name, against: interpreter.name },
        ),
      600_000,
    );
  }
});

describe('the property', () => {
  it('catches a core that differs from the interpreter: seed, path, a minimal case in the corpus', async () => {
    // A stand-in for a faulty translator: the bare machine with SLTU computed signed.
    const faulty = plantedEngine(SLTU_SIGNED);
    const corpusDir = mkdtempSync(join(tmpdir(), 'trapeze-cores-'));
    const failure = await holds(
      'alu',
      'equivalence',
      (p) => syncPointEquivalence(p, faulty, interpreter),
      { ctx, runs: 200, seed: 9, engine: faulty.name, against: interpreter.name, corpusDir },
    ).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/seed: 9, path: "[0-9:]+"/);
    expect(failure).toMatch(
      /minimal case \(1 records\): planted-sltu differs from bare\/interpreter at sync point/,
    );
    const files = readdirSync(corpusDir).sort();
    expect(files).toEqual([
      expect.stringMatching(/^alu-equivalence-[0-9a-f]{8}\.S$/),
      expect.stringMatching(/^alu-equivalence-[0-9a-f]{8}\.json$/),
    ]);
    const kept = JSON.parse(readFileSync(join(corpusDir, files[1] as string), 'utf8'));
    expect(kept).toMatchObject({ engine: 'planted-sltu', against: 'bare/interpreter', seed: 9 });
    expect(kept.program.body).toEqual([expect.objectContaining({ kind: 'reg', op: 'sltu' })]);
  }, 120_000);
});
