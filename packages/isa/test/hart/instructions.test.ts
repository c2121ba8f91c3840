/**
 * Directed tests for every instruction the reference hart implements: one table of vectors, each
 * one instruction (assembled from its exact mnemonic at BASE, `.option norvc` for 32-bit forms)
 * with the state before it and the state the specification requires after one step. Expected
 * values are written by hand from the unprivileged and privileged specifications, or computed by
 * the BigInt oracle below for RV32M — never by the hart's own helpers.
 *
 * The runner compares the whole architectural state after the step: all 32 registers, the pc,
 * the privilege, every CSR of the CSR file, all of memory, `retired`, `waiting`, the fences the
 * memory saw and the writes to external CSRs. Anything a vector does not list must be unchanged.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/assembler/assembler.js';
import { rv32imacDecoder } from '../../src/decoder.js';
import type { CsrSnapshot, ExternalCsrs, PrivilegeLevel } from '../../src/hart/csr-file.js';
import { MIP_MTIP } from '../../src/hart/csr-file.js';
import { implementedInstructions } from '../../src/hart/execute.js';
import { Hart } from '../../src/hart/hart.js';
import { BASE, FlatMemory, hartWith, runTo } from './support.js';

/** Where vectors keep their data (`mem` offsets are from here). */
const D = BASE + 0x8000;
/** The trap vectors every vector starts with (direct mode). */
const MTVEC = BASE + 0x4000;
const STVEC = BASE + 0x5000;
/** `mhartid` of the hart under test. */
const HART_ID = 5;
/** External counters: `mcycle` (read-write) and `cycle` (read-only). */
const MCYCLE = 0xb00;
const CYCLE = 0xc00;
const COUNTER = 0x00c0ffee;

// mstatus bits (privileged spec 1.12, figure 3.6).
const SIE = 1 << 1;
const MIE = 1 << 3;
const SPIE = 1 << 5;
const MPIE = 1 << 7;
const SPP = 1 << 8;
const MPP_S = 1 << 11;
const MPP_M = 3 << 11;
const MPRV = 1 << 17;
const TVM = 1 << 20;
const TW = 1 << 21;
const TSR = 1 << 22;

// Exception codes (privileged spec 1.12, table 3.6).
const ILLEGAL = 2;
const BREAKPOINT = 3;
const LOAD_MISALIGNED = 4;
const LOAD_FAULT = 5;
const STORE_MISALIGNED = 6;
const STORE_FAULT = 7;

const ABI = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
] as const;
type Reg = (typeof ABI)[number];
type Regs = Partial<Record<Reg, number>>;
/** 32-bit little-endian words by byte offset from {@link D}. */
type Words = Readonly<Record<number, number>>;
type CsrName = Exclude<keyof CsrSnapshot, 'triggers'>;
type Csrs = Partial<Record<CsrName, number>>;

/** The numeric CSRs of a snapshot (the trigger module apart: unused by these tests). */
function numeric({ triggers: _triggers, ...rest }: CsrSnapshot): Csrs {
  return rest;
}

interface Before {
  readonly x?: Regs;
  readonly mem?: Words;
  readonly csr?: Csrs;
  readonly priv?: PrivilegeLevel;
  /** `hart.reservation` (an address), for SC. */
  readonly reservation?: number;
}

/**
 * A synchronous exception, taken to M-mode unless `to` is 1 (delegated to S-mode). Arrays list
 * every value the spec allows; `bits` is zero or the instruction's bits (illegal instruction,
 * privileged spec 3.1.16).
 */
interface Trap {
  readonly cause: number | readonly number[];
  readonly tval: number | readonly number[] | 'bits';
  readonly to?: 1 | 3;
}

interface After {
  /** Registers that change (x0 is always checked to be 0). */
  readonly x?: Regs;
  /** Words that change. */
  readonly mem?: Words;
  /** CSRs that change (a trap's xcause, xepc, xtval and mstatus are derived from `trap`). */
  readonly csr?: Csrs;
  /** Absolute pc; default: the next instruction (or the trap vector after a trap). */
  readonly pc?: number;
  /** Default: unchanged (the trap's level after a trap). */
  readonly priv?: PrivilegeLevel;
  readonly trap?: Trap;
  readonly waiting?: boolean;
  readonly fencesI?: number;
  readonly fencesVma?: readonly (readonly [number | undefined, number | undefined])[];
  /** External CSRs read, in order (checked only when given). */
  readonly reads?: readonly number[];
  /** External CSR writes, in order (default: none). */
  readonly writes?: readonly (readonly [number, number])[];
}

interface Vector {
  /** The table entry the assembled instruction must decode to. */
  readonly id: string;
  readonly asm: string;
  readonly what: string;
  readonly before: Before;
  readonly after: After;
}

/** A row of the table: the instruction, what it checks, the state before and after. */
type Row = readonly [asm: string, what: string, before: Before, after: After];

const hex = (value: number): string => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;

// ---------------------------------------------------------------------------------------------
// RV32M oracle: exact 64-bit products and the division table of unprivileged spec 7.2.

const s32 = (value: bigint): number => Number(BigInt.asIntN(32, value));
const sx = (a: number): bigint => BigInt(a | 0);
const ux = (a: number): bigint => BigInt(a >>> 0);
const MIN = -(2 ** 31);

const M_ORACLE: Readonly<Record<string, (a: number, b: number) => number>> = {
  mul: (a, b) => s32(sx(a) * sx(b)),
  mulh: (a, b) => s32((sx(a) * sx(b)) >> 32n),
  mulhsu: (a, b) => s32((sx(a) * ux(b)) >> 32n),
  mulhu: (a, b) => s32((ux(a) * ux(b)) >> 32n),
  // BigInt division truncates towards zero, as RISC-V does.
  div: (a, b) =>
    (b | 0) === 0 ? -1 : (a | 0) === MIN && (b | 0) === -1 ? MIN : s32(sx(a) / sx(b)),
  divu: (a, b) => ((b | 0) === 0 ? -1 : s32(ux(a) / ux(b))),
  rem: (a, b) =>
    (b | 0) === 0 ? a | 0 : (a | 0) === MIN && (b | 0) === -1 ? 0 : s32(sx(a) % sx(b)),
  remu: (a, b) => ((b | 0) === 0 ? a | 0 : s32(ux(a) % ux(b))),
};

const M_OPERANDS: readonly (readonly [number, number])[] = [
  [7, 3],
  [-7, 3],
  [7, -3],
  [-7, -3],
  [0x80000000, -1],
  [0x80000000, 1],
  [123, 0],
  [0, 0],
  [-1, -1],
  [0x80000000, 0x80000000],
  [0xffffffff, 0xffffffff],
  [0x7fffffff, 0x7fffffff],
  [-1, 0x7fffffff],
  [0x12345678, 0x9abcdef0],
];

const M_GRID: readonly Vector[] = Object.entries(M_ORACLE).flatMap(([id, oracle]) =>
  M_OPERANDS.map(([a, b]) => ({
    id,
    asm: `${id} a2, a0, a1`,
    what: `${hex(a)}, ${hex(b)} (BigInt oracle)`,
    before: { x: { a0: a, a1: b } },
    after: { x: { a2: oracle(a, b) } },
  })),
);

// ---------------------------------------------------------------------------------------------
// The vectors by table entry: [instruction, what it checks, before, after]. Every instruction is
// at BASE, so "next" is BASE + 4 (BASE + 2 for C forms); the data is at D.

const LOAD_DATA: Words = { 0: 0x80ff7f01, 4: 0x80007fff };
const STORE_DATA: Words = { 0: 0x11223344, 4: 0x55667788 };

// biome-ignore format: a table reads best with one vector per line
const TABLE: Readonly<Record<string, readonly Row[]>> = {
  // RV32I: upper immediates.
  lui: [
    ['lui a0, 0xfffff', 'highest immediate', {}, { x: { a0: 0xfffff000 } }],
    ['lui a0, 0x80000', 'sign bit', {}, { x: { a0: 0x80000000 } }],
    ['lui a0, 1', 'low 12 bits are zero', { x: { a0: -1 } }, { x: { a0: 0x1000 } }],
    ['lui zero, 0x12345', 'x0 as destination stays 0', {}, {}],
  ],
  auipc: [
    ['auipc a0, 0', 'pc itself', {}, { x: { a0: BASE } }],
    ['auipc a0, 0x12345', 'pc + imm << 12', {}, { x: { a0: 0x92345000 } }],
    ['auipc a0, 0x80000', 'wraps around 2^32', {}, { x: { a0: 0 } }],
    ['auipc a0, 0xfffff', 'negative offset', {}, { x: { a0: 0x7ffff000 } }],
    ['auipc zero, 1', 'x0 as destination stays 0', {}, {}],
  ],
  // Jumps.
  jal: [
    ['jal ra, .+16', 'forward, links pc + 4', {}, { x: { ra: BASE + 4 }, pc: BASE + 16 }],
    ['jal a0, .-8', 'backward', {}, { x: { a0: BASE + 4 }, pc: BASE - 8 }],
    ['jal ra, .+0xffffe', 'largest forward offset', {}, { x: { ra: BASE + 4 }, pc: 0x800ffffe }],
    ['jal ra, .-0x100000', 'largest backward offset', {}, { x: { ra: BASE + 4 }, pc: 0x7ff00000 }],
    ['jal zero, .+0x800', 'x0 link is dropped', {}, { pc: BASE + 0x800 }],
  ],
  jalr: [
    ['jalr ra, 0(a1)', 'to rs1, links pc + 4', { x: { a1: BASE + 0x100 } }, { x: { ra: BASE + 4 }, pc: BASE + 0x100 }],
    ['jalr a0, 5(a1)', 'clears bit 0 of rs1 + imm', { x: { a1: BASE + 0x100 } }, { x: { a0: BASE + 4 }, pc: BASE + 0x104 }],
    ['jalr a0, -1(a1)', 'negative offset, odd base', { x: { a1: BASE + 0x101 } }, { x: { a0: BASE + 4 }, pc: BASE + 0x100 }],
    ['jalr a1, 0(a1)', 'rd = rs1: target uses the old rs1', { x: { a1: BASE + 0x200 } }, { x: { a1: BASE + 4 }, pc: BASE + 0x200 }],
    ['jalr zero, 0(ra)', 'x0 link is dropped (ret)', { x: { ra: BASE + 0x40 } }, { pc: BASE + 0x40 }],
    ['jalr ra, -4(a1)', 'target wraps below 2^32', { x: { a1: 2 } }, { x: { ra: BASE + 4 }, pc: 0xfffffffe }],
  ],
  // Branches: taken forward, taken backward, not taken; signed vs unsigned.
  beq: [
    ['beq a0, a1, .+16', 'equal: taken forward', { x: { a0: -5, a1: -5 } }, { pc: BASE + 16 }],
    ['beq a0, a1, .-16', 'equal: taken backward', { x: { a0: 0, a1: 0 } }, { pc: BASE - 16 }],
    ['beq a0, a1, .+4094', 'largest forward offset', { x: { a0: 1, a1: 1 } }, { pc: BASE + 4094 }],
    ['beq a0, a1, .-4096', 'largest backward offset', { x: { a0: 1, a1: 1 } }, { pc: BASE - 4096 }],
    ['beq a0, a1, .+16', 'different: not taken', { x: { a0: 1, a1: 2 } }, {}],
  ],
  bne: [
    ['bne a0, a1, .+16', 'different: taken forward', { x: { a0: 0, a1: 0x80000000 } }, { pc: BASE + 16 }],
    ['bne a0, a1, .-16', 'different: taken backward', { x: { a0: 1, a1: 2 } }, { pc: BASE - 16 }],
    ['bne a0, a1, .+16', 'equal: not taken', { x: { a0: -1, a1: -1 } }, {}],
  ],
  blt: [
    ['blt a0, a1, .+16', 'signed -1 < 1: taken', { x: { a0: -1, a1: 1 } }, { pc: BASE + 16 }],
    ['blt a0, a1, .-16', 'INT_MIN < INT_MAX: taken backward', { x: { a0: 0x80000000, a1: 0x7fffffff } }, { pc: BASE - 16 }],
    ['blt a0, a1, .+16', '1 < -1 is false', { x: { a0: 1, a1: -1 } }, {}],
    ['blt a0, a1, .+16', 'equal: not taken', { x: { a0: 3, a1: 3 } }, {}],
  ],
  bge: [
    ['bge a0, a1, .+16', 'signed 1 >= -1: taken', { x: { a0: 1, a1: -1 } }, { pc: BASE + 16 }],
    ['bge a0, a1, .-16', 'equal: taken backward', { x: { a0: -3, a1: -3 } }, { pc: BASE - 16 }],
    ['bge a0, a1, .+16', '-1 >= 1 is false', { x: { a0: -1, a1: 1 } }, {}],
  ],
  bltu: [
    ['bltu a0, a1, .+16', 'unsigned 1 < 0xffffffff: taken', { x: { a0: 1, a1: -1 } }, { pc: BASE + 16 }],
    ['bltu a0, a1, .-16', '0x7fffffff < 0x80000000: taken backward', { x: { a0: 0x7fffffff, a1: 0x80000000 } }, { pc: BASE - 16 }],
    ['bltu a0, a1, .+16', '0xffffffff < 1 is false', { x: { a0: -1, a1: 1 } }, {}],
    ['bltu a0, a1, .+16', 'equal: not taken', { x: { a0: 7, a1: 7 } }, {}],
  ],
  bgeu: [
    ['bgeu a0, a1, .+16', 'unsigned 0xffffffff >= 1: taken', { x: { a0: -1, a1: 1 } }, { pc: BASE + 16 }],
    ['bgeu a0, a1, .-16', 'equal: taken backward', { x: { a0: 0, a1: 0 } }, { pc: BASE - 16 }],
    ['bgeu a0, a1, .+16', '1 >= 0xffffffff is false', { x: { a0: 1, a1: -1 } }, {}],
  ],
  // Loads: sign extension (lb, lh) and zero extension (lbu, lhu). D holds 01 7f ff 80 ff 7f 00 80.
  lb: [
    ['lb a0, 0(a1)', 'positive byte', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x01 } }],
    ['lb a0, 2(a1)', '0xff sign-extends to -1', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: -1 } }],
    ['lb a0, 3(a1)', '0x80 sign-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0xffffff80 } }],
    ['lb a0, -1(a1)', 'negative offset', { x: { a1: D + 4 }, mem: LOAD_DATA }, { x: { a0: -128 } }],
    ['lb zero, 3(a1)', 'x0 as destination stays 0', { x: { a1: D }, mem: LOAD_DATA }, {}],
    ['lb a0, 0(a1)', 'outside memory: load access fault', { x: { a1: 0x1000 } }, { trap: { cause: LOAD_FAULT, tval: [0, 0x1000] } }],
  ],
  lh: [
    ['lh a0, 0(a1)', 'positive halfword', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x7f01 } }],
    ['lh a0, 2(a1)', '0x80ff sign-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0xffff80ff } }],
    ['lh a0, 6(a1)', '0x8000 sign-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0xffff8000 } }],
    ['lh a0, -4(a1)', 'negative offset', { x: { a1: D + 8 }, mem: LOAD_DATA }, { x: { a0: 0x7fff } }],
  ],
  lw: [
    ['lw a0, 0(a1)', 'whole word', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x80ff7f01 } }],
    ['lw a0, -4(a1)', 'negative offset', { x: { a1: D + 8 }, mem: LOAD_DATA }, { x: { a0: 0x80007fff } }],
    ['lw a1, 4(a1)', 'rd = rs1', { x: { a1: D }, mem: LOAD_DATA }, { x: { a1: 0x80007fff } }],
    ['lw zero, 0(a1)', 'x0 as destination stays 0', { x: { a1: D }, mem: LOAD_DATA }, {}],
    ['lw a0, 0(a1)', 'outside memory: load access fault, rd unchanged', { x: { a1: 0x1000 } }, { trap: { cause: LOAD_FAULT, tval: [0, 0x1000] } }],
    ['lw a0, 8(a1)', 'address wraps around 2^32', { x: { a1: 0xfffffffc } }, { trap: { cause: LOAD_FAULT, tval: [0, 4] } }],
  ],
  lbu: [
    ['lbu a0, 3(a1)', '0x80 zero-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x80 } }],
    ['lbu a0, 2(a1)', '0xff zero-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0xff } }],
    ['lbu a0, -3(a1)', 'negative offset', { x: { a1: D + 4 }, mem: LOAD_DATA }, { x: { a0: 0x7f } }],
  ],
  lhu: [
    ['lhu a0, 2(a1)', '0x80ff zero-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x80ff } }],
    ['lhu a0, 6(a1)', '0x8000 zero-extends', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x8000 } }],
    ['lhu a0, 0(a1)', 'positive halfword', { x: { a1: D }, mem: LOAD_DATA }, { x: { a0: 0x7f01 } }],
  ],
  // Stores write only their low bytes.
  sb: [
    ['sb a0, 0(a1)', 'low byte only', { x: { a0: 0xdeadbeef, a1: D }, mem: STORE_DATA }, { mem: { 0: 0x112233ef } }],
    ['sb a0, 3(a1)', 'top byte of the word', { x: { a0: 0xdeadbeef, a1: D }, mem: STORE_DATA }, { mem: { 0: 0xef223344 } }],
    ['sb a0, -1(a1)', 'negative offset', { x: { a0: 0x5a, a1: D + 4 }, mem: STORE_DATA }, { mem: { 0: 0x5a223344 } }],
  ],
  sh: [
    ['sh a0, 0(a1)', 'low halfword only', { x: { a0: 0xdeadbeef, a1: D }, mem: STORE_DATA }, { mem: { 0: 0x1122beef } }],
    ['sh a0, 2(a1)', 'upper half of the word', { x: { a0: 0xdeadbeef, a1: D }, mem: STORE_DATA }, { mem: { 0: 0xbeef3344 } }],
    ['sh a0, -2(a1)', 'negative offset', { x: { a0: 0x1234, a1: D + 8 }, mem: STORE_DATA }, { mem: { 4: 0x12347788 } }],
  ],
  sw: [
    ['sw a0, 4(a1)', 'whole word', { x: { a0: 0xdeadbeef, a1: D }, mem: STORE_DATA }, { mem: { 4: 0xdeadbeef } }],
    ['sw a0, -4(a1)', 'negative offset', { x: { a0: 0xcafebabe, a1: D + 4 }, mem: STORE_DATA }, { mem: { 0: 0xcafebabe } }],
    ['sw zero, 0(a1)', 'x0 stores zero', { x: { a1: D }, mem: STORE_DATA }, { mem: { 0: 0 } }],
    ['sw a0, 0(a1)', 'outside memory: store access fault', { x: { a0: 1, a1: 0x1000 } }, { trap: { cause: STORE_FAULT, tval: [0, 0x1000] } }],
  ],
  // Register-immediate.
  addi: [
    ['addi a0, a1, -1', '0 - 1', { x: { a1: 0 } }, { x: { a0: -1 } }],
    ['addi a0, a1, 2047', 'overflow wraps', { x: { a1: 0x7fffffff } }, { x: { a0: 0x800007fe } }],
    ['addi a0, a1, -2048', 'most negative immediate', { x: { a1: 0 } }, { x: { a0: 0xfffff800 } }],
    ['addi a0, a0, 1', 'rd = rs1, -1 + 1', { x: { a0: -1 } }, { x: { a0: 0 } }],
    ['addi zero, a1, 5', 'x0 as destination stays 0', { x: { a1: 1 } }, {}],
  ],
  slti: [
    ['slti a0, a1, 0', '-1 < 0', { x: { a1: -1 } }, { x: { a0: 1 } }],
    ['slti a0, a1, 0', '0 < 0 is false', { x: { a1: 0 } }, { x: { a0: 0 } }],
    ['slti a0, a1, -2048', 'INT_MIN < -2048', { x: { a1: 0x80000000 } }, { x: { a0: 1 } }],
    ['slti a0, a1, -1', 'INT_MAX < -1 is false', { x: { a1: 0x7fffffff } }, { x: { a0: 0 } }],
  ],
  sltiu: [
    ['sltiu a0, a1, -1', 'imm -1 compares with 0xffffffff', { x: { a1: 0xfffffffe } }, { x: { a0: 1 } }],
    ['sltiu a0, a1, -1', '0xffffffff < 0xffffffff is false', { x: { a1: -1 } }, { x: { a0: 0 } }],
    ['sltiu a0, a1, 1', 'seqz of 0', { x: { a1: 0 } }, { x: { a0: 1 } }],
    ['sltiu a0, a1, 1', 'seqz of 1', { x: { a1: 1 } }, { x: { a0: 0 } }],
    ['sltiu a0, a1, 2047', 'large unsigned 0x80000000 is not below', { x: { a1: 0x80000000 } }, { x: { a0: 0 } }],
  ],
  xori: [
    ['xori a0, a1, -1', 'not', { x: { a1: 0x12345678 } }, { x: { a0: 0xedcba987 } }],
    ['xori a0, a1, 0x7ff', 'positive immediate', { x: { a1: 0xf0f0f0f0 } }, { x: { a0: 0xf0f0f70f } }],
    ['xori a0, a1, -2048', 'immediate sign-extended', { x: { a1: 0 } }, { x: { a0: 0xfffff800 } }],
  ],
  ori: [
    ['ori a0, a1, -2048', 'immediate sign-extended', { x: { a1: 0x12 } }, { x: { a0: 0xfffff812 } }],
    ['ori a0, a1, 0xf0', 'positive immediate', { x: { a1: 0x0f } }, { x: { a0: 0xff } }],
  ],
  andi: [
    ['andi a0, a1, -16', 'immediate sign-extended', { x: { a1: 0x1234567f } }, { x: { a0: 0x12345670 } }],
    ['andi a0, a1, 0x7ff', 'positive immediate', { x: { a1: -1 } }, { x: { a0: 0x7ff } }],
  ],
  slli: [
    ['slli a0, a1, 31', 'by 31', { x: { a1: 3 } }, { x: { a0: 0x80000000 } }],
    ['slli a0, a1, 4', 'bits shifted out', { x: { a1: 0x87654321 } }, { x: { a0: 0x76543210 } }],
    ['slli a0, a1, 0', 'by 0', { x: { a1: 0x12345678 } }, { x: { a0: 0x12345678 } }],
  ],
  srli: [
    ['srli a0, a1, 31', 'by 31', { x: { a1: 0x80000000 } }, { x: { a0: 1 } }],
    ['srli a0, a1, 4', 'zero fill', { x: { a1: 0x87654321 } }, { x: { a0: 0x08765432 } }],
    ['srli a0, a1, 0', 'by 0', { x: { a1: 0x87654321 } }, { x: { a0: 0x87654321 } }],
  ],
  srai: [
    ['srai a0, a1, 31', 'by 31, negative', { x: { a1: 0x80000000 } }, { x: { a0: -1 } }],
    ['srai a0, a1, 31', 'by 31, positive', { x: { a1: 0x7fffffff } }, { x: { a0: 0 } }],
    ['srai a0, a1, 4', 'sign fill', { x: { a1: 0x87654321 } }, { x: { a0: 0xf8765432 } }],
  ],
  // Register-register.
  add: [
    ['add a0, a1, a2', 'overflow wraps', { x: { a1: 0x7fffffff, a2: 1 } }, { x: { a0: 0x80000000 } }],
    ['add a0, a1, a2', '-1 + -1', { x: { a1: -1, a2: -1 } }, { x: { a0: -2 } }],
    ['add a0, a0, a0', 'all operands the same register', { x: { a0: 21 } }, { x: { a0: 42 } }],
    ['add zero, a1, a2', 'x0 as destination stays 0', { x: { a1: 1, a2: 2 } }, {}],
  ],
  sub: [
    ['sub a0, a1, a2', '0 - 1', { x: { a1: 0, a2: 1 } }, { x: { a0: -1 } }],
    ['sub a0, a1, a2', 'INT_MIN - 1 wraps', { x: { a1: 0x80000000, a2: 1 } }, { x: { a0: 0x7fffffff } }],
    ['sub a0, a1, a1', 'x - x', { x: { a1: 0x12345678 } }, { x: { a0: 0 } }],
  ],
  sll: [
    ['sll a0, a1, a2', 'by 31', { x: { a1: 1, a2: 31 } }, { x: { a0: 0x80000000 } }],
    ['sll a0, a1, a2', 'rs2 = 33 uses its low 5 bits (1)', { x: { a1: 1, a2: 33 } }, { x: { a0: 2 } }],
    ['sll a0, a1, a2', 'rs2 = 0xffffffe0 shifts by 0', { x: { a1: 0x12345678, a2: 0xffffffe0 } }, { x: { a0: 0x12345678 } }],
  ],
  slt: [
    ['slt a0, a1, a2', '-1 < 1', { x: { a1: -1, a2: 1 } }, { x: { a0: 1 } }],
    ['slt a0, a1, a2', '1 < -1 is false', { x: { a1: 1, a2: -1 } }, { x: { a0: 0 } }],
    ['slt a0, a1, a2', 'INT_MIN < INT_MAX', { x: { a1: 0x80000000, a2: 0x7fffffff } }, { x: { a0: 1 } }],
    ['slt a0, a1, a2', 'equal is false', { x: { a1: 5, a2: 5 } }, { x: { a0: 0 } }],
  ],
  sltu: [
    ['sltu a0, a1, a2', '1 < 0xffffffff', { x: { a1: 1, a2: -1 } }, { x: { a0: 1 } }],
    ['sltu a0, a1, a2', '0xffffffff < 1 is false', { x: { a1: -1, a2: 1 } }, { x: { a0: 0 } }],
    ['sltu a0, zero, a2', 'snez of 5', { x: { a2: 5 } }, { x: { a0: 1 } }],
    ['sltu a0, zero, a2', 'snez of 0', { x: { a2: 0 } }, { x: { a0: 0 } }],
  ],
  xor: [
    ['xor a0, a1, a2', 'bits', { x: { a1: 0xff00ff00, a2: 0x0ff00ff0 } }, { x: { a0: 0xf0f0f0f0 } }],
  ],
  srl: [
    ['srl a0, a1, a2', 'by 31', { x: { a1: 0x80000000, a2: 31 } }, { x: { a0: 1 } }],
    ['srl a0, a1, a2', 'rs2 = 33 uses its low 5 bits (1)', { x: { a1: 0x80000000, a2: 33 } }, { x: { a0: 0x40000000 } }],
    ['srl a0, a1, a2', 'rs2 = 32 shifts by 0', { x: { a1: 0x87654321, a2: 32 } }, { x: { a0: 0x87654321 } }],
  ],
  sra: [
    ['sra a0, a1, a2', 'by 31', { x: { a1: 0x80000000, a2: 31 } }, { x: { a0: -1 } }],
    ['sra a0, a1, a2', 'rs2 = 33 uses its low 5 bits (1)', { x: { a1: 0x80000000, a2: 33 } }, { x: { a0: 0xc0000000 } }],
    ['sra a0, a1, a2', 'rs2 = 0xffffffe4 shifts by 4', { x: { a1: 0x87654321, a2: 0xffffffe4 } }, { x: { a0: 0xf8765432 } }],
  ],
  or: [
    ['or a0, a1, a2', 'bits', { x: { a1: 0xf0f0f0f0, a2: 0x0f0f0f0f } }, { x: { a0: 0xffffffff } }],
  ],
  and: [
    ['and a0, a1, a2', 'bits', { x: { a1: 0xf0f0f0f0, a2: 0x3c3c3c3c } }, { x: { a0: 0x30303030 } }],
  ],
  // Fences retire without other effects; FENCE.I reaches the memory.
  fence: [
    ['fence', 'iorw, iorw', {}, {}],
    ['fence rw, w', 'partial sets', {}, {}],
    ['.word 0x0ff5050f', 'rd, rs1 fields are ignored (fence iorw, iorw with rd = rs1 = a0)', { x: { a0: 1 } }, {}],
    ['.word 0x1ff0000f', 'reserved fm treated as a normal fence', {}, {}],
  ],
  'fence.tso': [
    ['fence.tso', 'retires', {}, {}],
    ['.word 0x8335050f', 'rd, rs1 fields are ignored', { x: { a0: 1 } }, {}],
  ],
  'fence.i': [
    ['fence.i', 'tells the memory once', {}, { fencesI: 1 }],
    ['.word 0x0015150f', 'imm, rs1, rd fields are ignored', { x: { a0: 1 } }, { fencesI: 1 }],
  ],
  // Environment calls and breakpoints (mtval: zero for ECALL; zero or the pc for EBREAK).
  ecall: [
    ['ecall', 'from M: cause 11', {}, { trap: { cause: 11, tval: 0 } }],
    ['ecall', 'from S: cause 9', { priv: 1 }, { trap: { cause: 9, tval: 0 } }],
    ['ecall', 'from U: cause 8', { priv: 0 }, { trap: { cause: 8, tval: 0 } }],
    ['ecall', 'vectored mtvec: exceptions go to BASE', { csr: { mtvec: MTVEC | 1 } }, { trap: { cause: 11, tval: 0 }, pc: MTVEC }],
    ['ecall', 'from M with MIE: MPIE = 1, MIE = 0, MPP = M', { csr: { mstatus: MIE } }, { trap: { cause: 11, tval: 0 } }],
    ['ecall', 'from U, delegated by medeleg[8]: to S with SPP = U', { priv: 0, csr: { medeleg: 1 << 8 } }, { trap: { cause: 8, tval: 0, to: 1 } }],
    ['ecall', 'from S, delegated by medeleg[9]: to S with SPP = S, SPIE = SIE', { priv: 1, csr: { medeleg: 1 << 9, mstatus: SIE } }, { trap: { cause: 9, tval: 0, to: 1 } }],
  ],
  ebreak: [
    ['ebreak', 'from M: cause 3', {}, { trap: { cause: BREAKPOINT, tval: [0, BASE] } }],
    ['ebreak', 'from U: cause 3', { priv: 0 }, { trap: { cause: BREAKPOINT, tval: [0, BASE] } }],
    ['ebreak', 'from M is never delegated', { csr: { medeleg: 1 << 3 } }, { trap: { cause: BREAKPOINT, tval: [0, BASE] } }],
    ['ebreak', 'from S, delegated by medeleg[3]', { priv: 1, csr: { medeleg: 1 << 3 } }, { trap: { cause: BREAKPOINT, tval: [0, BASE], to: 1 } }],
  ],
  // RV32M: the spec's corner cases by hand (the BigInt grid follows).
  mul: [
    ['mul a0, a1, a2', 'low 32 bits', { x: { a1: 0x10001, a2: 0x10001 } }, { x: { a0: 0x00020001 } }],
    ['mul a0, a1, a2', '-3 * 5', { x: { a1: -3, a2: 5 } }, { x: { a0: -15 } }],
    ['mul zero, a1, a2', 'x0 as destination stays 0', { x: { a1: 3, a2: 5 } }, {}],
  ],
  mulh: [
    ['mulh a0, a1, a2', '-1 * -1 high is 0', { x: { a1: -1, a2: -1 } }, { x: { a0: 0 } }],
    ['mulh a0, a1, a2', '-1 * 1 high is -1', { x: { a1: -1, a2: 1 } }, { x: { a0: -1 } }],
    ['mulh a0, a1, a2', 'INT_MIN * INT_MIN', { x: { a1: 0x80000000, a2: 0x80000000 } }, { x: { a0: 0x40000000 } }],
  ],
  mulhsu: [
    ['mulhsu a0, a1, a2', '-1 * 0xffffffff', { x: { a1: -1, a2: -1 } }, { x: { a0: -1 } }],
    ['mulhsu a0, a1, a2', 'INT_MIN * 0xffffffff', { x: { a1: 0x80000000, a2: -1 } }, { x: { a0: 0x80000000 } }],
    ['mulhsu a0, a1, a2', '1 * 0xffffffff high is 0', { x: { a1: 1, a2: -1 } }, { x: { a0: 0 } }],
  ],
  mulhu: [
    ['mulhu a0, a1, a2', '0xffffffff^2', { x: { a1: -1, a2: -1 } }, { x: { a0: 0xfffffffe } }],
    ['mulhu a0, a1, a2', '0x80000000 * 2', { x: { a1: 0x80000000, a2: 2 } }, { x: { a0: 1 } }],
  ],
  div: [
    ['div a0, a1, a2', 'rounds towards zero', { x: { a1: -7, a2: 2 } }, { x: { a0: -3 } }],
    ['div a0, a1, a2', 'by zero: all ones', { x: { a1: 7, a2: 0 } }, { x: { a0: -1 } }],
    ['div a0, a1, a2', 'INT_MIN / -1 overflows to INT_MIN', { x: { a1: 0x80000000, a2: -1 } }, { x: { a0: 0x80000000 } }],
  ],
  divu: [
    ['divu a0, a1, a2', 'unsigned', { x: { a1: -1, a2: 2 } }, { x: { a0: 0x7fffffff } }],
    ['divu a0, a1, a2', 'by zero: 2^32 - 1', { x: { a1: 7, a2: 0 } }, { x: { a0: 0xffffffff } }],
  ],
  rem: [
    ['rem a0, a1, a2', 'sign of the dividend', { x: { a1: -7, a2: 2 } }, { x: { a0: -1 } }],
    ['rem a0, a1, a2', 'by zero: the dividend', { x: { a1: -7, a2: 0 } }, { x: { a0: -7 } }],
    ['rem a0, a1, a2', 'INT_MIN % -1 is 0', { x: { a1: 0x80000000, a2: -1 } }, { x: { a0: 0 } }],
  ],
  remu: [
    ['remu a0, a1, a2', 'unsigned', { x: { a1: -1, a2: 10 } }, { x: { a0: 5 } }],
    ['remu a0, a1, a2', 'by zero: the dividend', { x: { a1: 0x80000007, a2: 0 } }, { x: { a0: 0x80000007 } }],
  ],
  // RV32A: LR/SC.
  'lr.w': [
    ['lr.w a0, (a1)', 'loads the word', { x: { a1: D }, mem: { 0: 0x80000001 } }, { x: { a0: 0x80000001 } }],
    ['lr.w.aq a0, (a1)', 'with aq', { x: { a1: D }, mem: { 0: 0x1234 } }, { x: { a0: 0x1234 } }],
    ['lr.w a0, (a1)', 'misaligned: address-misaligned or access fault', { x: { a1: D + 2 } }, { trap: { cause: [LOAD_MISALIGNED, LOAD_FAULT], tval: [0, D + 2] } }],
    ['lr.w a0, (a1)', 'outside memory: load access fault', { x: { a1: 0x1000 } }, { trap: { cause: LOAD_FAULT, tval: [0, 0x1000] } }],
  ],
  'sc.w': [
    ['sc.w a0, a2, (a1)', 'reserved: stores, rd = 0', { x: { a1: D, a2: 0xcafe }, mem: { 0: 1 }, reservation: D }, { x: { a0: 0 }, mem: { 0: 0xcafe } }],
    ['sc.w.rl a0, a2, (a1)', 'with rl', { x: { a1: D, a2: 0xcafe }, mem: { 0: 1 }, reservation: D }, { x: { a0: 0 }, mem: { 0: 0xcafe } }],
    ['sc.w a0, a2, (a1)', 'no reservation: rd = 1, no store', { x: { a1: D, a2: 0xcafe }, mem: { 0: 1 } }, { x: { a0: 1 } }],
    ['sc.w a0, a2, (a1)', 'misaligned: store/AMO address-misaligned or access fault', { x: { a1: D + 2, a2: 0xcafe }, reservation: D }, { trap: { cause: [STORE_MISALIGNED, STORE_FAULT], tval: [0, D + 2] } }],
  ],
  // RV32A: AMOs return the old value and store op(old, rs2).
  'amoswap.w': [
    ['amoswap.w a0, a2, (a1)', 'swap', { x: { a1: D, a2: 0x22222222 }, mem: { 0: 0x11111111 } }, { x: { a0: 0x11111111 }, mem: { 0: 0x22222222 } }],
    ['amoswap.w a2, a2, (a1)', 'rd = rs2', { x: { a1: D, a2: 0x22222222 }, mem: { 0: 0x11111111 } }, { x: { a2: 0x11111111 }, mem: { 0: 0x22222222 } }],
    ['amoswap.w a0, a2, (a1)', 'misaligned: store/AMO address-misaligned or access fault', { x: { a1: D + 1, a2: 1 } }, { trap: { cause: [STORE_MISALIGNED, STORE_FAULT], tval: [0, D + 1] } }],
  ],
  'amoadd.w': [
    ['amoadd.w a0, a2, (a1)', 'overflow wraps', { x: { a1: D, a2: 1 }, mem: { 0: 0x7fffffff } }, { x: { a0: 0x7fffffff }, mem: { 0: 0x80000000 } }],
    ['amoadd.w a1, a2, (a1)', 'rd = rs1: address from the old rs1', { x: { a1: D, a2: 2 }, mem: { 0: 40 } }, { x: { a1: 40 }, mem: { 0: 42 } }],
    ['amoadd.w.aqrl zero, a2, (a1)', 'rd = x0 still updates memory', { x: { a1: D, a2: 1 }, mem: { 0: -1 } }, { mem: { 0: 0 } }],
    ['amoadd.w a0, a2, (a1)', 'outside memory: store/AMO access fault', { x: { a1: 0x1000, a2: 1 } }, { trap: { cause: STORE_FAULT, tval: [0, 0x1000] } }],
  ],
  'amoxor.w': [
    ['amoxor.w a0, a2, (a1)', 'xor', { x: { a1: D, a2: 0x0ff00ff0 }, mem: { 0: 0xff00ff00 } }, { x: { a0: 0xff00ff00 }, mem: { 0: 0xf0f0f0f0 } }],
  ],
  'amoand.w': [
    ['amoand.w a0, a2, (a1)', 'and', { x: { a1: D, a2: 0x3c3c3c3c }, mem: { 0: 0xf0f0f0f0 } }, { x: { a0: 0xf0f0f0f0 }, mem: { 0: 0x30303030 } }],
  ],
  'amoor.w': [
    ['amoor.w a0, a2, (a1)', 'or', { x: { a1: D, a2: 0x0f0f0f0f }, mem: { 0: 0xf0f0f0f0 } }, { x: { a0: 0xf0f0f0f0 }, mem: { 0: 0xffffffff } }],
  ],
  'amomin.w': [
    ['amomin.w a0, a2, (a1)', 'signed: -1 < 1 (memory kept)', { x: { a1: D, a2: 1 }, mem: { 0: -1 } }, { x: { a0: -1 } }],
    ['amomin.w a0, a2, (a1)', 'signed: rs2 -1 is smaller', { x: { a1: D, a2: -1 }, mem: { 0: 1 } }, { x: { a0: 1 }, mem: { 0: -1 } }],
    ['amomin.w a0, a2, (a1)', 'signed: INT_MIN < INT_MAX', { x: { a1: D, a2: 0x80000000 }, mem: { 0: 0x7fffffff } }, { x: { a0: 0x7fffffff }, mem: { 0: 0x80000000 } }],
  ],
  'amomax.w': [
    ['amomax.w a0, a2, (a1)', 'signed: 1 > -1', { x: { a1: D, a2: 1 }, mem: { 0: -1 } }, { x: { a0: -1 }, mem: { 0: 1 } }],
    ['amomax.w a0, a2, (a1)', 'signed: memory 1 kept', { x: { a1: D, a2: -1 }, mem: { 0: 1 } }, { x: { a0: 1 } }],
  ],
  'amominu.w': [
    ['amominu.w a0, a2, (a1)', 'unsigned: 1 < 0xffffffff', { x: { a1: D, a2: 1 }, mem: { 0: -1 } }, { x: { a0: -1 }, mem: { 0: 1 } }],
    ['amominu.w a0, a2, (a1)', 'unsigned: memory 1 kept', { x: { a1: D, a2: -1 }, mem: { 0: 1 } }, { x: { a0: 1 } }],
  ],
  'amomaxu.w': [
    ['amomaxu.w a0, a2, (a1)', 'unsigned: 0xffffffff > 1 (memory kept)', { x: { a1: D, a2: 1 }, mem: { 0: -1 } }, { x: { a0: -1 } }],
    ['amomaxu.w a0, a2, (a1)', 'unsigned: 0x80000000 > 1', { x: { a1: D, a2: 0x80000000 }, mem: { 0: 1 } }, { x: { a0: 1 }, mem: { 0: 0x80000000 } }],
  ],
  // Zicsr. mcycle and cycle are external: their reads and writes are recorded.
  csrrw: [
    ['csrrw a0, mscratch, a1', 'swaps', { x: { a1: 0x22222222 }, csr: { mscratch: 0x11111111 } }, { x: { a0: 0x11111111 }, csr: { mscratch: 0x22222222 } }],
    ['csrrw a0, mscratch, a0', 'rd = rs1', { x: { a0: 0x22222222 }, csr: { mscratch: 0x11111111 } }, { x: { a0: 0x11111111 }, csr: { mscratch: 0x22222222 } }],
    ['csrrw zero, mscratch, a1', 'rd = x0: write only', { x: { a1: 0x33 }, csr: { mscratch: 0x11 } }, { csr: { mscratch: 0x33 } }],
    ['csrrw zero, mcycle, a1', 'rd = x0 does not read the CSR', { x: { a1: 0x33 } }, { reads: [], writes: [[MCYCLE, 0x33]] }],
    ['csrrw a0, mcycle, a1', 'rd != x0 reads, then writes', { x: { a1: 0x33 } }, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [[MCYCLE, 0x33]] }],
    ['csrrw a0, mvendorid, a1', 'writing a read-only CSR is illegal', { x: { a1: 1 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrw zero, cycle, a1', 'writing read-only cycle is illegal', { x: { a1: 1 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrw a0, mscratch, a1', 'M-mode CSR from S-mode is illegal', { x: { a1: 1 }, priv: 1 }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrw a0, mepc, a1', 'mepc[0] is always zero', { x: { a1: BASE + 0x101 } }, { x: { a0: 0 }, csr: { mepc: BASE + 0x100 } }],
    ['csrrw a0, mscratch, a1', 'illegal from U, delegated by medeleg[2]', { x: { a1: 1 }, priv: 0, csr: { medeleg: 1 << 2 } }, { trap: { cause: ILLEGAL, tval: 'bits', to: 1 } }],
  ],
  csrrs: [
    ['csrrs a0, mscratch, a1', 'sets bits', { x: { a1: 0x0f0f }, csr: { mscratch: 0xf0 } }, { x: { a0: 0xf0 }, csr: { mscratch: 0x0fff } }],
    ['csrrs a1, mscratch, a1', 'rd = rs1: sets the old rs1', { x: { a1: 0x0f0f }, csr: { mscratch: 0xf0 } }, { x: { a1: 0xf0 }, csr: { mscratch: 0x0fff } }],
    ['csrrs a0, mcycle, zero', 'rs1 = x0 reads and does not write', {}, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [] }],
    ['csrrs a0, mcycle, a1', 'rs1 != x0 holding 0 still writes', { x: { a1: 0 } }, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [[MCYCLE, COUNTER]] }],
    ['csrrs a0, cycle, zero', 'read-only CSR with rs1 = x0 is legal', {}, { x: { a0: COUNTER }, reads: [CYCLE] }],
    ['csrrs a0, mhartid, zero', 'mhartid', {}, { x: { a0: HART_ID } }],
    ['csrrs a0, cycle, a1', 'read-only CSR with rs1 != x0 is illegal, even if 0', { x: { a1: 0 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrs a0, 0x600, zero', 'hstatus does not exist: illegal', {}, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrs a0, sscratch, zero', 'S-mode CSR from S-mode', { priv: 1, csr: { sscratch: 0x77 } }, { x: { a0: 0x77 } }],
    ['csrrs a0, satp, zero', 'satp from S-mode with TVM = 1 is illegal', { priv: 1, csr: { mstatus: TVM } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrs a0, satp, zero', 'satp from M-mode with TVM = 1 is legal', { csr: { mstatus: TVM, satp: 0x80000123 } }, { x: { a0: 0x80000123 } }],
    ['csrrs a0, cycle, zero', 'cycle from U-mode with mcounteren = 0 is illegal', { priv: 0 }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrs a0, cycle, zero', 'cycle from U-mode enabled by mcounteren and scounteren', { priv: 0, csr: { mcounteren: 1, scounteren: 1 } }, { x: { a0: COUNTER }, reads: [CYCLE] }],
    ['csrrs a0, cycle, zero', 'cycle from U-mode with scounteren = 0 is illegal', { priv: 0, csr: { mcounteren: 1 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['csrrs a0, cycle, zero', 'cycle from S-mode enabled by mcounteren', { priv: 1, csr: { mcounteren: 1 } }, { x: { a0: COUNTER }, reads: [CYCLE] }],
  ],
  csrrc: [
    ['csrrc a0, mscratch, a1', 'clears bits', { x: { a1: 0x0f }, csr: { mscratch: 0xff } }, { x: { a0: 0xff }, csr: { mscratch: 0xf0 } }],
    ['csrrc a0, mcycle, zero', 'rs1 = x0 does not write', {}, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [] }],
    ['csrrc a0, cycle, zero', 'read-only CSR with rs1 = x0 is legal', {}, { x: { a0: COUNTER } }],
    ['csrrc zero, mscratch, a1', 'rd = x0', { x: { a1: 1 }, csr: { mscratch: 3 } }, { csr: { mscratch: 2 } }],
  ],
  csrrwi: [
    ['csrrwi a0, mscratch, 31', 'largest uimm', { csr: { mscratch: 0x11111111 } }, { x: { a0: 0x11111111 }, csr: { mscratch: 31 } }],
    ['csrrwi a0, mscratch, 0', 'uimm 0 still writes', { csr: { mscratch: 0x11 } }, { x: { a0: 0x11 }, csr: { mscratch: 0 } }],
    ['csrrwi zero, mcycle, 5', 'rd = x0 does not read the CSR', {}, { reads: [], writes: [[MCYCLE, 5]] }],
    ['csrrwi a0, mvendorid, 0', 'writing a read-only CSR is illegal', {}, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  csrrsi: [
    ['csrrsi a0, mscratch, 17', 'sets bits', { csr: { mscratch: 0x100 } }, { x: { a0: 0x100 }, csr: { mscratch: 0x111 } }],
    ['csrrsi a0, mcycle, 0', 'uimm 0 does not write', {}, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [] }],
    ['csrrsi a0, cycle, 0', 'read-only CSR with uimm 0 is legal', {}, { x: { a0: COUNTER } }],
    ['csrrsi a0, cycle, 1', 'read-only CSR with uimm != 0 is illegal', {}, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  csrrci: [
    ['csrrci a0, mscratch, 31', 'clears the low 5 bits', { csr: { mscratch: 0xffffffff } }, { x: { a0: 0xffffffff }, csr: { mscratch: 0xffffffe0 } }],
    ['csrrci a0, mcycle, 0', 'uimm 0 does not write', {}, { x: { a0: COUNTER }, reads: [MCYCLE], writes: [] }],
    ['csrrci a0, mvendorid, 1', 'read-only CSR with uimm != 0 is illegal', {}, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  // Privileged: xRET, WFI, SFENCE.VMA.
  mret: [
    ['mret', 'to S (MPP): MIE = MPIE, MPIE = 1, MPP = U, MPRV cleared', { csr: { mstatus: MPRV | MPP_S | MPIE, mepc: BASE + 0x100 } }, { pc: BASE + 0x100, priv: 1, csr: { mstatus: MPIE | MIE } }],
    ['mret', 'to M keeps MPRV; MIE = MPIE = 0', { csr: { mstatus: MPRV | MPP_M | MIE, mepc: BASE + 0x200 } }, { pc: BASE + 0x200, priv: 3, csr: { mstatus: MPRV | MPIE } }],
    ['mret', 'to U', { csr: { mstatus: MPIE, mepc: BASE + 0x300 } }, { pc: BASE + 0x300, priv: 0, csr: { mstatus: MPIE | MIE } }],
    ['mret', 'from S-mode is illegal', { priv: 1, csr: { mepc: BASE + 0x100 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  sret: [
    ['sret', 'from M to S (SPP): SIE = SPIE, SPIE = 1, SPP = U, MPRV cleared', { csr: { mstatus: MPRV | SPP | SPIE, sepc: BASE + 0x100 } }, { pc: BASE + 0x100, priv: 1, csr: { mstatus: SPIE | SIE } }],
    ['sret', 'from S to U; SIE = SPIE = 0', { priv: 1, csr: { mstatus: SIE, sepc: BASE + 0x200 } }, { pc: BASE + 0x200, priv: 0, csr: { mstatus: SPIE } }],
    ['sret', 'from M with TSR = 1 is legal', { csr: { mstatus: TSR | SPP, sepc: BASE + 0x100 } }, { pc: BASE + 0x100, priv: 1, csr: { mstatus: TSR | SPIE } }],
    ['sret', 'from S with TSR is illegal', { priv: 1, csr: { mstatus: TSR | SPP, sepc: BASE + 0x100 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['sret', 'from U is illegal', { priv: 0, csr: { sepc: BASE + 0x100 } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  wfi: [
    ['wfi', 'from M: retires and waits', {}, { waiting: true }],
    ['wfi', 'from S with TW = 0', { priv: 1 }, { waiting: true }],
    ['wfi', 'from M with TW = 1 is legal', { csr: { mstatus: TW } }, { waiting: true }],
    ['wfi', 'from S with TW = 1: illegal (time limit 0)', { priv: 1, csr: { mstatus: TW } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['wfi', 'from U: illegal (time limit 0)', { priv: 0 }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  'sfence.vma': [
    ['sfence.vma', 'everything', {}, { fencesVma: [[undefined, undefined]] }],
    ['sfence.vma a0, a1', 'one address, one ASID', { x: { a0: 0x12345678, a1: 5 } }, { fencesVma: [[0x12345678, 5]] }],
    ['sfence.vma zero, a1', 'one ASID', { x: { a1: 7 } }, { fencesVma: [[undefined, 7]] }],
    ['sfence.vma a0, zero', 'one address, from S with TVM = 0', { priv: 1, x: { a0: 0x1000 } }, { fencesVma: [[0x1000, undefined]] }],
    ['sfence.vma', 'from S with TVM = 1 is illegal', { priv: 1, csr: { mstatus: TVM } }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
    ['sfence.vma', 'from M with TVM = 1 is legal', { csr: { mstatus: TVM } }, { fencesVma: [[undefined, undefined]] }],
    ['sfence.vma', 'from U is illegal', { priv: 0 }, { trap: { cause: ILLEGAL, tval: 'bits' } }],
  ],
  // RV32C, quadrant 0.
  'c.addi4spn': [
    ['c.addi4spn a0, sp, 8', 'sp + 8', { x: { sp: D } }, { x: { a0: D + 8 } }],
    ['c.addi4spn s1, sp, 1020', 'largest immediate', { x: { sp: D } }, { x: { s1: D + 1020 } }],
  ],
  'c.lw': [
    ['c.lw a0, 4(a1)', 'word', { x: { a1: D }, mem: { 4: 0x80000001 } }, { x: { a0: 0x80000001 } }],
    ['c.lw s0, 124(a5)', 'largest offset', { x: { a5: D }, mem: { 124: 0x12345678 } }, { x: { s0: 0x12345678 } }],
  ],
  'c.sw': [
    ['c.sw a0, 4(a1)', 'word', { x: { a0: 0xcafebabe, a1: D } }, { mem: { 4: 0xcafebabe } }],
    ['c.sw s0, 124(a5)', 'largest offset', { x: { s0: 0x12345678, a5: D } }, { mem: { 124: 0x12345678 } }],
  ],
  // RV32C, quadrant 1.
  'c.nop': [
    ['c.nop', 'nothing but pc + 2', {}, {}],
  ],
  'c.nop.hint': [
    ['c.nop 5', 'HINT: no effect', {}, {}],
    ['c.nop -32', 'HINT: no effect', {}, {}],
  ],
  'c.addi': [
    ['c.addi a0, 3', '-1 + 3', { x: { a0: -1 } }, { x: { a0: 2 } }],
    ['c.addi a0, -32', 'most negative immediate', { x: { a0: 0 } }, { x: { a0: -32 } }],
    ['c.addi t6, 31', 'any register, largest immediate', { x: { t6: 0x7fffffff } }, { x: { t6: 0x8000001e } }],
    ['c.addi a0, 0', 'HINT (imm 0): no effect', { x: { a0: 5 } }, {}],
  ],
  'c.jal': [
    ['c.jal .+2046', 'largest forward offset, links pc + 2', {}, { x: { ra: BASE + 2 }, pc: BASE + 2046 }],
    ['c.jal .-2048', 'largest backward offset', {}, { x: { ra: BASE + 2 }, pc: BASE - 2048 }],
  ],
  'c.li': [
    ['c.li a0, -32', 'most negative', {}, { x: { a0: -32 } }],
    ['c.li t6, 31', 'largest', {}, { x: { t6: 31 } }],
    ['c.li zero, 5', 'HINT (rd = x0): no effect', {}, {}],
  ],
  'c.addi16sp': [
    ['c.addi16sp sp, 16', 'sp + 16', { x: { sp: D } }, { x: { sp: D + 16 } }],
    ['c.addi16sp sp, -512', 'most negative', { x: { sp: D } }, { x: { sp: D - 512 } }],
    ['c.addi16sp sp, 496', 'largest', { x: { sp: D } }, { x: { sp: D + 496 } }],
  ],
  'c.lui': [
    ['c.lui a0, 1', 'smallest', { x: { a0: -1 } }, { x: { a0: 0x1000 } }],
    ['c.lui a0, 0x1f', 'largest positive', {}, { x: { a0: 0x1f000 } }],
    ['c.lui t6, 0xfffff', 'sign-extended -1', {}, { x: { t6: 0xfffff000 } }],
    ['c.lui a0, 0xfffe0', 'most negative', {}, { x: { a0: 0xfffe0000 } }],
  ],
  'c.lui.hint': [
    ['c.lui zero, 1', 'HINT (rd = x0): no effect', {}, {}],
    ['c.lui zero, -1', 'HINT (rd = x0): no effect', {}, {}],
  ],
  'c.srli': [
    ['c.srli a0, 3', 'zero fill', { x: { a0: 0x80000000 } }, { x: { a0: 0x10000000 } }],
    ['c.srli s1, 31', 'by 31', { x: { s1: 0x80000000 } }, { x: { s1: 1 } }],
  ],
  'c.srli64': [
    ['c.srli64 a0', 'HINT (shamt 0): no effect', { x: { a0: 0x87654321 } }, {}],
  ],
  'c.srai': [
    ['c.srai a0, 31', 'by 31', { x: { a0: 0x80000000 } }, { x: { a0: -1 } }],
    ['c.srai a5, 4', 'sign fill', { x: { a5: 0x87654321 } }, { x: { a5: 0xf8765432 } }],
  ],
  'c.srai64': [
    ['c.srai64 a0', 'HINT (shamt 0): no effect', { x: { a0: 0x87654321 } }, {}],
  ],
  'c.andi': [
    ['c.andi a0, -32', 'immediate sign-extended', { x: { a0: 0x12345678 } }, { x: { a0: 0x12345660 } }],
    ['c.andi a0, 31', 'largest', { x: { a0: -1 } }, { x: { a0: 31 } }],
    ['c.andi s0, -1', 'all ones', { x: { s0: 0x12345678 } }, { x: { s0: 0x12345678 } }],
  ],
  'c.sub': [
    ['c.sub a0, a1', '0 - 1', { x: { a0: 0, a1: 1 } }, { x: { a0: -1 } }],
    ['c.sub s0, a5', 'INT_MIN - 1 wraps', { x: { s0: 0x80000000, a5: 1 } }, { x: { s0: 0x7fffffff } }],
  ],
  'c.xor': [
    ['c.xor a0, a1', 'bits', { x: { a0: 0xff00ff00, a1: 0x0ff00ff0 } }, { x: { a0: 0xf0f0f0f0 } }],
  ],
  'c.or': [
    ['c.or a0, a1', 'bits', { x: { a0: 0xf0f0f0f0, a1: 0x0f0f0f0f } }, { x: { a0: 0xffffffff } }],
  ],
  'c.and': [
    ['c.and a0, a1', 'bits', { x: { a0: 0xf0f0f0f0, a1: 0x3c3c3c3c } }, { x: { a0: 0x30303030 } }],
  ],
  'c.j': [
    ['c.j .+2046', 'largest forward offset, no link', {}, { pc: BASE + 2046 }],
    ['c.j .-2048', 'largest backward offset', {}, { pc: BASE - 2048 }],
  ],
  'c.beqz': [
    ['c.beqz a0, .+254', 'zero: taken forward', { x: { a0: 0 } }, { pc: BASE + 254 }],
    ['c.beqz s0, .-256', 'zero: taken backward', { x: { s0: 0 } }, { pc: BASE - 256 }],
    ['c.beqz a0, .+16', 'non-zero: not taken', { x: { a0: 1 } }, {}],
  ],
  'c.bnez': [
    ['c.bnez a0, .+254', 'non-zero: taken forward', { x: { a0: 0x80000000 } }, { pc: BASE + 254 }],
    ['c.bnez a5, .-256', 'non-zero: taken backward', { x: { a5: -1 } }, { pc: BASE - 256 }],
    ['c.bnez a0, .+16', 'zero: not taken', { x: { a0: 0 } }, {}],
  ],
  // RV32C, quadrant 2.
  'c.slli': [
    ['c.slli a0, 31', 'by 31', { x: { a0: 3 } }, { x: { a0: 0x80000000 } }],
    ['c.slli t6, 4', 'any register', { x: { t6: 0x87654321 } }, { x: { t6: 0x76543210 } }],
    ['c.slli zero, 3', 'HINT (rd = x0): no effect', {}, {}],
  ],
  'c.slli64': [
    ['c.slli64 a0', 'HINT (shamt 0): no effect', { x: { a0: 0x87654321 } }, {}],
  ],
  'c.lwsp': [
    ['c.lwsp a0, 4(sp)', 'word', { x: { sp: D }, mem: { 4: 0x80000001 } }, { x: { a0: 0x80000001 } }],
    ['c.lwsp t6, 252(sp)', 'largest offset', { x: { sp: D }, mem: { 252: 0x12345678 } }, { x: { t6: 0x12345678 } }],
  ],
  'c.jr': [
    ['c.jr a0', 'jumps, no link', { x: { a0: BASE + 0x100 } }, { pc: BASE + 0x100 }],
    ['c.jr t6', 'clears bit 0', { x: { t6: BASE + 0x101 } }, { pc: BASE + 0x100 }],
  ],
  'c.mv': [
    ['c.mv a0, a1', 'copies', { x: { a1: 0x80000001 } }, { x: { a0: 0x80000001 } }],
    ['c.mv zero, a1', 'HINT (rd = x0): no effect', { x: { a1: 1 } }, {}],
  ],
  'c.ebreak': [
    ['c.ebreak', 'cause 3, mepc at the instruction', {}, { trap: { cause: BREAKPOINT, tval: [0, BASE] } }],
  ],
  'c.jalr': [
    ['c.jalr a0', 'jumps, links pc + 2', { x: { a0: BASE + 0x100 } }, { x: { ra: BASE + 2 }, pc: BASE + 0x100 }],
    ['c.jalr ra', 'rs1 = ra: target uses the old ra', { x: { ra: BASE + 0x41 } }, { x: { ra: BASE + 2 }, pc: BASE + 0x40 }],
  ],
  'c.add': [
    ['c.add a0, a1', 'overflow wraps', { x: { a0: 0x7fffffff, a1: 1 } }, { x: { a0: 0x80000000 } }],
    ['c.add t6, t6', 'doubles', { x: { t6: 21 } }, { x: { t6: 42 } }],
    ['c.add zero, a1', 'HINT (rd = x0): no effect', { x: { a1: 1 } }, {}],
  ],
  'c.swsp': [
    ['c.swsp a0, 4(sp)', 'word', { x: { a0: 0xcafebabe, sp: D } }, { mem: { 4: 0xcafebabe } }],
    ['c.swsp t6, 252(sp)', 'largest offset', { x: { t6: 0x12345678, sp: D } }, { mem: { 252: 0x12345678 } }],
    ['c.swsp zero, 0(sp)', 'stores x0', { x: { sp: D }, mem: { 0: -1 } }, { mem: { 0: 0 } }],
  ],
};

const VECTORS: readonly Vector[] = [
  ...Object.entries(TABLE).flatMap(([id, rows]) =>
    rows.map(([asm, what, before, after]) => ({ id, asm, what, before, after })),
  ),
  ...M_GRID,
];

// ---------------------------------------------------------------------------------------------
// The runner.

/** External CSRs with two counters that record every access. */
class Counters implements ExternalCsrs {
  readonly values = new Map([
    [MCYCLE, COUNTER],
    [CYCLE, COUNTER],
  ]);
  readonly reads: number[] = [];
  readonly writes: [number, number][] = [];
  read(csr: number): number | undefined {
    const value = this.values.get(csr);
    if (value !== undefined) this.reads.push(csr);
    return value;
  }
  write(csr: number, value: number): boolean {
    if (!this.values.has(csr) || csr === CYCLE) return false;
    this.writes.push([csr, value >>> 0]);
    this.values.set(csr, value >>> 0);
    return true;
  }
}

/** A value unlikely to be a result, in every register a vector does not set. */
const junk = (r: number): number => (0x5ca10000 + r * 0x111) | 0;

function setWords(bytes: Uint8Array, words: Words): void {
  for (const [offset, value] of Object.entries(words)) {
    const at = D - BASE + Number(offset);
    for (let k = 0; k < 4; k++) bytes[at + k] = (value >>> (8 * k)) & 0xff;
  }
}

function registers(x: ArrayLike<number>): Record<string, string> {
  return Object.fromEntries(ABI.map((name, r) => [name, hex(x[r] as number)]));
}

function csrs(snapshot: Csrs): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot).map(([name, value]) => [name, hex(value)]));
}

/** The first few differing bytes of two memories, as `address: actual != expected`. */
function memoryDiff(actual: Uint8Array, expected: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < actual.length && out.length < 8; i++)
    if (actual[i] !== expected[i])
      out.push(`${hex(BASE + i)}: ${actual[i]?.toString(16)} != ${expected[i]?.toString(16)}`);
  return out;
}

const oneOf = (actual: number, allowed: number | readonly number[]): number => {
  const list = typeof allowed === 'number' ? [allowed] : allowed;
  return list.some((value) => value >>> 0 === actual >>> 0) ? actual : (list[0] as number);
};

const decoder = rv32imacDecoder();

function run(vector: Vector): void {
  const { id, asm, before, after } = vector;
  const compressed = id.startsWith('c.');
  const size = compressed ? 2 : 4;

  const memory = new FlatMemory();
  const image = assemble(compressed ? asm : `.option norvc\n${asm}`, { textAddress: BASE });
  for (const section of image.sections) memory.bytes.set(section.bytes, section.address - BASE);
  const decoded = decoder.decode(memory.fetch(BASE));
  expect(decoded.spec.id, 'assembled instruction').toBe(id);
  expect(decoded.size, 'assembled size').toBe(size);

  const counters = new Counters();
  const hart = new Hart(memory, counters, undefined, HART_ID);
  hart.pc = BASE;
  for (let r = 1; r < 32; r++) hart.x[r] = junk(r);
  for (const [name, value] of Object.entries(before.x ?? {}))
    hart.x[ABI.indexOf(name as Reg)] = value as number;
  expect(hart.x[0]).toBe(0);
  hart.csr.mtvec = MTVEC;
  hart.csr.stvec = STVEC;
  for (const [name, value] of Object.entries(before.csr ?? {}))
    hart.csr[name as CsrName] = (value as number) >>> 0;
  const privilege = before.priv ?? 3;
  hart.privilege = privilege;
  setWords(memory.bytes, before.mem ?? {});
  if (before.reservation !== undefined) {
    // As an LR of that word would leave it: the address and the word read.
    hart.reservation = before.reservation;
    const at = (before.reservation - BASE) >>> 0;
    if (at + 4 <= memory.bytes.length)
      hart.reservationValue = new DataView(memory.bytes.buffer).getInt32(at, true);
  }

  const x = Array.from(hart.x);
  const csr: Csrs = numeric(hart.csr.snapshot());
  const bytes = memory.bytes.slice();

  expect(hart.step(), 'step').toBe(true);

  // The expected state.
  const trap = after.trap;
  for (const [name, value] of Object.entries(after.x ?? {})) x[ABI.indexOf(name as Reg)] = value;
  Object.assign(csr, after.csr);
  // Trap entry (privileged spec 3.1.6.1, 4.1.1): the previous privilege goes to xPP, xIE to xPIE.
  const level = trap?.to ?? 3;
  if (trap) {
    const status = csr.mstatus as number;
    const tval = trap.tval === 'bits' ? [0, decoded.raw] : trap.tval;
    if (level === 3) {
      csr.mcause = oneOf(hart.csr.mcause, trap.cause);
      csr.mtval = oneOf(hart.csr.mtval, tval);
      csr.mepc = BASE;
      csr.mstatus =
        (status & ~(MPP_M | MPIE | MIE)) | (privilege << 11) | (status & MIE ? MPIE : 0);
    } else {
      csr.scause = oneOf(hart.csr.scause, trap.cause);
      csr.stval = oneOf(hart.csr.stval, tval);
      csr.sepc = BASE;
      csr.mstatus =
        (status & ~(SPP | SPIE | SIE)) | (privilege === 1 ? SPP : 0) | (status & SIE ? SPIE : 0);
    }
  }
  setWords(bytes, after.mem ?? {});
  const expected = {
    pc: hex(after.pc ?? (trap ? (level === 3 ? MTVEC : STVEC) : BASE + size)),
    privilege: after.priv ?? (trap ? level : privilege),
    retired: trap ? 0 : 1,
    waiting: after.waiting ?? false,
    x: registers(x),
    csr: csrs(csr),
    fencesI: after.fencesI ?? 0,
    fencesVma: after.fencesVma ?? [],
    writes: after.writes ?? [],
    ...(after.reads ? { reads: after.reads } : {}),
  };
  const actual = {
    pc: hex(hart.pc),
    privilege: hart.privilege,
    retired: hart.retired,
    waiting: hart.waiting,
    x: registers(hart.x),
    csr: csrs(numeric(hart.csr.snapshot())),
    fencesI: memory.fencesI,
    fencesVma: memory.fencesVma,
    writes: counters.writes,
    ...(after.reads ? { reads: counters.reads } : {}),
  };
  expect(actual).toEqual(expected);
  expect(memoryDiff(memory.bytes, bytes), 'memory').toEqual([]);
}

// ---------------------------------------------------------------------------------------------

const byId = new Map<string, Vector[]>();
for (const vector of VECTORS) byId.set(vector.id, [...(byId.get(vector.id) ?? []), vector]);

describe('every implemented instruction', () => {
  it('has vectors, and every vector names an implemented instruction', () => {
    expect([...byId.keys()].sort()).toEqual([...implementedInstructions()].sort());
  });

  for (const [id, vectors] of byId)
    describe(id, () => {
      for (const vector of vectors) it(`${vector.asm}: ${vector.what}`, () => run(vector));
    });
});

describe('instruction sequences', () => {
  it('counts one retired instruction per instruction, none for a trap', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        c.li a0, 1
        addi a0, a0, 1
      bad: ecall
        .align 2
      handler: j handler
    `);
    const counts: number[] = [];
    while (hart.pc !== symbol('handler')) {
      hart.step();
      counts.push(hart.retired);
    }
    // la = auipc + addi, csrw, c.li, addi, then the trapping ecall.
    expect(counts).toEqual([1, 2, 3, 4, 5, 5]);
    expect(hart.csr.mepc).toBe(symbol('bad'));
  });

  it('pairs LR with one SC: the SC consumes the reservation', () => {
    const { hart, memory, symbol } = hartWith(`
      _start:
        la a0, word
        li a1, 5
        li a2, 9
        lr.w t1, (a0)
        sc.w t2, a1, (a0)      # succeeds
        sc.w t3, a2, (a0)      # the reservation is gone
        lr.w zero, (a0)        # rd = x0 still reserves
        sc.w t4, a1, (a0)
      done: j done
        .data
      word: .word 0x80000001
    `);
    runTo(hart, symbol('done'));
    const at = symbol('word') - BASE;
    expect([hart.get(6), hart.get(7), hart.get(28), hart.get(29)]).toEqual([
      0x80000001 | 0,
      0,
      1,
      0,
    ]);
    expect(memory.bytes.slice(at, at + 4)).toEqual(new Uint8Array([5, 0, 0, 0]));
  });

  it('waits after WFI until an interrupt is pending', () => {
    const { hart, symbol } = hartWith(`
      _start: wfi
      after: j after
    `);
    expect(hart.step()).toBe(true);
    expect([hart.pc, hart.waiting, hart.retired]).toEqual([symbol('after'), true, 1]);
    expect(hart.step()).toBe(false);
    expect([hart.pc, hart.retired]).toEqual([symbol('after'), 1]);
  });

  it('resumes after WFI for a locally enabled interrupt even when MIE = 0, without a trap', () => {
    const { hart, symbol } = hartWith(`
      _start:
        li t0, 0x80
        csrs mie, t0           # MTIE; mstatus.MIE stays 0
        wfi
        li a0, 7
      done: j done
    `);
    for (let k = 0; k < 10 && !hart.waiting; k++) hart.step();
    expect(hart.waiting).toBe(true);
    expect(hart.step()).toBe(false);
    hart.csr.setLine(MIP_MTIP, true);
    runTo(hart, symbol('done'), 3);
    expect([hart.waiting, hart.get(10), hart.csr.mcause]).toEqual([false, 7, 0]);
  });

  it('advances the pc by 2 through a run of compressed instructions', () => {
    const { hart } = hartWith(`
      _start:
        c.li a0, 1
        c.addi a0, 2
        c.slli a0, 3
        c.mv a1, a0
        c.add a1, a0
        c.nop
    `);
    const pcs: number[] = [];
    for (let k = 0; k < 6; k++) {
      hart.step();
      pcs.push(hart.pc - BASE);
    }
    expect(pcs).toEqual([2, 4, 6, 8, 10, 12]);
    expect([hart.get(10), hart.get(11), hart.retired]).toEqual([24, 48, 6]);
  });
});
