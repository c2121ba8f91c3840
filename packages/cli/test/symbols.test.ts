import { describe, expect, it } from 'vitest';
import { SymbolTable } from '../src/symbols.js';

const sections = [
  { index: 1, name: '.text', address: 0x1000, size: 0x100 },
  { index: 2, name: '.data', address: 0x2000, size: 0x10 },
];
const symbol = (name: string, value: number, section: number, global = false) => ({
  name,
  value,
  size: 0,
  global,
  section,
});

describe('SymbolTable', () => {
  const table = new SymbolTable(sections, [
    symbol('local_start', 0x1000, 1),
    symbol('_start', 0x1000, 1, true),
    symbol('loop', 0x1010, 1),
    symbol('$x', 0x1020, 1),
    symbol('', 0x1000, 1),
    symbol('table', 0x2000, 2),
  ]);

  it('labels an address with a global symbol first', () => {
    expect(table.labelAt(1, 0x1000)).toBe('_start');
    expect(table.labelAt(1, 0x1010)).toBe('loop');
    expect(table.labelAt(1, 0x1020)).toBeUndefined(); // mapping symbols are not labels
    expect(table.labelAt(2, 0x1010)).toBeUndefined();
  });

  it('describes an address by the closest symbol at or before it', () => {
    expect(table.describe(0x1000)).toBe('_start');
    expect(table.describe(0x100c)).toBe('_start+0xc');
    expect(table.describe(0x1024)).toBe('loop+0x14');
    expect(table.describe(0x2004)).toBe('table+0x4');
    expect(table.describe(0x3000)).toBeUndefined();
  });

  it('falls back to the section name, preferring the section asked for', () => {
    const object = new SymbolTable(
      [
        { index: 1, name: '.text', address: 0, size: 0x20 },
        { index: 2, name: '.init', address: 0, size: 0x20 },
      ],
      [],
    );
    expect(object.describe(0x8)).toBe('.text+0x8');
    expect(object.describe(0x8, 2)).toBe('.init+0x8');
  });
});
