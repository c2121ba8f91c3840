/**
 * `@trapeze/devices`: the device models of Trapeze's `virt` board — CLINT, PLIC, UART 16550A,
 * SiFive test finisher, Goldfish RTC, empty virtio-mmio slots, fw-cfg, CFI flash and the PCIe
 * host bridge with its empty windows — behind `@trapeze/mmu`'s `MmioDevice` interface,
 * with QEMU 7.2 `-M virt` behaviour and virtual time only.
 *
 * @packageDocumentation
 */
export type { CfiFlashMode, CfiFlashOptions, CfiFlashSnapshot } from './cfi-flash.js';
export {
  CfiFlash,
  FLASH_BANK_SIZE,
  FLASH_DEVICE_ID,
  FLASH_MANUFACTURER_ID,
  FLASH_SECTOR_SIZE,
  FLASH_WRITE_BUFFER_SIZE,
} from './cfi-flash.js';
export type { ClintOptions, ClintSnapshot } from './clint.js';
export { CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP, CLINT_SIZE, Clint } from './clint.js';
export type { DeviceErrorCode } from './errors.js';
export { DeviceError } from './errors.js';
export type { DmaMemory, FwCfgFile, FwCfgOptions, FwCfgSnapshot } from './fw-cfg.js';
export {
  FW_CFG_DMA,
  FW_CFG_DMA_SIGNATURE,
  FW_CFG_KEY,
  FW_CFG_REG,
  FW_CFG_SIZE,
  FwCfg,
  QEMU_VIRT_FW_CFG_FILES,
} from './fw-cfg.js';
export type { GoldfishRtcOptions, GoldfishRtcSnapshot } from './goldfish-rtc.js';
export { GoldfishRtc, RTC_REG } from './goldfish-rtc.js';
export type { PciHostOptions, PciHostSnapshot } from './pci-host.js';
export {
  PCI_CLASS_HOST_BRIDGE,
  PCI_COMMAND_WRITABLE,
  PCI_CONFIG,
  PCI_DEVICE_GPEX_ROOT,
  PCI_ECAM_SIZE,
  PCI_SUBSYSTEM_QEMU,
  PCI_SUBSYSTEM_VENDOR_QEMU,
  PCI_VENDOR_REDHAT,
  PciHost,
} from './pci-host.js';
export type { PciWindowOptions } from './pci-window.js';
export { PciWindow } from './pci-window.js';
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
