/**
 * Call policies (translator/call-policy.ts): the instructions a policy names are calls of it in
 * translated blocks and in code not yet translated alike; each of its answers — go on, run on
 * the hart, end the run — leaves the hart exactly where a core without a policy would be; and
 * `callAt` turns any instruction into a call (adaptive translation).
 */
import { type DecodedInstruction, execute, type Hart } from '@trapeze/isa';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BUDGET, EXIT_CALL } from '../../src/core.js';
import {
  CALL_DONE,
  CALL_EXIT,
  CALL_HART,
  CALL_TRAP,
  type CallPolicy,
  type CallResult,
} from '../../src/translator/call-policy.js';
import { TranslatorCore } from '../../src/translator/translator-core.js';
import { boot, HOST_CODES, useHostCode } from '../support.js';

const INF = Number.POSITIVE_INFINITY;

/** A loop of 500 passes: a CSR read and write, a load, arithmetic. */
const LOOP = `
  _start:
    la s0, data
    li s1, 500
    li a0, 0
  loop:
    csrr a1, mscratch
    addi a1, a1, 3
    csrw mscratch, a1
  load:
    lw a2, 0(s0)
    add a0, a0, a2
    addi s1, s1, -1
    bnez s1, loop
  done:
    j done
    .balign 4
  data:
    .word 7
`;

/** A policy whose calls run the instruction on the hart and answer `answer`. */
class Recorder implements CallPolicy {
  readonly names: string[] = [];
  hart: Hart | undefined;
  constructor(private readonly answer: (d: DecodedInstruction) => CallResult) {}
  calls(d: DecodedInstruction): boolean {
    return d.spec.hasCsr;
  }
  call(d: DecodedInstruction): CallResult {
    const hart = this.hart as Hart;
    this.names.push(d.spec.name);
    const result = this.answer(d);
    if (result === CALL_HART) return result;
    const done = execute(hart, d);
    if (result === CALL_DONE) return done ? CALL_DONE : CALL_EXIT;
    if (done) {
      hart.pc = hart.nextPc;
      hart.retired++;
    }
    return CALL_EXIT;
  }
}

function withPolicy(policy: Recorder) {
  const rig = boot('translator', LOOP, {
    make: (options) => new TranslatorCore({ ...options, calls: policy }),
  });
  policy.hart = rig.core.hart;
  return rig;
}

/** The state a core without a policy reaches after `n` instructions. */
function plainAfter(n: number) {
  const { core } = boot('translator', LOOP);
  core.run(n, INF);
  return { x: [...core.hart.x], pc: core.hart.pc, retired: core.hart.retired };
}

describe.each(HOST_CODES)('call policies (%s)', (hostCode) => {
  beforeAll(() => useHostCode(hostCode));

  it('CALL_DONE: every CSR access is a call, in cold and translated code, and the run is the same', () => {
    const policy = new Recorder(() => CALL_DONE);
    const { core } = withPolicy(policy);
    expect(core.run(3000, INF)).toBe(EXIT_BUDGET);
    const n = core.hart.retired;
    expect(n).toBe(3000);
    expect({ x: [...core.hart.x], pc: core.hart.pc, retired: n }).toEqual(plainAfter(n));
    // Two CSR accesses per pass, every pass reached so far: both as calls.
    const passes = Math.floor((n - 3) / 7);
    expect(policy.names.length).toBeGreaterThanOrEqual(2 * passes);
    expect(policy.names.length).toBeLessThanOrEqual(2 * passes + 2);
    expect(core.statistics().blocksTranslated).toBeGreaterThan(0);
  });

  it('CALL_EXIT: the run ends after the call with EXIT_CALL, and goes on from there', () => {
    const policy = new Recorder((d) => (d.spec.name === 'csrrw' ? CALL_EXIT : CALL_DONE));
    const { core } = withPolicy(policy);
    let exits = 0;
    for (;;) {
      const exit = core.run(3000, INF);
      if (exit === EXIT_BUDGET) break;
      expect(exit).toBe(EXIT_CALL);
      expect(policy.names.at(-1)).toBe('csrrw');
      exits++;
    }
    const n = core.hart.retired;
    expect(n).toBe(3000);
    expect({ x: [...core.hart.x], pc: core.hart.pc, retired: n }).toEqual(plainAfter(n));
    expect(exits).toBe(policy.names.filter((name) => name === 'csrrw').length);
    expect(exits).toBeGreaterThan(400);
  });

  it('CALL_HART: the hart runs the instruction, as without a policy', () => {
    const policy = new Recorder(() => CALL_HART);
    const { core } = withPolicy(policy);
    expect(core.run(2500, INF)).toBe(EXIT_BUDGET);
    expect({ x: [...core.hart.x], pc: core.hart.pc, retired: 2500 }).toEqual(plainAfter(2500));
    expect(policy.names.length).toBeGreaterThan(600);
  });

  it('callAt: a load becomes a call, its blocks retranslated; once per address', () => {
    const policy = new Recorder(() => CALL_DONE);
    const { core: made, at } = withPolicy(policy);
    const core = made as TranslatorCore;
    core.run(1000, INF);
    const before = core.statistics();
    expect(before.retranslations).toBe(0);
    expect(core.callAt(at('load'))).toBe(true);
    expect(core.callAt(at('load'))).toBe(false);
    expect(core.callAt(0x4000_0000)).toBe(false);
    expect(core.statistics().retranslations).toBeGreaterThan(0);
    const loads = () => policy.names.filter((name) => name.endsWith('lw')).length;
    expect(loads()).toBe(0);
    core.run(3000, INF);
    expect({ x: [...core.hart.x], pc: core.hart.pc, retired: 3000 }).toEqual(plainAfter(3000));
    // Every pass from the 1000th instruction on loaded through a call.
    expect(loads()).toBeGreaterThanOrEqual(Math.floor(2000 / 7) - 1);
  });

  it('CALL_TRAP: an ECALL taken by the policy goes on at the handler, in the same run', () => {
    const source = `
      _start:
        la t0, handler
        csrw mtvec, t0
        li s1, 300
      again:
        addi a0, a0, 1
        ecall
        addi s1, s1, -1
        bnez s1, again
      done:
        j done
        .balign 4
      handler:
        csrr t1, mepc
        addi t1, t1, 4
        csrw mepc, t1
        mret
    `;
    const names: string[] = [];
    let hart: Hart | undefined;
    const policy: CallPolicy = {
      calls: (d) => d.spec.name === 'ecall',
      call: (d) => {
        names.push(d.spec.name);
        return execute(hart as Hart, d) ? CALL_EXIT : CALL_TRAP;
      },
    };
    const rig = boot('translator', source, {
      make: (options) => new TranslatorCore({ ...options, calls: policy }),
    });
    hart = rig.core.hart;
    const plain = boot('translator', source);
    expect(rig.core.run(2500, INF)).toBe(EXIT_BUDGET);
    expect(plain.core.run(2500, INF)).toBe(EXIT_BUDGET);
    expect([...rig.core.hart.x]).toEqual([...plain.core.hart.x]);
    expect(rig.core.hart.pc).toBe(plain.core.hart.pc);
    // ECALL counts in QEMU's virtual time: the trap taken in the call did too.
    expect(rig.core.hart.countedTraps).toBe(plain.core.hart.countedTraps);
    expect(names.length).toBe(plain.core.hart.countedTraps);
    expect(names.length).toBeGreaterThan(200);
  });

  it('a core without a policy has no call sites', () => {
    const { core, at } = boot('translator', LOOP);
    core.run(100, INF);
    expect((core as TranslatorCore).callAt(at('load'))).toBe(false);
    expect(core.statistics().retranslations).toBe(0);
  });
});
