/**
 * `trapeze run`: loads an ELF executable or a raw image on the `virt` board and runs it with the
 * UART on the terminal, until the guest writes the test finisher, an instruction budget runs out or the hart
 * waits forever.
 *
 * @module
 */
import { TerminalBackend } from '@trapeze/devices';
import {
  createEngineMachine,
  EXIT_REASONS,
  type ExitStatistics,
  exitStatistics,
  TranslateCore,
} from '@trapeze/full-virt';
import { causeName, disassemble, INTERRUPT_BIT, isElf, parseElf } from '@trapeze/isa';
import {
  type ExitKind,
  MachineError,
  RNG_SEED_BYTES,
  type RunExit,
  type VirtMachine,
} from '@trapeze/machine';
import { createParaMachine, paraExits } from '@trapeze/para-virt';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { ConsoleTimestamps, ESCAPE_HELP, HostConsole } from '../console.js';
import { CORE_OPTION, coreOption } from '../core-option.js';
import { DEVICE_OPTION, deviceOptions } from '../device-option.js';
import { ENGINE_OPTION, engineOption, POLICY_OPTION, policyOption } from '../engine-option.js';
import { CommandFailed, invalidElf, UsageError } from '../errors.js';
import { describeFileError, type HostSignal, type Io, readInput, SIGNAL_NUMBERS } from '../io.js';
import { bytesHex } from '../listing.js';
import { hex, parseAddress, parseByteSize } from '../numbers.js';

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

/** Parses `--rng-seed`: the device tree's `/chosen/rng-seed` as 64 hexadecimal digits. */
export function parseRngSeed(text: string): Uint8Array {
  const digits = text.replace(/^0x/i, '');
  if (!/^[0-9a-f]*$/i.test(digits) || digits.length !== RNG_SEED_BYTES * 2)
    throw new UsageError(
      'BAD_VALUE',
      `--rng-seed '${text.slice(0, 80)}' must be ${RNG_SEED_BYTES} bytes as ${RNG_SEED_BYTES * 2} hexadecimal digits`,
      NAME,
    );
  const seed = new Uint8Array(RNG_SEED_BYTES);
  for (let i = 0; i < RNG_SEED_BYTES; i++)
    seed[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return seed;
}

/** Parses `--mem`: bytes, or a number with a K, M or G suffix (binary units). */
export function parseMemorySize(text: string): number {
  const size = parseByteSize(text) ?? Number.NaN;
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

/** A `--break` item: its address, and the symbol it was asked by (if it was). */
interface Breakpoint {
  readonly address: number;
  readonly symbol?: string;
}

/** `--break`: comma-separated addresses, or names of the image's ELF symbols. */
function parseBreakpoints(text: string | undefined, image: Uint8Array | undefined): Breakpoint[] {
  if (text === undefined) return [];
  const raw = image !== undefined && !isElf(image);
  const symbols = image === undefined || raw ? [] : parseElf(image).symbols;
  return text.split(',').map((item) => {
    const name = item.trim();
    if (/^(0x[0-9a-f_]+|[0-9_]+)$/i.test(name))
      return { address: parseAddress(name, '--break', NAME) };
    const symbol = symbols.find((s) => s.name === name);
    if (symbol === undefined) {
      throw new UsageError(
        'BAD_VALUE',
        `--break '${name}' is neither an address nor a symbol of the image` +
          (raw ? ' (a raw image has no symbols)' : ''),
        NAME,
      );
    }
    return { address: symbol.value >>> 0, symbol: name };
  });
}

/** How a breakpoint stop names where it stopped: the symbols asked for, and the address. */
function breakpointName(pc: number, breakpoints: readonly Breakpoint[]): string {
  const names = [
    ...new Set(breakpoints.filter((b) => b.address === pc >>> 0 && b.symbol).map((b) => b.symbol)),
  ];
  return names.length === 0 ? `0x${hex(pc, 8)}` : `${names.join(', ')} (0x${hex(pc, 8)})`;
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

/** The largest --max-insns: the largest integer a JavaScript number holds exactly. */
export const MAX_INSNS = Number.MAX_SAFE_INTEGER;
/** The largest --trace: a million lines (the ring buffer lives in memory). */
export const MAX_TRACE = 1_000_000;

/** A positive integer option, at most `max`. */
function parseCount(text: string | undefined, option: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const clean = text.replace(/_/g, '');
  if (!/^[0-9]+$/.test(clean) || /^0+$/.test(clean)) {
    throw new UsageError('BAD_VALUE', `${option} '${text}' is not a positive integer`, NAME);
  }
  const value = Number(clean);
  // Past 2^53 a number is no longer exact: compare the digits, not the rounded value.
  const digits = clean.replace(/^0+/, '');
  const maxDigits = String(max);
  if (
    digits.length > maxDigits.length ||
    (digits.length === maxDigits.length && digits > maxDigits)
  ) {
    throw new UsageError('BAD_VALUE', `${option} '${text}' is too large (at most ${max})`, NAME);
  }
  return value;
}

/** `--icount`: QEMU's `-icount` suboptions that apply here, `shift=0` and `sleep=on|off`. */
function parseIcount(text: string | undefined): { sleep?: boolean } {
  if (text === undefined) return {};
  let sleep: boolean | undefined;
  for (const item of text.split(',')) {
    if (item === 'sleep=on' || item === 'sleep=off') sleep = item === 'sleep=on';
    else if (item !== 'shift=0') {
      throw new UsageError(
        'BAD_VALUE',
        `--icount '${text}': '${item}' is not sleep=on, sleep=off or shift=0` +
          ' (virtual time is always one nanosecond per instruction)',
        NAME,
      );
    }
    // shift=0 (one instruction is one nanosecond) is the only shift there is.
  }
  return sleep === undefined ? {} : { sleep };
}

/** A ring buffer of the last instructions executed, and of the traps taken. */
class Trace {
  private readonly pcs: number[] = [];
  private readonly raws: number[] = [];
  private readonly sizes: number[] = [];
  /** A trap taken at that entry (`# trap: …`), if any. */
  private readonly notes: (string | undefined)[] = [];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {}

  /** An instruction at `pc` (`size` 0: none, as for an interrupt or a failed fetch). */
  record(pc: number, raw: number, size: number, note?: string): void {
    this.pcs[this.next] = pc;
    this.raws[this.next] = raw;
    this.sizes[this.next] = size;
    this.notes[this.next] = note;
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
      const note = this.notes[at];
      const bytes = new Uint8Array(size);
      for (let b = 0; b < size; b++) bytes[b] = (raw >>> (8 * b)) & 0xff;
      const text = size === 0 ? '' : disassemble(raw, { address: pc });
      const line = `${hex(pc, 8)}: ${bytesHex(bytes).padEnd(13)}\t${text}`;
      out.push(note === undefined ? line : `${line}${text === '' ? '' : '\t'}# trap: ${note}`);
    }
    return out;
  }
}

/** Lets the event loop run (standard input arrives, output is written). */
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Interrupt numbers, for the vectored entries of a trap vector. */
const INTERRUPT_CODES = [1, 3, 5, 7, 9, 11];

/**
 * Traces one step: runs until an instruction retires or the hart takes a trap, and records
 * that. `machine.run(1)` alone would run on into a trap handler and retire its first
 * instruction, so every address a trap can enter (mtvec, stvec and, when vectored, their
 * interrupt entries) is a breakpoint while tracing; a stop there that is not one of the
 * user's breakpoints is not reported.
 */
function traceStep(
  machine: VirtMachine,
  trace: Trace,
  userBreakpoints: ReadonlySet<number>,
): RunExit {
  const hart = machine.hart;
  const catchers = machine.breakpoints;
  catchers.clear();
  for (const address of userBreakpoints) catchers.add(address);
  for (const tvec of [hart.csr.mtvec, hart.csr.stvec]) {
    const base = (tvec & ~3) >>> 0;
    catchers.add(base);
    if ((tvec & 3) === 1) for (const code of INTERRUPT_CODES) catchers.add((base + 4 * code) >>> 0);
  }
  const pc = hart.pc;
  const retired = hart.retired;
  const traps = hart.traps;
  const exit = machine.run(1);
  if (hart.traps !== traps) {
    const supervisor = hart.privilege === 1;
    const cause = (supervisor ? hart.csr.scause : hart.csr.mcause) >>> 0;
    const tval = (supervisor ? hart.csr.stval : hart.csr.mtval) >>> 0;
    const register = supervisor ? 'scause' : 'mcause';
    const interrupt = (cause & INTERRUPT_BIT) !== 0;
    // Instruction access and page faults come from the fetch: there is no instruction.
    const fetchFault = !interrupt && (cause === 1 || cause === 12);
    const note =
      `${causeName(cause)} (${register} 0x${hex(cause, 8)}` +
      `${interrupt ? '' : `, tval 0x${hex(tval, 8)}`}) -> 0x${hex(hart.pc, 8)}`;
    if (interrupt || fetchFault) trace.record(pc, 0, 0, note);
    else trace.record(pc, hart.instruction.raw, hart.instruction.size, note);
    if (exit.kind === 'breakpoint' && !userBreakpoints.has(hart.pc))
      return { kind: 'budget', code: 0, instructions: exit.instructions };
  } else if (hart.retired > retired) {
    trace.record(pc, hart.instruction.raw, hart.instruction.size);
  }
  return exit;
}

/** Virtual time an idle guest may wait without console output once input has ended. */
export const QUIET_AFTER_INPUT_NS = 10e9;

/** Why a run stopped: the machine's exits, Ctrl-A X and signals. */
interface RunStop {
  readonly kind: ExitKind | 'quit' | 'signal';
  readonly code: number;
  readonly instructions: number;
  readonly signal?: HostSignal;
  /** An `idle` stop after input ended: the guest waited this long without output. */
  readonly quietNs?: number;
}

/** How {@link runMachine} runs. */
interface RunLoop {
  readonly machine: VirtMachine;
  readonly budget: number;
  readonly trace: Trace | undefined;
  readonly host: HostConsole;
  /** Whether an idle hart waits in host time (QEMU's sleep=on) instead of skipping. */
  readonly sleep: boolean;
  /** Bytes of console output so far (output ends a quiet stretch). */
  readonly output: () => number;
  /** Whether a network peer is connected: like open input, frames may still wake the hart. */
  readonly network: () => boolean;
}

/**
 * Runs the machine (whose idle mode is 'stop') until it exits, the budget runs out, or the host
 * asks it to stop. An idle hart skips virtual time to its deadline, or with `sleep` waits for
 * it in host time (or for input) and moves virtual time by the time waited; with nothing but
 * input to wake it, it waits for input, and once input has ended (or if there is none) the run
 * stops (idle). After input that was given has ended, the run also stops when the guest has
 * waited {@link QUIET_AFTER_INPUT_NS} without writing anything.
 */
async function runMachine(loop: RunLoop): Promise<RunStop> {
  const { machine, budget, trace, host, sleep } = loop;
  const userBreakpoints = new Set(machine.breakpoints);
  let total = 0;
  let sinceYield = 0;
  let idleStops = 0;
  let quietNs = 0;
  let outputSeen = loop.output();
  try {
    for (let call = 0; ; call++) {
      const request = host.stopRequest;
      if (request !== undefined) {
        return request.kind === 'quit'
          ? { kind: 'quit', code: 0, instructions: total }
          : {
              kind: 'signal',
              code: SIGNAL_NUMBERS[request.signal],
              instructions: total,
              signal: request.signal,
            };
      }
      if (total >= budget) return { kind: 'budget', code: 0, instructions: total };
      if (sinceYield >= SLICE) {
        sinceYield = 0;
        await yieldToHost();
      }
      // A run never stops at its first instruction (that is how it resumes from a breakpoint),
      // so every call after the first looks for a breakpoint where it starts.
      if (call > 0 && userBreakpoints.has(machine.hart.pc))
        return { kind: 'breakpoint', code: 0, instructions: total };
      const exit =
        trace === undefined
          ? machine.run(Math.min(SLICE - sinceYield, budget - total))
          : traceStep(machine, trace, userBreakpoints);
      total += exit.instructions;
      sinceYield += exit.instructions;
      if (exit.kind === 'idle') {
        const now = machine.clock.ns;
        if (loop.output() !== outputSeen) {
          outputSeen = loop.output();
          quietNs = 0;
        }
        const waiting = !host.inputEnded || loop.network();
        if (exit.wakeNs === undefined) {
          if (!waiting) return { kind: 'idle', code: 0, instructions: total };
          await host.wait(Number.POSITIVE_INFINITY);
          continue;
        }
        if (!waiting && host.hadInput && quietNs >= QUIET_AFTER_INPUT_NS)
          return { kind: 'idle', code: 0, instructions: total, quietNs };
        const gap = exit.wakeNs - now;
        let advance = gap;
        if (sleep) {
          const started = performance.now();
          await host.wait(gap / 1e6);
          advance = Math.min(gap, Math.floor((performance.now() - started) * 1e6));
          sinceYield = 0;
        } else if (waiting || ++idleStops % 1000 === 0) {
          // Skipping costs nothing: let input (and its end) in before the guest skips on, and
          // signals now and then.
          await yieldToHost();
          sinceYield = 0;
        }
        machine.clock.skipToNs(now + advance);
        if (host.inputEnded) quietNs += advance;
        continue;
      }
      if (exit.kind !== 'budget') return { ...exit, instructions: total };
    }
  } finally {
    machine.breakpoints.clear();
    for (const address of userBreakpoints) machine.breakpoints.add(address);
  }
}

function guestState(machine: VirtMachine, exit: { readonly kind: string; readonly code: number }) {
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

/** The exits of the machine's hypervisor engine (none for bare). */
function exitsOf(machine: VirtMachine): ExitStatistics | undefined {
  return exitStatistics(machine) ?? paraExits(machine);
}

/**
 * `--stats` lines for a hypervisor engine's exits (none for bare), and for `translate` its
 * calls and translation cache.
 */
function exitLines(exits: ExitStatistics | undefined, machine: VirtMachine): string[] {
  if (exits === undefined) return [];
  const by = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  const lines = [
    `exits:        ${exits.total} (efficiency ${(exits.efficiency * 100).toFixed(3)} %: ${exits.direct} of ${exits.retired} instructions ran without the hypervisor)`,
  ];
  for (const reason of EXIT_REASONS) {
    const n = exits.exits[reason];
    if (n === 0) continue;
    const detail =
      reason === 'trap'
        ? exits.traps
        : reason === 'shadow'
          ? exits.shadow
          : reason === 'mmio'
            ? exits.mmio
            : reason === 'hypercall'
              ? exits.hypercalls
              : undefined;
    lines.push(`  ${reason.padEnd(11)} ${n}${detail === undefined ? '' : ` (${by(detail)})`}`);
  }
  const core = machine.core;
  if (!(core instanceof TranslateCore)) return lines;
  lines.push(
    `calls:        ${exits.callTotal} (work translated code handed to the hypervisor without an exit)`,
  );
  for (const reason of EXIT_REASONS) {
    const n = exits.calls[reason];
    if (n !== 0) lines.push(`  ${reason.padEnd(11)} ${n}`);
  }
  const cache = core.statistics();
  lines.push(
    `translation:  policy ${core.policy}; ${cache.blocksTranslated} blocks translated, ${cache.blocksCached} cached (${cache.cacheBytes} bytes), ${cache.invalidations} invalidated, ${cache.retranslations} retranslated for ${core.adaptations()} call sites, ${cache.flushes} flushes`,
  );
  return lines;
}

/**
 * Checks before the run that --save-snapshot FILE can be written, so that a long run does not
 * end in an error; the file is not changed, and not left behind if it did not exist.
 */
async function checkWritable(io: Io, path: string): Promise<void> {
  try {
    await io.checkWritable?.(path);
  } catch (error) {
    throw new UsageError(
      'BAD_VALUE',
      `--save-snapshot '${path}' cannot be written: ${describeFileError(error)}`,
      NAME,
    );
  }
}

/** One line about the machine, for Ctrl-A C. */
function machineStatus(machine: VirtMachine): string {
  const hart = machine.hart;
  return (
    `pc 0x${hex(hart.pc, 8)}, ${PRIVILEGE_NAMES[hart.privilege] ?? hart.privilege}-mode, ` +
    `${hart.retired} instructions, virtual time ${(machine.clock.ns / 1e9).toFixed(6)} s` +
    (hart.waiting ? ', waiting (wfi)' : '')
  );
}

/** `--stats` lines of the virtio devices: traffic per device. */
function virtioLines(machine: VirtMachine): string[] {
  return machine.virtio.map(({ address, transport }) => {
    const s = transport.statistics();
    return (
      `${`${transport.device.kind}@${hex(address, 8)}:`.padEnd(24)}${s.notifications} notifications, ` +
      `${s.interrupts} interrupts, ${s.requests} requests, ${s.bytesFromGuest} bytes from the guest, ` +
      `${s.bytesToGuest} to it${s.errors > 0 ? `, ${s.errors} errors (${transport.lastError})` : ''}`
    );
  });
}

/** `trapeze run`. */
export const run: Command = {
  name: NAME,
  summary: 'run an ELF executable or a raw image on the virt board with the UART on the terminal',
  synopsis: ['run [options] IMAGE', 'run --restore SNAPSHOT.json [options] [IMAGE]'],
  description: [
    [
      "Loads IMAGE into the RAM of QEMU's virt board (at 0x80000000) as QEMU's -kernel does with",
      '-bios none, and runs it in M-mode. An ELF executable (linked by GNU ld or lld) loads its',
      'PT_LOAD segments and runs from its entry point; any other file is a raw image (objcopy -O',
      'binary), loaded at 0x80000000 and run from its first byte. An image that cannot run (a',
      'malformed ELF file, an empty file, an entry point outside the image, a dynamically linked',
      'program) is refused before the run, with exit status 2.',
    ],
    [
      'The UART (16550A at 0x10000000) is the terminal: what the guest sends goes to standard',
      'output as it comes, and standard input is queued for the guest to read. The run ends when',
      'the guest writes the test finisher at 0x100000, when --max-insns instructions have retired,',
      'when the hart waits (wfi) with nothing that could wake it, or when you quit (Ctrl-A X) or a',
      'signal stops it.',
    ],
    [
      'Engines. --engine bare (the default) runs the image on the board; --engine direct runs the',
      'same image under a trap-and-emulate hypervisor: the real hart stays in U-mode, walks shadow',
      'page tables, and every sensitive instruction, guest trap and device access is an exit the',
      'hypervisor emulates; --engine translate runs it under a binary-translating hypervisor: the',
      "kernel's sensitive instructions (--policy hybrid, the default; --policy all: every mode's)",
      'are compiled into calls, and device accesses that keep trapping are retranslated into calls.',
      'The guest sees no difference: same console, instret, virtual time and --json state (plus',
      '"exits", with "calls"); --stats adds exits and calls by reason, the efficiency (the share of',
      'instructions that ran without the hypervisor) and the translation cache. A snapshot moves',
      'between engines. --engine para runs a kernel built for the PV ABI (guests/images/os-pv.elf;',
      'docs/pv-abi.md) under the paravirtualizing hypervisor: the kernel runs in S-mode over page',
      'tables the hypervisor validates and asks for the rest with hypercalls, which --stats counts',
      'by call (no snapshots under para yet).',
    ],
    [
      "Devices. --device adds a virtio device (the modern virtio-mmio transport) in QEMU's",
      '-device order: the first goes to the highest slot, 0x10008000 (PLIC source 8), the next',
      "below it. virtio-blk,file=IMG is a raw disk image: the guest's writes reach the file as it",
      'makes them, and its flushes call fsync before they complete (readonly=on refuses writes;',
      "snapshot=on keeps them in memory and never changes IMG; serial=S is the disk's id);",
      'virtio-blk,size=SIZE is a disk of zeros in memory. virtio-net,connect=HOST:PORT or',
      "listen=[HOST:]PORT carries Ethernet frames over TCP in QEMU's -netdev socket framing (to a",
      'QEMU VM or another trapeze run; listen waits for the peer first; mac=MAC). virtio-rng gives deterministic bytes',
      "(seed=N, default 0) or the host's (source=host). virtio-console is the terminal: its",
      "output goes to standard output with the UART's, and the keyboard goes to it instead of the",
      'UART. slot=N puts a device in slot N (0x10001000 + N*0x1000). --stats adds notifications,',
      'interrupts, requests and bytes per device (--json: "virtio").',
    ],
    [
      'Cores. --core translator (the default) compiles blocks of guest code to JavaScript',
      'functions, kept in a translation cache; --core interpreter runs the reference hart one',
      'instruction at a time (the executable specification: slower, for checking). Both give the',
      'same run instruction for instruction: the same console output, exit status, virtual time,',
      '--json state and --trace, and a snapshot saved on one core continues on the other.',
    ],
    [
      'Console. When standard input is a terminal, it is in raw mode while the guest runs, as',
      "with QEMU's -nographic: keys go to the guest as typed, without an echo from the host (the",
      'guest echoes), and Ctrl-C, Ctrl-D and Ctrl-Z are bytes for the guest. Ctrl-A is the escape',
      'key: Ctrl-A X quits (after writing the --save-snapshot FILE; exit status 0, as QEMU),',
      'Ctrl-A S writes the --save-snapshot FILE now and goes on, Ctrl-A T toggles timestamps on the',
      'console, Ctrl-A B sends a break, Ctrl-A C prints the machine status (there is no monitor),',
      'Ctrl-A H lists the keys, Ctrl-A Ctrl-A sends Ctrl-A. The terminal is put back however the',
      'run ends. Input from a pipe or a file goes to the guest byte for byte, with no escape keys.',
    ],
    [
      'Time. Virtual time is one nanosecond per instruction (QEMU -icount shift=0). When the hart',
      'waits (wfi) for a timer, --icount sleep=off jumps virtual time to the deadline: the run is',
      'deterministic (its result depends only on its input) and idle time costs no host time.',
      "--icount sleep=on waits in host time for the deadline or for input (QEMU's sleep=on): an",
      'idle guest uses no CPU, and its clock keeps up with the wall clock while it idles. The',
      'default is sleep=on when standard input is a terminal (someone is at the keyboard: an idle',
      'shell must not burn a host core, and its clock should tell the time) and sleep=off',
      'otherwise (scripts, tests and conformance get reproducible runs, and idle time is free).',
    ],
    [
      'End of input. While standard input is open, a hart that waits with nothing but input to',
      'wake it waits for input. Once it has ended, or if there is none (/dev/null), the run stops',
      '(exit status 125) when the hart waits with nothing else to wake it. When input was given',
      '(a pipe, a file) and has ended, the run also stops when the guest has spent 10 s of',
      'virtual time waiting (wfi) since its last console output: a shell that wakes up now and',
      'then to wait for a key that will not come. To keep such a run going, keep its input open',
      '(for example: (cat script; cat) | trapeze run os.elf).',
    ],
    [
      'Signals. SIGINT (Ctrl-C when standard input is not a terminal), SIGTERM and SIGHUP stop the',
      'run cleanly: --save-snapshot, --json, --stats and --trace are written as for any other',
      'stop, and the exit status is 128 + the signal number (130 for SIGINT).',
    ],
    [
      '--save-snapshot FILE writes the whole machine (hart, CSRs, devices, virtual time, RAM in',
      'use) as JSON when the run stops (FILE is checked to be writable, without changing it,',
      'before the run starts); --restore FILE continues from it exactly where it stopped,',
      "with the snapshot's RAM size (a --mem must match it; --append cannot be used: the device",
      "tree is in the snapshot's RAM). An IMAGE given with --restore is not loaded, only read for",
      '--break symbols. Console output from before the snapshot is not printed again, and input',
      'the guest had not read when the snapshot was written is not in it.',
    ],
    [
      'With --json the final guest state (pc, x0-x31, privilege, CSRs, instret, exit) is printed',
      'to standard output as JSON, and the guest console goes to standard error instead.',
      '--stats and --trace report on standard error after the run. A --trace shows a trap on the',
      'instruction that took it ("# trap: cause -> handler"), then the handler\'s instructions.',
    ],
  ],
  options: [
    ENGINE_OPTION,
    POLICY_OPTION,
    CORE_OPTION,
    DEVICE_OPTION,
    { name: 'mem', value: 'SIZE', description: 'RAM size: bytes, or with K, M, G (default 128M)' },
    {
      name: 'append',
      value: 'ARGS',
      description: "kernel command line: the device tree's /chosen/bootargs (QEMU's -append)",
    },
    {
      name: 'rng-seed',
      value: 'HEX',
      description:
        "the device tree's /chosen/rng-seed, 32 bytes in hexadecimal (default zeros; QEMU's are random)",
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
      description: 'stop after N instructions, exit status 124 (default: no limit; at most 2^53-1)',
    },
    {
      name: 'icount',
      value: 'OPTS',
      description: 'sleep=on|off: an idle hart waits in host time, or skips (on at a terminal)',
    },
    {
      name: 'stats',
      description: 'print instructions, virtual and wall time, MIPS and the core to standard error',
    },
    { name: 'json', description: 'print the final guest state as JSON to standard output' },
    {
      name: 'trace',
      value: 'N',
      description: 'print the last N instructions and traps to standard error (slower; N <= 1e6)',
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
    'run firmware.bin',
    'run --max-insns 1000000 --stats kernel.elf',
    'run --core interpreter --stats test.elf',
    "run --append 'run=all' os.elf",
    "run --device virtio-blk,file=disk.img --append 'run=blk' os.elf",
    'run --json --trace 10 test.elf > state.json',
    'run --max-insns 5000000 --save-snapshot boot.json os.elf',
    'run --restore boot.json',
    'run --icount sleep=off --save-snapshot idle.json os.elf < commands.txt',
  ],
  exitStatus: [
    'Exit status: 0 the guest passed (finisher 0x5555), or Ctrl-A X; N the guest failed with code N',
    '(finisher N << 16 | 0x3333; 1 if N is 0, at most 255); 1 also when the --save-snapshot FILE',
    'cannot be written at the end; 2 usage errors and bad input (unknown option, unreadable file,',
    'malformed ELF, image outside RAM, bad snapshot, unwritable --save-snapshot FILE); 3 the guest',
    'asked for a reset (not supported yet); 5 a --break address was reached; 124 the --max-insns',
    'budget ran out; 125 the hart waits forever (see End of input); 126 the hart is stuck in a',
    'trap loop (1000 traps in a row without retiring an instruction: a handler that faults);',
    '128 + N stopped by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM).',
  ],
  async run(argv, io) {
    const args = parseArgs(argv, run.options, NAME);
    const core = coreOption(args.values.get('core'), NAME);
    const engine = engineOption(args.values.get('engine'), NAME);
    const policy = policyOption(args.values.get('policy'), engine, NAME);
    if (engine === 'translate' && core !== 'translator')
      throw new UsageError(
        'BAD_VALUE',
        `--engine translate runs on the translator core, not --core ${core}`,
        NAME,
      );
    if (engine === 'para' && (args.values.has('restore') || args.values.has('save-snapshot')))
      throw new UsageError(
        'BAD_VALUE',
        '--engine para does not take snapshots yet (its hypervisor state is not in a snapshot)',
        NAME,
      );
    const memText = args.values.get('mem');
    const ramSize = memText === undefined ? undefined : parseMemorySize(memText);
    const budget =
      parseCount(args.values.get('max-insns'), '--max-insns', MAX_INSNS) ??
      Number.POSITIVE_INFINITY;
    const traceLength = parseCount(args.values.get('trace'), '--trace', MAX_TRACE);
    const icount = parseIcount(args.values.get('icount'));
    const json = args.flags.has('json');
    const restorePath = args.values.get('restore');
    const savePath = args.values.get('save-snapshot');
    const [file, extra] = args.positionals;
    if (file === undefined && restorePath === undefined)
      throw new UsageError('MISSING_ARGUMENT', 'no image given', NAME);
    if (extra !== undefined) {
      throw new UsageError(
        'EXTRA_ARGUMENT',
        `one image at a time (got '${file}' and '${extra}')`,
        NAME,
      );
    }
    for (const name of ['append', 'rng-seed'])
      if (restorePath !== undefined && args.values.has(name))
        throw new UsageError(
          'CONFLICTING_OPTIONS',
          `--${name} cannot be used with --restore (the device tree is in the snapshot's RAM)`,
          NAME,
        );
    const seedText = args.values.get('rng-seed');
    const rngSeed = seedText === undefined ? undefined : parseRngSeed(seedText);
    const bytes = file === undefined ? undefined : await readInput(io, file, NAME);
    const snapshot =
      restorePath === undefined
        ? undefined
        : parseSnapshotFile(await readInput(io, restorePath, NAME), restorePath);

    // Guest output may split UTF-8 sequences across writes: decode as a stream.
    const decoder = new TextDecoder();
    const stamps = new ConsoleTimestamps();
    let outputLength = 0;
    let atLineStart = true;
    const guestOutput = (text: string) => {
      outputLength += text.length;
      atLineStart = text.endsWith('\n');
      const stamped = stamps.apply(text);
      if (json) io.stderr(stamped);
      else io.stdout(stamped);
    };
    /** A terminal whose output goes to the guest console, decoded as one UTF-8 stream. */
    const terminal = (decoder: InstanceType<typeof TextDecoder>) =>
      new TerminalBackend({
        output: {
          write: (chunk: Uint8Array) => {
            const text = decoder.decode(chunk, { stream: true });
            if (text !== '') guestOutput(text);
          },
        },
      });
    const serial = terminal(decoder);
    // A virtio-console is the terminal too: its output goes where the UART's does.
    const consoleDecoder = new TextDecoder();
    const virtioConsole = terminal(consoleDecoder);
    // The console is made later; a frame arriving while the hart waits wakes the run loop.
    let wakeHost = () => {};
    const devices = await deviceOptions(
      args.lists.get('device') ?? [],
      {
        console: virtioConsole,
        listening: (address) =>
          io.stderr(`trapeze ${NAME}: virtio-net: waiting for a peer to connect to ${address}\n`),
        frame: () => wakeHost(),
      },
      NAME,
    );
    const bootargs = args.values.get('append');
    const size = ramSize ?? snapshotRamSize(snapshot);
    let machine: VirtMachine;
    try {
      const board = {
        core,
        ...(size === undefined ? {} : { ramSize: size }),
        ...(bootargs === undefined ? {} : { bootargs }),
        ...(rngSeed === undefined ? {} : { rngSeed }),
        ...(devices.devices.length === 0 ? {} : { virtio: devices.devices }),
        serial,
      };
      machine =
        engine === 'para'
          ? createParaMachine(board)
          : createEngineMachine({ engine, ...board, ...(policy === undefined ? {} : { policy }) });
      if (snapshot !== undefined) machine.restore(snapshot);
      else machine.loadImage(bytes as Uint8Array);
    } catch (error) {
      devices.close();
      if (error instanceof MachineError) {
        const what = restorePath === undefined ? `load '${file}'` : `restore '${restorePath}'`;
        throw new UsageError('BAD_INPUT', `cannot ${what}: ${error.message}`, NAME);
      }
      throw invalidElf(file as string, error, NAME);
    }

    const breakpoints = parseBreakpoints(args.values.get('break'), bytes);
    for (const breakpoint of breakpoints) machine.breakpoints.add(breakpoint.address);
    if (savePath !== undefined) await checkWritable(io, savePath);

    /** A message of ours on the console, on a line of its own. */
    const notice = (text: string) => {
      io.stderr(`${atLineStart ? '' : '\n'}${text}\n`);
      atLineStart = true;
    };
    let saving: Promise<void> = Promise.resolve();
    /** Writes --save-snapshot FILE (after any write in progress). */
    const saveSnapshot = (): Promise<void> => {
      if (savePath === undefined) return saving;
      const data = new TextEncoder().encode(JSON.stringify(machine.snapshot()));
      // A failed earlier write (Ctrl-A S) was reported then; this one is tried anew.
      saving = saving.catch(() => {}).then(() => io.writeFile(savePath, data));
      return saving;
    };
    const host = new HostConsole(io, {
      // With a virtio-console, the keyboard is its input (the UART then gets none).
      input: (bytes) => (devices.console ? virtioConsole : serial).receive(bytes),
      command: (command) => {
        switch (command) {
          case 'help':
            notice(ESCAPE_HELP.join('\n'));
            break;
          case 'timestamps':
            stamps.toggle();
            break;
          case 'break':
            machine.uart.sendBreak();
            break;
          case 'monitor':
            notice(`trapeze ${NAME}: no monitor here (QEMU's Ctrl-A C); ${machineStatus(machine)}`);
            break;
          case 'save':
            if (savePath === undefined) {
              notice(`trapeze ${NAME}: no --save-snapshot FILE to write (Ctrl-A S)`);
              break;
            }
            saveSnapshot().then(
              () => notice(`trapeze ${NAME}: snapshot written to '${savePath}'`),
              (error) =>
                notice(
                  `trapeze ${NAME}: error: cannot write '${savePath}': ${describeFileError(error)}`,
                ),
            );
            break;
        }
      },
    });
    wakeHost = () => host.interrupt();
    const sleep = icount.sleep ?? host.interactive;
    machine.idleMode = 'stop';
    const trace = traceLength === undefined ? undefined : new Trace(traceLength);
    const started = performance.now();
    try {
      // Inside the try: if attaching fails half-way (raw mode set, stdin refused), the finally
      // below still restores the terminal and removes the signal handlers.
      host.attach();
      let exit: RunStop;
      try {
        exit = await runMachine({
          machine,
          budget,
          trace,
          host,
          sleep,
          network: devices.networkOpen,
          output: () => {
            serial.flush();
            virtioConsole.flush();
            return outputLength;
          },
        });
      } finally {
        host.releaseTerminal();
        serial.flush();
        virtioConsole.flush();
        devices.close();
        for (const d of [decoder, consoleDecoder]) {
          const rest = d.decode();
          if (rest !== '') guestOutput(rest);
        }
      }
      const wallMs = performance.now() - started;

      let status: number;
      switch (exit.kind) {
        case 'pass':
          status = 0;
          break;
        case 'fail':
          status = exit.code === 0 ? 1 : Math.min(Math.max(exit.code, 1), 255);
          notice(`trapeze ${NAME}: the guest failed with code ${exit.code}`);
          break;
        case 'reset':
          status = EXIT_RESET;
          notice(`trapeze ${NAME}: guest requested a reset (not supported yet)`);
          break;
        case 'budget':
          status = EXIT_BUDGET;
          notice(`trapeze ${NAME}: stopped: instruction budget of ${budget} reached`);
          break;
        case 'breakpoint':
          status = EXIT_BREAKPOINT;
          notice(
            `trapeze ${NAME}: stopped at breakpoint ${breakpointName(machine.hart.pc, breakpoints)}`,
          );
          break;
        case 'stuck': {
          status = EXIT_STUCK;
          // The loop traps into the mode the hart is in now: its trap CSRs say why.
          const csr = machine.hart.csr;
          const [x, cause, epc] =
            machine.hart.privilege === 1
              ? ['s', csr.scause, csr.sepc]
              : ['m', csr.mcause, csr.mepc];
          notice(
            `trapeze ${NAME}: stopped: the hart is stuck in a trap loop (${x}cause 0x${hex(
              cause,
              8,
            )}, ${x}epc 0x${hex(epc, 8)}, pc 0x${hex(machine.hart.pc, 8)})`,
          );
          break;
        }
        case 'idle':
          status = EXIT_IDLE;
          notice(
            exit.quietNs === undefined
              ? `trapeze ${NAME}: stopped: the hart waits (wfi) with no interrupt that could wake it, ` +
                  `at pc 0x${hex(machine.hart.pc, 8)}`
              : `trapeze ${NAME}: stopped: input has ended and the guest has waited (wfi) for ` +
                  `${QUIET_AFTER_INPUT_NS / 1e9} s of virtual time without output, at pc 0x${hex(machine.hart.pc, 8)}`,
          );
          break;
        case 'quit':
          status = 0;
          notice(`trapeze ${NAME}: terminated (Ctrl-A X)`);
          break;
        case 'signal':
          status = 128 + exit.code;
          notice(`trapeze ${NAME}: stopped by ${exit.signal}`);
          break;
      }

      if (trace !== undefined) {
        io.stderr(`Last ${traceLength} instructions executed (traps marked):\n`);
        const lines = trace.lines();
        if (lines.length > 0) io.stderr(`${lines.join('\n')}\n`);
      }
      if (args.flags.has('stats')) {
        const ns = machine.clock.ns;
        const mips = wallMs > 0 ? exit.instructions / (wallMs * 1000) : 0;
        const blocks = machine.core.statistics().blocksTranslated;
        io.stderr(
          [
            `instructions: ${exit.instructions}`,
            `virtual time: ${ns} ns (${machine.clock.ticks()} mtime ticks)`,
            `wall time:    ${(wallMs / 1000).toFixed(3)} s`,
            `speed:        ${mips.toFixed(2)} MIPS`,
            `core:         ${core}${core === 'translator' ? ` (${blocks} blocks translated)` : ''}`,
            `engine:       ${engine}`,
            ...exitLines(exitsOf(machine), machine),
            ...virtioLines(machine),
            '',
          ].join('\n'),
        );
      }
      if (savePath !== undefined) {
        try {
          await saveSnapshot();
        } catch (error) {
          throw new CommandFailed([
            `trapeze ${NAME}: error: cannot write '${savePath}': ${describeFileError(error)}`,
          ]);
        }
      }
      if (json) {
        const exits = exitsOf(machine);
        const core = machine.core;
        const state =
          exits === undefined
            ? guestState(machine, exit)
            : {
                ...guestState(machine, exit),
                exits,
                ...(core instanceof TranslateCore
                  ? { translation: { ...core.statistics(), callSites: core.adaptations() } }
                  : {}),
              };
        const virtio = machine.virtio.map(({ slot, transport }) => ({
          slot,
          kind: transport.device.kind,
          ...transport.statistics(),
        }));
        const withDevices = virtio.length === 0 ? state : { ...state, virtio };
        io.stdout(`${JSON.stringify(withDevices, null, 2)}\n`);
      }
      return status;
    } finally {
      host.close();
    }
  },
};
