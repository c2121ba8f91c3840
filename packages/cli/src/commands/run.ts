/**
 * `trapeze run`: loads an ELF executable on the `virt` board and runs it with the UART on the
 * terminal, until the guest writes the test finisher, an instruction budget runs out or the hart
 * waits forever.
 *
 * @module
 */
import { TerminalBackend } from '@trapeze/devices';
import { disassemble, parseElf } from '@trapeze/isa';
import { MachineError, type RunExit, VirtMachine } from '@trapeze/machine';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { CommandFailed, invalidElf, UsageError } from '../errors.js';
import { describeFileError, readInput } from '../io.js';
import { bytesHex } from '../listing.js';
import { hex, parseAddress } from '../numbers.js';

const NAME = 'run';

/** Instructions run between two looks at the host (standard input, output). */
const SLICE = 1_000_000;

/** Exit statuses of `trapeze run` besides the guest's own. */
export const EXIT_RESET = 3;
export const EXIT_BREAKPOINT = 5;
export const EXIT_BUDGET = 124;
export const EXIT_IDLE = 125;
export const EXIT_STUCK = 126;

/** CSRs in `--json`, by name and address. */
const JSON_CSRS: readonly (readonly [string, number])[] = [
  ['mstatus', 0x300],
  ['misa', 0x301],
  ['medeleg', 0x302],
  ['mideleg', 0x303],
  ['mie', 0x304],
  ['mip', 0x344],
  ['mtvec', 0x305],
  ['mscratch', 0x340],
  ['mepc', 0x341],
  ['mcause', 0x342],
  ['mtval', 0x343],
  ['stvec', 0x105],
  ['sscratch', 0x140],
  ['sepc', 0x141],
  ['scause', 0x142],
  ['stval', 0x143],
  ['satp', 0x180],
  ['mcounteren', 0x306],
  ['scounteren', 0x106],
];

const PRIVILEGE_NAMES: Readonly<Record<number, string>> = { 0: 'U', 1: 'S', 3: 'M' };

const SUFFIXES: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Parses `--mem`: bytes, or a number with a K, M or G suffix (binary units). */
export function parseMemorySize(text: string): number {
  const match = /^([0-9]+)([kmg]?)$/i.exec(text.replace(/_/g, ''));
  const size =
    match === null
      ? Number.NaN
      : Number.parseInt(match[1] as string, 10) *
        (SUFFIXES[(match[2] as string).toUpperCase()] ?? 1);
  if (!Number.isSafeInteger(size)) {
    throw new UsageError(
      'BAD_VALUE',
      `--mem '${text}' is not a size (use bytes, or a number with K, M or G, like 128M)`,
      NAME,
    );
  }
  if (size < 64 * 1024 || size > 2 * 1024 ** 3 || size % 4096 !== 0) {
    throw new UsageError(
      'BAD_VALUE',
      `--mem '${text}' must be a multiple of 4K between 64K and 2G`,
      NAME,
    );
  }
  return size;
}

/** `--break`: comma-separated addresses, or names of the image's ELF symbols. */
function parseBreakpoints(text: string | undefined, image: Uint8Array | undefined): number[] {
  if (text === undefined) return [];
  const symbols = image === undefined ? [] : parseElf(image).symbols;
  return text.split(',').map((item) => {
    const name = item.trim();
    if (/^(0x[0-9a-f_]+|[0-9_]+)$/i.test(name)) return parseAddress(name, '--break', NAME);
    const symbol = symbols.find((s) => s.name === name);
    if (symbol === undefined) {
      throw new UsageError(
        'BAD_VALUE',
        `--break '${name}' is neither an address nor a symbol of the image`,
        NAME,
      );
    }
    return symbol.value >>> 0;
  });
}

/** The JSON of a `--restore` file (the machine checks the rest). */
function parseSnapshotFile(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UsageError(
      'BAD_INPUT',
      `cannot restore '${path}': not JSON (${error instanceof Error ? error.message : String(error)})`,
      NAME,
    );
  }
}

/** The RAM size a snapshot names, if it names one. */
function snapshotRamSize(snapshot: unknown): number | undefined {
  const size = (snapshot as { ramSize?: unknown } | undefined)?.ramSize;
  return typeof size === 'number' ? size : undefined;
}

function parseCount(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/_/g, '');
  const value = /^[0-9]+$/.test(clean) ? Number.parseInt(clean, 10) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError('BAD_VALUE', `${option} '${text}' is not a positive integer`, NAME);
  }
  return value;
}

/** A ring buffer of the last retired instructions. */
class Trace {
  private readonly pcs: number[] = [];
  private readonly raws: number[] = [];
  private readonly sizes: number[] = [];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  record(pc: number, raw: number, size: number): void {
    this.pcs[this.next] = pc;
    this.raws[this.next] = raw;
    this.sizes[this.next] = size;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** `address: bytes  <TAB>text` lines, oldest first. */
  lines(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.count; k++) {
      const at = (this.next - this.count + k + this.capacity) % this.capacity;
      const pc = this.pcs[at] as number;
      const raw = this.raws[at] as number;
      const size = this.sizes[at] as number;
      const bytes = new Uint8Array(size);
      for (let b = 0; b < size; b++) bytes[b] = (raw >>> (8 * b)) & 0xff;
      const text = disassemble(raw, { address: pc });
      out.push(`${hex(pc, 8)}: ${bytesHex(bytes).padEnd(13)}\t${text}`);
    }
    return out;
  }
}

/** Lets the event loop run (standard input arrives, output is written). */
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Runs `machine` until it exits or `budget` instructions retire, recording into `trace`. */
async function runMachine(
  machine: VirtMachine,
  budget: number,
  trace: Trace | undefined,
): Promise<RunExit> {
  let total = 0;
  // A run never stops at its first instruction (that is how it resumes from a breakpoint), so
  // the slices after the first look for a breakpoint where they start.
  const atBreakpoint = (): RunExit | undefined =>
    machine.breakpoints.has(machine.hart.pc)
      ? { kind: 'breakpoint', code: 0, instructions: total }
      : undefined;
  if (trace === undefined) {
    for (let slice = 0; ; slice++) {
      const stop = slice > 0 ? atBreakpoint() : undefined;
      if (stop !== undefined) return stop;
      const exit = machine.run(Math.min(SLICE, budget - total));
      total += exit.instructions;
      if (exit.kind !== 'budget' || total >= budget) return { ...exit, instructions: total };
      await yieldToHost();
    }
  }
  const hart = machine.hart;
  for (let steps = 1; ; steps++) {
    if (total >= budget) return { kind: 'budget', code: 0, instructions: total };
    const stop = steps > 1 ? atBreakpoint() : undefined;
    if (stop !== undefined) return stop;
    const pc = hart.pc;
    const retired = hart.retired;
    // One instruction at a time, so the hart's decoded instruction is the one that retired.
    const exit = machine.run(1);
    total += exit.instructions;
    if (hart.retired > retired) trace.record(pc, hart.instruction.raw, hart.instruction.size);
    if (exit.kind !== 'budget') return { ...exit, instructions: total };
    if (steps % SLICE === 0) await yieldToHost();
  }
}

function guestState(machine: VirtMachine, exit: RunExit) {
  const hart = machine.hart;
  const csrs: Record<string, number> = {};
  for (const [name, address] of JSON_CSRS) csrs[name] = hart.csr.read(address, 3) >>> 0;
  return {
    pc: hart.pc >>> 0,
    x: Array.from(hart.x, (v) => v >>> 0),
    privilege: PRIVILEGE_NAMES[hart.privilege] ?? String(hart.privilege),
    csrs,
    instret: hart.retired,
    exit: { kind: exit.kind, code: exit.code },
  };
}

/** `trapeze run`. */
export const run: Command = {
  name: NAME,
  summary: 'run an ELF executable on the virt board with the UART on the terminal',
  synopsis: ['run [options] IMAGE.elf', 'run --restore SNAPSHOT.json [options] [IMAGE.elf]'],
  description: [
    [
      "Loads IMAGE.elf into the RAM of QEMU's virt board (at 0x80000000) and runs it from its",
      'entry point in M-mode. The UART (16550A at 0x10000000) is the terminal: what the guest',
      'sends goes to standard output as it comes, and standard input is queued for the guest to',
      'read. The run ends when the guest writes the test finisher at 0x100000, when --max-insns',
      'instructions have retired, or when the hart waits (wfi) with nothing that could wake it.',
    ],
    [
      'Exit status of a run: 0 the guest passed (finisher 0x5555); N the guest failed with code N',
      '(finisher N << 16 | 0x3333; 1 if N is 0, at most 255); 3 the guest asked for a reset (not',
      'supported yet); 5 a --break address was reached; 124 the instruction budget of --max-insns ran out; 125 the hart waits',
      'forever; 126 the hart is stuck in a trap loop (1000 traps in a row without retiring an',
      'instruction: a trap handler that itself faults).',
    ],
    [
      '--save-snapshot FILE writes the whole machine (hart, CSRs, devices, virtual time, RAM in',
      'use) as JSON when the run stops; --restore FILE continues from it exactly where it stopped,',
      "with the snapshot's RAM size (a --mem must match it; --append cannot be used: the device",
      "tree is in the snapshot's RAM). An IMAGE given with --restore is not loaded, only read for",
      '--break symbols. Console output from before the snapshot is not printed again, and input',
      'the guest had not read when the snapshot was written is not in it.',
    ],
    [
      'With --json the final guest state (pc, x0-x31, privilege, CSRs, instret, exit) is printed',
      'to standard output as JSON, and the guest console goes to standard error instead.',
      '--stats and --trace report on standard error after the run.',
    ],
  ],
  options: [
    { name: 'mem', value: 'SIZE', description: 'RAM size: bytes, or with K, M, G (default 128M)' },
    {
      name: 'append',
      value: 'ARGS',
      description: "kernel command line: the device tree's /chosen/bootargs (QEMU's -append)",
    },
    {
      name: 'break',
      value: 'LIST',
      description:
        'stop before the instruction at these addresses or ELF symbols (comma-separated), exit status 5',
    },
    {
      name: 'max-insns',
      value: 'N',
      description: 'stop after N instructions, exit status 124 (default: no limit)',
    },
    {
      name: 'stats',
      description: 'print instructions, virtual and wall time and MIPS to standard error',
    },
    { name: 'json', description: 'print the final guest state as JSON to standard output' },
    {
      name: 'trace',
      value: 'N',
      description: 'print the last N retired instructions to standard error (slower)',
    },
    {
      name: 'save-snapshot',
      value: 'FILE',
      description: 'when the run stops, write the whole machine to FILE (JSON)',
    },
    {
      name: 'restore',
      value: 'FILE',
      description: 'start from a snapshot written by --save-snapshot (IMAGE then optional)',
    },
    HELP_OPTION,
  ],
  examples: [
    'run hello.elf',
    'run --max-insns 1000000 --stats kernel.elf',
    "run --append 'run=all' os.elf",
    'run --json --trace 10 test.elf > state.json',
    'run --max-insns 5000000 --save-snapshot boot.json os.elf; run --restore boot.json',
  ],
  async run(argv, io) {
    const args = parseArgs(argv, run.options, NAME);
    const memText = args.values.get('mem');
    const ramSize = memText === undefined ? undefined : parseMemorySize(memText);
    const budget =
      parseCount(args.values.get('max-insns'), '--max-insns') ?? Number.POSITIVE_INFINITY;
    const traceLength = parseCount(args.values.get('trace'), '--trace');
    const json = args.flags.has('json');
    const restorePath = args.values.get('restore');
    const savePath = args.values.get('save-snapshot');
    const [file, extra] = args.positionals;
    if (file === undefined && restorePath === undefined)
      throw new UsageError('MISSING_ARGUMENT', 'no ELF image given', NAME);
    if (extra !== undefined) {
      throw new UsageError(
        'EXTRA_ARGUMENT',
        `one image at a time (got '${file}' and '${extra}')`,
        NAME,
      );
    }
    if (restorePath !== undefined && args.values.has('append'))
      throw new UsageError(
        'CONFLICTING_OPTIONS',
        "--append cannot be used with --restore (the device tree is in the snapshot's RAM)",
        NAME,
      );
    const bytes = file === undefined ? undefined : await readInput(io, file, NAME);
    const snapshot =
      restorePath === undefined
        ? undefined
        : parseSnapshotFile(await readInput(io, restorePath, NAME), restorePath);

    // Guest output may split UTF-8 sequences across writes: decode as a stream.
    const decoder = new TextDecoder();
    const guestOutput = (text: string) => (json ? io.stderr(text) : io.stdout(text));
    const serial = new TerminalBackend({
      output: {
        write: (chunk: Uint8Array) => {
          const text = decoder.decode(chunk, { stream: true });
          if (text !== '') guestOutput(text);
        },
      },
    });
    const bootargs = args.values.get('append');
    const size = ramSize ?? snapshotRamSize(snapshot);
    let machine: VirtMachine;
    try {
      machine = new VirtMachine({
        ...(size === undefined ? {} : { ramSize: size }),
        ...(bootargs === undefined ? {} : { bootargs }),
        serial,
      });
      if (snapshot !== undefined) machine.restore(snapshot);
      else machine.loadElf(bytes as Uint8Array);
    } catch (error) {
      if (error instanceof MachineError) {
        const what = restorePath === undefined ? `load '${file}'` : `restore '${restorePath}'`;
        throw new UsageError('BAD_INPUT', `cannot ${what}: ${error.message}`, NAME);
      }
      throw invalidElf(file as string, error, NAME);
    }

    for (const address of parseBreakpoints(args.values.get('break'), bytes)) {
      machine.breakpoints.add(address);
    }

    const stopInput = io.onStdin?.((chunk) => serial.receive(chunk)) ?? (() => {});
    const trace = traceLength === undefined ? undefined : new Trace(traceLength);
    const started = performance.now();
    let exit: RunExit;
    try {
      exit = await runMachine(machine, budget, trace);
    } finally {
      stopInput();
      serial.flush();
      const rest = decoder.decode();
      if (rest !== '') guestOutput(rest);
    }
    const wallMs = performance.now() - started;

    let status: number;
    switch (exit.kind) {
      case 'pass':
        status = 0;
        break;
      case 'fail':
        status = exit.code === 0 ? 1 : Math.min(Math.max(exit.code, 1), 255);
        io.stderr(`trapeze ${NAME}: the guest failed with code ${exit.code}\n`);
        break;
      case 'reset':
        status = EXIT_RESET;
        io.stderr(`trapeze ${NAME}: guest requested a reset (not supported yet)\n`);
        break;
      case 'budget':
        status = EXIT_BUDGET;
        io.stderr(`trapeze ${NAME}: stopped: instruction budget of ${budget} reached\n`);
        break;
      case 'breakpoint':
        status = EXIT_BREAKPOINT;
        io.stderr(`trapeze ${NAME}: stopped at breakpoint 0x${hex(machine.hart.pc, 8)}\n`);
        break;
      case 'stuck':
        status = EXIT_STUCK;
        io.stderr(
          `trapeze ${NAME}: stopped: the hart is stuck in a trap loop (mcause 0x${hex(
            machine.hart.csr.mcause,
            8,
          )}, mepc 0x${hex(machine.hart.csr.mepc, 8)}, pc 0x${hex(machine.hart.pc, 8)})\n`,
        );
        break;
      case 'idle':
        status = EXIT_IDLE;
        io.stderr(
          `trapeze ${NAME}: stopped: the hart waits (wfi) with no interrupt that could wake it, ` +
            `at pc 0x${hex(machine.hart.pc, 8)}\n`,
        );
        break;
    }

    if (trace !== undefined) {
      io.stderr(`Last ${traceLength} retired instructions:\n`);
      const lines = trace.lines();
      if (lines.length > 0) io.stderr(`${lines.join('\n')}\n`);
    }
    if (args.flags.has('stats')) {
      const ns = machine.clock.ns;
      const mips = wallMs > 0 ? exit.instructions / (wallMs * 1000) : 0;
      io.stderr(
        [
          `instructions: ${exit.instructions}`,
          `virtual time: ${ns} ns (${machine.clock.ticks()} mtime ticks)`,
          `wall time:    ${(wallMs / 1000).toFixed(3)} s`,
          `speed:        ${mips.toFixed(2)} MIPS`,
          '',
        ].join('\n'),
      );
    }
    if (savePath !== undefined) {
      try {
        await io.writeFile(savePath, new TextEncoder().encode(JSON.stringify(machine.snapshot())));
      } catch (error) {
        throw new CommandFailed([
          `trapeze ${NAME}: error: cannot write '${savePath}': ${describeFileError(error)}`,
        ]);
      }
    }
    if (json) io.stdout(`${JSON.stringify(guestState(machine, exit), null, 2)}\n`);
    return status;
  },
};
