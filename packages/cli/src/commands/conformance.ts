/**
 * `trapeze conformance`: runs the conformance suite — generated programs per template, the
 * properties of `@trapeze/conformance` — on an engine, against a reference, and writes JSON and
 * JUnit XML reports.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BARE_CAPABILITIES,
  bareEngine,
  boardEngine,
  type CampaignProgress,
  type Capabilities,
  type Engine,
  jsonReport,
  junitXml,
  KNOWN_QEMU_DIFFERENCES,
  PROPERTY_NAMES,
  type ProgramRunner,
  type PropertyName,
  processRunner,
  QEMU_BINARY,
  qemuRunner,
  runCampaign,
  summaryTable,
  TEMPLATES,
  trapezeRunRunner,
} from '@trapeze/conformance';
import { CORE_KINDS, type CoreKind } from '@trapeze/cpu';
import {
  directBoard,
  TRANSLATE_POLICIES,
  type TranslatePolicy,
  translateBoard,
} from '@trapeze/full-virt';
import { DEFAULT_CORE } from '@trapeze/machine';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { CommandFailed, UsageError } from '../errors.js';
import { describeFileError, type Io, readInput } from '../io.js';

const NAME = 'conformance';

/** `NAME` and `NAME/CORE` for every core: the engines that run on the `virt` board. */
function withCores(name: string): string[] {
  return [name, ...CORE_KINDS.map((core) => `${name}/${core}`)];
}

/** `translate` and `translate/POLICY` for every policy. */
const TRANSLATE = ['translate', ...TRANSLATE_POLICIES.map((policy) => `translate/${policy}`)];

/** Engines `--engine` names. */
const ENGINES = [
  ...withCores('bare'),
  ...withCores('direct'),
  ...TRANSLATE,
  'qemu',
  ...withCores('trapeze-run'),
];
/** References `--against` names. */
const REFERENCES = ['qemu', ...withCores('bare'), ...withCores('direct'), ...TRANSLATE];

function usage(message: string): UsageError {
  return new UsageError('BAD_VALUE', message, NAME);
}

function parseCount(text: string | undefined, option: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/_/g, '');
  const value = /^[0-9]+$/.test(clean) ? Number.parseInt(clean, 10) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw usage(`${option} '${text}' is not an integer of at least ${min}`);
  return value;
}

/** Parses `--seed`: a 32-bit integer (decimal, negative allowed, or 0x hex). */
function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^-?[0-9]+$/.test(text)
    ? Number.parseInt(text, 10)
    : /^0x[0-9a-f]+$/i.test(text)
      ? Number.parseInt(text.slice(2), 16)
      : Number.NaN;
  if (!Number.isSafeInteger(value) || value < -(2 ** 31) || value >= 2 ** 32)
    throw usage(`--seed '${text}' is not a 32-bit integer`);
  return value | 0;
}

/** Parses `--shard K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text);
  const index = match === null ? Number.NaN : Number(match[1]);
  const count = match === null ? Number.NaN : Number(match[2]);
  if (!(index >= 1 && count >= 1 && index <= count))
    throw usage(`--shard '${text}' must be K/N with 1 <= K <= N (e.g. 2/4)`);
  return { index, count };
}

function parseList<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  option: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim());
  for (const item of items)
    if (!allowed.includes(item as T))
      throw usage(`${option} '${item}' is not one of ${allowed.join(', ')}`);
  return items as T[];
}

/** The `trapeze` CLI's own `dist/main.js` (for `--engine trapeze-run`). */
function ownCli(): string {
  return fileURLToPath(new URL('./main.js', import.meta.url));
}

/**
 * The engine `name` (`--engine`, `--against`): `bare`, `direct`, `qemu`, `trapeze-run`, or
 * `bare/CORE`, `direct/CORE`, `trapeze-run/CORE` on a core of `@trapeze/cpu` (without one: the
 * default core); `translate` or `translate/POLICY` (without one: `hybrid`).
 */
function namedEngine(
  name: string,
  cli: string | undefined,
  option: '--engine' | '--against',
): Engine | ProgramRunner {
  const slash = name.indexOf('/');
  const base = slash < 0 ? name : name.slice(0, slash);
  const core = slash < 0 ? undefined : (name.slice(slash + 1) as CoreKind);
  const known = option === '--engine' ? ENGINES : REFERENCES;
  if (!known.includes(name)) throw usage(`${option} '${name}' is not one of ${known.join(', ')}`);
  switch (base) {
    case 'bare':
      return bareEngine(core === undefined ? {} : { core });
    case 'direct':
      return boardEngine(directBoard(core ?? DEFAULT_CORE));
    case 'translate':
      return boardEngine(translateBoard((core as TranslatePolicy | undefined) ?? 'hybrid'));
    case 'qemu':
      if (spawnSync(QEMU_BINARY, ['--version'], { stdio: 'ignore' }).status !== 0)
        throw new UsageError(
          'BAD_VALUE',
          `${QEMU_BINARY} is not on the PATH (install qemu-system-misc)`,
          NAME,
        );
      return qemuRunner();
    default:
      return trapezeRunRunner(cli ?? ownCli(), core === undefined ? {} : { core });
  }
}

function isEngineLike(x: unknown): x is Engine | ProgramRunner {
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    typeof o.capabilities === 'object' &&
    (typeof o.createVm === 'function' || typeof o.runProgram === 'function')
  );
}

/** Imports an engine module: its default export or `engine` (an engine, or a function making one). */
async function moduleEngine(file: string): Promise<Engine | ProgramRunner> {
  const url = pathToFileURL(resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(
      'BAD_INPUT',
      `cannot import engine module '${file}': ${error instanceof Error ? error.message : String(error)}`,
      NAME,
    );
  }
  let candidate = mod.default ?? mod.engine;
  if (typeof candidate === 'function') candidate = await (candidate as () => unknown)();
  if (!isEngineLike(candidate))
    throw new UsageError(
      'BAD_INPUT',
      `engine module '${file}' exports no engine: export default (or 'engine') an object with name, contractVersion, capabilities and createVm(), or a ProgramRunner with runProgram()`,
      NAME,
    );
  return candidate;
}

async function readCapabilities(io: Io, file: string): Promise<Capabilities> {
  const text = new TextDecoder().decode(await readInput(io, file, NAME));
  try {
    return { ...BARE_CAPABILITIES, ...(JSON.parse(text) as Partial<Capabilities>) };
  } catch (error) {
    throw new UsageError(
      'BAD_INPUT',
      `'${file}' is not JSON capabilities: ${error instanceof Error ? error.message : String(error)}`,
      NAME,
    );
  }
}

/** `trapeze conformance`. */
export const conformance: Command = {
  name: NAME,
  summary: 'check an engine against the bare machine or QEMU with generated programs',
  synopsis: [
    'conformance --engine NAME [--against qemu|bare[/CORE]] [options]',
    'conformance --engine-module FILE [--against qemu|bare[/CORE]] [options]',
    "conformance --engine-cmd 'COMMAND {elf}' [--against qemu|bare[/CORE]] [options]",
  ],
  description: [
    [
      'Generates programs from templates (integer ALU, M, memory, control flow, atomics, CSRs,',
      'traps, privilege transitions, Sv32, PMP, timer interrupts, MMIO, resource control, debug',
      'triggers; and for translators: self-modifying code, remapped code pages, interrupts in',
      'long blocks, traps at block ends, jumps into the middle of instructions), runs each on',
      'the engine and on the reference, and checks the properties of the VM contract:',
      'equivalence (the same exit, console and dumped state as the reference, after masking what',
      'the engines may legally differ in; two in-process engines also at every sync point of a',
      'budget schedule), determinism (in-process: also across budget splits), resource control,',
      'efficiency and snapshot round trips. A failure is shrunk to a minimal program and kept',
      'as assembly and JSON in the corpus directory.',
    ],
    [
      'Engines: --engine bare (the reference machine, in-process), direct (the same board under',
      'the trap-and-emulate hypervisor of @trapeze/full-virt, in-process; its exits and efficiency',
      'are in the report), translate (the same under the binary-translating hypervisor;',
      `translate/POLICY for ${TRANSLATE_POLICIES.join(' or ')}, hybrid by default), qemu (qemu-system-riscv32,`,
      'which must be on the PATH), trapeze-run (this CLI as a process); --engine-module FILE',
      "imports a JS module whose default export (or 'engine') is an Engine or a ProgramRunner;",
      "--engine-cmd runs a command per program, with {elf} replaced by the program's ELF and",
      '{budget} by the instruction budget; it must print the console and exit 0 on a pass.',
    ],
    [
      `Cores: bare, direct and trapeze-run run on the ${DEFAULT_CORE}; NAME/CORE on`,
      `the core named (${CORE_KINDS.join(', ')}), as trapeze run --core does. Reports name the`,
      `core (bare/${DEFAULT_CORE}). --engine bare/translator --against bare/interpreter checks the`,
      'translator against the interpreter, the executable specification, at every sync point.',
    ],
    [
      `Templates: ${TEMPLATES.map((t) => t.name).join(', ')}.`,
      `Properties: ${PROPERTY_NAMES.join(', ')}.`,
      'Against QEMU, behaviour on which the bare machine and QEMU 7.2 are known to differ is',
      `left out (${KNOWN_QEMU_DIFFERENCES.join(', ')}); --strict keeps it in.`,
    ],
    [
      'Reports: DIR/conformance.json and DIR/conformance.junit.xml (DIR from --report-dir,',
      'default conformance-report). Exit status 0 when every property held, 1 when one failed.',
    ],
  ],
  options: [
    {
      name: 'engine',
      value: 'NAME',
      description: 'the engine under test: bare[/CORE], qemu or trapeze-run[/CORE]',
    },
    { name: 'engine-module', value: 'FILE', description: 'a JS module exporting an Engine' },
    {
      name: 'engine-cmd',
      value: 'COMMAND',
      description: 'a command run per program ({elf}, {budget} are replaced)',
    },
    {
      name: 'capabilities',
      value: 'FILE',
      description: "JSON capabilities of --engine-cmd (default: the bare machine's)",
    },
    {
      name: 'against',
      value: 'ENGINE',
      description: 'the reference: qemu or bare[/CORE] (default: none)',
    },
    { name: 'template', value: 'T[,T…]', description: 'templates to run (default: all)' },
    { name: 'property', value: 'P[,P…]', description: 'properties to check (default: all)' },
    { name: 'runs', value: 'N', description: 'programs per template (default 100)' },
    { name: 'seed', value: 'S', description: 'the campaign seed (default: random, printed)' },
    { name: 'shard', value: 'K/N', description: 'run the K-th of N disjoint slices of the runs' },
    { name: 'budget', value: 'N', description: 'instruction budget per program (default 2000000)' },
    { name: 'concurrency', value: 'N', description: 'programs in flight at once (default 1)' },
    {
      name: 'report-dir',
      value: 'DIR',
      description: 'where reports go (default conformance-report)',
    },
    {
      name: 'corpus-dir',
      value: 'DIR',
      description: 'where shrunk failures go (default REPORT-DIR/corpus)',
    },
    { name: 'strict', description: 'do not leave out known bare/QEMU differences' },
    { name: 'trapeze-cli', value: 'FILE', description: 'the CLI run by --engine trapeze-run' },
    { name: 'quiet', short: 'q', description: 'no progress lines' },
    HELP_OPTION,
  ],
  examples: [
    'conformance --engine bare --against qemu --runs 200',
    'conformance --engine bare --against qemu --template alu,memory --seed 42 --shard 1/4',
    'conformance --engine bare/translator --against bare/interpreter --runs 100',
    'conformance --engine-module ./my-engine.js --against bare --report-dir out',
    "conformance --engine-cmd 'my-emu --elf {elf}' --capabilities caps.json --against qemu",
  ],
  exitStatus: [
    'Exit status: 0 every property held; 1 a property failed, or the reports cannot be written;',
    '2 usage errors and bad input (unknown option, unknown engine or template, bad capabilities).',
  ],
  async run(argv, io) {
    const args = parseArgs(argv, conformance.options, NAME);
    if (args.positionals.length > 0)
      throw new UsageError('EXTRA_ARGUMENT', `unexpected argument '${args.positionals[0]}'`, NAME);
    const sources = ['engine', 'engine-module', 'engine-cmd'].filter((o) => args.values.has(o));
    if (sources.length === 0)
      throw new UsageError(
        'MISSING_ARGUMENT',
        'no engine given (--engine NAME, --engine-module FILE or --engine-cmd COMMAND)',
        NAME,
      );
    if (sources.length > 1)
      throw new UsageError(
        'CONFLICTING_OPTIONS',
        `give one engine (got ${sources.map((s) => `--${s}`).join(' and ')})`,
        NAME,
      );
    if (args.values.has('capabilities') && !args.values.has('engine-cmd'))
      throw new UsageError('CONFLICTING_OPTIONS', '--capabilities goes with --engine-cmd', NAME);
    const templates = parseList(
      args.values.get('template'),
      TEMPLATES.map((t) => t.name),
      '--template',
    );
    const properties = parseList<PropertyName>(
      args.values.get('property'),
      PROPERTY_NAMES,
      '--property',
    );
    const runs = parseCount(args.values.get('runs'), '--runs') ?? 100;
    const seed = parseSeed(args.values.get('seed')) ?? (Math.random() * 2 ** 31) | 0;
    const shard = parseShard(args.values.get('shard'));
    const budget = parseCount(args.values.get('budget'), '--budget');
    const concurrency = parseCount(args.values.get('concurrency'), '--concurrency') ?? 1;
    const againstName = args.values.get('against');
    const against =
      againstName === undefined ? undefined : namedEngine(againstName, undefined, '--against');
    const reportDir = args.values.get('report-dir') ?? 'conformance-report';
    const corpusDir = args.values.get('corpus-dir') ?? join(reportDir, 'corpus');

    let engine: Engine | ProgramRunner;
    const named = args.values.get('engine');
    const module = args.values.get('engine-module');
    const command = args.values.get('engine-cmd');
    if (named !== undefined)
      engine = namedEngine(named, args.values.get('trapeze-cli'), '--engine');
    else if (module !== undefined) engine = await moduleEngine(module);
    else {
      const capabilities =
        args.values.get('capabilities') === undefined
          ? BARE_CAPABILITIES
          : await readCapabilities(io, args.values.get('capabilities') as string);
      if (!/\{elf\}/.test(command as string))
        throw usage(`--engine-cmd '${command}' has no {elf} for the program's ELF file`);
      engine = processRunner({ name: 'engine-cmd', command: command as string, capabilities });
    }
    const avoid = args.flags.has('strict') || againstName !== 'qemu' ? [] : KNOWN_QEMU_DIFFERENCES;

    const quiet = args.flags.has('quiet');
    const seen = new Map<string, number>();
    const onProgress = (p: CampaignProgress) => {
      if (quiet) return;
      const step = Math.max(1, Math.ceil(p.total / 10));
      if (p.done === p.total || p.done % step === 0 || (seen.get(p.template) ?? 0) < p.failed) {
        seen.set(p.template, p.failed);
        io.stderr(
          `${p.template}: ${p.done}/${p.total}${p.failed > 0 ? ` (${p.failed} failed)` : ''}\n`,
        );
      }
    };
    if (!quiet)
      io.stderr(
        `trapeze conformance: ${engine.name}${against ? ` against ${against.name}` : ''}, seed ${seed}\n`,
      );
    let result: Awaited<ReturnType<typeof runCampaign>>;
    try {
      result = await runCampaign({
        engine,
        ...(against === undefined ? {} : { against }),
        ...(templates === undefined ? {} : { templates }),
        ...(properties === undefined ? {} : { properties }),
        runs,
        seed,
        ...(shard === undefined ? {} : { shard }),
        ...(budget === undefined ? {} : { budget }),
        corpusDir: isAbsolute(corpusDir) ? corpusDir : resolve(corpusDir),
        avoid,
        concurrency,
        onProgress,
      });
    } catch (error) {
      if (error instanceof Error && /contract version/.test(error.message))
        throw new UsageError('BAD_INPUT', error.message, NAME);
      throw error;
    }
    io.stdout(summaryTable(result));
    try {
      mkdirSync(reportDir, { recursive: true });
      await io.writeFile(
        join(reportDir, 'conformance.json'),
        new TextEncoder().encode(jsonReport(result)),
      );
      await io.writeFile(
        join(reportDir, 'conformance.junit.xml'),
        new TextEncoder().encode(junitXml(result)),
      );
    } catch (error) {
      throw new CommandFailed([
        `trapeze ${NAME}: cannot write reports to '${reportDir}': ${describeFileError(error)}`,
      ]);
    }
    if (!quiet)
      io.stderr(
        `reports: ${join(reportDir, 'conformance.json')}, ${join(reportDir, 'conformance.junit.xml')}\n`,
      );
    return result.ok ? 0 : 1;
  },
};
