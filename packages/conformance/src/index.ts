/**
 * `@trapeze/conformance`: the Trapeze VM contract (version 1), generated guest programs and the
 * properties that check an engine against the bare machine and against QEMU.
 *
 * @packageDocumentation
 */
export type {
  Capabilities,
  DumpedState,
  DumpedTrap,
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
export type { CorpusCase, NewCorpusCase } from './corpus.js';
export {
  CORPUS_VERSION,
  corpusCaseName,
  DEFAULT_CORPUS_DIR,
  readCorpus,
  writeCorpusCase,
} from './corpus.js';
export type { DiffOptions, DumpDifference, DumpErrorCode, ParsedDump } from './dump.js';
export {
  compareMask,
  DUMP_HEADER,
  DUMP_TRAILER,
  DumpError,
  definedBits,
  diffDumps,
  formatDump,
  hex8,
  parseDump,
  parseDumpStrict,
} from './dump.js';
export type {
  BareEngine,
  BareEngineOptions,
  BareSnapshot,
  BoardEngineOptions,
} from './engines/bare.js';
export {
  BARE_CAPABILITIES,
  BARE_READ_ONLY_MASKS,
  BARE_WARL_MASKS,
  bareEngine,
  boardEngine,
} from './engines/bare.js';
export type { EngineErrorCode } from './engines/errors.js';
export { EngineError } from './engines/errors.js';
export { fnv1a32 } from './engines/fnv.js';
export { checkContractVersion, programRunnerFor } from './engines/in-process-runner.js';
export type { ExitStatusMap, ProcessRunnerOptions } from './engines/process.js';
export {
  commandWords,
  defaultExitStatus,
  processRunner,
  splitCommand,
} from './engines/process.js';
export type { QemuRunnerOptions } from './engines/qemu.js';
export {
  QEMU_BINARY,
  QEMU_CAPABILITIES,
  QEMU_READ_ONLY_MASKS,
  QEMU_WARL_MASKS,
  qemuCommand,
  qemuRunner,
} from './engines/qemu.js';
export type { TrapezeRunOptions } from './engines/trapeze-run.js';
export { trapezeRunExitStatus, trapezeRunRunner } from './engines/trapeze-run.js';
export type { ConformanceErrorCode } from './errors.js';
export { ConformanceError } from './errors.js';
export type { HarnessProgram } from './harness.js';
export {
  buildImage,
  buildProgram,
  DUMP_CSRS,
  dataPatternWord,
  END_MAGIC,
  harnessSource,
  initialDataPage,
  initialRegister,
  TRAP_LIMIT,
} from './harness.js';
export type {
  AmoOp,
  Avoidable,
  BodyRecord,
  BranchOp,
  CsrAccess,
  CsrOp,
  GenContext,
  GenContextOptions,
  ImmOp,
  LoadOp,
  PatchOp,
  Program,
  RegOp,
  StoreOp,
  Template,
  TemplateOptions,
  TrapKind,
} from './program/index.js';
export {
  DATA_REGISTER,
  expectedResourceFaults,
  genContext,
  HOLES,
  instructionCount,
  KNOWN_QEMU_DIFFERENCES,
  LOOP_REGISTER,
  machineCsrs,
  minimizeBody,
  RESERVED_REGISTERS,
  RESOURCE_COUNTERS,
  renderBody,
  renderProgram,
  renderRecord,
  SCRATCH_A,
  SCRATCH_B,
  supervisorCsrs,
  TEMPLATES,
  templateByName,
  WRITABLE_REGISTERS,
} from './program/index.js';
export type { PropertyName, Verdict } from './properties.js';
export {
  bodyPrivilege,
  checkDeterminism,
  checkEquivalence,
  checkResourceControl,
  checkSnapshot,
  compareOutcomes,
  DEFAULT_BUDGET,
  describeDifferences,
  determinism,
  efficiency,
  equivalence,
  PROPERTY_NAMES,
  programImage,
  programSource,
  resourceControl,
  runProgram,
  splitRunDeterminism,
  syncPointEquivalence,
} from './properties.js';
export { jsonReport, junitXml, summaryTable, writeReports } from './report.js';
export type {
  CampaignFailure,
  CampaignOptions,
  CampaignProgress,
  CampaignResult,
  PropertyResult,
  Shard,
  TemplateResult,
} from './runner.js';
export { MAX_CONCURRENCY, MAX_RECORDS, runCampaign, runSeed, shardRange } from './runner.js';
export type { BudgetSchedule, SyncMismatch } from './sync-points.js';
export { budgetSchedule, compareSplitRun, compareSyncPoints } from './sync-points.js';
