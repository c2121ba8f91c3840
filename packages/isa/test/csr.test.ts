import { describe, expect, it } from 'vitest';
import { CSRS, csrByAddress, csrByName, csrName, csrPrivilege, csrReadOnly } from '../src/csr.js';

describe('CSR catalogue', () => {
  it('derives privilege and read-only from the address convention', () => {
    expect(csrPrivilege(0x300)).toBe('M');
    expect(csrPrivilege(0x100)).toBe('S');
    expect(csrPrivilege(0x600)).toBe('H');
    expect(csrPrivilege(0xc00)).toBe('U');
    expect(csrPrivilege(0x7b0)).toBe('D');
    expect(csrReadOnly(0xf14)).toBe(true);
    expect(csrReadOnly(0xc00)).toBe(true);
    expect(csrReadOnly(0x300)).toBe(false);
  });

  it('names every CSR the machine issue lists, with fields for the status registers', () => {
    const required = [
      'misa',
      'mvendorid',
      'marchid',
      'mimpid',
      'mhartid',
      'mstatus',
      'mstatush',
      'medeleg',
      'mideleg',
      'mie',
      'mip',
      'mtvec',
      'mscratch',
      'mepc',
      'mcause',
      'mtval',
      'mcounteren',
      'mcountinhibit',
      'menvcfg',
      'menvcfgh',
      'senvcfg',
      'sstatus',
      'sie',
      'sip',
      'stvec',
      'sscratch',
      'sepc',
      'scause',
      'stval',
      'satp',
      'scounteren',
      'cycle',
      'time',
      'instret',
      'cycleh',
      'timeh',
      'instreth',
      'mcycle',
      'minstret',
      'mcycleh',
      'minstreth',
      'pmpcfg0',
      'pmpcfg3',
      'pmpaddr0',
      'pmpaddr15',
      'hpmcounter3',
      'mhpmcounter31h',
    ];
    for (const name of required) expect(csrByName(name), name).toBeDefined();
    const mstatus = csrByName('MSTATUS');
    expect(mstatus?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'MIE',
        'SIE',
        'MPIE',
        'SPIE',
        'MPP',
        'SPP',
        'MPRV',
        'SUM',
        'MXR',
        'TVM',
        'TW',
        'TSR',
      ]),
    );
    expect(mstatus?.fields.find((f) => f.name === 'MPP')).toEqual({ name: 'MPP', hi: 12, lo: 11 });
  });

  it('has one entry per address and prints unknown CSRs as numbers', () => {
    expect(new Set(CSRS.map((c) => c.address)).size).toBe(CSRS.length);
    expect(csrByAddress(0x305)?.name).toBe('mtvec');
    expect(csrName(0x7c0)).toBe('1984');
    expect(csrByName('nope')).toBeUndefined();
  });
});
