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
export type { BlockBackend } from './virtio/block-backend.js';
export { CowBlockBackend, MemoryBlockBackend, SECTOR_SIZE } from './virtio/block-backend.js';
export {
  featureBit,
  VIRTIO_F,
  VIRTIO_ID,
  VIRTIO_MMIO,
  VIRTIO_MMIO_INT,
  VIRTIO_STATUS,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F,
  VIRTQ_USED_F_NO_NOTIFY,
} from './virtio/constants.js';
export type { VirtioContext, VirtioDevice } from './virtio/device.js';
export { VirtioDeviceBase } from './virtio/device.js';
export { GuestMemory } from './virtio/guest-memory.js';
export type { NetBackend, NetworkSwitchStatistics } from './virtio/net-backend.js';
export { ETHERNET_HEADER, MAX_FRAME, NetworkSwitch } from './virtio/net-backend.js';
export type { VirtioBlkOptions, VirtioBlkStatistics } from './virtio/virtio-blk.js';
export {
  VIRTIO_BLK_F,
  VIRTIO_BLK_QUEUE_SIZE,
  VIRTIO_BLK_S,
  VIRTIO_BLK_T,
  VirtioBlk,
} from './virtio/virtio-blk.js';
export type { VirtioConsoleOptions } from './virtio/virtio-console.js';
export { VIRTIO_CONSOLE_QUEUE_SIZE, VirtioConsole } from './virtio/virtio-console.js';
export type {
  VirtioMmioOptions,
  VirtioMmioSnapshot,
  VirtioStatistics,
} from './virtio/virtio-mmio.js';
export { VIRTIO_MMIO_VERSION, VirtioMmio } from './virtio/virtio-mmio.js';
export type {
  VirtioNetOptions,
  VirtioNetSnapshot,
  VirtioNetStatistics,
} from './virtio/virtio-net.js';
export {
  DEFAULT_MAC,
  VIRTIO_NET_F,
  VIRTIO_NET_HEADER,
  VIRTIO_NET_QUEUE_SIZE,
  VirtioNet,
} from './virtio/virtio-net.js';
export type { VirtioRngOptions, VirtioRngSnapshot } from './virtio/virtio-rng.js';
export { VIRTIO_RNG_QUEUE_SIZE, VirtioRng } from './virtio/virtio-rng.js';
export type { BufferSegment, VirtqueueSnapshot } from './virtio/virtqueue.js';
export {
  DescriptorChain,
  VIRTQUEUE_MAX_SIZE,
  Virtqueue,
  VirtqueueError,
} from './virtio/virtqueue.js';
export {
  VIRTIO_MMIO_LEGACY_VERSION,
  VIRTIO_MMIO_MAGIC,
  VIRTIO_MMIO_SIZE,
  VIRTIO_MMIO_VENDOR_QEMU,
  VirtioMmioSlot,
} from './virtio-mmio-slot.js';
