/**
 * Campaigns: many generated programs per template, every applicable property checked on each,
 * failures shrunk by fast-check and kept in the corpus. A campaign is deterministic in its seed:
 * run `i` of template `t` uses its own fast-check seed derived from (seed, t, i), so shards of
 * the run indices are disjoint and any run can be replayed alone.
 *
 * @module
 */

import fc from 'fast-check';
import type { Engine, ProgramRunner } from './contract.js';
import { writeCorpusCase } from './corpus.js';
import { programRunnerFor } from './engines/in-process-runner.js';
import { ConformanceError, type ConformanceErrorCode, checkRange } from './errors.js';
import { type Avoidable, genContext } from './program/context.js';
import type { Program } from './program/model.js';
import { instructionCount } from './program/model.js';
import { renderRecord } from './program/render.js';
import { minimizeBody } from './program/shrink.js';
import { TEMPLATES, type Template } from './program/templates.js';
import {
  checkResourceControl,
  checkSnapshot,
  DEFAULT_BUDGET,
  determinism,
  efficiency,
  equivalence,
  PROPERTY_NAMES,
  type PropertyName,
  programImage,
  resourceControl,
  splitRunDeterminism,
  syncPointEquivalence,
  type Verdict,
} from './properties.js';

/**
 * A shard: the `index`-th (1-based) of `count` disjoint slices of the run indices; `count` is
 * a positive safe integer and `index` an integer in 1…`count`.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  /** The engine under test: in-process ({@link Engine}) or whole programs ({@link ProgramRunner}). */
  readonly engine: Engine | ProgramRunner;
  /** The reference for equivalence (none: equivalence is skipped). */
  readonly against?: Engine | ProgramRunner;
  /** Template names (default: all). */
  readonly templates?: readonly string[];
  /** Properties to check (default: all that apply). */
  readonly properties?: readonly PropertyName[];
  /** Programs per template (default 100), before sharding: a non-negative safe integer. */
  readonly runs?: number;
  /** Campaign seed (default: random): a 32-bit integer, signed or unsigned. */
  readonly seed?: number;
  readonly shard?: Shard;
  /** Instruction budget per program (default {@link DEFAULT_BUDGET}): a positive safe integer. */
  readonly budget?: number;
  /**
   * Least share of directly executed instructions, a number in 0…1 (default 1 for the bare
   * engine — `bare`, `bare/interpreter`, `bare/translator` — else 0).
   */
  readonly efficiencyFloor?: number;
  /** Where shrunk failures are written (`false`: nowhere). */
  readonly corpusDir?: string | false;
  /** Behaviour left out of the programs (engines known to differ on it). */
  readonly avoid?: readonly Avoidable[];
  /** Most records per body: an integer in 1…{@link MAX_RECORDS} (default 24). */
  readonly maxRecords?: number;
  /** Runs in flight at once: an integer in 1…{@link MAX_CONCURRENCY} (default 1; process engines gain from more). */
  readonly concurrency?: number;
  /** Called after every run. */
  readonly onProgress?: (progress: CampaignProgress) => void;
}

/** Progress of a campaign, after a run. */
export interface CampaignProgress {
  readonly template: string;
  /** Runs of this template done (in this shard) and planned. */
  readonly done: number;
  readonly total: number;
  /** Runs of this template with a failed property so far. */
  readonly failed: number;
}

/** One shrunk failure. */
export interface CampaignFailure {
  readonly template: string;
  readonly property: PropertyName;
  readonly runIndex: number;
  /** fast-check seed of the run and path of the shrunk counterexample. */
  readonly seed: number;
  readonly path: string;
  readonly reason: string;
  /** The shrunk program, its instruction count and its body as assembly, one record a line. */
  readonly program: Program;
  readonly instructions: number;
  readonly records: readonly string[];
  /** Corpus files written (JSON, assembly). */
  readonly corpus?: { readonly json: string; readonly assembly: string };
}

/** The result of one property on one template. */
export interface PropertyResult {
  readonly template: string;
  readonly property: PropertyName;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Why the property was skipped (when every run skipped it). */
  readonly skipReason?: string;
  readonly failures: readonly CampaignFailure[];
}

/** The result of one template. */
export interface TemplateResult {
  readonly template: string;
  readonly description: string;
  /** Runs done (in this shard); 0 if the template does not apply. */
  readonly runs: number;
  readonly durationMs: number;
  readonly runsPerSecond: number;
  /** Why the template did not run (engines lacking what it needs). */
  readonly skipReason?: string;
  readonly properties: readonly PropertyResult[];
}

/** The result of a campaign. */
export interface CampaignResult {
  readonly engine: string;
  readonly against?: string;
  readonly seed: number;
  readonly runs: number;
  readonly shard: Shard;
  readonly avoid: readonly Avoidable[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly templates: readonly TemplateResult[];
  /** Whether no property failed. */
  readonly ok: boolean;
}

function isRunner(x: Engine | ProgramRunner): x is ProgramRunner {
  return typeof (x as Partial<ProgramRunner>).runProgram === 'function';
}
function isEngine(x: Engine | ProgramRunner): x is Engine {
  return typeof (x as Partial<Engine>).createVm === 'function';
}

/** The largest {@link CampaignOptions.maxRecords}. */
export const MAX_RECORDS = 1000;
/** The largest {@link CampaignOptions.concurrency}. */
export const MAX_CONCURRENCY = 1024;

/** Checks a shard against its rules ({@link Shard}). */
function checkShard(shard: Shard, what: string, code: ConformanceErrorCode): Shard {
  if (typeof shard !== 'object' || shard === null)
    throw new ConformanceError(code, `${what} must be an object { index, count }`);
  const count = checkRange(shard.count, `${what}.count`, 1, Number.MAX_SAFE_INTEGER, code);
  checkRange(shard.index, `${what}.index`, 1, count, code);
  return shard;
}

/**
 * The range of run indices of `shard` among `runs` (a non-negative safe integer).
 *
 * @throws {@link ConformanceError} `BAD_ARGUMENT` for `runs` or a shard out of range.
 */
export function shardRange(runs: number, shard: Shard): [number, number] {
  checkRange(runs, 'shardRange: runs', 0, Number.MAX_SAFE_INTEGER);
  checkShard(shard, 'shardRange: shard', 'BAD_ARGUMENT');
  const start = Math.floor((runs * (shard.index - 1)) / shard.count);
  const end = Math.floor((runs * shard.index) / shard.count);
  return [start, end];
}

/**
 * The fast-check seed of run `index` (a non-negative safe integer) of `template` in a campaign
 * of seed `seed` (a 32-bit integer, signed or unsigned).
 *
 * @throws {@link ConformanceError} `BAD_ARGUMENT` for a seed or an index out of range.
 */
export function runSeed(seed: number, template: string, index: number): number {
  checkRange(seed, 'runSeed: seed', -0x8000_0000, 0xffff_ffff);
  checkRange(index, 'runSeed: index', 0, Number.MAX_SAFE_INTEGER);
  let h = (seed ^ 0x9e37_79b9) >>> 0;
  const mix = (v: number) => {
    h = Math.imul(h ^ v, 0x0100_0193) >>> 0;
    h ^= h >>> 15;
  };
  for (const c of template) mix(c.charCodeAt(0));
  mix(index);
  mix(index >>> 16);
  return h | 0;
}

/** Whether `property` can apply to `template` for these engines (a reason when it cannot). */
function inapplicable(
  property: PropertyName,
  template: Template,
  engine: Engine | ProgramRunner,
  against: ProgramRunner | undefined,
): string | undefined {
  switch (property) {
    case 'equivalence':
      return against === undefined ? 'no reference engine (--against)' : undefined;
    case 'resource-control':
      return template.name === 'resource' ? undefined : 'checked on the resource template';
    case 'snapshot':
      if (!isEngine(engine)) return `${engine.name} is not an in-process engine`;
      return engine.capabilities.snapshot ? undefined : `${engine.name} does not declare snapshot`;
    default:
      return undefined;
  }
}

/**
 * Runs a campaign: for each template, its runs (this shard's slice), checking every
 * applicable property on each program; a failure is shrunk and written to the corpus.
 *
 * @example
 * ```ts
 * import { bareEngine, runCampaign, summaryTable } from '@trapeze/conformance';
 *
 * const result = await runCampaign({
 *   engine: bareEngine(), // the engine under test: an Engine or a ProgramRunner
 *   against: bareEngine(), // the reference; qemuRunner() with avoid: KNOWN_QEMU_DIFFERENCES
 *   templates: ['alu'],
 *   runs: 3,
 *   seed: 42, // the same seed generates the same programs
 *   properties: ['equivalence', 'determinism'],
 *   corpusDir: false, // keep shrunk failures nowhere
 * });
 * result.ok; // → true
 * result.templates[0]?.properties.map((p) => [p.property, p.status, p.passed]); // → [['equivalence', 'passed', 3], ['determinism', 'passed', 3]]
 * summaryTable(result).includes('alu       3'); // → true
 * ```
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const engine = options.engine;
  const runner = isRunner(engine) ? engine : programRunnerFor(engine);
  const against =
    options.against === undefined
      ? undefined
      : isRunner(options.against)
        ? options.against
        : programRunnerFor(options.against);
  const inProcessAgainst =
    options.against !== undefined && isEngine(options.against) ? options.against : undefined;
  const option = (value: unknown, name: string, min: number, max: number, kind?: 'number') =>
    checkRange(value, `runCampaign: ${name}`, min, max, 'BAD_OPTION', kind);
  const seed =
    options.seed === undefined
      ? (Math.random() * 2 ** 31) | 0
      : option(options.seed, 'seed', -0x8000_0000, 0xffff_ffff);
  const runs = option(options.runs ?? 100, 'runs', 0, Number.MAX_SAFE_INTEGER);
  const shard = checkShard(
    options.shard ?? { index: 1, count: 1 },
    'runCampaign: shard',
    'BAD_OPTION',
  );
  const budget = option(options.budget ?? DEFAULT_BUDGET, 'budget', 1, Number.MAX_SAFE_INTEGER);
  const floor = option(
    options.efficiencyFloor ?? (/^bare(\/|$)/.test(engine.name) ? 1 : 0),
    'efficiencyFloor',
    0,
    1,
    'number',
  );
  if (options.maxRecords !== undefined) option(options.maxRecords, 'maxRecords', 1, MAX_RECORDS);
  const concurrency = option(options.concurrency ?? 1, 'concurrency', 1, MAX_CONCURRENCY);
  const avoid = options.avoid ?? [];
  const wanted = options.properties ?? PROPERTY_NAMES;
  const ctx = genContext(
    against === undefined ? [runner.capabilities] : [runner.capabilities, against.capabilities],
    { avoid },
  );
  const templates =
    options.templates === undefined
      ? TEMPLATES
      : options.templates.map((name) => {
          const t = TEMPLATES.find((x) => x.name === name);
          if (t === undefined)
            throw new ConformanceError(
              'BAD_OPTION',
              `runCampaign: unknown template '${name}' (known: ${TEMPLATES.map((x) => x.name).join(', ')})`,
            );
          return t;
        });
  const [first, last] = shardRange(runs, shard);
  const results: TemplateResult[] = [];

  for (const template of templates) {
    const templateStart = performance.now();
    const unsupported = template.unsupported(ctx);
    const properties = wanted.map((property) => ({
      property,
      reason: unsupported ?? inapplicable(property, template, engine, against),
      passed: 0,
      failed: 0,
      skipped: 0,
      skipReasons: new Set<string>(),
      failures: [] as CampaignFailure[],
    }));
    const active = properties.filter((p) => p.reason === undefined).map((p) => p.property);
    let done = 0;
    let failedRuns = 0;
    if (unsupported === undefined && active.length > 0) {
      const arbitrary = template.arbitrary(ctx, {
        ...(options.maxRecords === undefined ? {} : { maxRecords: options.maxRecords }),
      });
      const oneRun = async (index: number) => {
        const s = runSeed(seed, template.name, index);
        let firstVerdicts: Map<PropertyName, Verdict> | undefined;
        let failing: PropertyName | undefined;
        let lastFailure: { program: Program; verdict: Verdict } | undefined;
        const predicate = async (program: Program): Promise<boolean> => {
          const checks = failing === undefined ? active : [failing];
          const verdicts = await evaluate(program, checks);
          if (firstVerdicts === undefined) firstVerdicts = verdicts;
          for (const property of checks) {
            const v = verdicts.get(property);
            if (v?.status === 'fail') {
              failing ??= property;
              if (property === failing) {
                lastFailure = { program, verdict: v };
                return false;
              }
            }
          }
          return true;
        };
        const details = await fc.check(fc.asyncProperty(arbitrary, predicate), {
          seed: s,
          numRuns: 1,
        });
        for (const p of properties) {
          if (p.reason !== undefined) continue;
          const v = firstVerdicts?.get(p.property);
          if (v === undefined) continue;
          if (v.status === 'pass') p.passed++;
          else if (v.status === 'skip') {
            p.skipped++;
            p.skipReasons.add(v.reason);
          } else p.failed++;
        }
        if (details.failed && failing !== undefined && lastFailure !== undefined) {
          failedRuns++;
          // Minimal by removal: drop records fast-check's shrinker left behind.
          const property = failing;
          const program = await minimizeBody(lastFailure.program, async (candidate) => {
            const v = (await evaluate(candidate, [property])).get(property);
            if (v?.status !== 'fail') return false;
            lastFailure = { program: candidate, verdict: v };
            return true;
          });
          const reason =
            lastFailure.verdict.status === 'fail' ? lastFailure.verdict.reason : 'failed';
          const failure: CampaignFailure = {
            template: template.name,
            property: failing,
            runIndex: index,
            seed: s,
            path: details.counterexamplePath ?? '',
            reason,
            program,
            instructions: instructionCount(program.body),
            records: program.body.map(renderRecord),
            ...(options.corpusDir === false || options.corpusDir === undefined
              ? {}
              : {
                  corpus: writeCorpusCase(options.corpusDir, {
                    template: template.name,
                    property: failing,
                    engine: runner.name,
                    ...(against === undefined ? {} : { against: against.name }),
                    seed: s,
                    ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
                    campaignSeed: seed,
                    runIndex: index,
                    reason,
                    program,
                  }),
                }),
          };
          properties.find((p) => p.property === failing)?.failures.push(failure);
        } else if (details.failed && details.errorInstance !== undefined) {
          // An exception outside the properties (e.g. the program does not assemble).
          failedRuns++;
          const p = properties.find((x) => x.reason === undefined);
          p?.failures.push({
            template: template.name,
            property: p.property,
            runIndex: index,
            seed: s,
            path: details.counterexamplePath ?? '',
            reason: `error: ${String(details.errorInstance)}`,
            program: (details.counterexample?.[0] as Program | undefined) ?? {
              template: template.name,
              setup: '',
              body: [],
            },
            instructions: 0,
            records: [],
          });
          if (p !== undefined) p.failed++;
        }
        done++;
        options.onProgress?.({
          template: template.name,
          done,
          total: last - first,
          failed: failedRuns,
        });
      };
      let next = first;
      const worker = async () => {
        while (next < last) {
          const index = next++;
          await oneRun(index);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    const durationMs = performance.now() - templateStart;
    results.push({
      template: template.name,
      description: template.description,
      runs: done,
      durationMs,
      runsPerSecond: durationMs > 0 ? (done * 1000) / durationMs : 0,
      ...(unsupported === undefined ? {} : { skipReason: unsupported }),
      properties: properties.map((p) => {
        const status: PropertyResult['status'] =
          p.failed > 0 ? 'failed' : p.passed > 0 ? 'passed' : 'skipped';
        const skipReason =
          p.reason ??
          (status === 'skipped' ? [...p.skipReasons].join('; ') || 'no runs' : undefined);
        p.failures.sort((a, b) => a.runIndex - b.runIndex);
        return {
          template: template.name,
          property: p.property,
          status,
          passed: p.passed,
          failed: p.failed,
          skipped: p.skipped,
          ...(skipReason === undefined ? {} : { skipReason }),
          failures: p.failures,
        };
      }),
    });
  }

  return {
    engine: runner.name,
    ...(against === undefined ? {} : { against: against.name }),
    seed,
    runs,
    shard,
    avoid,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    templates: results,
    ok: results.every((t) => t.properties.every((p) => p.status !== 'failed')),
  };

  /** The verdicts of `checks` on one program. */
  async function evaluate(
    program: Program,
    checks: readonly PropertyName[],
  ): Promise<Map<PropertyName, Verdict>> {
    const out = new Map<PropertyName, Verdict>();
    const guard = (property: PropertyName, error: unknown) =>
      out.set(property, {
        status: 'fail',
        reason: `${property}: ${error instanceof Error ? error.message : String(error)}`,
      });
    let image: ReturnType<typeof programImage>;
    try {
      image = programImage(program);
    } catch (error) {
      for (const c of checks) guard(c, error);
      return out;
    }
    const needsOutcome = checks.some((c) => c !== 'snapshot');
    try {
      const referencePromise =
        checks.includes('equivalence') && against !== undefined
          ? against.runProgram(image, budget)
          : undefined;
      const outcome = needsOutcome ? await runner.runProgram(image, budget) : undefined;
      const reference = await referencePromise;
      for (const c of checks) {
        switch (c) {
          case 'equivalence':
            if (outcome !== undefined && reference !== undefined && against !== undefined) {
              let verdict = equivalence(outcome, reference, runner, against);
              // Two in-process engines are compared at every sync point too.
              if (verdict.status === 'pass' && isEngine(engine) && inProcessAgainst !== undefined)
                verdict = syncPointEquivalence(program, engine, inProcessAgainst, budget);
              out.set(c, verdict);
            }
            break;
          case 'determinism':
            if (outcome !== undefined) {
              let verdict = determinism(outcome, await runner.runProgram(image, budget), runner);
              if (verdict.status === 'pass' && isEngine(engine))
                verdict = splitRunDeterminism(program, engine, budget);
              out.set(c, verdict);
            }
            break;
          case 'efficiency':
            if (outcome !== undefined) out.set(c, efficiency(outcome, floor));
            break;
          case 'resource-control':
            if (outcome !== undefined) {
              let verdict = resourceControl(program, outcome);
              // In-process engines: another VM of the engine must not change meanwhile.
              if (verdict.status === 'pass' && isEngine(engine))
                verdict = await checkResourceControl(program, runner, budget, engine);
              out.set(c, verdict);
            }
            break;
          case 'snapshot':
            out.set(
              c,
              isEngine(engine)
                ? await checkSnapshot(program, engine, budget)
                : { status: 'skip', reason: 'not an in-process engine' },
            );
            break;
        }
      }
    } catch (error) {
      for (const c of checks) if (!out.has(c)) guard(c, error);
    }
    return out;
  }
}
