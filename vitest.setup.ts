import fc from 'fast-check';

// Property runs stay modest in `npm test`; raise them for long campaigns with
// TRAPEZE_FC_RUNS=100000, and replay a failure with TRAPEZE_FC_SEED=<seed> (plus `path` in the test).
const runs = Number(process.env.TRAPEZE_FC_RUNS ?? '') || 100;
const seed =
  process.env.TRAPEZE_FC_SEED === undefined ? undefined : Number(process.env.TRAPEZE_FC_SEED);

fc.configureGlobal({
  numRuns: runs,
  ...(seed === undefined || Number.isNaN(seed) ? {} : { seed }),
});
