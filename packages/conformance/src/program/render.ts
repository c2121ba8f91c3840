/**
 * Rendering: body records to assembly, programs to the harness's {@link HarnessProgram}.
 *
 * @module
 */
import {
  CLINT_MTIME,
  CLINT_MTIMECMP,
  DATA_REGISTER,
  LOOP_REGISTER,
  reg,
  SCRATCH_A,
  SCRATCH_B,
  UART_BASE,
} from './convention.js';
import type { BodyRecord, HarnessProgram, Program } from './model.js';

const hex = (value: number) => `0x${(value >>> 0).toString(16)}`;
const base = reg(DATA_REGISTER);
const ta = reg(SCRATCH_A);
const tb = reg(SCRATCH_B);

/** The base register of a load or store record (default: the data page's). */
function baseOf(register: number | undefined): string {
  return register === undefined ? base : reg(register);
}

/** Lines that clear the bits of `rd` outside `mask` (nothing for all ones or x0). */
function maskLines(rd: number, mask: number, scratch: string): string[] {
  if (rd === 0 || mask >>> 0 === 0xffff_ffff) return [];
  return [`li ${scratch}, ${hex(mask)}`, `and ${reg(rd)}, ${reg(rd)}, ${scratch}`];
}

/** Lines that put `symbol + address` (or `address`) in scratch register B. */
function addressLines(address: number, symbol: string | undefined): string[] {
  if (symbol === undefined) return [`li ${tb}, ${hex(address)}`];
  return [`la ${tb}, ${symbol}`, `li ${ta}, ${hex(address)}`, `add ${tb}, ${tb}, ${ta}`];
}

/** Assembly of one record; `target(skip)` names the label `skip` records after this one. */
function recordLines(
  record: BodyRecord,
  target: (skip: number) => string,
  loopLabel: () => string,
): string[] {
  switch (record.kind) {
    case 'reg':
      return [`${record.op} ${reg(record.rd)}, ${reg(record.rs1)}, ${reg(record.rs2)}`];
    case 'imm':
      return [`${record.op} ${reg(record.rd)}, ${reg(record.rs1)}, ${record.imm}`];
    case 'upper':
      return [`${record.op} ${reg(record.rd)}, ${hex(record.imm & 0xfffff)}`];
    case 'li':
      return [`li ${reg(record.rd)}, ${hex(record.value)}`];
    case 'load':
      return [`${record.op} ${reg(record.rd)}, ${record.offset}(${baseOf(record.base)})`];
    case 'store':
      return [`${record.op} ${reg(record.rs2)}, ${record.offset}(${baseOf(record.base)})`];
    case 'branch':
      return [`${record.op} ${reg(record.rs1)}, ${reg(record.rs2)}, ${target(record.skip)}`];
    case 'jump':
      return [`jal ${reg(record.rd)}, ${target(record.skip)}`];
    case 'loop': {
      const label = loopLabel();
      const inner: string[] = [];
      for (const r of record.body) inner.push(...recordLines(r, () => label, loopLabel));
      return [
        `li ${reg(LOOP_REGISTER)}, ${record.count}`,
        `${label}:`,
        ...inner,
        `addi ${reg(LOOP_REGISTER)}, ${reg(LOOP_REGISTER)}, -1`,
        `bnez ${reg(LOOP_REGISTER)}, ${label}`,
      ];
    }
    case 'lr':
      return [`addi ${tb}, ${base}, ${record.offset}`, `lr.w ${reg(record.rd)}, (${tb})`];
    case 'sc':
      return [
        `addi ${tb}, ${base}, ${record.offset}`,
        `sc.w ${reg(record.rd)}, ${reg(record.rs2)}, (${tb})`,
      ];
    case 'amo':
      return [
        `addi ${tb}, ${base}, ${record.offset}`,
        `${record.op} ${reg(record.rd)}, ${reg(record.rs2)}, (${tb})`,
      ];
    case 'csr': {
      const immediate = record.op.endsWith('i');
      const operand = immediate ? String(record.value & 31) : ta;
      const lines: string[] = [];
      if (record.restore) lines.push(`csrr ${tb}, ${record.csr}`);
      if (!immediate) lines.push(`li ${ta}, ${hex(record.value)}`);
      lines.push(`${record.op} ${reg(record.rd)}, ${record.csr}, ${operand}`);
      if (record.restore) {
        lines.push(`csrr ${ta}, ${record.csr}`, `csrw ${record.csr}, ${tb}`);
        lines.push(...maskLines(SCRATCH_A, record.mask, tb));
      }
      lines.push(...maskLines(record.rd, record.mask, tb));
      return lines;
    }
    case 'csrr':
      return [`csrr ${reg(record.rd)}, ${record.csr}`, ...maskLines(record.rd, record.mask, tb)];
    case 'trap':
      switch (record.trap) {
        case 'ecall':
          return ['ecall'];
        case 'ebreak':
          return ['ebreak'];
        case 'illegal':
          return ['.word 0xffffffff'];
        case 'illegal-csr':
          return ['csrw mhartid, zero'];
        case 'c-unimp':
          return ['.half 0'];
        case 'mret':
          return ['mret'];
        case 'sret':
          return ['sret'];
      }
      return [];
    case 'access':
      return [
        ...addressLines(record.address, record.symbol),
        `${record.op} ${reg(record.reg)}, 0(${tb})`,
      ];
    case 'fetch':
      return [...addressLines(record.address, record.symbol), `jalr ra, 0(${tb})`];
    case 'putc':
      return [
        `li ${tb}, ${hex(UART_BASE)}`,
        `li ${ta}, ${record.char & 0x7f}`,
        `sb ${ta}, 0(${tb})`,
      ];
    case 'timer':
      return [
        `li ${tb}, ${hex(CLINT_MTIME)}`,
        `lw ${ta}, 0(${tb})`,
        `addi ${ta}, ${ta}, ${record.ticks}`,
        `li ${tb}, ${hex(CLINT_MTIMECMP)}`,
        `sw ${ta}, 0(${tb})`,
        `sw zero, 4(${tb})`,
      ];
    case 'wfi':
      return ['wfi'];
    case 'fence':
      return [record.op === 'sfence.vma' ? 'sfence.vma zero, zero' : record.op];
    case 'raw':
      return record.text.split('\n');
  }
}

/**
 * The assembly of a body: one block per record, each preceded by its label (`__r<i>`) so that
 * forward branches and jumps can name the record they skip to; `__r<n>` ends the body.
 */
export function renderBody(body: readonly BodyRecord[], norvc = false): string {
  const out: string[] = [];
  let loops = 0;
  const loopLabel = () => `__loop${loops++}`;
  if (norvc) out.push('.option push', '.option norvc');
  body.forEach((record, i) => {
    out.push(`__r${i}:`);
    const target = (skip: number) => `__r${Math.min(i + 1 + Math.max(0, skip), body.length)}`;
    for (const line of recordLines(record, target, loopLabel)) out.push(`    ${line}`);
  });
  out.push(`__r${body.length}:`);
  if (norvc) out.push('.option pop');
  return `${out.join('\n')}\n`;
}

/** One record as assembly (for reports), labels resolved to `+N` record skips. */
export function renderRecord(record: BodyRecord): string {
  let loops = 0;
  return recordLines(
    record,
    (skip) => `<+${skip + 1} records>`,
    () => `__loop${loops++}`,
  ).join('; ');
}

/** The harness program of a generated program. */
export function renderProgram(program: Program): HarnessProgram {
  return {
    setup: program.setup,
    body: renderBody(program.body, program.norvc ?? false),
    ...(program.handler === undefined ? {} : { handler: program.handler }),
    ...(program.extra === undefined ? {} : { extra: program.extra }),
    ...(program.digestPages === undefined ? {} : { digestPages: program.digestPages }),
  };
}
