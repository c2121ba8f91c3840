#!/usr/bin/env node
// CPU benchmark: the bare-metal compute guest (guests/images/compute-bare.elf, built from
// guests/workloads/compute.c: sieve, CRC32, recursion, mul/div, memcpy, sort; about 274 million
// instructions; code and writable data in separate pages) on Trapeze's bare engine and, in the
// same run, on QEMU in deterministic mode (QEMU_REFERENCE_ARGS: -icount shift=0,sleep=off) and
// without -icount, when qemu-system-riscv32 is installed. Prints MIPS for each, the ratios, and
// Trapeze's resident memory. Needs `npm run build` first.
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

/** Runs the image on QEMU (whole process, console to a file) and returns its wall time in seconds. */
function runQemu(args, deterministic) {
  const t0 = performance.now();
  // The console goes to a file: QEMU writes it non-blocking and can lose bytes on a pipe.
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-bench-'));
  const out = join(dir, 'console.txt');
  const run = spawnSync(
    'sh',
    ['-c', `qemu-system-riscv32 ${args.join(' ')} -kernel ${image.pathname} < /dev/null > ${out}`],
    { timeout: 600_000 },
  );
  const qemuSeconds = (performance.now() - t0) / 1000;
  const printed = readFileSync(out, 'latin1');
  rmSync(dir, { recursive: true, force: true });
  // Without -icount the guest's own instret reading (minstret) is QEMU's, not an exact count.
  const same = (text) =>
    (deterministic ? text : text.replace(/instret=[0-9]+/, 'instret=…')).trim();
  if (run.status !== 0 || same(printed) !== same(serial.text()))
    throw new Error(`QEMU exited ${run.status} and printed ${JSON.stringify(printed)}`);
  return qemuSeconds;
}

if (qemu) {
  // QEMU_REFERENCE_ARGS is deterministic (-icount shift=0,sleep=off), the mode every comparison
  // uses; without -icount QEMU chains translated blocks freely and runs faster.
  const icountSeconds = runQemu(QEMU_REFERENCE_ARGS, true);
  const freeArgs = [];
  for (let k = 0; k < QEMU_REFERENCE_ARGS.length; k++) {
    if (QEMU_REFERENCE_ARGS[k] === '-icount') k++;
    else freeArgs.push(QEMU_REFERENCE_ARGS[k]);
  }
  const freeSeconds = runQemu(freeArgs, false);
  const icountMips = instructions / icountSeconds / 1e6;
  const freeMips = instructions / freeSeconds / 1e6;
  console.log(
    `| QEMU 7.2, QEMU_REFERENCE_ARGS (-icount shift=0,sleep=off) | ${icountSeconds.toFixed(2)} | ${icountMips.toFixed(1)} |`,
  );
  console.log(`| QEMU 7.2, without -icount | ${freeSeconds.toFixed(2)} | ${freeMips.toFixed(1)} |`);
  console.log(
    `ratio: Trapeze / QEMU-icount = ${(trapezeMips / icountMips).toFixed(3)}×, Trapeze / QEMU = ${(trapezeMips / freeMips).toFixed(3)}× (QEMU figures are whole processes, start-up included)`,
  );
} else {
  console.log(
    'qemu-system-riscv32 not found: no QEMU comparison (apt-get install qemu-system-misc)',
  );
}
console.log(
  `resident memory: ${(rss / 2 ** 20).toFixed(0)} MiB for ${ramMiB} MiB of guest RAM (target ≤ RAM + 64 MiB: ${rss <= (ramMiB + 64) * 2 ** 20 ? 'met' : 'NOT met'})`,
);
