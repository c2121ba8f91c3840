/** The campaign runner's sharding and seeds, and the reports. */
import { describe, expect, it } from 'vitest';
import { bareEngine } from '../src/engines/bare.js';
import { jsonReport, junitXml, summaryTable } from '../src/report.js';
import { type CampaignResult, runCampaign, runSeed, shardRange } from '../src/runner.js';

describe('shards', () => {
  it('split the run indices into disjoint slices that cover them all', () => {
    for (const [runs, count] of [
      [2000, 4],
      [10, 3],
      [1, 2],
      [7, 7],
    ] as const) {
      const covered: number[] = [];
      for (let index = 1; index <= count; index++) {
        const [start, end] = shardRange(runs, { index, count });
        for (let i = start; i < end; i++) covered.push(i);
      }
      expect(covered).toEqual(Array.from({ length: runs }, (_, i) => i));
    }
  });

  it('give every run its own seed, the same in every shard', () => {
    expect(runSeed(42, 'alu', 7)).toBe(runSeed(42, 'alu', 7));
    expect(runSeed(42, 'alu', 7)).not.toBe(runSeed(42, 'alu', 8));
    expect(runSeed(42, 'alu', 7)).not.toBe(runSeed(42, 'm', 7));
    expect(runSeed(42, 'alu', 7)).not.toBe(runSeed(43, 'alu', 7));
  });

  it('of a campaign add up to the whole campaign', async () => {
    const bare = bareEngine();
    const base = {
      engine: bare,
      templates: ['alu'],
      properties: ['determinism'] as const,
      runs: 4,
      seed: 3,
    };
    const whole = await runCampaign(base);
    const a = await runCampaign({ ...base, shard: { index: 1, count: 2 } });
    const b = await runCampaign({ ...base, shard: { index: 2, count: 2 } });
    expect(whole.templates[0]?.runs).toBe(4);
    expect((a.templates[0]?.runs ?? 0) + (b.templates[0]?.runs ?? 0)).toBe(4);
    expect(whole.ok && a.ok && b.ok).toBe(true);
  });
});

describe('reports', () => {
  const result: CampaignResult = {
    engine: 'mine',
    against: 'bare',
    seed: 5,
    runs: 10,
    shard: { index: 1, count: 1 },
    avoid: [],
    startedAt: '2026-11-29T00:00:00.000Z',
    durationMs: 1500,
    ok: false,
    templates: [
      {
        template: 'alu',
        description: 'integer ALU',
        runs: 10,
        durationMs: 1000,
        runsPerSecond: 10,
        properties: [
          {
            template: 'alu',
            property: 'equivalence',
            status: 'failed',
            passed: 9,
            failed: 1,
            skipped: 0,
            failures: [
              {
                template: 'alu',
                property: 'equivalence',
                runIndex: 3,
                seed: -12,
                path: '0:1:0',
                reason: 'mine differs from bare: x5: 00000001 ≠ 00000000 <&>',
                program: {
                  template: 'alu',
                  setup: '',
                  body: [{ kind: 'reg', op: 'sltu', rd: 5, rs1: 6, rs2: 0 }],
                },
                instructions: 1,
                records: ['sltu x5, x6, x0'],
              },
            ],
          },
          {
            template: 'alu',
            property: 'snapshot',
            status: 'skipped',
            passed: 0,
            failed: 0,
            skipped: 0,
            skipReason: 'mine does not declare snapshot',
            failures: [],
          },
        ],
      },
    ],
  };

  it('print a table with every failure, its seed, path and shrunk body', () => {
    const table = summaryTable(result);
    expect(table).toContain('trapeze conformance: mine against bare, seed 5');
    expect(table).toMatch(/alu +10 +10\.0 +FAIL 1\/10 +skip/);
    expect(table).toContain('FAIL alu equivalence (run 3, seed -12, path "0:1:0")');
    expect(table).toContain('    sltu x5, x6, x0');
    expect(table).toContain('snapshot: mine does not declare snapshot');
    expect(table.trimEnd().endsWith('some properties FAILED')).toBe(true);
  });

  it('write JUnit XML with a failure and a skip, escaped', () => {
    const xml = junitXml(result);
    expect(xml).toContain(
      '<testsuites name="trapeze conformance mine against bare (seed 5)" tests="2" failures="1" errors="0" skipped="1"',
    );
    expect(xml).toContain('<failure message="1 of 10 runs failed" type="equivalence">');
    expect(xml).toContain('&lt;&amp;&gt;');
    expect(xml).toContain('<skipped message="mine does not declare snapshot"/>');
  });

  it('write the result as JSON', () => {
    expect(JSON.parse(jsonReport(result))).toEqual(result);
  });
});
