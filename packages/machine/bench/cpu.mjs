#!/usr/bin/env node
// CPU benchmark: the compute guest (bench/guest/compute.c: sieve, CRC32, recursion, mul/div,
// memcpy, sort; about 264 million instructions) on Trapeze's bare engine and, in the same run,
// on QEMU in deterministic mode (-icount shift=0,sleep=off) when qemu-system-riscv32 is installed.
// Prints MIPS for both, their ratio, and Trapeze's resident memory. Needs `npm run build` first.
// Usage: node bench/cpu.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BufferBackend } from '@trapeze/devices';
import { QEMU_REFERENCE_ARGS, VirtMachine } from '../dist/index.js';

const image = new URL('./guest/compute.elf', import.meta.url);
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
  `CPU benchmark: bench/guest/compute.elf, ${instructions} instructions, checksum ${serial.text().trim()}`,
);
console.log('| engine | wall time (s) | MIPS |');
console.log('|---|---:|---:|');
console.log(`| Trapeze bare | ${seconds.toFixed(2)} | ${trapezeMips.toFixed(1)} |`);

const qemu = spawnSync('qemu-system-riscv32', ['--version'], { stdio: 'ignore' }).status === 0;
if (qemu) {
  const t0 = performance.now();
  const run = spawnSync(
    'qemu-system-riscv32',
    [...QEMU_REFERENCE_ARGS, '-kernel', image.pathname],
    { encoding: 'latin1', timeout: 600_000 },
  );
  const qemuSeconds = (performance.now() - t0) / 1000;
  if (run.stdout.trim() !== serial.text().trim())
    throw new Error(`QEMU printed ${JSON.stringify(run.stdout)}`);
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
