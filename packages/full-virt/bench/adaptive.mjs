// Adaptive translation under `translate`: the threshold (device exits of one instruction before
// it is retranslated into a call) against what it saves. For each workload, a whole boot running
// it three times (`run=W,W,W`): median wall time, device exits and device calls, call sites made
// and blocks retranslated, at each threshold (0: never).
// Usage: node packages/full-virt/bench/adaptive.mjs [--runs N] [--thresholds 0,1,2,4,8,16,64]
//   [WORKLOAD...]
import { readFileSync } from 'node:fs';
import { BufferBackend } from '@trapeze/devices';
import { createEngineMachine, exitStatistics } from '@trapeze/full-virt';
import { takeOption } from './options.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => takeOption(argv, name, fallback);
const runs = Number(option('--runs', '5'));
const thresholds = option('--thresholds', '0,1,2,4,8,16,64').split(',').map(Number);
const workloads = argv.length > 0 ? argv : ['io', 'compute', 'syscall'];
const image = new Uint8Array(
  readFileSync(new URL('../../../guests/images/os.elf', import.meta.url)),
);
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

console.log(`${runs} runs; median wall time of run=W,W,W under translate (hybrid)`);
console.log('');
console.log(
  '| workload | threshold | time (ms) | vs never | mmio exits | mmio calls | call sites | blocks retranslated |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const w of workloads) {
  let never;
  for (const adaptAfter of thresholds) {
    const times = [];
    let last;
    for (let r = 0; r < runs; r++) {
      const machine = createEngineMachine({
        engine: 'translate',
        adaptAfter,
        serial: new BufferBackend(),
        bootargs: `run=${w},${w},${w}`,
      });
      machine.loadElf(image);
      const start = performance.now();
      const exit = machine.run(1e10);
      times.push(performance.now() - start);
      if (exit.kind !== 'pass') throw new Error(`${w} at ${adaptAfter}: ${exit.kind}`);
      last = machine;
    }
    const t = median(times);
    if (adaptAfter === 0) never = t;
    const exits = exitStatistics(last);
    console.log(
      `| ${w} | ${adaptAfter === 0 ? 'never' : adaptAfter} | ${t.toFixed(1)} | ${never === undefined ? '—' : (t / never).toFixed(2)} | ${exits.exits.mmio} | ${exits.calls.mmio} | ${last.core.adaptations()} | ${last.core.statistics().retranslations} |`,
    );
  }
}
