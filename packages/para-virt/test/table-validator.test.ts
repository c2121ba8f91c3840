import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, pte, Ram } from '@trapeze/mmu';
import { describe, expect, it } from 'vitest';
import {
  ParaVirtError,
  SBI_ERR_ALREADY_AVAILABLE,
  SBI_ERR_DENIED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_SUCCESS,
  TableValidator,
  TRPZ_MMU_BATCH_MAX,
} from '../src/index.js';

const BASE = 0x8000_0000;
const DEVICE = 0x1000_1000;
/** Physical address of RAM frame `n`. */
const frame = (n: number) => BASE + n * 4096;
/** A leaf entry mapping RAM frame `n`. */
const leaf = (n: number, flags: number) => pte((BASE >>> 12) + n, PTE_V | flags);
/** A root's pointer to the leaf table in RAM frame `n`. */
const link = (n: number) => pte((BASE >>> 12) + n, PTE_V);

function setup(frames = 16) {
  const ram = new Ram(BASE, frames * 4096);
  const tables = new TableValidator(ram, [{ start: DEVICE, end: DEVICE + 0x8000 }]);
  return { ram, tables };
}

describe('TableValidator', () => {
  it('pins empty tables, links a leaf table into a root and makes it the active root', () => {
    const { ram, tables } = setup();
    expect(tables.pin(frame(0), 1)).toBe(SBI_SUCCESS);
    expect(tables.pin(frame(1), 0)).toBe(SBI_SUCCESS);
    expect(tables.update(frame(0), link(1))).toBe(SBI_SUCCESS);
    expect(ram.read(0, 4)).toBe(link(1));
    expect(tables.setRoot(frame(0))).toBe(SBI_SUCCESS);
    expect(tables.root).toBe(frame(0));
    expect(tables.kindOf(frame(0))).toBe('root');
    expect(tables.kindOf(frame(1))).toBe('leaf');
    expect(tables.tableReferences(frame(1))).toBe(2); // the pin and the link
    expect(tables.tableReferences(frame(0))).toBe(2); // the pin and the active root
    expect(tables.audit()).toEqual([]);
  });

  it('refuses a writable mapping of a page table, its own frame or another', () => {
    const { ram, tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    tables.update(frame(0), link(1));
    expect(tables.update(frame(1) + 8, leaf(1, PTE_R | PTE_W))).toBe(SBI_ERR_DENIED);
    expect(tables.update(frame(1) + 8, leaf(0, PTE_R | PTE_W))).toBe(SBI_ERR_DENIED);
    expect(ram.read(4096 + 8, 4)).toBe(0);
    // Read-only mappings of tables are fine: the kernel reads its tables that way.
    expect(tables.update(frame(1) + 8, leaf(0, PTE_R))).toBe(SBI_SUCCESS);
    expect(tables.audit()).toEqual([]);
  });

  it('refuses to make a frame a table while a leaf maps it writable, and allows it after', () => {
    const { tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    tables.update(frame(0), link(1));
    expect(tables.update(frame(1), leaf(5, PTE_R | PTE_W))).toBe(SBI_SUCCESS);
    expect(tables.writableReferences(frame(5))).toBe(1);
    expect(tables.pin(frame(5), 0)).toBe(SBI_ERR_DENIED);
    expect(tables.update(frame(0) + 4, link(5))).toBe(SBI_ERR_DENIED);
    // Remap it read-only, then it may become a table.
    expect(tables.update(frame(1), leaf(5, PTE_R))).toBe(SBI_SUCCESS);
    expect(tables.writableReferences(frame(5))).toBe(0);
    expect(tables.update(frame(0) + 4, link(5))).toBe(SBI_SUCCESS);
    expect(tables.kindOf(frame(5))).toBe('leaf');
    expect(tables.audit()).toEqual([]);
  });

  it('validates a table written as plain memory when it is pinned, and rolls back a refusal', () => {
    const { ram, tables } = setup();
    // A leaf table prepared in plain memory: two good entries, then one that maps itself writable.
    ram.write(3 * 4096, 4, leaf(7, PTE_R | PTE_W));
    ram.write(3 * 4096 + 4, 4, leaf(8, PTE_R | PTE_X));
    ram.write(3 * 4096 + 8, 4, leaf(3, PTE_R | PTE_W));
    expect(tables.pin(frame(3), 0)).toBe(SBI_ERR_DENIED);
    expect(tables.kindOf(frame(3))).toBe('plain');
    expect(tables.writableReferences(frame(7))).toBe(0);
    ram.write(3 * 4096 + 8, 4, 0);
    expect(tables.pin(frame(3), 0)).toBe(SBI_SUCCESS);
    expect(tables.writableReferences(frame(7))).toBe(1);
    expect(tables.pin(frame(3), 0)).toBe(SBI_ERR_ALREADY_AVAILABLE);
    expect(tables.audit()).toEqual([]);
  });

  it('refuses a root linked as a leaf table, a leaf table pinned as a root and a self-link', () => {
    const { ram, tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    expect(tables.update(frame(0), link(0))).toBe(SBI_ERR_DENIED);
    expect(tables.pin(frame(2), 1)).toBe(SBI_SUCCESS);
    expect(tables.update(frame(0), link(2))).toBe(SBI_ERR_DENIED);
    expect(tables.setRoot(frame(1))).toBe(SBI_ERR_INVALID_PARAM);
    // A root prepared in memory that links itself.
    ram.write(4 * 4096 + 16, 4, link(4));
    expect(tables.pin(frame(4), 1)).toBe(SBI_ERR_DENIED);
    expect(tables.audit()).toEqual([]);
  });

  it('refuses what Sv32 or version 1 of the ABI does not allow', () => {
    const { tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    tables.update(frame(0), link(1));
    const slot = frame(1) + 12;
    expect(tables.update(slot, leaf(2, PTE_W))).toBe(SBI_ERR_INVALID_PARAM); // W without R
    expect(tables.update(frame(0) + 4, leaf(2, PTE_R))).toBe(SBI_ERR_INVALID_PARAM); // megapage
    expect(tables.update(frame(0) + 4, link(2) | PTE_U)).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(frame(0) + 4, link(2) | PTE_A)).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(frame(0) + 4, link(2) | PTE_D)).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(slot, link(2))).toBe(SBI_ERR_INVALID_PARAM); // non-leaf in a leaf table
    // Outside RAM: the CLINT, past RAM, above 2^32 (a 22-bit PPN); a device frame is fine.
    expect(tables.update(slot, pte(0x02000, PTE_V | PTE_R | PTE_W))).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(slot, leaf(16, PTE_R))).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(slot, pte(0x3f_ffff, PTE_V | PTE_R))).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.update(slot, pte(DEVICE >>> 12, PTE_V | PTE_R | PTE_W))).toBe(SBI_SUCCESS);
    expect(tables.update(frame(0) + 4, pte(0x80040, PTE_V))).toBe(SBI_ERR_INVALID_PARAM);
    // An invalid entry may hold anything else.
    expect(tables.update(slot + 4, 0xffff_fffe)).toBe(SBI_SUCCESS);
    expect(tables.audit()).toEqual([]);
  });

  it('refuses updates outside tables and bad call arguments, changing nothing', () => {
    const { ram, tables } = setup();
    tables.pin(frame(1), 0);
    expect(tables.update(frame(5), leaf(2, PTE_R))).toBe(SBI_ERR_INVALID_PARAM); // plain frame
    expect(tables.update(frame(1) + 2, leaf(2, PTE_R))).toBe(SBI_ERR_INVALID_PARAM); // misaligned
    expect(tables.update(0x1000, leaf(2, PTE_R))).toBe(SBI_ERR_INVALID_PARAM); // not RAM
    expect(tables.update(Number.NaN, 0)).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.pin(frame(2) + 4, 0)).toBe(SBI_ERR_INVALID_ADDRESS);
    expect(tables.pin(0x1000_0000, 0)).toBe(SBI_ERR_INVALID_ADDRESS);
    expect(tables.pin(frame(2), 2)).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.unpin(frame(2))).toBe(SBI_ERR_INVALID_PARAM);
    expect(tables.setRoot(frame(2))).toBe(SBI_ERR_INVALID_PARAM);
    expect(ram.read(5 * 4096, 4)).toBe(0);
    expect(tables.audit()).toEqual([]);
  });

  it('lets go of a table when its last reference goes, with the references its entries held', () => {
    const { tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    tables.update(frame(0), link(1));
    tables.update(frame(1), leaf(6, PTE_R | PTE_W));
    expect(tables.unpin(frame(1))).toBe(SBI_SUCCESS);
    expect(tables.kindOf(frame(1))).toBe('leaf'); // still linked from the root
    expect(tables.update(frame(0), 0)).toBe(SBI_SUCCESS);
    expect(tables.kindOf(frame(1))).toBe('plain');
    expect(tables.writableReferences(frame(6))).toBe(0);
    // The active root stays a table after its pin goes, until another root is active.
    tables.setRoot(frame(0));
    tables.unpin(frame(0));
    expect(tables.kindOf(frame(0))).toBe('root');
    tables.pin(frame(2), 1);
    tables.setRoot(frame(2));
    expect(tables.kindOf(frame(0))).toBe('plain');
    expect(tables.audit()).toEqual([]);
  });

  it('applies a batch in order up to its first refused entry', () => {
    const { ram, tables } = setup();
    tables.pin(frame(0), 1);
    tables.pin(frame(1), 0);
    const batch = frame(9);
    const entries = [
      [frame(0), link(1)],
      [frame(1), leaf(4, PTE_R | PTE_W)],
      [frame(1) + 4, leaf(1, PTE_R | PTE_W)], // refused: the table itself
      [frame(1) + 8, leaf(5, PTE_R)],
    ];
    entries.forEach(([slot, value], i) => {
      ram.write(9 * 4096 + i * 8, 4, slot as number);
      ram.write(9 * 4096 + i * 8 + 4, 4, value as number);
    });
    expect(tables.updateBatch(batch, 4)).toEqual({ error: SBI_ERR_DENIED, applied: 2 });
    expect(ram.read(4096, 4)).toBe(leaf(4, PTE_R | PTE_W));
    expect(ram.read(4096 + 8, 4)).toBe(0);
    expect(tables.updateBatch(batch, 2)).toEqual({ error: SBI_SUCCESS, applied: 2 });
    expect(tables.updateBatch(batch + 4, 1)).toEqual({
      error: SBI_ERR_INVALID_ADDRESS,
      applied: 0,
    });
    expect(tables.updateBatch(frame(15) + 4088, 2)).toEqual({
      error: SBI_ERR_INVALID_ADDRESS,
      applied: 0,
    });
    expect(tables.updateBatch(batch, TRPZ_MMU_BATCH_MAX + 1)).toEqual({
      error: SBI_ERR_INVALID_PARAM,
      applied: 0,
    });
    expect(tables.updateBatch(batch, 0)).toEqual({ error: SBI_SUCCESS, applied: 0 });
    expect(tables.audit()).toEqual([]);
  });

  it('reports counts that do not match the tables (audit finds a planted write)', () => {
    const { ram, tables } = setup();
    tables.pin(frame(1), 0);
    ram.write(4096, 4, leaf(1, PTE_R | PTE_W)); // behind the validator's back
    expect(tables.audit()).toEqual([
      'frame 1: 0 writable references counted, 1 found',
      'frame 1: a page table mapped writable',
    ]);
  });

  it('rejects device ranges that are not whole pages outside RAM', () => {
    const ram = new Ram(BASE, 4 * 4096);
    expect(() => new TableValidator(ram, [{ start: DEVICE + 1, end: DEVICE + 4096 }])).toThrow(
      ParaVirtError,
    );
    expect(() => new TableValidator(ram, [{ start: BASE, end: BASE + 4096 }])).toThrow(
      /outside RAM/,
    );
    expect(() => new TableValidator(ram, [{ start: DEVICE, end: DEVICE }])).toThrow(ParaVirtError);
  });
});
