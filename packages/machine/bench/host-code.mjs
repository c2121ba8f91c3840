#!/usr/bin/env node
// Host-code benchmark: the run alone (`machine.run`, after start-up) of a guest on the
// translator emitting WebAssembly, the translator emitting JavaScript
// (`TranslatorOptions.hostCode`), and the interpreter — each run in a fresh child process, the
// engines in turn, round after round; prints the median and the best of each. Needs
// `npm run build` first.
// Usage: node bench/host-code.mjs [IMAGE] [--runs N] [--append ARGS]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TranslatorCore } from '@trapeze/cpu';
import { yieldHelperThreads } from '@trapeze/cpu/node';
import { BufferBackend } from '@trapeze/devices';
import { VirtMachine } from '../dist/index.js';

const ENGINES = ['webassembly', 'javascript', 'interpreter'];
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};

if (args[0] === '--child') {
  const [, engine, image, append] = args;
  // As the trapeze command runs a guest: the engine's helper threads below the main one.
  yieldHelperThreads();
  const core =
    engine === 'interpreter'
      ? 'interpreter'
      : (options) => new TranslatorCore({ ...options, hostCode: engine });
  const machine = new VirtMachine({
    serial: new BufferBackend(),
    core,
    ...(append === '' ? {} : { bootargs: append }),
  });
  machine.loadElf(new Uint8Array(readFileSync(image)));
  const start = performance.now();
  const exit = machine.run(Number.POSITIVE_INFINITY);
  const ms = performance.now() - start;
  const host = engine === 'interpreter' ? 'interpreter' : machine.core.hostCode;
  console.log(JSON.stringify({ ms, exit: exit.kind, instructions: exit.instructions, host }));
} else {
  const runs = Number(option('--runs', '3'));
  const append = option('--append', '');
  const image =
    args[0] ?? fileURLToPath(new URL('../../../guests/images/compute-bare.elf', import.meta.url));
  const times = Object.fromEntries(ENGINES.map((engine) => [engine, []]));
  let instructions = 0;
  for (let round = 0; round < runs; round++) {
    for (const engine of ENGINES) {
      const child = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', engine, image, append],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${engine}: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim());
      if (result.host !== engine) throw new Error(`${engine} ran as ${result.host}`);
      times[engine].push(result.ms);
      instructions = result.instructions;
    }
  }
  console.log(
    `${image}${append ? ` (${append})` : ''}: ${instructions} instructions, ${runs} rounds`,
  );
  console.log('| engine | median (ms) | best (ms) | MIPS (median) |\n|---|---:|---:|---:|');
  for (const engine of ENGINES) {
    const sorted = [...times[engine]].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1];
    console.log(
      `| ${engine === 'interpreter' ? 'interpreter' : `translator, ${engine}`} | ${median.toFixed(0)} | ${sorted[0].toFixed(0)} | ${(instructions / median / 1e3).toFixed(0)} |`,
    );
  }
}
