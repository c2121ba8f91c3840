// Sums the vitest JSON reports (packages/*/test-results.json) and prints `N passed, N failed,
// N skipped` as the last line. Exits non-zero when
// - a package with a `test` script has no report (its tests did not run),
// - any test failed, or a test file failed to load (counted as one failed test),
// - under CI (CI set, as .ci/run does) any test was skipped or left as todo: in CI every tool
//   and build output is there (test-support.ts's requireTool fails a test where one is missing),
//   so a skipped test means a test that did not run, and CI must not end green with it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const ciValue = (process.env.CI ?? '').trim().toLowerCase();
const ci = ciValue !== '' && ciValue !== '0' && ciValue !== 'false';

let passed = 0;
let failed = 0;
let reports = 0;
const skipped = [];
const missing = [];
const brokenFiles = [];
for (const name of readdirSync(packagesDir).sort()) {
  const manifest = join(packagesDir, name, 'package.json');
  if (!existsSync(manifest)) continue;
  const file = join(packagesDir, name, 'test-results.json');
  if (!existsSync(file)) {
    if (JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) missing.push(name);
    continue;
  }
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // A truncated or corrupt report: its package's tests cannot be counted, so it is a failure.
    brokenFiles.push(`${relative(root, file)}: unreadable report (${error.message})`);
    failed += 1;
    reports += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  reports += 1;
  for (const result of report.testResults ?? []) {
    const where = relative(root, result.name ?? name);
    const tests = result.assertionResults ?? [];
    // A file that failed to load (a syntax or import error) has no failed test of its own.
    if (result.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
      failed += 1;
      brokenFiles.push(`${where}: ${(result.message ?? '').split('\n')[0]}`);
    }
    for (const t of tests) {
      if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo')
        skipped.push(`${where} > ${t.fullName ?? t.title}`);
    }
  }
}

if (reports === 0) {
  console.error('sum-test-results: no packages/*/test-results.json found');
  process.exit(1);
}
for (const line of brokenFiles) console.error(`sum-test-results: test file failed: ${line}`);
for (const name of missing)
  console.error(`sum-test-results: packages/${name} has a test script but no test-results.json`);
if (skipped.length > 0) {
  const head = ci
    ? `sum-test-results: ${skipped.length} tests skipped under CI, where every test must run:`
    : `sum-test-results: ${skipped.length} tests skipped:`;
  console.error(head);
  for (const line of skipped.slice(0, 50)) console.error(`  ${line}`);
  if (skipped.length > 50) console.error(`  … and ${skipped.length - 50} more`);
}
// The closing line agrees with the exit status: a package without a report counts as one failed
// test, and so does each test skipped under CI.
failed += missing.length + (ci ? skipped.length : 0);
console.log(`${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
