#!/usr/bin/env node
// CPU benchmark: a bare-metal compute guest (default guests/images/compute-bare.elf, built from
// guests/workloads/compute.c: sieve, CRC32, recursion, mul/div, memcpy, sort; about 274 million
// instructions; code and writable data in separate pages) on Trapeze's bare engine with each
// core — the translator and the interpreter, each in a fresh child process so that one does not
// warm up the other and the figure is a whole process, start-up included, as QEMU's — and, in the
// same run, on QEMU in deterministic mode (QEMU_REFERENCE_ARGS: -icount shift=0,sleep=off) and
// without -icount, when qemu-system-riscv32 is installed. Prints wall time and MIPS for each,
// the ratios, and each core's resident memory. The engines take turns, round after round, so
// that a slow spell of the host (this is often a shared VM) falls on all of them alike; the
// table gives the median and the best of the rounds. Needs `npm run build` first.
// Usage: node bench/cpu.mjs [IMAGE] [--runs N] [--cores translator,interpreter] [--append ARGS]
// (--append: the kernel command line, as QEMU's -append; say `guests/images/os.elf --append
// run=all` for the OS workloads). --steady N with --append run=W: the steady state of workload W
// instead — each engine's time for run=W repeated N times less its time for run=W once, per
// repetition (boot, first translations and JIT warm-up cancel out; Trapeze's times are the
// machine's run inside each child, QEMU's whole processes), and for Trapeze the warm time too:
// from one result line of W to the next, median of the later half of the runs in a process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yieldHelperThreads } from '@trapeze/cpu/node';
import { BufferBackend } from '@trapeze/devices';
import { QEMU_REFERENCE_ARGS, VirtMachine } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};

// A child run: `node bench/cpu.mjs --child CORE IMAGE` runs the guest on one core and prints JSON.
if (args[0] === '--child') {
  const [, core, path, bootargs] = args;
  // As the trapeze command runs a guest: the engine's helper threads below the main one.
  yieldHelperThreads();
  const start = performance.now();
  // The time each console line ended (ms from the start): the steady state reads the times
  // of the workload's result lines.
  const lineEnds = [];
  const serial = new (class extends BufferBackend {
    transmit(byte) {
      super.transmit(byte);
      if (byte === 10) lineEnds.push(performance.now() - start);
    }
  })();
  const machine = new VirtMachine({ serial, core, ...(bootargs ? { bootargs } : {}) });
  machine.loadElf(new Uint8Array(readFileSync(path)));
  const exit = machine.run(5e9);
  const seconds = (performance.now() - start) / 1000;
  console.log(
    JSON.stringify({
      exit,
      seconds,
      console: serial.text(),
      rss: process.memoryUsage().rss,
      ram: machine.ram.size,
      statistics: machine.core.statistics(),
      lineEnds,
    }),
  );
  process.exit(0);
}

const runs = Number(option('--runs', '3'));
const steady = Number(option('--steady', '0'));
const cores = option('--cores', 'translator,interpreter').split(',');
const append = option('--append', '');
const image =
  args[0] ?? fileURLToPath(new URL('../../../guests/images/compute-bare.elf', import.meta.url));

/** The median of a list of numbers. */
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/** The last result of a list of runs, with the median and the best of their wall times. */
function summary(results) {
  const seconds = results.map((r) => r.seconds);
  return { ...results[results.length - 1], seconds: median(seconds), best: Math.min(...seconds) };
}

/** One whole-process run of the guest on a core (wall time measured around the child). */
function runCore(core, bootargs = append) {
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', core, image, bootargs],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`the ${core} run failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout);
  if (result.exit.kind !== 'pass')
    throw new Error(`the guest did not pass: ${JSON.stringify(result.exit)}`);
  // `run`: the machine's run alone, as the child measured it (no process start-up, no loading).
  return { ...result, run: result.seconds, seconds };
}

const qemu = spawnSync('qemu-system-riscv32', ['--version'], { stdio: 'ignore' }).status === 0;
// QEMU_REFERENCE_ARGS is deterministic (-icount shift=0,sleep=off), the mode every comparison
// uses; without -icount QEMU chains translated blocks freely and runs faster.
const freeArgs = [];
for (let k = 0; k < QEMU_REFERENCE_ARGS.length; k++) {
  if (QEMU_REFERENCE_ARGS[k] === '-icount') k++;
  else freeArgs.push(QEMU_REFERENCE_ARGS[k]);
}

const results = { icount: [], free: [] };
for (const core of cores) results[core] = [];

if (steady > 1) {
  const workload = /^run=([a-z]+)$/.exec(append)?.[1];
  if (workload === undefined) throw new Error('--steady needs --append run=WORKLOAD');
  const many = `run=${Array(steady).fill(workload).join(',')}`;
  const perRun = {};
  // Warm: the time between one result line of the workload and the next, median of the runs
  // after the first half (JIT warm-up and first translations over) — Trapeze only.
  const warm = {};
  for (const core of cores) {
    perRun[core] = [];
    warm[core] = [];
  }
  if (qemu) perRun.qemu = [];
  for (let round = 0; round < runs; round++) {
    for (const core of cores) {
      const repeated = runCore(core, many);
      perRun[core].push((repeated.run - runCore(core, append).run) / (steady - 1));
      const lines = repeated.console.split('\n');
      const ends = repeated.lineEnds.filter((_, i) => lines[i]?.startsWith(`${workload}:`));
      if (ends.length !== steady) throw new Error(`${core}: ${ends.length} ${workload} lines`);
      const gaps = ends.slice(1).map((end, i) => (end - ends[i]) / 1000);
      warm[core].push(median(gaps.slice(Math.floor(gaps.length / 2))));
    }
    if (qemu)
      perRun.qemu.push(
        (runQemu(QEMU_REFERENCE_ARGS, true, many).seconds -
          runQemu(QEMU_REFERENCE_ARGS, true, append).seconds) /
          (steady - 1),
      );
  }
  console.log(
    `Steady state of ${workload}: run=${workload} x${steady} less once, per run, median of ${runs} rounds (Trapeze: the machine's run in each process; QEMU: whole processes; engines in turn).`,
  );
  console.log('| engine | ms per run |');
  console.log('|---|---:|');
  for (const [name, times] of Object.entries(perRun))
    console.log(
      `| ${name === 'qemu' ? 'QEMU-icount' : name} | ${(median(times) * 1000).toFixed(1)} |`,
    );
  if (perRun.translator && perRun.interpreter)
    console.log(
      `translator / interpreter = ${(median(perRun.interpreter) / median(perRun.translator)).toFixed(2)}×`,
    );
  console.log(
    `Warm: one ${workload} result line to the next, median of the last ${Math.ceil((steady - 1) / 2)} of ${steady - 1} gaps in each process, median of ${runs} rounds.`,
  );
  for (const [name, times] of Object.entries(warm))
    console.log(`| ${name} (warm) | ${(median(times) * 1000).toFixed(1)} |`);
  if (warm.translator && warm.interpreter)
    console.log(
      `translator / interpreter, warm = ${(median(warm.interpreter) / median(warm.translator)).toFixed(2)}×`,
    );
  if (qemu && perRun.translator)
    console.log(
      `translator / QEMU-icount = ${(median(perRun.qemu) / median(perRun.translator)).toFixed(3)}×`,
    );
  process.exit(0);
}

// The rounds: each engine once per round.
for (let round = 0; round < runs; round++) {
  for (const core of cores) results[core].push(runCore(core));
  if (qemu) {
    results.icount.push(runQemu(QEMU_REFERENCE_ARGS, true));
    results.free.push(runQemu(freeArgs, false));
  }
}
const trapeze = {};
for (const core of cores) trapeze[core] = summary(results[core]);
const first = trapeze[cores[0]];
const instructions = first.exit.instructions;
for (const core of cores) {
  if (trapeze[core].console !== first.console || trapeze[core].exit.instructions !== instructions)
    throw new Error(`${core} and ${cores[0]} differ: ${JSON.stringify(trapeze[core].console)}`);
}
const mips = (seconds) => instructions / seconds / 1e6;
const row = (name, { seconds, best }) =>
  `| ${name} | ${seconds.toFixed(2)} | ${best.toFixed(2)} | ${mips(seconds).toFixed(1)} |`;

console.log(
  `CPU benchmark: ${image}${append ? ` (-append ${append})` : ''}, ${instructions} instructions; the guest printed: ${first.console.trim().split('\n').slice(-3).join(' / ')}`,
);
console.log(`Whole processes, start-up included, ${runs} rounds (engines in turn).`);
console.log('| engine | median wall time (s) | best (s) | MIPS (median) |');
console.log('|---|---:|---:|---:|');
for (const core of cores) console.log(row(`Trapeze bare, ${core}`, trapeze[core]));

/** Runs the image on QEMU (whole process, console to a file) and returns its wall time in seconds. */
function runQemu(qemuArgs, deterministic, bootargs = append) {
  const t0 = performance.now();
  // The console goes to a file: QEMU writes it non-blocking and can lose bytes on a pipe.
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-bench-'));
  const out = join(dir, 'console.txt');
  const run = spawnSync(
    'sh',
    [
      '-c',
      `qemu-system-riscv32 ${qemuArgs.join(' ')} -kernel ${image}${bootargs ? ` -append '${bootargs}'` : ''} < /dev/null > ${out}`,
    ],
    { timeout: 600_000 },
  );
  const qemuSeconds = (performance.now() - t0) / 1000;
  const printed = readFileSync(out, 'latin1');
  rmSync(dir, { recursive: true, force: true });
  // Without -icount the guest's own instret reading (minstret) is QEMU's, not an exact count.
  const same = (text) =>
    (deterministic ? text : text.replace(/instret=[0-9]+/g, 'instret=…')).trim();
  const expected = results[cores[0]]?.[0]?.console;
  if (run.status !== 0 || (expected !== undefined && same(printed) !== same(expected)))
    throw new Error(`QEMU exited ${run.status} and printed ${JSON.stringify(printed)}`);
  return { seconds: qemuSeconds };
}

if (qemu) {
  const icount = summary(results.icount);
  const free = summary(results.free);
  console.log(row('QEMU 7.2, QEMU_REFERENCE_ARGS (-icount shift=0,sleep=off)', icount));
  console.log(row('QEMU 7.2, without -icount', free));
  for (const core of cores) {
    const ours = trapeze[core];
    console.log(
      `ratio, ${core}: Trapeze / QEMU-icount = ${(icount.seconds / ours.seconds).toFixed(3)}× (best against best ${(icount.best / ours.best).toFixed(3)}×), Trapeze / QEMU = ${(free.seconds / ours.seconds).toFixed(3)}×`,
    );
  }
  if (trapeze.translator && trapeze.interpreter)
    console.log(
      `translator / interpreter = ${(trapeze.interpreter.seconds / trapeze.translator.seconds).toFixed(2)}×`,
    );
} else {
  console.log(
    'qemu-system-riscv32 not found: no QEMU comparison (apt-get install qemu-system-misc)',
  );
}
for (const core of cores) {
  const { rss, ram, statistics } = trapeze[core];
  const ramMiB = ram / 2 ** 20;
  console.log(
    `resident memory, ${core}: ${(rss / 2 ** 20).toFixed(0)} MiB for ${ramMiB} MiB of guest RAM (target ≤ RAM + 96 MiB: ${rss <= (ramMiB + 96) * 2 ** 20 ? 'met' : 'NOT met'}); ${JSON.stringify(statistics)}`,
  );
}
