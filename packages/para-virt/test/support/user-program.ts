/**
 * Generated user programs for the OS (docs/pv-abi.md's property across engines): a program the
 * OS loads from the virtio disk (`run=disk`) and runs as a process. It sets registers, computes,
 * loads and stores in heap pages it grows with `sbrk` (each first touch a page fault, served by
 * the kernel), makes system calls (`getpid`, `write`, `sbrk`), and ends by writing a state dump
 * — its registers and a checksum of its heap — through `write`, then exits with a status from
 * its registers.
 */
import { assemble, elfImage } from '@trapeze/isa';
import fc from 'fast-check';

/** The registers a program computes in (sp, gp, tp, ra and a0–a7 are the ABI's and the dump's). */
const REGS = [
  's0',
  's1',
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
];
const R_OPS = [
  'add',
  'sub',
  'xor',
  'or',
  'and',
  'sll',
  'srl',
  'sra',
  'slt',
  'sltu',
  'mul',
  'mulh',
  'mulhu',
  'mulhsu',
  'div',
  'divu',
  'rem',
  'remu',
];
const I_OPS = ['addi', 'xori', 'ori', 'andi', 'slti', 'sltiu'];
/** Heap bytes the program uses (grown by sbrk before use): four pages. */
const HEAP = 4 * 4096;

/** One operation of a generated program. */
export type UserOp =
  | { op: 'r'; name: string; rd: string; rs1: string; rs2: string }
  | { op: 'i'; name: string; rd: string; rs1: string; imm: number }
  | { op: 'store'; rs: string; offset: number; size: 1 | 2 | 4 }
  | { op: 'load'; rd: string; offset: number; size: 1 | 2 | 4; signed: boolean }
  | { op: 'getpid'; rd: string }
  | { op: 'write'; text: string };

/** A generated program: initial register values and operations. */
export interface UserProgram {
  readonly init: readonly number[];
  readonly ops: readonly UserOp[];
  readonly status: string;
}

const reg = fc.constantFrom(...REGS);
const op: fc.Arbitrary<UserOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('r' as const),
      name: fc.constantFrom(...R_OPS),
      rd: reg,
      rs1: reg,
      rs2: reg,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('i' as const),
      name: fc.constantFrom(...I_OPS),
      rd: reg,
      rs1: reg,
      imm: fc.integer({ min: -2048, max: 2047 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        rs: reg,
        size: fc.constantFrom(1 as const, 2 as const, 4 as const),
        slot: fc.integer({ min: 0, max: HEAP / 4 - 1 }),
      })
      .map(({ rs, size, slot }) => ({ op: 'store' as const, rs, size, offset: slot * 4 })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        rd: reg,
        size: fc.constantFrom(1 as const, 2 as const, 4 as const),
        signed: fc.boolean(),
        slot: fc.integer({ min: 0, max: HEAP / 4 - 1 }),
      })
      .map(({ rd, size, signed, slot }) => ({
        op: 'load' as const,
        rd,
        size,
        signed,
        offset: slot * 4,
      })),
  },
  fc.record({ op: fc.constant('getpid' as const), rd: reg }),
  fc.record({ op: fc.constant('write' as const), text: fc.stringMatching(/^[a-z0-9 ]{1,12}$/) }),
);

/** Arbitrary user programs. */
export function userProgram(maxOps = 24): fc.Arbitrary<UserProgram> {
  return fc.record({
    init: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
      minLength: REGS.length,
      maxLength: REGS.length,
    }),
    ops: fc.array(op, { maxLength: maxOps }),
    status: reg,
  });
}

/** A heap address register: tp holds the heap's base for the whole run. */
function access(o: UserOp & { offset: number }): string {
  // Offsets up to 16 KiB: reach them through t0 = tp + offset.
  return `li t0, ${o.offset}
    add t0, t0, tp`;
}

const SYS_WRITE = 1;
const SYS_EXIT = 3;
const SYS_GETPID = 4;
const SYS_SBRK = 8;

/** The program's assembly source (a static executable at the OS's user base, 0x10000). */
export function programSource(p: UserProgram): string {
  const lines: string[] = [];
  lines.push(`li a7, ${SYS_SBRK}`, `li a0, ${HEAP}`, 'ecall', 'mv tp, a0');
  for (const [i, r] of REGS.entries()) lines.push(`li ${r}, ${p.init[i] ?? 0}`);
  let texts = 0;
  for (const o of p.ops) {
    switch (o.op) {
      case 'r':
        lines.push(`${o.name} ${o.rd}, ${o.rs1}, ${o.rs2}`);
        break;
      case 'i':
        lines.push(`${o.name} ${o.rd}, ${o.rs1}, ${o.imm}`);
        break;
      case 'store':
        lines.push(access(o), `${{ 1: 'sb', 2: 'sh', 4: 'sw' }[o.size]} ${o.rs}, 0(t0)`);
        break;
      case 'load':
        lines.push(
          access(o),
          `${{ 1: o.signed ? 'lb' : 'lbu', 2: o.signed ? 'lh' : 'lhu', 4: 'lw' }[o.size]} ${o.rd}, 0(t0)`,
        );
        break;
      case 'getpid':
        lines.push(`li a7, ${SYS_GETPID}`, 'ecall', `mv ${o.rd}, a0`);
        break;
      case 'write':
        lines.push(
          `li a7, ${SYS_WRITE}`,
          'li a0, 1',
          `la a1, text${texts}`,
          `li a2, ${o.text.length + 1}`,
          'ecall',
        );
        texts++;
        break;
    }
  }
  // The dump: "dump:" and each register and the heap's sum as 8 hex digits, on one line.
  lines.push('li t0, 0', 'li t1, 0', `li t2, ${HEAP}`);
  lines.push(
    'sum:',
    'add t5, tp, t0',
    'lw t5, 0(t5)',
    'add t1, t1, t5',
    'slli t6, t1, 7',
    'srli t1, t1, 25',
    'or t1, t1, t6',
    'addi t0, t0, 4',
    'blt t0, t2, sum',
  );
  lines.push('addi sp, sp, -192', 'mv a4, sp', "li a5, 'd'", 'sb a5, 0(a4)', 'addi a4, a4, 1');
  for (const r of [...REGS.slice(0, 12), 't3', 't4', 't1'])
    lines.push(`mv a3, ${r}`, 'jal ra, hex');
  lines.push(
    "li a5, '\\n'",
    'sb a5, 0(a4)',
    'addi a4, a4, 1',
    `li a7, ${SYS_WRITE}`,
    'li a0, 1',
    'mv a1, sp',
    'sub a2, a4, sp',
    'ecall',
  );
  lines.push(`andi a0, ${p.status}, 0x7f`, `li a7, ${SYS_EXIT}`, 'ecall', 'halt: j halt');
  // hex: a space and a3 as 8 hex digits at a4 (advanced); clobbers a5, a6, t0.
  lines.push('hex:', "li a5, ' '", 'sb a5, 0(a4)', 'addi a4, a4, 1', 'li t0, 28');
  lines.push(
    'nibble:',
    'srl a5, a3, t0',
    'andi a5, a5, 15',
    'li a6, 10',
    'blt a5, a6, digit',
    'addi a5, a5, 39',
    'digit:',
    'addi a5, a5, 48',
    'sb a5, 0(a4)',
    'addi a4, a4, 1',
    'addi t0, t0, -4',
    'bgez t0, nibble',
    'ret',
  );
  for (const [i, o] of p.ops.filter((x) => x.op === 'write').entries())
    lines.push(`text${i}: .ascii "${(o as { text: string }).text}\\n"`);
  return `_start:\n    ${lines.join('\n    ')}\n`;
}

/** The program as a disk: sector 0 "TRPZPROG" and the ELF's size, the ELF from sector 1. */
export function programDisk(p: UserProgram, sectors = 256): Uint8Array {
  const elf = elfImage(assemble(programSource(p), { textAddress: 0x1_0000 }));
  const disk = new Uint8Array(sectors * 512);
  disk.set(new TextEncoder().encode('TRPZPROG'), 0);
  new DataView(disk.buffer).setUint32(8, elf.length, true);
  disk.set(elf, 512);
  return disk;
}
