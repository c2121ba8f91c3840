/**
 * The debug trigger module as QEMU 7.2 implements it (docs/qemu-virt.md, "Debug triggers"): the
 * CSRs' WARL rules, measured there with docs/probes/trigger-probe.S, and when triggers fire.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Exception } from '../../src/hart/causes.js';
import { CsrFile, type CsrSnapshot, type PrivilegeLevel } from '../../src/hart/csr-file.js';
import type { Hart } from '../../src/hart/hart.js';
import type { AccessKind } from '../../src/hart/memory.js';
import {
  isLegalTdata1,
  legalTdata1,
  TDATA1_RESET,
  TINFO,
  Triggers,
} from '../../src/hart/triggers.js';
import { BASE, hartWith, runTo } from './support.js';

const TSELECT = 0x7a0;
const TDATA1 = 0x7a1;
const TDATA2 = 0x7a2;
const TDATA3 = 0x7a3;
const TINFO_CSR = 0x7a4;

function file(): CsrFile {
  return new CsrFile({ read: () => undefined, write: () => false });
}

/** Writes `value` to tdata1 of trigger 0 after a reset, then reads it back. */
function tdata1After(value: number, before = TDATA1_RESET): number {
  const csr = file();
  csr.write(TDATA1, 3, before);
  csr.write(TDATA1, 3, value);
  return csr.read(TDATA1, 3);
}

describe('trigger CSRs (QEMU 7.2, measured)', () => {
  it('exist in M-mode only, with their reset values; tcontrol and the context CSRs do not', () => {
    const csr = file();
    expect([TSELECT, TDATA1, TDATA2, TDATA3, TINFO_CSR].map((n) => csr.read(n, 3))).toEqual([
      0, 0x2000_0000, 0, 0, 0x44,
    ]);
    for (const n of [TSELECT, TDATA1, TDATA2, TDATA3, TINFO_CSR])
      for (const privilege of [0, 1] as PrivilegeLevel[]) {
        csr.read(n, privilege);
        expect(csr.illegal, `${n.toString(16)} from ${privilege}`).toBe(true);
        csr.write(n, privilege, 0);
        expect(csr.illegal).toBe(true);
      }
    // tcontrol, mcontext, mscontext, scontext, hcontext, 0x7a6, dcsr.
    for (const n of [0x7a5, 0x7a8, 0x7aa, 0x5a8, 0x6a8, 0x7a6, 0x7b0]) {
      csr.read(n, 3);
      expect(csr.illegal, n.toString(16)).toBe(true);
    }
  });

  it('keep tselect at 0 or 1: other writes are ignored', () => {
    const csr = file();
    const writes = [1, 2, 3, -1, 0, 3, 1];
    const reads = writes.map((v) => {
      csr.write(TSELECT, 3, v);
      return csr.read(TSELECT, 3);
    });
    expect(reads).toEqual([1, 1, 1, 1, 0, 0, 1]);
  });

  it('apply the WARL rules of tdata1 (the values of the probe)', () => {
    const table: [number, number][] = [
      [0x2fff_ffff, 0x2003_005f],
      [0x6fff_ffff, 0x6180_005f],
      [0x2800_005f, 0x2000_005f], // dmode reads 0
      [0x2000_0020, 0x2000_0000], // bit 5 (H): not kept
      [0x2000_0080, 0x2000_0000], // match
      [0x2000_1000, 0x2000_0000], // action
      [0x2003_0000, 0x2003_0000], // sizelo 3
      [0x2004_0000, 0x2000_0000],
      [0x2020_0000, 0x2000_0000], // maskmax
      [0x6005_0000, 0x6005_0000], // size 5 (8 bytes)
      [0x6004_0000, 0x6000_0000], // size 4 (6 bytes): not kept
      [0x6006_0000, 0x6000_0000],
      [0x600f_0000, 0x6000_0000],
      [0x6080_0000, 0x6080_0000], // VU
      [0x6100_0000, 0x6100_0000], // VS
      [0x6800_0000, 0x6000_0000],
      [0x6000_1000, 0x6000_0000],
    ];
    for (const [value, expected] of table)
      expect(tdata1After(value).toString(16), value.toString(16)).toBe(expected.toString(16));
    // Other types leave tdata1 as it was.
    for (const type of [0, 3, 4, 5, 7, 15, 1, 8, 14]) {
      expect(tdata1After(((type << 28) | 0x0fff_ffff) >>> 0)).toBe(0x2000_0000);
      expect(tdata1After(type << 28, 0x6000_005f)).toBe(0x6000_005f);
    }
    expect(tdata1After(0x2fff_ffff, 0x6000_005f)).toBe(0x2003_005f);
  });

  it('keep all of tdata2, read tdata3 as 0 and tinfo as 0x44 (writes ignored)', () => {
    const csr = file();
    for (const type of [0x2000_0000, 0x6000_0000]) {
      csr.write(TDATA1, 3, type);
      csr.write(TDATA2, 3, -1);
      expect(csr.read(TDATA2, 3)).toBe(0xffff_ffff);
      csr.write(TDATA3, 3, -1);
      expect(csr.read(TDATA3, 3)).toBe(0);
      csr.write(TINFO_CSR, 3, -1);
      expect(csr.illegal).toBe(false);
      expect(csr.read(TINFO_CSR, 3)).toBe(TINFO);
    }
    // tdata2 survives a change of type; trigger 1 has its own.
    csr.write(TDATA2, 3, 0xabc);
    csr.write(TDATA1, 3, 0x6000_005f);
    expect(csr.read(TDATA2, 3)).toBe(0xabc);
    csr.write(TSELECT, 3, 1);
    expect([csr.read(TDATA1, 3), csr.read(TDATA2, 3)]).toEqual([0x2000_0000, 0]);
  });

  prop.prop([fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff })])(
    'read back legalTdata1(value), or the old value; legal values are fixed points',
    (value) => {
      const legal = legalTdata1(value);
      expect(tdata1After(value)).toBe(legal ?? TDATA1_RESET);
      if (legal !== undefined) {
        expect(legalTdata1(legal)).toBe(legal);
        expect(isLegalTdata1(legal)).toBe(true);
      }
    },
  );

  it('round-trip through a CSR snapshot (and reset from one without triggers)', () => {
    const csr = file();
    csr.write(TDATA1, 3, 0x6001_0047);
    csr.write(TDATA2, 3, 0x8000_1234);
    csr.write(TSELECT, 3, 1);
    csr.write(TDATA1, 3, 0x2000_0049);
    const snapshot = JSON.parse(JSON.stringify(csr.snapshot())) as CsrSnapshot;
    expect(snapshot.triggers).toEqual({
      select: 1,
      tdata1: [0x6001_0047, 0x2000_0049],
      tdata2: [0x8000_1234, 0],
    });
    const copy = file();
    copy.restore(snapshot);
    expect(copy.snapshot()).toEqual(csr.snapshot());
    expect(copy.triggers.execute && copy.triggers.access).toBe(true);
    const { triggers: _, ...old } = snapshot;
    copy.restore(old);
    expect(copy.triggers.snapshot()).toEqual(new Triggers().snapshot());
    expect(copy.triggers.execute || copy.triggers.access).toBe(false);
  });
});

/** A guest whose M-mode handler logs (mcause, mepc, mtval, MPP) at `log` and skips. */
function guest(body: string, data = '') {
  return hartWith(`
    _start:
      la t0, handler
      csrw mtvec, t0
      la s11, data
      la s10, log
      ${body}
    done: j done
      .balign 4
    handler:
      csrr t6, mcause
      sw t6, 0(s10)
      csrr t6, mepc
      sw t6, 4(s10)
      csrr t6, mtval
      sw t6, 8(s10)
      csrr t6, mstatus
      srli t6, t6, 11
      andi t6, t6, 3
      sw t6, 12(s10)
      addi s10, s10, 16
      csrr t6, mepc
      li t5, ${BASE}
      bgeu t6, t5, 2f
      csrw mepc, ra              # a fetch outside RAM: resume at ra
      mret
    2: lhu t5, 0(t6)
      andi t5, t5, 3
      addi t6, t6, 2
      li t4, 3
      bne t5, t4, 1f
      addi t6, t6, 2
    1: csrw mepc, t6
      mret
      .data
      .balign 16
    data: .word 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514
      ${data}
      .balign 16
    log: .zero 256
  `);
}

/** The traps a guest logged: [mcause, mepc, mtval, MPP] each. */
function traps(g: ReturnType<typeof guest>): number[][] {
  const out: number[][] = [];
  const view = new DataView(g.memory.bytes.buffer);
  const at = g.symbol('log') - BASE;
  const end = ((g.hart.x[26] as number) >>> 0) - BASE;
  for (let p = at; p < end; p += 16)
    out.push([0, 4, 8, 12].map((k) => view.getUint32(p + k, true)));
  return out;
}

function run(g: ReturnType<typeof guest>): number[][] {
  runTo(g.hart, g.symbol('done'));
  return traps(g);
}

/** Arms trigger `index` with `tdata1` at `address` (assembly). */
const arm = (index: number, tdata1: number, address: string) => `
      li t0, ${index}
      csrw tselect, t0
      ${address.startsWith('0x') ? `li t0, ${address}` : `la t0, ${address}`}
      csrw tdata2, t0
      li t0, ${tdata1}
      csrw tdata1, t0`;

describe('triggers firing (QEMU 7.2, measured)', () => {
  it('stop an instruction before it executes: cause 3, mepc the instruction, mtval 0, in M-mode with MIE clear', () => {
    const g = guest(`
      ${arm(0, 0x2000_0044, 'here')}
      li a1, 0
    here: li a1, 5
      csrr a2, minstret`);
    const before = g.hart.countedTraps;
    expect(run(g)).toEqual([[Exception.Breakpoint, g.symbol('here'), 0, 3]]);
    expect(g.hart.x[11]).toBe(0); // skipped
    expect(g.hart.countedTraps).toBe(before); // not counted by QEMU's icount
  });

  it('fire again on every return to the instruction', () => {
    const g = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        la t0, here
        csrw tdata2, t0
        li t0, 0x20000044
        csrw tdata1, t0
        li s9, 0
      here: addi s9, s9, 0x100
      done: j done
      handler:                   # count, disarm on the third hit, return to the same pc
        addi s9, s9, 1
        li t0, 3
        blt s9, t0, 1f
        li t0, 0x20000000
        csrw tdata1, t0
      1: mret
    `);
    runTo(g.hart, g.symbol('done'));
    expect(g.hart.x[25]).toBe(0x103);
  });

  it('match the exact address of an instruction: compressed ones too, never the middle of a 32-bit one', () => {
    const g = guest(`
      ${arm(0, 0x2000_0044, 'mid + 2')}
      .option norvc
    mid: addi a1, a1, 1
      .option rvc
      ${arm(0, 0x2000_0044, 'c1')}
    c1: c.addi a2, 1
    c2: c.addi a2, 1
      ${arm(0, 0x2001_0044, 'c2b')}
      nop
    c2b: c.addi a2, 1`);
    expect(run(g).map((t) => t[1])).toEqual([g.symbol('c1'), g.symbol('c2b')]);
  });

  it('watch 4 bytes (type 2) or 8 (type 6) from tdata2, or the size encoding as a length', () => {
    // Trigger at data + 8; for each tdata1, the byte offsets whose lb fires.
    const offsets = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
    const cases: [number, number[]][] = [
      [0x2000_0041, [8, 9, 10, 11]],
      [0x2001_0041, [8]],
      [0x2002_0041, [8, 9]],
      [0x2003_0041, [8, 9, 10]], // "4 bytes" watches 3
      [0x6000_0041, [8, 9, 10, 11, 12, 13, 14, 15]],
      [0x6003_0041, [8, 9, 10]],
      [0x6005_0041, [8, 9, 10, 11, 12]], // "8 bytes" watches 5
      [0x6004_0041, [8, 9, 10, 11, 12, 13, 14, 15]], // size not kept: any (8)
    ];
    for (const [tdata1, fired] of cases) {
      const g = guest(`
        ${arm(0, tdata1, 'data + 8')}
        .option norvc
      first:
        ${offsets.map((o) => `lb a0, ${o}(s11)`).join('\n')}`);
      const first = g.symbol('first');
      const hits = run(g).map((t) => offsets[((t[1] as number) - first) / 4]);
      expect(hits, tdata1.toString(16)).toEqual(fired);
    }
  });

  it('watch misaligned accesses as QEMU 7.2 splits them (page-aligned `pg`, probe values)', () => {
    // [trigger address, tdata1, access, fires on QEMU 7.2]
    const cases: [string, number, string, boolean][] = [
      ['pg', 0x2001_0042, 'sh a0, 0x101(s9)', true], // a store: from the page start to its end
      ['pg', 0x2001_0042, 'sw a0, 0x102(s9)', true],
      ['pg', 0x2001_0042, 'sh a0, 0x100(s9)', false], // aligned: its bytes
      ['pg', 0x2001_0042, 'sb a0, 0x101(s9)', false],
      ['pg', 0x2001_0042, 'sw a0, 0x7fd(s9)', true],
      ['pg + 7', 0x2001_0041, 'lw a0, 1(s9)', true], // a load: two aligned words, 0–7
      ['pg + 7', 0x2001_0041, 'lh a0, 5(s9)', true],
      ['pg + 7', 0x2001_0041, 'lh a0, 9(s9)', false],
      ['pg + 7', 0x2001_0041, 'lw a0, 4(s9)', true],
      ['pg + 7', 0x2001_0041, 'lhu a0, 3(s9)', false],
      ['pg + 0x100', 0x2001_0041, 'lw a0, 0x101(s9)', true],
      ['pg + 0x100', 0x2001_0041, 'lw a0, 0xfe(s9)', true],
      ['pg + 0x100', 0x2001_0042, 'sh a0, 0x181(s9)', true],
      ['pg + 0x100', 0x2001_0042, 'sh a0, 0xf1(s9)', false],
      ['pg - 4', 0x6000_0042, 'sh a0, 0x11(s9)', true], // 8 bytes from pg - 4
      ['pg - 4', 0x6000_0042, 'sw a0, 4(s9)', false],
    ];
    for (const [address, tdata1, access, fires] of cases) {
      const g = guest(
        `la s9, pg
        li a0, 0x77
        ${arm(0, tdata1, address)}
        ${access}`,
        '.balign 4096\npg: .zero 4096',
      );
      expect(run(g).length, `${address}: ${access}`).toBe(fires ? 1 : 0);
      // A stopped store writes nothing.
      if (fires && access.startsWith('s')) {
        const at = g.symbol('pg') - BASE;
        expect(g.memory.bytes.subarray(at, at + 0x800).every((b) => b === 0)).toBe(true);
      }
    }
  });

  it('watch a page-crossing load as two aligned accesses of its size, a store on its bytes', () => {
    // data2 is page-aligned: for a trigger (1 byte) at each address, does lw at data2 - 2 /
    // lh at data2 - 1 / sw at data2 - 2 fire?
    const expectations: [string, string, boolean][] = [
      ['data2 - 4', 'lw a0, -2(s9)', true],
      ['data2 - 4', 'sw a0, -2(s9)', false],
      ['data2 + 3', 'lw a0, -2(s9)', true],
      ['data2 + 3', 'sw a0, -2(s9)', false],
      ['data2 - 2', 'lh a0, -1(s9)', true],
      ['data2 - 2', 'sh a0, -1(s9)', false],
      ['data2 + 1', 'lh a0, -1(s9)', true],
      ['data2 + 1', 'lh a0, 1(s9)', true],
      ['data2 + 2', 'lw a0, -3(s9)', true],
      ['data2 + 4', 'lw a0, -3(s9)', false],
    ];
    for (const [address, access, fires] of expectations) {
      const g = guest(
        `la s9, data2
        ${arm(0, 0x2001_0043, address)}
        ${access}`,
        '.balign 4096\n.zero 4096\ndata2: .zero 16',
      );
      expect(run(g).length, `${address}: ${access}`).toBe(fires ? 1 : 0);
    }
  });

  it('treat AMOs and SC (holding the reservation) as loads and stores, LR as a load', () => {
    const g = guest(`
      addi s9, s11, 8
      li a3, 5
      ${arm(0, 0x2000_0042, 'data + 8')}
      amoadd.w a0, a1, (s9)          # store trigger: fires
      lr.w a0, (s9)                  # no
      sc.w a3, a1, (s9)              # holds the reservation: fires
      ${arm(0, 0x2000_0041, 'data + 8')}
      amoswap.w a0, a1, (s9)         # load trigger: fires
      lr.w a0, (s9)                  # fires (no reservation)
      li a4, 7
      sc.w a4, a1, (s9)              # no reservation: fails, touches nothing
      li t0, 0x20000000
      csrw tdata1, t0
      lr.w a0, (s9)
      ${arm(0, 0x2000_0041, 'data + 8')}
      li a5, 9
      sc.w a5, a1, (s9)              # holds it: a load trigger fires too
      addi s8, s11, 9
      amoadd.w a0, a1, (s8)          # misaligned: cause 6 first`);
    const log = run(g);
    expect(log.map((t) => t[0])).toEqual([3, 3, 3, 3, 3, 6]);
    expect(g.hart.x[13]).toBe(5); // a3 untouched by the stopped SC
    expect([g.hart.x[14], g.hart.x[15]]).toEqual([1, 9]);
  });

  it('match the current privilege only (U bit 3, S 4, M 6), not the one MPRV gives accesses', () => {
    for (const [mode, bits, fires] of [
      [0, 0x08, true],
      [0, 0x50, false],
      [1, 0x10, true],
      [1, 0x48, false],
      [3, 0x40, true],
      [3, 0x18, false],
    ] as const) {
      const g = guest(`
        ${arm(0, 0x2000_0005 | bits, 'data')}
        ${arm(1, 0x6000_0004 | bits, 'there')}
        li t0, 0x1800
        csrc mstatus, t0
        li t0, ${mode << 11}
        csrs mstatus, t0
        la t0, go
        csrw mepc, t0
        mret
      go: lw a0, 0(s11)
      there: addi a1, a1, 1
        ecall`);
      const log = run(g);
      const ecall = [8, 9, 0, 11][mode] as number;
      expect(log.map((t) => t[0])).toEqual(fires ? [3, 3, ecall] : [ecall]);
      for (const t of log) expect(t[3]).toBe(mode);
    }
    // MPRV: an M-mode load as U fires on an M trigger, not a U one.
    for (const [bits, fires] of [
      [0x08, false],
      [0x40, true],
    ] as const) {
      const g = guest(`
        ${arm(0, 0x2000_0001 | bits, 'data')}
        li t0, 0x1800
        csrc mstatus, t0
        li t0, 0x20000
        csrs mstatus, t0
        lw a0, 0(s11)
        csrc mstatus, t0`);
      expect(run(g).length).toBe(fires ? 1 : 0);
    }
  });

  it('reproduce QEMU 7.2: the mode check looks at every trigger with the same address and kind', () => {
    // Execute: trigger 0 at `x` for U only, trigger 1 at `y` for M: M-mode at `x` stops.
    let g = guest(`
      ${arm(0, 0x2000_000c, 'x')}
      ${arm(1, 0x2000_0044, 'y')}
    x: nop
      ${arm(1, 0x2000_0041, 'y')}
    x2: nop
    y: nop`);
    expect(run(g).map((t) => t[1])).toEqual([g.symbol('x')]);
    // Loads: trigger 0 (U, 4 bytes at data + 8), trigger 1 (M, 1 byte at data + 8): lb at
    // data + 10 in M-mode stops; not if trigger 1 only stores, or watches another address.
    g = guest(`
      ${arm(0, 0x2000_0009, 'data + 8')}
      ${arm(1, 0x2001_0041, 'data + 8')}
    l1: lb a0, 10(s11)
      ${arm(1, 0x2001_0042, 'data + 8')}
    l2: lb a0, 10(s11)
      ${arm(1, 0x2000_0041, 'data + 16')}
    l3: lb a0, 8(s11)
      ${arm(0, 0x2000_000b, 'data + 8')}
      ${arm(1, 0x2001_0041, 'data + 8')}
    l4: sb a0, 10(s11)`);
    expect(run(g).map((t) => t[1])).toEqual([g.symbol('l1'), g.symbol('l4')]);
  });

  it('take priority over access faults of the fetch and the access', () => {
    const g = guest(`
      ${arm(0, 0x2000_0043, '0x100')}
      li s9, 0x100
    a1: lw a0, 0(s9)
    a2: sw a0, 0(s9)
      li s9, 0x8000fffe
      ${arm(0, 0x2000_0041, '0x80010000')}
    a3: lw a0, 0(s9)                     # the first half is RAM, the second faults
      ${arm(0, 0x2000_0044, '0x200')}
      li t0, 0x200
      jalr ra, 0(t0)`);
    const log = run(g);
    expect(log.map((t) => [t[0], t[1]])).toEqual([
      [3, g.symbol('a1')],
      [3, g.symbol('a2')],
      [3, g.symbol('a3')],
      [3, 0x200],
    ]);
  });

  it('go to S-mode when medeleg delegates breakpoints from S and U', () => {
    const g = hartWith(`
        .option norvc
      _start:
        la t0, mhandler
        csrw mtvec, t0
        la t0, shandler
        csrw stvec, t0
        li t0, 8
        csrw medeleg, t0
        la t0, here
        csrw tdata2, t0
        li t0, 0x2000005c
        csrw tdata1, t0
        li t0, 0x1800
        csrc mstatus, t0
        la t0, here
        csrw mepc, t0
        mret
      here: nop
        ecall
        .balign 4
      mhandler:
        csrr a0, mcause
      done: j done
        .balign 4
      shandler:
        csrr a1, scause
        csrr a2, stval
        csrr a3, sepc
        addi a3, a3, 4
        csrw sepc, a3
        sret
    `);
    runTo(g.hart, g.symbol('done'));
    expect([g.hart.x[11], g.hart.x[12], g.hart.x[10]]).toEqual([3, 0, Exception.EcallFromU]);
  });

  it('translate a stopped access before the breakpoint (HartMemory.touch), faults ignored', () => {
    const g = guest(`
      ${arm(0, 0x2000_0043, 'data + 4')}
      lw a0, 4(s11)
      sw a0, 4(s11)
      li t0, 0x20000041
      csrw tdata1, t0
      addi s9, s11, 4
      amoadd.w a0, a0, (s9)`);
    const touched: [number, number, AccessKind][] = [];
    (g.memory as { touch?: (a: number, s: 1 | 2 | 4, k: AccessKind) => void }).touch = (
      a,
      s,
      k,
    ) => {
      touched.push([a, s, k]);
      g.memory.fault = 5; // ignored
    };
    const log = run(g);
    expect(log.length).toBe(3);
    const data = g.symbol('data');
    expect(touched).toEqual([
      [data + 4, 4, 1],
      [data + 4, 4, 2],
      [data + 4, 4, 2],
    ]);
  });

  it('cost nothing while no trigger is armed', () => {
    const h: Hart = hartWith('nop').hart;
    expect(h.triggers.execute || h.triggers.access).toBe(false);
    h.csr.write(TDATA1, 3, 0x2000_0040); // a mode, no kind: not armed
    expect(h.triggers.execute || h.triggers.access).toBe(false);
    h.csr.write(TDATA1, 3, 0x2000_0004); // a kind, no mode: not armed
    expect(h.triggers.execute || h.triggers.access).toBe(false);
    h.csr.write(TDATA1, 3, 0x2000_0044);
    expect([h.triggers.execute, h.triggers.access]).toEqual([true, false]);
    h.csr.write(TDATA1, 3, 0x6080_0002); // VU only: armed (never matches without H)
    expect([h.triggers.execute, h.triggers.access]).toEqual([false, true]);
  });
});
