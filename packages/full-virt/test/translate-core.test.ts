/**
 * The `translate` engine against `bare`: every guest image ends in the same guest state under
 * both policies; sensitive instructions of the kernel are calls, not exits (all of them under
 * `all`); accesses that keep trapping to a device are retranslated into calls; bad options are
 * typed errors.
 */
import { BufferBackend } from '@trapeze/devices';
import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { createEngineMachine, type EngineMachineOptions, exitStatistics } from '../src/engines.js';
import { FullVirtError } from '../src/errors.js';
import type { ExitStatistics } from '../src/exits.js';
import { TRANSLATE_POLICIES, TranslateCore } from '../src/translate-core.js';
import { GUESTS, runImage } from './support.js';

/** Bare runs, by image and bootargs (each is made once). */
const bareRuns = new Map<string, ReturnType<typeof runImage>>();
function bareRun(name: string, bootargs: string | undefined, budget: number) {
  const key = `${name} ${bootargs}`;
  let run = bareRuns.get(key);
  if (run === undefined) {
    run = runImage({ engine: 'bare' }, name, bootargs, budget);
    bareRuns.set(key, run);
  }
  return run;
}

/** Exits of sensitive instructions. */
function sensitiveExits(exits: ExitStatistics): number {
  const e = exits.exits;
  return e.csr + e.xret + e.wfi + e['sfence.vma'] + e.ecall;
}

function statisticsOf(machine: ReturnType<typeof runImage>['machine']): ExitStatistics {
  const exits = exitStatistics(machine);
  if (exits === undefined) throw new Error('no exits');
  return exits;
}

describe.each(TRANSLATE_POLICIES)('translate (%s)', (policy) => {
  it.each(GUESTS)(
    '%s (%s) ends as on bare',
    (name, bootargs, budget) => {
      const bare = bareRun(name, bootargs, budget);
      const run = runImage({ engine: 'translate', policy }, name, bootargs, budget);
      expect(run.exit).toEqual(bare.exit);
      expect(run.console).toBe(bare.console);
      expect(run.state).toEqual(bare.state);
      const exits = statisticsOf(run.machine);
      expect(exits.retired).toBe(bare.machine.hart.retired);
      // Every image's firmware or kernel has CSR accesses: calls, not exits.
      expect(exits.calls.csr).toBeGreaterThan(0);
      expect(exits.callTotal).toBe(Object.values(exits.calls).reduce((a, b) => a + b, 0));
      expect(exits.efficiency).toBeGreaterThan(0.9);
      if (policy === 'all') expect(sensitiveExits(exits)).toBe(0);
      const core = run.machine.core;
      expect(core).toBeInstanceOf(TranslateCore);
      if (core instanceof TranslateCore) {
        expect(core.engine).toBe('translate');
        expect(core.policy).toBe(policy);
        expect(core.statistics().blocksTranslated).toBeGreaterThan(0);
      }
    },
    120_000,
  );
});

describe('translate calls', () => {
  it('the OS system calls: the kernel side is calls, the user ECALL an exit under hybrid', () => {
    const bootargs = 'run=syscall,trap';
    const hybrid = statisticsOf(
      runImage({ engine: 'translate', policy: 'hybrid' }, 'os.elf', bootargs).machine,
    );
    const all = statisticsOf(
      runImage({ engine: 'translate', policy: 'all' }, 'os.elf', bootargs).machine,
    );
    const direct = statisticsOf(runImage({ engine: 'direct' }, 'os.elf', bootargs).machine);
    // syscall: 10,000 ECALLs from U-mode, each returned from with SRET; trap: 4,000 EBREAKs.
    expect(direct.exits.ecall).toBeGreaterThanOrEqual(10_000);
    expect(hybrid.exits.ecall).toBe(direct.exits.ecall - hybrid.calls.ecall);
    expect(hybrid.calls.xret).toBe(direct.exits.xret);
    expect(hybrid.exits.xret).toBe(0);
    expect(hybrid.calls.csr).toBeGreaterThan(10 * 10_000);
    // What is left of CSR exits under hybrid is user code's (counter reads).
    expect(hybrid.exits.csr).toBeLessThan(direct.exits.csr / 1000);
    expect(all.exits.ecall).toBe(0);
    expect(all.calls.ecall).toBe(direct.exits.ecall);
    expect(sensitiveExits(all)).toBe(0);
    // The guest's own traps are reflected as under direct: not calls, exits.
    expect(hybrid.traps['3']).toBe(4000);
    expect(all.traps['3']).toBe(4000);
    // Fewer exits, the same instructions without the hypervisor.
    expect(hybrid.total).toBeLessThan(direct.total / 5);
    expect(hybrid.direct).toBe(direct.direct);
  });

  it('an M-mode CSR read is a call, retires like bare, and leaves no exit', () => {
    const program = elfImage(
      assemble(
        `
        csrr a0, mhartid
        csrr a1, misa
        csrw mscratch, a1
        csrr a2, mscratch
        li t0, 0x100000
        li t1, 0x5555
        sw t1, 0(t0)
      `,
        { textAddress: 0x8000_0000 },
      ),
    );
    const machine = createEngineMachine({ engine: 'translate' });
    machine.loadElf(program);
    expect(machine.run(1000).kind).toBe('pass');
    const exits = statisticsOf(machine);
    expect(exits.calls.csr).toBe(4);
    expect(exits.exits.csr).toBe(0);
    expect(machine.hart.x[11]).toBe(0x40141105);
    expect(machine.hart.x[12]).toBe(0x40141105);
  });
});

describe('adaptive translation', () => {
  it('UART accesses that keep trapping become calls (io workload), with the same end state', () => {
    const bare = bareRun('os.elf', 'run=io', 1e8);
    const runs = [0, 1, 4, 16].map((adaptAfter) => {
      const run = runImage({ engine: 'translate', adaptAfter }, 'os.elf', 'run=io');
      expect(run.state).toEqual(bare.state);
      expect(run.console).toBe(bare.console);
      const core = run.machine.core as TranslateCore;
      return { adaptAfter, exits: statisticsOf(run.machine), core };
    });
    const [never, first, fourth, sixteenth] = runs as [
      (typeof runs)[0],
      (typeof runs)[0],
      (typeof runs)[0],
      (typeof runs)[0],
    ];
    // Without adaptation every device access is an exit; with it, most are calls.
    expect(never.exits.calls.mmio).toBe(0);
    expect(never.core.adaptations()).toBe(0);
    expect(never.core.statistics().retranslations).toBe(0);
    expect(never.exits.exits.mmio).toBeGreaterThan(2000);
    for (const run of [first, fourth, sixteenth]) {
      expect(run.core.adaptations()).toBeGreaterThan(0);
      expect(run.core.statistics().retranslations).toBeGreaterThan(0);
      expect(run.exits.calls.mmio).toBeGreaterThan(run.exits.exits.mmio);
      // Each device access is either: the same total as without adaptation.
      expect(run.exits.calls.mmio + run.exits.exits.mmio).toBe(never.exits.exits.mmio);
    }
    // A higher threshold leaves more exits before an access becomes a call.
    expect(first.exits.exits.mmio).toBeLessThanOrEqual(fourth.exits.exits.mmio);
    expect(fourth.exits.exits.mmio).toBeLessThanOrEqual(sixteenth.exits.exits.mmio);
  });
});

describe('translate options', () => {
  it('rejects a bad policy, threshold or core with a typed error', () => {
    const bad: EngineMachineOptions[] = [
      { engine: 'translate', policy: 'some' as 'all' },
      { engine: 'translate', adaptAfter: -1 },
      { engine: 'translate', adaptAfter: 1.5 },
      { engine: 'translate', core: 'interpreter' },
      { engine: 'direct', policy: 'all' },
      { engine: 'bare', adaptAfter: 4 },
    ];
    for (const options of bad) {
      expect(() => {
        const machine = createEngineMachine({ ...options, serial: new BufferBackend() });
        machine.run(1);
      }).toThrow(FullVirtError);
    }
  });
});
