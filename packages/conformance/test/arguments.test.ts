/**
 * Host-side arguments of the conformance package: campaign options, budgets, shard numbers,
 * seeds, indices and addresses out of range get a typed error (ConformanceError, or
 * EngineError `BAD_USE` from a VM) before anything runs, never a hang or a RangeError.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { notAnInteger } from '@trapeze/isa/arbitraries';
import { describe, expect, it } from 'vitest';
import {
  bareEngine,
  buildProgram,
  ConformanceError,
  compareSplitRun,
  compareSyncPoints,
  dataPatternWord,
  defaultExitStatus,
  describeDifferences,
  type Engine,
  EngineError,
  efficiency,
  hex8,
  initialRegister,
  MAX_CONCURRENCY,
  MAX_RECORDS,
  processRunner,
  programRunnerFor,
  runCampaign,
  runSeed,
  shardRange,
  trapezeRunExitStatus,
} from '../src/index.js';

const SAFE = Number.MAX_SAFE_INTEGER;
const WORD: [number, number] = [-0x8000_0000, 0xffff_ffff];

async function rejects(
  f: () => unknown,
  type: typeof ConformanceError | typeof EngineError,
  code: string,
  what: string,
): Promise<void> {
  try {
    await f();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as ConformanceError).code).toBe(code);
    expect((error as ConformanceError).message).toContain(what);
    return;
  }
  expect.unreachable(`${what}: accepted a bad value`);
}

const image = buildProgram({ setup: '', body: 'li a0, 1' });
const vm = bareEngine().createVm();
vm.load(image);
const ok = {
  exit: { kind: 'halt' as const, code: 0, instructions: 1 },
  console: new Uint8Array(),
  dump: undefined,
};
const stats = {
  ...ok,
  stats: { exits: {}, direct: 1, instructions: 1, blocksTranslated: 0, hypercalls: {} },
};

/** Functions with one numeric argument: what messages call it, the error, the legal range. */
const CASES: [
  string,
  (v: never) => unknown,
  typeof ConformanceError | typeof EngineError,
  string,
  number,
  number,
][] = [
  [
    'shardRange: runs',
    (v) => shardRange(v, { index: 1, count: 1 }),
    ConformanceError,
    'BAD_ARGUMENT',
    0,
    SAFE,
  ],
  [
    'shardRange: shard.count',
    (v) => shardRange(10, { index: 1, count: v }),
    ConformanceError,
    'BAD_ARGUMENT',
    1,
    SAFE,
  ],
  [
    'shardRange: shard.index',
    (v) => shardRange(10, { index: v, count: 3 }),
    ConformanceError,
    'BAD_ARGUMENT',
    1,
    3,
  ],
  ['runSeed: seed', (v) => runSeed(v, 'alu', 0), ConformanceError, 'BAD_ARGUMENT', ...WORD],
  ['runSeed: index', (v) => runSeed(1, 'alu', v), ConformanceError, 'BAD_ARGUMENT', 0, SAFE],
  ['initialRegister: i', (v) => initialRegister(v), ConformanceError, 'BAD_ARGUMENT', 0, 31],
  ['dataPatternWord: i', (v) => dataPatternWord(v), ConformanceError, 'BAD_ARGUMENT', 0, 1023],
  ['hex8: n', (v) => hex8(v), ConformanceError, 'BAD_ARGUMENT', ...WORD],
  [
    'describeDifferences: limit',
    (v) => describeDifferences([], v),
    ConformanceError,
    'BAD_ARGUMENT',
    0,
    SAFE,
  ],
  [
    'defaultExitStatus: status',
    (v) => defaultExitStatus(v, 0),
    ConformanceError,
    'BAD_ARGUMENT',
    0,
    255,
  ],
  [
    'defaultExitStatus: instructions',
    (v) => defaultExitStatus(0, v),
    ConformanceError,
    'BAD_ARGUMENT',
    0,
    SAFE,
  ],
  [
    'trapezeRunExitStatus: status',
    (v) => trapezeRunExitStatus(v, 0),
    ConformanceError,
    'BAD_ARGUMENT',
    0,
    255,
  ],
  ['bare VM: budget', (v) => vm.run(v), EngineError, 'BAD_USE', 0, SAFE],
  ['readMemory: address', (v) => vm.readMemory(v, 4), EngineError, 'BAD_USE', ...WORD],
  ['readMemory: length', (v) => vm.readMemory(0x8000_0000, v), EngineError, 'BAD_USE', 0, SAFE],
  ['pageDigest: address', (v) => vm.pageDigest(v), EngineError, 'BAD_USE', ...WORD],
  [
    'timeoutMs',
    (v) =>
      processRunner({
        name: 'p',
        command: 'x {elf}',
        capabilities: bareEngine().capabilities,
        timeoutMs: v,
      }),
    ConformanceError,
    'BAD_OPTION',
    1,
    0x7fff_ffff,
  ],
];

describe('numeric arguments', () => {
  for (const [what, f, type, code, min, max] of CASES) {
    // (An option of null, like undefined, takes the default.)
    const bad = notAnInteger(min, max).filter((v) => code !== 'BAD_OPTION' || v !== null);
    prop.prop([bad], { numRuns: 30 })(`${what}: rejects values outside ${min}…${max}`, (v) =>
      rejects(() => f(v as never), type, code, what),
    );
  }

  it('efficiency: floor is a number in 0…1', async () => {
    for (const floor of [Number.NaN, -0.1, 1.5, Infinity, '1'])
      await rejects(
        () => efficiency(stats, floor as number),
        ConformanceError,
        'BAD_ARGUMENT',
        'efficiency: floor',
      );
    expect(efficiency(stats, 0.5).status).toBe('pass');
  });

  it('runProgram budgets are checked by every runner', async () => {
    const runner = programRunnerFor(bareEngine());
    for (const budget of [Number.NaN, -5, 1.5, Infinity])
      await rejects(
        () => runner.runProgram(image, budget),
        EngineError,
        'BAD_USE',
        'runProgram budget',
      );
    const process = processRunner({
      name: 'p',
      command: 'false {elf}',
      capabilities: bareEngine().capabilities,
    });
    await rejects(
      () => process.runProgram(image, Number.NaN),
      EngineError,
      'BAD_USE',
      'p: runProgram budget',
    );
  });
});

describe('campaign options', () => {
  const engine = bareEngine();
  const campaign = (options: object) =>
    runCampaign({ engine, templates: ['alu'], runs: 1, corpusDir: false, ...options });
  const OPTIONS: [string, number, number, 'number'?][] = [
    ['runs', 0, SAFE],
    ['seed', ...WORD],
    ['budget', 1, SAFE],
    ['maxRecords', 1, MAX_RECORDS],
    ['concurrency', 1, MAX_CONCURRENCY],
  ];
  for (const [name, min, max] of OPTIONS) {
    prop.prop([notAnInteger(min, max).filter((v) => v != null)], { numRuns: 15 })(
      `${name}: rejects values outside ${min}…${max} before running anything`,
      async (v) => {
        await rejects(
          () => campaign({ [name]: v }),
          ConformanceError,
          'BAD_OPTION',
          `runCampaign: ${name}`,
        );
      },
    );
  }

  prop.prop(
    [
      fc.oneof(
        fc.double().filter((x) => !(x >= 0 && x <= 1)),
        fc.constantFrom<unknown>(Number.NaN, '1', {}),
      ),
    ],
    {
      numRuns: 15,
    },
  )('efficiencyFloor: rejects anything but a number in 0…1', async (v) => {
    await rejects(
      () => campaign({ efficiencyFloor: v }),
      ConformanceError,
      'BAD_OPTION',
      'runCampaign: efficiencyFloor',
    );
  });

  it('rejects bad shards and unknown templates with a BAD_OPTION', async () => {
    for (const shard of [
      { index: 0, count: 1 },
      { index: 3, count: 2 },
      { index: 1, count: 0 },
      { index: 1.5, count: 2 },
      'x',
    ])
      await rejects(
        () => campaign({ shard }),
        ConformanceError,
        'BAD_OPTION',
        'runCampaign: shard',
      );
    await rejects(
      () => campaign({ templates: ['nope'] }),
      ConformanceError,
      'BAD_OPTION',
      "unknown template 'nope'",
    );
  });

  it('still runs a campaign with good options', async () => {
    const result = await campaign({
      seed: 0xffff_ffff,
      concurrency: 2,
      maxRecords: 1,
      properties: ['determinism'],
    });
    expect(result.ok).toBe(true);
  });
});

describe('sync points', () => {
  const engine = bareEngine();
  it('check every budget of a schedule before creating a VM', async () => {
    for (const schedule of [[Number.NaN], [1, -1], [2.5]])
      await rejects(
        () => compareSyncPoints(image, engine, engine, schedule, 100),
        ConformanceError,
        'BAD_ARGUMENT',
        'compareSyncPoints: schedule',
      );
    await rejects(
      () => compareSplitRun(image, engine, [1], Infinity),
      ConformanceError,
      'BAD_ARGUMENT',
      'compareSplitRun: budget',
    );
  });

  it('a third-party VM that stops at a breakpoint without retiring anything does not hang the runner', async () => {
    const stuck: Engine = {
      ...engine,
      name: 'stuck',
      createVm: () => {
        const vm = engine.createVm();
        vm.run = () => ({ kind: 'breakpoint', code: 0, instructions: 0 });
        return vm;
      },
    };
    const outcome = await programRunnerFor(stuck).runProgram(image, 1000);
    expect(outcome.exit.kind).toBe('breakpoint');
  });
});
