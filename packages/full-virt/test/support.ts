import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtMachine } from '@trapeze/machine';

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
