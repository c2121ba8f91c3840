/**
 * The bare engine: the `virt` board of `@trapeze/machine` (no hypervisor) on one of the cores
 * of `@trapeze/cpu` — the interpreter or the translator — behind the contract's {@link Engine}
 * interface: the reference every engine is compared with.
 *
 * @module
 */

import { CORE_KINDS, type Core, type CoreKind, type CoreOptions } from '@trapeze/cpu';
import { BufferBackend } from '@trapeze/devices';
import {
  DEFAULT_CORE,
  MachineError,
  type RunExit as MachineRunExit,
  type MachineSnapshot,
  VirtMachine,
} from '@trapeze/machine';
import type {
  Capabilities,
  Engine,
  EngineStats,
  GuestImage,
  GuestState,
  Privilege,
  ProgramRunner,
  RunExit,
  Vm,
  VmOptions,
} from '../contract.js';
import { CONTRACT_VERSION, COUNTER_CSRS, GUEST_CSRS } from '../contract.js';
import { rangeProblem } from '../errors.js';
import { checkBudget, EngineError } from './errors.js';
import { fnv1a32 } from './fnv.js';
import { programRunnerFor } from './in-process-runner.js';

/**
 * Writable bits of the bare machine's WARL CSRs (write all ones, read back; checked by
 * test/engines.test.ts).
 */
export const BARE_WARL_MASKS: Readonly<Record<string, number>> = {
  sstatus: 0x000c_0122,
  sie: 0x0000_0222,
  sip: 0x0000_0002,
  satp: 0xffff_ffff,
  sepc: 0xffff_fffe,
  senvcfg: 0x0000_0001,
  scounteren: 0xffff_ffff,
  mstatus: 0x007e_19aa,
  medeleg: 0x0000_b3ff,
  mideleg: 0x0000_0222,
  mie: 0x0000_0aaa,
  mip: 0x0000_0222,
  mepc: 0xffff_fffe,
  menvcfg: 0x0000_0001,
  menvcfgh: 0,
  mstatush: 0,
  mcounteren: 0xffff_ffff,
  mcountinhibit: 0xffff_fffd,
  pmpcfg0: 0x9f9f_9f9f,
  pmpcfg1: 0x9f9f_9f9f,
  pmpcfg2: 0x9f9f_9f9f,
  pmpcfg3: 0x9f9f_9f9f,
};

/**
 * Read-only bits of the bare machine's WARL CSRs that follow the spec: `mip`'s MSIP, MTIP and
 * MEIP (the CLINT's and PLIC's lines), `sip`'s STIP and SEIP.
 */
export const BARE_READ_ONLY_MASKS: Readonly<Record<string, number>> = {
  mip: 0x0000_0888,
  sip: 0x0000_0220,
};

/** What the bare machine leaves open and how it fixes it. */
export const BARE_CAPABILITIES: Capabilities = {
  isa: 'rv32imac_zicsr_zifencei',
  modes: ['M', 'S', 'U'],
  sv32: true,
  adBits: 'hardware',
  misalignedLoadStore: 'emulated',
  misalignedAmoCause: 6,
  pmpEntries: 16,
  warlMasks: BARE_WARL_MASKS,
  readOnlyMasks: BARE_READ_ONLY_MASKS,
  counters: 'icount',
  snapshot: true,
  triggers: 2,
};

const PRIVILEGES: Readonly<Record<number, Privilege>> = { 0: 'U', 1: 'S', 3: 'M' };
const DUMP_CSRS = [...Object.entries(GUEST_CSRS), ...Object.entries(COUNTER_CSRS)];

/** The guest state of a `virt` machine (contract section 4); instret counts from `retiredAtLoad`. */
export function machineGuestState(machine: VirtMachine, retiredAtLoad: number): GuestState {
  const hart = machine.hart;
  const x: number[] = [];
  for (let i = 1; i < 32; i++) x.push((hart.x[i] as number) >>> 0);
  const csrs: Record<string, number> = {};
  for (const [name, number] of DUMP_CSRS) {
    const value = hart.csr.readRaw(number);
    if (value !== undefined) csrs[name] = value >>> 0;
  }
  return {
    pc: hart.pc >>> 0,
    x,
    privilege: PRIVILEGES[hart.privilege] ?? 'M',
    csrs,
    instret: hart.retired - retiredAtLoad,
  };
}

/**
 * Guest-physical RAM bytes of a `virt` machine (`undefined` outside RAM).
 *
 * @throws {@link EngineError} `BAD_USE` when `address` is not a 32-bit address (signed or
 * unsigned) or `length` not a non-negative safe integer.
 */
export function machineReadMemory(
  machine: VirtMachine,
  address: number,
  length: number,
): Uint8Array | undefined {
  checkAddress(address, 'readMemory: address');
  const problem = rangeProblem(length, 0, Number.MAX_SAFE_INTEGER);
  if (problem !== undefined)
    throw new EngineError('BAD_USE', `bare VM: readMemory: length ${problem}`);
  const a = address >>> 0;
  return machine.ram.contains(a, length) ? machine.ram.readBytes(a, length) : undefined;
}

/** FNV-1a 32 digest of a page of a `virt` machine's RAM (`undefined` outside RAM or unaligned). */
export function machinePageDigest(machine: VirtMachine, address: number): number | undefined {
  checkAddress(address, 'pageDigest: address');
  if (address % 4096 !== 0) return undefined;
  const bytes = machineReadMemory(machine, address, 4096);
  return bytes === undefined ? undefined : fnv1a32(bytes);
}

function checkAddress(address: number, what: string): void {
  const problem = rangeProblem(address, -0x8000_0000, 0xffff_ffff);
  if (problem !== undefined) throw new EngineError('BAD_USE', `bare VM: ${what} ${problem}`);
}

/** Why the `virt` board's run loop stops, as the contract's exit (section 3). */
export function contractExit(exit: MachineRunExit): RunExit {
  const { instructions } = exit;
  switch (exit.kind) {
    case 'pass':
      return { kind: 'halt', code: 0, instructions };
    case 'fail':
      return { kind: 'halt', code: exit.code, instructions };
    case 'budget':
    case 'breakpoint':
      return { kind: exit.kind, code: 0, instructions };
    case 'reset':
      return error('reset: the guest wrote the finisher reset command (0x7777)');
    case 'idle':
      return error('idle: the hart waits (wfi) with nothing that could wake it');
    case 'stuck':
      return error('stuck: a trap loop (1,000 traps without a retired instruction)');
  }
  function error(message: string): RunExit {
    return { kind: 'error', code: 0, instructions, message };
  }
}

/** A bare VM's snapshot ({@link Vm.snapshot}). */
export interface BareSnapshot {
  readonly machine: MachineSnapshot;
  readonly retiredAtLoad: number;
  /** Console bytes so far, base64. */
  readonly console: string;
  readonly halted: RunExit | null;
}

/** One VM of the bare engine: a fresh `virt` board per `load`. */
class BareVm implements Vm {
  private machine: VirtMachine | undefined;
  private serial = new BufferBackend();
  private retiredAtLoad = 0;
  private halted: RunExit | undefined;
  /** Console bytes written before the snapshot this VM was restored from. */
  private consoleBefore = new Uint8Array(0);

  constructor(
    private readonly options: VmOptions,
    private readonly core: CoreKind | ((options: CoreOptions) => Core),
    private readonly exitsOf?: BoardEngineOptions['exits'],
  ) {}

  /** A fresh board with this VM's options and core, its UART on `serial`. */
  private createMachine(serial: BufferBackend): VirtMachine {
    return new VirtMachine({
      serial,
      core: this.core,
      ...(this.options.ramSize === undefined ? {} : { ramSize: this.options.ramSize }),
      ...(this.options.bootargs === undefined ? {} : { bootargs: this.options.bootargs }),
    });
  }

  private get m(): VirtMachine {
    if (this.machine === undefined)
      throw new EngineError('BAD_USE', 'bare VM: load an image before running or inspecting it');
    return this.machine;
  }

  load(image: GuestImage): void {
    if (image.entryPrivilege !== 'M')
      throw new EngineError(
        'BAD_IMAGE',
        `bare VM: contract v1 images start in M-mode, not ${image.entryPrivilege}`,
      );
    const serial = new BufferBackend();
    const machine = this.createMachine(serial);
    try {
      machine.loadSegments(image.segments, image.entry);
    } catch (error) {
      if (error instanceof MachineError)
        throw new EngineError('BAD_IMAGE', `bare VM: ${error.message}`);
      throw error;
    }
    this.machine = machine;
    this.serial = serial;
    this.consoleBefore = new Uint8Array(0);
    this.retiredAtLoad = machine.hart.retired;
    this.halted = undefined;
  }

  run(budget: number): RunExit {
    const m = this.m;
    checkBudget(budget, 'bare VM: budget');
    if (this.halted !== undefined) return { ...this.halted, instructions: 0 };
    const exit = contractExit(m.run(budget));
    if (exit.kind === 'halt' || exit.kind === 'error') this.halted = exit;
    return exit;
  }

  state(): GuestState {
    return machineGuestState(this.m, this.retiredAtLoad);
  }

  readMemory(address: number, length: number): Uint8Array | undefined {
    return machineReadMemory(this.m, address, length);
  }

  pageDigest(address: number): number | undefined {
    return machinePageDigest(this.m, address);
  }

  console(): Uint8Array {
    const since = this.serial.bytes();
    if (this.consoleBefore.length === 0) return since;
    const all = new Uint8Array(this.consoleBefore.length + since.length);
    all.set(this.consoleBefore);
    all.set(since, this.consoleBefore.length);
    return all;
  }

  /**
   * The VM as plain JSON-serializable data: the machine's snapshot (`VirtMachine.snapshot`),
   * the console so far, where instret counts from, and the final exit if the guest stopped.
   */
  snapshot(): BareSnapshot {
    return {
      machine: this.m.snapshot(),
      retiredAtLoad: this.retiredAtLoad,
      console: Buffer.from(this.console()).toString('base64'),
      halted: this.halted ?? null,
    };
  }

  /**
   * Restores a {@link BareVm.snapshot} of a VM with the same options (RAM size).
   *
   * @throws {@link EngineError} `BAD_SNAPSHOT` saying what is wrong; the VM is unchanged then.
   */
  restore(snapshot: unknown): void {
    const bad = (reason: string) => new EngineError('BAD_SNAPSHOT', `bare VM: ${reason}`);
    if (typeof snapshot !== 'object' || snapshot === null)
      throw bad('a snapshot must be an object');
    const s = snapshot as Partial<Record<keyof BareSnapshot, unknown>>;
    if (
      typeof s.retiredAtLoad !== 'number' ||
      !Number.isSafeInteger(s.retiredAtLoad) ||
      s.retiredAtLoad < 0
    )
      throw bad('snapshot field retiredAtLoad must be a non-negative integer');
    if (
      typeof s.console !== 'string' ||
      s.console.length % 4 !== 0 ||
      !/^[A-Za-z0-9+/]*={0,2}$/.test(s.console)
    )
      throw bad('snapshot field console must be base64');
    const halted = s.halted as Partial<RunExit> | null | undefined;
    if (
      halted !== null &&
      !(
        typeof halted === 'object' &&
        halted !== undefined &&
        (halted.kind === 'halt' || halted.kind === 'error') &&
        Number.isSafeInteger(halted.code) &&
        Number.isSafeInteger(halted.instructions) &&
        (halted.message === undefined || typeof halted.message === 'string')
      )
    )
      throw bad('snapshot field halted must be null or a halt or error exit');
    const serial = new BufferBackend();
    const machine = this.createMachine(serial);
    try {
      machine.restore(s.machine);
    } catch (error) {
      if (error instanceof MachineError) throw bad(error.message);
      throw error;
    }
    if (s.retiredAtLoad > machine.hart.retired)
      throw bad('snapshot field retiredAtLoad is past the instructions the hart retired');
    this.machine = machine;
    this.serial = serial;
    this.consoleBefore = new Uint8Array(Buffer.from(s.console, 'base64'));
    this.retiredAtLoad = s.retiredAtLoad;
    this.halted = halted === null ? undefined : { ...(halted as RunExit) };
  }

  /**
   * No hypervisor: every instruction is direct. `blocksTranslated` counts the translator's
   * blocks since `load` (or `restore`); the interpreter translates none.
   */
  stats(): EngineStats {
    const m = this.machine;
    const instructions = m === undefined ? 0 : m.hart.retired - this.retiredAtLoad;
    const blocksTranslated = m === undefined ? 0 : m.core.statistics().blocksTranslated;
    const hypervisor = m === undefined ? undefined : this.exitsOf?.(m.core);
    if (hypervisor !== undefined)
      return {
        exits: hypervisor.exits,
        direct: hypervisor.direct,
        instructions,
        blocksTranslated,
        hypercalls: hypervisor.hypercalls ?? {},
      };
    return { exits: {}, direct: instructions, instructions, blocksTranslated, hypercalls: {} };
  }
}

/** Options of {@link bareEngine}. */
export interface BareEngineOptions {
  /**
   * The core the `virt` board runs on (`@trapeze/cpu`'s `CORE_KINDS`): `'interpreter'`, the
   * reference hart one instruction at a time (the oracle), or `'translator'`, guest blocks
   * compiled to JavaScript. Default: the machine's `DEFAULT_CORE` (the translator).
   */
  readonly core?: CoreKind;
}

/** The bare engine: an {@link Engine} and a {@link ProgramRunner}, on one core. */
export interface BareEngine extends Engine, ProgramRunner {
  /** `bare/interpreter` or `bare/translator`: the engine and its core. */
  readonly name: string;
  /** The core its VMs run on. */
  readonly core: CoreKind;
}

/**
 * The bare engine: the reference machine in-process, on the core `options.core` (default the
 * translator), named after it (`bare/translator`). It is both an {@link Engine} (VMs you step
 * through sync points) and a {@link ProgramRunner} (whole harness programs). The two cores
 * give the same run instruction for instruction; comparing `bareEngine({ core: 'translator' })`
 * with `bareEngine({ core: 'interpreter' })` at every sync point checks that they do.
 *
 * @throws {@link EngineError} `BAD_OPTION` for a core that is not one of `CORE_KINDS`.
 *
 * @example
 * ```ts
 * import { bareEngine, buildProgram } from '@trapeze/conformance';
 *
 * const image = buildProgram({ setup: '', body: 'li a0, 0x1234; sw a0, 8(s11)' });
 * const bare = bareEngine();
 *
 * // A whole program: run to its end, parse the state dump it printed on the console.
 * const outcome = await bare.runProgram(image, 10_000_000);
 * outcome.exit; // → { kind: 'halt', code: 0 }
 * outcome.dump?.x[9]; // → 0x1234
 *
 * // A VM, stopped at sync points.
 * const vm = bare.createVm();
 * vm.load(image);
 * vm.run(10); // → { kind: 'budget', code: 0, instructions: 10 }
 * vm.state().instret; // → 10
 * vm.run(10_000_000).kind; // → 'halt'
 * new TextDecoder().decode(vm.console()).split('\n')[0]; // → 'TRAPEZE-STATE 1'
 *
 * // The same machine on the interpreter: another name, the same states.
 * const oracle = bareEngine({ core: 'interpreter' });
 * [bare.name, oracle.name]; // → ['bare/translator', 'bare/interpreter']
 * (await oracle.runProgram(image, 10_000_000)).dump?.x[9]; // → 0x1234
 * ```
 */
export function bareEngine(options: BareEngineOptions = {}): BareEngine {
  const core = checkCore(options?.core === undefined ? DEFAULT_CORE : options.core, 'bareEngine');
  const engine: Engine = {
    name: `bare/${core}`,
    contractVersion: CONTRACT_VERSION,
    capabilities: BARE_CAPABILITIES,
    createVm: (vmOptions: VmOptions = {}) => new BareVm(vmOptions, core),
  };
  return { ...engine, core, runProgram: programRunnerFor(engine).runProgram };
}

/** Options of {@link boardEngine}. */
export interface BoardEngineOptions {
  /** The engine's name in reports (`direct/translator`, say). */
  readonly name: string;
  /**
   * Makes the core each VM's board runs on, from the board's memory system and CSRs (as
   * `VirtMachine`'s `core` option): a hypervisor's core, for instance, whose guest is the board.
   */
  readonly core: (options: CoreOptions) => Core;
  /**
   * The core's exits by reason and the instructions it ran without intervention since it was
   * made (a VM's core is made at each `load`): what {@link Vm.stats} reports. Without it, no
   * exits and every instruction direct.
   */
  readonly exits?: (core: Core) => {
    readonly exits: Readonly<Record<string, number>>;
    readonly direct: number;
    /** Hypercalls by call (a paravirtual engine's), for {@link EngineStats.hypercalls}. */
    readonly hypercalls?: Readonly<Record<string, number>>;
  };
  /**
   * What differs from {@link BARE_CAPABILITIES} for the guests this engine runs: a
   * paravirtual engine's guest kernel starts in S-mode (`modes`), and an engine whose state a
   * board snapshot does not hold has `snapshot: false` (its VMs then have no `snapshot`).
   */
  readonly capabilities?: Partial<Capabilities>;
}

/**
 * An engine that is the `virt` board on a core of the caller's making: how an engine built as
 * a `@trapeze/cpu` core (a hypervisor that gives the board its virtual CPU) is put under the
 * suite without this package knowing it. The guest sees the bare machine, so the capabilities
 * are {@link BARE_CAPABILITIES}; snapshots are the board's.
 *
 * @throws {@link EngineError} `BAD_OPTION` for a name that is not a non-empty string or a core
 * that is not a function.
 */
export function boardEngine(options: BoardEngineOptions): Engine & ProgramRunner {
  const { name, core, exits, capabilities } = options ?? ({} as BoardEngineOptions);
  if (typeof name !== 'string' || name === '')
    throw new EngineError('BAD_OPTION', 'boardEngine: name must be a non-empty string');
  if (typeof core !== 'function')
    throw new EngineError('BAD_OPTION', 'boardEngine: core must be a function that makes a core');
  const declared: Capabilities = { ...BARE_CAPABILITIES, ...capabilities };
  const engine: Engine = {
    name,
    contractVersion: CONTRACT_VERSION,
    capabilities: declared,
    createVm: (vmOptions: VmOptions = {}) => {
      const vm = new BareVm(vmOptions, core, exits);
      // Without snapshots the VM offers none (the methods are optional in the contract).
      return declared.snapshot
        ? vm
        : Object.assign(vm, { snapshot: undefined, restore: undefined });
    },
  };
  return { ...engine, runProgram: programRunnerFor(engine).runProgram };
}

/**
 * `core` when it is one of `CORE_KINDS`.
 *
 * @throws {@link EngineError} `BAD_OPTION` naming `what`, the cores and the value.
 * @internal
 */
export function checkCore(core: unknown, what: string): CoreKind {
  if (typeof core === 'string' && (CORE_KINDS as readonly string[]).includes(core))
    return core as CoreKind;
  const shown =
    typeof core === 'string'
      ? JSON.stringify(core.slice(0, 40))
      : typeof core === 'object' && core !== null
        ? 'an object'
        : typeof core === 'function'
          ? 'a function'
          : String(core);
  throw new EngineError(
    'BAD_OPTION',
    `${what}: core must be one of ${CORE_KINDS.map((k) => `'${k}'`).join(', ')}, got ${shown}`,
  );
}
