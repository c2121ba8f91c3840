// Sums the vitest JSON reports (packages/*/test-results.json) and prints `N passed, N failed` as
// the last line. Exits non-zero when there is no report at all or when any test failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');

let passed = 0;
let failed = 0;
let reports = 0;
for (const name of readdirSync(packagesDir).sort()) {
  const file = join(packagesDir, name, 'test-results.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  reports += 1;
}

if (reports === 0) {
  console.error('sum-test-results: no packages/*/test-results.json found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
