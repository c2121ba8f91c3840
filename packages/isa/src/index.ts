/**
 * `@trapeze/isa`: the RV32 instruction set as one table — decoder, encoder, disassembler,
 * assembler, instruction classes and the CSR catalogue.
 *
 * @packageDocumentation
 */
export type { AliasCondition, AliasRule } from './aliases.js';
export { ALIASES, aliasesOf, aliasRules } from './aliases.js';
export type {
  AssembledSection,
  AssembledSymbol,
  AssembleOptions,
  AssembleResult,
} from './assembler/assembler.js';
export { assemble } from './assembler/assembler.js';
export { elfImage } from './assembler/elf-image.js';
export type { SourcePosition } from './assembler/errors.js';
export { AssembleError, AssemblyError, MAX_QUOTED } from './assembler/errors.js';
export { MAX_EXPRESSION_DEPTH } from './assembler/expression.js';
export type { ImmediateRange, ImmediateScheme, Segment } from './bits.js';
export {
  fitsImmediate,
  immediateRange,
  readImmediate,
  signExtend,
  writeImmediate,
} from './bits.js';
export type { Classification, PrivilegeMode, TrapBehaviour } from './classify.js';
export { classify, csrReads, csrWrites } from './classify.js';
export type { CompressibleOperands } from './compress.js';
export { compress } from './compress.js';
export type { CsrField, CsrInfo, CsrPrivilege } from './csr.js';
export { CSRS, csrByAddress, csrByName, csrName, csrPrivilege, csrReadOnly } from './csr.js';
export type { Decoder, DecoderOptions } from './decoder.js';
export { createDecoder, decode, isCompressed, rv32imacDecoder } from './decoder.js';
export type { MutableInstruction } from './decoder-tables.js';
export { createInstructionRecord } from './decoder-tables.js';
export type { DisassembleOptions } from './disassembler.js';
export { disassemble, expandCompressed, fenceSetText, UNKNOWN } from './disassembler.js';
export type {
  ElfErrorCode,
  ElfFile,
  ElfSection,
  ElfSectionInput,
  ElfSegment,
  ElfSymbol,
  ElfSymbolInput,
  ElfWriteInput,
} from './elf.js';
export {
  EF_RISCV_RVC,
  ElfError,
  EM_RISCV,
  isElf,
  PT_DYNAMIC,
  PT_GNU_EH_FRAME,
  PT_GNU_PROPERTY,
  PT_GNU_RELRO,
  PT_GNU_STACK,
  PT_HIOS,
  PT_HIPROC,
  PT_INTERP,
  PT_LOAD,
  PT_LOOS,
  PT_LOPROC,
  PT_NOTE,
  PT_NULL,
  PT_PHDR,
  PT_RISCV_ATTRIBUTES,
  PT_SHLIB,
  PT_TLS,
  parseElf,
  segmentTypeName,
  writeElf,
} from './elf.js';
export type { EncodeErrorCode, EncodeInput } from './encoder.js';
export { EncodeError, encode } from './encoder.js';
export type { IsaErrorCode } from './errors.js';
export { IsaError } from './errors.js';
export { widenNumberFields } from './fields.js';
export { div, divu, mulh, mulhsu, mulhu, rem, remu } from './hart/arithmetic.js';
export {
  causeName,
  DELEGABLE_EXCEPTIONS,
  DELEGABLE_INTERRUPTS,
  Exception,
  INTERRUPT_BIT,
  INTERRUPT_PRIORITY,
  Interrupt,
} from './hart/causes.js';
export type { CsrSnapshot, ExternalCsrs, PrivilegeLevel } from './hart/csr-file.js';
export {
  CSR_SNAPSHOT_KEYS,
  CsrFile,
  MIP_MEIP,
  MIP_MSIP,
  MIP_MTIP,
  MIP_SEIP,
  MIP_SSIP,
  MIP_STIP,
  MISA,
  Privilege,
} from './hart/csr-file.js';
export {
  CSR_INSTRUCTIONS,
  CSR_WORD_COUNT,
  CSR_WORD_FIELDS,
  CSR_WORDS,
  type CsrOperation,
  type CsrWord,
  type CsrWordField,
  combineCsr,
  csrWord,
  readCsrWord,
  writeCsrWord,
} from './hart/csr-words.js';
export { execute, implementedInstructions } from './hart/execute.js';
export type { HartSnapshot } from './hart/hart.js';
export { Hart, STUCK_TRAPS } from './hart/hart.js';
export type { AccessKind, HartMemory } from './hart/memory.js';
export { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, fetchParcels } from './hart/memory.js';
export type {
  BranchSemantics,
  JumpSemantics,
  LoadSemantics,
  OperandTexts,
  Semantics,
  StoreSemantics,
  ValueSemantics,
} from './hart/semantics.js';
export {
  bindOperands,
  compileSemantics,
  SEMANTIC_HELPER_FUNCTIONS,
  SEMANTIC_HELPERS,
  SEMANTICS,
} from './hart/semantics.js';
export * from './hart/status-bits.js';
export type { TriggerSnapshot } from './hart/triggers.js';
export {
  isLegalTdata1,
  legalTdata1,
  TDATA1_RESET,
  TINFO,
  TRIGGER_ACCESS_AMO,
  TRIGGER_ACCESS_LOAD,
  TRIGGER_ACCESS_STORE,
  TRIGGER_COUNT,
  TRIGGER_EXECUTE,
  TRIGGER_LOAD,
  TRIGGER_M,
  TRIGGER_S,
  TRIGGER_STORE,
  TRIGGER_U,
  TRIGGER_VS,
  TRIGGER_VU,
  Triggers,
} from './hart/triggers.js';
export { isHint, isHintEncoding } from './hints.js';
export type { Instruction } from './instruction.js';
export { DecodedInstruction, ILLEGAL_16, ILLEGAL_32 } from './instruction.js';
export type { IsaConfig } from './isa.js';
export { IsaStringError, parseIsa, RV32IMAC, RV32IMACH } from './isa.js';
export { REGISTER_NAMES, registerName, registerNumber } from './registers.js';
export type {
  Expansion,
  Extension,
  FieldExclusion,
  FieldName,
  InstructionSpec,
  OperandToken,
  RegisterField,
} from './spec.js';
export { INSTRUCTIONS, instructionById, instructionsByName } from './table/index.js';
