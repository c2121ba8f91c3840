/**
 * The paravirtualized build of the project's OS (guests/images/os-pv.elf, guests/os/arch-pv/):
 * under `para` every workload prints the same lines as the native OS on the bare board (the
 * instruction counts aside: the kernel is another build), with the exits the ABI promises; on a
 * machine without the PV ABI — the bare board, the `direct` and `translate` hypervisors, QEMU —
 * it says so and powers off.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  BufferBackend,
  MemoryBlockBackend,
  type NetBackend,
  NetworkSwitch,
  VirtioBlk,
  VirtioNet,
} from '@trapeze/devices';
import { createEngineMachine, exitStatistics } from '@trapeze/full-virt';
import { QEMU_REFERENCE_ARGS, VirtMachine } from '@trapeze/machine';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { createParaMachine, type ParaCore, paraExits } from '../src/index.js';

const IMAGES = new URL('../../../guests/images/', import.meta.url);
const PV = new Uint8Array(readFileSync(new URL('os-pv.elf', IMAGES)));
const NATIVE = new Uint8Array(readFileSync(new URL('os.elf', IMAGES)));
const UNSUPPORTED = 'pv: not running under the Trapeze PV ABI\n';

const QEMU = requireTool(
  'qemu-system-riscv32',
  hasCommand('qemu-system-riscv32'),
  'os-pv.elf on QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);

/** The workload lines of a console, without their instruction counts. */
function workloads(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => / n=\d+ checksum=/.test(line))
    .map((line) => line.replace(/ instret=\d+/, ''));
}

/** The native OS on the bare board, `run=all` (the reference). */
const bare = (() => {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ serial, bootargs: 'run=all' });
  machine.loadElf(NATIVE);
  const exit = machine.run(100_000_000);
  return { exit, lines: workloads(serial.text()) };
})();

describe.each(['translator', 'interpreter'] as const)('os-pv.elf under para on the %s', (core) => {
  it('prints every workload line as the native OS on bare does, and powers off', () => {
    const serial = new BufferBackend();
    const machine = createParaMachine({ serial, core, bootargs: 'run=all' });
    machine.loadElf(PV);
    const exit = machine.run(100_000_000);
    expect(bare.exit.kind).toBe('pass');
    expect(bare.lines).toHaveLength(7);
    expect(exit.kind).toBe('pass');
    expect(workloads(serial.text())).toEqual(bare.lines);
    const exits = paraExits(machine);
    // The system calls, faults and traps of the workloads are the kernel's own (delegated): the
    // exits are hypercalls, a few device probes, and no emulated instruction.
    expect(exits?.exits.emulated).toBe(0);
    expect(exits?.hypercalls.TRPZ_MMU_UPDATE).toBeGreaterThan(10_000); // ptemod: one per change
    expect(exits?.total).toBeLessThan(12_000);
    expect(exits?.efficiency).toBeGreaterThan(0.999);
    expect((machine.core as ParaCore).tables.audit()).toEqual([]);
  });

  it('runs ptemod with one hypercall per page-table change', () => {
    const counts = (bootargs: string) => {
      const machine = createParaMachine({ core, bootargs });
      machine.loadElf(PV);
      expect(machine.run(100_000_000).kind).toBe('pass');
      return paraExits(machine)?.total ?? 0;
    };
    // One more run of ptemod (10,000 protect calls) adds 10,000 exits and a few for the load.
    const extra = counts('run=ptemod,ptemod') - counts('run=ptemod');
    expect(extra).toBeGreaterThanOrEqual(10_000);
    expect(extra).toBeLessThan(10_100);
  });
});

describe('the network workloads under para', () => {
  const MAC = { net: '52:54:00:12:34:56', netecho: '52:54:00:12:34:57' } as const;
  type Role = keyof typeof MAC;
  function vm(role: Role, para: boolean, backend: NetBackend) {
    const serial = new BufferBackend();
    const options = {
      serial,
      bootargs: `run=${role}`,
      virtio: [new VirtioNet({ backend, mac: MAC[role] })],
    };
    const machine = para ? createParaMachine(options) : new VirtMachine(options);
    machine.loadElf(para ? PV : NATIVE);
    return { machine, serial, role };
  }
  /** `net` and `netecho` on a switch, in turns, until both powered off: their result lines. */
  function pair(netPara: boolean, echoPara: boolean): string[] {
    const fabric = new NetworkSwitch();
    const vms = [vm('netecho', echoPara, fabric.port()), vm('net', netPara, fabric.port())];
    const done = [false, false];
    for (let turn = 0; turn < 10_000 && done.includes(false); turn++)
      for (const [i, v] of vms.entries())
        if (!done[i] && v.machine.run(200_000).kind !== 'budget') done[i] = true;
    return vms.map(
      (v) =>
        v.serial
          .text()
          .split('\n')
          .find((l) => l.startsWith(`${v.role}: `)) ?? '',
    );
  }
  const reference = pair(false, false);

  it.each([
    ['net under para, netecho on bare', true, false],
    ['netecho under para, net on bare', false, true],
  ])('%s: the same frames and checksums as two native VMs', (_, netPara, echoPara) => {
    expect(reference[1]).toMatch(/^net: sent n=32 echoed=32 bytes=24240 checksum=0x[0-9a-f]{8}$/);
    expect(pair(netPara, echoPara)).toEqual(reference);
  });
});

describe('exits against direct (counts, not times: the same on every run)', () => {
  /** Exits of one more run of workload `w` (`run=w,w` less `run=w`), with a disk for `blk`. */
  function extraExits(engine: 'direct' | 'para', w: string): number {
    const total = (bootargs: string) => {
      const options = {
        bootargs,
        serial: new BufferBackend(),
        virtio: [new VirtioBlk({ backend: new MemoryBlockBackend(new Uint8Array(1 << 20)) })],
      };
      const machine =
        engine === 'para'
          ? createParaMachine(options)
          : createEngineMachine({ engine, ...options });
      machine.loadElf(engine === 'para' ? PV : NATIVE);
      expect(machine.run(200_000_000).kind).toBe('pass');
      return (engine === 'para' ? paraExits(machine) : exitStatistics(machine))?.total ?? 0;
    };
    return total(`run=${w},${w}`) - total(`run=${w}`);
  }

  it.each(['ptemod', 'blk'])('%s: at least 10 times fewer under para', (w) => {
    const direct = extraExits('direct', w);
    const para = extraExits('para', w);
    expect(para).toBeGreaterThan(0);
    expect(direct).toBeGreaterThanOrEqual(10 * para);
  });
});

describe('os-pv.elf without the PV ABI', () => {
  it.each([
    ['bare', (serial: BufferBackend) => new VirtMachine({ serial })],
    [
      'bare (interpreter)',
      (serial: BufferBackend) => new VirtMachine({ core: 'interpreter', serial }),
    ],
    ['direct', (serial: BufferBackend) => createEngineMachine({ engine: 'direct', serial })],
    ['translate', (serial: BufferBackend) => createEngineMachine({ engine: 'translate', serial })],
  ])('says so and powers off on %s', (_, make) => {
    const serial = new BufferBackend();
    const machine = make(serial);
    machine.loadElf(PV);
    expect(machine.run(100_000).kind).toBe('pass');
    expect(serial.text()).toBe(UNSUPPORTED);
  });

  it.skipIf(!QEMU)('says so and powers off on QEMU', () => {
    const path = new URL('os-pv.elf', IMAGES).pathname;
    const out = execFileSync(
      'timeout',
      ['30', 'qemu-system-riscv32', ...QEMU_REFERENCE_ARGS, '-kernel', path],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toBe(UNSUPPORTED);
  });
});
