/**
 * The differential property: random programs (test/random-program.ts) run on the interpreter
 * and the translator through random schedules of runs (budgets, deadlines, timer interrupts
 * raised between runs) stop with identical exits and identical state — pc, registers,
 * counters, CSRs, RAM, device log — at every stop, and the translator's software TLB agrees
 * with the MMU. Runs: TRAPEZE_FC_RUNS (default 100); TRAPEZE_FC_SEED replays a seed.
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodySize,
  divergence,
  type GeneratedProgram,
  type Item,
  programArbitrary,
  render,
  scheduleArbitrary,
} from '../random-program.js';
import { asm, HOST_CODES, useHostCode } from '../support.js';

const runs = fc.readConfigureGlobal().numRuns ?? 100;
let translated = 0;

describe.each(HOST_CODES)('host code %s', (hostCode) => {
  beforeAll(() => useHostCode(hostCode));
  afterAll(() => useHostCode('webassembly'));

  describe('the translator is the interpreter at every stop', () => {
    test.prop([programArbitrary(), scheduleArbitrary()], { numRuns: runs })(
      'random programs, random schedules',
      (program, schedule) => {
        const outcome = divergence(program, schedule);
        translated += outcome.translated;
        expect(outcome.difference).toBeUndefined();
      },
      // About 30 ms a program; long campaigns (TRAPEZE_FC_RUNS) get the time they need.
      Math.max(120_000, runs * 200),
    );

    it('the property above ran translated code', () => {
      expect(translated).toBeGreaterThan(runs);
    });

    it('the generator makes every kind of item, compressed instructions, and programs that assemble', () => {
      const programs = fc.sample(programArbitrary(), { numRuns: 300, seed: 7 });
      const kinds = new Set<string>();
      const visit = (items: readonly Item[]) => {
        for (const item of items) {
          kinds.add(item.k === 'trap' ? `trap ${item.which}` : item.k);
          if (item.k === 'loop') visit(item.body);
        }
      };
      let compressed = 0;
      let supervisor = 0;
      for (const program of programs.slice(0, 300)) {
        visit(program.body);
        if (program.supervisor) supervisor++;
        const text = render(program);
        compressed += (text.match(/^c\./gm) ?? []).length;
      }
      for (const kind of [
        'alu',
        'li',
        'load',
        'store',
        'branch',
        'loop',
        'amo',
        'device',
        'slot',
        'patch',
        'call',
        'counter',
        'irq',
        'wfi',
        'fence',
      ])
        expect(kinds, kind).toContain(kind);
      for (const trap of [
        'ecall',
        'ebreak',
        'c.ebreak',
        'illegal16',
        'illegal32',
        'csr',
        'load-fault',
        'store-fault',
        'amo-misaligned',
      ])
        expect(kinds, trap).toContain(`trap ${trap}`);
      expect(compressed).toBeGreaterThan(300);
      expect(supervisor).toBeGreaterThan(100);
      for (const program of programs.slice(0, 20)) {
        const image = asm(render(program));
        expect(image.entry).toBe(0x8000_0000);
        expect(bodySize(program.body)).toBeGreaterThanOrEqual(program.body.length);
      }
    });

    it('a program with one of everything runs the same on both, in M-mode and in S-mode', () => {
      const program = (supervisor: boolean): GeneratedProgram => ({
        supervisor,
        init: [1, -2, 0x7fffffff, -0x80000000],
        repeat: 30,
        body: [
          { k: 'alu', op: 'add', rd: 10, rs1: 11, rs2: 12, imm: 0 },
          { k: 'alu', op: 'addi', rd: 10, rs1: 10, rs2: 0, imm: 5 },
          { k: 'alu', op: 'divu', rd: 13, rs1: 5, rs2: 6, imm: 0 },
          { k: 'li', rd: 14, value: 0x12345678 },
          { k: 'load', op: 'lw', rd: 15, offset: 2043 },
          { k: 'store', op: 'sh', rs2: 14, offset: 2047 },
          { k: 'branch', op: 'blt', rs1: 10, rs2: 11, skip: 2 },
          {
            k: 'loop',
            count: 20,
            body: [
              { k: 'alu', op: 'xori', rd: 16, rs1: 16, rs2: 0, imm: 3 },
              { k: 'slot', id: 1 },
              { k: 'store', op: 'sw', rs2: 16, offset: 8 },
            ],
          },
          { k: 'trap', which: 'ecall' },
          { k: 'trap', which: 'illegal16' },
          { k: 'trap', which: 'load-fault' },
          { k: 'trap', which: 'amo-misaligned' },
          { k: 'amo', op: 'lr.w', rd: 17, rs2: 0, offset: 16 },
          { k: 'amo', op: 'sc.w', rd: 20, rs2: 17, offset: 16 },
          { k: 'device', which: 'load', reg: 21 },
          { k: 'device', which: 'raise', reg: 0 },
          { k: 'patch', id: 1, value: 0x00750513 },
          { k: 'patch', id: 2, value: 0x00151513 },
          { k: 'call', id: 2 },
          { k: 'counter', rd: 22, csr: 'minstret' },
          { k: 'irq', on: false },
          { k: 'device', which: 'raise', reg: 0 },
          { k: 'irq', on: true },
          { k: 'wfi' },
          { k: 'fence' },
        ],
      });
      for (const supervisor of [false, true]) {
        const outcome = divergence(program(supervisor), [
          { budget: 100, deadline: null, raise: false },
          { budget: 3, deadline: 2, raise: true },
          { budget: 2000, deadline: 1500, raise: false },
        ]);
        expect(outcome.difference).toBeUndefined();
        expect(outcome.translated).toBeGreaterThan(5);
      }
    });
  });
});
