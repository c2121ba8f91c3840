import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { div, divu, mulh, mulhsu, mulhu, rem, remu } from '../../src/hart/arithmetic.js';
import { INTERRUPT_BIT } from '../../src/hart/causes.js';
import { MIP_MTIP, MIP_SEIP } from '../../src/hart/csr-file.js';
import { BASE, hartWith, runTo } from './support.js';

describe('Hart', () => {
  it('keeps the PLIC line out of the read-modify-write of mip (CSRRC while SEIP is high)', () => {
    const { hart } = hartWith(`
      li t0, 0x20
      csrc mip, t0               # clear STIP while the SEIP line is high
      csrr a0, mip
      csrs mip, t0               # set STIP while the line is still high
    `);
    hart.csr.setLine(MIP_SEIP, true);
    for (let k = 0; k < 3; k++) hart.step();
    expect(hart.x[10]).toBe(MIP_SEIP); // reads show the line
    hart.step();
    hart.csr.setLine(MIP_SEIP, false);
    expect(hart.csr.mip).toBe(0x20); // STIP only: SEIP was never latched in software
  });

  it('runs integer code: loops, calls, loads, stores, multiply and divide', () => {
    const { hart, symbol } = hartWith(`
      _start:
        li a0, 0
        li a1, 10
      1: add a0, a0, a1
        addi a1, a1, -1
        bnez a1, 1b          # a0 = 55
        la t0, buffer
        sw a0, 0(t0)
        lbu t1, 0(t0)
        sh a0, 6(t0)
        lh t2, 6(t0)
        li a2, -7
        li a3, 2
        div a4, a2, a3       # -3
        rem a5, a2, a3       # -1
        mulh a6, a2, a2      # 0
        call square
      done: j done
      square:
        mul a7, a0, a0
        ret
        .data
      buffer: .zero 16
    `);
    runTo(hart, symbol('done'));
    expect([hart.get(10), hart.get(6), hart.get(7)]).toEqual([55, 55, 55]);
    expect([hart.get(14), hart.get(15), hart.get(16), hart.get(17)]).toEqual([-3, -1, 0, 3025]);
    expect(hart.get(0)).toBe(0);
  });

  it('traps an illegal instruction to M-mode with mcause, mepc and mtval', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
      bad: .word 0xffffffff
      handler: j handler
    `);
    runTo(hart, symbol('handler'));
    expect(hart.csr.mcause).toBe(2);
    expect(hart.csr.mepc).toBe(symbol('bad'));
    expect(hart.csr.mtval).toBe(0xffffffff);
    expect(hart.privilege).toBe(3);
  });

  it('delegates an ECALL from U-mode to S-mode, and SRET returns to U', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, shandler
        csrw stvec, t0
        li t0, 1 << 8          # delegate ECALL from U
        csrw medeleg, t0
        la t0, user
        csrw mepc, t0
        li t0, 0x1800
        csrc mstatus, t0       # MPP = U
        mret
      user:
        ecall
      back: j back
      shandler:
        csrr t1, sepc
        addi t1, t1, 4
        csrw sepc, t1
        sret
    `);
    runTo(hart, symbol('shandler'));
    expect([hart.privilege, hart.csr.scause, hart.csr.sepc]).toEqual([1, 8, symbol('user')]);
    expect(hart.csr.mstatus & 0x100).toBe(0); // SPP = U
    runTo(hart, symbol('back'));
    expect(hart.privilege).toBe(0);
  });

  it('makes privileged instructions and CSRs illegal in U-mode', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        la t0, user
        csrw mepc, t0
        li t0, 0x1800
        csrc mstatus, t0
        mret
      user:
        csrr a0, mstatus
        .align 2                # mtvec needs a 4-byte aligned handler
      handler: j handler
    `);
    runTo(hart, symbol('handler'));
    expect([hart.csr.mcause, hart.csr.mepc, (hart.csr.mstatus >>> 11) & 3]).toEqual([
      2,
      symbol('user'),
      0,
    ]);
  });

  it('takes a timer interrupt through a vectored mtvec, and WFI waits for it', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, vectors
        ori t0, t0, 1
        csrw mtvec, t0
        li t0, 0x80
        csrs mie, t0
        csrsi mstatus, 8
      idle: wfi
      after: j after
        .align 6
      vectors: j vectors
    `);
    runTo(hart, symbol('after'));
    // WFI retired and the hart waits: no interrupt pending yet.
    expect(hart.waiting).toBe(true);
    expect(hart.step()).toBe(false);
    hart.csr.setLine(MIP_MTIP, true);
    expect(hart.step()).toBe(true);
    expect(hart.pc).toBe(symbol('vectors') + 4 * 7);
    expect(hart.csr.mcause).toBe((INTERRUPT_BIT | 7) >>> 0);
    expect(hart.csr.mepc).toBe(symbol('after'));
    expect(hart.csr.mstatus & 0x88).toBe(0x80); // MIE cleared, MPIE set
  });

  it('keeps an LR reservation until SC, and loses it across a trap', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        la a0, word
        li a1, 5
        lr.w t1, (a0)
        sc.w t2, a1, (a0)      # succeeds: t2 = 0
        sc.w t3, a1, (a0)      # no reservation: t3 = 1
        lr.w t4, (a0)
        ecall                  # trap clears the reservation
        .align 2
      handler:
        csrr s0, mepc
        addi s0, s0, 4
        csrw mepc, s0
        la s1, resume
        csrw mepc, s1
        mret
      resume:
        sc.w t5, a1, (a0)      # fails: t5 = 1
        amoadd.w t6, a1, (a0)  # t6 = 5, word = 10
        lw s2, 0(a0)
      done: j done
        .data
      word: .word 0
    `);
    runTo(hart, symbol('done'));
    expect([hart.get(7), hart.get(28), hart.get(30), hart.get(31), hart.get(18)]).toEqual([
      0, 1, 1, 5, 10,
    ]);
  });

  it('keeps the reservation when an intercepted SC faults, so that the SC can be retried', () => {
    // A hypervisor that fills a shadow page on the SC's store fault and resumes must find the
    // reservation still there (taking the trap would have cleared it anyway).
    const { hart, memory, symbol } = hartWith(`
      _start:
        la a0, word
        li a1, 5
        lr.w t1, (a0)
      sc:
        sc.w t2, a1, (a0)
        lw t3, 0(a0)
      done: j done
        .data
      word: .word 3
    `);
    runTo(hart, symbol('sc'));
    const read = memory.read.bind(memory);
    let faults = 1;
    memory.read = (address, size, kind) => {
      if (kind === 2 && faults-- > 0) {
        memory.fault = 15;
        return 0;
      }
      return read(address, size, kind);
    };
    hart.interceptExceptions = 1 << 15;
    hart.step();
    expect(hart.pendingCause).toBe(15);
    expect(hart.pc).toBe(symbol('sc'));
    expect(hart.reservation).toBe(symbol('word'));
    hart.pendingCause = -1;
    runTo(hart, symbol('done'));
    expect([hart.get(7), hart.get(28)]).toEqual([0, 5]);
    expect(hart.reservation).toBe(-1);
  });

  it('makes SC a compare-and-swap with the word LR read, as QEMU does', () => {
    // The spec leaves a same-hart store between LR and SC to the implementation; QEMU's SC
    // fails when the word changed (whoever changed it) and succeeds when it holds the value
    // LR read.
    const { hart, symbol } = hartWith(`
      _start:
        la a0, word
        li a1, 7
        lr.w t1, (a0)          # reads 3
        amoswap.w t2, zero, (a0) # the word is now 0
        sc.w s2, a1, (a0)      # fails: s2 = 1, the word stays 0
        lw s3, 0(a0)
        lr.w t1, (a0)          # reads 0
        li t3, 9
        sw t3, 0(a0)
        sw zero, 0(a0)         # changed and changed back
        sc.w s4, a1, (a0)      # succeeds: s4 = 0, the word is 7
        lw s5, 0(a0)
      done: j done
        .data
      word: .word 3
    `);
    runTo(hart, symbol('done'));
    expect([hart.get(18), hart.get(19), hart.get(20), hart.get(21)]).toEqual([1, 0, 0, 7]);
  });

  it('raises address-misaligned for LR/SC/AMOs but not for plain loads and stores', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        la a0, word
        lw t1, 1(a0)           # no trap: reads bytes 1..4
        addi a1, a0, 1
        amoadd.w t2, t1, (a1)  # store/AMO address misaligned
        .align 2
      handler: j handler
        .data
      word: .word 0x44332211, 0x88776655
    `);
    runTo(hart, symbol('handler'));
    expect(hart.get(6) >>> 0).toBe(0x55443322);
    expect([hart.csr.mcause, hart.csr.mtval]).toEqual([6, symbol('word') + 1]);
  });

  prop.prop(
    [
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    ],
    { numRuns: 30 },
  )('performs every AMO as the specification defines it', (memoryValue, operand) => {
    const ops: [string, (a: number, b: number) => number][] = [
      ['amoswap.w', (_a, b) => b],
      ['amoadd.w', (a, b) => (a + b) | 0],
      ['amoxor.w', (a, b) => a ^ b],
      ['amoand.w', (a, b) => a & b],
      ['amoor.w', (a, b) => a | b],
      // biome-ignore lint/complexity/useMathMinMax: a reference written from the spec, not from the implementation
      ['amomin.w', (a, b) => (a < b ? a : b)],
      // biome-ignore lint/complexity/useMathMinMax: as above
      ['amomax.w', (a, b) => (a > b ? a : b)],
      ['amominu.w', (a, b) => (a >>> 0 < b >>> 0 ? a : b)],
      ['amomaxu.w', (a, b) => (a >>> 0 > b >>> 0 ? a : b)],
    ];
    for (const [name, reference] of ops) {
      const { hart, symbol } = hartWith(`
          _start:
            la a0, word
            li a1, ${operand}
            ${name}.aqrl a2, a1, (a0)
            lw a3, 0(a0)
          done: j done
            .data
          word: .word ${memoryValue}
        `);
      runTo(hart, symbol('done'));
      expect([hart.get(12), hart.get(13)], name).toEqual([
        memoryValue,
        reference(memoryValue, operand),
      ]);
    }
  });

  it('traps a fetch outside memory with an instruction access fault', () => {
    const { hart, symbol } = hartWith(`
      _start:
        la t0, handler
        csrw mtvec, t0
        li t0, 0x1000
        jr t0
      handler: j handler
    `);
    runTo(hart, symbol('handler'));
    expect([hart.csr.mcause, hart.csr.mtval, hart.csr.mepc]).toEqual([1, 0x1000, 0x1000]);
    expect(BASE).toBe(0x80000000);
  });

  prop.prop([
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  ])('computes RV32M exactly (checked against BigInt)', (a, b) => {
    const s = (v: bigint) => Number(BigInt.asIntN(32, v));
    const A = BigInt(a);
    const B = BigInt(b);
    const UA = BigInt(a >>> 0);
    const UB = BigInt(b >>> 0);
    expect(mulh(a, b)).toBe(s((A * B) >> 32n));
    expect(mulhu(a >>> 0, b >>> 0)).toBe(s((UA * UB) >> 32n));
    expect(mulhsu(a, b)).toBe(s((A * UB) >> 32n));
    if (b !== 0) {
      const q = a === -(2 ** 31) && b === -1 ? A : A / B;
      expect(div(a, b)).toBe(s(q));
      expect(rem(a, b)).toBe(a === -(2 ** 31) && b === -1 ? 0 : s(A % B));
      expect(divu(a, b)).toBe(s(UA / UB));
      expect(remu(a, b)).toBe(s(UA % UB));
    } else {
      expect([div(a, 0), divu(a, 0), rem(a, 0), remu(a, 0)]).toEqual([-1, -1, a, a]);
    }
  });
});
