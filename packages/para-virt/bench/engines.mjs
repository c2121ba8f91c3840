// The OS workloads (docs/guests.md) on `bare`, `direct`, `translate` and `para` side by side, in
// the style of Adams and Agesen's 2006 comparison: for each workload W the wall time of a whole
// boot running it three times (`run=W,W,W`) on each engine and its ratio to bare; and — from the
// difference between `run=W,W` and `run=W` (the program loaded once more and its N operations) —
// exits and calls per operation by reason, and the efficiency. `para` runs the paravirtualized
// build of the OS (os-pv.elf), every other engine the native one (os.elf); the bare-metal
// images run on every engine but `para` (they are not PV kernels).
// Usage: node packages/para-virt/bench/engines.mjs [--runs N] [--core translator|interpreter]
//   [--engines bare,direct,translate,translate/all,para] [--steady N] [WORKLOAD...] [IMAGE.elf...]
// --steady N: instead, the steady state — the time of run=W repeated N times less that of run=W
// once, per engine (median of the runs): boot, first loads and JIT warm-up cancel out.
// (--core is the real core of bare and direct; translate always runs on the translator.)
// Every run is a fresh child process: engines share code (the core, the board), and an engine
// run after another in one process would find that code compiled for the other's paths.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { yieldHelperThreads } from '@trapeze/cpu/node';
import { BufferBackend } from '@trapeze/devices';
import { createEngineMachine, EXIT_REASONS, exitStatistics } from '@trapeze/full-virt';
import { takeOption } from '../../full-virt/bench/options.mjs';
import { createParaMachine, paraExits } from '../dist/index.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => takeOption(argv, name, fallback);

/** A guest image of guests/images by name. */
const image = (name) =>
  new Uint8Array(readFileSync(new URL(`../../../guests/images/${name}`, import.meta.url)));

/**
 * A machine running image `name` on engine `engine` (`translate/all`: the translate engine,
 * policy all; `para`: the PV hypervisor, which runs os-pv.elf where the others run os.elf).
 */
function machineOn(engine, core, name, bootargs) {
  const serial = new BufferBackend();
  const args = bootargs === '' ? {} : { bootargs };
  if (engine === 'para') {
    const machine = createParaMachine({ core, serial, ...args });
    machine.loadElf(image(name === 'os.elf' ? 'os-pv.elf' : name));
    return machine;
  }
  const [kind, policy] = engine.split('/');
  const machine = createEngineMachine({
    engine: kind,
    ...(kind === 'translate' ? (policy === undefined ? {} : { policy }) : { core }),
    serial,
    ...args,
  });
  machine.loadElf(image(name));
  return machine;
}

// A child: `engines.mjs --child ENGINE CORE IMAGE BOOTARGS` runs once and prints JSON.
if (argv[0] === '--child') {
  const [, engine, core, name, bootargs] = argv;
  // As the trapeze command runs a guest: the engine's helper threads below the main one.
  yieldHelperThreads();
  const machine = machineOn(engine, core, name, bootargs);
  const start = performance.now();
  const exit = machine.run(1e10);
  const ms = performance.now() - start;
  if (exit.kind !== 'pass') throw new Error(`${bootargs} on ${engine}: ${exit.kind}`);
  const exits = exitStatistics(machine) ?? paraExits(machine);
  console.log(JSON.stringify({ ms, retired: machine.hart.retired, exits }));
  process.exit(0);
}

const runs = Number(option('--runs', '3'));
const core = option('--core', 'translator');
const engines = option('--engines', 'bare,direct,translate,translate/all,para').split(',');
const steady = Number(option('--steady', '0'));
if (engines[0] !== 'bare') throw new Error('--engines must start with bare (the reference)');
const N = {
  syscall: 10000,
  pgfault: 256,
  ptemod: 10000,
  trap: 4000,
  io: 1024,
  forkwait: 50,
  compute: 10,
};
const workloads = argv.length > 0 ? argv.filter((w) => !w.endsWith('.elf')) : Object.keys(N);
const images =
  argv.length > 0
    ? argv.filter((w) => w.endsWith('.elf'))
    : ['compute-bare.elf', 'compute-sv32.elf'];

/** One run of image `name` on `engine`, in a fresh process: its run time, instructions, exits. */
function once(engine, name, bootargs) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', engine, core, name, bootargs ?? ''],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) throw new Error(`${engine} ${name} ${bootargs}: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const fixed = (v) => v.toFixed(v < 10 ? 1 : 0);
/** Per-op counts by reason, largest first: `csr 10, xret 1.0`. */
const byReason = (counts, n) =>
  EXIT_REASONS.map((r) => [r, counts(r) / n])
    .filter(([, v]) => v >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([r, v]) => `${r} ${fixed(v)}`)
    .join(', ') || '—';

const hypervisors = engines.slice(1);
if (steady > 0) {
  console.log(
    `steady state: run=W x${steady} less run=W, median of ${runs} runs (ms per ${steady - 1} rounds)`,
  );
  console.log('');
  console.log(
    `| workload | bare (ms) | ${hypervisors.map((e) => `${e} (ms) | ${e} / bare`).join(' | ')} |`,
  );
  console.log(`|---|---:|${hypervisors.map(() => '---:|---:|').join('')}`);
  for (const w of workloads) {
    const times = Object.fromEntries(engines.map((e) => [e, []]));
    for (let r = 0; r < runs; r++)
      for (const engine of engines) {
        const many = once(engine, 'os.elf', `run=${Array(steady).fill(w).join(',')}`).ms;
        times[engine].push(many - once(engine, 'os.elf', `run=${w}`).ms);
      }
    const bare = median(times.bare);
    const cells = hypervisors.map(
      (e) => `${median(times[e]).toFixed(1)} | ${(median(times[e]) / bare).toFixed(2)}`,
    );
    console.log(`| ${w} | ${bare.toFixed(1)} | ${cells.join(' | ')} |`);
  }
  process.exit(0);
}
console.log(
  `real core of bare and direct: ${core}; ${runs} runs; median wall time of run=W,W,W (boot included)`,
);
console.log('');
console.log(
  `| workload | N | bare (ms) | ${hypervisors.map((e) => `${e} (ms) | ${e} / bare`).join(' | ')} |`,
);
console.log(`|---|---:|---:|${hypervisors.map(() => '---:|---:|').join('')}`);
const perOp = [];
for (const w of workloads) {
  const times = Object.fromEntries(engines.map((e) => [e, []]));
  const diffs = {};
  for (let r = 0; r < runs; r++) {
    for (const engine of engines) {
      times[engine].push(once(engine, 'os.elf', `run=${w},${w},${w}`).ms);
      if (engine !== 'bare' && r === 0)
        diffs[engine] = [
          once(engine, 'os.elf', `run=${w}`),
          once(engine, 'os.elf', `run=${w},${w}`),
        ];
    }
  }
  const bare = median(times.bare);
  const cells = hypervisors.map((e) => {
    const t = median(times[e]);
    return `${t.toFixed(1)} | ${(t / bare).toFixed(2)}`;
  });
  console.log(`| ${w} | ${N[w] ?? 1} | ${bare.toFixed(1)} | ${cells.join(' | ')} |`);
  perOp.push([w, diffs]);
}

console.log('');
console.log(
  '| workload | engine | exits per op | by reason | calls per op | by reason | efficiency |',
);
console.log('|---|---|---:|---|---:|---|---:|');
for (const [w, diffs] of perOp) {
  const n = N[w] ?? 1;
  for (const e of hypervisors) {
    const [one, two] = diffs[e];
    const exits = (r) => two.exits.exits[r] - one.exits.exits[r];
    const calls = (r) => two.exits.calls[r] - one.exits.calls[r];
    const retired = two.retired - one.retired;
    const direct = two.exits.direct - one.exits.direct;
    console.log(
      `| ${w} | ${e} | ${fixed((two.exits.total - one.exits.total) / n)} | ${byReason(exits, n)} | ${fixed((two.exits.callTotal - one.exits.callTotal) / n)} | ${byReason(calls, n)} | ${((100 * direct) / retired).toFixed(2)} % |`,
    );
  }
}

// The bare-metal compute programs (274 million instructions each; compute-sv32.elf with Sv32 on
// in S-mode): long enough that start-up and noise matter less than in the OS runs.
const fullHypervisors = hypervisors.filter((e) => e !== 'para');
if (images.length > 0) {
  console.log('');
  console.log(
    `| image | instructions | bare (ms) | ${fullHypervisors.map((e) => `${e} (ms) | ${e} / bare | exits | calls`).join(' | ')} |`,
  );
  console.log(`|---|---:|---:|${fullHypervisors.map(() => '---:|---:|---:|---:|').join('')}`);
}
for (const name of images) {
  const times = Object.fromEntries(engines.map((e) => [e, []]));
  const last = {};
  for (let r = 0; r < runs; r++) {
    for (const engine of ['bare', ...fullHypervisors]) {
      const result = once(engine, name, undefined);
      times[engine].push(result.ms);
      last[engine] = result;
    }
  }
  const bare = median(times.bare);
  const cells = fullHypervisors.map((e) => {
    const t = median(times[e]);
    const x = last[e].exits;
    return `${t.toFixed(0)} | ${(t / bare).toFixed(2)} | ${x.total} | ${x.callTotal}`;
  });
  console.log(`| ${name} | ${last.bare.retired} | ${bare.toFixed(0)} | ${cells.join(' | ')} |`);
}
