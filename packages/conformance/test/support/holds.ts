/**
 * The property runner of the package's tests: a property checked on generated programs of one
 * template with fast-check; a failure is shrunk (fast-check, then record removal), kept in the
 * corpus (test/corpus) and reported with fast-check's message (seed and path).
 */
import fc from 'fast-check';
import { DEFAULT_CORPUS_DIR, writeCorpusCase } from '../../src/corpus.js';
import {
  type GenContext,
  minimizeBody,
  type Program,
  templateByName,
} from '../../src/program/index.js';
import type { PropertyName, Verdict } from '../../src/properties.js';

/** How {@link holds} runs and records. */
export interface HoldsOptions {
  /** What programs are generated for (the engines' combined capabilities, the avoid list). */
  readonly ctx: GenContext;
  /** Programs to check. */
  readonly runs: number;
  /** The engine under test and its reference, as the corpus names them. */
  readonly engine: string;
  readonly against?: string;
  /** A fixed fast-check seed (default: fast-check's global one, TRAPEZE_FC_SEED, or random). */
  readonly seed?: number;
  /** Where a failure is kept (default: the package's corpus, test/corpus). */
  readonly corpusDir?: string;
}

/**
 * Checks `verdictOf` on `options.runs` programs of `template`; on a failure, shrinks (fast-check,
 * then record removal), keeps the case in the corpus and fails with fast-check's report (seed,
 * path) and the minimal case.
 */
export async function holds(
  template: string,
  property: PropertyName,
  verdictOf: (p: Program) => Verdict | Promise<Verdict>,
  options: HoldsOptions,
): Promise<void> {
  const arbitrary = templateByName(template)?.arbitrary(options.ctx) as fc.Arbitrary<Program>;
  const fails = async (p: Program) => (await verdictOf(p)).status === 'fail';
  const seed = options.seed ?? fc.readConfigureGlobal().seed;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (p) => !(await fails(p))),
    { numRuns: options.runs, ...(seed === undefined ? {} : { seed }) },
  );
  if (!details.failed) return;
  const program = await minimizeBody(details.counterexample?.[0] as Program, fails);
  const verdict = await verdictOf(program);
  const files = writeCorpusCase(options.corpusDir ?? DEFAULT_CORPUS_DIR, {
    template,
    property,
    engine: options.engine,
    ...(options.against === undefined ? {} : { against: options.against }),
    seed: details.seed,
    ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
    reason: verdict.status === 'fail' ? verdict.reason : 'failed',
    program,
  });
  throw new Error(
    `${fc.defaultReportMessage(details)}\n\nminimal case (${program.body.length} records): ${verdict.status === 'fail' ? verdict.reason : ''}\nkept as ${files.assembly}`,
  );
}
