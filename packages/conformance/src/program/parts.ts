/**
 * Pieces the templates share: the body array, set-up helpers (dropping to S or U, opening PMP)
 * and the S-mode trap handler.
 *
 * @module
 */
import fc from 'fast-check';
import type { GenContext } from './context.js';
import type { BodyRecord } from './model.js';
import type { TemplateOptions } from './templates.js';

/** A number as `0x…` (unsigned 32-bit). */
export const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** A body: an array of `records` (at least `min`, at most `options.maxRecords`, default 24). */
export function body(
  records: fc.Arbitrary<BodyRecord>,
  options: TemplateOptions | undefined,
  min = 1,
): fc.Arbitrary<BodyRecord[]> {
  return fc.array(records, { minLength: min, maxLength: options?.maxRecords ?? 24 });
}

/** Why a template needing `modes` cannot run on the engines of `ctx` (undefined: it can). */
export const needs = (ctx: GenContext, modes: readonly ('S' | 'U')[]): string | undefined => {
  const missing = modes.filter((m) => !ctx.modes.includes(m));
  return missing.length === 0 ? undefined : `an engine lacks ${missing.join(' and ')}-mode`;
};

/** Exception causes a generated medeleg may delegate (never the ECALLs the end marker uses). */
export const DELEGABLE = [0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 15];

/** Drops from M to `to` at `__body` (MPP, mepc, mret). */
export function dropTo(to: 'M' | 'S' | 'U'): string {
  if (to === 'M') return '  j __body';
  return [
    '  li t0, 0x1800',
    '  csrc mstatus, t0',
    ...(to === 'S' ? ['  li t0, 0x800', '  csrs mstatus, t0'] : []),
    '  la t0, __body',
    '  csrw mepc, t0',
    '  mret',
  ].join('\n');
}

/** PMP entry `index`: NAPOT over everything, RWX (S and U may use all memory). */
export function pmpAllowAll(index: number): string {
  const reg = Math.floor(index / 4);
  const shift = 8 * (index % 4);
  return [
    '  li t0, -1',
    `  csrw pmpaddr${index}, t0`,
    `  li t0, ${hex(0x1f << shift)}`,
    `  csrs pmpcfg${reg}, t0`,
  ].join('\n');
}

/**
 * An S-mode trap handler (`__strap`, in its own page `__spage` with its log): counts the trap,
 * logs scause and stval in 16 slots, and resumes after the (4-byte) instruction, or at ra for
 * fetch faults; interrupts clear SSIP and return. Registers are preserved. With
 * `foldMisaligned`, it logs a misaligned-load cause (4) as a misaligned store/AMO cause (6), for
 * engines whose misaligned AMOs raise different causes (QEMU 7.2 raises 4).
 */
export function sHandler(foldMisaligned = false): string {
  // Branch-free, so that both engines run as many instructions whatever the cause.
  const fold = foldMisaligned
    ? '  xori t4, t5, 4\n  seqz t4, t4\n  slli t4, t4, 1\n  or t5, t5, t4\n'
    : '';
  return `
  .balign 4096
__spage:
__strap:
  csrw sscratch, t6
  la t6, __ssave
  sw t5, 0(t6)
  sw t4, 4(t6)
  csrr t5, scause
  bltz t5, 3f
${fold}  lw t4, 8(t6)
  addi t4, t4, 1
  sw t4, 8(t6)
  andi t4, t4, 15
  slli t4, t4, 3
  add t4, t6, t4
  sw t5, 16(t4)
  csrr t5, stval
  sw t5, 20(t4)
  csrr t5, scause
  li t4, 12
  beq t5, t4, 1f
  li t4, 1
  beq t5, t4, 1f
  beqz t5, 1f
  csrr t5, sepc
  addi t5, t5, 4
  csrw sepc, t5
  j 2f
1:
  csrw sepc, ra
2:
  lw t5, 0(t6)
  lw t4, 4(t6)
  csrr t6, sscratch
  sret
3:
  csrci sip, 2
  j 2b
  .balign 8
__ssave:
  .space 160
  .balign 4096
`;
}

/** {@link sHandler} without folding. */
export const S_HANDLER = sHandler();
