/**
 * Symbols of an ELF file for listings: the `<name>:` label printed at a symbol's address and
 * the `<name+0x10>` annotation of branch and jump targets, as `llvm-objdump` prints them.
 *
 * @module
 */
import type { ElfSymbol } from '@trapeze/isa';
import { hex } from './numbers.js';

/** A section that symbols may point into. */
export interface SymbolSection {
  /** Index in the ELF section header table (what `ElfSymbol.section` refers to). */
  readonly index: number;
  readonly name: string;
  readonly address: number;
  readonly size: number;
}

interface Entry {
  readonly name: string;
  readonly value: number;
  readonly global: boolean;
  readonly order: number;
}

/** Whether `a` is preferred over `b` as the name of an address: globals first, then table order. */
function isPreferred(a: Entry, b: Entry): boolean {
  return a.global !== b.global ? a.global : a.order < b.order;
}

/** The symbols of a file, indexed by section. */
export class SymbolTable {
  private readonly bySection = new Map<number, Entry[]>();

  constructor(
    private readonly sections: readonly SymbolSection[],
    symbols: readonly ElfSymbol[],
  ) {
    symbols.forEach((symbol, order) => {
      // Unnamed (section, file) symbols and RISC-V mapping symbols ($x, $d) are not labels.
      if (symbol.name === '' || symbol.name.startsWith('$')) return;
      const list = this.bySection.get(symbol.section) ?? [];
      list.push({ name: symbol.name, value: symbol.value >>> 0, global: symbol.global, order });
      this.bySection.set(symbol.section, list);
    });
    for (const list of this.bySection.values()) {
      list.sort((a, b) => a.value - b.value || (isPreferred(a, b) ? -1 : 1));
    }
  }

  /** The name to print as a label at `address` of section `index`, if a symbol is there. */
  labelAt(index: number, address: number): string | undefined {
    return this.bySection.get(index)?.find((s) => s.value === address)?.name;
  }

  /**
   * `name` or `name+0xoffset` for an address: the closest symbol at or before it in the
   * section that contains it, else the section name and the offset in it. When sections
   * overlap (a relocatable file has them all at 0), section `preferred` wins.
   */
  describe(address: number, preferred?: number): string | undefined {
    const target = address >>> 0;
    const contains = (s: SymbolSection) =>
      target >= s.address && target < s.address + Math.max(s.size, 1);
    const section =
      this.sections.find((s) => s.index === preferred && contains(s)) ??
      this.sections.find(contains);
    if (section === undefined) return undefined;
    let best: Entry | undefined;
    for (const entry of this.bySection.get(section.index) ?? []) {
      if (entry.value > target) break;
      if (best === undefined || entry.value > best.value) best = entry;
    }
    const [name, base] =
      best === undefined ? [section.name, section.address] : [best.name, best.value];
    const offset = target - base;
    return offset === 0 ? name : `${name}+0x${hex(offset, 1)}`;
  }
}
