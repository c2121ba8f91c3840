#!/usr/bin/env node
// Decode benchmark: instructions decoded per second on a realistic instruction mix (the .text of
// guests/images/compute-bare.elf: guests/workloads/compute.c and its start-up code, compiled by
// clang -O2 for RV32IMAC), one core. Needs `npm run build` first.
// Usage: node bench/decode.mjs [--seconds N]   (N seconds per operation, default 3)
// This machine's speed varies by tens of percent from run to run (a shared 2-core VM): compare
// the median of 11 rounds, and run it more than once.
import { readFileSync } from 'node:fs';
import {
  createDecoder,
  createInstructionRecord,
  decode,
  disassemble,
  parseElf,
} from '../dist/index.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 3;
/** Rounds per operation; the table shows the median and the best. */
const ROUNDS = 11;
const IMAGE = 'guests/images/compute-bare.elf';
const elf = parseElf(new Uint8Array(readFileSync(new URL(`../../../${IMAGE}`, import.meta.url))));
const text = elf.sections.find((section) => section.name === '.text');
if (text === undefined) throw new Error(`${IMAGE} has no .text section`);
const bytes = text.data;
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const words = [];
for (let at = 0; at + 2 <= bytes.length; ) {
  const low = view.getUint16(at, true);
  if ((low & 3) === 3) {
    words.push(view.getUint32(at, true));
    at += 4;
  } else {
    words.push(low);
    at += 2;
  }
}
const mix = Int32Array.from(words);
const compressed = words.filter((w) => (w & 3) !== 3).length;

// Each operation has a loop of its own, so that every call site stays monomorphic.
const decoder = createDecoder();
const record = createInstructionRecord();
const loops = {
  'decodeInto() → caller-owned record (no allocation)': (reps) => {
    let sink = 0;
    for (let rep = 0; rep < reps; rep++)
      for (let i = 0; i < mix.length; i++) sink += decoder.decodeInto(mix[i], record).rd;
    return sink;
  },
  'decode() → new Instruction object': (reps) => {
    let sink = 0;
    for (let rep = 0; rep < reps; rep++)
      for (let i = 0; i < mix.length; i++) sink += decode(mix[i]).rd;
    return sink;
  },
  'decodeSpec() → table entry (no allocation)': (reps) => {
    let sink = 0;
    for (let rep = 0; rep < reps; rep++)
      for (let i = 0; i < mix.length; i++) sink += decoder.decodeSpec(mix[i]) === null ? 0 : 1;
    return sink;
  },
  'disassemble() → text': (reps) => {
    let sink = 0;
    for (let rep = 0; rep < reps; rep++)
      for (let i = 0; i < mix.length; i++) sink += disassemble(mix[i]).length;
    return sink;
  },
};

function measure(name) {
  const loop = loops[name];
  loop(200); // warm up
  const rates = [];
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round((seconds / ROUNDS) * 1e9));
    let now = start;
    while (now < end) {
      loop(100);
      count += 100 * mix.length;
      now = process.hrtime.bigint();
    }
    rates.push(count / (Number(now - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return { name, median: rates[(ROUNDS - 1) / 2], best: rates[ROUNDS - 1] };
}

const rows = Object.keys(loops).map(measure);
console.log(
  `decode benchmark: ${mix.length} instructions (${compressed} compressed) from the .text of ${IMAGE}, node ${process.version}`,
);
console.log('| operation | median (M/s) | best (M/s) |');
console.log('|---|---:|---:|');
for (const row of rows)
  console.log(
    `| ${row.name} | ${(row.median / 1e6).toFixed(1)} | ${(row.best / 1e6).toFixed(1)} |`,
  );
const target = 50e6;
const allocating = rows.find((row) => row.name.startsWith('decode()')).median;
const reused = rows.find((row) => row.name.startsWith('decodeInto()')).median;
const verdict = (rate) =>
  `${rate >= target ? 'met' : 'NOT met'} (${(rate / target).toFixed(2)}× the target)`;
console.log(
  `target: at least 50 M/s with every operand decoded — decode(): ${verdict(allocating)}; decodeInto(): ${verdict(reused)}`,
);
