/**
 * The device tree against QEMU's own: a guest dumps the blob at a1 in hex over the UART on
 * QEMU's reference command line (qemu-reference.ts), for several RAM sizes, with
 * and without `-append`; virtFdt must give the same bytes but for the random 32 bytes of
 * `/chosen/rng-seed`. Skips with a message where QEMU is missing. The fixtures of
 * fdt.test.ts are such dumps.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, elfImage } from '@trapeze/isa';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { virtFdt } from '../src/virt-fdt.js';
import { RAM_BASE } from '../src/virt-machine.js';

const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'device tree comparison with QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);

/** Prints the `totalsize` bytes of the blob at a1 as hex digits, then powers off. */
const DUMP_GUEST = `
_start:
  mv s0, a1
  lbu t1, 4(s0); lbu t2, 5(s0); slli t1, t1, 24; slli t2, t2, 16; or t1, t1, t2
  lbu t2, 6(s0); slli t2, t2, 8; or t1, t1, t2; lbu t2, 7(s0); or t1, t1, t2
  add s1, s0, t1
  li t0, 0x10000000
  la t3, digits
1: lbu a0, 0(s0)
  srli a1, a0, 4; andi a0, a0, 15
  add t4, t3, a1; lbu a1, 0(t4); add t4, t3, a0; lbu a0, 0(t4)
2: lbu t2, 5(t0); andi t2, t2, 0x20; beqz t2, 2b
  sb a1, 0(t0)
3: lbu t2, 5(t0); andi t2, t2, 0x20; beqz t2, 3b
  sb a0, 0(t0)
  addi s0, s0, 1
  bltu s0, s1, 1b
  li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
4: j 4b
digits: .ascii "0123456789abcdef"
`;

const MiB = 1024 * 1024;
const CASES: readonly { readonly ramSize: number; readonly bootargs?: string }[] = [
  { ramSize: 64 * MiB },
  { ramSize: 128 * MiB },
  { ramSize: 128 * MiB, bootargs: 'run=all' },
  { ramSize: 256 * MiB, bootargs: 'console=ttyS0 earlycon=sbi run=all' },
  { ramSize: 1024 * MiB, bootargs: 'root=/dev/vda rw' },
  { ramSize: 2048 * MiB },
];

const dir = mkdtempSync(join(tmpdir(), 'trapeze-fdt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The blob QEMU passes at a1. */
function qemuFdt(ramSize: number, bootargs: string | undefined): Uint8Array {
  const image = join(dir, 'dump.elf');
  const out = join(dir, 'console.txt');
  writeFileSync(image, elfImage(assemble(DUMP_GUEST, { textAddress: RAM_BASE })));
  // QEMU writes the console with non-blocking stdout: a file keeps the last bytes.
  const output = openSync(out, 'w');
  try {
    const args = [...QEMU_REFERENCE_ARGS, '-m', `${ramSize / MiB}M`, '-kernel', image];
    if (bootargs !== undefined) args.push('-append', bootargs);
    const run = spawnSync(QEMU, args, { stdio: ['ignore', output, 'pipe'], timeout: 20_000 });
    expect(run.status, run.stderr.toString()).toBe(0);
  } finally {
    closeSync(output);
  }
  return Uint8Array.from(Buffer.from(readFileSync(out, 'latin1').trim(), 'hex'));
}

/** Where the value of `/chosen/rng-seed` starts: after its PROP tag, length 32 and name. */
function rngSeedOffset(blob: Uint8Array): number {
  const bytes = Buffer.from(blob);
  const strings = bytes.readUInt32BE(12);
  const property = Buffer.alloc(12);
  property.writeUInt32BE(3, 0);
  property.writeUInt32BE(32, 4);
  property.writeUInt32BE(bytes.indexOf('rng-seed\0', strings) - strings, 8);
  const offset = bytes.indexOf(property, bytes.readUInt32BE(8));
  expect(offset).toBeGreaterThan(0);
  return offset + property.length;
}

/** A blob in hex, 32 bytes a line, for readable differences. */
function hexLines(blob: Uint8Array): string[] {
  return (
    Buffer.from(blob)
      .toString('hex')
      .match(/.{1,64}/g) ?? []
  );
}

describe.skipIf(!QEMU_AVAILABLE)('the device tree matches QEMU', () => {
  for (const { ramSize, bootargs } of CASES) {
    const append = bootargs === undefined ? 'no -append' : `-append "${bootargs}"`;
    it(`with ${ramSize / MiB} MiB of RAM and ${append}`, () => {
      const ours = virtFdt({ ramBase: RAM_BASE, ramSize, ...(bootargs ? { bootargs } : {}) });
      const theirs = qemuFdt(ramSize, bootargs);
      const seed = rngSeedOffset(ours);
      // QEMU's seed is random; Trapeze's is 32 zero bytes.
      const expected = Uint8Array.from(theirs);
      expected.fill(0, seed, seed + 32);
      expect(hexLines(ours)).toEqual(hexLines(expected));
    });
  }
});
