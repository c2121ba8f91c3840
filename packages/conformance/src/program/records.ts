/**
 * fast-check arbitraries of body records, the building blocks of the templates. Every field
 * shrinks towards a simpler record (registers towards x1/x0, values and offsets towards 0,
 * skips towards the next record).
 *
 * @module
 */
import fc from 'fast-check';
import type { GenContext } from './context.js';
import {
  CLINT_MSIP,
  CLINT_MTIME,
  CLINT_MTIMECMP,
  HOLES,
  LOOP_BODY_REGISTERS,
  UART_SCRATCH,
  WRITABLE_REGISTERS,
} from './convention.js';
import type {
  AmoOp,
  BodyRecord,
  BranchOp,
  CsrOp,
  ImmOp,
  LoadOp,
  RegOp,
  StoreOp,
  TrapKind,
} from './model.js';

type Arb = fc.Arbitrary<BodyRecord>;
const as = (a: fc.Arbitrary<unknown>): Arb => a as Arb;

/** Highest byte offset a load or store of the data page uses (below the harness's trap log). */
export const MAX_DATA_OFFSET = 2044;

export const ALU_REG_OPS: readonly RegOp[] = [
  'add',
  'sub',
  'sll',
  'slt',
  'sltu',
  'xor',
  'srl',
  'sra',
  'or',
  'and',
];
export const M_OPS: readonly RegOp[] = [
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
];
export const IMM_OPS: readonly ImmOp[] = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi'];
export const SHIFT_OPS: readonly ImmOp[] = ['slli', 'srli', 'srai'];
export const LOAD_OPS: readonly LoadOp[] = ['lb', 'lh', 'lw', 'lbu', 'lhu'];
export const STORE_OPS: readonly StoreOp[] = ['sb', 'sh', 'sw'];
export const BRANCH_OPS: readonly BranchOp[] = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
export const AMO_OPS: readonly AmoOp[] = [
  'amoswap.w',
  'amoadd.w',
  'amoxor.w',
  'amoand.w',
  'amoor.w',
  'amomin.w',
  'amomax.w',
  'amominu.w',
  'amomaxu.w',
];
const CSR_OPS: readonly CsrOp[] = ['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci'];

/** Width in bytes of a load or store. */
export function widthOf(op: LoadOp | StoreOp): number {
  return op === 'lw' || op === 'sw' ? 4 : op === 'lh' || op === 'lhu' || op === 'sh' ? 2 : 1;
}

/** Destination registers (never sp or the data base). */
export const rdArb = (registers: readonly number[] = WRITABLE_REGISTERS) =>
  fc.constantFrom(...registers);
/** Source registers: any, x0 first. */
export const rsArb = fc.integer({ min: 0, max: 31 });

/** 32-bit values, biased to the edges of signed and unsigned arithmetic. */
export const valueArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 1, -1, 0x7fff_ffff, -0x8000_0000, 2, 0x80, 0xff, 0xffff, 0x8000, 31, 32),
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
);

export const liArb = (registers?: readonly number[]): Arb =>
  as(fc.record({ kind: fc.constant('li'), rd: rdArb(registers), value: valueArb }));

export const regArb = (ops: readonly RegOp[], registers?: readonly number[]): Arb =>
  as(
    fc.record({
      kind: fc.constant('reg'),
      op: fc.constantFrom(...ops),
      rd: rdArb(registers),
      rs1: rsArb,
      rs2: rsArb,
    }),
  );

export const immArb = (registers?: readonly number[]): Arb =>
  fc.oneof(
    as(
      fc.record({
        kind: fc.constant('imm'),
        op: fc.constantFrom(...IMM_OPS),
        rd: rdArb(registers),
        rs1: rsArb,
        imm: fc.integer({ min: -2048, max: 2047 }),
      }),
    ),
    as(
      fc.record({
        kind: fc.constant('imm'),
        op: fc.constantFrom(...SHIFT_OPS),
        rd: rdArb(registers),
        rs1: rsArb,
        imm: fc.integer({ min: 0, max: 31 }),
      }),
    ),
  );

export const upperArb = (registers?: readonly number[]): Arb =>
  as(
    fc.record({
      kind: fc.constant('upper'),
      op: fc.constantFrom('lui', 'auipc'),
      rd: rdArb(registers),
      imm: fc.integer({ min: 0, max: 0xfffff }),
    }),
  );

/** Integer ALU records (register, immediate, upper, `li`). */
export const aluArb = (registers?: readonly number[]): Arb =>
  fc.oneof(
    { weight: 4, arbitrary: regArb(ALU_REG_OPS, registers) },
    { weight: 3, arbitrary: immArb(registers) },
    { weight: 1, arbitrary: upperArb(registers) },
    { weight: 2, arbitrary: liArb(registers) },
  );

/** A data-page offset for an access of `width` bytes: aligned, or (if allowed) not. */
const offsetArb = (misaligned: boolean, width = 4) =>
  fc
    .integer({ min: 0, max: MAX_DATA_OFFSET })
    .chain((offset) =>
      misaligned
        ? fc.constantFrom(offset & ~(width - 1), offset)
        : fc.constant(offset & ~(width - 1)),
    );

export const loadArb = (misaligned: boolean, registers?: readonly number[]): Arb =>
  fc.constantFrom(...LOAD_OPS).chain((op) =>
    as(
      fc.record({
        kind: fc.constant('load'),
        op: fc.constant(op),
        rd: rdArb(registers),
        offset: offsetArb(misaligned, widthOf(op)),
      }),
    ),
  );

export const storeArb = (misaligned: boolean): Arb =>
  fc.constantFrom(...STORE_OPS).chain((op) =>
    as(
      fc.record({
        kind: fc.constant('store'),
        op: fc.constant(op),
        rs2: rsArb,
        offset: offsetArb(misaligned, widthOf(op)),
      }),
    ),
  );

/** Loads and stores of the data page, every width. */
export const memoryArb = (ctx: GenContext, registers?: readonly number[]): Arb =>
  fc.oneof(loadArb(ctx.misalignedLoadStore, registers), storeArb(ctx.misalignedLoadStore));

export const branchArb = (maxSkip = 6): Arb =>
  as(
    fc.record({
      kind: fc.constant('branch'),
      op: fc.constantFrom(...BRANCH_OPS),
      rs1: rsArb,
      rs2: rsArb,
      skip: fc.integer({ min: 0, max: maxSkip }),
    }),
  );

export const jumpArb = (maxSkip = 6): Arb =>
  as(
    fc.record({
      kind: fc.constant('jump'),
      rd: fc.constantFrom(0, ...WRITABLE_REGISTERS),
      skip: fc.integer({ min: 0, max: maxSkip }),
    }),
  );

/** A loop with a fixed trip count around ALU and memory records. */
export const loopArb = (ctx: GenContext): Arb =>
  as(
    fc.record({
      kind: fc.constant('loop'),
      count: fc.integer({ min: 1, max: 8 }),
      body: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: aluArb(LOOP_BODY_REGISTERS) },
          { weight: 1, arbitrary: regArb(M_OPS, LOOP_BODY_REGISTERS) },
          { weight: 1, arbitrary: memoryArb(ctx, LOOP_BODY_REGISTERS) },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    }),
  );

/** LR/SC and AMOs on the data page (misaligned SC/AMOs only where every engine agrees). */
export const atomicArb = (ctx: GenContext): Arb => {
  const offset = (misaligned: boolean) =>
    fc
      .integer({ min: 0, max: 63 })
      .chain((word) =>
        misaligned ? fc.constantFrom(word * 4, word * 4 + 1, word * 4 + 2) : fc.constant(word * 4),
      );
  return fc.oneof(
    as(fc.record({ kind: fc.constant('lr'), rd: rdArb(), offset: offset(true) })),
    as(
      fc.record({
        kind: fc.constant('sc'),
        rd: rdArb(),
        rs2: rsArb,
        offset: offset(ctx.misalignedAmo),
      }),
    ),
    as(
      fc.record({
        kind: fc.constant('amo'),
        op: fc.constantFrom(...AMO_OPS),
        rd: rdArb(),
        rs2: rsArb,
        offset: offset(ctx.misalignedAmo),
      }),
    ),
  );
};

/** How a generated body may touch a CSR. */
export interface CsrAccess {
  readonly name: string;
  /** Writes are attempted (they trap on read-only CSRs, which is part of the test). */
  readonly write: boolean;
  /** Restore the old value right after writing (CSRs the harness or the hart depends on). */
  readonly restore: boolean;
  /** Bits a write may set (e.g. no PMP lock bits). */
  readonly writeMask?: number;
}

const w = (name: string): CsrAccess => ({ name, write: true, restore: false });
const r = (name: string): CsrAccess => ({ name, write: true, restore: true });
/** A read-only CSR: writes are attempted as for any other, and must trap. */
const ro = w;

/** CSRs an M-mode body reads and writes (Zicsr template). */
export function machineCsrs(ctx: GenContext): CsrAccess[] {
  const list: CsrAccess[] = [
    r('sstatus'),
    w('sie'),
    w('stvec'),
    w('scounteren'),
    w('senvcfg'),
    w('sscratch'),
    w('sepc'),
    w('scause'),
    w('stval'),
    w('sip'),
    w('satp'),
    r('mstatus'),
    w('misa'),
    w('medeleg'),
    w('mideleg'),
    r('mie'),
    r('mtvec'),
    w('mcounteren'),
    w('menvcfg'),
    w('mstatush'),
    w('menvcfgh'),
    ...(ctx.avoid.has('counter-inhibit') ? [] : [r('mcountinhibit')]),
    r('mscratch'),
    w('mepc'),
    w('mcause'),
    w('mtval'),
    w('mip'),
    ro('mvendorid'),
    ro('marchid'),
    ro('mimpid'),
    ro('mhartid'),
  ];
  for (let i = 0; i < 4; i++) list.push({ ...r(`pmpcfg${i}`), writeMask: 0x7f7f_7f7f });
  for (let i = 0; i < Math.min(16, ctx.pmpEntries); i++) list.push(r(`pmpaddr${i}`));
  if (ctx.counters) {
    for (const name of ['mcycle', 'minstret', 'mcycleh', 'minstreth'])
      list.push(ctx.avoid.has('counter-write') ? { ...w(name), write: false } : w(name));
    for (const name of ['cycle', 'instret', 'time', 'cycleh', 'instreth', 'timeh'])
      list.push(ro(name));
  }
  return list.filter((c) => ctx.mask(c.name) !== 0);
}

/** CSRs an S- or U-mode body touches (M CSRs trap). */
export function supervisorCsrs(ctx: GenContext): CsrAccess[] {
  const list: CsrAccess[] = [
    r('sstatus'),
    r('sie'),
    r('stvec'),
    w('scounteren'),
    w('senvcfg'),
    w('sscratch'),
    w('sepc'),
    w('scause'),
    w('stval'),
    r('sip'),
    // satp only read: a random root in S-mode would fault every fetch after it.
    { name: 'satp', write: false, restore: false },
    ro('mstatus'),
    ro('mscratch'),
    ro('mhartid'),
  ];
  if (ctx.counters) list.push(ro('cycle'), ro('instret'), ro('time'));
  return list.filter((c) => ctx.mask(c.name) !== 0);
}

/** Zicsr records over `csrs`: writes of random values (read back) and plain reads. */
export const csrArb = (ctx: GenContext, csrs: readonly CsrAccess[]): Arb =>
  fc.constantFrom(...csrs).chain((access) => {
    const mask = ctx.mask(access.name);
    const read = as(
      fc.record({
        kind: fc.constant('csrr'),
        csr: fc.constant(access.name),
        rd: rdArb(),
        mask: fc.constant(mask),
      }),
    );
    if (!access.write) return read;
    const write = as(
      fc
        .record({
          kind: fc.constant('csr'),
          op: fc.constantFrom(...CSR_OPS),
          csr: fc.constant(access.name),
          rd: fc.constantFrom(0, ...WRITABLE_REGISTERS),
          value: valueArb.map((v) => {
            const value = v & (access.writeMask ?? -1);
            return value | 0;
          }),
          restore: fc.constant(access.restore),
          mask: fc.constant(mask),
        })
        .map((r) => {
          let value = r.value;
          // QEMU 7.2 does not see a write in CSRRS/CSRRC of a zero register (see Avoidable).
          if (
            ctx.avoid.has('csr-zero-write') &&
            (r.op === 'csrrs' || r.op === 'csrrc') &&
            value === 0
          )
            value = 1;
          // Reserved pmpcfg permissions (W without R) read back differently on QEMU 7.2: never
          // set W without R, never clear R without W.
          if (access.name.startsWith('pmpcfg') && ctx.avoid.has('pmp-reserved-rw')) {
            if (r.op === 'csrrc' || r.op === 'csrrci') value |= (value & 0x0101_0101) << 1;
            else value |= (value & 0x0202_0202) >>> 1;
          }
          return value === r.value ? r : { ...r, value: value | 0 };
        }),
    );
    return fc.oneof({ weight: 3, arbitrary: write }, { weight: 1, arbitrary: read });
  });

/** Deliberate traps of the given kinds. */
export const trapArb = (kinds: readonly TrapKind[]): Arb =>
  as(fc.record({ kind: fc.constant('trap'), trap: fc.constantFrom(...kinds) }));

/** Loads and stores at addresses where nothing answers (access faults). */
export const holeAccessArb = (): Arb =>
  as(
    fc.record({
      kind: fc.constant('access'),
      op: fc.constantFrom<LoadOp | StoreOp>('lw', 'sw', 'lb', 'sb', 'lhu', 'sh'),
      address: fc.constantFrom(...HOLES),
      reg: rdArb(),
    }),
  );

/** Jumps to addresses whose fetch faults (the handler resumes at ra). */
export const holeFetchArb = (): Arb =>
  as(fc.record({ kind: fc.constant('fetch'), address: fc.constantFrom(...HOLES) }));

/** MMIO: the UART scratch register (bytes), the CLINT's msip, mtimecmp and mtime (words). */
export const mmioArb = (): Arb =>
  fc.oneof(
    as(
      fc.record({
        kind: fc.constant('access'),
        op: fc.constantFrom<LoadOp | StoreOp>('sb', 'lbu', 'lb'),
        address: fc.constant(UART_SCRATCH),
        reg: rdArb(),
      }),
    ),
    as(
      fc.record({
        kind: fc.constant('access'),
        op: fc.constantFrom<LoadOp | StoreOp>('sw', 'lw'),
        address: fc.constantFrom(CLINT_MSIP, CLINT_MTIMECMP, CLINT_MTIMECMP + 4, CLINT_MTIME),
        reg: rdArb(),
      }),
    ),
    as(fc.record({ kind: fc.constant('putc'), char: fc.integer({ min: 0x20, max: 0x7e }) })),
  );

/** Re-arms the timer a few ticks ahead. */
export const timerArb = (): Arb =>
  as(fc.record({ kind: fc.constant('timer'), ticks: fc.integer({ min: 0, max: 4 }) }));
