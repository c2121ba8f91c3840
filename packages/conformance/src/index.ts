/**
 * `@trapeze/conformance`: the Trapeze VM contract (version 1), generated guest programs and the
 * properties that check an engine against the bare machine and against QEMU.
 *
 * @packageDocumentation
 */
export type {
  Capabilities,
  DumpedState,
  Engine,
  EngineStats,
  GuestImage,
  GuestSegment,
  GuestState,
  Privilege,
  ProgramOutcome,
  ProgramRunner,
  RunExit,
  Vm,
  VmOptions,
} from './contract.js';
export { CONTRACT_VERSION, COUNTER_CSRS, GUEST_CSRS } from './contract.js';
