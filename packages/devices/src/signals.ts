/**
 * How devices see the rest of the machine: virtual time and interrupt lines.
 *
 * @module
 */

/**
 * Virtual time in timer ticks (10 MHz timebase: one tick is 100 ns). A non-negative integer
 * below 2^53, derived from retired instructions by the machine, never from host time. A device
 * that reads anything else from it throws a {@link DeviceError} `BAD_OPTION`.
 */
export type TimeSource = () => number;

/**
 * An interrupt line: the device drives it high or low (level-triggered). Devices call it at
 * every re-evaluation while the line is high, not only when it changes, as QEMU's do (the
 * PLIC latches each raise).
 */
export type IrqLine = (level: boolean) => void;
