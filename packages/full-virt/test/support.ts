import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import type { VirtMachine } from '@trapeze/machine';
import { createEngineMachine, type EngineMachineOptions } from '../src/engines.js';

/** The committed guest images. */
export const IMAGES = new URL('../../../guests/images/', import.meta.url).pathname;

/** The bytes of image `name` (in guests/images). */
export function image(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(IMAGES, name)));
}

/**
 * What a guest can observe of a machine: pc, registers, privilege, CSRs, instret, virtual time
 * and a digest of RAM. Nothing of the engine (its exits, shadow tables, translation cache).
 */
export function guestState(machine: VirtMachine) {
  return {
    hart: machine.hart.snapshot(),
    csr: machine.hart.csr.snapshot(),
    retired: machine.hart.retired,
    ns: machine.clock.ns,
    ram: createHash('sha1').update(machine.ram.u8).digest('hex'),
  };
}

/**
 * The guest images every engine runs as bare: name, bootargs, budget (compute-sv32 runs 274
 * million instructions: it is compared after its first 20 million, at the budget).
 */
export const GUESTS: readonly (readonly [string, string | undefined, number])[] = [
  ['sbitest.elf', undefined, 1e7],
  ['compute-bare-small.elf', undefined, 1e7],
  ['compute-sv32.elf', undefined, 2e7],
  ['bootheader.elf', undefined, 1e7],
  ['os.elf', 'run=all', 1e8],
  ['linux.elf', undefined, 1e8],
];

/** Runs image `name` on an engine machine (`options`: engine, core, policy) up to `budget`. */
export function runImage(
  options: Pick<EngineMachineOptions, 'engine' | 'core' | 'policy' | 'adaptAfter'>,
  name: string,
  bootargs?: string,
  budget = 1e8,
) {
  const serial = new BufferBackend();
  const machine = createEngineMachine({
    ...options,
    serial,
    ...(bootargs === undefined ? {} : { bootargs }),
  });
  machine.loadElf(image(name));
  const exit = machine.run(budget);
  return { machine, exit, console: serial.text(), state: guestState(machine) };
}
