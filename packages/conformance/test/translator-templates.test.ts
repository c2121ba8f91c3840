/**
 * The templates aimed at translators (`selfmod`, `remap`, `blocktimer`, `blockend`,
 * `midjump`): the instruction words they write and jump into are instructions that only
 * compute, whatever bits their code writes flip; their programs make the translator do what
 * they are for (translate hot code, see it written and remapped, stop blocks for interrupts,
 * take traps from inside blocks); and they keep the harness going (bounded M-mode traps).
 * Equivalence with QEMU, determinism, snapshots and translator-vs-interpreter runs are the
 * properties' (properties.test.ts, cores.test.ts), which cover every template.
 */
import { fc, test } from '@fast-check/vitest';
import { assemble, decode, type Instruction } from '@trapeze/isa';
import { VirtMachine } from '@trapeze/machine';
import { describe, expect, it } from 'vitest';
import { bareEngine } from '../src/engines/bare.js';
import { QEMU_CAPABILITIES } from '../src/engines/qemu.js';
import {
  C16_FLIP,
  CODE_REGISTERS,
  c16Arb,
  compressedArb,
  I32_FLIP,
  i32Arb,
  luiWithUpper,
  opImmWithUpper,
  overlapChain,
} from '../src/program/code.js';
import {
  type BodyRecord,
  genContext,
  KNOWN_QEMU_DIFFERENCES,
  type Program,
  renderBody,
  templateByName,
} from '../src/program/index.js';
import { programImage, programSource, runProgram } from '../src/properties.js';

const bare = bareEngine({ core: 'interpreter' });
const ctx = genContext([bare.capabilities, QEMU_CAPABILITIES], { avoid: KNOWN_QEMU_DIFFERENCES });
const NAMES = ['selfmod', 'remap', 'blocktimer', 'blockend', 'midjump'];

/** Instructions that only compute (no memory, control flow, CSR or system instruction). */
const COMPUTE = new Set([
  'add',
  'sub',
  'sll',
  'slt',
  'sltu',
  'xor',
  'srl',
  'sra',
  'or',
  'and',
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
  'addi',
  'slti',
  'sltiu',
  'xori',
  'ori',
  'andi',
  'slli',
  'srli',
  'srai',
  'lui',
  'auipc',
]);

/** Whether `word` decodes to a legal instruction that only computes and writes a code register. */
function computes(word: number): boolean {
  const i: Instruction = decode(word >>> 0);
  if (!i.legal) return false;
  const name = i.spec.expansion?.name ?? i.spec.name;
  if (!COMPUTE.has(name)) return false;
  // c.nop and c.addi4spn write x0 / x8–x15; every other writes rd.
  return i.rd === 0 || CODE_REGISTERS.includes(i.rd);
}

/** The instructions from byte `at` of `words` (little-endian), as long as they lie inside. */
function decodeFrom(words: readonly number[], at: number): number[] {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    view.setUint32(4 * i, w >>> 0, true);
  });
  const out: number[] = [];
  let pc = at;
  while (pc + 2 <= bytes.length) {
    const low = view.getUint16(pc, true);
    if ((low & 3) !== 3) {
      out.push(low);
      pc += 2;
    } else {
      if (pc + 4 > bytes.length) throw new Error(`a 32-bit instruction at ${pc} runs past the end`);
      out.push(view.getUint32(pc, true));
      pc += 4;
    }
  }
  return out;
}

/** Flipped variants of `word`: every bit of `bits` alone, all of them, and a few subsets. */
function flips(word: number, bits: number): number[] {
  const out = [word, (word ^ bits) >>> 0];
  for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) out.push((word ^ (1 << b)) >>> 0);
  for (let k = 1; k < 8; k++) out.push((word ^ (bits & Math.imul(k, 0x9e37_79b9))) >>> 0);
  return out;
}

describe('generated code words', () => {
  test.prop([i32Arb])('32-bit words compute, and still do with any I32_FLIP bits flipped', (w) => {
    expect((w & 3) === 3).toBe(true);
    for (const v of flips(w, I32_FLIP)) expect(computes(v), v.toString(16)).toBe(true);
  });

  test.prop([c16Arb])(
    'compressed cells compute, and still do with any C16_FLIP bits flipped',
    (h) => {
      expect(h & 3).not.toBe(3);
      expect(h >>> 16).toBe(0);
      for (const v of flips(h, C16_FLIP)) expect(computes(v), v.toString(16)).toBe(true);
    },
  );

  test.prop([compressedArb])('compressed words for the middle of instructions compute', (h) => {
    expect(h & 3).not.toBe(3);
    expect(computes(h), h.toString(16)).toBe(true);
  });

  test.prop([
    fc.constantFrom(...CODE_REGISTERS),
    compressedArb,
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 1 }),
  ])('a word entered at its third byte runs its upper half', (rd, upper, low, op, rs1low) => {
    for (const w of [luiWithUpper(rd, upper, low), opImmWithUpper(rd, op, upper, rs1low)]) {
      expect(computes(w)).toBe(true);
      expect(decodeFrom([w], 2)).toEqual([upper]);
    }
  });

  test.prop([
    fc.constantFrom(...CODE_REGISTERS),
    fc.constantFrom(...CODE_REGISTERS),
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 1 }),
    fc.constantFrom(...CODE_REGISTERS),
    fc.integer({ min: 0, max: 15 }),
    compressedArb,
  ])(
    'a chain entered at its third byte runs a 32-bit OP-IMM across the words, then a compressed one',
    (rd1, rdx, op, rs1low, rd2, low2, second) => {
      const words = overlapChain(rd1, rdx, op, rs1low, rd2, low2, second);
      expect(decodeFrom(words, 0).every(computes)).toBe(true);
      const inner = decodeFrom(words, 2);
      expect(inner).toHaveLength(2);
      expect(inner.every(computes)).toBe(true);
      expect(decode(inner[0] as number).rs1).toBe(14 + rs1low);
      expect(inner[1]).toBe(second);
    },
  );
});

describe('rendering', () => {
  it('gives branches inside a loop forward targets within it (the end: the decrement)', () => {
    const text = renderBody([
      {
        kind: 'loop',
        count: 20,
        body: [
          { kind: 'branch', op: 'beq', rs1: 0, rs2: 0, skip: 0 },
          { kind: 'li', rd: 5, value: 1 },
          { kind: 'jump', rd: 0, skip: 5 },
        ],
      },
    ]);
    expect(text).toContain('beq x0, x0, __loop0_1');
    expect(text).toContain('jal x0, __loop0_3');
    expect(text).toMatch(/__loop0_3:\n {4}addi x26, x26, -1\n {4}bnez x26, __loop0/);
    expect(text).not.toContain('__loop0_0:');
  });

  it('separates an instruction a store changes ahead of it by a fence.i or a jump', () => {
    const text = renderBody([
      {
        kind: 'selfmod',
        word: 0x0013_0313,
        op: 'sh-xor',
        offset: 2,
        value: 0x1f,
        ahead: true,
        sync: 'jump',
        gap: 1,
      },
    ]);
    expect(text).toMatch(
      /la x31, __x0\n {4}addi x31, x31, 2\n {4}lhu x30, 0\(x31\)\n {4}li x29, 0x1f\n {4}xor x30, x30, x29\n {4}sh x30, 0\(x31\)\n {4}j __x1\n {4}__x1:\n {4}addi x29, x29, 1\n {4}\.balign 4\n {4}__x0:\n {4}\.word 0x130313/,
    );
  });
});

/** Records of a body, loops opened. */
const flat = (records: readonly BodyRecord[]): BodyRecord[] =>
  records.flatMap((r) => (r.kind === 'loop' ? flat(r.body) : [r]));

describe('the templates', () => {
  it('are listed, and run on the bare machine and QEMU', () => {
    for (const name of NAMES) {
      const template = templateByName(name);
      expect(template?.name).toBe(name);
      expect(template?.unsupported(ctx)).toBeUndefined();
    }
    const small = genContext([{ ...bare.capabilities, modes: ['M'], sv32: false }]);
    expect(templateByName('remap')?.unsupported(small)).toMatch(/Sv32/);
    expect(templateByName('blockend')?.unsupported(small)).toMatch(/S and U-mode/);
    expect(templateByName('midjump')?.unsupported(small)).toBeUndefined();
  });

  it('reach an instruction a store changed only after a fence.i, a jump or a branch', () => {
    for (const name of ['selfmod', 'remap']) {
      const programs = fc.sample(templateByName(name)?.arbitrary(ctx) as fc.Arbitrary<Program>, {
        numRuns: 200,
        seed: 11,
      });
      let stores = 0;
      for (const p of programs)
        for (const r of flat(p.body)) {
          if (r.kind === 'selfmod') {
            stores++;
            if (r.ahead) expect(r.sync).not.toBe('none');
          }
          // Code pages are only reached by calls (a jump) from the body.
          if (r.kind === 'patch') {
            stores++;
            expect(r.symbol === undefined || r.symbol.startsWith('__c')).toBe(true);
          }
        }
      expect(stores).toBeGreaterThan(100);
    }
  });

  it('make hot loops: most loops run long enough to be translated', () => {
    for (const name of NAMES) {
      const loops = fc
        .sample(templateByName(name)?.arbitrary(ctx) as fc.Arbitrary<Program>, {
          numRuns: 100,
          seed: 12,
        })
        .flatMap((p) => p.body.filter((r) => r.kind === 'loop'));
      expect(loops.length, name).toBeGreaterThan(100);
      const hot = loops.filter((r) => r.kind === 'loop' && r.count >= 16).length;
      expect(hot / loops.length, name).toBeGreaterThan(0.6);
    }
  });
});

/** Runs `program` on a translator-core board; its core's statistics and a memory reader. */
function onTranslator(program: Program) {
  const image = programImage(program);
  const machine = new VirtMachine({ core: 'translator' });
  machine.loadSegments(image.segments, image.entry);
  const exit = machine.run(2_000_000);
  const symbols = assemble(programSource(program), { textAddress: 0x8000_0000 }).symbols;
  const at = (name: string) => symbols.find((s) => s.name === name)?.value as number;
  const u8 = machine.ram.u8;
  const word = (address: number) =>
    new DataView(u8.buffer, u8.byteOffset).getUint32(address - 0x8000_0000, true);
  return { exit, statistics: machine.core.statistics(), at, word };
}

describe('on the translator', () => {
  const sample = (name: string, n: number) =>
    fc.sample(templateByName(name)?.arbitrary(ctx) as fc.Arbitrary<Program>, {
      numRuns: n,
      seed: 13,
    });

  it('selfmod and remap programs have translated code written (and translate it again)', () => {
    for (const name of ['selfmod', 'remap']) {
      const runs = sample(name, 12).map(onTranslator);
      for (const r of runs) expect(r.exit.kind).toBe('pass');
      const invalidating = runs.filter((r) => r.statistics.invalidations > 0).length;
      expect(invalidating / runs.length, name).toBeGreaterThan(0.5);
    }
  }, 120_000);

  it('blocktimer programs take timer interrupts, at most as many as the handler allows', async () => {
    let interrupted = 0;
    const programs = sample('blocktimer', 12);
    for (const p of programs) {
      const outcome = await runProgram(bare, p);
      expect(outcome.exit).toMatchObject({ kind: 'halt', code: 0 });
      const interrupts = (outcome.dump?.traps ?? []).filter((t) => t.cause === 0x8000_0007);
      expect(interrupts.length).toBeLessThanOrEqual(40);
      expect(outcome.dump?.trapCount).toBe(interrupts.length);
      if (interrupts.length > 0) interrupted++;
    }
    expect(interrupted / programs.length).toBeGreaterThan(0.5);
  }, 120_000);

  it('blockend programs trap into their S handler, and to M-mode fewer than 64 times', () => {
    let trapping = 0;
    const programs = sample('blockend', 12);
    for (const p of programs) {
      const run = onTranslator(p);
      expect(run.exit.kind).toBe('pass');
      if (run.word(run.at('__ssave') + 8) > 20) trapping++;
    }
    expect(trapping / programs.length).toBeGreaterThan(0.5);
    for (const p of programs) {
      const m = flat(p.body).filter((r) => r.kind === 'trap' && r.trap === 'ecall').length;
      expect(m).toBeLessThanOrEqual(40);
    }
  }, 120_000);

  it('midjump programs enter words at their third byte', () => {
    const programs = sample('midjump', 12);
    const overlaps = programs.flatMap((p) => flat(p.body)).filter((r) => r.kind === 'overlap');
    expect(overlaps.length).toBeGreaterThan(12);
    for (const p of programs) expect(onTranslator(p).exit.kind).toBe('pass');
  }, 120_000);
});
