/**
 * The core contract (core.ts), on every core: each exit kind with exact counts, the trap sink,
 * interrupt lines, statistics and invalidation.
 */
import { Exception, INTERRUPT_BIT, MIP_MTIP, STUCK_TRAPS } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import {
  CORE_EXIT_NAMES,
  CORE_KINDS,
  type Core,
  type CoreKind,
  EXIT_BREAKPOINT,
  EXIT_BUDGET,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
} from '../src/core.js';
import { boot, encoding, icount, PTE_RW, pte, RAM_BASE, stateOf, sv32 } from './support.js';

const INF = Number.POSITIVE_INFINITY;

/** A loop: a0 counts passes. `li` is one instruction, each pass two. */
const COUNT_LOOP = `
  _start:
    li a0, 0
  loop:
    addi a0, a0, 1
    j loop
`;

/** 20 additions then a jump back: one block of 21 instructions after the first `li`. */
const LONG_BLOCK = `
  _start:
    li a0, 0
  top:
    ${'addi a0, a0, 1\n'.repeat(20)}
    j top
`;

/** On the translator, expects translated code to have run (not only the interpreter). */
function expectTranslated(core: Core): void {
  if (core.kind === 'translator') expect(core.statistics().blocksTranslated).toBeGreaterThan(0);
}

/** a0 of LONG_BLOCK after `n` instructions. */
function longBlockA0(n: number): number {
  const m = n - 1;
  return m <= 0 ? 0 : Math.floor(m / 21) * 20 + Math.min(m % 21, 20);
}

describe.each(CORE_KINDS)('the core contract on the %s', (kind: CoreKind) => {
  it('has its kind', () => {
    expect(boot(kind, 'nop').core.kind).toBe(kind);
  });

  describe('budget', () => {
    it('stops with retired exactly at the limit, and again without moving', () => {
      const { core } = boot(kind, COUNT_LOOP);
      expect(core.run(1001, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.retired).toBe(1001);
      expect(core.hart.x[10]).toBe(500);
      expect(core.run(1001, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.retired).toBe(1001);
      expect(core.run(0, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.retired).toBe(1001);
      for (const step of [1, 2, 3, 5, 8, 13, 21, 34]) {
        const limit = core.hart.retired + step;
        expect(core.run(limit, INF)).toBe(EXIT_BUDGET);
        expect(core.hart.retired).toBe(limit);
      }
      expect(core.hart.x[10]).toBe(Math.floor(core.hart.retired / 2));
      expectTranslated(core);
    });

    it('is checked before the deadline when both are reached', () => {
      const { core } = boot(kind, COUNT_LOOP);
      expect(core.run(10, 10)).toBe(EXIT_BUDGET);
      expect(core.run(20, 15)).toBe(EXIT_DEADLINE);
      expect(core.hart.retired).toBe(15);
    });
  });

  describe('deadline', () => {
    it('stops with retired + countedTraps exactly at the deadline', () => {
      const { core } = boot(kind, COUNT_LOOP);
      expect(core.run(INF, 777)).toBe(EXIT_DEADLINE);
      expect(core.hart.retired).toBe(777);
      expect(core.run(INF, 777)).toBe(EXIT_DEADLINE);
      expect(core.hart.retired).toBe(777);
    });

    it('never runs a block past the deadline: exact counts for every deadline', () => {
      const { core } = boot(kind, LONG_BLOCK);
      // Warm up: the block is translated (on the translator) and run whole.
      expect(core.run(INF, 1000)).toBe(EXIT_DEADLINE);
      expect(core.hart.x[10]).toBe(longBlockA0(1000));
      let deadline = 1000;
      for (let k = 0; k < 60; k++) {
        deadline += ((k * 7) % 30) + 1;
        expect(core.run(INF, deadline)).toBe(EXIT_DEADLINE);
        expect(core.hart.retired).toBe(deadline);
        expect(core.hart.x[10]).toBe(longBlockA0(deadline));
      }
      expectTranslated(core);
    });

    it('counts the traps QEMU counts (ECALL) towards the deadline, not the budget', () => {
      const { core, at } = boot(
        kind,
        `
        _start:
          la t0, handler
          csrw mtvec, t0
          li a0, 0
        loop:
          addi a0, a0, 1
          ecall
          j loop
          .align 2
        handler:
          csrr t1, mepc
          addi t1, t1, 4
          csrw mepc, t1
          mret
      `,
      );
      expect(at('handler')).toBeGreaterThan(RAM_BASE);
      for (const deadline of [5, 6, 7, 20, 101, 333, 1000, 1001, 1002, 1003, 1004, 2000]) {
        expect(core.run(INF, deadline)).toBe(EXIT_DEADLINE);
        expect(icount(core)).toBe(deadline);
        const passes = core.hart.x[10] as number;
        expect(passes - core.hart.countedTraps).toBeGreaterThanOrEqual(0);
        expect(passes - core.hart.countedTraps).toBeLessThanOrEqual(1);
      }
      const retired = core.hart.retired;
      expect(core.run(retired + 50, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.retired).toBe(retired + 50);
      expectTranslated(core);
    });
  });

  describe('idle', () => {
    const WFI = `
      _start:
        li t0, 0x80
        csrw mie, t0
      first:
        wfi
        li a0, 42
        wfi
        li a1, 7
      end:
        j end
    `;

    it('stops at WFI with nothing pending, retiring the WFI, and stays idle', () => {
      const { core, at } = boot(kind, WFI);
      expect(core.run(INF, INF)).toBe(EXIT_IDLE);
      expect(core.hart.waiting).toBe(true);
      expect(core.hart.retired).toBe(3);
      expect(core.hart.pc).toBe(at('first') + 4);
      expect(core.run(INF, INF)).toBe(EXIT_IDLE);
      expect(core.hart.retired).toBe(3);
    });

    it('wakes when an enabled interrupt is pending, even while masked globally', () => {
      const { core, at } = boot(kind, WFI);
      expect(core.run(INF, INF)).toBe(EXIT_IDLE);
      core.setInterruptLine(MIP_MTIP, true);
      expect(core.run(100, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.waiting).toBe(false);
      expect(core.hart.traps).toBe(0);
      expect(core.hart.x[10]).toBe(42);
      expect(core.hart.x[11]).toBe(7);
      expect(core.hart.pc).toBe(at('end'));
    });

    it('a budget or deadline already reached wins over the wait', () => {
      const { core } = boot(kind, WFI);
      expect(core.run(3, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.waiting).toBe(true);
      expect(core.run(3, INF)).toBe(EXIT_BUDGET);
      expect(core.run(INF, 3)).toBe(EXIT_DEADLINE);
      expect(core.run(INF, INF)).toBe(EXIT_IDLE);
    });
  });

  describe('breakpoints', () => {
    const LOOP3 = `
      _start:
        li a0, 0
      loop:
        addi a0, a0, 1
        addi a1, a1, 2
      mid:
        addi a2, a2, 3
        j loop
    `;

    it('stops before the instruction, stays there, and resumes past it once', () => {
      const { core, at } = boot(kind, LOOP3);
      // Translate the loop first: a breakpoint in the middle of a translated block.
      expect(core.run(401, INF)).toBe(EXIT_BUDGET);
      core.breakpoints.add(at('mid'));
      expect(core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      expect(core.hart.pc).toBe(at('mid'));
      expect(core.hart.retired).toBe(403);
      expect(core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      expect(core.hart.retired).toBe(403);
      const a2 = core.hart.x[12] as number;
      core.resumeFromBreakpoint();
      expect(core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      expect(core.hart.pc).toBe(at('mid'));
      expect(core.hart.retired).toBe(407);
      expect(core.hart.x[12]).toBe(a2 + 3);
      core.breakpoints.delete(at('mid'));
      expect(core.run(1000, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.retired).toBe(1000);
      expect(core.hart.x[10]).toBe(Math.floor((1000 + 2) / 4));
      expectTranslated(core);
    });

    it('a breakpoint at the start pc stops before anything runs', () => {
      const { core } = boot(kind, LOOP3);
      core.breakpoints.add(RAM_BASE);
      expect(core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      expect(core.hart.retired).toBe(0);
      expect(core.run(0, INF)).toBe(EXIT_BUDGET);
    });
  });

  describe('device', () => {
    const DEVICE = `
      _start:
        lui t0, 0x10000
        li a1, 5
        li a2, 6
        lw a0, 0(t0)
      after_load:
        li a3, 7
        sw a1, 4(t0)
      after_store:
        li a4, 8
        lbu a5, 0(t0)
      after_byte:
        addi a6, a5, 1
        j _start
    `;

    it('stops right after each access that reached a device; the device saw exact time', () => {
      const { core, at, probe } = boot(kind, DEVICE);
      for (let pass = 0; pass < 40; pass++) {
        const t = pass * 10;
        expect(core.run(INF, INF)).toBe(EXIT_DEVICE);
        expect([core.hart.pc, core.hart.retired, core.hart.x[10]]).toEqual([
          at('after_load'),
          t + 4,
          t + 3,
        ]);
        expect(core.run(INF, INF)).toBe(EXIT_DEVICE);
        expect([core.hart.pc, core.hart.retired]).toEqual([at('after_store'), t + 6]);
        expect(core.run(INF, INF)).toBe(EXIT_DEVICE);
        expect([core.hart.pc, core.hart.retired, core.hart.x[15]]).toEqual([
          at('after_byte'),
          t + 8,
          (t + 7) & 0xff,
        ]);
        expect(core.hart.x[13]).toBe(7);
      }
      expect(probe.log.slice(0, 3)).toEqual(['r4@0 t=3', 'w4@4=5 t=5', 'r1@0 t=7']);
      expect(probe.log).toHaveLength(120);
      expect(probe.log[119]).toBe(`r1@0 t=${39 * 10 + 7}`);
      expectTranslated(core);
    });

    it('the budget is checked before the access: no device exit past the limit', () => {
      const { core, probe } = boot(kind, DEVICE);
      expect(core.run(3, INF)).toBe(EXIT_BUDGET);
      expect(probe.log).toEqual([]);
      expect(core.run(4, INF)).toBe(EXIT_DEVICE);
      expect(probe.log).toEqual(['r4@0 t=3']);
    });
  });

  describe('stuck', () => {
    it('stops stuck when the trap vector page-faults (S-mode, Sv32, delegated)', () => {
      const { core } = boot(
        kind,
        `
          li t0, -1
          csrw pmpaddr0, t0
          li t0, 0x1f
          csrw pmpcfg0, t0
          li t0, 0x1000
          csrw medeleg, t0
          li t0, 0x40000000
          csrw stvec, t0
          li t0, 0x80080010
          csrw satp, t0
          li t0, 0x1800
          csrc mstatus, t0
          li t0, 0x800
          csrs mstatus, t0
          li t0, 0x40000000
          csrw mepc, t0
          mret
        `,
      );
      expect(core.run(INF, INF)).toBe(EXIT_STUCK);
      expect(core.hart.retired).toBe(20);
      expect(core.hart.traps).toBe(STUCK_TRAPS);
      expect(core.hart.trapStreak).toBe(STUCK_TRAPS);
      expect(core.hart.countedTraps).toBe(0);
      expect(core.hart.privilege).toBe(1);
      expect(core.hart.csr.scause).toBe(Exception.InstructionPageFault);
      expect(core.hart.pc).toBe(0x4000_0000);
      // Stuck stays stuck.
      expect(core.run(INF, INF)).toBe(EXIT_STUCK);
      expect(core.hart.retired).toBe(20);
    });

    it('stops stuck when the trap vector is unmapped (after device exits for the fetches)', () => {
      const { core } = boot(
        kind,
        `
          li t0, 0x20000000
          csrw mtvec, t0
          ecall
        `,
      );
      let exit = core.run(INF, INF);
      let runs = 1;
      while (exit === EXIT_DEVICE && runs < 2 * STUCK_TRAPS) {
        exit = core.run(INF, INF);
        runs++;
      }
      expect(CORE_EXIT_NAMES[exit]).toBe('stuck');
      expect(core.hart.retired).toBe(2);
      expect(core.hart.traps).toBe(STUCK_TRAPS);
      expect(core.hart.countedTraps).toBe(1);
      expect(core.hart.csr.mcause).toBe(Exception.InstructionAccessFault);
      expect(core.hart.pc).toBe(0x2000_0000);
    });
  });

  describe('trap sink', () => {
    const TRAPS: readonly {
      name: string;
      text: string;
      cause: number;
      tval: number;
      counted: boolean;
    }[] = [
      { name: 'ECALL', text: 'ecall', cause: 11, tval: 0, counted: true },
      { name: 'EBREAK', text: 'ebreak', cause: 3, tval: 0, counted: true },
      {
        name: 'an undecodable word',
        text: '.word 0x0000000b',
        cause: 2,
        tval: 0xb,
        counted: true,
      },
      {
        name: 'an access to a CSR that does not exist',
        text: 'csrr a2, 0x7c0',
        cause: 2,
        tval: encoding('csrr a2, 0x7c0'),
        counted: false,
      },
    ];

    const program = (text: string) => `
      _start:
        la t0, handler
        csrw mtvec, t0
        li s0, 0x80008000
        lr.w a5, (s0)
        li a0, 1
        li a1, 2
        add a3, a0, a1
      at:
        ${text}
      after:
        addi a0, a0, 10
      end:
        j end
        .align 2
      handler:
        csrr s1, mcause
        csrr s2, mepc
        csrr s3, mtval
        la t0, after
        csrw mepc, t0
        mret
    `;

    /** The state just before the trapping instruction (breakpoint on a core without a sink). */
    function before(text: string) {
      const reference = boot(kind, program(text));
      reference.core.breakpoints.add(reference.at('at'));
      expect(reference.core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      return reference;
    }

    /** The state just after the trap is taken (breakpoint on the handler, no sink). */
    function taken(text: string) {
      const reference = boot(kind, program(text));
      reference.core.breakpoints.add(reference.at('handler'));
      expect(reference.core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      return reference;
    }

    describe.each(TRAPS)('$name', ({ text, cause, tval, counted }) => {
      it('is intercepted with nothing changed: pc, registers, CSRs, counters, reservation, RAM', () => {
        const expected = before(text);
        const rig = boot(kind, program(text));
        rig.core.setTrapSink({ exceptions: 1 << cause, interrupts: 0 });
        expect(CORE_EXIT_NAMES[rig.core.run(INF, INF)]).toBe('trap');
        expect(rig.core.hart.pendingCause).toBe(cause);
        expect(rig.core.hart.pendingTval).toBe(tval);
        expect(rig.core.hart.pendingCounted).toBe(counted);
        expect(rig.core.hart.reservation).toBe(0x8000_8000);
        expect({ ...stateOf(rig), pendingCause: -1, pendingTval: 0 }).toEqual(stateOf(expected));
        expect(rig.ram.u8).toEqual(expected.ram.u8);
      });

      it('completeTrap retires it (counted once, as an instruction) and goes on', () => {
        const rig = boot(kind, program(text));
        rig.core.setTrapSink({ exceptions: 1 << cause, interrupts: 0 });
        expect(rig.core.run(INF, INF)).toBe(EXIT_TRAP);
        const retired = rig.core.hart.retired;
        rig.core.completeTrap(rig.at('after'));
        expect(rig.core.hart.pendingCause).toBe(-1);
        expect(rig.core.hart.retired).toBe(retired + 1);
        expect(rig.core.hart.countedTraps).toBe(0);
        expect(rig.core.hart.traps).toBe(0);
        expect(rig.core.hart.pc).toBe(rig.at('after'));
        expect(rig.core.hart.reservation).toBe(0x8000_8000);
        // A second completeTrap with nothing pending does nothing.
        rig.core.completeTrap(0);
        expect(rig.core.hart.pc).toBe(rig.at('after'));
        expect(rig.core.run(retired + 10, INF)).toBe(EXIT_BUDGET);
        expect(rig.core.hart.x[10]).toBe(11);
        expect(rig.core.hart.pc).toBe(rig.at('end'));
      });

      it('deliverTrap takes it exactly as without a sink (and counts it once)', () => {
        const expected = taken(text);
        const rig = boot(kind, program(text));
        rig.core.setTrapSink({ exceptions: 1 << cause, interrupts: 0 });
        expect(rig.core.run(INF, INF)).toBe(EXIT_TRAP);
        rig.core.deliverTrap();
        expect(stateOf(rig)).toEqual(stateOf(expected));
        expect(rig.core.hart.countedTraps).toBe(counted ? 1 : 0);
        expect(rig.core.hart.reservation).toBe(-1);
        expect(rig.core.hart.csr.mcause).toBe(cause);
        expect(rig.core.hart.csr.mepc).toBe(rig.at('at'));
        // Both go on identically (the sink still intercepts: this cause never recurs).
        expected.core.breakpoints.clear();
        expect(rig.core.run(200, INF)).toBe(EXIT_BUDGET);
        expect(expected.core.run(200, INF)).toBe(EXIT_BUDGET);
        expect(stateOf(rig)).toEqual(stateOf(expected));
        expect(rig.core.hart.x[9]).toBe(cause);
      });

      it('a sink that does not name the cause lets it through', () => {
        const expected = taken(text);
        const rig = boot(kind, program(text));
        rig.core.setTrapSink({ exceptions: ~(1 << cause) >>> 0, interrupts: 0xffff_ffff });
        rig.core.breakpoints.add(rig.at('handler'));
        expect(rig.core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
        expect(stateOf(rig)).toEqual(stateOf(expected));
      });
    });

    it('an intercepted load fault in the middle of a block leaves the block’s earlier work done', () => {
      const source = `
        _start:
          li a0, 1
          li a1, 2
        again:
          addi a0, a0, 3
          addi a1, a1, 4
        at:
          lw a2, 16(zero)
          addi a3, a0, 5
          j again
      `;
      const rig = boot(kind, source);
      rig.core.setTrapSink({ exceptions: 1 << Exception.LoadAccessFault, interrupts: 0 });
      for (let pass = 1; pass <= 3; pass++) {
        expect(rig.core.run(INF, INF)).toBe(EXIT_TRAP);
        expect(rig.core.hart.pc).toBe(rig.at('at'));
        expect(rig.core.hart.pendingTval).toBe(16);
        expect(rig.core.hart.retired).toBe(5 * pass - 1);
        expect([rig.core.hart.x[10], rig.core.hart.x[11]]).toEqual([1 + 3 * pass, 2 + 4 * pass]);
        rig.core.completeTrap(rig.at('at') + 4);
      }
    });

    it('intercepts an interrupt before it is taken; deliverTrap takes it', () => {
      const source = `
        _start:
          la t0, handler
          csrw mtvec, t0
          li t0, 0x80
          csrw mie, t0
          csrsi mstatus, 8
        loop:
          addi a0, a0, 1
          j loop
          .align 2
        handler:
          j handler
      `;
      const rig = boot(kind, source);
      rig.core.setTrapSink({ exceptions: 0, interrupts: 1 << 7 });
      expect(rig.core.run(30, INF)).toBe(EXIT_BUDGET);
      const state = stateOf(rig);
      rig.core.setInterruptLine(MIP_MTIP, true);
      expect(rig.core.run(INF, INF)).toBe(EXIT_TRAP);
      expect(rig.core.hart.pendingCause).toBe((INTERRUPT_BIT | 7) >>> 0);
      expect({ ...stateOf(rig), pendingCause: -1, pendingTval: 0 }).toEqual({
        ...state,
        csr: { ...state.csr, mipLines: MIP_MTIP },
      });
      rig.core.deliverTrap();
      expect(rig.core.hart.pc).toBe(rig.at('handler'));
      expect(rig.core.hart.csr.mcause).toBe((INTERRUPT_BIT | 7) >>> 0);
      expect(rig.core.hart.csr.mepc).toBe(state.pc);
      expect(rig.core.hart.countedTraps).toBe(0);
      rig.core.deliverTrap(); // nothing pending: nothing happens
      expect(rig.core.hart.traps).toBe(1);
    });

    it('a sink of zeros intercepts nothing', () => {
      const rig = boot(kind, program('ecall'));
      rig.core.setTrapSink({ exceptions: 1 << 11, interrupts: 0 });
      rig.core.setTrapSink({ exceptions: 0, interrupts: 0 });
      rig.core.breakpoints.add(rig.at('handler'));
      expect(rig.core.run(INF, INF)).toBe(EXIT_BREAKPOINT);
      expect(rig.core.hart.csr.mcause).toBe(11);
    });
  });

  describe('interrupt lines', () => {
    it('drive mip bits', () => {
      const { core } = boot(kind, 'nop');
      core.setInterruptLine(MIP_MTIP, true);
      expect(core.hart.csr.mip & MIP_MTIP).toBe(MIP_MTIP);
      core.setInterruptLine(1 << 11, true);
      expect(core.hart.csr.mip).toBe(MIP_MTIP | (1 << 11));
      core.setInterruptLine(MIP_MTIP, false);
      expect(core.hart.csr.mip).toBe(1 << 11);
    });

    const IRQ = `
      _start:
        la t0, handler
        csrw mtvec, t0
        li t0, 0x80
        csrw mie, t0
        csrsi mstatus, 8
      loop:
        addi a0, a0, 1
        addi a1, a1, 3
        bnez a0, loop
        .align 2
      handler:
        csrr s1, mepc
        csrr s2, mcause
      spin:
        j spin
    `;

    it('an enabled interrupt is taken at the first instruction boundary after it rises', () => {
      for (const n of [6, 7, 8, 9, 20, 101, 102, 103, 1000, 1001, 1002]) {
        const { core, at } = boot(kind, IRQ);
        expect(core.run(n, INF)).toBe(EXIT_BUDGET);
        const pc = core.hart.pc;
        const a0 = core.hart.x[10];
        core.setInterruptLine(MIP_MTIP, true);
        expect(core.run(n + 1, INF)).toBe(EXIT_BUDGET);
        expect(core.hart.csr.mepc).toBe(pc);
        expect(core.hart.csr.mcause).toBe((INTERRUPT_BIT | 7) >>> 0);
        expect(core.hart.pc).toBe(at('handler') + 4);
        expect(core.hart.x[10]).toBe(a0);
        expect(core.hart.traps).toBe(1);
        if (n >= 1000) expectTranslated(core);
      }
    });

    it('a disabled interrupt is not taken; enabling it in mie takes it at once', () => {
      const { core, at } = boot(
        kind,
        `
        _start:
          la t0, handler
          csrw mtvec, t0
          csrsi mstatus, 8
          li t0, 0x80
          li a0, 0
        loop:
          addi a0, a0, 1
          li t1, 50
          bne a0, t1, loop
          csrw mie, t0
        after:
          li a1, 1
          .align 2
        handler:
          csrr s1, mepc
        spin:
          j spin
      `,
      );
      core.setInterruptLine(MIP_MTIP, true);
      expect(core.run(500, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.traps).toBe(1);
      expect(core.hart.x[11]).toBe(0);
      expect(core.hart.x[10]).toBe(50);
      expect((core.hart.x[9] as number) >>> 0).toBe(core.hart.csr.mepc);
      expect(core.hart.csr.mepc).toBe(at('after'));
    });
  });

  describe('invalidate and statistics', () => {
    it('invalidate makes code written through the RAM views run', () => {
      const { core, ram } = boot(
        kind,
        `
        _start:
          li a0, 0
        loop:
          addi a0, a0, 1
          j loop
      `,
      );
      expect(core.run(101, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.x[10]).toBe(50);
      // addi a0, a0, 1 (c.addi, 2 bytes) → c.addi a0, 4, behind the core's back.
      ram.u16[1] = 0x0511;
      core.invalidate();
      expect(core.run(201, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.x[10]).toBe(250);
      expectTranslated(core);
    });

    it('invalidate makes a mapping the host changed take effect (Sv32)', () => {
      const { core, ram } = boot(
        kind,
        sv32(
          `
          li t0, 0x50000000
        loop:
          lw a0, 0(t0)
          add a1, a1, a0
          j loop
        `,
          'ret',
          'ret',
          '.word 1',
        ),
      );
      ram.loadBytes(0x8001_6000, new Uint8Array([2, 0, 0, 0]));
      expect(core.run(3000, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.privilege).toBe(1);
      expect(core.hart.x[10]).toBe(1);
      // Virtual 0x50000000 now maps to page Y (holding 2), behind the core's back.
      const entry = new Uint32Array([pte(0x8001_6000, PTE_RW)]);
      ram.loadBytes(0x8001_5000, new Uint8Array(entry.buffer));
      core.invalidate();
      const a1 = core.hart.x[11] as number;
      expect(core.run(6000, INF)).toBe(EXIT_BUDGET);
      expect(core.hart.x[10]).toBe(2);
      // 1000 passes of 3 instructions, each adding 2 (the first maybe still 1, if it had loaded).
      expect((core.hart.x[11] as number) - a1).toBeGreaterThanOrEqual(1999);
      expectTranslated(core);
    });

    it('statistics count what the core did', () => {
      const { core } = boot(kind, COUNT_LOOP);
      expect(core.run(20_001, INF)).toBe(EXIT_BUDGET);
      const s = core.statistics();
      if (kind === 'interpreter') {
        expect(s).toMatchObject({
          blocksTranslated: 0,
          blocksCached: 0,
          cacheBytes: 0,
          invalidations: 0,
          flushes: 0,
          interpreted: 20_001,
        });
      } else {
        expect(s.blocksTranslated).toBeGreaterThanOrEqual(1);
        expect(s.blocksCached).toBeLessThanOrEqual(s.blocksTranslated);
        expect(s.blocksCached).toBeGreaterThan(0);
        expect(s.cacheBytes).toBeGreaterThan(0);
        // Cold code, and WebAssembly blocks waiting for their batch, run on the interpreter.
        expect(s.interpreted).toBeLessThan(2_000);
        expect(s.flushes).toBe(0);
      }
    });
  });
});
