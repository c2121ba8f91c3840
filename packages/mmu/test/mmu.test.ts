import {
  ACCESS_FETCH,
  ACCESS_LOAD,
  ACCESS_STORE,
  type AccessKind,
  Exception,
  Privilege,
  type PrivilegeLevel,
} from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import {
  type AccessSize,
  FAST_FAULT,
  FAST_SLOW,
  type MmioDevice,
  PMP_L,
  PMP_NAPOT,
  PMP_R,
  PMP_TOR,
  PMP_W,
  PMP_X,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pte,
  satp,
} from '../src/index.js';
import { machine, RAM_BASE } from './support/machine.js';

const DATA = RAM_BASE / 4096; // ppn of the first data page
const VA = 0x1234_5000;
const ALL: AccessKind[] = [ACCESS_LOAD, ACCESS_STORE, ACCESS_FETCH];
/** Each access kind with its name, for test titles. */
const KINDS = ALL.map((access) => ({ access, name: ['fetch', 'load', 'store'][access] }));
/** The page-fault and access-fault causes, indexed by access kind. */
const PAGE_FAULT = [
  Exception.InstructionPageFault,
  Exception.LoadPageFault,
  Exception.StorePageFault,
] as const;
const ACCESS_FAULT = [
  Exception.InstructionAccessFault,
  Exception.LoadAccessFault,
  Exception.StoreAccessFault,
] as const;

/** Translates with S-mode, no SUM, no MXR unless given. */
function tr(
  m: ReturnType<typeof machine>,
  vaddr: number,
  access: AccessKind,
  opts: { priv?: PrivilegeLevel; sum?: boolean; mxr?: boolean; satp?: number } = {},
) {
  const pa = m.mmu.translate(
    vaddr,
    access,
    opts.priv ?? Privilege.S,
    opts.satp ?? m.sv32(),
    opts.sum ?? false,
    opts.mxr ?? false,
  );
  return pa < 0 ? { fault: m.mmu.cause, tval: m.mmu.tval } : { pa };
}

describe('Mmu: bare and M-mode', () => {
  it('passes addresses through when satp.MODE is Bare or the privilege is M', () => {
    const m = machine();
    expect(m.mmu.translate(0x8000_0123, ACCESS_LOAD, Privilege.S, 0, false, false)).toBe(
      0x8000_0123,
    );
    expect(
      m.mmu.translate(0x8000_0123 | 0, ACCESS_STORE, Privilege.U, 0x003f_ffff, false, false),
    ).toBe(0x8000_0123);
    // M-mode ignores satp even in Sv32 mode (the root table is empty: S would fault).
    expect(m.mmu.translate(0x1000, ACCESS_FETCH, Privilege.M, m.sv32(), false, false)).toBe(0x1000);
    expect(tr(m, 0x1000, ACCESS_FETCH)).toEqual({
      fault: Exception.InstructionPageFault,
      tval: 0x1000,
    });
  });
});

describe('Mmu: 4 KiB pages', () => {
  it('translates and sets A (and D for stores) in the PTE', () => {
    const m = machine();
    const leaf = m.map(VA, DATA + 5, PTE_V | PTE_R | PTE_W);
    expect(tr(m, VA + 0x123, ACCESS_LOAD)).toEqual({ pa: RAM_BASE + 5 * 4096 + 0x123 });
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(PTE_A);
    expect(tr(m, VA + 4, ACCESS_STORE)).toEqual({ pa: RAM_BASE + 5 * 4096 + 4 });
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
    expect(m.word(leaf) >>> 10).toBe(DATA + 5); // the rest of the PTE is untouched
  });

  it('a fetch sets A only; a store to a page with A set and D clear sets D', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A);
    expect(tr(m, VA, ACCESS_FETCH)).toEqual({ pa: RAM_BASE });
    expect(m.word(leaf) & PTE_D).toBe(0);
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ pa: RAM_BASE });
    expect(m.word(leaf) & PTE_D).toBe(PTE_D);
  });

  it('does not write the PTE when A and D are already set', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    // Make the PTE read-only for PMP: no write is needed, so the store translates.
    m.pmp.writeAddr(0, ((leaf & ~0xfff) >>> 0) / 4 + 0x1ff); // NAPOT 4 KiB over the leaf table
    m.pmp.writeAddr(1, 0xffff_ffff);
    m.pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R | (((PMP_NAPOT << 3) | PMP_R | PMP_W | PMP_X) << 8));
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ pa: RAM_BASE });
  });

  it.each(KINDS)('an invalid PTE raises the page fault of a $name', ({ access }) => {
    const m = machine();
    m.map(VA, DATA, PTE_R | PTE_W | PTE_X); // V = 0
    expect(tr(m, VA + 8, access)).toEqual({ fault: PAGE_FAULT[access], tval: VA + 8 });
    expect(tr(m, 0x4000_0000, access)).toEqual({ fault: PAGE_FAULT[access], tval: 0x4000_0000 }); // invalid root entry
  });

  it.each([
    ['W', PTE_W],
    ['WX', PTE_W | PTE_X],
    ['W (superpage)', PTE_W],
  ])('the reserved leaf encoding %s raises a page fault', (name, flags) => {
    const m = machine();
    if (name.includes('superpage')) m.mapSuper(VA, DATA, PTE_V | flags | PTE_A | PTE_D);
    else m.map(VA, DATA, PTE_V | flags | PTE_A | PTE_D);
    for (const access of ALL)
      expect(tr(m, VA, access)).toEqual({ fault: PAGE_FAULT[access], tval: VA });
  });

  it('a pointer at the last level raises a page fault', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V); // leaf slot holds a pointer
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ fault: Exception.LoadPageFault, tval: VA });
  });

  it.each([
    ['A', PTE_A],
    ['D', PTE_D],
    ['U', PTE_U],
  ])('a non-leaf PTE with %s set raises a page fault (reserved bits)', (_, bit) => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R | PTE_A);
    const root = m.rootEntry(VA);
    m.setWord(root, m.word(root) | bit);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ fault: Exception.LoadPageFault, tval: VA });
    m.setWord(root, m.word(root) & ~bit);
    m.mmu.sfenceVma();
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE });
  });

  it('ignores the RSW bits and permits G on a pointer', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R | 0x300, m.root, PTE_V | PTE_G | 0x300);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE });
  });
});

describe('Mmu: permissions', () => {
  const cases: [string, number, AccessKind, boolean][] = [
    ['R', PTE_R, ACCESS_LOAD, true],
    ['R', PTE_R, ACCESS_STORE, false],
    ['R', PTE_R, ACCESS_FETCH, false],
    ['RW', PTE_R | PTE_W, ACCESS_STORE, true],
    ['RW', PTE_R | PTE_W, ACCESS_FETCH, false],
    ['X', PTE_X, ACCESS_FETCH, true],
    ['X', PTE_X, ACCESS_LOAD, false],
    ['X', PTE_X, ACCESS_STORE, false],
    ['RX', PTE_R | PTE_X, ACCESS_LOAD, true],
    ['RWX', PTE_R | PTE_W | PTE_X, ACCESS_STORE, true],
  ];
  it.each(cases)('%s page, %s: allowed = %s (S on an S page)', (_, flags, access, ok) => {
    const m = machine();
    m.map(VA, DATA, PTE_V | flags);
    expect(tr(m, VA, access)).toEqual(
      ok ? { pa: RAM_BASE } : { fault: PAGE_FAULT[access], tval: VA },
    );
  });

  it('MXR makes execute-only pages readable, not writable', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_X);
    expect(tr(m, VA, ACCESS_LOAD, { mxr: true })).toEqual({ pa: RAM_BASE });
    expect(tr(m, VA, ACCESS_STORE, { mxr: true })).toEqual({
      fault: Exception.StorePageFault,
      tval: VA,
    });
    expect(tr(m, VA, ACCESS_LOAD, { mxr: false })).toEqual({
      fault: Exception.LoadPageFault,
      tval: VA,
    });
  });

  it('U-mode may use only U pages', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_X);
    m.map(VA + 0x1000, DATA + 1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U);
    for (const access of ALL) {
      expect(tr(m, VA, access, { priv: Privilege.U, sum: true })).toEqual({
        fault: PAGE_FAULT[access],
        tval: VA,
      });
      expect(tr(m, VA + 0x1000, access, { priv: Privilege.U })).toEqual({ pa: RAM_BASE + 0x1000 });
    }
  });

  it('S-mode reaches U pages for loads and stores only with SUM, and never executes them', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U);
    for (const access of ALL)
      expect(tr(m, VA, access)).toEqual({ fault: PAGE_FAULT[access], tval: VA });
    expect(tr(m, VA, ACCESS_LOAD, { sum: true })).toEqual({ pa: RAM_BASE });
    expect(tr(m, VA, ACCESS_STORE, { sum: true })).toEqual({ pa: RAM_BASE });
    expect(tr(m, VA, ACCESS_FETCH, { sum: true })).toEqual({
      fault: Exception.InstructionPageFault,
      tval: VA,
    });
  });

  it('MXR with SUM: S reads an execute-only U page', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_X | PTE_U);
    expect(tr(m, VA, ACCESS_LOAD, { sum: true, mxr: true })).toEqual({ pa: RAM_BASE });
    expect(tr(m, VA, ACCESS_LOAD, { sum: false, mxr: true })).toEqual({
      fault: Exception.LoadPageFault,
      tval: VA,
    });
  });

  it('a page fault leaves A and D alone', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R);
    tr(m, VA, ACCESS_STORE);
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(0);
  });
});

describe('Mmu: superpages', () => {
  it('maps 4 MiB with a leaf in the root table', () => {
    const m = machine();
    const root = m.mapSuper(0x4000_0000, 0x80400, PTE_V | PTE_R | PTE_W);
    expect(tr(m, 0x4012_3456, ACCESS_LOAD)).toEqual({ pa: 0x8052_3456 });
    expect(tr(m, 0x403f_fffc, ACCESS_STORE)).toEqual({ pa: 0x807f_fffc });
    expect(m.word(root) & (PTE_A | PTE_D)).toBe(PTE_A | PTE_D);
  });

  it.each([1, 0x200, 0x3ff])('a misaligned superpage (PPN[0] = %i) raises a page fault', (low) => {
    const m = machine();
    m.mapSuper(0x4000_0000, 0x80400 + low, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    for (const access of ALL)
      expect(tr(m, 0x4000_1000, access)).toEqual({ fault: PAGE_FAULT[access], tval: 0x4000_1000 });
  });

  it('produces 34-bit physical addresses, which the bus reports as unmapped', () => {
    const m = machine();
    m.mapSuper(0x4000_0000, 0x3ffc00, PTE_V | PTE_R);
    expect(tr(m, 0x4000_0010, ACCESS_LOAD)).toEqual({ pa: 0x3_ffc0_0010 });
    m.bus.load(0x3_ffc0_0010, 4);
    expect(m.bus.fault).toBe(true);
    expect(m.mmu.translateFast(0x4000_0010, ACCESS_LOAD, Privilege.S, m.sv32(), false, false)).toBe(
      FAST_SLOW,
    );
    expect(m.mmu.paddr).toBe(0x3_ffc0_0010);
  });
});

describe('Mmu: access faults on page-table accesses', () => {
  it.each(KINDS)(
    'a root table in unmapped memory raises the access fault of a $name',
    ({ access }) => {
      const m = machine();
      const s = satp(1, 0, 0x100); // 0x00100000: nothing there
      expect(tr(m, VA, access, { satp: s })).toEqual({ fault: ACCESS_FAULT[access], tval: VA });
    },
  );

  it('a pointer into unmapped memory raises an access fault at the second level', () => {
    const m = machine();
    m.setWord(m.rootEntry(VA), pte(0x40000, PTE_V)); // 0x40000000: unmapped
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ fault: Exception.StoreAccessFault, tval: VA });
  });

  it('page tables in a device region raise access faults (walks need RAM)', () => {
    const m = machine();
    const reads: number[] = [];
    const dev: MmioDevice = {
      name: 'dev',
      size: 0x1000,
      read: (offset: number, _size: AccessSize) => {
        reads.push(offset);
        return 0;
      },
      write: () => {},
    };
    m.bus.mapDevice(0x1000_0000, dev);
    expect(tr(m, VA, ACCESS_FETCH, { satp: satp(1, 0, 0x10000) })).toEqual({
      fault: Exception.InstructionAccessFault,
      tval: VA,
    });
    expect(reads).toEqual([]); // the device saw no access
  });

  it('PMP denying S-mode reads of the page table raises an access fault', () => {
    const m = machine({ closed: true });
    m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    // Entry 0: the data page RW for S; nothing else matches, so the tables are denied to S.
    m.pmp.writeAddr(0, (RAM_BASE + 0x7ff) / 4);
    m.pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R | PMP_W);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ fault: Exception.LoadAccessFault, tval: VA });
    // Even an M-mode caller with MPRV (effective S) walks as S: same fault.
    expect(tr(m, VA, ACCESS_STORE, { priv: Privilege.U })).toEqual({
      fault: Exception.StoreAccessFault,
      tval: VA,
    });
  });

  it('PMP denying the A/D write-back raises an access fault and leaves the PTE alone', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R | PTE_W);
    const table = (leaf & ~0xfff) >>> 0;
    // Entry 0: the leaf table read-only; entry 1: everything else RWX.
    m.pmp.writeAddr(0, (table + 0x7ff) / 4);
    m.pmp.writeAddr(1, 0xffff_ffff);
    m.pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R | (((PMP_NAPOT << 3) | PMP_R | PMP_W | PMP_X) << 8));
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ fault: Exception.LoadAccessFault, tval: VA });
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ fault: Exception.StoreAccessFault, tval: VA });
    expect(m.word(leaf) & (PTE_A | PTE_D)).toBe(0);
    // A locked entry restricting M does not matter: walks are S-mode accesses anyway.
    m.setWord(leaf, m.word(leaf) | PTE_A);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE });
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ fault: Exception.StoreAccessFault, tval: VA });
  });

  it('a TOR entry 0 (lower bound 0) can cover the page tables', () => {
    const m = machine({ closed: true });
    m.map(VA, DATA, PTE_V | PTE_R);
    m.pmp.writeAddr(0, 0xffff_ffff);
    m.pmp.writeCfg(0, (PMP_TOR << 3) | PMP_R | PMP_W | PMP_L);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE });
  });
});

describe('Mmu: TLB', () => {
  it('hits after a miss, and keeps serving a stale PTE until SFENCE.VMA', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R | PTE_W);
    tr(m, VA, ACCESS_LOAD);
    expect([m.mmu.hits, m.mmu.misses]).toEqual([0, 1]);
    tr(m, VA + 0x10, ACCESS_LOAD);
    expect([m.mmu.hits, m.mmu.misses]).toEqual([1, 1]);
    m.setWord(leaf, pte(DATA + 7, PTE_V | PTE_R | PTE_W | PTE_A));
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE }); // stale, as hardware may
    m.mmu.sfenceVma(VA);
    expect(tr(m, VA, ACCESS_LOAD)).toEqual({ pa: RAM_BASE + 7 * 4096 });
  });

  it('never serves a store from an entry whose D is clear: the walk sets D', () => {
    const m = machine();
    const leaf = m.map(VA, DATA, PTE_V | PTE_R | PTE_W);
    tr(m, VA, ACCESS_LOAD);
    expect(m.word(leaf) & PTE_D).toBe(0);
    const misses = m.mmu.misses;
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ pa: RAM_BASE });
    expect(m.mmu.misses).toBe(misses + 1);
    expect(m.word(leaf) & PTE_D).toBe(PTE_D);
    tr(m, VA, ACCESS_STORE);
    expect(m.mmu.misses).toBe(misses + 1); // now a hit
  });

  it('a permission the cached entry refuses walks again and faults', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R);
    tr(m, VA, ACCESS_LOAD);
    expect(tr(m, VA, ACCESS_STORE)).toEqual({ fault: Exception.StorePageFault, tval: VA });
    expect(tr(m, VA, ACCESS_LOAD, { priv: Privilege.U })).toEqual({
      fault: Exception.LoadPageFault,
      tval: VA,
    });
  });

  it('tags entries with the ASID; global entries serve every ASID', () => {
    const m = machine();
    const root2 = m.alloc();
    m.map(VA, DATA + 1, PTE_V | PTE_R);
    m.map(VA, DATA + 2, PTE_V | PTE_R, root2);
    m.map(0x7000_0000, DATA + 3, PTE_V | PTE_R | PTE_G);
    m.map(0x7000_0000, DATA + 3, PTE_V | PTE_R | PTE_G, root2);
    expect(tr(m, VA, ACCESS_LOAD, { satp: m.sv32(1) })).toEqual({ pa: RAM_BASE + 0x1000 });
    expect(tr(m, VA, ACCESS_LOAD, { satp: m.sv32(2, root2) })).toEqual({ pa: RAM_BASE + 0x2000 });
    expect(tr(m, VA, ACCESS_LOAD, { satp: m.sv32(1) })).toEqual({ pa: RAM_BASE + 0x1000 });
    tr(m, 0x7000_0000, ACCESS_LOAD, { satp: m.sv32(1) });
    const misses = m.mmu.misses;
    expect(tr(m, 0x7000_0000, ACCESS_LOAD, { satp: m.sv32(2, root2) })).toEqual({
      pa: RAM_BASE + 0x3000,
    });
    expect(m.mmu.misses).toBe(misses); // the global entry hit under ASID 2
  });

  it('G on the pointer makes the leaf global', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R, m.root, PTE_V | PTE_G);
    tr(m, VA, ACCESS_LOAD, { satp: m.sv32(5) });
    const i = m.mmu.tlb.lookup(VA >>> 12, 9);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(m.mmu.tlb.global[i]).toBe(1);
  });

  it('SFENCE.VMA by ASID flushes that ASID but keeps global entries and other ASIDs', () => {
    const m = machine();
    m.map(0x1000_1000, DATA, PTE_V | PTE_R);
    m.map(0x2000_2000, DATA + 1, PTE_V | PTE_R | PTE_G);
    tr(m, 0x1000_1000, ACCESS_LOAD, { satp: m.sv32(1) });
    tr(m, 0x2000_2000, ACCESS_LOAD, { satp: m.sv32(1) });
    m.map(0x3000_3000, DATA + 2, PTE_V | PTE_R);
    tr(m, 0x3000_3000, ACCESS_LOAD, { satp: m.sv32(2) });
    const tlb = m.mmu.tlb;
    expect(tlb.count()).toBe(3);
    m.mmu.sfenceVma(undefined, 1);
    expect(tlb.lookup(0x1000_1, 1)).toBe(-1);
    expect(tlb.lookup(0x2000_2, 1)).toBeGreaterThanOrEqual(0);
    expect(tlb.lookup(0x3000_3, 2)).toBeGreaterThanOrEqual(0);
    m.mmu.sfenceVma();
    expect(tlb.count()).toBe(0);
  });

  it('SFENCE.VMA by address flushes it in every ASID, global included; with an ASID, spares global', () => {
    const m = machine();
    const root2 = m.alloc();
    m.map(VA, DATA, PTE_V | PTE_R);
    m.map(VA, DATA, PTE_V | PTE_R, root2);
    m.map(VA + 0x1000, DATA, PTE_V | PTE_R | PTE_G);
    tr(m, VA, ACCESS_LOAD, { satp: m.sv32(1) });
    tr(m, VA, ACCESS_LOAD, { satp: m.sv32(2, root2) }); // same slot: replaces ASID 1's entry
    const tlb = m.mmu.tlb;
    expect(tlb.lookup(VA >>> 12, 2)).toBeGreaterThanOrEqual(0);
    tr(m, VA + 0x1000, ACCESS_LOAD, { satp: m.sv32(1) });
    m.mmu.sfenceVma(VA + 0x1000, 1); // global: spared
    expect(tlb.lookup((VA >>> 12) + 1, 1)).toBeGreaterThanOrEqual(0);
    m.mmu.sfenceVma(VA, 1); // ASID 1 has no entry for VA: nothing happens
    expect(tlb.lookup(VA >>> 12, 2)).toBeGreaterThanOrEqual(0);
    m.mmu.sfenceVma(VA, 2);
    expect(tlb.lookup(VA >>> 12, 2)).toBe(-1);
    m.mmu.sfenceVma(VA + 0x1fff); // by address only: global flushed too
    expect(tlb.lookup((VA >>> 12) + 1, 1)).toBe(-1);
  });

  it('SFENCE.VMA of one address flushes every cached piece of its superpage', () => {
    const m = machine();
    m.mapSuper(0x4000_0000, 0x80000, PTE_V | PTE_R);
    tr(m, 0x4000_0000, ACCESS_LOAD);
    tr(m, 0x4000_1000, ACCESS_LOAD);
    tr(m, 0x403f_f000, ACCESS_LOAD);
    m.map(0x4040_5000, DATA, PTE_V | PTE_R);
    tr(m, 0x4040_5000, ACCESS_LOAD);
    expect(m.mmu.tlb.count()).toBe(4);
    m.mmu.sfenceVma(0x4020_0000);
    expect(m.mmu.tlb.count()).toBe(1); // the 4 KiB page next door stays
  });
});

describe('Mmu.translateFast', () => {
  it('returns RAM offsets usable with the typed views', () => {
    const m = machine();
    m.map(VA, DATA + 3, PTE_V | PTE_R | PTE_W);
    m.ram.write(3 * 4096 + 8, 4, 0x1122_3344);
    const off = m.mmu.translateFast(VA + 8, ACCESS_LOAD, Privilege.S, m.sv32(), false, false);
    expect(off).toBe(3 * 4096 + 8);
    expect(m.ram.i32[off >> 2]).toBe(0x1122_3344);
    expect(m.mmu.paddr).toBe(RAM_BASE + 3 * 4096 + 8);
    // Bare and M-mode: identity, resolved through the bus.
    expect(
      m.mmu.translateFast(RAM_BASE + 12, ACCESS_FETCH, Privilege.M, m.sv32(), false, false),
    ).toBe(12);
    expect(m.mmu.translateFast(RAM_BASE + 12, ACCESS_STORE, Privilege.S, 0, false, false)).toBe(12);
  });

  it('signals faults through the fields', () => {
    const m = machine();
    expect(m.mmu.translateFast(VA, ACCESS_STORE, Privilege.U, m.sv32(), false, false)).toBe(
      FAST_FAULT,
    );
    expect([m.mmu.cause, m.mmu.tval]).toEqual([Exception.StorePageFault, VA]);
  });

  it('sends device pages and pages PMP does not fully grant to the slow path', () => {
    const m = machine({ closed: true });
    const dev: MmioDevice = { name: 'd', size: 0x100, read: () => 0, write: () => {} };
    m.bus.mapDevice(0x1000_0000, dev);
    expect(m.mmu.translateFast(0x1000_0000, ACCESS_LOAD, Privilege.M, 0, false, false)).toBe(
      FAST_SLOW,
    );
    expect(m.mmu.paddr).toBe(0x1000_0000);
    // No PMP entry: M may access RAM directly, S may not.
    expect(m.mmu.translateFast(RAM_BASE, ACCESS_LOAD, Privilege.M, 0, false, false)).toBe(0);
    expect(m.mmu.translateFast(RAM_BASE, ACCESS_LOAD, Privilege.S, 0, false, false)).toBe(
      FAST_SLOW,
    );
    // An entry covering half a page: slow path, where Pmp.check decides per access.
    m.pmp.writeAddr(0, (RAM_BASE + 0x3ff) / 4);
    m.pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R);
    expect(m.mmu.translateFast(RAM_BASE + 4, ACCESS_LOAD, Privilege.S, 0, false, false)).toBe(
      FAST_SLOW,
    );
    expect(m.pmp.check(m.mmu.paddr, 4, ACCESS_LOAD, Privilege.S)).toBe(true);
    expect(m.mmu.translateFast(RAM_BASE + 0x800, ACCESS_LOAD, Privilege.S, 0, false, false)).toBe(
      FAST_SLOW,
    );
    expect(m.pmp.check(m.mmu.paddr, 4, ACCESS_LOAD, Privilege.S)).toBe(false);
  });

  it('notices PMP writes and new bus mappings', () => {
    const m = machine();
    m.map(VA, DATA, PTE_V | PTE_R | PTE_W | PTE_U);
    const s = m.sv32();
    expect(m.mmu.translateFast(VA, ACCESS_STORE, Privilege.U, s, false, false)).toBe(0);
    // Revoke W for U on all of memory (entry 0 stays NAPOT-all, now R only for the data page...).
    m.pmp.writeCfg(0, (PMP_NAPOT << 3) | PMP_R);
    expect(m.mmu.translateFast(VA, ACCESS_STORE, Privilege.U, s, false, false)).toBe(FAST_SLOW);
    expect(m.mmu.translateFast(VA, ACCESS_LOAD, Privilege.U, s, false, false)).toBe(0);
    const gen = m.bus.generation;
    m.bus.mapDevice(0x0010_0000, { name: 't', size: 4, read: () => 0, write: () => {} });
    expect(m.bus.generation).toBe(gen + 1);
    expect(m.mmu.translateFast(0x0010_0000, ACCESS_LOAD, Privilege.M, 0, false, false)).toBe(
      FAST_SLOW,
    );
  });
});
