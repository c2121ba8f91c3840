/**
 * The CSR catalogue: every standard CSR address with its name, the lowest privilege that
 * may access it, whether it is read-only, and the fields of the ones Trapeze's machine
 * implements (privileged spec 1.12, tables 2.1–2.6; debug spec 0.13 for the trigger and
 * debug-mode CSRs). Naming a CSR here does not mean every hart implements it.
 *
 * @module
 */
import { checkInteger } from './errors.js';

/** Lowest privilege that may access a CSR. `D` is debug mode. */
export type CsrPrivilege = 'U' | 'S' | 'H' | 'M' | 'D';

/** A named bit field of a CSR. */
export interface CsrField {
  readonly name: string;
  /** Highest bit, inclusive. */
  readonly hi: number;
  /** Lowest bit. */
  readonly lo: number;
}

/** One CSR of the catalogue. */
export interface CsrInfo {
  readonly address: number;
  readonly name: string;
  readonly privilege: CsrPrivilege;
  readonly readOnly: boolean;
  /** Where the CSR comes from: `base`, `F`, `V`, `H`, `Zkr`, `Smstateen`, `Sstc`, `debug`, `N` (withdrawn). */
  readonly group: string;
  readonly fields: readonly CsrField[];
}

type FieldList = readonly (readonly [name: string, hi: number, lo?: number])[];

function f(list: FieldList): CsrField[] {
  return list.map(([name, hi, lo]) => ({ name, hi, lo: lo ?? hi }));
}

const STATUS_S: FieldList = [
  ['SIE', 1],
  ['SPIE', 5],
  ['UBE', 6],
  ['SPP', 8],
  ['VS', 10, 9],
  ['FS', 14, 13],
  ['XS', 16, 15],
  ['SUM', 18],
  ['MXR', 19],
  ['SD', 31],
];
const STATUS_M: FieldList = [
  ...STATUS_S,
  ['MIE', 3],
  ['MPIE', 7],
  ['MPP', 12, 11],
  ['MPRV', 17],
  ['TVM', 20],
  ['TW', 21],
  ['TSR', 22],
];
const INTERRUPTS_S: FieldList = [
  ['SSI', 1],
  ['STI', 5],
  ['SEI', 9],
];
const INTERRUPTS_M: FieldList = [...INTERRUPTS_S, ['MSI', 3], ['MTI', 7], ['MEI', 11]];
const TVEC: FieldList = [
  ['MODE', 1, 0],
  ['BASE', 31, 2],
];
const CAUSE: FieldList = [
  ['ExceptionCode', 30, 0],
  ['Interrupt', 31],
];
const COUNTERS: FieldList = [
  ['CY', 0],
  ['TM', 1],
  ['IR', 2],
  ...range(3, 31).map((i) => [`HPM${i}`, i] as const),
];
const ENVCFG: FieldList = [
  ['FIOM', 0],
  ['CBIE', 5, 4],
  ['CBCFE', 6],
  ['CBZE', 7],
];
const PMPCFG: FieldList = range(0, 3).flatMap((i) => {
  const b = i * 8;
  return [
    [`pmp${i}R`, b],
    [`pmp${i}W`, b + 1],
    [`pmp${i}X`, b + 2],
    [`pmp${i}A`, b + 4, b + 3],
    [`pmp${i}L`, b + 7],
  ] as const;
});

/** `tdata1` as an address-match trigger (`mcontrol`, type 2) on RV32 (debug spec 0.13). */
const MCONTROL: FieldList = [
  ['load', 0],
  ['store', 1],
  ['execute', 2],
  ['u', 3],
  ['s', 4],
  ['m', 6],
  ['match', 10, 7],
  ['chain', 11],
  ['action', 15, 12],
  ['sizelo', 17, 16],
  ['timing', 18],
  ['select', 19],
  ['hit', 20],
  ['maskmax', 26, 21],
  ['dmode', 27],
  ['type', 31, 28],
];

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

type Row = readonly [address: number, name: string, group?: string, fields?: FieldList];

const ROWS: Row[] = [
  // Unprivileged: floating point (named even without F), vector, entropy source.
  [0x001, 'fflags', 'F'],
  [0x002, 'frm', 'F'],
  [0x003, 'fcsr', 'F'],
  [0x008, 'vstart', 'V'],
  [0x009, 'vxsat', 'V'],
  [0x00a, 'vxrm', 'V'],
  [0x00f, 'vcsr', 'V'],
  [0x015, 'seed', 'Zkr'],
  // User-level trap CSRs of the withdrawn N extension (still named by assemblers).
  [0x000, 'ustatus', 'N'],
  [0x004, 'uie', 'N'],
  [0x005, 'utvec', 'N'],
  [0x040, 'uscratch', 'N'],
  [0x041, 'uepc', 'N'],
  [0x042, 'ucause', 'N'],
  [0x043, 'utval', 'N'],
  [0x044, 'uip', 'N'],
  [0x102, 'sedeleg', 'N'],
  [0x103, 'sideleg', 'N'],
  // Unprivileged counters and timers.
  [0xc00, 'cycle'],
  [0xc01, 'time'],
  [0xc02, 'instret'],
  ...range(3, 31).map((i): Row => [0xc00 + i, `hpmcounter${i}`]),
  [0xc20, 'vl', 'V'],
  [0xc21, 'vtype', 'V'],
  [0xc22, 'vlenb', 'V'],
  [0xc80, 'cycleh'],
  [0xc81, 'timeh'],
  [0xc82, 'instreth'],
  ...range(3, 31).map((i): Row => [0xc80 + i, `hpmcounter${i}h`]),
  // Supervisor.
  [0x100, 'sstatus', 'base', STATUS_S],
  [0x104, 'sie', 'base', INTERRUPTS_S],
  [0x105, 'stvec', 'base', TVEC],
  [0x106, 'scounteren', 'base', COUNTERS],
  [0x10a, 'senvcfg', 'base', ENVCFG],
  ...range(0, 3).map((i): Row => [0x10c + i, `sstateen${i}`, 'Smstateen']),
  [0x140, 'sscratch'],
  [0x141, 'sepc'],
  [0x142, 'scause', 'base', CAUSE],
  [0x143, 'stval'],
  [0x144, 'sip', 'base', INTERRUPTS_S],
  [0x14d, 'stimecmp', 'Sstc'],
  [0x15d, 'stimecmph', 'Sstc'],
  [
    0x180,
    'satp',
    'base',
    [
      ['PPN', 21, 0],
      ['ASID', 30, 22],
      ['MODE', 31],
    ],
  ],
  [0x5a8, 'scontext', 'debug'],
  [0xda0, 'scountovf', 'Sscofpmf'],
  // Hypervisor and virtual supervisor.
  [0x600, 'hstatus', 'H'],
  [0x602, 'hedeleg', 'H'],
  [0x603, 'hideleg', 'H'],
  [0x604, 'hie', 'H'],
  [0x605, 'htimedelta', 'H'],
  [0x606, 'hcounteren', 'H'],
  [0x607, 'hgeie', 'H'],
  [0x60a, 'henvcfg', 'H'],
  ...range(0, 3).map((i): Row => [0x60c + i, `hstateen${i}`, 'Smstateen']),
  [0x615, 'htimedeltah', 'H'],
  [0x61a, 'henvcfgh', 'H'],
  ...range(0, 3).map((i): Row => [0x61c + i, `hstateen${i}h`, 'Smstateen']),
  [0x643, 'htval', 'H'],
  [0x644, 'hip', 'H'],
  [0x645, 'hvip', 'H'],
  [0x64a, 'htinst', 'H'],
  [0x680, 'hgatp', 'H'],
  [0x6a8, 'hcontext', 'debug'],
  [0xe12, 'hgeip', 'H'],
  [0x200, 'vsstatus', 'H'],
  [0x204, 'vsie', 'H'],
  [0x205, 'vstvec', 'H'],
  [0x240, 'vsscratch', 'H'],
  [0x241, 'vsepc', 'H'],
  [0x242, 'vscause', 'H'],
  [0x243, 'vstval', 'H'],
  [0x244, 'vsip', 'H'],
  [0x24d, 'vstimecmp', 'Sstc'],
  [0x25d, 'vstimecmph', 'Sstc'],
  [0x280, 'vsatp', 'H'],
  // Machine information.
  [0xf11, 'mvendorid'],
  [0xf12, 'marchid'],
  [0xf13, 'mimpid'],
  [0xf14, 'mhartid'],
  [0xf15, 'mconfigptr'],
  // Machine trap setup and handling.
  [0x300, 'mstatus', 'base', STATUS_M],
  [
    0x301,
    'misa',
    'base',
    [
      ['Extensions', 25, 0],
      ['MXL', 31, 30],
    ],
  ],
  [0x302, 'medeleg'],
  [0x303, 'mideleg', 'base', INTERRUPTS_M],
  [0x304, 'mie', 'base', INTERRUPTS_M],
  [0x305, 'mtvec', 'base', TVEC],
  [0x306, 'mcounteren', 'base', COUNTERS],
  [
    0x310,
    'mstatush',
    'base',
    [
      ['SBE', 4],
      ['MBE', 5],
    ],
  ],
  [0x340, 'mscratch'],
  [0x341, 'mepc'],
  [0x342, 'mcause', 'base', CAUSE],
  [0x343, 'mtval'],
  [0x344, 'mip', 'base', INTERRUPTS_M],
  [0x34a, 'mtinst', 'H'],
  [0x34b, 'mtval2', 'H'],
  [0x30a, 'menvcfg', 'base', [...ENVCFG]],
  [
    0x31a,
    'menvcfgh',
    'base',
    [
      ['STCE', 31],
      ['PBMTE', 30],
    ],
  ],
  ...range(0, 3).map((i): Row => [0x30c + i, `mstateen${i}`, 'Smstateen']),
  ...range(0, 3).map((i): Row => [0x31c + i, `mstateen${i}h`, 'Smstateen']),
  [0x747, 'mseccfg', 'Smepmp'],
  [0x757, 'mseccfgh', 'Smepmp'],
  // Memory protection: RV32 uses the even and odd pmpcfg registers alike.
  ...range(0, 15).map((i): Row => [0x3a0 + i, `pmpcfg${i}`, 'base', PMPCFG]),
  ...range(0, 63).map((i): Row => [0x3b0 + i, `pmpaddr${i}`]),
  // Machine counters.
  [0xb00, 'mcycle'],
  [0xb02, 'minstret'],
  ...range(3, 31).map((i): Row => [0xb00 + i, `mhpmcounter${i}`]),
  [0xb80, 'mcycleh'],
  [0xb82, 'minstreth'],
  ...range(3, 31).map((i): Row => [0xb80 + i, `mhpmcounter${i}h`]),
  [0x320, 'mcountinhibit', 'base', COUNTERS.filter(([name]) => name !== 'TM')],
  ...range(3, 31).map((i): Row => [0x320 + i, `mhpmevent${i}`]),
  ...range(3, 31).map((i): Row => [0x720 + i, `mhpmevent${i}h`, 'Sscofpmf']),
  // Debug and trace. tdata1's fields are those of an address-match trigger (mcontrol, type 2);
  // tinfo (0x7a4), tcontrol (0x7a5) and mscontext (0x7aa) have no name in LLVM 14, so none here.
  [0x7a0, 'tselect', 'debug'],
  [0x7a1, 'tdata1', 'debug', MCONTROL],
  [0x7a2, 'tdata2', 'debug'],
  [0x7a3, 'tdata3', 'debug'],
  [0x7a8, 'mcontext', 'debug'],
  [0x7b0, 'dcsr', 'debug'],
  [0x7b1, 'dpc', 'debug'],
  [0x7b2, 'dscratch0', 'debug'],
  [0x7b3, 'dscratch1', 'debug'],
];

const PRIVILEGES: readonly CsrPrivilege[] = ['U', 'S', 'H', 'M'];

/**
 * Lowest privilege that may access a CSR address, from its bits [9:8] (debug CSRs: `D`).
 * Every function of this module that takes a CSR address takes an integer in 0…4095 (12 bits)
 * and throws {@link IsaError} `BAD_ARGUMENT` for anything else.
 */
export function csrPrivilege(address: number): CsrPrivilege {
  checkCsrAddress(address, 'csrPrivilege');
  if (address >= 0x7b0 && address <= 0x7bf) return 'D';
  return PRIVILEGES[(address >>> 8) & 3] as CsrPrivilege;
}

/** Whether a CSR address is read-only by convention (bits [11:10] = 11). */
export function csrReadOnly(address: number): boolean {
  checkCsrAddress(address, 'csrReadOnly');
  return ((address >>> 10) & 3) === 3;
}

/** Every CSR of the catalogue, sorted by address. */
export const CSRS: readonly CsrInfo[] = Object.freeze(
  ROWS.map(([address, name, group, fields]) =>
    Object.freeze({
      address,
      name,
      privilege: csrPrivilege(address),
      readOnly: csrReadOnly(address),
      group: group ?? 'base',
      fields: Object.freeze(f(fields ?? [])),
    }),
  ).sort((a, b) => a.address - b.address),
);

const BY_ADDRESS = new Map(CSRS.map((csr) => [csr.address, csr]));
const BY_NAME = new Map(CSRS.map((csr) => [csr.name, csr]));

/** The catalogue entry for a CSR address, or `undefined`. */
export function csrByAddress(address: number): CsrInfo | undefined {
  return BY_ADDRESS.get(checkCsrAddress(address, 'csrByAddress'));
}

/** The catalogue entry for a CSR name (case-insensitive), or `undefined`. */
export function csrByName(name: string): CsrInfo | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The name of a CSR address, or its decimal number when it has none (as LLVM prints it). */
export function csrName(address: number): string {
  return BY_ADDRESS.get(checkCsrAddress(address, 'csrName'))?.name ?? String(address);
}

function checkCsrAddress(address: number, caller: string): number {
  // The message is built only for a bad address: the CSR file's access check (every CSR
  // instruction) and the disassembler call this.
  if (Number.isInteger(address) && address >= 0 && address <= 0xfff) return address;
  return checkInteger(address, `${caller}: CSR address`, 0, 0xfff);
}
