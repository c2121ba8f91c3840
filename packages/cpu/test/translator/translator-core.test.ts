/**
 * The translator (translator/translator-core.ts) against the interpreter, case by case: every
 * run of every test stops both cores and compares pc, registers, counters, CSRs, RAM and the
 * device log, and checks the translator's software TLB against the MMU. Loops run long enough
 * for their code to be translated (and compiled into regions) before the interesting part.
 */
import { MIP_MTIP } from '@trapeze/isa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_BUDGET, EXIT_DEADLINE, EXIT_DEVICE, EXIT_TRAP } from '../../src/core.js';
import { TranslatorCore } from '../../src/translator/translator-core.js';
import {
  asm,
  difference,
  encoding,
  enterS,
  HOST_CODES,
  icount,
  load,
  makeRig,
  Pair,
  PMP_ALL,
  PROBE_BASE,
  PTE_RW,
  PTE_RX,
  pte,
  RAM_BASE,
  type Rig,
  sv32,
  symbol,
  useHostCode,
} from '../support.js';

const INF = Number.POSITIVE_INFINITY;

/** Steps of uneven sizes, so runs stop everywhere in blocks and loops. */
const STEPS = [1, 7, 2, 150, 3, 41, 1000, 5, 13, 64, 2, 333, 17, 4000];

function translated(rig: Rig): number {
  return rig.core.statistics().blocksTranslated;
}

function u32(rig: Rig, address: number): number {
  const bytes = rig.ram.readBytes(address, 4);
  return new DataView(bytes.buffer).getUint32(0, true);
}

/** Runs a rig as a board would: again after every device exit, up to `limit`. */
function board(rig: Rig, limit: number, deadline: number) {
  let exits = 0;
  for (;;) {
    const exit = rig.core.run(limit, deadline);
    if (exit !== EXIT_DEVICE) return { exit, exits };
    exits++;
  }
}

const ADD1 = encoding('addi a0, a0, 1');
const ADD100 = encoding('addi a0, a0, 100');

describe.each(HOST_CODES)('host code %s', (hostCode) => {
  beforeAll(() => useHostCode(hostCode));
  afterAll(() => useHostCode('webassembly'));

  describe('self-modifying code', () => {
    it('a store that rewrites an instruction later in its own block', () => {
      const pair = new Pair(`
        .option norvc
      _start:
        li s0, 400
        la s1, slot
        li s2, 0x80008000
        sub s3, s1, s2
        li s4, ${ADD1}
        li s5, ${ADD100}
        xor s5, s4, s5
      loop:
        andi t0, s0, 31
        seqz t0, t0
        neg t1, t0
        and t2, s3, t1
        add t2, s2, t2
        and t3, s5, t1
        xor s4, s4, t3
        sw s4, 0(t2)
        addi a1, a1, 1
      slot:
        addi a0, a0, 1
        addi a2, a2, 1
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      pair.drive(3000, STEPS);
      pair.drive(8000);
      let a0 = 0;
      let add = 1;
      for (let s0 = 400; s0 > 0; s0--) {
        if (s0 % 32 === 0) add = add === 1 ? 100 : 1;
        a0 += add;
      }
      for (const rig of pair.rigs) {
        expect(rig.core.hart.x[10]).toBe(a0);
        expect(rig.core.hart.pc).toBe(pair.at('end'));
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
      expect(pair.translator.core.statistics().invalidations).toBeGreaterThan(0);
    });

    describe.each([
      { name: 'in the same page', org: '', fence: '' },
      { name: 'in another page', org: '.org 0x1000', fence: '' },
      { name: 'in another page, then FENCE.I', org: '.org 0x1000', fence: 'fence.i' },
      { name: 'in the same page, then FENCE.I', org: '', fence: 'fence.i' },
    ])('a store into another block, already translated, $name', ({ org, fence }) => {
      it('runs the new code from then on', () => {
        const pair = new Pair(`
          .option norvc
        _start:
          li s0, 300
          la s1, func
          li s4, ${ADD100}
          li s5, 150
        loop:
          jal ra, func
          addi s0, s0, -1
          bne s0, s5, 1f
          sw s4, 0(s1)
          ${fence}
        1:
          bnez s0, loop
        end:
          j end
          ${org}
        func:
          addi a0, a0, 1
          addi a1, a1, 2
          ret
      `);
        pair.drive(1200, STEPS);
        expect(translated(pair.translator)).toBeGreaterThan(0);
        pair.drive(4000, STEPS);
        for (const rig of pair.rigs) {
          expect(rig.core.hart.x[10]).toBe(150 + 150 * 100);
          expect(rig.core.hart.x[11]).toBe(600);
        }
      });
    });

    it('a host write (Ram.loadBytes) over translated code', () => {
      const pair = new Pair(`
      _start:
        li s0, 0
      loop:
        jal ra, func
        addi s0, s0, 1
        j loop
        .org 0x800
      func:
        .option norvc
        addi a0, a0, 1
        .option rvc
        addi a1, a1, 2
        ret
    `);
      pair.drive(1000, STEPS);
      expect(translated(pair.translator)).toBeGreaterThan(0);
      const func = pair.at('func');
      const code = new Uint8Array(new Uint32Array([ADD100]).buffer);
      const a0 = pair.interpreter.core.hart.x[10] as number;
      const calls = pair.interpreter.core.hart.x[8] as number;
      pair.both((rig) => rig.ram.loadBytes(func, code));
      pair.drive(3000, STEPS);
      for (const rig of pair.rigs) {
        // Every call from the write on adds 100 (but a call whose ADDI had run already).
        const added = (rig.core.hart.x[10] as number) - a0;
        const made = (rig.core.hart.x[8] as number) - calls;
        expect(made).toBeGreaterThan(100);
        expect([100 * made, 100 * (made - 1)]).toContain(added);
      }
    });

    it('a host write through the RAM views, then invalidate()', () => {
      const pair = new Pair(`
      _start:
      loop:
        jal ra, func
        j loop
        .org 0x800
      func:
        .option norvc
        addi a0, a0, 1
        ret
    `);
      pair.drive(999, STEPS);
      const before = pair.interpreter.core.hart.x[10] as number;
      const func = pair.at('func') - RAM_BASE;
      pair.both((rig) => {
        rig.ram.i32[func >> 2] = ADD100;
        rig.core.invalidate();
      });
      pair.drive(1999, STEPS);
      const grown = (pair.translator.core.hart.x[10] as number) - before;
      expect(grown).toBeGreaterThan(100 * 200);
    });
  });

  describe('code in pages remapped by SFENCE.VMA', () => {
    const A = 'addi a0, a0, 1\nret';
    const B = 'addi a0, a0, 1000\naddi a1, a1, 1\nret';

    // A whole fence, and a fence of the remapped page alone (a page holding translated code).
    it.each(['sfence.vma', 'sfence.vma t0, zero'])(
      'runs the code of the page mapped now, after each remap (%s)',
      (fence) => {
        const pair = new Pair(
          sv32(
            `
          li t2, 0x80011000
          li s0, 300
        1:
          li t0, 0x40000000
          jalr ra, 0(t0)
          addi s0, s0, -1
          bnez s0, 1b
          li t1, ${pte(0x8001_3000, PTE_RX)}
          sw t1, 0(t2)
          ${fence}
          li s0, 300
        2:
          li t0, 0x40000000
          jalr ra, 0(t0)
          addi s0, s0, -1
          bnez s0, 2b
          li t1, ${pte(0x8001_2000, PTE_RX)}
          sw t1, 0(t2)
          ${fence}
          li s0, 100
        3:
          li t0, 0x40000000
          jalr ra, 0(t0)
          addi s0, s0, -1
          bnez s0, 3b
        end:
          j end
        `,
            A,
            B,
          ),
          { checkTlb: false },
        );
        pair.drive(20_000, STEPS);
        for (const rig of pair.rigs) {
          expect(rig.core.hart.privilege).toBe(1);
          expect(rig.core.hart.x[10]).toBe(300 + 300 * 1000 + 100);
          expect(rig.core.hart.x[11]).toBe(300);
          expect(rig.core.hart.pc).toBe(pair.at('end'));
        }
        expect(translated(pair.translator)).toBeGreaterThan(0);
      },
    );

    it('the host remaps and calls invalidate()', () => {
      const pair = new Pair(
        sv32(
          `
        1:
          li t0, 0x40000000
          jalr ra, 0(t0)
          j 1b
        `,
          A,
          B,
        ),
      );
      pair.drive(2000, STEPS);
      const before = pair.translator.core.hart.x[10] as number;
      expect(before).toBeGreaterThan(100);
      const entry = new Uint8Array(new Uint32Array([pte(0x8001_3000, PTE_RX)]).buffer);
      pair.both((rig) => {
        rig.ram.loadBytes(0x8001_1000, entry);
        rig.core.invalidate();
      });
      pair.drive(4000, STEPS);
      for (const rig of pair.rigs) {
        const calls = rig.core.hart.x[11] as number;
        expect(calls).toBeGreaterThan(100);
        expect(rig.core.hart.x[10]).toBeGreaterThanOrEqual(before + 1000 * calls);
      }
    });
  });

  describe('a fence of one page inside a superpage', () => {
    // Virtual 0x60000000 is a second mapping of the RAM megapage (level-1 entry 0x180). After
    // a hot loop used it, the megapage loses a permission and the fence names another page of
    // it: every translation made from the superpage is stale (privileged spec §4.2.1).
    const L1_ALIAS = 0x8001_0000 + 0x180 * 4;
    const U = 0x10;

    // Made from the superpage before the fence: the load's software-TLB entry, and the
    // called block (its jump-cache entry and link).
    it.each([
      {
        made: 'software-TLB entries',
        access: 'lw a0, 0(t0)\nadd a1, a1, a0',
        at: 0x6001_4000,
        before: PTE_RW,
        after: PTE_RW | U,
        a: 'ret',
        data: '.word 7',
        counted: 11,
        count: 200 * 7,
        cause: 13,
      },
      {
        made: 'blocks',
        access: 'jalr ra, 0(t0)',
        at: 0x6001_2000,
        before: PTE_RX,
        after: PTE_RW,
        a: 'addi a0, a0, 1\nret',
        data: '',
        counted: 10,
        count: 200,
        cause: 12,
      },
    ])('drops the $made made through the superpage: the next access faults', (c) => {
      const pair = new Pair(
        sv32(
          `
          li t0, 0x${c.at.toString(16)}
          li t2, ${L1_ALIAS}
          li t3, ${pte(0x8000_0000, c.before)}
          sw t3, 0(t2)
          sfence.vma
          li t3, ${pte(0x8000_0000, c.after)}
          li t4, 0x60000000
          li s0, 300
          li s1, 100
        1:
          ${c.access}
          addi s0, s0, -1
          bne s0, s1, 2f
          sw t3, 0(t2)
          sfence.vma t4, zero
        2:
          bnez s0, 1b
        end:
          j end
        `,
          c.a,
          'ret',
          c.data,
        ),
      );
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.x[c.counted]).toBe(c.count);
        expect(rig.core.hart.csr.mcause).toBe(c.cause);
        expect(rig.core.hart.csr.mtval >>> 0).toBe(c.at);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('trap CSRs accessed inline', () => {
    it('follow each CSR write rule in a hot loop (odd epc, reserved vector modes)', () => {
      const pair = new Pair(`
        .option norvc
      _start:
        li s0, 400
        li t2, -1
        csrw mscratch, t2
        csrw stval, t2
      loop:
        csrw sepc, s0
        csrr a1, sepc
        add a2, a2, a1
        csrrw a3, stvec, s0
        csrrs a4, mtvec, s0
        csrrc a5, mscratch, s0
        csrs mscratch, a2
        csrrsi a6, mepc, 3
        csrrci a7, stval, 5
        csrrwi t1, scause, 9
        add a2, a2, a3
        add a2, a2, a4
        add a2, a2, a5
        add a2, a2, a6
        add a2, a2, a7
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.csr.sepc).toBe(0);
        // The last write (s0 = 1) has MODE 1: kept; s0 = 2 and 3 (MODE 2, 3) were ignored.
        expect(rig.core.hart.csr.stvec).toBe(1);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    it('sstatus: bits written in place; setting SIE takes the pending interrupt at once', () => {
      const pair = new Pair(`
        .option norvc
      _start:
        ${PMP_ALL}
        li t0, 2
        csrw mideleg, t0
        csrw mie, t0
        ${enterS('s_main')}
      s_main:
        la t0, s_trap
        csrw stvec, t0
        li s0, 300
      1:
        li t1, 0x120
        csrs sstatus, t1
        csrr a3, sstatus
        csrc sstatus, t1
        add a4, a4, a3
        csrsi sip, 2
        csrsi sstatus, 2
        addi a1, a1, 1
        addi s0, s0, -1
        bnez s0, 1b
      end:
        j end
        .align 2
      s_trap:
        csrci sip, 2
        li t1, 0x20
        csrc sstatus, t1
        addi a2, a2, 1
        sret
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.x[11]).toBe(300);
        expect(rig.core.hart.x[12]).toBe(300);
        expect(rig.core.hart.csr.scause >>> 0).toBe(0x8000_0001);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    it('sstatus: clearing SUM in place ends the block: the next load of a user page faults', () => {
      const pair = new Pair(
        sv32(
          `
          li t2, 0x80015000
          li t1, ${pte(0x8001_4000, PTE_RW | 0x10)}
          sw t1, 0(t2)
          sfence.vma
          li t0, 0x50000000
          li s0, 300
          li s1, 100
        1:
          li t1, 0x40000
          csrs sstatus, t1
          lw a0, 0(t0)
          add a1, a1, a0
          addi s0, s0, -1
          sub t2, s0, s1
          seqz t2, t2
          slli t2, t2, 18
          csrc sstatus, t2
          lw a2, 0(t0)
          bnez s0, 1b
        end:
          j end
        `,
          'ret',
          'ret',
          '.word 3',
        ),
      );
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.x[11]).toBe(200 * 3);
        expect(rig.core.hart.csr.mcause).toBe(13);
        expect(rig.core.hart.csr.mtval >>> 0).toBe(0x5000_0000);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    it('below the CSR level (M-mode code run again in S-mode) trap as illegal instructions', () => {
      const pair = new Pair(`
        .option norvc
      _start:
        ${PMP_ALL}
        la t0, m_trap
        csrw mtvec, t0
        li s0, 300
      1:
        jal ra, f
        addi s0, s0, -1
        bnez s0, 1b
        ${enterS('s_code')}
      s_code:
        jal ra, f
      end:
        j end
      f:
        csrrw a0, mscratch, a1
        addi a1, a1, 1
        ret
        .align 2
      m_trap:
        j m_trap
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('m_trap'));
        expect(rig.core.hart.csr.mcause).toBe(2);
        expect(rig.core.hart.csr.mtval >>> 0).toBe(encoding('csrrw a0, mscratch, a1') >>> 0);
        expect(rig.core.hart.csr.mepc).toBe(pair.at('f'));
        expect(rig.core.hart.x[11]).toBe(300);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('device accesses with the board deadline (deviceDeadline)', () => {
    // A guest that reads and writes the probe device in a hot loop; writing offset 8 raises
    // the timer line, taken by a handler that lowers it (offset 0) — interrupts land right
    // after device accesses.
    const SOURCE = `
        .option norvc
      _start:
        la t0, handler
        csrw mtvec, t0
        li t0, ${MIP_MTIP}
        csrw mie, t0
        csrsi mstatus, 8
        li s1, ${PROBE_BASE}
        li s0, 3000
      loop:
        lw a0, 4(s1)
        add a1, a1, a0
        andi t1, s0, 63
        bnez t1, 1f
        sw s0, 8(s1)
      1:
        sw a1, 16(s1)
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
        .align 2
      handler:
        sw zero, 0(s1)
        addi a2, a2, 1
        mret
    `;
    it.each([
      { name: 'no deadline', answer: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY },
      { name: 'a deadline the board keeps', answer: 23_456, deadline: 23_456 },
    ])(
      'go on in the block: the same state and device log as the interpreter ($name)',
      ({ answer, deadline }) => {
        const interpreter = makeRig('interpreter');
        let asked = 0;
        const translator = makeRig('translator', {
          make: (options) =>
            new TranslatorCore({
              ...options,
              deviceDeadline: () => {
                asked++;
                return answer;
              },
            }),
        });
        const program = asm(SOURCE);
        load(interpreter, program);
        load(translator, program);
        let exits = 0;
        for (const limit of [40, 41, 300, 2_000, 9_999, 20_000, 40_000]) {
          const a = board(interpreter, limit, deadline);
          const b = board(translator, limit, deadline);
          exits += b.exits;
          expect(b.exit).toBe(a.exit);
          expect(difference(interpreter, translator)).toBeUndefined();
        }
        expect(translator.core.hart.x[12]).toBeGreaterThan(40); // interrupts taken
        expect(asked).toBeGreaterThan(5_000);
        // Only accesses after which an interrupt is ready leave the run.
        expect(exits).toBeLessThan(100);
        expect(translated(translator)).toBeGreaterThan(0);
      },
    );

    it.each([
      { name: 'an earlier deadline', answer: 10 },
      { name: 'a later deadline', answer: 2e9 },
      { name: 'the end of the run (-1)', answer: -1 },
    ])('end the run as without it when the board answers $name', ({ answer }) => {
      const interpreter = makeRig('interpreter');
      const translator = makeRig('translator', {
        make: (options) => new TranslatorCore({ ...options, deviceDeadline: () => answer }),
      });
      const program = asm(SOURCE);
      load(interpreter, program);
      load(translator, program);
      let exits = 0;
      for (const limit of [500, 5_000, 20_000]) {
        const a = board(interpreter, limit, 1e9);
        const b = board(translator, limit, 1e9);
        expect(b).toEqual(a);
        exits += b.exits;
        expect(difference(interpreter, translator)).toBeUndefined();
      }
      expect(exits).toBeGreaterThan(1_000);
    });

    it('refuses a deviceDeadline that is not a function', () => {
      expect(() =>
        makeRig('translator', {
          make: (options) => new TranslatorCore({ ...options, deviceDeadline: 5 as never }),
        }),
      ).toThrow(/deviceDeadline must be a function/);
    });
  });

  describe('translation contexts', () => {
    it('one code page at two virtual addresses: blocks are not mixed up (auipc sees each pc)', () => {
      const alias = pte(0x8001_2000, PTE_RX);
      const pair = new Pair(
        sv32(
          `
          li t2, 0x80011004
          li t1, ${alias}
          sw t1, 0(t2)
          sfence.vma
          li s0, 300
        1:
          li t0, 0x40000000
          andi t1, s0, 1
          slli t1, t1, 12
          add t0, t0, t1
          jalr ra, 0(t0)
          addi s0, s0, -1
          bnez s0, 1b
        end:
          j end
        `,
          'auipc a2, 0\nadd a3, a3, a2\naddi a4, a4, 1\nret',
          'ret',
        ),
      );
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.x[14]).toBe(300);
        expect((rig.core.hart.x[13] as number) >>> 0).toBe(
          (150 * 0x4000_0000 + 150 * 0x4000_1000) >>> 0,
        );
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    // A whole fence (a new context each time), and a fence of the remapped data page alone
    // (the context kept: only that page's TLB entries dropped).
    it.each(['sfence.vma', 'sfence.vma t0, zero'])(
      'thousands of remaps: loads always see the page mapped now (%s)',
      (fence) => {
        const pair = new Pair(
          sv32(
            `
          li t0, 0x50000000
          li t2, 0x80015000
          li t3, ${pte(0x8001_4000, PTE_RW)}
          li t4, ${pte(0x8001_6000, PTE_RW)}
          li s0, 9000
        1:
          andi t1, s0, 1
          mv t5, t3
          beqz t1, 2f
          mv t5, t4
        2:
          sw t5, 0(t2)
          ${fence}
          lw a0, 0(t0)
          add a1, a1, a0
          addi s0, s0, -1
          bnez s0, 1b
        end:
          j end
        `,
            'ret',
            'ret',
            '.word 1',
          ),
          { checkTlb: false },
        );
        pair.both((rig) => rig.ram.loadBytes(0x8001_6000, new Uint8Array([2, 0, 0, 0])));
        pair.drive(200_000, [5000, 333, 7]);
        for (const rig of pair.rigs) {
          expect(rig.core.hart.pc).toBe(pair.at('end'));
          expect(rig.core.hart.x[11]).toBe(4500 * 1 + 4500 * 2);
        }
        expect(translated(pair.translator)).toBeGreaterThan(0);
      },
    );
  });

  describe('an instruction that straddles the end of a page', () => {
    it('is translated with the page after it, and a write to its second half is seen', () => {
      const upper = (text: string) => encoding(text) >>> 16;
      const pair = new Pair(`
        .option norvc
      _start:
        li s0, 300
        li s2, 150
        li s1, 0x80001000
        li s5, ${upper('addi a3, a3, 100')}
        j loop
        .org 0xff8
      loop:
        addi a1, a1, 1
        .option rvc
        c.addi a2, 2
        .option norvc
      straddle:
        addi a3, a3, 3
        addi s0, s0, -1
        bne s0, s2, next
        sh s5, 0(s1)
      next:
        bnez s0, loop
      end:
        j end
    `);
      expect(pair.at('straddle')).toBe(RAM_BASE + 0xffe);
      // Times the translator core interprets the straddling instruction.
      const hart = pair.translator.core.hart;
      const step = hart.step.bind(hart);
      let interpreted = 0;
      hart.step = () => {
        if (hart.pc === pair.at('straddle')) interpreted++;
        return step();
      };
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.x[13]).toBe(150 * 3 + 150 * 100);
      }
      // While cold, after the write, and where a run's budget ends inside its block: not on
      // every one of its 300 passes.
      expect(interpreted).toBeLessThan(150);
    });
  });

  describe('code written again with the same bytes', () => {
    it('drops the blocks, then takes their host code from the memo', () => {
      const pair = new Pair(`
        .option norvc
      _start:
        li s0, 600
        la s1, slot
        lw s4, 0(s1)
      loop:
        andi t0, s0, 63
        bnez t0, run
        sw s4, 0(s1)
      run:
        addi a1, a1, 1
      slot:
        addi a0, a0, 1
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.x[10]).toBe(600);
      }
      const statistics = pair.translator.core.statistics();
      expect(statistics.invalidations).toBeGreaterThan(5);
      expect(statistics.reused).toBeGreaterThan(0);
      // Code the memo remembers is translated on its first reach after each rewrite, not after
      // 16 reaches on the interpreter (≈ 1,000 instructions interpreted then).
      expect(statistics.interpreted).toBeLessThan(700);
    });
  });

  describe('precise traps in translated blocks', () => {
    const FAULTS = [
      { name: 'a load access fault', text: 'lw a3, 0(zero)', cause: 5, tval: 0 },
      { name: 'a store access fault', text: 'sw a5, 8(zero)', cause: 7, tval: 8 },
      { name: 'a misaligned AMO', text: 'amoadd.w a7, a1, (s1)', cause: 6, tval: 0x8000_8001 },
      { name: 'an illegal instruction', text: '.word 0x0000000b', cause: 2, tval: 0xb },
    ] as const;
    const PLACES = [
      { where: 'first in its block', before: 0, org: 0x400 },
      { where: 'in the middle of its block', before: 3, org: 0x400 },
      { where: 'last in its block (the page ends after it)', before: 3, org: 0x1000 - 16 },
    ] as const;

    describe.each(FAULTS)('$name', ({ text, cause, tval }) => {
      it.each(PLACES)('$where', ({ before, org }) => {
        const pre = ['addi a1, a1, 1', 'addi a2, a2, 3', 'addi a1, a1, 5'].slice(0, before);
        const pair = new Pair(`
          .option norvc
        _start:
          la t0, handler
          csrw mtvec, t0
          li s1, 0x80008001
          li s0, 120
          li t6, 0x80009000
          li a3, 0x5555
          j loop
          .org ${org}
        loop:
          ${pre.join('\n')}
        fault_at:
          ${text}
          add a4, a1, a2
          addi a5, a5, 7
          addi s0, s0, -1
          bnez s0, loop
        end:
          j end
          .align 2
        handler:
          csrr t3, mcause
          csrr t4, mepc
          csrr t5, mtval
          sw t3, 0(t6)
          sw t4, 4(t6)
          sw t5, 8(t6)
          addi t6, t6, 12
          addi t4, t4, 4
          csrw mepc, t4
          mret
      `);
        if (org === 0x1000 - 16) expect(pair.at('fault_at') + 4).toBe(RAM_BASE + 0x1000);
        pair.drive(6000, STEPS);
        expect(translated(pair.translator)).toBeGreaterThan(0);
        for (const rig of pair.rigs) {
          const hart = rig.core.hart;
          expect(hart.pc).toBe(pair.at('end'));
          expect(hart.traps).toBe(120);
          expect(hart.countedTraps).toBe(cause === 2 ? 120 : 0);
          expect(hart.x[13]).toBe(0x5555);
          expect(hart.x[15]).toBe(7 * 120);
          for (let k = 0; k < 120; k++) {
            const at = 0x8000_9000 + 12 * k;
            expect([u32(rig, at), u32(rig, at + 4), u32(rig, at + 8)]).toEqual([
              cause,
              pair.at('fault_at'),
              tval,
            ]);
          }
        }
      });
    });
  });

  describe('a trap sink in hot code', () => {
    const TRAPS = [
      { name: 'ECALL', text: 'ecall', cause: 11 },
      { name: 'EBREAK', text: 'ebreak', cause: 3 },
      { name: 'an undecodable word', text: '.word 0x0000000b', cause: 2 },
      { name: 'a CSR that does not exist', text: 'csrr a2, 0x7c0', cause: 2 },
      { name: 'a load access fault', text: 'lw a2, 16(zero)', cause: 5 },
      { name: 'a store access fault', text: 'sw a2, 16(zero)', cause: 7 },
      { name: 'a misaligned AMO', text: 'amoadd.w a2, a1, (s2)', cause: 6 },
    ];

    it.each(TRAPS)(
      '$name: intercepted, completed or delivered, like the interpreter',
      ({ text, cause }) => {
        const pair = new Pair(`
        .option norvc
      _start:
        la t0, handler
        csrw mtvec, t0
        li s0, 0x80008000
        addi s2, s0, 2
        li s1, 100
      loop:
        lr.w a5, (s0)
        addi a0, a0, 1
        addi a1, a1, 2
        add a3, a0, a1
      at:
        ${text}
      after:
        addi a4, a4, 1
        addi s1, s1, -1
        bnez s1, loop
      end:
        j end
        .align 2
      handler:
        csrr t1, mepc
        addi t1, t1, 4
        csrw mepc, t1
        addi t2, t2, 1
        mret
    `);
        pair.both((rig) => rig.core.setTrapSink({ exceptions: 1 << cause, interrupts: 0 }));
        let intercepted = 0;
        for (let k = 0; k < 1000 && pair.interpreter.core.hart.pc !== pair.at('end'); k++) {
          const exit = pair.run(10_000);
          if (exit !== EXIT_TRAP) continue;
          intercepted++;
          for (const rig of pair.rigs) {
            expect(rig.core.hart.pc).toBe(pair.at('at'));
            expect(rig.core.hart.pendingCause).toBe(cause);
            expect(rig.core.hart.reservation).toBe(0x8000_8000);
          }
          // Emulated twice out of three, delivered to the guest's handler once.
          if (intercepted % 3 === 0) pair.both((rig) => rig.core.deliverTrap());
          else pair.both((rig) => rig.core.completeTrap(pair.at('after')));
          pair.expectSame();
        }
        expect(intercepted).toBe(100);
        for (const rig of pair.rigs) {
          expect(rig.core.hart.x[7]).toBe(33); // t2: delivered ones
          expect(rig.core.hart.traps).toBe(33);
          expect(rig.core.hart.countedTraps).toBe(
            cause === 11 || cause === 3 || (cause === 2 && text.startsWith('.word')) ? 33 : 0,
          );
          expect(rig.core.hart.retired).toBe(pair.interpreter.core.hart.retired);
        }
        expect(translated(pair.translator)).toBeGreaterThan(0);
      },
    );
  });

  describe('a branch into the second half of a 32-bit instruction', () => {
    // 0x45950613 is addi a2, a0, 0x459; its upper half, 0x4595, is c.li a1, 5.
    it.each([0, 6])(
      'entering at the word or 2 bytes in (path picked by bit %i of the count)',
      (bit) => {
        const pair = new Pair(`
      _start:
        li s0, 400
      loop:
        la t0, pair
        srli t1, s0, ${bit}
        andi t1, t1, 1
        slli t1, t1, 1
        add t0, t0, t1
        li a1, 0
        li a2, 0
        jalr ra, 0(t0)
        add s2, s2, a2
        add s3, s3, a1
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
        .align 2
      pair:
        .word 0x45950613
        addi a4, a4, 1
        ret
    `);
        pair.drive(10_000, STEPS);
        let even = 0;
        for (let s0 = 400; s0 > 0; s0--) if (((s0 >>> bit) & 1) === 0) even++;
        for (const rig of pair.rigs) {
          expect(rig.core.hart.pc).toBe(pair.at('end'));
          expect(rig.core.hart.x[18]).toBe(0x459 * even);
          expect(rig.core.hart.x[19]).toBe(5 * (400 - even));
          expect(rig.core.hart.x[14]).toBe(400);
        }
        expect(translated(pair.translator)).toBeGreaterThan(0);
      },
    );
  });

  describe('loops stop exactly at the limit and the deadline', () => {
    const LOOPS = {
      'a one-block loop': `
      _start:
        li a2, 1000000
      loop:
        addi a0, a0, 1
        addi a1, a1, 2
        bne a0, a2, loop
    `,
      'a loop of several blocks': `
      _start:
        li a2, 1000000
      loop:
        addi a0, a0, 1
        andi t0, a0, 3
        beqz t0, skip
        addi a1, a1, 5
      skip:
        addi a3, a3, 1
        bne a0, a2, loop
    `,
      'a loop of calls (auipc + jalr) and returns, with an inner loop that branches to itself': `
      _start:
        li a2, 1000000
      loop:
        addi a0, a0, 1
        call twice
        mv a4, a1
        call twice
        bne a0, a2, loop
      twice:
        li t1, 3
      spin:
        addi a1, a1, 2
        addi t1, t1, -1
        bnez t1, spin
        ret
    `,
      'a loop with a counted trap (ECALL)': `
      _start:
        la t0, handler
        csrw mtvec, t0
      loop:
        addi a0, a0, 1
        andi t0, a0, 15
        bnez t0, loop
        ecall
        j loop
        .align 2
      handler:
        csrr t1, mepc
        addi t1, t1, 4
        csrw mepc, t1
        mret
    `,
    };

    it.each(Object.entries(LOOPS))('%s', (_name, source) => {
      const pair = new Pair(source);
      pair.drive(2000);
      expect(translated(pair.translator)).toBeGreaterThan(0);
      for (let k = 1; k <= 70; k++) {
        const limit = pair.interpreter.core.hart.retired + k;
        expect(pair.run(limit)).toBe(EXIT_BUDGET);
        expect(pair.translator.core.hart.retired).toBe(limit);
      }
      for (let k = 1; k <= 70; k++) {
        const deadline = icount(pair.interpreter.core) + k;
        expect(pair.run(INF, deadline)).toBe(EXIT_DEADLINE);
        expect(icount(pair.translator.core)).toBe(deadline);
      }
      // Limit and deadline together, the nearer one wins.
      for (let k = 1; k <= 40; k++) {
        const retired = pair.interpreter.core.hart.retired;
        const time = icount(pair.interpreter.core);
        pair.run(retired + k, time + ((k * 5) % 11) + 1);
      }
      pair.drive(pair.interpreter.core.hart.retired + 5000, STEPS);
    });
  });

  describe('blocks naming more registers than they keep in locals', () => {
    it('registers read and written in place are exactly the interpreter', () => {
      // A loop whose blocks name all 31 registers (a trap entry's save and restore is the
      // like): most live in the hart's registers, not in locals, across loads, stores, a CSR
      // handler call and the loop's branch.
      const chain = Array.from({ length: 29 }, (_, i) => `add x${i + 2}, x${i + 2}, x${i + 1}`);
      const pair = new Pair(`
      _start:
        li x1, 1
        la x2, data
        li x31, 40
      loop:
        ${chain.join('\n        ')}
        la x2, data
        sw x7, 0(x2)
        sw x19, 4(x2)
        lw x23, 0(x2)
        csrr x29, mscratch
        csrw mscratch, x17
        lw x11, 4(x2)
        addi x31, x31, -1
        li x1, 1
        bnez x31, loop
      end:
        j end
        .balign 8
      data:
        .word 0, 0
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) expect(rig.core.hart.pc).toBe(pair.at('end'));
      expect(pair.translator.core.statistics().blocksTranslated).toBeGreaterThan(0);
    });
  });

  describe('regions entered at a later block', () => {
    it('a hot block that is part of a region enters it (no second compile), exactly', () => {
      // `head` gets hot first and heads the region, which holds `tail` (reached by a branch in
      // the first 1,024 passes). Later passes reach `tail` by a dynamic jump, which leaves the
      // region: `tail` gets hot on its own and enters the region at its case instead of
      // compiling a region of its own.
      const source = `
      _start:
        li a2, 8000
        la s1, tail
      head:
        addi a0, a0, 1
        andi t0, a0, 3
        beqz t0, check
        j head
      check:
        srli t2, a0, 10
        beqz t2, tail
        jr s1
      tail:
        addi a1, a1, 1
        bne a0, a2, head
    `;
      const pair = new Pair(source);
      pair.drive(1_000_000);
      expect(pair.translator.core.statistics().regionsCompiled).toBe(1);
      // The same program stopped everywhere: still exactly the interpreter.
      const stopped = new Pair(source);
      stopped.drive(1_000_000, STEPS);
    });
  });

  describe('interrupts raised between runs', () => {
    it('land on exactly the instruction where the interpreter takes them', () => {
      const pair = new Pair(`
      _start:
        la t0, handler
        csrw mtvec, t0
        lui s1, 0x10000
        li t0, 0x80
        csrw mie, t0
        csrsi mstatus, 8
        li s2, 0x80008000
      loop:
        addi a0, a0, 1
        add a1, a1, a0
        andi t1, a0, 7
        bnez t1, loop
        addi a2, a2, 1
        jal ra, func
        j loop
      func:
        xor a3, a3, a1
        ret
        .align 2
      handler:
        csrr t3, mepc
        sw t3, 0(s2)
        addi s2, s2, 4
        sw zero, 0(s1)
        mret
    `);
      pair.drive(3000);
      let raised = 0;
      for (let k = 0; k < 150; k++) {
        const gap = [10, 11, 12, 13, 15, 17, 21, 34, 55, 89, 144, 233][k % 12] as number;
        pair.drive(pair.interpreter.core.hart.retired + gap);
        // Out of the handler (it acknowledged the last interrupt and returned).
        expect(pair.interpreter.core.hart.csr.mstatus & 8).toBe(8);
        pair.both((rig) => rig.core.setInterruptLine(MIP_MTIP, true));
        raised++;
        // The interrupt is taken before anything else, at the first instruction of the run.
        const pc = pair.interpreter.core.hart.pc;
        expect(pair.run(pair.interpreter.core.hart.retired + 1)).toBe(EXIT_BUDGET);
        for (const rig of pair.rigs) {
          expect(rig.core.hart.csr.mepc).toBe(pc);
          expect(rig.core.hart.csr.mcause).toBe(0x8000_0007);
        }
      }
      pair.drive(pair.interpreter.core.hart.retired + 1000, STEPS);
      for (const rig of pair.rigs) expect(rig.core.hart.traps).toBe(raised);
      // Raised anywhere, the handler included (where it waits for mret, or is acknowledged).
      for (let k = 0; k < 300; k++) {
        pair.drive(pair.interpreter.core.hart.retired + ((k * 7) % 23) + 1);
        pair.both((rig) => rig.core.setInterruptLine(MIP_MTIP, true));
      }
      pair.drive(pair.interpreter.core.hart.retired + 1000, STEPS);
      expect(pair.interpreter.core.hart.traps).toBeGreaterThan(raised + 100);
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('device accesses inside a block', () => {
    it('end the block right after the access (EXIT_DEVICE), with the time the device saw', () => {
      const pair = new Pair(`
      _start:
        lui s1, 0x10000
        li s0, 100
      loop:
        addi a0, a0, 1
        lw a1, 0(s1)
      after_lw:
        add a2, a2, a1
        sw a2, 4(s1)
      after_sw:
        addi a3, a3, 1
        lbu a4, 12(s1)
      after_lbu:
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      const after = new Set([pair.at('after_lw'), pair.at('after_sw'), pair.at('after_lbu')]);
      let exits = 0;
      for (;;) {
        const exit = pair.run(5000);
        if (exit !== EXIT_DEVICE) break;
        exits++;
        expect(after.has(pair.translator.core.hart.pc)).toBe(true);
      }
      expect(exits).toBe(300);
      expect(pair.translator.probe.log).toHaveLength(300);
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('groups of loads and stores through one base register', () => {
    // A trap frame's save and restore: six stores and five loads through s3, the frame in one
    // page, across a page end, misaligned, on the probe device and in the code's own page, by
    // turns. Nothing else touches the frames' pages: only a group's own accesses through the
    // core enter them in the TLB.
    const frames = `
      _start:
        li s0, 600
        la s1, bases
      loop:
        andi t0, s0, 7
        slli t0, t0, 2
        add t0, t0, s1
        lw s2, 0(t0)
        addi a0, a0, 3
        addi a1, a1, 5
        addi s3, s2, 4
        sw a0, -4(s3)
        sw a1, 0(s3)
        sw s0, 4(s3)
        sh a0, 8(s3)
        sb a1, 11(s3)
        sw a2, 12(s3)
        lw a6, -4(s3)
        lw a7, 0(s3)
        lhu t2, 8(s3)
        lb t3, 11(s3)
        lw a2, 4(s3)
        add a3, a3, a6
        add a3, a3, a7
        add a4, a4, t2
        add a4, a4, t3
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
        .balign 4
      in_code:
        .word 0, 0, 0, 0, 0
        .balign 4
      bases:
        .word 0x80004100, 0x80004ff8, 0x80005102, 0x10000100
        .word 0x80006200, in_code, 0x80006200, 0x80006200
    `;

    it('are exactly the interpreter: in a page, across a page end, misaligned, on a device, in code', () => {
      const pair = new Pair(frames);
      pair.drive(100_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.traps).toBe(0);
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        // The last pass (s0 = 1): frame 0x80004ff8, 16 bytes on each side of the page end.
        expect(u32(rig, 0x8000_5000)).toBe(1);
      }
      // 600 passes: each of the 75 on the probe stores 6 times and loads 5 times.
      expect(pair.translator.probe.log).toHaveLength(75 * 11);
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    it('go straight to RAM once their page is in the TLB (no call into the core)', () => {
      const pair = new Pair(
        frames
          .replace('li s0, 600', 'li s0, 4000')
          .replace(/0x80004ff8|0x80005102|0x10000100|in_code/g, '0x80006200'),
      );
      pair.drive(20_000, STEPS);
      const core = pair.translator.core as TranslatorCore;
      const loads = vi.spyOn(core, 'load');
      const stores = vi.spyOn(core, 'store');
      pair.drive(120_000, STEPS);
      // The last ≈ 3,100 passes, each of 6 stores and 5 loads through s3 and a load of the
      // frame's base, to the end of the loop.
      expect(loads.mock.calls.length + stores.mock.calls.length).toBeLessThan(20);
      for (const rig of pair.rigs) expect(rig.core.hart.pc).toBe(pair.at('end'));
    });

    it('end at a load that writes the base register', () => {
      // Four loads, the last of which loads the next frame's address into the base register,
      // then four through the new base.
      const pair = new Pair(`
      _start:
        li s0, 300
        la s1, first
      loop:
        mv s2, s1
        lw a0, 0(s2)
        lw a1, 4(s2)
        lw a2, 8(s2)
        lw s2, 12(s2)
        lw a3, 0(s2)
        lw a4, 4(s2)
        lw a5, 8(s2)
        lw a6, 12(s2)
        add a7, a7, a0
        add a7, a7, a3
        add t0, t0, a6
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
        .balign 4
      first:
        .word 1, 2, 3, second
      second:
        .word 10, 20, 30, 40
    `);
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        expect(rig.core.hart.x[13]).toBe(10);
        expect(rig.core.hart.x[17]).toBe(300 * 11);
        expect(rig.core.hart.x[5]).toBe(300 * 40);
      }
    });

    it('fault precisely at a later access of the group (PMP ends inside the page)', () => {
      // S-mode may use RAM below 0x80006208 only: the frame of the loads in the last pass but
      // one, and that of the stores in the last pass (0x80006200, chosen without a branch, so
      // that the hot block runs it), fault at their third and fourth access, after two went
      // through. M-mode's handler counts the faults, sums minstret at each and skips the
      // instruction (the fourth then runs outside the block). A page PMP splits goes the slow way, access
      // by access; the board lets the run go on after such accesses (deviceDeadline), so the
      // groups' accesses all run in the block.
      const program = asm(`
      _start:
        li t0, ${(0x8000_6208 >>> 2).toString()}
        csrw pmpaddr0, t0
        li t0, 0x3fffffff
        csrw pmpaddr1, t0
        li t0, 0x080f
        csrw pmpcfg0, t0
        la t0, m_trap
        csrw mtvec, t0
        ${enterS('s_main')}
        .align 2
      m_trap:
        addi s4, s4, 1
        csrr t4, minstret
        add s5, s5, t4
        csrr t4, mepc
        addi t4, t4, 4
        csrw mepc, t4
        mret
      s_main:
        li s0, 3000
      loop:
        addi t0, s0, -1
        seqz t0, t0
        slli t0, t0, 8
        li s2, 0x80006100
        add s2, s2, t0
        addi t0, s0, -2
        seqz t0, t0
        slli t0, t0, 8
        li s3, 0x80006100
        add s3, s3, t0
        sw s0, 0(s2)
        sw a0, 4(s2)
        sw a1, 8(s2)
        sw s0, 12(s2)
        lw a2, 0(s3)
        lw a3, 4(s3)
        lw a4, 8(s3)
        lw a5, 12(s3)
        addi a0, a0, 3
        addi a1, a1, 5
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      const interpreter = makeRig('interpreter');
      const translator = makeRig('translator', {
        make: (options) => new TranslatorCore({ ...options, deviceDeadline: () => INF }),
      });
      load(interpreter, program);
      load(translator, program);
      for (const limit of [100, 1_000, 10_000, 80_000]) {
        expect(board(translator, limit, INF).exit).toBe(board(interpreter, limit, INF).exit);
        expect(difference(interpreter, translator)).toBeUndefined();
      }
      for (const rig of [interpreter, translator]) {
        expect(rig.core.hart.pc).toBe(symbol(program, 'end'));
        expect(rig.core.hart.x[20]).toBe(4);
        expect(rig.core.hart.csr.read(0x342, 3)).toBe(7);
        expect(rig.core.hart.csr.read(0x343, 3)).toBe(0x8000_620c);
        expect(u32(rig, 0x8000_6200)).toBe(1);
      }
      expect(translated(translator)).toBeGreaterThan(0);
    });

    it('set A and D as the interpreter does, and fault precisely, through Sv32 (pages not adjacent)', () => {
      // Y's entry has neither A nor D: the first store of a group there sets both. Each pass
      // stores a frame at the end of X and across into Y (X and Y are not adjacent in RAM),
      // then a frame in Y; the last pass stores into the code page A (not writable): a page
      // fault at the group's first store, taken by M-mode's handler, which ends the run.
      const pair = new Pair(
        sv32(
          `
          li t0, 0x80015004
          li t1, ${pte(0x8001_6000, 0x07)}
          sw t1, 0(t0)
          sfence.vma
          li s0, 300
        loop:
          li s2, 0x50000ff8
          li t0, 1
          bne s0, t0, 1f
          li s2, 0x40000100
        1:
          sw s0, 0(s2)
          sw a0, 4(s2)
          sw a1, 8(s2)
          sw s0, 12(s2)
          li s2, 0x50001100
          sw s0, 0(s2)
          sw a0, 4(s2)
          sw a1, 8(s2)
          sw s0, 12(s2)
          lw a2, 0(s2)
          lw a3, 4(s2)
          lw a4, 8(s2)
          lw a5, 12(s2)
          addi a0, a0, 7
          addi a1, a1, 11
          addi s0, s0, -1
          bnez s0, loop
        end:
          j end
        `,
          'ret',
          'ret',
        ),
      );
      pair.drive(20_000, STEPS);
      for (const rig of pair.rigs) {
        // The fault: a store page fault at the group's first store, in M-mode's handler.
        expect(rig.core.hart.csr.read(0x342, 3)).toBe(15);
        expect(rig.core.hart.csr.read(0x343, 3)).toBe(0x4000_0100);
        expect(rig.core.hart.x[8]).toBe(1);
        // Y's entry: A and D set by the first store there.
        expect(u32(rig, 0x8001_5004)).toBe(pte(0x8001_6000, 0xc7));
        // The pass before the last (s0 = 2): across X's end into Y.
        expect(u32(rig, 0x8001_4ff8)).toBe(2);
        expect(u32(rig, 0x8001_6004)).toBe(2);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('misaligned loads and stores', () => {
    it('are split without trapping, in one page and across pages (bare)', () => {
      const pair = new Pair(`
      _start:
        li s1, 0x80008800
        li s2, 0x80009000
        li s0, 200
        li t0, 0x11223344
        sw t0, 0x7fc(s1)
        li t0, 0x55667788
        sw t0, 0(s2)
      loop:
        lw a0, 0x7fe(s1)
        lw a1, -0x7ff(s1)
        lh a2, 0x7ff(s1)
        lhu a3, -0x7fd(s1)
        sw s0, 0x7fd(s1)
        sh s0, -0x7f9(s1)
        lw a4, 0(s2)
        lw a5, 0x7fc(s1)
        add a6, a6, a0
        add a6, a6, a2
        add a7, a7, a4
        add a7, a7, a5
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `);
      pair.drive(10_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.traps).toBe(0);
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        // The last misaligned store (s0 = 1) spans 0x80008ffd..0x80009000.
        expect(rig.ram.readBytes(0x8000_8ffd, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
        expect(rig.ram.readBytes(0x8000_8007, 2)).toEqual(new Uint8Array([1, 0]));
        // Read in the last pass, after the store of s0 = 1.
        expect((rig.core.hart.x[14] as number) >>> 0).toBe(0x5566_7700);
        expect((rig.core.hart.x[15] as number) >>> 0).toBe(0x0000_0144);
        // Read in the last pass, before it: the store of s0 = 2 left 0, 0 | 0, 0x77.
        expect((rig.core.hart.x[10] as number) >>> 0).toBe(0x7700_0000);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });

    it('across virtual pages mapped to pages that are not adjacent (Sv32), and the TLB stays right', () => {
      const pair = new Pair(
        sv32(
          `
          li s1, 0x50000ffe
          li s0, 200
        loop:
          lw a0, 0(s1)
          lw a1, 2(s1)
          lw a2, -2(s1)
          lh a3, 1(s1)
          sw s0, 0(s1)
          lw a4, 2(s1)
          lhu a5, -1(s1)
          add a6, a6, a0
          add a6, a6, a3
          add a7, a7, a1
          add a7, a7, a4
          add a7, a7, a5
          addi s0, s0, -1
          bnez s0, loop
        end:
          j end
        `,
          'ret',
          'ret',
          '.org 0x14ffc\n.word 0x11223344',
        ),
      );
      // Y (0x80016000) starts with distinctive bytes, written by the host.
      pair.both((rig) => rig.ram.loadBytes(0x8001_6000, new Uint8Array([0xaa, 0xbb, 0xcc, 0xdd])));
      pair.drive(10_000, STEPS);
      for (const rig of pair.rigs) {
        expect(rig.core.hart.traps).toBe(0);
        expect(rig.core.hart.pc).toBe(pair.at('end'));
        // The last store (s0 = 1) wrote 2 bytes at the end of X and 2 at the start of Y.
        expect(rig.ram.readBytes(0x8001_4ffe, 2)).toEqual(new Uint8Array([1, 0]));
        expect(rig.ram.readBytes(0x8001_6000, 4)).toEqual(new Uint8Array([0, 0, 0xcc, 0xdd]));
        // The page after X (the page table) is untouched.
        expect(u32(rig, 0x8001_5000)).toBe(pte(0x8001_4000, PTE_RW));
        expect(u32(rig, 0x8001_5004)).toBe(pte(0x8001_6000, PTE_RW));
        // Read in the last pass, before its store: the previous store (s0 = 2) left 2, 0.
        expect((rig.core.hart.x[12] as number) >>> 0).toBe(0x0002_3344);
        expect((rig.core.hart.x[10] as number) >>> 0).toBe(2);
        expect((rig.core.hart.x[11] as number) >>> 0).toBe(0xddcc_0000);
      }
      expect(translated(pair.translator)).toBeGreaterThan(0);
    });
  });

  describe('the bounded translation cache', () => {
    it('code generated forever keeps the cache under its limit, flushes, and computes right', () => {
      const template = new Uint32Array(
        (() => {
          const bytes = new Uint8Array(20);
          bytes.set(
            asmBytes(`
            .option norvc
            addi t1, zero, 60
          1:
            addi a0, a0, 0
            addi t1, t1, -1
            bnez t1, 1b
            ret
          `),
          );
          return bytes.buffer;
        })(),
      );
      // Bytes of WebAssembly, characters of JavaScript: either way, room for a few dozen chunks.
      const cacheLimit = hostCode === 'webassembly' ? 1500 : 6000;
      // Chunk k goes to page k % 8 of the buffer (0x80004000…), at 20 × (k / 8) in it: the
      // chunks of the 8 pages stay translated while the others are written.
      const pair = new Pair(
        `
        .option norvc
      _start:
        li s1, 0x80004000
        li s2, ${template[0]}
        li s3, ${template[1]}
        li s6, ${template[2]}
        li s7, ${template[3]}
        li s8, ${template[4]}
        li s5, 300
      gen:
        andi t0, s4, 7
        slli t0, t0, 12
        srli t1, s4, 3
        slli t2, t1, 4
        slli t1, t1, 2
        add t1, t1, t2
        add s0, s1, t0
        add s0, s0, t1
        andi t0, s4, 0x7ff
        slli t0, t0, 20
        or t0, t0, s3
        sw s2, 0(s0)
        sw t0, 4(s0)
        sw s6, 8(s0)
        sw s7, 12(s0)
        sw s8, 16(s0)
        fence.i
        jalr ra, 0(s0)
        addi s4, s4, 1
        bne s4, s5, gen
      done:
        j done
    `,
        { cacheLimit },
      );
      for (let k = 0; k < 40 && pair.interpreter.core.hart.pc !== pair.at('done'); k++) {
        pair.drive(pair.interpreter.core.hart.retired + 2500);
        expect(pair.translator.core.statistics().cacheBytes).toBeLessThanOrEqual(cacheLimit);
      }
      expect(pair.translator.core.hart.pc).toBe(pair.at('done'));
      let sum = 0;
      for (let k = 0; k < 300; k++) sum += 60 * (k & 0x7ff);
      for (const rig of pair.rigs) expect(rig.core.hart.x[10]).toBe(sum);
      const s = pair.translator.core.statistics();
      expect(s.flushes).toBeGreaterThan(0);
      expect(s.blocksTranslated).toBeGreaterThan(300);
      expect(s.cacheBytes).toBeLessThanOrEqual(cacheLimit);
      expect(pair.translator.core).toBeInstanceOf(TranslatorCore);
    });

    // A block larger than the whole cache is not cached: its code is interpreted.
    it.each([0, 64])(
      'a limit smaller than any block (%i): the cache never holds more',
      (cacheLimit) => {
        const pair = new Pair(
          `
      _start:
        li s0, 500
      loop:
        addi a0, a0, 3
        addi s0, s0, -1
        bnez s0, loop
      end:
        j end
    `,
          { cacheLimit },
        );
        pair.drive(1600, STEPS);
        for (const rig of pair.rigs) expect(rig.core.hart.x[10]).toBe(1500);
        expect(pair.translator.core.statistics().cacheBytes).toBeLessThanOrEqual(cacheLimit);
      },
    );
  });

  function asmBytes(source: string): Uint8Array {
    return asm(source).sections[0]?.bytes as Uint8Array;
  }
});
