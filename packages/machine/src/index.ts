/**
 * `@trapeze/machine`: the `virt` board — a `@trapeze/cpu` core with RAM, MMU, PMP and devices at
 * QEMU's addresses, an ELF loader, QEMU's `-bios none` reset, and a deterministic run loop in
 * virtual time (the bare engine).
 *
 * @packageDocumentation
 */

export type { CountersSnapshot } from './counters.js';
export type { MachineErrorCode } from './errors.js';
export { MachineError } from './errors.js';
export type { FdtNode, FdtValue } from './fdt.js';
export { FdtBuilder, writeFdt } from './fdt.js';
export type { MachineSnapshot, VirtioSnapshotPart } from './machine-snapshot.js';
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from './machine-snapshot.js';
export { QEMU_REFERENCE_ARGS, QEMU_REFERENCE_CPU } from './qemu-reference.js';
export { RESET_VECTOR, resetRom } from './reset-rom.js';
export type { VirtFdtOptions } from './virt-fdt.js';
export { RNG_SEED_BYTES, TIMEBASE_FREQUENCY, VIRT_ISA, virtFdt } from './virt-fdt.js';
export type {
  ExitKind,
  IdleMode,
  LoadedImage,
  RunExit,
  VirtioPlacement,
  VirtioSlot,
  VirtMachineOptions,
} from './virt-machine.js';
export { DEFAULT_CORE, DEFAULT_RAM_SIZE, RAM_BASE, VirtMachine } from './virt-machine.js';
export { NS_PER_TICK, VirtualClock } from './virtual-clock.js';
