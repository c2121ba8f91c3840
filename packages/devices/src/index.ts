/**
 * `@trapeze/devices`: the device models of Trapeze's `virt` board — CLINT, PLIC, UART 16550A,
 * SiFive test finisher, Goldfish RTC and empty virtio-mmio slots — behind `@trapeze/mmu`'s `MmioDevice` interface,
 * with QEMU 7.2 `-M virt` behaviour and virtual time only.
 *
 * @packageDocumentation
 */
export type { ClintOptions, ClintSnapshot } from './clint.js';
export { CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP, CLINT_SIZE, Clint } from './clint.js';
export type { DeviceErrorCode } from './errors.js';
export { DeviceError } from './errors.js';
export type { GoldfishRtcOptions, GoldfishRtcSnapshot } from './goldfish-rtc.js';
export { GoldfishRtc, RTC_REG } from './goldfish-rtc.js';
export type { PlicOptions, PlicSnapshot } from './plic.js';
export {
  PLIC_CONTEXT_BASE,
  PLIC_CONTEXT_STRIDE,
  PLIC_ENABLE_BASE,
  PLIC_ENABLE_STRIDE,
  PLIC_MAX_PRIORITY,
  PLIC_NUM_CONTEXTS,
  PLIC_NUM_SOURCES,
  PLIC_PENDING_BASE,
  PLIC_PRIORITY_BASE,
  PLIC_SIZE,
  Plic,
} from './plic.js';
export type {
  ByteSink,
  SerialBackend,
  SerialInput,
  TerminalBackendOptions,
} from './serial-backend.js';
export { BufferBackend, QueuedSerialBackend, TerminalBackend } from './serial-backend.js';
export type { IrqLine, TimeSource } from './signals.js';
export type {
  FinisherExit,
  FinisherExitKind,
  TestFinisherOptions,
  TestFinisherSnapshot,
} from './test-finisher.js';
export {
  FINISHER_FAIL,
  FINISHER_PASS,
  FINISHER_RESET,
  TestFinisher,
} from './test-finisher.js';
export type { ModemLines, Uart16550Options, Uart16550Snapshot } from './uart16550.js';
export {
  FCR,
  IER,
  IIR,
  LCR,
  LSR,
  MCR,
  MSR,
  UART_FIFO_SIZE,
  UART_REG,
  Uart16550,
  VIRT_UART_BAUD_BASE,
} from './uart16550.js';
export type { VirtRegion } from './virt.js';
export { VIRT_MAP, VIRT_VIRTIO_SLOTS } from './virt.js';
export {
  VIRTIO_MMIO_LEGACY_VERSION,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VENDOR_QEMU,
  VirtioMmioSlot,
} from './virtio-mmio-slot.js';
