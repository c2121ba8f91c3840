/**
 * Migration between engines: a snapshot holds guest state only (no shadow tables, translations
 * or call sites), so one taken under any engine mid-workload resumes under any other and ends
 * in the state of an uninterrupted bare run.
 */
import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { createEngineMachine, type Engine } from '../src/engines.js';
import { guestState, image, runImage } from './support.js';

const BOOTARGS = 'run=syscall,pgfault,forkwait,io';
const reference = () => runImage({ engine: 'bare' }, 'os.elf', BOOTARGS);
let bare: ReturnType<typeof reference> | undefined;

const PAIRS: readonly (readonly [Engine, Engine])[] = [
  ['direct', 'bare'],
  ['bare', 'direct'],
  ['translate', 'bare'],
  ['bare', 'translate'],
  ['translate', 'direct'],
  ['direct', 'translate'],
];

describe('migration between engines', () => {
  it.each(PAIRS)(
    'a snapshot taken under %s mid-workload resumes under %s',
    (from, to) => {
      bare ??= reference();
      const first = createEngineMachine({
        engine: from,
        serial: new BufferBackend(),
        bootargs: BOOTARGS,
      });
      first.loadElf(image('os.elf'));
      expect(first.run(3_000_000).kind).toBe('budget');
      const saved = JSON.stringify(first.snapshot());
      const serial = new BufferBackend();
      const second = createEngineMachine({ engine: to, serial, bootargs: BOOTARGS });
      second.loadElf(image('os.elf'));
      second.restore(JSON.parse(saved));
      expect(second.run(1e8).kind).toBe('pass');
      expect(guestState(second)).toEqual(bare.state);
      expect(bare.console.endsWith(serial.text())).toBe(true);
      expect(serial.text().length).toBeGreaterThan(0);
    },
    120_000,
  );
});
