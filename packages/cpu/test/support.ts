/**
 * Test support: a core on a small board (RAM, bus, PMP, MMU, a probe device and a tiny CSR stub),
 * and a pair of cores — interpreter and translator — loaded with the same program and compared
 * after every run.
 */
import {
  ACCESS_LOAD,
  ACCESS_STORE,
  type AssembleResult,
  assemble,
  MIP_MTIP,
  type PrivilegeLevel,
} from '@trapeze/isa';
import * as mmuModule from '@trapeze/mmu';
import { Bus, type MmioDevice, Mmu, Pmp, type Ram } from '@trapeze/mmu';
import { expect } from 'vitest';
import {
  CORE_EXIT_NAMES,
  type Core,
  type CoreExit,
  type CoreKind,
  type CoreOptions,
  EXIT_BUDGET,
  EXIT_DEVICE,
} from '../src/core.js';
import { createCore } from '../src/create-core.js';
import { TLB_ENTRIES } from '../src/translator/block-compiler.js';
import {
  type HostCode,
  TranslatorCore,
  type TranslatorOptions,
} from '../src/translator/translator-core.js';
import { createCoreRam } from '../src/translator/wasm-state.js';

export const RAM_BASE = 0x8000_0000;
export const RAM_SIZE = 0x2_0000;
/** Where the probe device ({@link Probe}) sits. */
export const PROBE_BASE = 0x1000_0000;

/** Counter CSRs the stub serves (user and machine, low halves; high halves read 0). */
const CYCLE = 0xc00;
const INSTRET = 0xc02;
const MCYCLE = 0xb00;
const MINSTRET = 0xb02;

/** The instruction count a core's virtual time is (QEMU icount: retired + counted traps). */
export function icount(core: Core): number {
  return core.hart.retired + core.hart.countedTraps;
}

/**
 * A probe device: every access is logged with the virtual time it saw. Reading offset 0 gives
 * that time, other offsets a value mixing offset and time. Writing offset 0 lowers the timer
 * interrupt line (an acknowledgement), writing offset 8 raises it.
 */
export class Probe implements MmioDevice {
  readonly name = 'probe';
  readonly size = 0x1000;
  readonly log: string[] = [];
  core: Core | undefined;

  read(offset: number, size: 1 | 2 | 4): number {
    const time = icount(this.core as Core);
    this.log.push(`r${size}@${offset.toString(16)} t=${time}`);
    const value = offset === 0 ? time : (Math.imul(offset + 1, 0x9e3779b1) ^ time) >>> 0;
    return size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const core = this.core as Core;
    this.log.push(
      `w${size}@${offset.toString(16)}=${(value >>> 0).toString(16)} t=${icount(core)}`,
    );
    if (offset === 0) core.setInterruptLine(MIP_MTIP, false);
    if (offset === 8) core.setInterruptLine(MIP_MTIP, true);
  }
}

/** A core and the board it runs on. */
export interface Rig {
  readonly core: Core;
  readonly ram: Ram;
  readonly bus: Bus;
  readonly pmp: Pmp;
  readonly mmu: Mmu;
  readonly probe: Probe;
}

/** RAM, bus and probe: what {@link release} keeps for the next rig (property tests make many). */
interface Board {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly probe: Probe;
}

const spareBoards: Board[] = [];

function newBoard(): Board {
  const ram = createCoreRam(RAM_BASE, RAM_SIZE);
  const bus = new Bus();
  bus.mapRam(ram);
  const probe = new Probe();
  bus.mapDevice(PROBE_BASE, probe);
  return { ram, bus, probe };
}

/**
 * Gives the rig's RAM, bus and probe back for the next {@link makeRig} (zeroed then); the rig
 * must not be used again.
 */
export function release(rig: Rig): void {
  if (spareBoards.length >= 8) return;
  rig.ram.onCodeWrite = undefined;
  rig.ram.codePages.fill(0);
  rig.ram.u8.fill(0);
  rig.probe.log.length = 0;
  rig.probe.core = undefined;
  spareBoards.push({ ram: rig.ram, bus: rig.bus, probe: rig.probe });
}

/** Makes a core from the board's options (for planted-fault subclasses). */
export type CoreFactory = (options: CoreOptions & TranslatorOptions) => Core;

export interface RigOptions {
  /**
   * Whether {@link Pair} checks the translator's TLB at every stop (default true). Off for
   * guests that rewrite page-table entries: between the write and its SFENCE.VMA either
   * mapping is right, and the check cannot tell which one the TLB may hold.
   */
  readonly checkTlb?: boolean;
  /** The translator's cache limit. */
  readonly cacheLimit?: number;
  /** Builds the core instead of `createCore(kind, …)`. */
  readonly make?: CoreFactory;
  /** The translator's host code (default: {@link useHostCode}'s). */
  readonly hostCode?: HostCode;
  /** The translator's `batchInstructions` (default 64). */
  readonly batchInstructions?: number;
}

let defaultHostCode: HostCode = 'webassembly';

/**
 * The host code the translator rigs made from now on emit: translator tests run once per host
 * code (`describe.each(HOST_CODES)` with this in a `beforeAll`).
 */
export function useHostCode(hostCode: HostCode): void {
  defaultHostCode = hostCode;
}

/** Every host code a translator core can emit. */
export const HOST_CODES: readonly HostCode[] = ['webassembly', 'javascript'];

/**
 * A core of `kind` on 128 KiB of RAM at 0x80000000, a probe at 0x10000000, 16 PMP entries, an
 * Sv32 MMU, and CSRs outside the hart: `cycle`/`mcycle` read the virtual time, `instret`/
 * `minstret` the retired count (writes ignored), the PMP CSRs reach the PMP.
 */
export function makeRig(kind: CoreKind, options: RigOptions = {}): Rig {
  const { ram, bus, probe } = spareBoards.pop() ?? newBoard();
  const pmp = new Pmp();
  const mmu = new Mmu(bus, pmp);
  let core: Core | undefined;
  const csrs = {
    read(csr: number): number | undefined {
      const hart = (core as Core).hart;
      if (csr === CYCLE || csr === MCYCLE) return (hart.retired + hart.countedTraps) >>> 0;
      if (csr === INSTRET || csr === MINSTRET) return hart.retired >>> 0;
      if (csr === CYCLE + 0x80 || csr === MCYCLE + 0x80) return 0;
      if (csr === INSTRET + 0x80 || csr === MINSTRET + 0x80) return 0;
      return Pmp.isPmpCsr(csr) ? pmp.readCsr(csr) : undefined;
    },
    write(csr: number, value: number): boolean {
      if (csr === MCYCLE || csr === MINSTRET || csr === MCYCLE + 0x80 || csr === MINSTRET + 0x80)
        return true;
      if (Pmp.isPmpCsr(csr)) {
        pmp.writeCsr(csr, value);
        return true;
      }
      return false;
    },
  };
  const coreOptions: CoreOptions & TranslatorOptions = {
    bus,
    mmu,
    pmp,
    ram,
    csrs,
    ...(options.cacheLimit === undefined ? {} : { cacheLimit: options.cacheLimit }),
    hostCode: options.hostCode ?? defaultHostCode,
    // Short test programs: WebAssembly batches compiled soon, so that hot code runs translated.
    batchInstructions: options.batchInstructions ?? 64,
  };
  core = options.make ? options.make(coreOptions) : createCore(kind, coreOptions);
  probe.core = core;
  return { core, ram, bus, pmp, mmu, probe };
}

/** Assembles `source` with `.text` at `textAddress` (default: the start of RAM). */
export function asm(source: string, textAddress = RAM_BASE): AssembleResult {
  return assemble(source, { textAddress });
}

/** The address of `name` in `program`. */
export function symbol(program: AssembleResult, name: string): number {
  const found = program.symbols.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no symbol ${name}`);
  return found.value >>> 0;
}

/** Copies the sections of `program` into RAM and starts the hart at its entry. */
export function load(rig: Rig, program: AssembleResult): void {
  for (const section of program.sections)
    if (!section.nobits) rig.ram.loadBytes(section.address, section.bytes);
  rig.core.hart.pc = program.entry >>> 0;
}

/** A core of `kind` running `source` (assembled at the start of RAM). */
export function boot(kind: CoreKind, source: string, options: RigOptions = {}) {
  const rig = makeRig(kind, options);
  const program = asm(source);
  load(rig, program);
  return { ...rig, program, at: (name: string) => symbol(program, name) };
}

/** The 32-bit encoding of one instruction (never compressed). */
export function encoding(text: string): number {
  const bytes = assemble(`.option norvc\n${text}`).sections[0]?.bytes as Uint8Array;
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
}

/** Page-table entry of `paddr` with flags. */
export function pte(paddr: number, flags: number): number {
  return (((paddr >>> 12) << 10) | flags) >>> 0;
}

export const PTE_POINTER = 0x01;
export const PTE_RX = 0x4b; // V R X A
export const PTE_RW = 0xc7; // V R W A D
export const PTE_RWX = 0xcf; // V R W X A D

/** M-mode code that lets every mode access all memory (PMP entry 0: NAPOT, RWX, the whole space). */
export const PMP_ALL = `
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0`;

/** M-mode code that enters S-mode at `label` (MPP = S, then MRET). */
export function enterS(label: string): string {
  return `
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800
      csrs mstatus, t0
      la t0, ${label}
      csrw mepc, t0
      mret`;
}

/**
 * An Sv32 machine: M-mode sets PMP (all), `satp` (root at 0x80010000) and drops to S-mode at
 * `s_main`. RAM is identity-mapped by a megapage; virtual 0x40000000 maps to page A
 * (0x80012000, code `a`) — page B (0x80013000) holds code `b` — and virtual 0x50000000 and
 * 0x50001000 map to data pages X (0x80014000) and Y (0x80016000), not adjacent: the page after
 * X holds the page table of 0x50000000.
 */
export function sv32(main: string, a: string, b: string, data = ''): string {
  return `
      .option norvc
    _start:
      ${PMP_ALL}
      la t0, m_trap
      csrw mtvec, t0
      li t0, 0x80080010
      csrw satp, t0
      ${enterS('s_main')}
      .align 2
    m_trap:
      j m_trap
    s_main:
      ${main}
      .org 0x10000
      .org 0x10000 + 0x100 * 4
      .word ${pte(0x8001_1000, PTE_POINTER)}
      .org 0x10000 + 0x140 * 4
      .word ${pte(0x8001_5000, PTE_POINTER)}
      .org 0x10000 + 0x200 * 4
      .word ${pte(0x8000_0000, PTE_RWX)}
      .org 0x11000
    l0_code:
      .word ${pte(0x8001_2000, PTE_RX)}
      .org 0x12000
      ${a}
      .org 0x13000
      ${b}
      .org 0x14000
      ${data}
      .org 0x15000
    l0_data:
      .word ${pte(0x8001_4000, PTE_RW)}
      .word ${pte(0x8001_6000, PTE_RW)}
      .org 0x17000
  `;
}

/** Everything guest-visible (and a few counters) of a rig, as plain data. */
export function stateOf(rig: Rig) {
  const hart = rig.core.hart;
  return {
    pc: hart.pc >>> 0,
    x: Array.from(hart.x),
    privilege: hart.privilege,
    reservation: hart.reservation,
    waiting: hart.waiting,
    retired: hart.retired,
    countedTraps: hart.countedTraps,
    traps: hart.traps,
    trapStreak: hart.trapStreak,
    pendingCause: hart.pendingCause,
    // The trap value of an intercepted trap (stale, and not guest state, once it is gone).
    pendingTval: hart.pendingCause >= 0 ? hart.pendingTval : 0,
    csr: hart.csr.snapshot(),
  };
}

/** The first difference between two rigs' states, RAM and device logs, or undefined. */
export function difference(a: Rig, b: Rig): string | undefined {
  const ha = a.core.hart;
  const hb = b.core.hart;
  const xa = ha.x;
  const xb = hb.x;
  for (let r = 1; r < 32; r++)
    if (xa[r] !== xb[r]) return `x${r}: ${a.core.kind} ${xa[r]} ≠ ${b.core.kind} ${xb[r]}`;
  const sa = stateOf(a);
  const sb = stateOf(b);
  for (const key of Object.keys(sa) as (keyof typeof sa)[]) {
    if (key === 'x' || key === 'csr') continue;
    if (sa[key] !== sb[key]) return `${key}: ${a.core.kind} ${sa[key]} ≠ ${b.core.kind} ${sb[key]}`;
  }
  const ca = sa.csr as unknown as Record<string, unknown>;
  const cb = sb.csr as unknown as Record<string, unknown>;
  for (const key of Object.keys(ca)) {
    const va = key === 'triggers' ? JSON.stringify(ca[key]) : ca[key];
    const vb = key === 'triggers' ? JSON.stringify(cb[key]) : cb[key];
    if (va !== vb) return `${key}: ${a.core.kind} ${va} ≠ ${b.core.kind} ${vb}`;
  }
  const ua = a.ram.u8;
  const ub = b.ram.u8;
  if (Buffer.compare(ua, ub) !== 0) {
    const at = ua.findIndex((v, i) => v !== ub[i]);
    return `RAM at 0x${(RAM_BASE + at).toString(16)}: ${a.core.kind} ${ua[at]} ≠ ${b.core.kind} ${ub[at]}`;
  }
  const la = a.probe.log;
  const lb = b.probe.log;
  if (la.length !== lb.length || la.some((entry, i) => entry !== lb[i]))
    return `device log: ${a.core.kind} [${la.join('; ')}] ≠ ${b.core.kind} [${lb.join('; ')}]`;
  return undefined;
}

/**
 * `mmu.translate` with isa's numeric access kind and privilege (the MMU's API), or with the
 * names an older `@trapeze/mmu` took (`'read'`, `'S'`…), whichever the MMU built here takes.
 */
function translate(
  mmu: Mmu,
  vaddr: number,
  access: typeof ACCESS_LOAD | typeof ACCESS_STORE,
  privilege: PrivilegeLevel,
  satp: number,
  sum: boolean,
  mxr: boolean,
): number {
  if (!NAMED_CODES) return mmu.translate(vaddr, access, privilege, satp, sum, mxr);
  const named = [access === ACCESS_LOAD ? 'read' : 'write', ['U', 'S', 'S', 'M'][privilege]];
  return mmu.translate(vaddr, named[0] as never, named[1] as never, satp, sum, mxr);
}

const NAMED_CODES = 'CAUSE_LOAD_ACCESS' in mmuModule;

/**
 * The translator's software TLB against the MMU: every load entry must map its page where the
 * MMU does (for the hart's current privilege, `satp` and `mstatus`), every store entry too and
 * never into a page holding translated code. Undefined when it holds, else what is wrong. Call
 * after a `run` that did nothing but resynchronise (`run(hart.retired, …)`).
 */
export function tlbProblem(rig: Rig): string | undefined {
  const core = rig.core;
  if (!(core instanceof TranslatorCore)) return undefined;
  const hart = core.hart;
  const status = hart.csr.mstatus;
  const mprv = (status >>> 17) & 1;
  const privilege = (
    mprv && hart.privilege === 3 ? (status >>> 11) & 3 : hart.privilege
  ) as PrivilegeLevel;
  const sum = (status & (1 << 18)) !== 0;
  const mxr = (status & (1 << 19)) !== 0;
  // Tags may carry a context number in bits 31:20 (`salt`): only the current context's
  // entries can be checked against the MMU; every store entry must avoid code pages.
  const salt = ((core as { salt?: number }).salt ?? 0) | 0;
  const saltMask = (core as { salt?: number }).salt === undefined ? 0 : ~0xfffff;
  for (let e = 0; e < TLB_ENTRIES; e++) {
    for (const [tag, off, access] of [
      [core.rtag, core.roff, ACCESS_LOAD],
      [core.wtag, core.woff, ACCESS_STORE],
    ] as const) {
      const raw = tag[e] as number;
      if (raw === -1) continue;
      const offset = off[e] as number;
      if (access === ACCESS_STORE && rig.ram.codePages[offset >>> 12] !== 0)
        return `store TLB entry ${e} (tag ${raw}) points into a page holding translated code`;
      if ((raw & saltMask) !== (salt & saltMask)) continue;
      const page = (raw & ~saltMask) >>> 0;
      const name = access === ACCESS_LOAD ? 'load' : 'store';
      if ((page & (TLB_ENTRIES - 1)) !== e) return `${name} TLB entry ${e} holds page ${page}`;
      const paddr = translate(rig.mmu, page * 4096, access, privilege, hart.csr.satp, sum, mxr);
      const expected = paddr < 0 ? 'a fault' : (paddr - RAM_BASE).toString(16);
      if (paddr < 0 || paddr - RAM_BASE !== offset)
        return `${name} TLB: virtual page ${page.toString(16)} → RAM offset ${offset.toString(16)}, the MMU says ${expected}`;
    }
  }
  return undefined;
}

/** Two cores, interpreter and translator, on two boards loaded with the same program. */
export class Pair {
  readonly interpreter: Rig;
  readonly translator: Rig;
  readonly program: AssembleResult;
  private readonly checkTlb: boolean;

  constructor(source: string | AssembleResult, options: RigOptions = {}) {
    this.program = typeof source === 'string' ? asm(source) : source;
    this.checkTlb = options.checkTlb ?? true;
    this.interpreter = makeRig('interpreter');
    this.translator = makeRig('translator', options);
    load(this.interpreter, this.program);
    load(this.translator, this.program);
  }

  get rigs(): readonly [Rig, Rig] {
    return [this.interpreter, this.translator];
  }

  /** The address of `name`. */
  at(name: string): number {
    return symbol(this.program, name);
  }

  /** Does `f` to both rigs. */
  both(f: (rig: Rig) => void): void {
    f(this.interpreter);
    f(this.translator);
  }

  /** Runs both cores; the exits must be the same (else throws, saying how they differ). */
  step(limit: number, deadline: number): CoreExit {
    const a = this.interpreter.core.run(limit, deadline);
    const b = this.translator.core.run(limit, deadline);
    if (a !== b)
      throw new Error(
        `exits differ: interpreter ${CORE_EXIT_NAMES[a]} at pc 0x${this.interpreter.core.hart.pc.toString(16)} retired ${this.interpreter.core.hart.retired}, translator ${CORE_EXIT_NAMES[b]} at pc 0x${this.translator.core.hart.pc.toString(16)} retired ${this.translator.core.hart.retired}`,
      );
    return a;
  }

  /** Gives both boards back ({@link release}); the pair must not be used again. */
  release(): void {
    release(this.interpreter);
    release(this.translator);
  }

  /** The first difference between the two (state, RAM, device log), or undefined. */
  difference(): string | undefined {
    return difference(this.interpreter, this.translator);
  }

  /** Runs both and expects the same exit and the same state. */
  run(limit: number, deadline = Number.POSITIVE_INFINITY): CoreExit {
    const exit = this.step(limit, deadline);
    this.expectSame();
    return exit;
  }

  /**
   * Runs both up to `limit` retired (or `deadline`), in runs of the sizes in `steps` (cycled),
   * going on after device exits, comparing after every run. Returns the last exit (budget or
   * deadline, or whatever else stopped it).
   */
  drive(
    limit: number,
    steps: readonly number[] = [Number.POSITIVE_INFINITY],
    deadline = Number.POSITIVE_INFINITY,
  ): CoreExit {
    const hart = this.interpreter.core.hart;
    for (let i = 0; ; i++) {
      const step = steps[i % steps.length] as number;
      const exit = this.run(Math.min(limit, hart.retired + step), deadline);
      if (exit === EXIT_DEVICE) continue;
      if (exit === EXIT_BUDGET && hart.retired < limit) continue;
      return exit;
    }
  }

  /** Expects the same state, RAM and device log, and a consistent software TLB. */
  expectSame(): void {
    expect(this.difference()).toBeUndefined();
    if (!this.checkTlb) return;
    const t = this.translator.core;
    t.run(t.hart.retired, Number.POSITIVE_INFINITY);
    expect(tlbProblem(this.translator)).toBeUndefined();
  }
}
