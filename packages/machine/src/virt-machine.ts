/**
 * The `virt` board with QEMU's memory map, and the bare engine: one reference hart, RAM at
 * `0x8000_0000`, the boot ROM at `0x1000`, CLINT, PLIC, UART 16550A, SiFive test finisher,
 * Goldfish RTC, eight empty virtio-mmio slots, fw-cfg, two CFI flash banks and the PCIe host
 * bridge (ECAM window, with empty MMIO and I/O windows), run for a budget of instructions in
 * deterministic virtual time.
 *
 * @module
 */

import {
  type Core,
  type CoreKind,
  type CoreOptions,
  createCore,
  createCoreRam,
  EXIT_BREAKPOINT,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
} from '@trapeze/cpu';
import {
  BufferBackend,
  CfiFlash,
  Clint,
  DeviceError,
  type DmaMemory,
  FwCfg,
  GoldfishRtc,
  PciHost,
  PciWindow,
  Plic,
  type SerialBackend,
  TestFinisher,
  Uart16550,
  VIRT_MAP,
  VIRT_VIRTIO_SLOTS,
  type VirtioDevice,
  VirtioMmio,
  VirtioMmioSlot,
  type VirtioMmioSnapshot,
} from '@trapeze/devices';
import { CSR_SNAPSHOT_KEYS, type Hart, MIP_MEIP, MIP_MSIP, MIP_MTIP, MIP_SEIP } from '@trapeze/isa';
import { Bus, Mmu, Pmp, Ram } from '@trapeze/mmu';
import { checkInteger } from './arguments.js';
import { Counters } from './counters.js';
import { MachineError } from './errors.js';
import { checkPlan, elfPlan, type ImagePlan, imageFormat, rawPlan } from './image.js';
import {
  type CheckedSnapshot,
  checkDeviceParts,
  checkSnapshot,
  type MachineSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  toBase64,
} from './machine-snapshot.js';
import { RESET_VECTOR, resetRom } from './reset-rom.js';
import { virtFdt } from './virt-fdt.js';
import { NS_PER_TICK, VirtualClock } from './virtual-clock.js';

/** Physical base of RAM on `virt`. */
export const RAM_BASE = 0x8000_0000;
/** The core a {@link VirtMachine} runs on unless told otherwise. */
export const DEFAULT_CORE: CoreKind = 'translator';
/** Default RAM size: 128 MiB, as QEMU. */
export const DEFAULT_RAM_SIZE = 128 * 1024 * 1024;

/** Options of {@link VirtMachine}. */
export interface VirtMachineOptions {
  /** RAM size in bytes (a multiple of 4 KiB, at most 2 GiB; default 128 MiB). */
  readonly ramSize?: number;
  /** The UART's host side (an in-memory buffer by default). */
  readonly serial?: SerialBackend;
  /** Kernel command line for the device tree's `/chosen/bootargs` (QEMU's `-append`). */
  readonly bootargs?: string;
  /**
   * The device tree's `/chosen/rng-seed`: 32 bytes, zeros by default. Give the bytes a QEMU run
   * passed its guest to repeat that run exactly (docs/qemu-virt.md: the device tree).
   */
  readonly rngSeed?: Uint8Array;
  /**
   * What {@link VirtMachine.run} does when the hart waits (WFI) and a device deadline (the
   * timer, the UART's receive timeout, the RTC alarm) will wake it. `'skip'`, the default, is
   * QEMU's `-icount sleep=off`: virtual time jumps to the deadline and the run goes on, so a
   * run's result depends on nothing but its input. `'stop'` ends the run there instead, with an
   * `idle` exit whose {@link RunExit.wakeNs} is the deadline and virtual time left as it was, so
   * that the caller can wait in host time, as QEMU's `sleep=on` does, for the deadline or for
   * input, move {@link VirtMachine.clock} forward (`clock.skipToNs`) by the time waited, and
   * run again (a run that finds the hart still waiting stops at once, having executed nothing).
   */
  readonly idle?: IdleMode;
  /**
   * The execution core (`@trapeze/cpu`): `'interpreter'`, the reference hart stepped one
   * instruction at a time, or `'translator'`, guest blocks compiled to host code (the
   * default). Both give the same run, instruction for instruction. A function makes the core
   * itself from the board's memory system and CSRs (a core of one's own, or one with a
   * planted fault for a test).
   */
  readonly core?: CoreKind | ((options: CoreOptions) => Core);
  /**
   * virtio devices (`VirtioBlk`, `VirtioNet`, `VirtioConsole`, `VirtioRng` of
   * `@trapeze/devices`) in the order of QEMU's `-device` options: as QEMU's `virt` board, the
   * first goes to the highest virtio-mmio slot (`0x10008000`, PLIC source 8), the next one
   * below it, and so on (at most eight). With any virtio device the slots speak the modern
   * transport (version 2, QEMU's `-global virtio-mmio.force-legacy=false`, which a QEMU run
   * with these devices needs); without, the empty slots report version 1 as QEMU 7.2 does by
   * default. An entry `{ device, slot }` puts a device in slot `slot` (0…7, as QEMU's
   * `bus=virtio-mmio-bus.N`); the others fill the free slots from the top.
   */
  readonly virtio?: readonly (VirtioDevice | VirtioPlacement)[];
}

/** A virtio device in a slot of one's choosing ({@link VirtMachineOptions.virtio}). */
export interface VirtioPlacement {
  readonly device: VirtioDevice;
  /** The slot, 0…7 (slot `i` at `0x1000_1000 + i·0x1000`, PLIC source `i + 1`). */
  readonly slot: number;
}

/** A virtio device on the board ({@link VirtMachine.virtio}). */
export interface VirtioSlot {
  /** The slot number, 0…7 (slot `i` at `0x1000_1000 + i·0x1000`). */
  readonly slot: number;
  /** The slot's guest-physical address. */
  readonly address: number;
  /** The slot's PLIC source (`slot + 1`). */
  readonly irq: number;
  /** The transport with the device behind it (`transport.device`), and its statistics. */
  readonly transport: VirtioMmio;
}

/** What an idle hart does with virtual time: see {@link VirtMachineOptions.idle}. */
export type IdleMode = 'skip' | 'stop';

/**
 * Why {@link VirtMachine.run} stopped: the finisher reported `pass`, `fail` or `reset`; the
 * `budget` ran out; the hart reached a `breakpoint` (its pc is the breakpoint's address); the hart is `idle` (WFI with nothing that could wake it; with the `idle: 'stop'` option, also WFI until the device deadline in {@link RunExit.wakeNs}); or the hart is
 * `stuck`: it took `STUCK_TRAPS` (1,000) traps in a row without retiring an instruction (a trap
 * vector that faults), a loop that never ends (QEMU spins in it forever).
 */
export type ExitKind = 'pass' | 'fail' | 'reset' | 'budget' | 'breakpoint' | 'idle' | 'stuck';

/** The exit of a run. */
export interface RunExit {
  readonly kind: ExitKind;
  /** The finisher's code (`fail`), else 0. */
  readonly code: number;
  /** Instructions retired by this run. */
  readonly instructions: number;
  /**
   * Only in an `idle` exit of a machine with `idle: 'stop'`, when a device deadline will wake
   * the hart: the virtual time of that deadline in nanoseconds (on {@link VirtMachine.clock}).
   * Absent when nothing but input could wake the hart.
   */
  readonly wakeNs?: number;
}

/**
 * Bytes QEMU reserves for the device tree at its address: it registers the blob as a 1 MiB ROM
 * region and refuses an image that overlaps it ("Some ROM regions are overlapping").
 */
const FDT_RESERVED = 0x10_0000;

/** What {@link VirtMachine.loadImage} loaded. */
export interface LoadedImage {
  /** `elf`: an ELF executable; `raw`: a raw image at the start of RAM. */
  readonly format: 'elf' | 'raw';
  /** Where the boot ROM jumps: the ELF entry point, or the start of RAM. */
  readonly entry: number;
}

/** A flash bank just after reset, for snapshots written before flash existed. */
const EMPTY_FLASH = new CfiFlash().snapshot();

/** Counter CSRs the machine implements for the hart. */
const CYCLE = 0xc00;
const TIME = 0xc01;
const INSTRET = 0xc02;
const MCYCLE = 0xb00;
const MINSTRET = 0xb02;
const HIGH = 0x80;

/**
 * The `virt` board: one RV32IMAC hart with RAM, boot ROM, MMU, PMP and devices at QEMU's
 * addresses, run in deterministic virtual time. Running a guest on it with no hypervisor is
 * the bare engine, the reference every other engine is compared with.
 *
 * @example
 * ```ts
 * import { BufferBackend } from '@trapeze/devices';
 * import { assemble, elfImage } from '@trapeze/isa';
 * import { VirtMachine } from '@trapeze/machine';
 *
 * // A bare-metal guest: print a string on the UART, then tell the test finisher "pass".
 * const elf = elfImage(
 *   assemble(`
 *   _start:
 *     la a0, message
 *     li t0, 0x10000000        # UART0's transmit register
 *   1:lbu t1, 0(a0)
 *     beqz t1, 2f
 *     sb t1, 0(t0)
 *     addi a0, a0, 1
 *     j 1b
 *   2:li t0, 0x100000          # the SiFive test finisher
 *     li t1, 0x5555            # pass
 *     sw t1, 0(t0)
 *   3:j 3b
 *   message: .asciz "hello\\n"
 *   `),
 * );
 *
 * const serial = new BufferBackend(); // the UART's host side (TerminalBackend for a terminal)
 * const machine = new VirtMachine({ serial }); // 128 MiB of RAM at 0x80000000
 * machine.loadElf(elf); // → 0x80000000
 * machine.run(1_000_000); // → { kind: 'pass', code: 0, instructions: 45 }
 * serial.text(); // → 'hello\n'
 * machine.clock.ns; // → 45
 * ```
 */
export class VirtMachine {
  readonly ram: Ram;
  readonly bus = new Bus();
  readonly pmp = new Pmp();
  readonly mmu: Mmu;
  /** The execution core that runs {@link VirtMachine.hart} ({@link VirtMachineOptions.core}). */
  readonly core: Core;
  readonly hart: Hart;
  readonly clock: VirtualClock;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly finisher = new TestFinisher();
  readonly rtc: GoldfishRtc;
  /** fw-cfg at `0x1010_0000`, its DMA reaching guest-physical memory through the bus. */
  readonly fwCfg: FwCfg;
  /** The two 32 MiB CFI flash banks at `0x2000_0000` and `0x2200_0000` (zeros, writable). */
  readonly flash: readonly [CfiFlash, CfiFlash] = [
    new CfiFlash({ name: 'flash0' }),
    new CfiFlash({ name: 'flash1' }),
  ];
  /** The PCIe host bridge's ECAM window at `0x3000_0000` (QEMU's host bridge at 00:00.0). */
  readonly pci = new PciHost();
  /** The virtio devices ({@link VirtMachineOptions.virtio}), highest slot first. */
  readonly virtio: readonly VirtioSlot[];
  /**
   * Where the device tree goes: as QEMU, below the end of RAM (or 3 GiB, if lower) less the
   * blob, aligned down to 2 MiB (`0x87e00000` for 128 MiB, `0xbfe00000` for 2 GiB); when that
   * would fall in the first 2 MiB of RAM (QEMU will not start there), 64 KiB below the top.
   */
  readonly fdtAddress: number;
  /** The device tree blob written at {@link VirtMachine.fdtAddress} on reset. */
  readonly fdt: Uint8Array;
  /**
   * Addresses (virtual, as the pc holds them) where {@link VirtMachine.run} stops before
   * executing the instruction.
   */
  readonly breakpoints: Set<number>;
  private readonly rom = new Ram(RESET_VECTOR & ~0xfff, 0x1000, 'rom');
  /** `mcycle` and `minstret`. */
  private readonly counters: Counters;
  /** {@link VirtMachineOptions.idle}; may be changed between runs. */
  idleMode: IdleMode;

  constructor(options: VirtMachineOptions = {}) {
    const ramSize = options.ramSize ?? DEFAULT_RAM_SIZE;
    if (
      !Number.isInteger(ramSize) ||
      ramSize < 0x10000 ||
      ramSize > 0x8000_0000 ||
      ramSize % 4096 !== 0
    ) {
      throw new MachineError(
        'BAD_OPTION',
        `RAM size ${ramSize} must be a multiple of 4 KiB between 64 KiB and 2 GiB`,
      );
    }
    this.idleMode = options.idle ?? 'skip';
    this.ram = createCoreRam(RAM_BASE, ramSize);
    this.bus.mapRam(this.ram);
    this.bus.mapRam(this.rom);
    this.mmu = new Mmu(this.bus, this.pmp);
    const coreOptions: CoreOptions = {
      bus: this.bus,
      mmu: this.mmu,
      pmp: this.pmp,
      ram: this.ram,
      csrs: {
        read: (csr: number) => this.readCounter(csr),
        write: (csr: number, value: number) => this.writeCounter(csr, value),
        countInhibit: (mask: number) => this.counters.inhibit(mask),
      },
    };
    const choice = options.core ?? DEFAULT_CORE;
    const core =
      typeof choice === 'function'
        ? choice(coreOptions)
        : createCore(choice, {
            ...coreOptions,
            // After a device access the translator goes on unless the guest wrote the
            // finisher; the next device deadline bounds the run as `run` passes it.
            deviceDeadline: () =>
              this.finisher.exit !== undefined ? -1 : this.nextEventNs() - this.clock.skipped,
          });
    this.core = core;
    this.hart = core.hart;
    this.breakpoints = core.breakpoints;
    // QEMU's icount counts ECALL, EBREAK and undecodable words though they trap
    // (docs/qemu-virt.md).
    this.clock = new VirtualClock(() => this.hart.retired + this.hart.countedTraps);
    // Counters read as QEMU's under icount: virtual time, counting the reading instruction.
    this.counters = new Counters(() => this.clock.ns + 1);
    // Devices read virtual time as QEMU's do during an instruction: counting that instruction
    // (an MMIO read of mtime, like a counter CSR read, sees ns + 1).
    const time = () => Math.floor((this.clock.ns + 1) / NS_PER_TICK);
    this.clint = new Clint({
      time,
      // During an instruction QEMU counts it already (as the counters do).
      nanoseconds: () => this.clock.ns + 1,
      msip: (level) => core.setInterruptLine(MIP_MSIP, level),
      mtip: (level) => core.setInterruptLine(MIP_MTIP, level),
    });
    this.plic = new Plic({
      meip: (level) => core.setInterruptLine(MIP_MEIP, level),
      seip: (level) => core.setInterruptLine(MIP_SEIP, level),
    });
    this.uart = new Uart16550({
      backend: options.serial ?? new BufferBackend(),
      irq: this.plic.line(VIRT_MAP.uart0.irq),
      time,
    });
    this.rtc = new GoldfishRtc({ time, irq: this.plic.line(VIRT_MAP.rtc.irq) });
    this.bus.mapDevice(VIRT_MAP.test.base, this.finisher);
    this.bus.mapDevice(VIRT_MAP.rtc.base, this.rtc);
    this.bus.mapDevice(VIRT_MAP.clint.base, this.clint);
    this.bus.mapDevice(VIRT_MAP.plic.base, this.plic);
    this.bus.mapDevice(VIRT_MAP.uart0.base, this.uart);
    this.virtio = this.mapVirtio(options.virtio ?? []);
    this.fwCfg = new FwCfg({ memory: this.dmaMemory() });
    this.bus.mapDevice(VIRT_MAP.fwCfg.base, this.fwCfg);
    this.bus.mapDevice(VIRT_MAP.flash0.base, this.flash[0]);
    this.bus.mapDevice(VIRT_MAP.flash1.base, this.flash[1]);
    this.bus.mapDevice(VIRT_MAP.pciIo.base, new PciWindow({ name: 'pci-io', ...VIRT_MAP.pciIo }));
    this.bus.mapDevice(VIRT_MAP.pciEcam.base, this.pci);
    this.bus.mapDevice(
      VIRT_MAP.pciMmio.base,
      new PciWindow({ name: 'pci-mmio', size: VIRT_MAP.pciMmio.size }),
    );
    const end = RAM_BASE + ramSize;
    this.fdt = virtFdt({
      ramBase: RAM_BASE,
      ramSize,
      ...(options.bootargs === undefined ? {} : { bootargs: options.bootargs }),
      ...(options.rngSeed === undefined ? {} : { rngSeed: options.rngSeed }),
    });
    // QEMU 7.2 (riscv_load_fdt): below the end of RAM or 3 GiB, whichever is lower, less the
    // blob, aligned down to 2 MiB. With so little RAM that this would land in the first 2 MiB
    // (QEMU refuses to start there), 64 KiB below the top instead.
    const qemuAddress =
      Math.floor((Math.min(end, 0xc000_0000) - this.fdt.length) / 0x20_0000) * 0x20_0000;
    this.fdtAddress = qemuAddress >= RAM_BASE + 0x20_0000 ? qemuAddress : end - 0x1_0000;
    this.reset(RAM_BASE);
  }

  /**
   * Puts the virtio devices in their slots (those given, then the free ones from the top, as
   * QEMU) and the other slots empty.
   */
  private mapVirtio(entries: readonly (VirtioDevice | VirtioPlacement)[]): VirtioSlot[] {
    const count = VIRT_VIRTIO_SLOTS.length;
    if (entries.length > count)
      throw new MachineError(
        'BAD_OPTION',
        `${entries.length} virtio devices given; the virt board has ${count} virtio-mmio slots`,
      );
    const devices = entries.map((e) => ('device' in e ? e.device : e));
    if (new Set(devices).size !== devices.length)
      throw new MachineError('BAD_OPTION', 'the same virtio device is given twice');
    const taken = new Set<number>();
    for (const e of entries) {
      if (!('device' in e)) continue;
      if (!Number.isInteger(e.slot) || e.slot < 0 || e.slot >= count || taken.has(e.slot))
        throw new MachineError(
          'BAD_OPTION',
          `virtio slot ${String(e.slot)} must be a free slot in 0…${count - 1}`,
        );
      taken.add(e.slot);
    }
    const placed = entries.map((e) => {
      if ('device' in e) return e;
      let slot = count - 1;
      while (taken.has(slot)) slot--;
      taken.add(slot);
      return { device: e, slot };
    });
    const slots: VirtioSlot[] = [];
    for (const { device, slot } of placed) {
      const region = VIRT_VIRTIO_SLOTS[slot] as (typeof VIRT_VIRTIO_SLOTS)[number];
      const irq = region.irq as number;
      const transport = new VirtioMmio({
        device,
        memory: this.ram,
        irq: this.plic.line(irq),
        name: `virtio-mmio${slot}`,
      });
      this.bus.mapDevice(region.base, transport);
      slots.push({ slot, address: region.base, irq, transport });
    }
    const version = devices.length > 0 ? 2 : 1;
    for (const [i, region] of VIRT_VIRTIO_SLOTS.entries())
      if (!taken.has(i))
        this.bus.mapDevice(region.base, new VirtioMmioSlot(`virtio-mmio${i}`, version));
    return slots.sort((a, b) => b.slot - a.slot);
  }

  /**
   * A snapshot of the machine: hart, CSRs, PMP, counters, virtual time, devices, boot ROM and
   * the RAM pages that are not zero, as plain JSON-serializable data. Not included: the UART's
   * host side (its backend), breakpoints, caches. The TLB is flushed (as a hart may do at any
   * time), so that this machine and any restored from the snapshot go on from the same state.
   *
   * @example
   * ```ts
   * import { BufferBackend } from '@trapeze/devices';
   * import { assemble, elfImage } from '@trapeze/isa';
   * import { VirtMachine } from '@trapeze/machine';
   *
   * const elf = elfImage(
   *   assemble(`
   *   _start:
   *     li a0, 0
   *   1:addi a0, a0, 1           # count to 1000
   *     li t0, 1000
   *     bne a0, t0, 1b
   *     li t0, 0x100000
   *     li t1, 0x5555
   *     sw t1, 0(t0)             # pass
   *   `),
   * );
   * const machine = new VirtMachine();
   * machine.loadElf(elf);
   * machine.run(500); // → { kind: 'budget', instructions: 500 }
   *
   * // The whole machine as JSON, restored into another machine with the same RAM size.
   * const saved = JSON.stringify(machine.snapshot());
   * const copy = new VirtMachine({ serial: new BufferBackend() });
   * copy.restore(JSON.parse(saved));
   * copy.hart.x[10] === machine.hart.x[10]; // → true
   * // Both go on exactly alike.
   * const [a, b] = [machine.run(1_000_000), copy.run(1_000_000)];
   * a; // → { kind: 'pass', code: 0 }
   * b; // → a
   * ```
   */
  snapshot(): MachineSnapshot {
    this.core.invalidate();
    const ram: Record<string, string> = {};
    for (const offset of this.usedPages())
      ram[offset.toString(16)] = toBase64(this.ram.u8.subarray(offset, offset + 4096));
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      ramSize: this.ram.size,
      hart: this.hart.snapshot(),
      csr: this.hart.csr.snapshot(),
      pmp: this.pmp.snapshot(),
      counters: this.counters.snapshot(),
      skippedNs: this.clock.skipped,
      clint: this.clint.snapshot(),
      plic: this.plic.snapshot(),
      uart: this.uart.snapshot(),
      rtc: this.rtc.snapshot(),
      finisher: this.finisher.snapshot(),
      fwCfg: this.fwCfg.snapshot(),
      flash: [this.flash[0].snapshot(), this.flash[1].snapshot()],
      pci: this.pci.snapshot(),
      ...(this.virtio.length === 0
        ? {}
        : {
            virtio: this.virtio.map(({ slot, transport }) => ({
              slot,
              kind: transport.device.kind,
              state: transport.snapshot(),
            })),
          }),
      rom: toBase64(this.rom.u8),
      ram,
    };
  }

  /**
   * Restores a {@link VirtMachine.snapshot} (for instance after `JSON.parse`) into this
   * machine, which must have the same RAM size. Every part of the snapshot (the devices' too)
   * is checked before anything changes, so a refused snapshot leaves the machine as it was.
   *
   * @throws {@link MachineError} `BAD_SNAPSHOT` naming the field that is wrong.
   */
  restore(snapshot: unknown): void {
    const checked = checkSnapshot(snapshot, this.ram.size, CSR_SNAPSHOT_KEYS);
    checkDeviceParts(checked.snapshot);
    this.restoreVirtio(checked.snapshot.virtio);
    this.apply(checked);
  }

  /**
   * Restores the virtio devices' part of a snapshot, all or none: a part that a device refuses
   * puts back the ones restored before it. A snapshot without virtio devices (written by a
   * machine without any) resets them.
   *
   * @throws {@link MachineError} `BAD_SNAPSHOT` when the devices differ from this machine's or a
   *   device refuses its part.
   */
  private restoreVirtio(parts: MachineSnapshot['virtio']): void {
    if (parts === undefined) {
      for (const { transport } of this.virtio) transport.reset();
      return;
    }
    const described = (list: readonly { slot: number; kind: string }[]) =>
      list.map((v) => `${v.kind}@${v.slot}`).join(', ') || 'none';
    const mine = this.virtio.map(({ slot, transport }) => ({ slot, kind: transport.device.kind }));
    if (
      !Array.isArray(parts) ||
      parts.length !== mine.length ||
      parts.some((p, i) => p?.slot !== mine[i]?.slot || p?.kind !== mine[i]?.kind)
    )
      throw new MachineError(
        'BAD_SNAPSHOT',
        `snapshot field virtio must describe this machine's virtio devices (${described(mine)})`,
      );
    const saved = this.virtio.map(({ transport }) => transport.snapshot());
    for (const [i, { transport }] of this.virtio.entries()) {
      try {
        transport.restore((parts[i] as { state: VirtioMmioSnapshot }).state);
      } catch (error) {
        for (let k = 0; k < i; k++)
          (this.virtio[k] as VirtioSlot).transport.restore(saved[k] as VirtioMmioSnapshot);
        if (error instanceof DeviceError) throw new MachineError('BAD_SNAPSHOT', error.message);
        throw error;
      }
    }
  }

  /**
   * Puts a checked snapshot in place. The devices whose lines feed the PLIC come first, then
   * the PLIC (so that its pending bits are the snapshot's, not re-raised by a line), then the
   * hart and its CSRs (so that `mip` is the snapshot's).
   */
  private apply({ snapshot: s, rom, pages }: CheckedSnapshot): void {
    this.uart.restore(s.uart);
    this.rtc.restore(s.rtc);
    this.clint.restore(s.clint);
    this.finisher.restore(s.finisher);
    // Snapshots written before these devices existed restore them reset.
    if (s.fwCfg === undefined) this.fwCfg.reset();
    else this.fwCfg.restore(s.fwCfg);
    for (const [i, flash] of this.flash.entries()) {
      const part = s.flash?.[i];
      flash.restore(part ?? EMPTY_FLASH);
    }
    if (s.pci === undefined) this.pci.reset();
    else this.pci.restore(s.pci);
    this.plic.restore(s.plic);
    this.hart.restore(s.hart);
    this.hart.csr.restore(s.csr);
    this.pmp.restore(s.pmp);
    this.counters.restore(s.counters);
    this.clock.skipped = s.skippedNs;
    this.rom.u8.set(rom);
    // Zero the pages in use (clearing all of RAM would touch every page of a fresh machine).
    for (const offset of this.usedPages()) this.ram.u8.fill(0, offset, offset + 4096);
    for (const [offset, bytes] of pages) this.ram.u8.set(bytes, offset);
    this.core.invalidate();
  }

  /** Byte offsets of the RAM pages that are not all zero. */
  private usedPages(): number[] {
    const out: number[] = [];
    const w = this.ram.i32;
    for (let page = 0; page < w.length; page += 1024) {
      // Eight words per test: a page of zeros is 128 ORs, not 1,024 branches.
      for (let i = page; i < page + 1024; i += 8)
        if (
          (w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7]) !==
          0
        ) {
          out.push(page * 4);
          break;
        }
    }
    return out;
  }

  /**
   * Guest-physical memory as a DMA device reaches it: RAM directly (pages holding translated
   * code lose it), anything else byte by byte through the bus; addresses beyond 32 bits reach
   * nothing.
   */
  private dmaMemory(): DmaMemory {
    const bus = this.bus;
    const ram = this.ram;
    const inRam = (address: number, length: number) =>
      address >= RAM_BASE && address + length <= RAM_BASE + ram.size;
    return {
      read: (address, length) => {
        if (inRam(address, length))
          return ram.u8.slice(address - RAM_BASE, address - RAM_BASE + length);
        if (address + length > 0x1_0000_0000) return undefined;
        const bytes = new Uint8Array(length);
        for (let i = 0; i < length; i++) {
          bytes[i] = bus.load(address + i, 1);
          if (bus.fault) return undefined;
        }
        return bytes;
      },
      write: (address, bytes) => {
        if (inRam(address, bytes.length)) {
          ram.u8.set(bytes, address - RAM_BASE);
          ram.written(address - RAM_BASE, bytes.length);
          return true;
        }
        if (address + bytes.length > 0x1_0000_0000) return false;
        for (let i = 0; i < bytes.length; i++) {
          bus.store(address + i, 1, bytes[i] as number);
          if (bus.fault) return false;
        }
        return true;
      },
    };
  }

  /** The UART's host side. */
  get serial(): SerialBackend {
    return this.uart.backend;
  }

  /**
   * Resets the hart to the boot ROM, which jumps to `entry` in M-mode with a0 = 0 and a1 = the
   * device tree, written again at {@link VirtMachine.fdtAddress} (QEMU `-bios none`).
   */
  reset(entry: number): void {
    this.rom.loadBytes(RESET_VECTOR, resetRom(entry, this.fdtAddress));
    this.ram.loadBytes(this.fdtAddress, this.fdt);
    this.hart.pc = RESET_VECTOR;
    this.hart.privilege = 3;
    // Triggers armed by an earlier guest would stop the new one (QEMU's CPU reset clears them).
    this.hart.triggers.reset();
  }

  /**
   * Loads a guest image as QEMU's `-kernel` does with `-bios none`: an ELF executable when the
   * file starts with the ELF magic number ({@link VirtMachine.loadElf}), any other file as a
   * raw image at the start of RAM, run from its first byte ({@link VirtMachine.loadRaw}); then
   * resets. A file with the ELF magic number that is not a valid ELF executable is refused
   * with its `ElfError` (QEMU would load such a file raw and run the ELF header).
   *
   * @throws `ElfError` for a malformed ELF file; {@link MachineError} for an image that cannot
   *   be loaded (see {@link VirtMachine.loadElf} and {@link VirtMachine.loadRaw}). A refused
   *   image writes nothing.
   *
   * @example
   * ```ts
   * import { BufferBackend } from '@trapeze/devices';
   * import { assemble } from '@trapeze/isa';
   * import { VirtMachine } from '@trapeze/machine';
   *
   * // A raw image (what `objcopy -O binary` makes): code for 0x80000000, no header.
   * const raw = assemble(`
   *   li t0, 0x10000000
   *   li t1, 'k'
   *   sb t1, 0(t0)
   *   li t0, 0x100000
   *   li t1, 0x5555
   *   sw t1, 0(t0)
   * `).sections[0]?.bytes ?? new Uint8Array();
   * const serial = new BufferBackend();
   * const machine = new VirtMachine({ serial });
   * machine.loadImage(raw); // → { format: 'raw', entry: 0x80000000 }
   * machine.run(100).kind; // → 'pass'
   * serial.text(); // → 'k'
   * ```
   */
  loadImage(bytes: Uint8Array): LoadedImage {
    const format = imageFormat(bytes);
    const entry = format === 'elf' ? this.loadElf(bytes) : this.loadRaw(bytes);
    return { format, entry };
  }

  /**
   * Loads an ELF32 RISC-V executable: every `PT_LOAD` segment at its physical address in RAM
   * (bytes past the file data zeroed; other program headers, such as GNU ld's
   * `PT_RISCV_ATTRIBUTES`, load nothing), and resets to its entry point (moved into physical
   * memory, as QEMU does, when it lies in an executable segment whose virtual and physical
   * addresses differ). Returns the entry point.
   *
   * Bytes of a segment that lie outside RAM but hold no allocated section (the ELF headers
   * that `ld.lld -Ttext=…` loads at `0x10000` and GNU ld just below the program) are left out,
   * as QEMU drops them.
   *
   * @throws `ElfError` for a malformed file; {@link MachineError} `UNSUPPORTED_IMAGE` for a
   *   relocatable object or a dynamically linked program (`PT_INTERP`), `IMAGE_OUTSIDE_RAM` for
   *   a section outside RAM, `IMAGE_EMPTY` when no `PT_LOAD` segment has a memory size in RAM,
   *   and the errors of {@link VirtMachine.loadSegments}.
   */
  loadElf(bytes: Uint8Array): number {
    const plan = elfPlan(bytes, RAM_BASE, this.ram.size);
    this.place(plan);
    return plan.entry;
  }

  /**
   * Loads a raw image (a flat binary, as `objcopy -O binary` writes it) at the start of RAM,
   * `0x80000000`, and resets to its first byte, as QEMU's `-kernel` does with a file that is
   * not an ELF executable. Returns the entry point (`0x80000000`).
   *
   * @throws {@link MachineError} `IMAGE_EMPTY` for an empty file, `IMAGE_OUTSIDE_RAM` for a file
   *   larger than RAM, `IMAGE_OVERLAPS_FDT` for one that reaches the device tree's region,
   *   `UNSUPPORTED_IMAGE` for a U-Boot legacy image (`uImage`).
   */
  loadRaw(bytes: Uint8Array): number {
    const plan = rawPlan(bytes, RAM_BASE, this.ram.size);
    this.place(plan);
    return plan.entry;
  }

  /**
   * Loads segments (bytes at guest-physical addresses) into RAM and resets to `entry`. Every
   * check comes first, so that a bad image writes nothing: every non-empty segment must lie in
   * RAM and outside the device tree's region (from {@link VirtMachine.fdtAddress}, 1 MiB as
   * QEMU reserves it, or up to the end of a small RAM), and `entry` in one of them.
   *
   * @throws {@link MachineError} `IMAGE_OUTSIDE_RAM` or `IMAGE_OVERLAPS_FDT` naming the first
   *   segment at fault, `IMAGE_EMPTY` when no segment has bytes, `ENTRY_OUTSIDE_IMAGE` naming
   *   the entry point and the ranges the image loads.
   */
  loadSegments(
    segments: readonly { readonly address: number; readonly bytes: Uint8Array }[],
    entry: number,
  ): void {
    this.place({
      segments: segments.map((segment, i) => ({ ...segment, name: `segment ${i}` })),
      entry,
    });
  }

  /** Checks an image plan, writes its segments and resets to its entry. */
  private place(plan: ImagePlan): void {
    const ramEnd = RAM_BASE + this.ram.size;
    checkPlan(plan, {
      ramBase: RAM_BASE,
      ramSize: this.ram.size,
      fdtStart: this.fdtAddress,
      fdtEnd: Math.min(this.fdtAddress + FDT_RESERVED, ramEnd),
    });
    for (const segment of plan.segments) {
      if (segment.bytes.length > 0) this.ram.loadBytes(segment.address >>> 0, segment.bytes);
    }
    this.reset(plan.entry >>> 0);
  }

  /**
   * Runs until the test finisher is written, `budget` instructions retire, the hart is about
   * to execute an instruction at one of the {@link VirtMachine.breakpoints} (not counting the
   * first instruction of the run, so that a run resumes from a breakpoint), or the hart waits
   * with nothing left that could wake it.
   *
   * @param budget instructions to retire at most: a non-negative safe integer (0 runs nothing
   * and returns at once), or `Infinity` for no budget (the run then ends only with the guest).
   * @throws {@link MachineError} `BAD_ARGUMENT` for any other budget (`NaN`, negative,
   * fractional, above `Number.MAX_SAFE_INTEGER`), before anything runs.
   *
   * @example
   * ```ts
   * import { assemble, elfImage } from '@trapeze/isa';
   * import { VirtMachine } from '@trapeze/machine';
   *
   * const program = assemble(`
   *   _start:
   *     li a0, 1
   *   again:
   *     slli a0, a0, 1
   *     j again
   * `);
   * const machine = new VirtMachine();
   * machine.loadElf(elfImage(program));
   * machine.run(100); // → { kind: 'budget', code: 0, instructions: 100 }
   *
   * const again = program.symbols.find((s) => s.name === 'again')?.value ?? 0;
   * machine.breakpoints.add(again);
   * machine.run(100); // → { kind: 'breakpoint', code: 0 }
   * machine.hart.pc === again; // → true
   * machine.run(100).kind; // → 'breakpoint'
   * ```
   */
  run(budget: number): RunExit {
    checkInteger(budget, 'VirtMachine.run: budget', 0, Number.MAX_SAFE_INTEGER, true);
    const hart = this.hart;
    const clock = this.clock;
    const core = this.core;
    const start = hart.retired;
    const end = start + budget;
    core.resumeFromBreakpoint();
    for (;;) {
      const exit = this.finisher.exit;
      if (exit !== undefined) {
        this.finisher.clear();
        return { kind: exit.kind, code: exit.code, instructions: hart.retired - start };
      }
      if (hart.retired >= end) return { kind: 'budget', code: 0, instructions: budget };
      let next = this.nextEventNs();
      if (clock.ns < next) {
        // Run until the budget, the next device deadline (virtual time is retired
        // instructions, plus the traps QEMU counts, plus skipped idle time) or a device access
        // (it may move deadlines or write the finisher).
        const stopped = core.run(end, next - clock.skipped);
        if (stopped === EXIT_STUCK)
          return { kind: 'stuck', code: 0, instructions: hart.retired - start };
        if (stopped === EXIT_BREAKPOINT)
          return { kind: 'breakpoint', code: 0, instructions: hart.retired - start };
        // The bare machine sets no trap sink; a trap stopped by one set from outside goes on.
        if (stopped === EXIT_TRAP) core.deliverTrap();
        if (stopped === EXIT_IDLE) {
          // WFI with nothing pending: skip virtual time to the next device event (or stop).
          next = this.nextEventNs();
          if (!Number.isFinite(next) || this.idleMode === 'stop')
            return this.idleExit(next, hart.retired - start);
          clock.skipToNs(next);
        }
      }
      if (clock.ns >= next) {
        this.clint.update();
        this.uart.update();
        this.rtc.update();
      }
    }
  }

  /** The `idle` exit of a hart waiting for the deadline `next` (`Infinity`: none). */
  private idleExit(next: number, instructions: number): RunExit {
    return Number.isFinite(next)
      ? { kind: 'idle', code: 0, instructions, wakeNs: next }
      : { kind: 'idle', code: 0, instructions };
  }

  /** Virtual time (ns) of the next device event: the timer, the UART timeout, the RTC alarm. */
  private nextEventNs(): number {
    const next = Math.min(
      this.clint.nextDeadlineNs(),
      this.uart.nextDeadline() * NS_PER_TICK,
      this.rtc.nextDeadline() * NS_PER_TICK,
    );
    // A deadline past 2^53 ns (≈ 104 days; an RTC alarm set far ahead) is never reached: the
    // virtual clock counts exact nanoseconds only up to there, as the CLINT's deadline does.
    return next > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : next;
  }

  /**
   * Counters as QEMU reports them under icount: virtual nanoseconds, counting the instruction
   * that reads them (docs/qemu-virt.md).
   */
  private readCounter(csr: number): number | undefined {
    switch (csr) {
      case CYCLE:
      case MCYCLE:
        return this.counters.half(0, false);
      case INSTRET:
      case MINSTRET:
        return this.counters.half(2, false);
      case CYCLE + HIGH:
      case MCYCLE + HIGH:
        return this.counters.half(0, true);
      case INSTRET + HIGH:
      case MINSTRET + HIGH:
        return this.counters.half(2, true);
      case TIME:
        return Number(this.clint.mtime & 0xffffffffn);
      case TIME + HIGH:
        return Number(this.clint.mtime >> 32n);
      default:
        return Pmp.isPmpCsr(csr) ? this.pmp.readCsr(csr) : undefined;
    }
  }

  private writeCounter(csr: number, value: number): boolean {
    if (csr === MCYCLE || csr === MINSTRET || csr === MCYCLE + HIGH || csr === MINSTRET + HIGH) {
      this.counters.write(csr === MCYCLE || csr === MCYCLE + HIGH ? 0 : 2, value, csr > MINSTRET);
      return true;
    }
    if (Pmp.isPmpCsr(csr)) {
      this.pmp.writeCsr(csr, value);
      return true;
    }
    return false;
  }
}
