/**
 * The `para` engine under the conformance suite's contract: `boardEngine(paraBoard())` is an
 * `Engine` whose VMs load, run and report a paravirtualized kernel like any contract VM (console,
 * state, stats with hypercalls by call), say what they are in their capabilities (guests in S-
 * and U-mode, no snapshots), and print the same workload lines as the native OS on `bare`.
 */
import { readFileSync } from 'node:fs';
import {
  bareEngine,
  boardEngine,
  CONTRACT_VERSION,
  type Engine,
  type GuestImage,
} from '@trapeze/conformance';
import { PT_LOAD, parseElf } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { paraBoard } from '../src/index.js';

const IMAGES = new URL('../../../guests/images/', import.meta.url);

/** A contract image of an ELF file: its loadable segments, entered through the board's ROM. */
function imageOf(name: string): GuestImage {
  const elf = new Uint8Array(readFileSync(new URL(name, IMAGES)));
  const parsed = parseElf(elf);
  const segments = parsed.segments
    .filter((s) => s.type === PT_LOAD && s.memorySize > 0)
    .map((s) => {
      const bytes = new Uint8Array(s.memorySize);
      bytes.set(s.data);
      return { address: s.physicalAddress, bytes };
    });
  return { segments, entry: parsed.entry, entryPrivilege: 'M', elf };
}

/** The workload lines a VM of `engine` prints running `image` with `bootargs`, and its VM. */
function run(engine: Engine, image: GuestImage, bootargs: string) {
  const vm = engine.createVm({ bootargs });
  vm.load(image);
  const exit = vm.run(200_000_000);
  const lines = new TextDecoder()
    .decode(vm.console())
    .split('\n')
    .filter((line) => / n=\d+ checksum=/.test(line))
    .map((line) => line.replace(/ instret=\d+/, ''));
  return { vm, exit, lines };
}

describe('boardEngine(paraBoard())', () => {
  it('declares guests in S- and U-mode and no snapshots, and its VMs offer none', () => {
    const engine = boardEngine(paraBoard());
    expect(engine.name).toBe('para/translator');
    expect(engine.contractVersion).toBe(CONTRACT_VERSION);
    expect(engine.capabilities.modes).toEqual(['S', 'U']);
    expect(engine.capabilities.snapshot).toBe(false);
    expect(engine.capabilities.sv32).toBe(true);
    const vm = engine.createVm();
    expect(vm.snapshot).toBeUndefined();
    expect(vm.restore).toBeUndefined();
  });

  it.each(['translator', 'interpreter'] as const)(
    'runs os-pv.elf on the %s as the native OS runs on bare, and counts its hypercalls',
    (core) => {
      const bootargs = 'run=syscall,ptemod,forkwait';
      const bare = run(bareEngine(), imageOf('os.elf'), bootargs);
      const para = run(boardEngine(paraBoard(core)), imageOf('os-pv.elf'), bootargs);
      expect(bare.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(bare.lines).toHaveLength(3);
      expect(para.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(para.lines).toEqual(bare.lines);
      const stats = para.vm.stats();
      expect(stats.instructions).toBe(para.vm.state().instret);
      // ptemod alone makes 10,000 page-table changes, each one TRPZ_MMU_UPDATE.
      expect(stats.hypercalls.TRPZ_MMU_UPDATE).toBeGreaterThan(10_000);
      expect(stats.exits.hypercall).toBeGreaterThan(10_000);
      expect(stats.direct).toBeGreaterThan(0.99 * stats.instructions);
      // The state is the guest's: the kernel and its programs never run in M-mode.
      expect(para.vm.state().privilege).not.toBe('M');
    },
    120_000,
  );
});
