/**
 * Zicsr, Zifencei, the privileged instructions (privileged spec 1.12, chapter 3 and 4)
 * and the hypervisor extension's instructions (chapter 8).
 *
 * @module
 */
import {
  type EntryDefinition,
  entry,
  FUNCT3,
  FUNCT7,
  f3,
  OPCODE,
  RD,
  RD_BITS,
  RS1,
  RS2,
  RS2_BITS,
  ZIMM,
} from './define.js';
import { exact } from './rv32i.js';

const SYSTEM = 0x73;

function csr(name: string, funct3: number, immediate: boolean): EntryDefinition {
  return entry({
    name,
    extension: 'Zicsr',
    mask: OPCODE | FUNCT3,
    match: f3(funct3, SYSTEM),
    rd: RD,
    ...(immediate ? { imm: ZIMM } : { rs1: RS1 }),
    csr: true,
    syntax: immediate ? 'rd, csr, imm' : 'rd, csr, rs1',
  });
}

/** Zicsr. */
export const ZICSR: readonly EntryDefinition[] = [
  csr('csrrw', 1, false),
  csr('csrrs', 2, false),
  csr('csrrc', 3, false),
  csr('csrrwi', 5, true),
  csr('csrrsi', 6, true),
  csr('csrrci', 7, true),
];

/** Zifencei: FENCE.I; imm, rs1 and rd are reserved and ignored (unprivileged spec 3.1). */
export const ZIFENCEI: readonly EntryDefinition[] = [
  entry({
    name: 'fence.i',
    extension: 'Zifencei',
    mask: OPCODE | FUNCT3,
    match: f3(1, 0x0f),
    syntax: '',
    ignoredBits: 0xffffff80 & ~FUNCT3,
  }),
];

function fenceVma(name: string, funct7: number, extension: 'Priv' | 'H'): EntryDefinition {
  return entry({
    name,
    extension,
    mask: OPCODE | FUNCT3 | FUNCT7 | RD_BITS,
    match: f3(0, SYSTEM) | (funct7 << 25),
    rs1: RS1,
    rs2: RS2,
    syntax: 'rs1, rs2',
  });
}

/** Privileged instructions. */
export const PRIVILEGED: readonly EntryDefinition[] = [
  exact('sret', 0x10200073, 'Priv'),
  exact('mret', 0x30200073, 'Priv'),
  exact('wfi', 0x10500073, 'Priv'),
  fenceVma('sfence.vma', 0x09, 'Priv'),
];

function hypervisorLoad(name: string, funct7: number, rs2: number): EntryDefinition {
  return entry({
    name,
    extension: 'H',
    mask: OPCODE | FUNCT3 | FUNCT7 | RS2_BITS,
    match: f3(4, SYSTEM) | (funct7 << 25) | (rs2 << 20),
    rd: RD,
    rs1: RS1,
    syntax: 'rd, (rs1)',
  });
}

function hypervisorStore(name: string, funct7: number): EntryDefinition {
  return entry({
    name,
    extension: 'H',
    mask: OPCODE | FUNCT3 | FUNCT7 | RD_BITS,
    match: f3(4, SYSTEM) | (funct7 << 25),
    rs1: RS1,
    rs2: RS2,
    syntax: 'rs2, (rs1)',
  });
}

/** Hypervisor extension instructions (present for the hardware-assisted engine). */
export const HYPERVISOR: readonly EntryDefinition[] = [
  fenceVma('hfence.vvma', 0x11, 'H'),
  fenceVma('hfence.gvma', 0x31, 'H'),
  hypervisorLoad('hlv.b', 0x30, 0),
  hypervisorLoad('hlv.bu', 0x30, 1),
  hypervisorLoad('hlv.h', 0x32, 0),
  hypervisorLoad('hlv.hu', 0x32, 1),
  hypervisorLoad('hlvx.hu', 0x32, 3),
  hypervisorLoad('hlv.w', 0x34, 0),
  hypervisorLoad('hlvx.wu', 0x34, 3),
  hypervisorStore('hsv.b', 0x31),
  hypervisorStore('hsv.h', 0x33),
  hypervisorStore('hsv.w', 0x35),
];
