/**
 * Rendering: body records to assembly, programs to the harness's {@link HarnessProgram}.
 *
 * @module
 */
import { foldWords } from './code.js';
import {
  CLINT_MTIME,
  CLINT_MTIMECMP,
  DATA_REGISTER,
  LOOP_REGISTER,
  reg,
  SCRATCH_A,
  SCRATCH_B,
  SCRATCH_C,
  UART_BASE,
} from './convention.js';
import type { BodyRecord, HarnessProgram, PatchOp, Program } from './model.js';

const hex = (value: number) => `0x${(value >>> 0).toString(16)}`;
const base = reg(DATA_REGISTER);
const ta = reg(SCRATCH_A);
const tb = reg(SCRATCH_B);
const scratchC = reg(SCRATCH_C);

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
  labels: Labels,
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
      // Records inside a loop branch and jump forward within it: `skip` records on, at most
      // to the loop's end (the counter's decrement). Their labels are emitted only if used.
      const label = labels.loop();
      const n = record.body.length;
      const used = new Set<number>();
      const blocks = record.body.map((r, j) =>
        recordLines(
          r,
          (skip) => {
            const to = Math.min(j + 1 + Math.max(0, skip), n);
            used.add(to);
            return `${label}_${to}`;
          },
          labels,
        ),
      );
      const inner: string[] = [];
      blocks.forEach((lines, j) => {
        if (used.has(j)) inner.push(`${label}_${j}:`);
        inner.push(...lines);
      });
      if (used.has(n)) inner.push(`${label}_${n}:`);
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
    case 'straight': {
      const lines: string[] = [];
      for (let i = 0; i < record.count; i++)
        lines.push(
          i % 2 === 0
            ? `addi ${reg(record.rd)}, ${reg(record.rd)}, ${(i % 61) - 30}`
            : `add ${reg(record.rd)}, ${reg(record.rd)}, ${reg(record.rs)}`,
        );
      return lines;
    }
    case 'patch': {
      const lines = [...addressLines(record.address, record.symbol), ...patchLines(record)];
      if (record.fence) lines.push('fence.i');
      return every(record.every, lines, labels);
    }
    case 'selfmod': {
      const word = labels.fresh();
      const write = [`la ${tb}, ${word}`];
      if (record.offset !== 0) write.push(`addi ${tb}, ${tb}, ${record.offset}`);
      write.push(...patchLines(record));
      if (record.sync === 'fence.i') write.push('fence.i');
      else if (record.sync === 'jump') {
        const next = labels.fresh();
        write.push(`j ${next}`, `${next}:`);
      }
      const gap = Array.from({ length: record.gap }, () => `addi ${scratchC}, ${scratchC}, 1`);
      const at = [
        '.balign 4',
        `${word}:`,
        `.word ${hex(record.word)}`,
        ...foldWords().map((w) => `.word ${hex(w)}`),
      ];
      return record.ahead ? [...write, ...gap, ...at] : [...at, ...gap, ...write];
    }
    case 'overlap': {
      const at = labels.fresh();
      const lines: string[] = [];
      switch (record.entry) {
        case 'jal':
          lines.push(`jal x0, ${at} + 2`);
          break;
        case 'jalr':
          lines.push(`la ${tb}, ${at}`, `jalr x0, 2(${tb})`);
          break;
        case 'branch':
          lines.push(
            `${record.op ?? 'beq'} ${reg(record.rs1 ?? 0)}, ${reg(record.rs2 ?? 0)}, ${at} + 2`,
          );
          break;
        case 'bit':
          lines.push(
            `andi ${ta}, ${reg(LOOP_REGISTER)}, ${1 << (record.bit ?? 0)}`,
            `beqz ${ta}, ${at} + 2`,
          );
          break;
      }
      lines.push(`${at}:`);
      for (const w of record.words) lines.push(`.word ${hex(w)}`);
      return lines;
    }
    case 'sometimes': {
      // t5 = 0 on the passes that fault, -1 on the others.
      const lines = [
        `andi ${ta}, ${reg(LOOP_REGISTER)}, ${record.mask}`,
        `seqz ${ta}, ${ta}`,
        `addi ${ta}, ${ta}, -1`,
      ];
      const op = record.op;
      if (op === 'lr.w' || op.startsWith('amo')) {
        // The data-page word, plus `misalign` bytes on the faulting passes.
        lines.push(
          `addi ${ta}, ${ta}, 1`,
          ...(record.misalign === 1 ? [] : [`slli ${ta}, ${ta}, ${Math.log2(record.misalign)}`]),
          `add ${tb}, ${base}, ${ta}`,
          `addi ${tb}, ${tb}, ${record.offset}`,
        );
        lines.push(
          op === 'lr.w'
            ? `lr.w ${reg(record.reg)}, (${tb})`
            : `${op} ${reg(record.reg)}, ${reg(record.rs2)}, (${tb})`,
        );
        return lines;
      }
      // t6 = data page or (hole - offset): ((hole - offset) ^ s11) & t5 ^ (hole - offset).
      const hole = hex((record.hole - record.offset) | 0);
      lines.push(
        `li ${tb}, ${hole}`,
        `xor ${tb}, ${tb}, ${base}`,
        `and ${tb}, ${tb}, ${ta}`,
        `li ${ta}, ${hole}`,
        `xor ${tb}, ${tb}, ${ta}`,
        op.startsWith('s')
          ? `${op} ${reg(record.rs2)}, ${record.offset}(${tb})`
          : `${op} ${reg(record.reg)}, ${record.offset}(${tb})`,
      );
      return lines;
    }
    case 'fold':
      return foldWords().map((w) => `.word ${hex(w)}`);
    case 'pte': {
      const [first, second] = record.targets;
      const lines = [`la ${tb}, ${first}`];
      if (second !== first) {
        const chosen = labels.fresh();
        lines.push(
          `srli ${ta}, ${reg(LOOP_REGISTER)}, ${record.bit}`,
          `andi ${ta}, ${ta}, 1`,
          `beqz ${ta}, ${chosen}`,
          `la ${tb}, ${second}`,
          `${chosen}:`,
        );
      }
      lines.push(`srli ${tb}, ${tb}, 2`, `la ${ta}, ${record.table}`);
      if (record.alias !== undefined)
        lines.push(
          `ori ${tb}, ${tb}, ${hex(record.aliasFlags ?? 0)}`,
          `sw ${tb}, ${4 * record.alias}(${ta})`,
          `andi ${tb}, ${tb}, -256`,
        );
      lines.push(`ori ${tb}, ${tb}, ${hex(record.flags)}`, `sw ${tb}, ${4 * record.index}(${ta})`);
      // An address fence covers one page: the alias's needs its own.
      const vas = [record.va, ...(record.alias === undefined ? [] : [record.aliasVa ?? 0])];
      switch (record.fence) {
        case 'all':
          lines.push('sfence.vma zero, zero');
          break;
        case 'va':
          for (const va of vas) lines.push(`li ${ta}, ${hex(va)}`, `sfence.vma ${ta}, zero`);
          break;
        case 'asid':
          lines.push(`li ${ta}, ${record.asid}`, `sfence.vma zero, ${ta}`);
          break;
        case 'va-asid':
          lines.push(`li ${tb}, ${record.asid}`);
          for (const va of vas) lines.push(`li ${ta}, ${hex(va)}`, `sfence.vma ${ta}, ${tb}`);
          break;
      }
      return every(record.every, lines, labels);
    }
  }
}

/** Lines of a code write at the address in scratch register B (see the `patch` record). */
function patchLines(record: { op: PatchOp; value: number }): string[] {
  switch (record.op) {
    case 'sw':
      return [`li ${ta}, ${hex(record.value)}`, `sw ${ta}, 0(${tb})`];
    case 'sh':
      return [`li ${ta}, ${hex(record.value & 0xffff)}`, `sh ${ta}, 0(${tb})`];
    case 'sh-xor':
      return [
        `lhu ${ta}, 0(${tb})`,
        `li ${scratchC}, ${hex(record.value & 0xffff)}`,
        `xor ${ta}, ${ta}, ${scratchC}`,
        `sh ${ta}, 0(${tb})`,
      ];
    case 'amoxor.w':
      return [`li ${ta}, ${hex(record.value)}`, `amoxor.w x0, ${ta}, (${tb})`];
  }
}

/** `lines`, or (with a mask) `lines` on the loop passes whose counter has none of its bits. */
function every(mask: number | undefined, lines: string[], labels: Labels): string[] {
  if (mask === undefined) return lines;
  const skip = labels.fresh();
  return [
    `andi ${ta}, ${reg(LOOP_REGISTER)}, ${mask}`,
    `bnez ${ta}, ${skip}`,
    ...lines,
    `${skip}:`,
  ];
}

/** Fresh labels of one body: loops' (`__loop<i>`) and other records' (`__x<i>`). */
interface Labels {
  loop(): string;
  fresh(): string;
}

function newLabels(): Labels {
  let loops = 0;
  let others = 0;
  return { loop: () => `__loop${loops++}`, fresh: () => `__x${others++}` };
}

/**
 * The assembly of a body: one block per record, each preceded by its label (`__r<i>`) so that
 * forward branches and jumps can name the record they skip to; `__r<n>` ends the body.
 */
export function renderBody(body: readonly BodyRecord[], norvc = false): string {
  const out: string[] = [];
  const labels = newLabels();
  if (norvc) out.push('.option push', '.option norvc');
  body.forEach((record, i) => {
    out.push(`__r${i}:`);
    const target = (skip: number) => `__r${Math.min(i + 1 + Math.max(0, skip), body.length)}`;
    for (const line of recordLines(record, target, labels)) out.push(`    ${line}`);
  });
  out.push(`__r${body.length}:`);
  if (norvc) out.push('.option pop');
  return `${out.join('\n')}\n`;
}

/** One record as assembly (for reports), labels resolved to `+N` record skips. */
export function renderRecord(record: BodyRecord): string {
  return recordLines(record, (skip) => `<+${skip + 1} records>`, newLabels()).join('; ');
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
