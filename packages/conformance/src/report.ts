/**
 * Reports of a campaign: a summary table for terminals, JSON, and JUnit XML for CI.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROPERTY_NAMES } from './properties.js';
import type { CampaignResult, PropertyResult } from './runner.js';

function cell(p: PropertyResult | undefined): string {
  if (p === undefined) return '-';
  switch (p.status) {
    case 'passed':
      return `pass ${p.passed}${p.skipped > 0 ? ` (${p.skipped} skip)` : ''}`;
    case 'failed':
      return `FAIL ${p.failed}/${p.passed + p.failed}`;
    case 'skipped':
      return 'skip';
  }
}

/**
 * The summary table: one row per template (runs, runs per second) and one column per property
 * (`pass N`, `FAIL k/N`, `skip`), then the skip reasons and every failure with its seed, path,
 * reason and shrunk body.
 */
export function summaryTable(result: CampaignResult): string {
  const properties = PROPERTY_NAMES.filter((name) =>
    result.templates.some((t) => t.properties.some((p) => p.property === name)),
  );
  const header = ['template', 'runs', 'runs/s', ...properties];
  const rows = result.templates.map((t) => [
    t.template,
    String(t.runs),
    t.runs === 0 ? '-' : t.runsPerSecond.toFixed(1),
    ...properties.map((name) =>
      t.skipReason !== undefined ? 'skip' : cell(t.properties.find((p) => p.property === name)),
    ),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    `trapeze conformance: ${result.engine}${result.against ? ` against ${result.against}` : ''}, seed ${result.seed}, ${result.runs} runs per template, shard ${result.shard.index}/${result.shard.count}${result.avoid.length ? `, avoiding ${result.avoid.join(', ')}` : ''}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  const skips: string[] = [];
  for (const t of result.templates) {
    if (t.skipReason !== undefined) skips.push(`  ${t.template}: ${t.skipReason}`);
    else
      for (const p of t.properties)
        if (p.status === 'skipped' && p.skipReason !== undefined)
          skips.push(`  ${t.template} ${p.property}: ${p.skipReason}`);
  }
  // Collapse the same reason across templates.
  const byReason = new Map<string, string[]>();
  for (const t of result.templates)
    for (const p of t.properties)
      if (t.skipReason === undefined && p.status === 'skipped' && p.skipReason !== undefined) {
        const key = `${p.property}: ${p.skipReason}`;
        byReason.set(key, [...(byReason.get(key) ?? []), t.template]);
      }
  if (skips.length > 0) {
    out.push('', 'skipped:');
    for (const t of result.templates)
      if (t.skipReason !== undefined) out.push(`  ${t.template}: ${t.skipReason}`);
    for (const [reason, templates] of byReason)
      out.push(
        `  ${reason}${templates.length === result.templates.length ? '' : ` (${templates.join(', ')})`}`,
      );
  }
  for (const t of result.templates)
    for (const p of t.properties)
      for (const f of p.failures) {
        out.push(
          '',
          `FAIL ${f.template} ${f.property} (run ${f.runIndex}, seed ${f.seed}, path "${f.path}"): ${f.reason}`,
          `  shrunk to ${f.instructions} instruction${f.instructions === 1 ? '' : 's'}:`,
          ...f.records.map((r) => `    ${r}`),
        );
        if (f.corpus !== undefined) out.push(`  kept as ${f.corpus.assembly}`);
      }
  out.push('', result.ok ? 'all properties hold' : 'some properties FAILED');
  return `${out.join('\n')}\n`;
}

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?');

/** JUnit XML: a test suite per template, a test case per property. */
export function junitXml(result: CampaignResult): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites: string[] = [];
  for (const t of result.templates) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    const time = (t.durationMs / 1000 / Math.max(1, t.properties.length)).toFixed(3);
    for (const p of t.properties) {
      tests++;
      const name = xml(p.property);
      const classname = xml(`conformance.${result.engine}.${t.template}`);
      if (t.skipReason !== undefined || p.status === 'skipped') {
        skipped++;
        suiteSkipped++;
        cases.push(
          `    <testcase classname="${classname}" name="${name}" time="0"><skipped message="${xml(t.skipReason ?? p.skipReason ?? '')}"/></testcase>`,
        );
      } else if (p.status === 'failed') {
        failures++;
        suiteFailures++;
        const details = p.failures
          .map(
            (f) =>
              `run ${f.runIndex} seed ${f.seed} path "${f.path}": ${f.reason}\n${f.records.map((r) => `  ${r}`).join('\n')}`,
          )
          .join('\n\n');
        cases.push(
          `    <testcase classname="${classname}" name="${name}" time="${time}"><failure message="${xml(`${p.failed} of ${p.passed + p.failed} runs failed`)}" type="${name}">${xml(details)}</failure></testcase>`,
        );
      } else {
        cases.push(
          `    <testcase classname="${classname}" name="${name}" time="${time}"><system-out>${p.passed} runs passed${p.skipped ? `, ${p.skipped} skipped` : ''}</system-out></testcase>`,
        );
      }
    }
    suites.push(
      `  <testsuite name="${xml(t.template)}" tests="${t.properties.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}" time="${(t.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="trapeze conformance ${xml(result.engine)}${result.against ? ` against ${xml(result.against)}` : ''} (seed ${result.seed})" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${(result.durationMs / 1000).toFixed(3)}">
${suites.join('\n')}
</testsuites>
`;
}

/** The campaign as JSON (the {@link CampaignResult}, pretty-printed). */
export function jsonReport(result: CampaignResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Writes `conformance.json` and `conformance.junit.xml` in `dir`; returns their paths. */
export function writeReports(
  dir: string,
  result: CampaignResult,
  baseName = 'conformance',
): { json: string; junit: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${baseName}.json`);
  const junit = join(dir, `${baseName}.junit.xml`);
  writeFileSync(json, jsonReport(result));
  writeFileSync(junit, junitXml(result));
  return { json, junit };
}
