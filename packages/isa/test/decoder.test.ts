import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { anyInstruction, anyWord } from '../src/arbitraries.js';
import { createDecoder, decode } from '../src/decoder.js';
import { createInstructionRecord } from '../src/decoder-tables.js';
import { encode } from '../src/encoder.js';
import { RV32IMAC, RV32IMACH } from '../src/isa.js';
import { plain } from './support/fields.js';

describe('decode', () => {
  it('decodes each format with its operands', () => {
    const add = decode(0x00b50533); // add a0, a0, a1
    expect([add.spec.name, add.rd, add.rs1, add.rs2, add.size]).toEqual(['add', 10, 10, 11, 4]);
    const lw = decode(0xffc12503); // lw a0, -4(sp)
    expect([lw.spec.name, lw.rd, lw.rs1, lw.imm]).toEqual(['lw', 10, 2, -4]);
    const sw = decode(0x00a12623); // sw a0, 12(sp)
    expect([sw.spec.name, sw.rs2, sw.rs1, sw.imm]).toEqual(['sw', 10, 2, 12]);
    const beq = decode(0xfeb50ee3); // beq a0, a1, -4
    expect([beq.spec.name, beq.imm]).toEqual(['beq', -4]);
    const jal = decode(0x800000ef); // jal ra, -1048576
    expect([jal.spec.name, jal.rd, jal.imm]).toEqual(['jal', 1, -1048576]);
    const lui = decode(0xfffff537); // lui a0, 0xfffff
    expect([lui.spec.name, lui.imm]).toEqual(['lui', 0xfffff]);
    const csr = decode(0x30529073); // csrrw zero, mtvec, t0
    expect([csr.spec.name, csr.csr, csr.rs1, csr.rd]).toEqual(['csrrw', 0x305, 5, 0]);
    const amo = decode(0x06b6252f); // amoadd.w.aqrl a0, a1, (a2)
    expect([amo.spec.name, amo.aq, amo.rl, amo.rs2, amo.rs1]).toEqual([
      'amoadd.w',
      true,
      true,
      11,
      12,
    ]);
    const fence = decode(0x0310000f); // fence rw, w
    expect([fence.spec.name, fence.pred, fence.succ]).toEqual(['fence', 3, 1]);
  });

  it('decodes compressed instructions with implied and primed registers', () => {
    const lwsp = decode(0x4512); // c.lwsp a0, 4(sp)
    expect([lwsp.spec.name, lwsp.rd, lwsp.rs1, lwsp.imm, lwsp.size]).toEqual([
      'c.lwsp',
      10,
      2,
      4,
      2,
    ]);
    const addi4spn = decode(0x0808); // c.addi4spn a0, sp, 16
    expect([addi4spn.spec.name, addi4spn.rd, addi4spn.rs1, addi4spn.imm]).toEqual([
      'c.addi4spn',
      10,
      2,
      16,
    ]);
    const addi = decode(0x0505); // c.addi a0, 1
    expect([addi.rd, addi.rs1, addi.imm]).toEqual([10, 10, 1]);
    const beqz = decode(0xd96d); // c.beqz a0, -14
    expect([beqz.spec.name, beqz.rs1, beqz.rs2, beqz.imm]).toEqual(['c.beqz', 10, 0, -14]);
    const lui = decode(0x757d); // c.lui a0, 0xfffff
    expect([lui.spec.name, lui.imm]).toEqual(['c.lui', 0xfffff]);
    // The upper half of the word is ignored for a compressed instruction.
    expect(decode(0x12340505).spec.name).toBe('c.addi');
  });

  it('treats reserved encodings as illegal, exactly as the specification lists them', () => {
    const illegal = (w: number) => expect(decode(w).legal, w.toString(16)).toBe(false);
    illegal(0x0000); // the all-zero halfword
    illegal(0x00000000);
    illegal(0xffffffff); // the all-ones word (a reserved long encoding)
    illegal(0x0000 | (5 << 2)); // C.ADDI4SPN with zero immediate
    illegal(0x6081); // C.LUI ra, 0
    illegal(0x6101); // C.ADDI16SP with zero immediate
    illegal(0x4002); // C.LWSP with rd = x0
    illegal(0x8002); // C.JR with rs1 = x0
    illegal(0x1082); // C.SLLI ra, 32 (shamt[5] = 1 on RV32)
    illegal(0x9001); // C.SRLI s0, 32
    illegal(0x9401); // C.SRAI s0, 32
    illegal(0x02051513); // SLLI a0, a0, 32
    illegal(0x0205d513); // SRLI a0, a0, 32
    illegal(0x4205d513); // SRAI a0, a0, 32
    illegal(0x2000); // C.FLD (no FPU)
    illegal(0x6000); // C.FLW
    illegal(0x9c01); // C.SUBW: RV64 only
    illegal(0x00200073); // URET (withdrawn)
    illegal(0x22000073); // HFENCE.VVMA without H
    illegal(0x00000053); // FADD.S (no FPU)
    expect(decode(0x0001).spec.name).toBe('c.nop');
    expect(decode(0x0005).spec.id).toBe('c.nop.hint');
  });

  it('ignores the reserved fields of FENCE and FENCE.I, keeping them for re-encoding', () => {
    // fm = 1111, pred = 0, succ = iorw, rs1 = a1, rd = t0: reserved fm, rs1 and rd.
    const word = ((0xf << 28) | (0xf << 20) | (11 << 15) | (5 << 7) | 0x0f) >>> 0;
    const fence = decode(word);
    expect([fence.legal, fence.spec.name, fence.pred, fence.succ]).toEqual([true, 'fence', 0, 0xf]);
    expect(fence.reserved).toBe(((0xf << 28) | (11 << 15) | (5 << 7)) >>> 0);
    // Regression (found by the round-trip property): FENCE's ignored fm bits set to 1000 with
    // pred = succ = RW make the FENCE.TSO encoding, which the more specific entry claims.
    expect(
      decode(encode({ spec: 'fence', pred: 3, succ: 3, reserved: 0x80000000 })).spec.name,
    ).toBe('fence.tso');
    const fenceI = decode(0xfff59f8f);
    expect([fenceI.spec.name, fenceI.legal]).toEqual(['fence.i', true]);
  });

  it('decodes H-extension instructions only when H is enabled', () => {
    const h = createDecoder(RV32IMACH);
    expect(h.decode(0x22000073).spec.name).toBe('hfence.vvma');
    expect(h.decode(0x6005c573).spec.name).toBe('hlv.b');
    expect(h.decode(0x62a5c073).spec.name).toBe('hsv.b');
    expect(createDecoder(RV32IMAC).decode(0x6005c573).legal).toBe(false);
  });

  it('is total over every halfword', () => {
    let legal = 0;
    const wrongSize: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const i = decode(h);
      if (i.size !== ((h & 3) === 3 ? 4 : 2)) wrongSize.push(h);
      if (i.legal) legal++;
    }
    expect(wrongSize).toEqual([]);
    expect(legal).toBeGreaterThan(20000);
  });

  prop.prop([anyWord()], { numRuns: 20000 })(
    'is total over 32-bit words and agrees with the table masks',
    (w) => {
      const i = decode(w);
      expect(i.size).toBe((w & 3) === 3 ? 4 : 2);
      if (i.legal) {
        const word = i.size === 2 ? w & 0xffff : w >>> 0;
        expect((word & i.spec.mask) >>> 0).toBe(i.spec.match);
      }
    },
  );

  prop.prop([fc.integer({ min: 0, max: 0xffff })])('decodeSpec agrees with decode', (h) => {
    const d = createDecoder();
    expect(d.decodeSpec(h)?.id ?? 'illegal').toBe(d.decode(h).spec.id);
  });
});

describe('fast decoder tables', () => {
  const fast = createDecoder(RV32IMACH);
  const reference = createDecoder(RV32IMACH, { interpreted: true });

  it('agree with the interpreted reference on every halfword', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 3) === 3) continue;
      expect(plain(fast.decode(h))).toEqual(plain(reference.decode(h)));
    }
  });

  prop.prop([anyWord()], { numRuns: 50000 })(
    'agree with the interpreted reference on 32-bit words',
    (w) => {
      const word = (w | 3) >>> 0;
      expect(plain(fast.decode(word))).toEqual(plain(reference.decode(word)));
      expect(fast.decodeSpec(word)).toBe(reference.decodeSpec(word));
    },
  );

  prop.prop([anyInstruction(RV32IMACH)])(
    'agree on every instruction form, and decodeInto reuses its record',
    (fields) => {
      const word = encode(fields);
      const record = createInstructionRecord();
      expect(fast.decodeInto(word, record)).toBe(record);
      expect(plain(record)).toEqual(plain(reference.decode(word)));
    },
  );
});
