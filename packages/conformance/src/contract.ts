/**
 * The VM contract, version 1, as TypeScript types (docs/contract.md is the prose). An engine is
 * a factory of VMs; a VM loads a guest image, runs it for a budget of retired instructions and
 * stops at a sync point with an exit; at a sync point it exposes the guest state. Statistics
 * (how the engine got there) are reported separately and never compared.
 *
 * @module
 */

/** The contract version these types describe. */
export const CONTRACT_VERSION = 1;

/** A privilege mode. */
export type Privilege = 'M' | 'S' | 'U';

/** One loadable piece of a guest image. */
export interface GuestSegment {
  /** Guest-physical address of the first byte. */
  readonly address: number;
  /** The bytes (a segment's zero-filled tail is given as zeros). */
  readonly bytes: Uint8Array;
}

/**
 * A guest image: segments at guest-physical addresses, an entry point and the privilege the
 * guest starts in. `elf` is the same image as an ELF32 executable, for engines that take files
 * (contract v1 images always have one, and always start in M-mode with a0 = 0 and a1 = the
 * device tree, as QEMU's `virt` board with `-bios none`).
 */
export interface GuestImage {
  readonly segments: readonly GuestSegment[];
  readonly entry: number;
  readonly entryPrivilege: Privilege;
  readonly elf: Uint8Array;
}

/**
 * Why a run stopped: the guest halted through the test finisher (`code` 0 for pass, else the
 * fail code), the budget of retired instructions ran out, the hart reached a breakpoint, or
 * the engine met an unrecoverable guest error (a trap loop, a hart waiting forever) — `message`
 * says which.
 */
export interface RunExit {
  readonly kind: 'halt' | 'budget' | 'breakpoint' | 'error';
  readonly code: number;
  /** Instructions retired during this run. */
  readonly instructions: number;
  readonly message?: string;
}

/**
 * The guest state at a sync point. Registers and CSRs are unsigned 32-bit numbers; `x[0]` is
 * x1 (x0 is always 0 and not listed). `csrs` holds every guest-visible CSR of
 * {@link GUEST_CSRS} the engine implements, and the {@link COUNTER_CSRS}. Memory is not copied
 * here: use {@link Vm.readMemory} and {@link Vm.pageDigest}.
 */
export interface GuestState {
  readonly pc: number;
  /** x1…x31. */
  readonly x: readonly number[];
  readonly privilege: Privilege;
  readonly csrs: Readonly<Record<string, number>>;
  /** Instructions retired since the image was loaded (not `minstret`, which the guest may write). */
  readonly instret: number;
}

/**
 * How an engine got to a state — never part of the comparison. Names are the same in every
 * engine; an engine reports the ones it can (0 otherwise).
 */
export interface EngineStats {
  /** Hypervisor exits (traps to the host) by reason. */
  readonly exits: Readonly<Record<string, number>>;
  /** Guest instructions executed without hypervisor intervention. */
  readonly direct: number;
  /** All guest instructions executed (retired). */
  readonly instructions: number;
  /** Blocks translated (translating engines). */
  readonly blocksTranslated: number;
  /** Hypercalls by number (paravirtual engines). */
  readonly hypercalls: Readonly<Record<string, number>>;
}

/** What the specification leaves open, fixed per engine (docs/contract.md, "Capabilities"). */
export interface Capabilities {
  /** ISA string, e.g. `rv32imac_zicsr_zifencei`. */
  readonly isa: string;
  /** Privilege modes the guest may use. */
  readonly modes: readonly Privilege[];
  /** Sv32 paging. */
  readonly sv32: boolean;
  /** A and D bits: set by hardware, or a page fault for software to set them. */
  readonly adBits: 'hardware' | 'fault';
  /** Misaligned loads and stores: done (no trap), or address-misaligned exceptions. */
  readonly misalignedLoadStore: 'emulated' | 'trap';
  /** Exception code of a misaligned AMO / SC (6 per the spec; QEMU 7.2 raises 4). */
  readonly misalignedAmoCause: number;
  /** Implemented PMP entries (0, 16 or 64). */
  readonly pmpEntries: number;
  /**
   * Writable bits (WARL masks) of CSRs whose legal values the spec leaves open, by name: the
   * bits that read back after writing all ones. A comparison compares only these bits (and the
   * {@link Capabilities.readOnlyMasks | read-only ones}) of the named CSRs.
   */
  readonly warlMasks: Readonly<Record<string, number>>;
  /**
   * Read-only bits of CSRs named in `warlMasks` whose value the spec defines (pending bits that
   * follow a device line, such as `mip.MTIP`): compared along with the writable bits.
   */
  readonly readOnlyMasks?: Readonly<Record<string, number>>;
  /** How `minstret`/`mcycle`/`time` advance: retired instructions, or QEMU's icount rule. */
  readonly counters: 'retired' | 'icount';
  /** Snapshot and restore (the round-trip property applies). */
  readonly snapshot: boolean;
  /**
   * Debug triggers (`tselect`, `tdata1`–`tdata3`, `tinfo`) with QEMU 7.2's semantics
   * (docs/qemu-virt.md, "Debug triggers"): how many. Absent means 0: the `trigger` template
   * does not run on the engine.
   */
  readonly triggers?: number;
}

/** Options of a new VM. */
export interface VmOptions {
  /** RAM size in bytes (default 128 MiB). */
  readonly ramSize?: number;
  /** Kernel command line (`/chosen/bootargs`). */
  readonly bootargs?: string;
}

/** One virtual machine of an in-process engine. */
export interface Vm {
  /** Loads the image and resets to its entry. */
  load(image: GuestImage): void;
  /** Runs until an exit; `budget` counts retired instructions. */
  run(budget: number): RunExit;
  /** The guest state now (at a sync point: after `load` or `run`). */
  state(): GuestState;
  /** Guest-physical bytes (for RAM; `undefined` outside it). */
  readMemory(address: number, length: number): Uint8Array | undefined;
  /** FNV-1a 32 digest of the 4 KiB guest-physical page at `address` (page-aligned). */
  pageDigest(address: number): number | undefined;
  /** Every byte the guest has written to its console (the UART) so far. */
  console(): Uint8Array;
  /** Statistics since `load`. */
  stats(): EngineStats;
  /** An opaque, JSON-serializable snapshot (engines with `capabilities.snapshot`). */
  snapshot?(): unknown;
  /** Restores a snapshot taken from a VM of the same engine. */
  restore?(snapshot: unknown): void;
}

/** An in-process engine: a factory of VMs. */
export interface Engine {
  readonly name: string;
  /** Must be {@link CONTRACT_VERSION}. */
  readonly contractVersion: number;
  readonly capabilities: Capabilities;
  createVm(options?: VmOptions): Vm;
}

/**
 * The outcome of running a contract-v1 program to its end on any engine (in-process or
 * through the process protocol): the exit, the console bytes, and the state the program's
 * epilogue dumped on the console (`undefined` when no well-formed dump was printed).
 */
export interface ProgramOutcome {
  readonly exit: RunExit;
  readonly console: Uint8Array;
  readonly dump: DumpedState | undefined;
  readonly stats?: EngineStats;
}

/**
 * The state a program's epilogue prints (docs/contract.md, "State dump"): the registers as
 * they were at the program's end marker, its pc and privilege, the CSRs read in M-mode, and
 * digests of the program's data pages.
 */
export interface DumpedState {
  readonly pc: number;
  readonly privilege: Privilege;
  readonly x: readonly number[];
  readonly csrs: Readonly<Record<string, number>>;
  /** FNV-1a 32 digest per dumped page, by page address. */
  readonly pages: Readonly<Record<string, number>>;
  /**
   * Traps the harness took that were not the end marker (added to contract v1 by the harness;
   * always present in a parsed dump). When it reaches 64 the harness dumped at the 64th trap.
   */
  readonly trapCount?: number;
  /** The harness's trap log, oldest first (at most 64 entries). */
  readonly traps?: readonly DumpedTrap[];
  /** CSRs the engine does not implement (printed as `csr NAME -`), in dump order. */
  readonly missingCsrs?: readonly string[];
}

/** One trap the harness logged (a trap that was not the end marker). */
export interface DumpedTrap {
  /** `mcause`. */
  readonly cause: number;
  /** `mepc`. */
  readonly epc: number;
  /** `mtval`. */
  readonly tval: number;
  /** The privilege the trap was taken from (`mstatus.MPP` in the handler). */
  readonly privilege: Privilege;
}

/** An engine that runs whole programs (QEMU, `trapeze run`, or an in-process engine). */
export interface ProgramRunner {
  readonly name: string;
  readonly capabilities: Capabilities;
  runProgram(image: GuestImage, budget: number): Promise<ProgramOutcome>;
}

/**
 * Guest-visible CSRs of contract v1 (M, S and U modes without the H extension), by name and
 * number. Counters are listed separately ({@link COUNTER_CSRS}): they depend on
 * `capabilities.counters`.
 */
export const GUEST_CSRS: Readonly<Record<string, number>> = {
  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  satp: 0x180,
  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mstatush: 0x310,
  menvcfgh: 0x31a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  pmpcfg0: 0x3a0,
  pmpcfg1: 0x3a1,
  pmpcfg2: 0x3a2,
  pmpcfg3: 0x3a3,
  pmpaddr0: 0x3b0,
  pmpaddr1: 0x3b1,
  pmpaddr2: 0x3b2,
  pmpaddr3: 0x3b3,
  pmpaddr4: 0x3b4,
  pmpaddr5: 0x3b5,
  pmpaddr6: 0x3b6,
  pmpaddr7: 0x3b7,
  pmpaddr8: 0x3b8,
  pmpaddr9: 0x3b9,
  pmpaddr10: 0x3ba,
  pmpaddr11: 0x3bb,
  pmpaddr12: 0x3bc,
  pmpaddr13: 0x3bd,
  pmpaddr14: 0x3be,
  pmpaddr15: 0x3bf,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
};

/** Counter CSRs (compared only between engines with the same `capabilities.counters`). */
export const COUNTER_CSRS: Readonly<Record<string, number>> = {
  mcycle: 0xb00,
  minstret: 0xb02,
  mcycleh: 0xb80,
  minstreth: 0xb82,
};
