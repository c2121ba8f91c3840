/**
 * Deliberately faulty in-process engines for the planted-fault tests: the bare machine (a
 * `VirtMachine`) with one fault planted — after an instruction retires, or in the machine's
 * PMP. They implement the contract's {@link Engine}, so the suite checks them like any engine.
 */
import { BufferBackend } from '@trapeze/devices';
import { VirtMachine } from '@trapeze/machine';
import type {
  Engine,
  EngineStats,
  GuestImage,
  GuestState,
  RunExit,
  Vm,
} from '../../src/contract.js';
import { CONTRACT_VERSION } from '../../src/contract.js';
import {
  BARE_CAPABILITIES,
  contractExit,
  machineGuestState,
  machinePageDigest,
  machineReadMemory,
} from '../../src/engines/bare.js';

/** A fault: set-up of a new machine, and/or a hook after every single step. */
export interface Fault {
  readonly name: string;
  /** Changes a new machine (e.g. its PMP). */
  setup?(machine: VirtMachine): void;
  /**
   * Called after each `run(1)` with the registers as they were before it and the trap count
   * before it; the machine is single-stepped when this is present.
   */
  step?(machine: VirtMachine, before: Int32Array, trapsBefore: number): void;
  /** Called at the start of every `run` (a fault of the engine's stops, not of the guest). */
  onRun?(machine: VirtMachine): void;
}

class PlantedVm implements Vm {
  private machine: VirtMachine | undefined;
  private serial = new BufferBackend();
  private retiredAtLoad = 0;
  private halted: RunExit | undefined;
  private readonly before = new Int32Array(32);

  constructor(private readonly fault: Fault) {}

  private get m(): VirtMachine {
    if (this.machine === undefined) throw new Error('load an image first');
    return this.machine;
  }

  load(image: GuestImage): void {
    this.serial = new BufferBackend();
    const machine = new VirtMachine({ serial: this.serial });
    this.fault.setup?.(machine);
    machine.loadSegments(image.segments, image.entry);
    this.machine = machine;
    this.retiredAtLoad = machine.hart.retired;
    this.halted = undefined;
  }

  run(budget: number): RunExit {
    const m = this.m;
    if (this.halted !== undefined) return { ...this.halted, instructions: 0 };
    this.fault.onRun?.(m);
    const start = m.hart.retired;
    let exit: ReturnType<VirtMachine['run']>;
    if (this.fault.step === undefined) exit = m.run(budget);
    else {
      for (;;) {
        const left = budget - (m.hart.retired - start);
        if (left <= 0) {
          exit = { kind: 'budget', code: 0, instructions: budget };
          break;
        }
        this.before.set(m.hart.x);
        const traps = m.hart.traps;
        exit = m.run(1);
        this.fault.step(m, this.before, traps);
        if (exit.kind !== 'budget') break;
      }
    }
    const out = contractExit({ ...exit, instructions: m.hart.retired - start });
    if (out.kind === 'halt' || out.kind === 'error') this.halted = out;
    return out;
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
    return this.serial.bytes();
  }

  stats(): EngineStats {
    const instructions = this.m.hart.retired - this.retiredAtLoad;
    return { exits: {}, direct: instructions, instructions, blocksTranslated: 0, hypercalls: {} };
  }
}

/** An engine of the bare machine with `fault` planted. */
export function plantedEngine(fault: Fault): Engine {
  return {
    name: `planted-${fault.name}`,
    contractVersion: CONTRACT_VERSION,
    capabilities: BARE_CAPABILITIES,
    createVm: () => new PlantedVm(fault),
  };
}

/** SLTU compares signed (as SLT) instead of unsigned. */
export const SLTU_SIGNED: Fault = {
  name: 'sltu',
  step(machine, before) {
    const i = machine.hart.instruction;
    if (i.spec.name !== 'sltu' || i.rd === 0) return;
    const a = before[i.rs1] as number;
    const b = before[i.rs2] as number;
    machine.hart.x[i.rd] = a < b ? 1 : 0;
  },
};

/** A write to sscratch is lost when a trap is taken: sscratch reverts to 0. */
export const SSCRATCH_LOST: Fault = {
  name: 'sscratch',
  step(machine, _before, trapsBefore) {
    if (machine.hart.traps !== trapsBefore) machine.hart.csr.sscratch = 0;
  },
};

/** PMP is ignored: every access is allowed in every mode. */
export const PMP_IGNORED: Fault = {
  name: 'pmp',
  setup(machine) {
    const pmp = machine.pmp as unknown as {
      check: (...args: unknown[]) => boolean;
      pagePermissions: (...args: unknown[]) => number;
    };
    pmp.check = () => true;
    pmp.pagePermissions = () => 0x1ff;
  },
};

const resumed = new WeakSet<VirtMachine>();

/**
 * Every resumed run costs the guest a nanosecond of virtual time (an engine that charges its
 * stops to the guest's clock): invisible in one run to the end, visible at sync points.
 */
export const STOP_COSTS_TIME: Fault = {
  name: 'stop-time',
  onRun(machine) {
    if (resumed.has(machine)) machine.clock.skipToNs(machine.clock.ns + 1);
    else resumed.add(machine);
  },
};

/** The planted faults, by engine name. */
export const PLANTED: Readonly<Record<string, Fault>> = {
  'planted-sltu': SLTU_SIGNED,
  'planted-sscratch': SSCRATCH_LOST,
  'planted-pmp': PMP_IGNORED,
};
