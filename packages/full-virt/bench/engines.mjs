// The OS workloads (docs/guests.md) on `bare` and `direct`, side by side: for each workload W the
// wall time of a whole boot running it three times (`run=W,W,W`) on each engine and their ratio,
// and — from the difference between `run=W,W` and `run=W` (the program loaded once more and its
// N operations) — exits per operation by reason and the efficiency. Usage: node packages/full-virt/bench/engines.mjs [--runs N] [--core translator|interpreter] [WORKLOAD...]
import { readFileSync } from 'node:fs';
import { BufferBackend } from '@trapeze/devices';
import { createEngineMachine, EXIT_REASONS, exitStatistics } from '@trapeze/full-virt';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const [value] = argv.splice(i, 2).slice(1);
  return value;
};
const runs = Number(option('--runs', '3'));
const core = option('--core', 'translator');
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
const image = new Uint8Array(
  readFileSync(new URL('../../../guests/images/os.elf', import.meta.url)),
);

function once(engine, bootargs) {
  const machine = createEngineMachine({ engine, core, serial: new BufferBackend(), bootargs });
  machine.loadElf(image);
  const start = performance.now();
  const exit = machine.run(1e10);
  const ms = performance.now() - start;
  if (exit.kind !== 'pass') throw new Error(`${bootargs} on ${engine}: ${exit.kind}`);
  return { ms, retired: machine.hart.retired, exits: exitStatistics(machine) };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
console.log(`core: ${core}, ${runs} runs, median wall time of run=W,W,W (boot included)`);
console.log(
  '| workload | N | bare (ms) | direct (ms) | direct / bare | exits per op | by reason (per op) | efficiency |',
);
console.log('|---|---:|---:|---:|---:|---:|---|---:|');
for (const w of workloads) {
  const times = { bare: [], direct: [] };
  let one;
  let two;
  for (let r = 0; r < runs; r++) {
    for (const engine of ['bare', 'direct']) {
      times[engine].push(once(engine, `run=${w},${w},${w}`).ms);
      if (engine === 'direct' && r === 0)
        [one, two] = [once(engine, `run=${w}`), once(engine, `run=${w},${w}`)];
    }
  }
  const n = N[w] ?? 1;
  const per = (reason) => (two.exits.exits[reason] - one.exits.exits[reason]) / n;
  const total = (two.exits.total - one.exits.total) / n;
  const reasons = EXIT_REASONS.map((r) => [r, per(r)])
    .filter(([, v]) => v >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([r, v]) => `${r} ${v.toFixed(v < 10 ? 1 : 0)}`)
    .join(', ');
  const retired = two.retired - one.retired;
  const direct = two.exits.direct - one.exits.direct;
  const bare = median(times.bare);
  const dir = median(times.direct);
  console.log(
    `| ${w} | ${n} | ${bare.toFixed(1)} | ${dir.toFixed(1)} | ${(dir / bare).toFixed(2)} | ${total.toFixed(total < 10 ? 1 : 0)} | ${reasons} | ${((100 * direct) / retired).toFixed(2)} % |`,
  );
}

// The bare-metal compute programs (274 million instructions each; compute-sv32.elf with Sv32 on
// in S-mode): long enough that start-up and noise matter less than in the OS runs.
if (images.length > 0) {
  console.log('');
  console.log(
    '| image | instructions | bare (ms) | direct (ms) | direct / bare | exits | efficiency |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
}
for (const name of images) {
  const bytes = new Uint8Array(
    readFileSync(new URL(`../../../guests/images/${name}`, import.meta.url)),
  );
  const times = { bare: [], direct: [] };
  let last;
  for (let r = 0; r < runs; r++) {
    for (const engine of ['bare', 'direct']) {
      const machine = createEngineMachine({ engine, core, serial: new BufferBackend() });
      machine.loadElf(bytes);
      const start = performance.now();
      const exit = machine.run(1e10);
      times[engine].push(performance.now() - start);
      if (exit.kind !== 'pass') throw new Error(`${name} on ${engine}: ${exit.kind}`);
      if (engine === 'direct') last = exitStatistics(machine);
    }
  }
  const bare = median(times.bare);
  const dir = median(times.direct);
  console.log(
    `| ${name} | ${last.retired} | ${bare.toFixed(0)} | ${dir.toFixed(0)} | ${(dir / bare).toFixed(2)} | ${last.total} | ${(100 * last.efficiency).toFixed(4)} % |`,
  );
}
