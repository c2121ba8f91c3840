/**
 * The device tree of the `virt` board, byte for byte the blob QEMU 7.2 loads for
 * `qemu-system-riscv32 -M virt -cpu rv32,f=false,d=false,h=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false`
 * (one hart, no NUMA, no ACLINT, no AIA), the 32 bytes of `/chosen/rng-seed` apart. Guests
 * walk the tree, so the instructions they execute depend on every byte of it: the tree
 * describes QEMU's whole board, devices Trapeze does not model included (PCI, virtio-mmio
 * slots, flash, fw-cfg, PMU), and is built by replaying the libfdt calls of QEMU's
 * `hw/riscv/virt.c` (`create_fdt` and the functions it calls) in their order, which fixes the
 * order of nodes, properties and strings.
 *
 * @module
 */

import { VIRT_MAP, VIRT_VIRTIO_SLOTS } from '@trapeze/devices';
import { Interrupt } from '@trapeze/isa';
import { checkInteger } from './arguments.js';
import { MachineError } from './errors.js';
import { FdtBuilder } from './fdt.js';

/** What the device tree says about a machine. */
export interface VirtFdtOptions {
  /** Physical base of RAM: a non-negative safe integer (written as two cells). */
  readonly ramBase: number;
  /** RAM size in bytes: a positive safe integer (written as two cells). */
  readonly ramSize: number;
  /** The ISA string of the hart (`riscv,isa`); {@link VIRT_ISA}, QEMU's, by default. */
  readonly isa?: string;
  /** Kernel command line (`/chosen/bootargs`), as QEMU's `-append`: empty means none. */
  readonly bootargs?: string;
  /** `/chosen/rng-seed`: 32 bytes ({@link RNG_SEED_BYTES}); 32 zero bytes by default. */
  readonly rngSeed?: Uint8Array;
}

/** Timebase of `mtime`: 10 MHz. */
export const TIMEBASE_FREQUENCY = 10_000_000;

/**
 * The hart's `riscv,isa` on QEMU 7.2 with F, D, H, Zba, Zbb, Zbc, Zbs and Sstc turned off:
 * Zihintpause cannot be turned off there; its PAUSE is a FENCE hint, which Trapeze executes
 * as the FENCE it encodes.
 */
export const VIRT_ISA = 'rv32imac_zicsr_zifencei_zihintpause';

/**
 * Length of `/chosen/rng-seed`. QEMU writes that many random bytes, different on every run (and
 * drawn again at its first reset, so `-machine dumpdtb` does not show the ones a guest gets);
 * Trapeze writes zero bytes unless given a seed, so that runs repeat and the blob keeps QEMU's
 * length and offsets. A kernel seeds its random numbers from them, and what it does with
 * random numbers (key serials, hash tables, randomised tests) changes its instruction counts.
 */
export const RNG_SEED_BYTES = 32;

const ZERO_SEED = new Uint8Array(RNG_SEED_BYTES);

/**
 * Regions of QEMU's `virt_memmap` the tree describes beyond {@link VIRT_MAP} and
 * {@link VIRT_VIRTIO_SLOTS}.
 */
const QEMU_VIRT_MAP = {
  platformBus: { base: 0x0400_0000, size: 0x0200_0000 },
  fwCfg: { base: 0x1010_0000, size: 0x18 },
  /** Two CFI flash banks of half the size each. */
  flash: { base: 0x2000_0000, size: 0x0400_0000 },
  pcieEcam: { base: 0x3000_0000, size: 0x1000_0000 },
  pciePio: { base: 0x0300_0000, size: 0x1_0000 },
  pcieMmio: { base: 0x4000_0000, size: 0x4000_0000 },
  /** The high PCIe MMIO window of 32-bit harts, above 4 GiB whatever the RAM size. */
  pcieHighMmio: { base: 0x3_0000_0000, size: 0x1_0000_0000 },
} as const;

/**
 * The PLIC's `reg` size: QEMU's memory map reserves contexts for 512 harts (0x60_0000 bytes),
 * less than the 64 MiB of the PLIC specification that {@link VIRT_MAP} maps.
 */
const PLIC_REG_SIZE = 0x60_0000;
/** `riscv,ndev`: PLIC sources 1 to 96. */
const PLIC_SOURCES = 96;
/** The PLIC sources of PCI INTA to INTD. */
const PCIE_IRQ = 32;
/** PCI interrupt pins (INTA to INTD), and the device slots the interrupt map covers. */
const PCI_PINS = 4;
const UART_CLOCK = 3_686_400;
/** The SiFive test finisher's values for reboot and power-off. */
const FINISHER_RESET = 0x7777;
const FINISHER_PASS = 0x5555;
/** PCI `ranges` space codes: I/O, 32-bit memory, 64-bit memory. */
const PCI_RANGE_IOPORT = 0x0100_0000;
const PCI_RANGE_MMIO = 0x0200_0000;
const PCI_RANGE_MMIO_64BIT = 0x0300_0000;

/**
 * `riscv,event-to-mhpmcounters` of QEMU's PMU (`riscv_pmu_generate_fdt_node`, 16 counters):
 * triples of first event, last event and counter mask, in a 20-cell array whose unused tail
 * stays zero. Counters 3 to 18 count every event; cycles may also go to `mcycle` (bit 0),
 * instructions to `minstret` (bit 2).
 */
function pmuEventMap(): number[] {
  const hpmCounters = 0xffff << 3;
  const map = [
    [0x1, 0x1, hpmCounters | 1], // cycles
    [0x2, 0x2, hpmCounters | 4], // instructions retired
    [0x10019, 0x10019, hpmCounters], // D-TLB read miss
    [0x1001b, 0x1001b, hpmCounters], // D-TLB write miss
    [0x10021, 0x10021, hpmCounters], // I-TLB read miss
  ].flat();
  return [...map, ...new Array<number>(20 - map.length).fill(0)];
}

/** A 64-bit number as two cells, high first. */
function cells64(value: number): number[] {
  return [Math.floor(value / 0x1_0000_0000), value >>> 0];
}

/** `reg` of a region: address and size in two cells each. */
function reg(base: number, size: number): number[] {
  return [...cells64(base), ...cells64(size)];
}

const hex = (n: number) => n.toString(16);

/**
 * Builds the `virt` device tree blob.
 *
 * @throws {@link MachineError} `BAD_ARGUMENT` for a `ramBase` or `ramSize` out of range.
 */
export function virtFdt(options: VirtFdtOptions): Uint8Array {
  checkInteger(options.ramBase, 'virtFdt: ramBase', 0, Number.MAX_SAFE_INTEGER);
  checkInteger(options.ramSize, 'virtFdt: ramSize', 1, Number.MAX_SAFE_INTEGER);
  const rngSeed = options.rngSeed ?? ZERO_SEED;
  if (!(rngSeed instanceof Uint8Array) || rngSeed.length !== RNG_SEED_BYTES)
    throw new MachineError(
      'BAD_ARGUMENT',
      `virtFdt: rngSeed must be a Uint8Array of ${RNG_SEED_BYTES} bytes`,
    );
  const { clint, plic, uart0, test, rtc } = VIRT_MAP;
  const { platformBus, fwCfg, flash, pcieEcam, pciePio, pcieMmio, pcieHighMmio } = QEMU_VIRT_MAP;
  const fdt = new FdtBuilder();
  const set = fdt.setProperty.bind(fdt);
  let nextPhandle = 1;

  // create_fdt
  set('/', 'model', 'riscv-virtio,qemu');
  set('/', 'compatible', 'riscv-virtio');
  set('/', '#size-cells', [2]);
  set('/', '#address-cells', [2]);
  fdt.addNode('/soc');
  set('/soc', 'ranges', true);
  set('/soc', 'compatible', 'simple-bus');
  set('/soc', '#size-cells', [2]);
  set('/soc', '#address-cells', [2]);

  // create_fdt_sockets: one socket, one hart
  fdt.addNode('/cpus');
  set('/cpus', 'timebase-frequency', [TIMEBASE_FREQUENCY]);
  set('/cpus', '#size-cells', [0]);
  set('/cpus', '#address-cells', [1]);
  fdt.addNode('/cpus/cpu-map');
  fdt.addNode('/cpus/cpu-map/cluster0');
  // create_fdt_socket_cpus
  const cpuPhandle = nextPhandle++;
  const cpu = '/cpus/cpu@0';
  fdt.addNode(cpu);
  set(cpu, 'mmu-type', 'riscv,sv32');
  set(cpu, 'riscv,isa', options.isa ?? VIRT_ISA);
  set(cpu, 'compatible', 'riscv');
  set(cpu, 'status', 'okay');
  set(cpu, 'reg', [0]);
  set(cpu, 'device_type', 'cpu');
  set(cpu, 'phandle', [cpuPhandle]);
  const intcPhandle = nextPhandle++;
  const intc = `${cpu}/interrupt-controller`;
  fdt.addNode(intc);
  set(intc, 'phandle', [intcPhandle]);
  set(intc, 'compatible', 'riscv,cpu-intc');
  set(intc, 'interrupt-controller', true);
  set(intc, '#interrupt-cells', [1]);
  fdt.addNode('/cpus/cpu-map/cluster0/core0');
  set('/cpus/cpu-map/cluster0/core0', 'cpu', [cpuPhandle]);
  // create_fdt_socket_memory
  const memory = `/memory@${hex(options.ramBase)}`;
  fdt.addNode(memory);
  set(memory, 'reg', reg(options.ramBase, options.ramSize));
  set(memory, 'device_type', 'memory');
  // create_fdt_socket_clint
  const clintNode = `/soc/clint@${hex(clint.base)}`;
  fdt.addNode(clintNode);
  set(clintNode, 'compatible', ['sifive,clint0', 'riscv,clint0']);
  set(clintNode, 'reg', reg(clint.base, clint.size));
  set(clintNode, 'interrupts-extended', [
    intcPhandle,
    Interrupt.MachineSoftware,
    intcPhandle,
    Interrupt.MachineTimer,
  ]);
  // create_fdt_socket_plic
  const plicPhandle = nextPhandle++;
  const plicNode = `/soc/plic@${hex(plic.base)}`;
  fdt.addNode(plicNode);
  set(plicNode, '#interrupt-cells', [1]);
  set(plicNode, '#address-cells', [0]);
  set(plicNode, 'compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  set(plicNode, 'interrupt-controller', true);
  set(plicNode, 'interrupts-extended', [
    intcPhandle,
    Interrupt.MachineExternal,
    intcPhandle,
    Interrupt.SupervisorExternal,
  ]);
  set(plicNode, 'reg', reg(plic.base, PLIC_REG_SIZE));
  set(plicNode, 'riscv,ndev', [PLIC_SOURCES]);
  set(plicNode, 'phandle', [plicPhandle]);
  // platform_bus_add_all_fdt_nodes (no dynamic sysbus devices)
  const bus = `/platform-bus@${hex(platformBus.base)}`;
  fdt.addNode(bus);
  set(bus, 'compatible', ['qemu,platform', 'simple-bus']);
  set(bus, '#size-cells', [1]);
  set(bus, '#address-cells', [1]);
  set(bus, 'ranges', [0, ...cells64(platformBus.base), platformBus.size]);
  set(bus, 'interrupt-parent', [plicPhandle]);

  // create_fdt_virtio
  for (const { base, size, irq } of VIRT_VIRTIO_SLOTS) {
    const name = `/soc/virtio_mmio@${hex(base)}`;
    fdt.addNode(name);
    set(name, 'compatible', 'virtio,mmio');
    set(name, 'reg', reg(base, size));
    set(name, 'interrupt-parent', [plicPhandle]);
    if (irq !== undefined) set(name, 'interrupts', [irq]);
  }

  // create_fdt_pcie
  const pci = `/soc/pci@${hex(pcieEcam.base)}`;
  fdt.addNode(pci);
  set(pci, '#address-cells', [3]);
  set(pci, '#interrupt-cells', [1]);
  set(pci, '#size-cells', [2]);
  set(pci, 'compatible', 'pci-host-ecam-generic');
  set(pci, 'device_type', 'pci');
  set(pci, 'linux,pci-domain', [0]);
  set(pci, 'bus-range', [0, pcieEcam.size / 0x10_0000 - 1]); // 1 MiB of ECAM per bus
  set(pci, 'dma-coherent', true);
  set(pci, 'reg', reg(pcieEcam.base, pcieEcam.size));
  set(pci, 'ranges', [
    ...[PCI_RANGE_IOPORT, 0, 0, ...reg(pciePio.base, pciePio.size)],
    ...[PCI_RANGE_MMIO, ...cells64(pcieMmio.base), ...reg(pcieMmio.base, pcieMmio.size)],
    ...[
      PCI_RANGE_MMIO_64BIT,
      ...cells64(pcieHighMmio.base),
      ...reg(pcieHighMmio.base, pcieHighMmio.size),
    ],
  ]);
  // create_pcie_irq_map: slot s, pin p (INTA = 0) to source PCIE_IRQ + (p + s) mod 4
  const interruptMap: number[] = [];
  for (let slot = 0; slot < PCI_PINS; slot++) {
    for (let pin = 0; pin < PCI_PINS; pin++) {
      const source = PCIE_IRQ + ((pin + slot) % PCI_PINS);
      interruptMap.push(slot << 11, 0, 0, pin + 1, plicPhandle, source);
    }
  }
  set(pci, 'interrupt-map', interruptMap);
  set(pci, 'interrupt-map-mask', [0x1800, 0, 0, 0x7]);

  // create_fdt_reset
  const testPhandle = nextPhandle++;
  const testNode = `/soc/test@${hex(test.base)}`;
  fdt.addNode(testNode);
  set(testNode, 'compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  set(testNode, 'reg', reg(test.base, test.size));
  set(testNode, 'phandle', [testPhandle]);
  for (const [name, compatible, value] of [
    ['/reboot', 'syscon-reboot', FINISHER_RESET],
    ['/poweroff', 'syscon-poweroff', FINISHER_PASS],
  ] as const) {
    fdt.addNode(name);
    set(name, 'compatible', compatible);
    set(name, 'regmap', [testPhandle]);
    set(name, 'offset', [0]);
    set(name, 'value', [value]);
  }

  // create_fdt_uart
  const serial = `/soc/serial@${hex(uart0.base)}`;
  fdt.addNode(serial);
  set(serial, 'compatible', 'ns16550a');
  set(serial, 'reg', reg(uart0.base, uart0.size));
  set(serial, 'clock-frequency', [UART_CLOCK]);
  set(serial, 'interrupt-parent', [plicPhandle]);
  set(serial, 'interrupts', [uart0.irq]);
  fdt.addNode('/chosen');
  set('/chosen', 'stdout-path', serial);

  // create_fdt_rtc
  const rtcNode = `/soc/rtc@${hex(rtc.base)}`;
  fdt.addNode(rtcNode);
  set(rtcNode, 'compatible', 'google,goldfish-rtc');
  set(rtcNode, 'reg', reg(rtc.base, rtc.size));
  set(rtcNode, 'interrupt-parent', [plicPhandle]);
  set(rtcNode, 'interrupts', [rtc.irq]);

  // create_fdt_flash
  const flashNode = `/flash@${hex(flash.base)}`;
  const bank = flash.size / 2;
  fdt.addNode(flashNode);
  set(flashNode, 'compatible', 'cfi-flash');
  set(flashNode, 'reg', [...reg(flash.base, bank), ...reg(flash.base + bank, bank)]);
  set(flashNode, 'bank-width', [4]);

  // create_fdt_fw_cfg
  const fwCfgNode = `/fw-cfg@${hex(fwCfg.base)}`;
  fdt.addNode(fwCfgNode);
  set(fwCfgNode, 'compatible', 'qemu,fw-cfg-mmio');
  set(fwCfgNode, 'reg', reg(fwCfg.base, fwCfg.size));
  set(fwCfgNode, 'dma-coherent', true);

  // create_fdt_pmu
  fdt.addNode('/pmu');
  set('/pmu', 'compatible', 'riscv,pmu');
  set('/pmu', 'riscv,event-to-mhpmcounters', pmuEventMap());

  if (options.bootargs) set('/chosen', 'bootargs', options.bootargs);
  set('/chosen', 'rng-seed', rngSeed);
  return fdt.toBlob();
}
