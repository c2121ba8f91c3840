// Block I/O over virtio against console I/O over the UART, on every engine: the OS's `blk`
// workload (384 KiB through a virtio-blk disk in memory: 128 KiB read, 128 KiB written with
// four flushes, 128 KiB read back) and its `io` workload (1 KiB written to the console, which
// the firmware's SBI console puts out through the UART one byte register at a time). For each,
// from the difference between `run=W` repeated R+1 times and `run=W` once, divided by R (the
// program loaded and run once more, boot and JIT warm-up cancelled out): guest bytes per second
// of wall time, and instructions, exits, calls and notifications per KiB moved.
// Usage: node packages/full-virt/bench/virtio.mjs [--runs N] [--repeat R]
//   [--engines bare,direct,translate,translate/all]
import { readFileSync } from 'node:fs';
import { BufferBackend, MemoryBlockBackend, VirtioBlk } from '@trapeze/devices';
import { createEngineMachine, exitStatistics } from '@trapeze/full-virt';
import { takeOption } from './options.mjs';

const argv = process.argv.slice(2);
const runs = Number(takeOption(argv, '--runs', '5'));
const repeat = Number(takeOption(argv, '--repeat', '8'));
const engines = takeOption(argv, '--engines', 'bare,direct,translate,translate/all').split(',');
const osImage = new Uint8Array(
  readFileSync(new URL('../../../guests/images/os.elf', import.meta.url)),
);
/** Payload bytes each workload moves once. */
const BYTES = { blk: 3 * 256 * 512, io: 1024 };

function once(name, workload, times) {
  const [engine, policy] = name.split('/');
  const disk = new Uint8Array(1 << 20);
  for (let i = 0; i < disk.length; i++) disk[i] = (i * 7 + 3) & 0xff;
  const machine = createEngineMachine({
    engine,
    ...(policy === undefined ? {} : { policy }),
    serial: new BufferBackend(),
    bootargs: `run=${Array(times).fill(workload).join(',')}`,
    virtio: [new VirtioBlk({ backend: new MemoryBlockBackend(disk) })],
  });
  machine.loadElf(osImage);
  const start = performance.now();
  const exit = machine.run(1e10);
  const ms = performance.now() - start;
  if (exit.kind !== 'pass') throw new Error(`${workload} on ${name}: ${exit.kind}`);
  const stats = exitStatistics(machine);
  return {
    ms,
    retired: machine.hart.retired,
    exits: stats?.total ?? 0,
    calls: stats?.callTotal ?? 0,
    virtio: machine.virtio[0].transport.statistics(),
  };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/** One more run of `workload`: medians of the differences per repetition. */
function delta(name, workload) {
  const samples = [];
  once(name, workload, repeat + 1); // warm-up: the JIT's first compilations are not measured
  for (let r = 0; r < runs; r++) {
    const one = once(name, workload, 1);
    const more = once(name, workload, repeat + 1);
    samples.push({
      ms: (more.ms - one.ms) / repeat,
      retired: (more.retired - one.retired) / repeat,
      exits: (more.exits - one.exits) / repeat,
      calls: (more.calls - one.calls) / repeat,
      notifications: (more.virtio.notifications - one.virtio.notifications) / repeat,
    });
  }
  const pick = (k) => median(samples.map((s) => s[k]));
  return {
    ms: pick('ms'),
    retired: pick('retired'),
    exits: pick('exits'),
    calls: pick('calls'),
    notifications: pick('notifications'),
  };
}

const rows = [];
for (const workload of ['blk', 'io'])
  for (const name of engines) {
    const d = delta(name, workload);
    const kib = BYTES[workload] / 1024;
    rows.push(
      `| ${workload} | ${name} | ${(BYTES[workload] / 1024 / (d.ms / 1000)).toFixed(0)} | ${Math.round(d.retired / kib).toLocaleString('en-US')} | ${(d.exits / kib).toFixed(1)} | ${(d.calls / kib).toFixed(1)} | ${(d.notifications / kib).toFixed(2)} |`,
    );
  }
console.log(
  `one more run of each workload: (run=W x${repeat + 1} less run=W) / ${repeat}, median of ${runs} runs`,
);
console.log('');
console.log(
  '| workload | engine | KiB/s (wall) | instructions / KiB | exits / KiB | calls / KiB | notifications / KiB |',
);
console.log('|---|---|--:|--:|--:|--:|--:|');
for (const row of rows) console.log(row);
