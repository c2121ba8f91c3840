import { BufferBackend } from '@trapeze/devices';
import { elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { VirtMachine } from '../src/virt-machine.js';
import { assembleGuest, PRIVILEGED_GUESTS } from './privileged-guests.js';
import { CORES, type CoreKind } from './support.js';

describe.each(CORES)(
  'privileged architecture end to end on the virt board, %s core',
  (core: CoreKind) => {
    for (const [name, guest] of Object.entries(PRIVILEGED_GUESTS)) {
      it(`the ${name} guest prints what the specification requires`, () => {
        const { result, symbol } = assembleGuest(guest);
        const serial = new BufferBackend();
        const machine = new VirtMachine({ core, serial, ramSize: 1 << 20 });
        machine.loadElf(elfImage(result));
        expect(machine.run(1_000_000).kind).toBe('pass');
        const expected = guest.expected(symbol);
        const output = serial.text();
        expect(output.slice(0, expected.length)).toBe(expected);
        // Then the register dump: x1–x31, one line each.
        expect(output.slice(expected.length).split('\n').length).toBe(32);
      });
    }
  },
);
