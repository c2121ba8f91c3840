import { assemble } from '../../src/assembler/assembler.js';
import { Hart } from '../../src/hart/hart.js';
import { type AccessKind, fetchParcels, type HartMemory } from '../../src/hart/memory.js';

export const BASE = 0x80000000;
const SIZE = 0x10000;

/** A flat RAM at BASE for hart tests: accesses outside it fault with the access kind's cause. */
export class FlatMemory implements HartMemory {
  fault = -1;
  readonly bytes = new Uint8Array(SIZE);
  fencesI = 0;
  fencesVma: [number | undefined, number | undefined][] = [];
  read(vaddr: number, size: 1 | 2 | 4, kind: AccessKind): number {
    const at = vaddr - BASE;
    if (at < 0 || at + size > SIZE) {
      this.fault = kind === 0 ? 1 : kind === 1 ? 5 : 7;
      return 0;
    }
    this.fault = -1;
    let value = 0;
    for (let k = size - 1; k >= 0; k--) value = value * 256 + (this.bytes[at + k] as number);
    return value;
  }
  fetch(pc: number): number {
    return fetchParcels(this, pc);
  }
  write(vaddr: number, size: 1 | 2 | 4, value: number): void {
    const at = vaddr - BASE;
    if (at < 0 || at + size > SIZE) {
      this.fault = 7;
      return;
    }
    this.fault = -1;
    for (let k = 0; k < size; k++) this.bytes[at + k] = (value >>> (8 * k)) & 0xff;
  }
  fenceVma(vaddr: number | undefined, asid: number | undefined): void {
    this.fencesVma.push([vaddr, asid]);
  }
  fenceI(): void {
    this.fencesI++;
  }
}

/** A hart running `source` (assembled at BASE), with counters that count retired instructions. */
export function hartWith(source: string): {
  hart: Hart;
  memory: FlatMemory;
  symbol: (name: string) => number;
} {
  const memory = new FlatMemory();
  const result = assemble(source, { textAddress: BASE });
  for (const section of result.sections) memory.bytes.set(section.bytes, section.address - BASE);
  const external = {
    read: (csr: number) => (csr === 0xb02 || csr === 0xc02 ? hart.retired : undefined),
    write: () => false,
  };
  const hart = new Hart(memory, external);
  hart.pc = result.entry;
  const symbols = new Map(result.symbols.map((s) => [s.name, s.value]));
  return { hart, memory, symbol: (name) => symbols.get(name) as number };
}

/** Steps until the pc reaches `address` or `limit` steps pass; returns the steps taken. */
export function runTo(hart: Hart, address: number, limit = 10000): number {
  let steps = 0;
  while (hart.pc !== address && steps < limit) {
    hart.step();
    steps++;
  }
  if (hart.pc !== address)
    throw new Error(`pc 0x${hart.pc.toString(16)} never reached 0x${address.toString(16)}`);
  return steps;
}
