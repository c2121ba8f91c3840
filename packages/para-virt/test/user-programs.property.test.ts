/**
 * The mission's property: a generated user program, loaded by the OS from the disk and run as a
 * process (system calls, page faults on fresh heap pages, loads, stores, arithmetic), reaches the
 * same user-visible state — its console output, its state dump (registers and a checksum of its
 * heap) and its exit — under `bare`, `direct` and `translate` with the native OS and under `para`
 * with the paravirtualized one.
 *
 * `TRAPEZE_PV_PROGRAMS` sets the number of programs (4 in `npm test`; docs/conformance.md records
 * the campaign), `TRAPEZE_PV_PROGRAMS_SEED` the seed.
 */
import { readFileSync } from 'node:fs';
import { test as prop } from '@fast-check/vitest';
import { BufferBackend, MemoryBlockBackend, VirtioBlk } from '@trapeze/devices';
import { createEngineMachine } from '@trapeze/full-virt';
import type { VirtMachineOptions } from '@trapeze/machine';
import { describe, expect, it } from 'vitest';
import { createParaMachine } from '../src/index.js';
import { programDisk, type UserProgram, userProgram } from './support/user-program.js';

const CASES = Number(process.env.TRAPEZE_PV_PROGRAMS ?? 4);
const SEED = process.env.TRAPEZE_PV_PROGRAMS_SEED;

const IMAGES = new URL('../../../guests/images/', import.meta.url);
const NATIVE = new Uint8Array(readFileSync(new URL('os.elf', IMAGES)));
const PV = new Uint8Array(readFileSync(new URL('os-pv.elf', IMAGES)));

type Options = Pick<VirtMachineOptions, 'serial' | 'bootargs' | 'virtio'>;
const ENGINES: readonly [
  string,
  (o: Options) => ReturnType<typeof createParaMachine>,
  Uint8Array,
][] = [
  ['bare', (o) => createEngineMachine({ engine: 'bare', ...o }), NATIVE],
  ['direct', (o) => createEngineMachine({ engine: 'direct', ...o }), NATIVE],
  ['translate', (o) => createEngineMachine({ engine: 'translate', ...o }), NATIVE],
  ['para', (o) => createParaMachine(o), PV],
];

/** What the program showed the world: its lines on the console and how the machine ended. */
function outcome(program: UserProgram, engine: (typeof ENGINES)[number]) {
  const [, make, image] = engine;
  const serial = new BufferBackend();
  const machine = make({
    serial,
    bootargs: 'run=disk',
    virtio: [new VirtioBlk({ backend: new MemoryBlockBackend(programDisk(program)) })],
  });
  machine.loadElf(image);
  const exit = machine.run(200_000_000).kind;
  // The firmware's and the kernels' own lines (banners, devices, the PV report) differ; the
  // program's do not.
  const lines = serial
    .text()
    .split('\n')
    .filter((line) => !/^(Trapeze SBI|trapeze-os|bootargs|virtio-|pv: )/.test(line));
  return { exit, lines };
}

const EXAMPLE: UserProgram = {
  init: Array.from({ length: 16 }, (_, i) => (i * 0x1234_5677) | 0),
  ops: [
    { op: 'r', name: 'mulh', rd: 's0', rs1: 's1', rs2: 's2' },
    { op: 'store', rs: 's0', offset: 4100, size: 4 },
    { op: 'load', rd: 's3', offset: 4100, size: 2, signed: true },
    { op: 'getpid', rd: 's4' },
    { op: 'write', text: 'hello' },
    { op: 'r', name: 'divu', rd: 's5', rs1: 's3', rs2: 's6' },
  ],
  status: 's5',
};

describe('a user program the OS loads from the disk', () => {
  it('prints its dump and exits the same way on every engine', () => {
    const runs = ENGINES.map((e) => outcome(EXAMPLE, e));
    const bare = runs[0] as ReturnType<typeof outcome>;
    expect(bare.exit).toBe('pass');
    expect(bare.lines.some((l) => /^d( [0-9a-f]{8}){15}$/.test(l))).toBe(true);
    expect(bare.lines).toContain('hello');
    expect(bare.lines).toContain('disk: exit status 2');
    for (const run of runs) expect(run).toEqual(bare);
  });

  prop.prop([userProgram()], {
    numRuns: CASES,
    ...(SEED === undefined ? {} : { seed: Number(SEED) }),
  })(
    'reaches the same user-visible state under bare, direct, translate and para',
    (program) => {
      const [bare, ...others] = ENGINES.map((e) => outcome(program, e));
      expect(bare?.lines.some((l) => /^d( [0-9a-f]{8}){15}$/.test(l))).toBe(true);
      for (const other of others) expect(other).toEqual(bare);
    },
    // A campaign runs for many minutes: ≈ 1–5 s a program on four engines.
    Math.max(120_000, CASES * 10_000),
  );
});
