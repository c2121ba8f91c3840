/**
 * `@trapeze/para-virt`: paravirtualization. The Trapeze PV ABI (docs/pv-abi.md: standard SBI
 * where SBI has the call, a vendor extension `TRPZ` for the rest; the guest SDK header
 * `@trapeze/para-virt/include/trapeze-pv.h`) and the hypervisor's side of it that is built so
 * far: the validation of a guest's own page tables, which the hardware then walks directly, and
 * the `para` engine (`ParaCore`, `createParaMachine`) that answers the calls.
 *
 * @packageDocumentation
 */
export * from './abi.js';
export type { ParaVirtErrorCode } from './errors.js';
export { ParaVirtError } from './errors.js';
export type { ParaCoreOptions } from './para-core.js';
export { PARA_DEVICE_FRAMES, ParaCore, POLL_INSTRUCTIONS } from './para-core.js';
export type { HostedVm, ParaHostOptions } from './para-host.js';
export { ParaHost } from './para-host.js';
export type { ParaMachineOptions } from './para-machine.js';
export { createParaMachine, paraBoard, paraExits } from './para-machine.js';
export type { StartOfDay } from './start-of-day.js';
export { TIMEBASE_HZ, writeStartOfDay } from './start-of-day.js';
export type { BatchResult, DeviceRange, FrameKind } from './table-validator.js';
export { TableValidator } from './table-validator.js';
