/**
 * Program templates: each is a fast-check arbitrary of {@link Program}s that exercise one area
 * of the architecture. Set-up code is generated once per program and never shrunk
 * (`fc.noShrink`); the body is an array of records and shrinks.
 *
 * @module
 */
import {
  PMP_L,
  PMP_NA4,
  PMP_NAPOT,
  PMP_OFF,
  PMP_R,
  PMP_TOR,
  PMP_W,
  PMP_X,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from '@trapeze/mmu';
import fc from 'fast-check';
import type { GenContext } from './context.js';
import {
  CLINT_MSIP,
  CLINT_MTIME,
  CLINT_MTIMECMP,
  HOLES,
  LOOP_BODY_REGISTERS,
  reg,
  WRITABLE_REGISTERS,
} from './convention.js';
import type { BodyRecord, LoadOp, Program, StoreOp } from './model.js';
import { body, DELEGABLE, dropTo, hex, needs, pmpAllowAll, S_HANDLER } from './parts.js';
import {
  AMO_OPS,
  aluArb,
  atomicArb,
  branchArb,
  csrArb,
  holeAccessArb,
  holeFetchArb,
  jumpArb,
  LOAD_OPS,
  liArb,
  loadArb,
  loopArb,
  M_OPS,
  MAX_DATA_OFFSET,
  machineCsrs,
  memoryArb,
  mmioArb,
  regArb,
  STORE_OPS,
  storeArb,
  supervisorCsrs,
  timerArb,
  trapArb,
  widthOf,
} from './records.js';
import { TRANSLATOR_TEMPLATES } from './translator.js';

/** A program template. */
export interface Template {
  readonly name: string;
  /** One line: what the template exercises. */
  readonly description: string;
  /** Why the template cannot run on the engines of `ctx` (`undefined`: it can). */
  unsupported(ctx: GenContext): string | undefined;
  /** Programs of the template. */
  arbitrary(ctx: GenContext, options?: TemplateOptions): fc.Arbitrary<Program>;
}

/** Options of {@link Template.arbitrary}. */
export interface TemplateOptions {
  /** Most records in a body (default 24). */
  readonly maxRecords?: number;
}

type Arb = fc.Arbitrary<BodyRecord>;
function simple(
  name: string,
  description: string,
  records: (ctx: GenContext) => Arb,
  extra: Partial<Program> = {},
  unsupported: (ctx: GenContext) => string | undefined = () => undefined,
): Template {
  return {
    name,
    description,
    unsupported,
    arbitrary: (ctx, options) =>
      body(records(ctx), options).map(
        (b): Program => ({ template: name, setup: '', body: b, ...extra }),
      ),
  };
}

/** Set-up of the privilege templates: delegation, stvec, PMP open, then down to `mode`. */
function privilegeSetup(medeleg: number, mideleg: number, mode: 'M' | 'S' | 'U', sum: boolean) {
  return [
    `  li t0, ${hex(medeleg)}`,
    '  csrw medeleg, t0',
    `  li t0, ${hex(mideleg)}`,
    '  csrw mideleg, t0',
    '  la t0, __strap',
    '  csrw stvec, t0',
    pmpAllowAll(0),
    ...(sum ? ['  li t0, 0x40000', '  csrs mstatus, t0'] : []),
    dropTo(mode),
  ].join('\n');
}

const delegationArb = fc.record({
  medeleg: fc.subarray(DELEGABLE).map((causes) => causes.reduce((m, c) => m | (1 << c), 0)),
  mideleg: fc.subarray([1, 5, 9]).map((bits) => bits.reduce((m, c) => m | (1 << c), 0)),
});

/**
 * An M-mode handler for the traps template: records mcause ^ mtval in a rolling checksum in the
 * data page (at +0x7f8) and then resumes as the harness default does.
 */
const CHECKSUM_HANDLER = `
  csrr t0, mcause
  csrr t1, mtval
  xor t0, t0, t1
  la t2, __data
  lw t1, 0x7f8(t2)
  slli t3, t1, 5
  sub t1, t3, t1
  add t1, t1, t0
  sw t1, 0x7f8(t2)
  j __trap_default
`;

function trapsTemplate(): Template {
  const name = 'traps';
  return {
    name,
    description:
      'traps: ecall, ebreak, illegal instructions, misaligned atomics, access faults, with a generated or the default handler',
    unsupported: () => undefined,
    arbitrary: (ctx, options) =>
      fc
        .record({
          handler: fc.noShrink(fc.boolean()),
          body: body(
            fc.oneof(
              {
                weight: 2,
                arbitrary: trapArb(['ecall', 'ebreak', 'illegal', 'illegal-csr', 'c-unimp']),
              },
              { weight: 2, arbitrary: holeAccessArb() },
              { weight: 1, arbitrary: holeFetchArb() },
              { weight: 1, arbitrary: atomicArb(ctx) },
              { weight: 2, arbitrary: aluArb() },
            ),
            options,
          ),
        })
        .map(
          ({ handler, body: b }): Program => ({
            template: name,
            setup: '',
            body: b,
            digestPages: 'data',
            ...(handler ? { handler: CHECKSUM_HANDLER } : {}),
          }),
        ),
  };
}

function privilegeTemplate(): Template {
  const name = 'privilege';
  return {
    name,
    description:
      'privilege transitions: M to S or U, traps back to M or (delegated) to an S handler',
    unsupported: (ctx) => needs(ctx, ['S', 'U']) ?? (ctx.pmpEntries < 1 ? 'no PMP' : undefined),
    arbitrary: (ctx, options) =>
      fc
        .record({
          setup: fc.noShrink(
            fc.record({
              delegation: delegationArb,
              mode: fc.constantFrom<'S' | 'U'>('S', 'U'),
              sum: fc.boolean(),
            }),
          ),
          body: body(
            fc.oneof(
              { weight: 3, arbitrary: aluArb() },
              { weight: 2, arbitrary: memoryArb(ctx) },
              { weight: 2, arbitrary: csrArb(ctx, supervisorCsrs(ctx)) },
              {
                weight: 1,
                arbitrary: trapArb(['ecall', 'ebreak', 'illegal', 'illegal-csr', 'mret']),
              },
              { weight: 1, arbitrary: holeAccessArb() },
              { weight: 1, arbitrary: holeFetchArb() },
            ),
            options,
          ),
        })
        .map(
          ({ setup, body: b }): Program => ({
            template: name,
            setup: privilegeSetup(
              setup.delegation.medeleg,
              setup.delegation.mideleg,
              setup.mode,
              setup.sum,
            ),
            privilege: setup.mode,
            body: b,
            extra: S_HANDLER,
            digestPages: ['__data', '__spage'],
            norvc: true,
          }),
        ),
  };
}

/** Virtual base of the Sv32 template's test pages (4 KiB aliases of `__data`). */
const SV32_ALIAS = 0x4000_0000;
/** Virtual base of its code page alias (`__xpage`). */
const SV32_CODE = 0x4000_8000;
/** Virtual base of its test superpage (maps RAM's first 4 MiB). */
const SV32_SUPER = 0x4040_0000;

/**
 * Sv32: page tables with random permissions on aliases of the data page and a code page, a
 * random superpage over RAM, the harness, body, UART and finisher identity-mapped.
 */
function sv32Template(): Template {
  const name = 'sv32';
  const perms = (ad: boolean) =>
    fc
      .record({ bits: fc.integer({ min: 0, max: 31 }), a: fc.boolean(), d: fc.boolean() })
      .map(
        ({ bits, a, d }) =>
          (bits | (ad ? (a ? PTE_A : 0) | (d ? PTE_D : 0) : PTE_A | PTE_D)) & 0xff,
      );
  return {
    name,
    description:
      'Sv32: generated page tables (random permissions, superpages, A/D), S- or U-mode body',
    unsupported: (ctx) =>
      !ctx.sv32
        ? 'an engine lacks Sv32'
        : (needs(ctx, ['S', 'U']) ?? (ctx.pmpEntries < 1 ? 'no PMP' : undefined)),
    arbitrary: (ctx, options) =>
      fc
        .record({
          setup: fc.noShrink(
            fc.record({
              mode: fc.constantFrom<'S' | 'U'>('S', 'U'),
              sum: fc.boolean(),
              mxr: fc.boolean(),
              asid: fc.integer({ min: 0, max: 511 }),
              aliases: fc.array(perms(ctx.adBits), { minLength: 4, maxLength: 4 }),
              code: perms(ctx.adBits),
              superpage: perms(ctx.adBits),
              misalignedSuper: fc.boolean(),
              delegation: delegationArb,
            }),
          ),
          body: body(
            fc.oneof(
              { weight: 3, arbitrary: sv32AccessArb() },
              { weight: 1, arbitrary: sv32FetchArb() },
              { weight: 2, arbitrary: aluArb() },
              { weight: 1, arbitrary: memoryArb(ctx) },
              {
                weight: 1,
                arbitrary: fc.constant<BodyRecord>({ kind: 'fence', op: 'sfence.vma' }),
              },
            ),
            options,
          ),
        })
        .map(({ setup, body: b }): Program => {
          const user = setup.mode === 'U' ? PTE_U : 0;
          const lines: string[] = [
            '  la s0, __pt_root',
            '  la s1, __pt_ram',
            // Identity map of RAM's first 4 MiB in 4 KiB pages: the body's and the data page's
            // pages user-accessible in a U-mode body; the S handler's page never.
            '  li t0, 0x80000000',
            '  mv t1, s1',
            '  li t2, 1024',
            `1:`,
            '  srli t3, t0, 2',
            `  ori t3, t3, ${hex(PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)}`,
            '  sw t3, 0(t1)',
            '  li t4, 4096',
            '  add t0, t0, t4',
            '  addi t1, t1, 4',
            '  addi t2, t2, -1',
            '  bnez t2, 1b',
            '  srli t0, s1, 2',
            '  ori t0, t0, 1',
            '  li t1, 0x800',
            '  add t1, s0, t1',
            '  sw t0, 0(t1)', // root[0x200]: RAM 0x80000000–0x803fffff via __pt_ram
            `  li t0, ${hex((0x0 >>> 2) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)}`,
            '  sw t0, 0(s0)', // 0x00000000 megapage: finisher (and holes)
            `  li t0, ${hex((0x1000_0000 >>> 2) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)}`,
            '  sw t0, 0x100(s0)', // 0x10000000 megapage: UART
            `  li t0, ${hex((0x0200_0000 >>> 2) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)}`,
            '  sw t0, 0x020(s0)', // 0x02000000 megapage: CLINT
          ];
          if (user) {
            // Body pages (from __body to the end marker) and the data page: U.
            lines.push(
              '  la t0, __body',
              '  la t5, __end_marker',
              '  addi t5, t5, 16',
              '2:',
              '  srli t1, t0, 10',
              '  li t2, 0xffc',
              '  and t1, t1, t2',
              '  add t1, s1, t1',
              '  lw t3, 0(t1)',
              `  ori t3, t3, ${PTE_U}`,
              '  sw t3, 0(t1)',
              '  li t4, 4096',
              '  add t0, t0, t4',
              '  srli t0, t0, 12',
              '  slli t0, t0, 12',
              '  bltu t0, t5, 2b',
              '  la t0, __data',
              '  srli t1, t0, 10',
              '  li t2, 0xffc',
              '  and t1, t1, t2',
              '  add t1, s1, t1',
              '  lw t3, 0(t1)',
              `  ori t3, t3, ${PTE_U}`,
              '  sw t3, 0(t1)',
            );
          }
          // Level-0 table for the test pages at 0x40000000: aliases of __data, then __xpage.
          lines.push(
            '  la s2, __pt_test',
            '  srli t0, s2, 2',
            '  ori t0, t0, 1',
            '  li t1, 0x400',
            '  add t1, s0, t1',
            '  sw t0, 0(t1)', // root[0x100]: 0x40000000
            '  la t0, __data',
            '  srli t0, t0, 2',
          );
          setup.aliases.forEach((p, i) => {
            lines.push(`  ori t1, t0, ${hex(p)}`, `  sw t1, ${4 * i}(s2)`);
          });
          lines.push(
            '  la t0, __xpage',
            '  srli t0, t0, 2',
            `  ori t1, t0, ${hex(setup.code)}`,
            `  sw t1, ${4 * ((SV32_CODE - SV32_ALIAS) >>> 12)}(s2)`,
            // The test superpage: RAM's first 4 MiB (or, misaligned, from 0x80001000).
            `  li t0, ${hex(((setup.misalignedSuper ? 0x8000_1000 : 0x8000_0000) >>> 2) | setup.superpage)}`,
            `  sw t0, ${4 * (SV32_SUPER >>> 22)}(s0)`,
            '  srli t0, s0, 12',
            `  li t1, ${hex(0x8000_0000 | (setup.asid << 22))}`,
            '  or t0, t0, t1',
            '  csrw satp, t0',
            '  sfence.vma zero, zero',
          );
          const status = (setup.sum ? 0x40000 : 0) | (setup.mxr ? 0x80000 : 0);
          if (status !== 0) lines.push(`  li t0, ${hex(status)}`, '  csrs mstatus, t0');
          lines.push(
            `  li t0, ${hex(setup.delegation.medeleg)}`,
            '  csrw medeleg, t0',
            '  la t0, __strap',
            '  csrw stvec, t0',
            pmpAllowAll(0),
            dropTo(setup.mode),
          );
          return {
            template: name,
            setup: lines.join('\n'),
            privilege: setup.mode,
            body: b,
            extra: `${S_HANDLER}
  .balign 4096
__xpage:
  ret
  .balign 4096
__pt_root:
  .space 4096
__pt_ram:
  .space 4096
__pt_test:
  .space 4096
`,
            digestPages: ['__data', '__spage', '__pt_ram', '__pt_test', '__pt_root'],
            norvc: true,
          };
        }),
  };
}

function sv32AccessArb(): Arb {
  return fc
    .record({
      op: fc.constantFrom('lw', 'sw', 'lbu', 'sb', 'lh', 'sh'),
      where: fc.constantFrom('alias', 'super'),
      page: fc.integer({ min: 0, max: 3 }),
      offset: fc.integer({ min: 0, max: 511 }).map((o) => o * 4),
      reg: fc.constantFrom(...WRITABLE_REGISTERS),
    })
    .map(
      ({ op, where, page, offset, reg }) =>
        (where === 'alias'
          ? { kind: 'access', op, address: SV32_ALIAS + page * 0x1000 + offset, reg }
          : {
              kind: 'access',
              op,
              // The data page through the superpage: __data - RAM base + superpage base.
              symbol: '__data',
              address: (SV32_SUPER - 0x8000_0000 + offset) | 0,
              reg,
            }) as BodyRecord,
    );
}

function sv32FetchArb(): Arb {
  return fc.constantFrom<BodyRecord>(
    { kind: 'fetch', address: SV32_CODE },
    { kind: 'fetch', symbol: '__xpage', address: (SV32_SUPER - 0x8000_0000) | 0 },
  );
}

/**
 * PMP: random entries over a 16 KiB test area (`__pmp_area`), some locked (those never cover
 * the harness), then one entry that opens everything else; the body runs in M, S or U.
 */
function pmpTemplate(): Template {
  const name = 'pmp';
  const entry = fc.record({
    // TOR and NAPOT (large regions) most often, so that accesses meet restrictive entries.
    mode: fc.constantFrom(PMP_OFF, PMP_TOR, PMP_NA4, PMP_NAPOT, PMP_TOR, PMP_NAPOT),
    // R, W, X (never the reserved W without R), restrictive ones (none, R only) twice as often.
    perms: fc.constantFrom(
      0,
      0,
      PMP_R,
      PMP_R,
      PMP_R | PMP_W,
      PMP_X,
      PMP_R | PMP_X,
      PMP_R | PMP_W | PMP_X,
    ),
    locked: fc.boolean(),
    offset: fc.integer({ min: 0, max: 4095 }).map((w) => w * 4),
    size: fc.integer({ min: 6, max: 13 }),
  });
  return {
    name,
    description:
      'PMP: random TOR/NA4/NAPOT entries with random permissions (some locked) over a test area',
    unsupported: (ctx) =>
      ctx.pmpEntries < 8 ? 'an engine has fewer than 8 PMP entries' : needs(ctx, ['S', 'U']),
    arbitrary: (ctx, options) =>
      fc
        .noShrink(
          fc.record({
            entries: fc.array(entry, { minLength: 1, maxLength: 6 }),
            mode: fc.constantFrom<'M' | 'S' | 'U'>('S', 'U', 'M', 'S', 'U'),
          }),
        )
        .chain((setup) =>
          body(
            fc.oneof(
              { weight: 3, arbitrary: pmpAccessArb(pmpBoundaries(setup.entries)) },
              { weight: 1, arbitrary: pmpFetchArb() },
              { weight: 1, arbitrary: aluArb() },
              { weight: 1, arbitrary: memoryArb(ctx) },
            ),
            options,
          ).map((b) => ({ setup, body: b })),
        )
        .map(({ setup, body: b }): Program => {
          const lines: string[] = ['  la s0, __pmp_area'];
          let cfg0 = 0;
          let cfg1 = 0;
          setup.entries.forEach((e, i) => {
            const region = pmpRegion(setup.entries, i);
            lines.push(`  li t0, ${region.offset}`, '  add t0, s0, t0', '  srli t0, t0, 2');
            if (region.mode === PMP_NAPOT) lines.push(`  ori t0, t0, ${hex(region.size / 8 - 1)}`);
            // Every pmpaddr lies in the area, so a TOR entry (never entry 0) covers only the
            // area too: any entry may be locked without locking M-mode out of the harness.
            const locked = e.locked && region.mode !== PMP_OFF;
            lines.push(`  csrw pmpaddr${i}, t0`);
            const byte = (locked ? PMP_L : 0) | (region.mode << 3) | e.perms;
            if (i < 4) cfg0 |= byte << (8 * i);
            else cfg1 |= byte << (8 * (i - 4));
          });
          const open = setup.entries.length;
          lines.push('  li t0, -1', `  csrw pmpaddr${open}, t0`);
          const openByte = 0x1f;
          if (open < 4) cfg0 |= openByte << (8 * open);
          else cfg1 |= openByte << (8 * (open - 4));
          lines.push(
            `  li t0, ${hex(cfg1)}`,
            '  csrw pmpcfg1, t0',
            `  li t0, ${hex(cfg0)}`,
            '  csrw pmpcfg0, t0',
            '  la t0, __strap',
            '  csrw stvec, t0',
            dropTo(setup.mode),
          );
          return {
            template: name,
            setup: lines.join('\n'),
            privilege: setup.mode,
            body: b,
            extra: `${S_HANDLER}
  .balign 16384
  .option push
  .option norvc
__pmp_area:
  ret
  .balign 4096
  ret
  .balign 4096
  ret
  .balign 4096
  ret
  .balign 4096
  .option pop
`,
            digestPages: [
              '__data',
              '__pmp_area',
              '__pmp_area + 0x1000',
              '__pmp_area + 0x2000',
              '__pmp_area + 0x3000',
            ],
            norvc: true,
          };
        }),
  };
}

/** A PMP entry of the pmp template's set-up (offsets within the test area). */
interface PmpEntry {
  readonly mode: number;
  readonly perms: number;
  readonly locked: boolean;
  readonly offset: number;
  /** NAPOT: log2 of the region's size, minus one. */
  readonly size: number;
}

/**
 * Where entry `i` of `entries` points: its mode (a TOR entry 0 becomes NA4, since it would cover
 * everything below the area, the body included), its pmpaddr as a byte offset in the area
 * (NAPOT: the region's start, naturally aligned) and, for NAPOT, the region's size in bytes.
 */
function pmpRegion(
  entries: readonly PmpEntry[],
  i: number,
): { mode: number; offset: number; size: number } {
  const e = entries[i] as PmpEntry;
  const mode = e.mode === PMP_TOR && i === 0 ? PMP_NA4 : e.mode;
  if (mode !== PMP_NAPOT) return { mode, offset: e.offset, size: 4 };
  const size = 2 ** (e.size + 1);
  return { mode, offset: Math.floor(e.offset / size) * size, size };
}

/**
 * The first and last words of every region the entries match, and the words just outside
 * them: accesses there meet the entries' edges (a uniform offset rarely does).
 */
function pmpBoundaries(entries: readonly PmpEntry[]): number[] {
  const points = new Set<number>();
  const edge = (start: number, end: number) => {
    for (const p of [start - 4, start, end - 4, end]) points.add(p);
  };
  entries.forEach((_, i) => {
    const region = pmpRegion(entries, i);
    if (region.mode === PMP_NAPOT || region.mode === PMP_NA4)
      edge(region.offset, region.offset + region.size);
    else if (region.mode === PMP_TOR) {
      // The region starts at the previous entry's pmpaddr (×4), whatever its mode.
      const previous = pmpRegion(entries, i - 1);
      const low =
        previous.mode === PMP_NAPOT ? previous.offset + previous.size / 2 - 4 : previous.offset;
      edge(low, region.offset);
    }
  });
  return [...points].filter((p) => p >= 4 && p < 0x4000 && p % 0x1000 !== 0).sort((a, b) => a - b);
}

/**
 * Loads and stores in the PMP test area, never over the `ret` that starts each page: at
 * uniform offsets, or (two times in three, when there are any) at the entries' `boundaries`.
 */
function pmpAccessArb(boundaries: readonly number[]): Arb {
  const uniform = fc.integer({ min: 1, max: 4095 }).map((w) => (w % 1024 === 0 ? w + 1 : w) * 4);
  return fc
    .record({
      op: fc.constantFrom('lw', 'sw', 'lbu', 'sb', 'lhu', 'sh'),
      offset:
        boundaries.length === 0
          ? uniform
          : fc.oneof(
              { weight: 1, arbitrary: uniform },
              { weight: 2, arbitrary: fc.constantFrom(...boundaries) },
            ),
      reg: fc.constantFrom(...WRITABLE_REGISTERS),
    })
    .map(
      ({ op, offset, reg }) =>
        ({ kind: 'access', op, symbol: '__pmp_area', address: offset, reg }) as BodyRecord,
    );
}

function pmpFetchArb(): Arb {
  return fc
    .integer({ min: 0, max: 3 })
    .map((page) => ({ kind: 'fetch', symbol: '__pmp_area', address: page * 0x1000 }) as BodyRecord);
}

/**
 * Timer interrupts: the set-up arms mtimecmp a few ticks ahead and enables MTIE (and maybe MSIE)
 * and MIE; the handler re-arms the timer (a period of a few ticks) and clears msip.
 */
function timerTemplate(): Template {
  const name = 'timer';
  return {
    name,
    description:
      'timer and software interrupts at generated instruction counts (CLINT mtimecmp, msip)',
    unsupported: (ctx) => (ctx.counters ? undefined : 'engines count time differently'),
    arbitrary: (ctx, options) =>
      fc
        .record({
          setup: fc.noShrink(
            fc.record({
              first: fc.integer({ min: 0, max: 3 }),
              period: fc.integer({ min: 1, max: 4 }),
              msie: fc.boolean(),
            }),
          ),
          body: body(
            fc.oneof(
              { weight: 3, arbitrary: aluArb() },
              { weight: 1, arbitrary: memoryArb(ctx) },
              { weight: 1, arbitrary: loopArb(ctx) },
              { weight: 1, arbitrary: timerArb() },
              { weight: 1, arbitrary: fc.constant<BodyRecord>({ kind: 'wfi' }) },
              {
                weight: 1,
                arbitrary: fc
                  .record({
                    reg: fc.constantFrom(...WRITABLE_REGISTERS),
                    op: fc.constantFrom('sw', 'lw'),
                  })
                  .map(
                    ({ reg, op }) =>
                      ({ kind: 'access', op, address: CLINT_MSIP, reg }) as BodyRecord,
                  ),
              },
              {
                weight: 1,
                arbitrary: fc
                  .constantFrom(...WRITABLE_REGISTERS)
                  .map(
                    (reg) =>
                      ({ kind: 'access', op: 'lw', address: CLINT_MTIME, reg }) as BodyRecord,
                  ),
              },
              {
                weight: 1,
                arbitrary: csrArb(ctx, [{ name: 'mip', write: false, restore: false }]),
              },
            ),
            options,
          ),
        })
        .map(
          ({ setup, body: b }): Program => ({
            template: name,
            setup: [
              `  li t0, ${hex(CLINT_MTIME)}`,
              '  lw t1, 0(t0)',
              `  addi t1, t1, ${setup.first}`,
              `  li t0, ${hex(CLINT_MTIMECMP)}`,
              '  sw t1, 0(t0)',
              '  sw zero, 4(t0)',
              `  li t0, ${hex(0x80 | (setup.msie ? 8 : 0))}`,
              '  csrs mie, t0',
              '  csrsi mstatus, 8',
            ].join('\n'),
            body: b,
            handler: `
  csrr t0, mcause
  bgez t0, 3f
  andi t0, t0, 31
  li t1, 7
  bne t0, t1, 1f
  li t1, ${hex(CLINT_MTIME)}
  lw t2, 0(t1)
  addi t2, t2, ${setup.period}
  li t1, ${hex(CLINT_MTIMECMP)}
  sw t2, 0(t1)
  sw zero, 4(t1)
  j __trap_return
1:
  li t1, 3
  bne t0, t1, 3f
  li t1, ${hex(CLINT_MSIP)}
  sw zero, 0(t1)
  j __trap_return
3:
  j __trap_default
`,
            digestPages: 'data',
          }),
        ),
  };
}

/** Where the resource template's handler counts faults, by kind (registers of the dump). */
export const RESOURCE_COUNTERS = { load: 18, store: 19, fetch: 20, other: 21 } as const; // s2–s5

/**
 * Resource control: a U- or S-mode body under PMP that may use only its own code and the data
 * page tries to read and write the harness, the rest of RAM and holes outside RAM and devices,
 * and to jump into the harness. Each attempt must be the architectural access fault: the
 * handler counts faults by kind in s2–s5 (which bodies never write).
 */
function resourceTemplate(): Template {
  const name = 'resource';
  const registers = WRITABLE_REGISTERS.filter((r) => r < 18 || r > 21);
  const targets = fc.oneof(
    fc.constantFrom(
      { symbol: '_start', address: 0 },
      { symbol: '__trap', address: 0 },
      { symbol: '__save', address: 0 },
      { symbol: '__dump', address: 8 },
      { symbol: '__stack', address: 0x100 },
      { symbol: '__image_end', address: 0x1000 },
    ),
    fc
      .constantFrom(...HOLES, 0x8800_0000, 0xfffff000, 0x0010_0000)
      .map((address) => ({ symbol: undefined, address })),
  );
  const record: Arb = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({
          op: fc.constantFrom('lw', 'lbu', 'sw', 'sb'),
          target: targets,
          reg: fc.constantFrom(...registers),
        })
        .map(
          ({ op, target, reg }) =>
            ({
              kind: 'access',
              op,
              address: target.address,
              ...(target.symbol === undefined ? {} : { symbol: target.symbol }),
              reg,
            }) as BodyRecord,
        ),
    },
    {
      weight: 1,
      arbitrary: targets.map(
        (target) =>
          ({
            kind: 'fetch',
            address: target.address,
            ...(target.symbol === undefined ? {} : { symbol: target.symbol }),
          }) as BodyRecord,
      ),
    },
    { weight: 1, arbitrary: aluArb(registers) },
  );
  return {
    name,
    description:
      'resource control: a U/S body under PMP reads, writes and jumps outside its memory and gets access faults',
    unsupported: (ctx) =>
      ctx.pmpEntries < 4 ? 'an engine has fewer than 4 PMP entries' : needs(ctx, ['S', 'U']),
    arbitrary: (_ctx, options) =>
      fc
        .record({
          mode: fc.noShrink(fc.constantFrom<'S' | 'U'>('S', 'U')),
          body: body(record, options),
        })
        .map(
          ({ mode, body: b }): Program => ({
            template: name,
            setup: [
              // 0: TOR [0, __body) no access; 1: TOR [__body, __end_marker + 16) X;
              // 2: NAPOT __data (4 KiB) RW; nothing else (S and U get access faults).
              '  la t0, __body',
              '  srli t0, t0, 2',
              '  csrw pmpaddr0, t0',
              '  la t0, __end_marker',
              '  addi t0, t0, 16',
              '  srli t0, t0, 2',
              '  csrw pmpaddr1, t0',
              '  la t0, __data',
              '  srli t0, t0, 2',
              '  ori t0, t0, 0x1ff',
              '  csrw pmpaddr2, t0',
              `  li t0, ${hex((((PMP_NAPOT << 3) | PMP_R | PMP_W) << 16) | (((PMP_TOR << 3) | PMP_X) << 8) | (PMP_TOR << 3))}`,
              '  csrw pmpcfg0, t0',
              'li s2, 0',
              'li s3, 0',
              'li s4, 0',
              'li s5, 0',
              dropTo(mode),
            ].join('\n'),
            privilege: mode,
            body: b,
            handler: `
  csrr t0, mcause
  li t1, 5
  li t2, ${4 * RESOURCE_COUNTERS.load}
  beq t0, t1, 1f
  li t1, 7
  li t2, ${4 * RESOURCE_COUNTERS.store}
  beq t0, t1, 1f
  li t1, 1
  li t2, ${4 * RESOURCE_COUNTERS.fetch}
  beq t0, t1, 1f
  li t2, ${4 * RESOURCE_COUNTERS.other}
1:
  add t2, s0, t2
  lw t1, 0(t2)
  addi t1, t1, 1
  sw t1, 0(t2)
  j __trap_default
`,
            digestPages: 'data',
            norvc: true,
          }),
        ),
  };
}

/**
 * The faults a resource-control body must take, by kind: one per record that reaches outside
 * the body's memory (every access and fetch record of the template).
 */
export function expectedResourceFaults(
  program: Program,
): Record<keyof typeof RESOURCE_COUNTERS, number> {
  const out = { load: 0, store: 0, fetch: 0, other: 0 };
  for (const r of program.body) {
    if (r.kind === 'access') {
      if (r.op.startsWith('s')) out.store++;
      else out.load++;
    } else if (r.kind === 'fetch') out.fetch++;
  }
  return out;
}

/** One trigger of the trigger template's set-up. */
interface TriggerSpec {
  /** `tdata1`'s type: 2 (`mcontrol`) or 6 (`mcontrol6`). */
  readonly type: 2 | 6;
  /** What `tdata2` points at: the body's code, the data page, or the `__tdata` pages. */
  readonly target: 'code' | 'data' | 'tdata';
  /**
   * Code: an even byte offset from `__body` (wrapped into the body at run time); data: from
   * `__data` (0–2047); tdata: from {@link TDATA_BASE} (−2048…2047).
   */
  readonly offset: number;
  /** U, S, M bits (`tdata1` bits 3, 4, 6). */
  readonly modes: number;
  /** Load, store, execute bits (`tdata1` bits 0–2). */
  readonly kinds: number;
  /** The size field (type 2: 0–3; type 6: 0–15, some of them not kept). */
  readonly size: number;
  /** Bits QEMU 7.2 reads as zero (dmode, maskmax, hit, select, timing, action, chain, match). */
  readonly junk: number;
  /** A write of a type QEMU 7.2 ignores (0, 3, 4, 5, 7, 15) after arming, or none. */
  readonly ignored: number | undefined;
}

/** `tdata1` bits QEMU 7.2 reads as zero in both types (never the type, kept or size bits). */
const TRIGGER_JUNK = 0x0ff0_ffa0 & ~0x0180_0000;
/** Types whose `tdata1` writes QEMU 7.2 ignores (1 and 8–14 abort it: never written). */
const IGNORED_TYPES = [0, 3, 4, 5, 7, 15];
/** Bytes of the `__tdata` area (two pages: accesses may cross from one to the other). */
const TDATA_SIZE = 0x2000;
/** The trigger template's base register (s9): `__tdata` + {@link TDATA_BASE}; never written. */
const TDATA_REGISTER = 25;
/** Offset of {@link TDATA_REGISTER} in `__tdata`: the page boundary in its middle. */
const TDATA_BASE = 0x1000;
/** Registers the trigger template's records write (never its base register). */
const TRIGGER_REGISTERS = WRITABLE_REGISTERS.filter((r) => r !== TDATA_REGISTER);
/** Bit of `tdata1` that matches privilege `mode`. */
const TRIGGER_MODE_BIT = { U: 0x08, S: 0x10, M: 0x40 } as const;

/**
 * The `tdata1` value a trigger's set-up writes. Triggers never make the M-mode harness stop:
 * code triggers only execute (the harness never runs the body's code), data-page triggers
 * that load or store never have M (the dump reads the data page in M-mode), `__tdata` is only
 * the body's (and not digested).
 */
function triggerTdata1(t: TriggerSpec): number {
  let modes = t.modes;
  let kinds = t.kinds;
  if (t.target === 'code') kinds = 4;
  if (t.target === 'data' && (kinds & 3) !== 0) modes &= ~0x40;
  return ((t.type << 28) | (t.junk & TRIGGER_JUNK) | (t.size << 16) | modes | kinds) >>> 0;
}

/** Triggers for a body in `mode`: three times in four they have that mode's bit. */
const triggerSpecArb = (mode: 'M' | 'S' | 'U'): fc.Arbitrary<TriggerSpec> =>
  fc
    .constantFrom<'code' | 'data' | 'tdata'>('code', 'data', 'tdata', 'code', 'tdata')
    .chain((target) =>
      fc.record({
        type: fc.constantFrom<2 | 6>(2, 6),
        target: fc.constant(target),
        offset:
          target === 'code'
            ? fc.integer({ min: 0, max: 255 }).map((h) => h * 2)
            : target === 'data'
              ? fc.integer({ min: 0, max: 2047 })
              : fc.oneof(fc.integer({ min: -8, max: 4 }), fc.integer({ min: -2048, max: 2047 })),
        modes: fc
          .record({
            own: fc.constantFrom(true, true, true, false),
            others: fc.subarray([0x08, 0x10, 0x40]).map((bits) => bits.reduce((m, b) => m | b, 0)),
          })
          .map(({ own, others }) =>
            own ? others | TRIGGER_MODE_BIT[mode] : others & ~TRIGGER_MODE_BIT[mode],
          ),
        // Loads and stores (1–3) most often, execute sometimes with them, rarely nothing (code
        // triggers only execute, whatever this says).
        kinds: fc.constantFrom(1, 2, 3, 1, 2, 3, 3, 5, 6, 7, 4, 0),
        size: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
        junk: fc.oneof(fc.constant(0), fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff })),
        ignored: fc.option(fc.constantFrom(...IGNORED_TYPES), { nil: undefined }),
      }),
    );

/** The `tdata2` and `tdata1` writes of trigger `index`, and the read-back into `__tlog`. */
function triggerSetup(t: TriggerSpec, index: number): string[] {
  const lines = [`  li t0, ${index}`, '  csrw tselect, t0'];
  if (t.target === 'code') {
    // __body + offset, wrapped into [__body, __end_marker) (the body's length is even).
    lines.push(
      '  la t2, __body',
      `  li t0, ${t.offset}`,
      '  la t1, __end_marker',
      '  sub t1, t1, t2',
      '  remu t0, t0, t1',
      '  add t0, t0, t2',
    );
  } else if (t.target === 'data') {
    lines.push('  la t0, __data', `  addi t0, t0, ${t.offset}`);
  } else {
    lines.push(`  addi t0, ${reg(TDATA_REGISTER)}, ${t.offset}`);
  }
  lines.push('  csrw tdata2, t0', `  li t0, ${hex(triggerTdata1(t))}`, '  csrw tdata1, t0');
  if (t.ignored !== undefined)
    lines.push(`  li t0, ${hex((t.ignored << 28) | 0x0fff_ffff)}`, '  csrw tdata1, t0');
  lines.push(
    '  csrr t0, tdata1',
    `  sw t0, ${8 * index}(s0)`,
    '  csrr t0, tdata2',
    `  sw t0, ${8 * index + 4}(s0)`,
  );
  return lines;
}

/** Offsets near `points` (±6 bytes, within `min…max`), else uniform ones. */
function nearArb(points: readonly number[], min: number, max: number): fc.Arbitrary<number> {
  const uniform = fc.integer({ min, max });
  if (points.length === 0) return uniform;
  return fc.oneof(
    { weight: 1, arbitrary: uniform },
    {
      weight: 6,
      arbitrary: fc
        .record({ p: fc.constantFrom(...points), d: fc.integer({ min: -6, max: 6 }) })
        .map(({ p, d }) => Math.max(min, Math.min(max, p + d))),
    },
  );
}

/** Register forms of writes to `tdata1` from a body (see {@link triggerCsrArb}). */
const SAFE_WRITE_TYPES = [0, 2, 3, 4, 5, 6, 7, 15];
const SAFE_SET_TYPES = [0, 2, 4, 6];

/**
 * Reads of the trigger CSRs, and (`writes`) writes restored at once whose transient value can
 * never make the M-mode harness stop: no write sets M, load or store, no result is of a type
 * QEMU 7.2 aborts on, `tdata2` writes stay below the UART.
 */
function triggerCsrArb(writes: boolean): Arb {
  const read = fc
    .record({
      csr: fc.constantFrom('tselect', 'tdata1', 'tdata2', 'tdata3', '0x7a4'),
      rd: fc.constantFrom(...TRIGGER_REGISTERS),
    })
    .map(({ csr, rd }): BodyRecord => ({ kind: 'csrr', csr, rd, mask: 0xffff_ffff }));
  if (!writes) return read;
  const write = fc
    .record({
      csr: fc.constantFrom('tselect', 'tdata1', 'tdata2', 'tdata3', '0x7a4'),
      op: fc.constantFrom<'csrrw' | 'csrrs' | 'csrrc' | 'csrrwi' | 'csrrsi' | 'csrrci'>(
        'csrrw',
        'csrrs',
        'csrrc',
        'csrrwi',
        'csrrsi',
        'csrrci',
      ),
      rd: fc.constantFrom(0, ...TRIGGER_REGISTERS),
      value: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
      type: fc.integer({ min: 0, max: 7 }),
    })
    .map(({ csr, op, rd, value, type }): BodyRecord => {
      let v = value;
      if (op.endsWith('i')) v &= 31;
      if (csr === 'tdata1') {
        if (op === 'csrrw')
          v = (v & 0x0fff_ffbf) | ((SAFE_WRITE_TYPES[type] as number) << 28); // no M
        else if (op === 'csrrs')
          v = (v & 0x0fff_ffbc) | ((SAFE_SET_TYPES[type % 4] as number) << 28);
        else if (op === 'csrrc')
          v = (v & 0x0fff_ffff) | ((SAFE_SET_TYPES[type % 4] as number) << 28);
        else if (op === 'csrrsi') v &= ~3; // never adds load or store
      }
      if (csr === 'tdata2' && !op.endsWith('i')) v &= 0x0fff_ffff;
      return { kind: 'csr', op, csr, rd, value: v | 0, restore: true, mask: 0xffff_ffff };
    });
  return fc.oneof({ weight: 1, arbitrary: read }, { weight: 2, arbitrary: write });
}

/**
 * Debug triggers (QEMU 7.2's trigger module): the set-up arms up to two random triggers (type 2
 * or 6, random modes, kinds, sizes and ignored bits) on the body's code, the data page or a
 * pair of pages of its own (`__tdata`, reached from s9), reads them back into a digested page
 * (`__tlog`), and the body — in M, S or U, its breakpoints maybe delegated to S — runs
 * instructions, loads, stores and atomics near them, so that they hit or miss. An execute
 * trigger skips an instruction: with one, the body is made only of records whose instructions
 * compute no address another uses (no atomics, `__tdata` accesses through s9, no loops, no
 * trigger CSR writes), so a skipped instruction never sends an access astray.
 */
function triggerTemplate(): Template {
  const name = 'trigger';
  return {
    name,
    description:
      'debug triggers: random execute/load/store triggers (types 2, 6) near the body code and data, hit or missed in M, S or U',
    unsupported: (ctx) =>
      ctx.triggers < 2 ? 'an engine lacks the debug triggers of QEMU 7.2' : needs(ctx, ['S', 'U']),
    arbitrary: (ctx, options) =>
      fc
        .noShrink(
          fc.constantFrom<'M' | 'S' | 'U'>('M', 'S', 'U').chain((mode) =>
            fc.record({
              triggers: fc.oneof(
                { weight: 1, arbitrary: fc.constant<TriggerSpec[]>([]) },
                {
                  weight: 6,
                  arbitrary: fc.array(triggerSpecArb(mode), { minLength: 1, maxLength: 2 }),
                },
              ),
              mode: fc.constant(mode),
              delegate: fc.boolean(),
              norvc: fc.boolean(),
              select: fc.integer({ min: 0, max: 3 }),
            }),
          ),
        )
        .chain((setup) => {
          const at = (target: 'data' | 'tdata') =>
            setup.triggers.filter((t) => t.target === target).map((t) => t.offset);
          const data = at('data');
          const tdata = at('tdata');
          const executes = setup.triggers.some((t) => t.target === 'code');
          const misaligned = ctx.misalignedLoadStore;
          const access = (points: readonly number[], min: number, max: number, base?: number) =>
            fc
              .record({
                op: fc.constantFrom(...LOAD_OPS, ...STORE_OPS),
                offset: nearArb(points, min, max),
                rd: fc.constantFrom(...TRIGGER_REGISTERS),
              })
              .map(({ op, offset, rd }): BodyRecord => {
                const width = widthOf(op);
                const o = misaligned ? offset : offset & ~(width - 1);
                const where = base === undefined ? {} : { base };
                return op.startsWith('s')
                  ? { kind: 'store', op: op as StoreOp, rs2: rd, offset: o, ...where }
                  : { kind: 'load', op: op as LoadOp, rd, offset: o, ...where };
              });
          // No SC: QEMU 7.2 fails an SC whose word a store or AMO of the same hart changed
          // since the LR (it compares values), Trapeze does not (docs/conformance.md).
          const atomic = fc
            .record({
              which: fc.constantFrom('lr', 'amo'),
              op: fc.constantFrom(...AMO_OPS),
              offset: nearArb(data, 0, 2040).map((o) => o & ~3),
              rd: fc.constantFrom(...TRIGGER_REGISTERS),
              rs2: fc.integer({ min: 0, max: 31 }),
            })
            .map(
              ({ which, op, offset, rd, rs2 }): BodyRecord =>
                which === 'lr' ? { kind: 'lr', rd, offset } : { kind: 'amo', op, rd, rs2, offset },
            );
          const jump = fc
            .record({
              rd: fc.constantFrom(0, ...TRIGGER_REGISTERS),
              skip: fc.integer({ min: 0, max: 3 }),
            })
            .map(({ rd, skip }): BodyRecord => ({ kind: 'jump', rd, skip }));
          // Accesses where the triggers are, mostly.
          const records: { weight: number; arbitrary: Arb }[] = [
            { weight: 4, arbitrary: aluArb(TRIGGER_REGISTERS) },
            { weight: 1 + 4 * data.length, arbitrary: access(data, 0, MAX_DATA_OFFSET) },
            {
              weight: 1 + 4 * tdata.length,
              arbitrary: access(tdata, -2048, 2044, TDATA_REGISTER),
            },
            { weight: 1, arbitrary: branchArb(3) },
            { weight: 1, arbitrary: jump },
            { weight: 1, arbitrary: trapArb(['ebreak', 'ecall']) },
          ];
          if (!executes) {
            const loopRegisters = LOOP_BODY_REGISTERS.filter((r) => r !== TDATA_REGISTER);
            records.push(
              { weight: 1 + data.length, arbitrary: atomic },
              {
                weight: 1,
                arbitrary: fc
                  .record({
                    count: fc.integer({ min: 1, max: 8 }),
                    body: fc.array(
                      fc.oneof(
                        { weight: 3, arbitrary: aluArb(loopRegisters) },
                        { weight: 1, arbitrary: memoryArb(ctx, loopRegisters) },
                      ),
                      { minLength: 1, maxLength: 4 },
                    ),
                  })
                  .map((loop): BodyRecord => ({ kind: 'loop', ...loop })),
              },
            );
          }
          if (setup.mode === 'M') records.push({ weight: 2, arbitrary: triggerCsrArb(!executes) });
          const min = Math.min(4, options?.maxRecords ?? 24);
          return body(fc.oneof(...records), options, min).map((b) => ({ setup, body: b }));
        })
        .map(({ setup, body: b }): Program => {
          // The S handler resumes 4 bytes on: delegated bodies are assembled without C.
          const delegate = setup.delegate && setup.mode !== 'M';
          const lines: string[] = [
            '  la s0, __tlog',
            `  la ${reg(TDATA_REGISTER)}, __tdata`,
            `  li t0, ${TDATA_BASE}`,
            `  add ${reg(TDATA_REGISTER)}, ${reg(TDATA_REGISTER)}, t0`,
          ];
          setup.triggers.forEach((t, i) => {
            lines.push(...triggerSetup(t, i));
          });
          lines.push(
            `  li t0, ${setup.select}`,
            '  csrw tselect, t0',
            '  csrr t0, tselect',
            '  sw t0, 16(s0)',
            '  csrr t0, 0x7a4',
            '  sw t0, 20(s0)',
            '  li t0, -1',
            '  csrw tdata3, t0',
            '  csrr t0, tdata3',
            '  sw t0, 24(s0)',
          );
          if (delegate) lines.push('  li t0, 8', '  csrw medeleg, t0');
          lines.push('  la t0, __strap', '  csrw stvec, t0', dropTo(setup.mode));
          return {
            template: name,
            setup: lines.join('\n'),
            privilege: setup.mode,
            body: b,
            extra: `${S_HANDLER}
  .balign 4096
__tlog:
  .space 4096
__tdata:
${Array.from({ length: TDATA_SIZE / 32 }, (_, i) => `  .word ${Array.from({ length: 8 }, (_, j) => hex(Math.imul(i * 8 + j + 1, 0x2545_f491) ^ 0x3c3c_3c3c)).join(', ')}`).join('\n')}
`,
            digestPages: ['__data', '__spage', '__tlog'],
            norvc: delegate || setup.norvc,
          };
        }),
  };
}

/** The templates, by name. */
export const TEMPLATES: readonly Template[] = [
  simple('alu', 'integer ALU: register, immediate and upper-immediate operations', () => aluArb()),
  simple('m', 'M extension: multiply, divide and remainder, edge values included', () =>
    fc.oneof(
      { weight: 3, arbitrary: regArb(M_OPS) },
      { weight: 2, arbitrary: liArb() },
      { weight: 1, arbitrary: aluArb() },
    ),
  ),
  simple(
    'memory',
    'loads and stores of every width, aligned and misaligned, within the data page',
    (ctx) =>
      fc.oneof(
        { weight: 2, arbitrary: loadArb(ctx.misalignedLoadStore) },
        { weight: 2, arbitrary: storeArb(ctx.misalignedLoadStore) },
        { weight: 1, arbitrary: aluArb() },
      ),
    { digestPages: 'data' },
  ),
  simple(
    'control',
    'bounded control flow: forward branches and jumps, loops with a fixed trip count',
    (ctx) =>
      fc.oneof(
        { weight: 3, arbitrary: aluArb() },
        { weight: 2, arbitrary: branchArb() },
        { weight: 1, arbitrary: jumpArb() },
        { weight: 1, arbitrary: loopArb(ctx) },
      ),
  ),
  simple(
    'atomic',
    'A extension: LR/SC and every AMO on the data page (misaligned ones trap)',
    (ctx) =>
      fc.oneof(
        { weight: 3, arbitrary: atomicArb(ctx) },
        { weight: 1, arbitrary: liArb() },
        { weight: 1, arbitrary: memoryArb(ctx) },
      ),
    { digestPages: 'data' },
  ),
  simple(
    'zicsr',
    'Zicsr over every guest-visible CSR: random writes (WARL fields) read back',
    (ctx) =>
      fc.oneof(
        { weight: 4, arbitrary: csrArb(ctx, machineCsrs(ctx)) },
        { weight: 1, arbitrary: aluArb() },
      ),
  ),
  trapsTemplate(),
  privilegeTemplate(),
  sv32Template(),
  pmpTemplate(),
  timerTemplate(),
  simple(
    'mmio',
    'MMIO: the UART scratch register and transmitter, the CLINT msip, mtimecmp and mtime',
    () => fc.oneof({ weight: 3, arbitrary: mmioArb() }, { weight: 1, arbitrary: aluArb() }),
  ),
  resourceTemplate(),
  triggerTemplate(),
  ...TRANSLATOR_TEMPLATES,
];

/** The template named `name`. */
export function templateByName(name: string): Template | undefined {
  return TEMPLATES.find((t) => t.name === name);
}
