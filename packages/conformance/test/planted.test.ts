/**
 * Planted faults: engines that are the bare machine with one deliberate bug must be caught by
 * the equivalence property against bare, and shrunk to at most 5 body instructions. The shrunk
 * case is written in the corpus format (to a temporary directory; set TRAPEZE_PLANTED_CORPUS=1
 * to write it to test/corpus, where the regression test replays it).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_DIR, writeCorpusCase } from '../src/corpus.js';
import { bareEngine } from '../src/engines/bare.js';
import { programRunnerFor } from '../src/engines/in-process-runner.js';
import {
  genContext,
  instructionCount,
  minimizeBody,
  type Program,
  templateByName,
} from '../src/program/index.js';
import { checkEquivalence, splitRunDeterminism, syncPointEquivalence } from '../src/properties.js';
import { runCampaign } from '../src/runner.js';
import {
  type Fault,
  PMP_IGNORED,
  plantedEngine,
  SLTU_SIGNED,
  SSCRATCH_LOST,
  STOP_COSTS_TIME,
} from './support/planted.js';

const bare = bareEngine();
const corpusDir =
  process.env.TRAPEZE_PLANTED_CORPUS === '1'
    ? DEFAULT_CORPUS_DIR
    : mkdtempSync(join(tmpdir(), 'trapeze-planted-'));
const seed = Number(process.env.TRAPEZE_FC_SEED ?? '') || 20261129;

async function catchAndShrink(fault: Fault, template: string) {
  const engine = programRunnerFor(plantedEngine(fault));
  const ctx = genContext([engine.capabilities, bare.capabilities]);
  const arbitrary = templateByName(template)?.arbitrary(ctx, {
    maxRecords: 16,
  }) as fc.Arbitrary<Program>;
  const fails = async (p: Program) => (await checkEquivalence(p, engine, bare)).status === 'fail';
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (p) => !(await fails(p))),
    { seed, numRuns: 300 },
  );
  if (!details.failed) throw new Error(`${engine.name} was not caught in 300 ${template} programs`);
  const program = await minimizeBody(details.counterexample?.[0] as Program, fails);
  const verdict = await checkEquivalence(program, engine, bare);
  const files = writeCorpusCase(corpusDir, {
    template,
    property: 'equivalence',
    engine: engine.name,
    against: 'bare',
    seed: details.seed,
    ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
    reason: verdict.status === 'fail' ? verdict.reason : 'failed',
    program,
  });
  return { program, verdict, files, details };
}

describe('planted faults are caught against bare and shrunk to at most 5 instructions', () => {
  it('SLTU that compares signed', async () => {
    const { program, verdict, files } = await catchAndShrink(SLTU_SIGNED, 'alu');
    expect(verdict.status).toBe('fail');
    expect(instructionCount(program.body)).toBeLessThanOrEqual(5);
    expect(program.body.some((r) => r.kind === 'reg' && r.op === 'sltu')).toBe(true);
    expect(readFileSync(files.assembly, 'utf8')).toContain('sltu');
  }, 300_000);

  it('an sscratch write lost across a trap', async () => {
    const { program, verdict } = await catchAndShrink(SSCRATCH_LOST, 'zicsr');
    expect(verdict.status).toBe('fail');
    expect(verdict.status === 'fail' && verdict.reason).toMatch(/sscratch/);
    expect(instructionCount(program.body)).toBeLessThanOrEqual(5);
  }, 300_000);

  it('PMP ignored', async () => {
    const { program, verdict } = await catchAndShrink(PMP_IGNORED, 'pmp');
    expect(verdict.status).toBe('fail');
    expect(instructionCount(program.body)).toBeLessThanOrEqual(5);
  }, 300_000);

  it('a stop that costs virtual time: the dump cannot see it, the sync points can', async () => {
    const stopTime = plantedEngine(STOP_COSTS_TIME);
    const program: Program = {
      template: 'alu',
      setup: '',
      body: [{ kind: 'li', rd: 5, value: 1 }],
    };
    expect(await checkEquivalence(program, programRunnerFor(stopTime), bare)).toEqual({
      status: 'pass',
    });
    const atSyncPoints = syncPointEquivalence(program, stopTime, bare);
    expect(atSyncPoints.status).toBe('fail');
    expect(atSyncPoints.status === 'fail' && atSyncPoints.reason).toMatch(/csr mcycle/);
    expect(splitRunDeterminism(program, stopTime).status).toBe('fail');
    expect(splitRunDeterminism(program, bare)).toEqual({ status: 'pass' });
    const result = await runCampaign({
      engine: stopTime,
      against: bare,
      templates: ['alu'],
      properties: ['equivalence', 'determinism'],
      runs: 3,
      seed,
      corpusDir,
      maxRecords: 4,
    });
    for (const property of result.templates[0]?.properties ?? [])
      expect(property.status, property.property).toBe('failed');
  }, 300_000);

  it('a campaign reports the planted SLTU with seed, path and a minimal body', async () => {
    const result = await runCampaign({
      engine: plantedEngine(SLTU_SIGNED),
      against: bare,
      templates: ['alu'],
      properties: ['equivalence'],
      runs: 40,
      seed,
      corpusDir,
      maxRecords: 12,
    });
    expect(result.ok).toBe(false);
    const equivalence = result.templates[0]?.properties.find((p) => p.property === 'equivalence');
    expect(equivalence?.status).toBe('failed');
    const failure = equivalence?.failures[0];
    expect(failure?.instructions).toBeLessThanOrEqual(5);
    expect(failure?.records.join('\n')).toContain('sltu');
    expect(typeof failure?.seed).toBe('number');
    expect(failure?.corpus?.json).toMatch(/alu-equivalence-[0-9a-f]{8}\.json$/);
  }, 600_000);
});
