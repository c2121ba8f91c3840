/** The dump format: parsing (tolerant of text before it, strict inside), formatting, diffing. */
import { describe, expect, it } from 'vitest';
import {
  compareMask,
  DumpError,
  diffDumps,
  formatDump,
  type ParsedDump,
  parseDump,
  parseDumpStrict,
} from '../src/dump.js';
import { BARE_CAPABILITIES } from '../src/engines/bare.js';
import { QEMU_CAPABILITIES } from '../src/engines/qemu.js';
import { DUMP_CSRS } from '../src/harness.js';

const SAMPLE: ParsedDump = {
  pc: 0x8000_0128,
  privilege: 'S',
  x: Array.from({ length: 31 }, (_, i) => (i + 1) * 0x0101_0101),
  csrs: Object.fromEntries(DUMP_CSRS.filter(([n]) => n !== 'senvcfg').map(([n, v]) => [n, v])),
  pages: { '80001000': 0xdeadbeef, '80003000': 0x12345678 },
  trapCount: 2,
  traps: [
    { cause: 2, epc: 0x8000_0100, tval: 0xffff_ffff, privilege: 'U' },
    { cause: 0x8000_0007, epc: 0x8000_0104, tval: 0, privilege: 'M' },
  ],
  missingCsrs: ['senvcfg'],
};
const TEXT = formatDump(SAMPLE);

function errorOf(text: string): DumpError {
  try {
    parseDumpStrict(text);
  } catch (e) {
    if (e instanceof DumpError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('parseDump', () => {
  it('round-trips formatDump and ignores text around the dump', () => {
    expect(parseDumpStrict(TEXT)).toEqual(SAMPLE);
    expect(parseDump(`boot log\nTRAPEZE-STATE 1 is not this\n${TEXT}trailing`)).toEqual(SAMPLE);
    expect(parseDump(new TextEncoder().encode(`xyz${TEXT}`))).toEqual(SAMPLE);
    expect(TEXT).toContain('\ncsr senvcfg -\n');
  });

  it('rejects what is not a complete, well-formed dump with a typed error', () => {
    expect(errorOf('hello\n').code).toBe('NO_DUMP');
    expect(errorOf(TEXT.slice(0, TEXT.indexOf('csr mstatus'))).code).toBe('TRUNCATED');
    expect(errorOf(TEXT.replace('END\n', '')).code).toBe('TRUNCATED');
    const bad = (text: string, pattern: RegExp) => {
      const e = errorOf(text);
      expect(e.code).toBe('MALFORMED');
      expect(e.message).toMatch(pattern);
      expect(parseDump(text)).toBeUndefined();
    };
    bad(TEXT.replace('pc 80000128', 'pc 80000128 1'), /"pc" takes 1 fields/);
    bad(TEXT.replace('pc 80000128', 'pc 8000012'), /8 lowercase hex/);
    bad(TEXT.replace('x7 07070707', 'x7 0707070G'), /x7 is not/);
    bad(TEXT.replace('priv S', 'priv H'), /priv must be/);
    bad(TEXT.replace('x3 ', 'x4 '), /expected "x3"/);
    bad(TEXT.replace('csr misa', 'csr mystery'), /unknown CSR/);
    bad(TEXT.replace('csr misa', 'csr mstatus'), /twice/);
    bad(TEXT.replace('traps 00000002', 'traps 00000003'), /expected "trap"/);
    bad(TEXT.replace('END', 'FIN'), /expected "END"/);
  });
});

describe('diffDumps', () => {
  it('finds no difference between equal dumps and names each field that differs', () => {
    expect(diffDumps(SAMPLE, SAMPLE)).toEqual([]);
    const other: ParsedDump = {
      ...SAMPLE,
      x: SAMPLE.x.map((v, i) => (i === 4 ? v + 1 : v)),
      csrs: { ...SAMPLE.csrs, mstatus: 1, senvcfg: 0 },
      pages: { '80001000': 0 },
    };
    expect(diffDumps(SAMPLE, other).map((d) => d.field)).toEqual([
      'x5',
      'csr senvcfg',
      'csr mstatus',
      'page 80001000',
      'page 80003000',
    ]);
  });

  it('masks what the capabilities leave open', () => {
    expect(compareMask('mstatus', BARE_CAPABILITIES, QEMU_CAPABILITIES)).toBe(0x007e_19aa);
    expect(compareMask('marchid', BARE_CAPABILITIES, QEMU_CAPABILITIES)).toBe(0);
    // Read-only pending bits that follow the CLINT and PLIC lines are compared too.
    expect(compareMask('mip', BARE_CAPABILITIES, QEMU_CAPABILITIES)).toBe(0x0000_0aaa);
    expect(compareMask('sip', BARE_CAPABILITIES, QEMU_CAPABILITIES)).toBe(0x0000_0222);
    expect(compareMask('misa')).toBe(0xffff_ffff);
    const qemu: ParsedDump = {
      ...SAMPLE,
      csrs: { ...SAMPLE.csrs, marchid: 0x70216, mstatus: (SAMPLE.csrs.mstatus as number) | 0x600 },
      traps: [
        { ...(SAMPLE.traps[0] as ParsedDump['traps'][0]), cause: 4 },
        SAMPLE.traps[1] as ParsedDump['traps'][0],
      ],
    };
    const sample: ParsedDump = {
      ...SAMPLE,
      traps: [
        { ...(SAMPLE.traps[0] as ParsedDump['traps'][0]), cause: 6 },
        SAMPLE.traps[1] as ParsedDump['traps'][0],
      ],
    };
    expect(diffDumps(sample, qemu).map((d) => d.field)).toEqual([
      'csr mstatus',
      'csr marchid',
      'trap 1',
    ]);
    expect(diffDumps(sample, qemu, { a: BARE_CAPABILITIES, b: QEMU_CAPABILITIES })).toEqual([]);
  });

  it('compares counters only between engines that count alike', () => {
    const later = { ...SAMPLE, csrs: { ...SAMPLE.csrs, minstret: 5 } };
    expect(diffDumps(SAMPLE, later).map((d) => d.field)).toEqual(['csr minstret']);
    const retired = { ...BARE_CAPABILITIES, counters: 'retired' as const };
    expect(diffDumps(SAMPLE, later, { a: BARE_CAPABILITIES, b: retired })).toEqual([]);
    expect(
      diffDumps(SAMPLE, later, { a: BARE_CAPABILITIES, b: retired, counters: true }),
    ).toHaveLength(1);
  });
});
