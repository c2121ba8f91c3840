/**
 * The `direct` engine against `bare`: every guest image (firmware, the OS with its workloads,
 * Linux, the bare compute programs) ends in the same guest state — console, instret, virtual
 * time, registers, CSRs, RAM — on both real cores, with the exits counted by reason; snapshots
 * move between the engines mid-workload; the guest cannot reach hypervisor memory.
 */
import { CORE_KINDS } from '@trapeze/cpu';
import { BufferBackend } from '@trapeze/devices';
import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { DirectCore } from '../src/direct-core.js';
import { createEngineMachine, type Engine, exitStatistics } from '../src/engines.js';
import { FullVirtError } from '../src/errors.js';
import { HYPERVISOR_BASE } from '../src/shadow-tables.js';
import { GUESTS, guestState, image, runImage } from './support.js';

function runOn(
  engine: Engine,
  core: (typeof CORE_KINDS)[number],
  name: string,
  bootargs?: string,
  budget = 1e8,
) {
  return runImage({ engine, core }, name, bootargs, budget);
}

describe.each(CORE_KINDS)('direct on the %s core', (core) => {
  it.each(GUESTS)('%s (%s) ends as on bare', (name, bootargs, budget) => {
    const bare = runOn('bare', core, name, bootargs, budget);
    const direct = runOn('direct', core, name, bootargs, budget);
    expect(bare.exit.kind).toBe(budget === 2e7 ? 'budget' : 'pass');
    expect(direct.exit).toEqual(bare.exit);
    expect(direct.console).toBe(bare.console);
    expect(direct.state).toEqual(bare.state);
    const exits = exitStatistics(direct.machine);
    expect(exits).toBeDefined();
    if (exits === undefined) return;
    expect(exits.retired).toBe(bare.machine.hart.retired);
    // Most of every guest runs on the real hart; the firmware's boot ROM never does.
    expect(exits.efficiency).toBeGreaterThan(0.9);
    expect(exits.exits.emulated).toBeGreaterThan(0);
    expect(exits.mmio.rom).toBeUndefined();
    expect(exits.total).toBe(Object.values(exits.exits).reduce((a, b) => a + b, 0));
    expect(exitStatistics(bare.machine)).toBeUndefined();
  });
});

describe('direct exits', () => {
  it('the OS workloads: every kind of exit, by reason', () => {
    const { machine } = runOn('direct', 'translator', 'os.elf', 'run=syscall,pgfault,trap');
    const exits = exitStatistics(machine);
    if (exits === undefined) throw new Error('no exits');
    // syscall: 10,000 ECALLs from U, each returned from with SRET.
    expect(exits.exits.ecall).toBeGreaterThanOrEqual(10_000);
    expect(exits.exits.xret).toBeGreaterThanOrEqual(10_000);
    expect(exits.exits.csr).toBeGreaterThan(10_000);
    // pgfault: 256 load page faults the guest takes itself (reflected), with SFENCE.VMA after.
    expect(exits.traps['13']).toBeGreaterThanOrEqual(256);
    expect(exits.exits['sfence.vma']).toBeGreaterThanOrEqual(256);
    // trap: 4,000 EBREAKs reflected to the kernel.
    expect(exits.traps['3']).toBe(4000);
    expect(exits.shadow.fetch).toBeGreaterThan(0);
    expect(exits.shadow.load).toBeGreaterThan(0);
    expect(exits.shadow.store).toBeGreaterThan(0);
    expect(exits.mmio.uart0).toBeGreaterThan(0);
    expect(exits.direct + exits.exits.csr).toBeLessThanOrEqual(exits.retired);
  });

  it('a CSR read in M-mode is one csr exit and retires like bare', () => {
    const program = elfImage(
      assemble(
        `
        csrr a0, mhartid
        csrr a1, misa
        li t0, 0x100000
        li t1, 0x5555
        sw t1, 0(t0)
      `,
        { textAddress: 0x8000_0000 },
      ),
    );
    const machine = createEngineMachine({ engine: 'direct' });
    machine.loadElf(program);
    expect(machine.run(1000).kind).toBe('pass');
    const exits = exitStatistics(machine);
    expect(exits?.exits.csr).toBe(2);
    expect(exits?.mmio.test).toBe(1);
    expect(machine.hart.x[11]).toBe(0x40141105);
  });
});

describe('resource control', () => {
  it('no guest address reaches hypervisor memory: the guest sees its own bus there', () => {
    // On the guest's bus HYPERVISOR_BASE is QEMU's PCIe MMIO window; on the real hart's it is
    // the shadow tables' memory, which no shadow entry maps.
    const source = `
      li t0, ${HYPERVISOR_BASE}
      li t1, 0x12345678
      sw t1, 0(t0)
      lw s1, 0(t0)
      li t0, 0x100000
      li t1, 0x5555
      sw t1, 0(t0)
    `;
    const program = elfImage(assemble(source, { textAddress: 0x8000_0000 }));
    const outcomes = (['bare', 'direct'] as const).map((engine) => {
      const machine = createEngineMachine({ engine });
      machine.loadElf(program);
      expect(machine.run(1000).kind).toBe('pass');
      return { state: guestState(machine), machine };
    });
    expect(outcomes[1]?.state).toEqual(outcomes[0]?.state);
    const core = outcomes[1]?.machine.core;
    expect(core).toBeInstanceOf(DirectCore);
    if (!(core instanceof DirectCore)) return;
    expect(core.shadow.ram.i32.includes(0x12345678)).toBe(false);
    expect(exitStatistics(outcomes[1]?.machine as never)?.mmio['pci-mmio']).toBe(2);
  });

  it('two VMs side by side, run in turns, each end as if alone', () => {
    // The OS and Linux in two direct VMs, a slice of each in turn: neither reaches the other's
    // memory, shadow tables or devices.
    const alone = [
      runOn('bare', 'translator', 'os.elf', 'run=syscall,pgfault,forkwait'),
      runOn('bare', 'translator', 'linux.elf'),
    ];
    const serials = [new BufferBackend(), new BufferBackend()];
    const vms = [
      createEngineMachine({
        engine: 'direct',
        serial: serials[0],
        bootargs: 'run=syscall,pgfault,forkwait',
      }),
      createEngineMachine({ engine: 'direct', serial: serials[1] }),
    ];
    vms[0]?.loadElf(image('os.elf'));
    vms[1]?.loadElf(image('linux.elf'));
    const done = [false, false];
    while (!done[0] || !done[1]) {
      for (const i of [0, 1]) {
        if (done[i]) continue;
        const exit = vms[i]?.run(250_000);
        if (exit?.kind !== 'budget') done[i] = true;
      }
    }
    for (const i of [0, 1]) {
      const vm = vms[i] as NonNullable<(typeof vms)[number]>;
      expect(guestState(vm)).toEqual(alone[i]?.state);
      expect(serials[i]?.text()).toBe(alone[i]?.console);
    }
  });

  it('rejects an unknown engine or core', () => {
    expect(() => createEngineMachine({ engine: 'hw' as Engine })).toThrow(FullVirtError);
    expect(() => createEngineMachine({ engine: 'direct', core: 'jit' as 'translator' })).toThrow(
      /core must be/,
    );
  });
});
