import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { csrByName } from '../../src/csr.js';
import {
  CsrFile,
  type ExternalCsrs,
  MIP_MTIP,
  MIP_SEIP,
  MISA,
  type PrivilegeLevel,
} from '../../src/hart/csr-file.js';
import {
  CSR_WORD_COUNT,
  CSR_WORD_FIELDS,
  CSR_WORDS,
  type CsrWordField,
  csrWord,
} from '../../src/hart/csr-words.js';
import { MSTATUS_TVM } from '../../src/hart/status-bits.js';
import { IsaError } from '../../src/index.js';

const CSR = (name: string) => csrByName(name)?.address as number;

/** A fake machine: cycle/instret/time counters and PMP registers held in a map. */
function machine(): ExternalCsrs & { values: Map<number, number> } {
  const values = new Map<number, number>([
    [0xc00, 100],
    [0xc01, 7],
    [0xc02, 90],
    [0xb00, 100],
    [0xb02, 90],
  ]);
  for (let i = 0; i < 4; i++) values.set(0x3a0 + i, 0);
  for (let i = 0; i < 16; i++) values.set(0x3b0 + i, 0);
  return {
    values,
    read: (csr) => values.get(csr),
    write: (csr, value) => {
      if (!values.has(csr) || (csr >= 0xc00 && csr <= 0xcff)) return false;
      values.set(csr, value);
      return true;
    },
  };
}

function file(): CsrFile {
  return new CsrFile(machine());
}

describe('CsrFile', () => {
  it('keeps the trap CSRs and mstatus in its word array, by the rules of CSR_WORDS', () => {
    const words = new Uint32Array(CSR_WORD_COUNT + 2).fill(7);
    const f = new CsrFile(machine(), 0, undefined, words);
    expect(f.words).toBe(words);
    expect(Array.from(words)).toEqual(new Array(CSR_WORD_COUNT + 2).fill(0));
    for (const word of CSR_WORDS) {
      const field = CSR_WORD_FIELDS[word.slot] as CsrWordField;
      expect(csrWord(word.csr)).toBe(word);
      expect(CSR(word.name)).toBe(word.csr);
      words[word.slot] = 0;
      f.write(word.csr, 3, 0x8000_0005);
      // An odd exception pc loses bit 0; a vector with MODE 1 is kept; sstatus writes only
      // its bits of mstatus (SIE here).
      const odd = word.mask === ~1 ? 0x8000_0004 : 0x8000_0005;
      expect(words[word.slot]).toBe((odd & word.view) >>> 0);
      expect(f[field]).toBe(words[word.slot]);
      expect(f.read(word.csr, 3)).toBe(((words[word.slot] as number) & word.view) >>> 0);
      const before = words[word.slot];
      f.write(word.csr, 3, 0x1002);
      // MODE 2 is reserved: a vector keeps its value.
      expect(words[word.slot]).toBe(word.vector ? before : (0x1002 & word.view) >>> 0);
      f[field] = 0xffff_ffff;
      expect(f.read(word.csr, 3)).toBe(word.view >>> 0);
      expect(f.snapshot()[field]).toBe(0xffff_ffff);
    }
    expect(CSR_WORD_FIELDS.length).toBe(CSR_WORD_COUNT);
    expect(words[CSR_WORD_COUNT]).toBe(0);
    expect(() => new CsrFile(machine(), 0, undefined, new Uint32Array(3))).toThrow(IsaError);
    expect(
      () => new CsrFile(machine(), 0, undefined, new Int32Array(CSR_WORD_COUNT) as never),
    ).toThrow(IsaError);
  });

  it('CSR_WORDS levels are the access rule of each CSR (what a translator checks inline)', () => {
    const f = file();
    for (const word of CSR_WORDS)
      for (const privilege of [0, 1, 3] as PrivilegeLevel[])
        for (const write of [false, true])
          expect(f.accessible(word.csr, privilege, write)).toBe(privilege >= word.level);
  });

  it('keeps only the legal values of WARL fields', () => {
    const f = file();
    const write = (name: string, value: number) => f.write(CSR(name), 3, value);
    const read = (name: string) => f.read(CSR(name), 3);
    write('mstatus', -1);
    expect(read('mstatus')).toBe(0x007e19aa);
    write('mstatus', 0x1000); // MPP = 2 is reserved: the previous MPP stays
    expect((read('mstatus') >>> 11) & 3).toBe(3);
    write('misa', 0);
    expect(read('misa')).toBe(MISA);
    write('medeleg', -1);
    expect(read('medeleg')).toBe(0xb3ff);
    write('mideleg', -1);
    expect(read('mideleg')).toBe(0x222);
    write('mie', -1);
    expect(read('mie')).toBe(0xaaa);
    write('mepc', -1);
    expect(read('mepc')).toBe(0xfffffffe);
    write('mtvec', 0x80000101);
    expect(read('mtvec')).toBe(0x80000101);
    write('mtvec', 0x80000002); // MODE 2 is reserved: the write is ignored
    expect(read('mtvec')).toBe(0x80000101);
    write('mcountinhibit', -1);
    expect(read('mcountinhibit')).toBe(0xfffffffd);
    write('menvcfg', -1);
    expect(read('menvcfg')).toBe(1);
    expect(read('mstatush')).toBe(0);
    expect(read('mhartid')).toBe(0);
    expect(f.illegal).toBe(false);
  });

  it('shows sstatus, sie and sip as restricted views', () => {
    const f = file();
    f.write(CSR('mstatus'), 3, -1);
    expect(f.read(CSR('sstatus'), 1)).toBe(0x000c0122);
    f.write(CSR('sstatus'), 1, 0);
    expect(f.read(CSR('mstatus'), 3)).toBe(0x007e19aa & ~0x000c0122);
    f.write(CSR('mie'), 3, -1);
    expect(f.read(CSR('sie'), 1)).toBe(0);
    f.write(CSR('mideleg'), 3, 0x222);
    expect(f.read(CSR('sie'), 1)).toBe(0x222);
    f.setLine(MIP_SEIP, true);
    f.setLine(MIP_MTIP, true);
    expect(f.read(CSR('mip'), 3)).toBe(MIP_SEIP | MIP_MTIP);
    expect(f.read(CSR('sip'), 1)).toBe(MIP_SEIP);
    f.write(CSR('sip'), 1, -1); // only SSIP is writable through sip
    expect(f.read(CSR('mip'), 3)).toBe(MIP_SEIP | MIP_MTIP | 2);
    f.write(CSR('mip'), 3, 0); // device lines stay
    expect(f.read(CSR('mip'), 3)).toBe(MIP_SEIP | MIP_MTIP);
  });

  it('makes accesses above the current privilege, writes to read-only CSRs and unknown CSRs illegal', () => {
    const f = file();
    const illegal = (csr: number, privilege: PrivilegeLevel, write: boolean) => {
      if (write) f.write(csr, privilege, 0);
      else f.read(csr, privilege);
      return f.illegal;
    };
    expect(illegal(CSR('mstatus'), 1, false)).toBe(true);
    expect(illegal(CSR('sstatus'), 0, false)).toBe(true);
    expect(illegal(CSR('sstatus'), 1, false)).toBe(false);
    expect(illegal(CSR('mhartid'), 3, true)).toBe(true);
    expect(illegal(CSR('cycle'), 3, true)).toBe(true);
    expect(illegal(CSR('dcsr'), 3, false)).toBe(true);
    expect(illegal(CSR('hstatus'), 3, false)).toBe(true);
    expect(illegal(CSR('fcsr'), 3, false)).toBe(true);
    expect(illegal(0x7c0, 3, false)).toBe(true);
  });

  it('lets U and S read counters only when mcounteren and scounteren allow', () => {
    const f = file();
    const cycle = CSR('cycle');
    expect([f.read(cycle, 3), f.illegal]).toEqual([100, false]);
    f.read(cycle, 1);
    expect(f.illegal).toBe(true);
    f.write(CSR('mcounteren'), 3, 1);
    expect([f.read(cycle, 1), f.illegal]).toEqual([100, false]);
    f.read(cycle, 0);
    expect(f.illegal).toBe(true);
    f.write(CSR('scounteren'), 1, 1);
    expect([f.read(cycle, 0), f.illegal]).toEqual([100, false]);
    f.read(CSR('time'), 0);
    expect(f.illegal).toBe(true);
    expect(f.read(CSR('hpmcounter3'), 3)).toBe(0);
    expect(f.read(CSR('mhpmevent31'), 3)).toBe(0);
  });

  it('traps satp in S-mode when mstatus.TVM is set', () => {
    const f = file();
    f.write(CSR('satp'), 1, 0x80000123);
    expect([f.illegal, f.read(CSR('satp'), 1)]).toEqual([false, 0x80000123]);
    f.write(CSR('mstatus'), 3, MSTATUS_TVM);
    f.read(CSR('satp'), 1);
    expect(f.illegal).toBe(true);
    expect(f.read(CSR('satp'), 3)).toBe(0x80000123);
  });

  it('reaches PMP and counters through the machine', () => {
    const m = machine();
    const f = new CsrFile(m);
    f.write(CSR('pmpaddr3'), 3, 0x1234);
    expect(m.values.get(0x3b3)).toBe(0x1234);
    expect(f.read(CSR('pmpaddr3'), 3)).toBe(0x1234);
    expect(f.read(CSR('minstret'), 3)).toBe(90);
  });

  prop.prop([
    fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 0xfff }),
        fc.integer(),
        fc.constantFrom<PrivilegeLevel>(0, 1, 3),
      ),
      { maxLength: 50 },
    ),
  ])('never breaks an invariant under random accesses, and snapshots round-trip', (accesses) => {
    const f = file();
    for (const [csr, value, privilege] of accesses) {
      if (value & 1) f.write(csr, privilege, value);
      else f.read(csr, privilege);
    }
    expect(f.mstatus & ~0x007e19aa).toBe(0);
    expect((f.mstatus >>> 11) & 3).not.toBe(2);
    expect(f.mepc & 1).toBe(0);
    expect(f.sepc & 1).toBe(0);
    expect(f.mtvec & 3).toBeLessThan(2);
    expect(f.medeleg & ~0xb3ff).toBe(0);
    const copy = file();
    copy.restore(f.snapshot());
    expect(copy.snapshot()).toEqual(f.snapshot());
  });
});

describe('causeName', () => {
  it('names exceptions and interrupts', async () => {
    const { causeName, INTERRUPT_BIT } = await import('../../src/hart/causes.js');
    expect(causeName(13)).toBe('load page fault');
    expect(causeName(INTERRUPT_BIT | 7)).toBe('machine timer interrupt');
    expect(causeName(10)).toBe('exception 10');
  });
});
