/**
 * The guest images of `guests/` (firmware, OS, workloads) on the bare engine: console output
 * byte-identical to QEMU's for every workload (QEMU lanes skip with a message where QEMU is
 * missing), two QEMU runs identical, and the committed images reproducible from their sources
 * (skips where clang and ld.lld are missing; CI installs them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { VirtMachine } from '../src/virt-machine.js';

const GUESTS = new URL('../../../guests/', import.meta.url).pathname;
const IMAGES = join(GUESTS, 'images');
const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'guest comparisons with QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);
const CLANG_AVAILABLE = requireTool(
  'clang, ld.lld or llvm-objcopy',
  ['clang', 'ld.lld', 'llvm-objcopy'].every((tool) => hasCommand(tool)),
  'guest reproducibility check skipped (apt-get install clang lld llvm; CI installs them)',
);

/** Runs an image on QEMU (console to a file: QEMU's stdout is non-blocking). */
function onQemu(image: string, bootargs?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-guest-'));
  try {
    const out = join(dir, 'console.txt');
    const append = bootargs === undefined ? '' : ` -append '${bootargs}'`;
    execFileSync('sh', [
      '-c',
      `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -kernel ${join(IMAGES, image)}${append} < /dev/null > ${out} 2>&1`,
    ]);
    return readFileSync(out, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs an image on the bare engine; it must power off cleanly (finisher pass). */
function onTrapeze(image: string, bootargs?: string, input = ''): string {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ serial, ...(bootargs === undefined ? {} : { bootargs }) });
  if (input !== '') serial.receive(input);
  machine.loadElf(new Uint8Array(readFileSync(join(IMAGES, image))));
  const exit = machine.run(200_000_000);
  expect(exit.kind).toBe('pass');
  return Buffer.from(serial.bytes()).toString('latin1');
}

const WORKLOADS = ['syscall', 'pgfault', 'ptemod', 'trap', 'io', 'forkwait', 'compute'];

/** Image and boot arguments of each case. */
const CASES: readonly (readonly [string, string | undefined])[] = [
  ['compute-bare-small.elf', undefined],
  ['sbitest.elf', undefined],
  ...WORKLOADS.map((w) => ['os.elf', `run=${w}`] as const),
  ['os.elf', 'run=all'],
  ['os.elf', 'run=faults'],
];

describe('guest images on the bare engine', () => {
  it('run every workload to its result line and power off', () => {
    const out = onTrapeze('os.elf', 'run=all');
    for (const w of WORKLOADS) {
      expect(out).toMatch(new RegExp(`^${w}: n=\\d+ checksum=0x[0-9a-f]{8} instret=\\d+$`, 'm'));
    }
    expect(out.endsWith('poweroff\n')).toBe(true);
  });

  it('run the shell from console input', () => {
    const out = onTrapeze('os.elf', undefined, 'help\nps\npoweroff\n');
    expect(out).toContain('$ help\ncommands:\n');
    expect(out).toMatch(/\$ ps\n {2}PID {2}PPID STATE {3}NAME\n/);
    expect(out.endsWith('$ poweroff\npoweroff\n')).toBe(true);
  });
});

describe.skipIf(!QEMU_AVAILABLE)('guest images match QEMU byte for byte', () => {
  for (const [image, bootargs] of CASES) {
    it(`${image}${bootargs === undefined ? '' : ` ${bootargs}`}`, () => {
      const qemu = onQemu(image, bootargs);
      expect(qemu.length).toBeGreaterThan(0);
      expect(onTrapeze(image, bootargs)).toBe(qemu);
    }, 120_000);
  }

  it('gives the same output in two QEMU runs', () => {
    expect(onQemu('os.elf', 'run=all')).toBe(onQemu('os.elf', 'run=all'));
  }, 120_000);
});

describe.skipIf(!CLANG_AVAILABLE)('guest images', () => {
  it('are what their sources build, byte for byte', () => {
    const result = spawnSync('sh', [join(GUESTS, 'check-reproducible.sh')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('identical to a fresh build');
    expect(result.status).toBe(0);
  }, 300_000);
});
