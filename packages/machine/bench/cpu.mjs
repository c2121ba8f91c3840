#!/usr/bin/env node
// CPU benchmark: the bare-metal compute guest (guests/images/compute-bare.elf, built from
// guests/workloads/compute.c: sieve, CRC32, recursion, mul/div, memcpy, sort; about 274 million
// instructions) on Trapeze's bare engine and, in the same run, on QEMU in deterministic mode
// (QEMU_REFERENCE_ARGS: -icount shift=0,sleep=off) when qemu-system-riscv32 is installed.
// Prints MIPS for both, their ratio, and Trapeze's resident memory. Needs `npm run build` first.
// Usage: node bench/cpu.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { QEMU_REFERENCE_ARGS, VirtMachine } from '../dist/index.js';

const image = new URL('../../../guests/images/compute-bare.elf', import.meta.url);
const elf = new Uint8Array(readFileSync(image));

const serial = new BufferBackend();
const machine = new VirtMachine({ serial });
machine.loadElf(elf);
const start = performance.now();
const exit = machine.run(5e9);
const seconds = (performance.now() - start) / 1000;
if (exit.kind !== 'pass') throw new Error(`the guest did not pass: ${JSON.stringify(exit)}`);
const instructions = exit.instructions;
const trapezeMips = instructions / seconds / 1e6;
const rss = process.memoryUsage().rss;
const ramMiB = machine.ram.size / 2 ** 20;

console.log(
  `CPU benchmark: guests/images/compute-bare.elf, ${instructions} instructions; the guest printed: ${serial.text().trim()}`,
);
console.log('| engine | wall time (s) | MIPS |');
console.log('|---|---:|---:|');
console.log(`| Trapeze bare | ${seconds.toFixed(2)} | ${trapezeMips.toFixed(1)} |`);

const qemu = spawnSync('qemu-system-riscv32', ['--version'], { stdio: 'ignore' }).status === 0;
if (qemu) {
  const t0 = performance.now();
  // The console goes to a file: QEMU writes it non-blocking and can lose bytes on a pipe.
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-bench-'));
  const out = join(dir, 'console.txt');
  const run = spawnSync(
    'sh',
    [
      '-c',
      `qemu-system-riscv32 ${QEMU_REFERENCE_ARGS.join(' ')} -kernel ${image.pathname} < /dev/null > ${out}`,
    ],
    { timeout: 600_000 },
  );
  const qemuSeconds = (performance.now() - t0) / 1000;
  const printed = readFileSync(out, 'latin1');
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0 || printed.trim() !== serial.text().trim())
    throw new Error(`QEMU exited ${run.status} and printed ${JSON.stringify(printed)}`);
  const qemuMips = instructions / qemuSeconds / 1e6;
  console.log(
    `| QEMU 7.2, QEMU_REFERENCE_ARGS | ${qemuSeconds.toFixed(2)} | ${qemuMips.toFixed(1)} |`,
  );
  console.log(
    `ratio: Trapeze / QEMU = ${(trapezeMips / qemuMips).toFixed(2)}× (target 0.30×: ${trapezeMips / qemuMips >= 0.3 ? 'met' : 'NOT met'})`,
  );
} else {
  console.log(
    'qemu-system-riscv32 not found: no QEMU comparison (apt-get install qemu-system-misc)',
  );
}
console.log(
  `resident memory: ${(rss / 2 ** 20).toFixed(0)} MiB for ${ramMiB} MiB of guest RAM (target ≤ RAM + 64 MiB: ${rss <= (ramMiB + 64) * 2 ** 20 ? 'met' : 'NOT met'})`,
);
