// The efficiency of `direct` per conformance template: N generated programs of each template
// (seeded) run under direct/CORE, and the share of their instructions the real hart retired
// without the hypervisor, with the exits per program by reason. The programs are short and
// privileged on purpose (their set-up and state dump run in M-mode, every CSR access an exit),
// so these shares are far below the OS's (docs/engines.md): they say where each template's
// exits come from. Usage: node packages/full-virt/bench/efficiency.mjs [--runs N] [--seed S] [--core C]
import { boardEngine, genContext, programImage, TEMPLATES } from '@trapeze/conformance';
import { directBoard } from '@trapeze/full-virt';
import fc from 'fast-check';
import { takeOption } from './options.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => takeOption(argv, name, fallback);
const runs = Number(option('--runs', '50'));
const seed = Number(option('--seed', '1'));
const core = option('--core', 'translator');
const engine = boardEngine(directBoard(core));
const ctx = genContext([engine.capabilities]);

console.log(`direct/${core}, ${runs} programs per template, seed ${seed}`);
console.log(
  '| template | efficiency (all programs) | lowest | exits per program | by reason (per program) |',
);
console.log('|---|---:|---:|---:|---|');
for (const template of TEMPLATES) {
  const programs = fc.sample(template.arbitrary(ctx), { numRuns: runs, seed });
  let direct = 0;
  let instructions = 0;
  let lowest = 1;
  const exits = {};
  for (const program of programs) {
    const outcome = await engine.runProgram(programImage(program), 10_000_000);
    const stats = outcome.stats;
    if (stats === undefined) throw new Error('no statistics');
    direct += stats.direct;
    instructions += stats.instructions;
    lowest = Math.min(lowest, stats.instructions === 0 ? 1 : stats.direct / stats.instructions);
    for (const [reason, n] of Object.entries(stats.exits)) exits[reason] = (exits[reason] ?? 0) + n;
  }
  const total = Object.values(exits).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(exits)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${(n / runs).toFixed(1)}`)
    .join(', ');
  console.log(
    `| ${template.name} | ${((100 * direct) / instructions).toFixed(1)} % | ${(100 * lowest).toFixed(1)} % | ${(total / runs).toFixed(1)} | ${reasons} |`,
  );
}
