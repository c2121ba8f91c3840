/**
 * Numbers of the VIRTIO 1.2 specification that the transport, the virtqueues and the devices
 * share: device status bits, feature bits, descriptor flags and the virtio-mmio register map.
 *
 * @module
 */

/** Device status bits (VIRTIO 1.2 §2.1). */
export const VIRTIO_STATUS = {
  /** The guest has noticed the device. */
  ACKNOWLEDGE: 1,
  /** The guest knows how to drive the device. */
  DRIVER: 2,
  /** The driver is set up and ready to drive the device. */
  DRIVER_OK: 4,
  /** The driver has acknowledged the features it understands; negotiation is complete. */
  FEATURES_OK: 8,
  /** The device has met an error it cannot recover from: the driver must reset it. */
  DEVICE_NEEDS_RESET: 0x40,
  /** The guest has given up on the device. */
  FAILED: 0x80,
} as const;

/** Feature bits the transport and the split virtqueues implement (VIRTIO 1.2 §6). */
export const VIRTIO_F = {
  /** Descriptors of type `VIRTQ_DESC_F_INDIRECT` (a table of descriptors elsewhere). */
  RING_INDIRECT_DESC: 28,
  /** `used_event` / `avail_event`: notifications and interrupts suppressed by index. */
  RING_EVENT_IDX: 29,
  /** VIRTIO 1.x ("modern") device. */
  VERSION_1: 32,
} as const;

/** Descriptor flags (VIRTIO 1.2 §2.7.5). */
export const VIRTQ_DESC_F = {
  /** The chain goes on at `next`. */
  NEXT: 1,
  /** The buffer is written by the device (otherwise read by it). */
  WRITE: 2,
  /** The buffer is a table of descriptors. */
  INDIRECT: 4,
} as const;

/** `flags` of the available ring: the driver asks for no interrupts (without event index). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** `flags` of the used ring: the device asks for no notifications (without event index). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Bits of the virtio-mmio `InterruptStatus` register. */
export const VIRTIO_MMIO_INT = {
  /** A used buffer was added to a virtqueue. */
  VRING: 1,
  /** The device configuration (or the status's `DEVICE_NEEDS_RESET`) changed. */
  CONFIG: 2,
} as const;

/** Offsets of the virtio-mmio registers, version 2 (VIRTIO 1.2 §4.2.2). */
export const VIRTIO_MMIO = {
  MAGIC_VALUE: 0x000,
  VERSION: 0x004,
  DEVICE_ID: 0x008,
  VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010,
  DEVICE_FEATURES_SEL: 0x014,
  DRIVER_FEATURES: 0x020,
  DRIVER_FEATURES_SEL: 0x024,
  QUEUE_SEL: 0x030,
  QUEUE_NUM_MAX: 0x034,
  QUEUE_NUM: 0x038,
  QUEUE_READY: 0x044,
  QUEUE_NOTIFY: 0x050,
  INTERRUPT_STATUS: 0x060,
  INTERRUPT_ACK: 0x064,
  STATUS: 0x070,
  QUEUE_DESC_LOW: 0x080,
  QUEUE_DESC_HIGH: 0x084,
  QUEUE_DRIVER_LOW: 0x090,
  QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0,
  QUEUE_DEVICE_HIGH: 0x0a4,
  SHM_SEL: 0x0ac,
  SHM_LEN_LOW: 0x0b0,
  SHM_LEN_HIGH: 0x0b4,
  SHM_BASE_LOW: 0x0b8,
  SHM_BASE_HIGH: 0x0bc,
  CONFIG_GENERATION: 0x0fc,
  /** Start of the device-specific configuration space. */
  CONFIG: 0x100,
} as const;

/** virtio device IDs (VIRTIO 1.2 §5). */
export const VIRTIO_ID = {
  NET: 1,
  BLOCK: 2,
  CONSOLE: 3,
  ENTROPY: 4,
} as const;

/** One bit of a 64-bit feature set. */
export function featureBit(bit: number): bigint {
  return 1n << BigInt(bit);
}
