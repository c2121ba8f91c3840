/**
 * The program harness of contract v1 (docs/contract.md, "Program harness"): the assembly every
 * generated program is wrapped in. It sets up a defined machine state, runs the program's
 * set-up and body, catches every trap in M-mode (logging it and resuming), and at the body's
 * end marker — an `ecall` with a7 = {@link END_MAGIC} — prints the guest state on the UART in
 * the dump format of `dump.ts` and ends through the test finisher. The same ELF runs on every
 * engine, QEMU included, so engines are compared on their dumps.
 *
 * @module
 */

import { assemble, elfImage } from '@trapeze/isa';
import { COUNTER_CSRS, GUEST_CSRS, type GuestImage } from './contract.js';
import { type ConformanceError, checkRange } from './errors.js';

/** A program for the harness. */
export interface HarnessProgram {
  /**
   * Set-up code (M-mode, never shrunk): runs after the harness init; must end by reaching
   * label `__body` (fall through, `j __body`, or `mret` with mepc = `__body` into S/U).
   */
  readonly setup: string;
  /** The body (shrinkable), any privilege; the harness appends the end marker after it. */
  readonly body: string;
  /**
   * Optional M-mode code for traps that are not the end marker. Entered (after the harness
   * logged the trap) with every guest register saved at `__save + 4·i`, s0 = `__save`, sp =
   * the top of the harness trap stack, and the trap CSRs untouched; it may use any register and
   * leaves through `j __trap_return` (restore the saved registers, `mret`), `j __trap_skip`
   * (advance mepc past the trapping instruction first) or `j __trap_default` (what the default
   * handler does). Default: `j __trap_default`.
   */
  readonly handler?: string;
  /** Extra assembly placed after everything (data, S-mode handlers, page tables…), in `.text`. */
  readonly extra?: string;
  /**
   * Pages (4 KiB-aligned guest-physical addresses, or symbols of the program's assembly) whose
   * FNV-1a 32 digests the dump prints, in this order; `'data'` (the default) is the harness data
   * page `__data` alone.
   */
  readonly digestPages?: readonly (number | string)[] | 'data';
}

/** The a7 value of the end-marker `ecall` ("TRAP" in ASCII). */
export const END_MAGIC = 0x5452_4150;

/** Traps the harness handles before it dumps anyway (a program that traps forever still ends). */
export const TRAP_LIMIT = 64;

/**
 * Initial value of register x`i` (before the set-up): `i · 0x01010101` (sp and s11 excepted).
 *
 * @param i a register number, an integer in 0…31 ({@link ConformanceError} `BAD_ARGUMENT` otherwise)
 */
export function initialRegister(i: number): number {
  checkRange(i, 'initialRegister: i', 0, 31);
  return Math.imul(i, 0x0101_0101) >>> 0;
}

/**
 * Word `i` (an integer in 0…1023; {@link ConformanceError} `BAD_ARGUMENT` otherwise) of the
 * harness data page `__data` as loaded.
 */
export function dataPatternWord(i: number): number {
  checkRange(i, 'dataPatternWord: i', 0, 1023);
  // Fibonacci hashing of the index: every byte differs, no word is zero.
  return (Math.imul(i + 1, 0x9e37_79b9) ^ 0x5a5a_5a5a) >>> 0;
}

/** The data page as the image loads it (for expectations computed outside the guest). */
export function initialDataPage(): Uint8Array {
  const page = new Uint8Array(4096);
  const view = new DataView(page.buffer);
  for (let i = 0; i < 1024; i++) view.setUint32(i * 4, dataPatternWord(i), true);
  return page;
}

/** The CSRs the dump prints, in order: {@link GUEST_CSRS}, then {@link COUNTER_CSRS}. */
export const DUMP_CSRS: readonly (readonly [string, number])[] = [
  ...Object.entries(GUEST_CSRS),
  ...Object.entries(COUNTER_CSRS),
];

/**
 * CSRs the dump reads first, before it installs its own trap vector (they exist on every
 * engine and change when a trap is taken). Reading a counter early keeps its value independent
 * of how many CSRs an engine lacks.
 */
const EARLY_CSRS = new Set([
  'mstatus',
  'mepc',
  'mcause',
  'mtval',
  'mtvec',
  'mscratch',
  'mip',
  'mcycle',
  'minstret',
  'mcycleh',
  'minstreth',
]);

const UART = 0x1000_0000;
const FINISHER = 0x0010_0000;

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** The harness's fixed code between `_start` and the set-up. */
function init(): string {
  const lines = [
    '  la t0, __trap',
    '  csrw mtvec, t0',
    '  la t0, __save',
    '  csrw mscratch, t0',
    '  li t0, -1',
    '  csrw pmpaddr0, t0',
    '  li t0, 0x1f',
    '  csrw pmpcfg0, t0',
  ];
  for (let i = 1; i < 32; i++) {
    if (i === 2) lines.push('  la sp, __stack_top');
    else if (i === 27) lines.push('  la s11, __data');
    else lines.push(`  li x${i}, ${hex(initialRegister(i))}`);
  }
  return lines.join('\n');
}

function saveRegisters(): string {
  const lines = ['  csrrw t6, mscratch, t6'];
  for (let i = 1; i < 31; i++) lines.push(`  sw x${i}, ${4 * i}(t6)`);
  lines.push('  csrr t5, mscratch', '  sw t5, 124(t6)', '  csrw mscratch, t6');
  return lines.join('\n');
}

function restoreRegisters(): string {
  const lines = ['  csrr t6, mscratch'];
  for (let i = 1; i < 31; i++) lines.push(`  lw x${i}, ${4 * i}(t6)`);
  lines.push('  lw x31, 124(t6)');
  return lines.join('\n');
}

/** Captures every dumped CSR into `__csr_values` / `__csr_present` (s1 / s2). */
function captureCsrs(): string {
  const early: string[] = ['  la s1, __csr_values', '  la s2, __csr_present', '  li s10, 1'];
  const late: string[] = ['  la t0, __dump_trap', '  csrw mtvec, t0'];
  DUMP_CSRS.forEach(([name, number], i) => {
    if (EARLY_CSRS.has(name)) {
      early.push(
        `  csrr t0, ${hex(number)}  # ${name}`,
        `  sw t0, ${4 * i}(s1)`,
        `  sb s10, ${i}(s2)`,
      );
    } else {
      late.push(
        '  li s10, 1',
        `  csrr t0, ${hex(number)}  # ${name}`,
        `  sw t0, ${4 * i}(s1)`,
        `  sb s10, ${i}(s2)`,
      );
    }
  });
  return [...early, ...late].join('\n');
}

function csrTables(): string {
  const names = DUMP_CSRS.map(([name]) => `__csr_name_${name}: .asciz "${name}"`);
  const table = DUMP_CSRS.map(([name]) => `  .word __csr_name_${name}`);
  return [
    '__csr_names:',
    ...table,
    ...names,
    '  .balign 4',
    '__csr_values:',
    `  .space ${4 * DUMP_CSRS.length}`,
    '__csr_present:',
    `  .space ${DUMP_CSRS.length}`,
    '  .balign 4',
  ].join('\n');
}

function digestTable(pages: HarnessProgram['digestPages']): string {
  const list = pages === undefined || pages === 'data' ? ['__data'] : pages;
  const words = list.map(
    (p) => `  .word ${typeof p === 'number' ? hex(p & ~0xfff) : `(${p}) & 0xfffff000`}`,
  );
  return ['__digest_pages:', `  .word ${list.length}`, ...words].join('\n');
}

function dataPage(): string {
  const words: string[] = [];
  for (let i = 0; i < 1024; i += 8) {
    const row: string[] = [];
    for (let j = i; j < i + 8; j++) row.push(hex(dataPatternWord(j)));
    words.push(`  .word ${row.join(', ')}`);
  }
  return words.join('\n');
}

/**
 * The complete assembly source of a harness program (for `assemble` from `@trapeze/isa`, text at
 * `0x80000000`; see docs/contract.md for the layout and conventions).
 */
export function harnessSource(program: HarnessProgram): string {
  return `# Trapeze conformance harness, contract version 1 (docs/contract.md, "Program harness")
  .text
  .globl _start
_start:
${init()}
# ---- set-up (M-mode; reaches __body)
${program.setup}
  .text
__body:
# ---- body
${program.body}
  .text
__end_marker:
  li a7, ${hex(END_MAGIC)}
  ecall
  j __end_marker

# ---- the harness trap handler (M-mode, direct mode)
  .balign 4
__trap:
${saveRegisters()}
  mv s0, t6
  la sp, __trap_stack_top
  csrr t0, mcause
  bltz t0, 2f
  li t1, 8
  beq t0, t1, 1f
  li t1, 9
  beq t0, t1, 1f
  li t1, 11
  bne t0, t1, 2f
1:
  lw t1, 68(s0)
  li t2, ${hex(END_MAGIC)}
  beq t1, t2, __dump
2:                                  # log the trap: count, then (mcause, mepc, mtval, MPP)
  la s1, __trap_log
  lw t1, 0(s1)
  addi t1, t1, 1
  sw t1, 0(s1)
  slli t2, t1, 4
  add t2, s1, t2
  sw t0, 0(t2)
  csrr t3, mepc
  sw t3, 4(t2)
  csrr t3, mtval
  sw t3, 8(t2)
  csrr t3, mstatus
  srli t3, t3, 11
  andi t3, t3, 3
  sw t3, 12(t2)
  li t2, ${TRAP_LIMIT}
  bgeu t1, t2, __dump
  j __handler

__trap_default:                     # interrupts return; fetch faults resume at ra; others skip
  csrr t0, mcause
  bltz t0, __trap_return
  beqz t0, 3f
  li t1, 1
  beq t0, t1, 3f
  li t1, 12
  beq t0, t1, 3f
  j __trap_skip
3:
  lw t1, 4(s0)
  csrw mepc, t1
  j __trap_return

__trap_skip:                        # mepc += length of the instruction at mepc
  csrr t0, mepc
  li t2, 4
  la t1, _start
  bltu t0, t1, 4f
  la t1, __image_end
  bgeu t0, t1, 4f
  lhu t1, 0(t0)
  andi t1, t1, 3
  li t3, 3
  beq t1, t3, 4f
  li t2, 2
4:
  add t0, t0, t2
  csrw mepc, t0

__trap_return:
${restoreRegisters()}
  mret

# ---- the state dump (M-mode)
__dump:
${captureCsrs()}
  li s3, ${hex(UART)}
  li t0, 3
  sb t0, 3(s3)                      # LCR: 8N1, DLAB off
  lbu t0, 4(s3)
  andi t0, t0, 0xef
  sb t0, 4(s3)                      # MCR: loopback off
  la a0, __str_header
  call __puts
  la a0, __str_pc
  call __puts
  lw a0, ${4 * DUMP_CSRS.findIndex(([n]) => n === 'mepc')}(s1)
  call __puthex
  call __newline
  la a0, __str_priv
  call __puts
  lw t0, ${4 * DUMP_CSRS.findIndex(([n]) => n === 'mstatus')}(s1)
  srli t0, t0, 11
  andi t0, t0, 3
  la t1, __priv_chars
  add t1, t1, t0
  lbu a0, 0(t1)
  call __putc
  call __newline
  li s4, 1                          # x1..x31
5:
  li a0, 0x78
  call __putc
  li t0, 10
  blt s4, t0, 6f
  divu a0, s4, t0
  addi a0, a0, 0x30
  call __putc
6:
  li t0, 10
  remu a0, s4, t0
  addi a0, a0, 0x30
  call __putc
  li a0, 0x20
  call __putc
  slli t0, s4, 2
  add t0, s0, t0
  lw a0, 0(t0)
  call __puthex
  call __newline
  addi s4, s4, 1
  li t0, 32
  bne s4, t0, 5b
  li s4, 0                          # csr <name> <hex | ->
  la s5, __csr_names
7:
  la a0, __str_csr
  call __puts
  slli t0, s4, 2
  add t0, s5, t0
  lw a0, 0(t0)
  call __puts
  li a0, 0x20
  call __putc
  add t0, s2, s4
  lbu t0, 0(t0)
  beqz t0, 8f
  slli t0, s4, 2
  add t0, s1, t0
  lw a0, 0(t0)
  call __puthex
  j 9f
8:
  li a0, 0x2d
  call __putc
9:
  call __newline
  addi s4, s4, 1
  li t0, ${DUMP_CSRS.length}
  bne s4, t0, 7b
  la a0, __str_traps                # traps <count>, then one line per logged trap
  call __puts
  la s5, __trap_log
  lw s6, 0(s5)
  mv a0, s6
  call __puthex
  call __newline
  li t0, ${TRAP_LIMIT}
  bleu s6, t0, 10f
  mv s6, t0
10:
  beqz s6, 12f
11:
  addi s5, s5, 16
  la a0, __str_trap
  call __puts
  lw a0, 0(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw a0, 4(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw a0, 8(s5)
  call __puthex
  li a0, 0x20
  call __putc
  lw t0, 12(s5)
  la t1, __priv_chars
  add t1, t1, t0
  lbu a0, 0(t1)
  call __putc
  call __newline
  addi s6, s6, -1
  bnez s6, 11b
12:
  la s5, __digest_pages             # page <address> <fnv1a32>
  lw s6, 0(s5)
  beqz s6, 15f
13:
  addi s5, s5, 4
  la a0, __str_page
  call __puts
  lw s7, 0(s5)
  mv a0, s7
  call __puthex
  li a0, 0x20
  call __putc
  li a0, 0x811c9dc5
  li t1, 0x01000193
  li t2, 4096
  add t2, s7, t2
14:
  lbu t0, 0(s7)
  xor a0, a0, t0
  mul a0, a0, t1
  addi s7, s7, 1
  bne s7, t2, 14b
  call __puthex
  call __newline
  addi s6, s6, -1
  bnez s6, 13b
15:
  la a0, __str_end
  call __puts
  li t0, ${hex(FINISHER)}
  li t1, 0x5555
  sw t1, 0(t0)
16:
  j 16b

  .balign 4
__dump_trap:                        # a CSR the engine lacks: flag it, skip the csrr
  csrr s10, mepc
  addi s10, s10, 4
  csrw mepc, s10
  li s10, 0
  mret

__putc:                             # a0 = byte; uses t5, t6
  li t5, ${hex(UART)}
1:
  lbu t6, 5(t5)
  andi t6, t6, 0x20
  beqz t6, 1b
  sb a0, 0(t5)
  ret

__puts:                             # a0 = NUL-terminated string; uses a1, a2, t5, t6
  mv a2, ra
  mv a1, a0
1:
  lbu a0, 0(a1)
  beqz a0, 2f
  call __putc
  addi a1, a1, 1
  j 1b
2:
  mv ra, a2
  ret

__puthex:                           # a0 = word, 8 lowercase hex digits; uses a1-a4, t5, t6
  mv a4, ra
  mv a1, a0
  li a3, 28
1:
  srl a0, a1, a3
  andi a0, a0, 15
  la a2, __hex_digits
  add a0, a2, a0
  lbu a0, 0(a0)
  call __putc
  addi a3, a3, -4
  bgez a3, 1b
  mv ra, a4
  ret

__newline:
  mv a4, ra
  li a0, 10
  call __putc
  mv ra, a4
  ret

# ---- the program's trap handler
  .balign 4
__handler:
${program.handler ?? '  j __trap_default'}
  .text
  j __trap_default

# ---- harness constants and tables
__hex_digits: .ascii "0123456789abcdef"
__priv_chars: .ascii "US?M"
__str_header: .asciz "TRAPEZE-STATE 1\\n"
__str_pc: .asciz "pc "
__str_priv: .asciz "priv "
__str_csr: .asciz "csr "
__str_traps: .asciz "traps "
__str_trap: .asciz "trap "
__str_page: .asciz "page "
__str_end: .asciz "END\\n"
  .balign 4
${csrTables()}
${digestTable(program.digestPages)}

# ---- harness pages: the data page, the harness page (save area, trap log, trap stack), the stack
  .balign 4096
__data:
${dataPage()}
__harness:
__save:
  .space 128
__trap_log:
  .space ${16 * (TRAP_LIMIT + 1)}
__trap_stack:
  .space 1024
__trap_stack_top:
  .balign 4096
__stack:
  .space 4096
__stack_top:

# ---- extra
${program.extra ?? ''}
  .text
__image_end:
`;
}

/**
 * Assembles a harness source (text at `0x80000000`) into a contract-v1 guest image: the
 * assembler's sections as segments, entry `_start`, entry privilege M, and the ELF.
 *
 * @throws `AssembleError` (from `@trapeze/isa`) with every error of the source.
 */
export function buildImage(source: string): GuestImage {
  const result = assemble(source, { file: 'harness.S' });
  const segments = result.sections
    .filter((s) => s.size > 0)
    .map((s) => ({
      address: s.address,
      bytes: s.nobits ? new Uint8Array(s.size) : s.bytes,
    }));
  return {
    segments,
    entry: result.entry,
    entryPrivilege: 'M',
    elf: elfImage(result),
  };
}

/**
 * {@link harnessSource} then {@link buildImage}: a contract-v1 guest image of a program.
 *
 * @example
 * ```ts
 * import { buildProgram, harnessSource } from '@trapeze/conformance';
 *
 * const program = {
 *   setup: '', // M-mode set-up; falls through to the body
 *   body: 'li a0, 0x1234; sw a0, 8(s11)', // s11 = the harness data page
 * };
 * const image = buildProgram(program);
 * [image.entry, image.entryPrivilege]; // → [0x80000000, 'M']
 * image.elf.subarray(0, 4); // → new Uint8Array([0x7f, 0x45, 0x4c, 0x46])
 * harnessSource(program).includes('li a0, 0x1234'); // → true
 * ```
 */
export function buildProgram(program: HarnessProgram): GuestImage {
  return buildImage(harnessSource(program));
}
