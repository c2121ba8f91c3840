/**
 * The memory path (core-memory.ts): misaligned accesses split into bytes (and all or nothing
 * when one faults), RAM offsets and slow-path accounting, fetches across a page, the cached
 * fetch page dropped when PMP changes, FENCE.I and the A/D side effects of `touch`.
 */
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Exception } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { makeRig, PROBE_BASE, RAM_BASE, RAM_SIZE } from './support.js';

const END = RAM_BASE + RAM_SIZE;

function memory() {
  const rig = makeRig('interpreter');
  return { rig, m: rig.core.memory };
}

describe('CoreMemory', () => {
  it('splits misaligned loads and stores into bytes, in a page and across pages', () => {
    const { rig, m } = memory();
    m.write(0x8000_0ffe, 4, 0x1122_3344);
    expect(m.fault).toBe(-1);
    expect(rig.ram.readBytes(0x8000_0ffe, 4)).toEqual(new Uint8Array([0x44, 0x33, 0x22, 0x11]));
    expect(m.read(0x8000_0ffe, 4, ACCESS_LOAD) >>> 0).toBe(0x1122_3344);
    expect(m.read(0x8000_0fff, 2, ACCESS_LOAD)).toBe(0x2233);
    expect(m.read(0x8000_0ffd, 4, ACCESS_LOAD) >>> 0).toBe(0x2233_4400);
    m.write(0x8000_0001, 2, 0xbeef);
    expect(m.read(0x8000_0000, 4, ACCESS_LOAD) >>> 0).toBe(0x00be_ef00);
    expect(m.fault).toBe(-1);
  });

  // QEMU 7.2 does the same (checked with qemu-system-riscv32 -M virt: `sw` of 0x11223344 at the
  // last two bytes of RAM raises cause 7 and leaves 0x44 0x33 there): translation and PMP are
  // probed for every byte first, but a byte that reaches nothing on the bus faults only as it
  // is written, after the bytes before it.
  it('a misaligned store running off the end of RAM writes the bytes in RAM, then faults', () => {
    const { rig, m } = memory();
    rig.ram.loadBytes(END - 2, new Uint8Array([0xaa, 0xbb]));
    m.write(END - 2, 4, 0x1122_3344);
    expect(m.fault).toBe(Exception.StoreAccessFault);
    expect(rig.ram.readBytes(END - 2, 2)).toEqual(new Uint8Array([0x44, 0x33]));
    expect(m.read(END - 2, 4, ACCESS_LOAD)).toBe(0);
    expect(m.fault).toBe(Exception.LoadAccessFault);
  });

  it('reports the RAM offset of aligned RAM accesses; device accesses take the slow path', () => {
    const { rig, m } = memory();
    const slow = m.slowAccesses;
    m.write(0x8000_0010, 4, 7);
    expect(m.lastOffset).toBe(0x10);
    expect(m.read(0x8000_0010, 4, ACCESS_LOAD)).toBe(7);
    expect(m.lastOffset).toBe(0x10);
    expect(m.slowAccesses).toBe(slow);
    expect(m.read(PROBE_BASE, 4, ACCESS_LOAD)).toBe(0);
    expect(m.lastOffset).toBeLessThan(0);
    expect(m.slowAccesses).toBe(slow + 1);
    m.write(PROBE_BASE + 4, 4, 5);
    expect(m.slowAccesses).toBe(slow + 2);
    expect(rig.probe.log).toEqual(['r4@0 t=0', 'w4@4=5 t=0']);
    expect(m.fault).toBe(-1);
  });

  it('fetches a 32-bit instruction whose second half is on a page that is not there', () => {
    const { rig, m } = memory();
    rig.ram.loadBytes(END - 2, new Uint8Array([0x13, 0x05])); // low half of a 32-bit ADDI
    expect(m.fetch(END - 2)).toBe(END);
    expect(m.fault).toBe(Exception.InstructionAccessFault);
    rig.ram.loadBytes(END - 2, new Uint8Array([0x05, 0x05])); // c.addi a0, 1
    expect(m.fetch(END - 2)).toBe(0x0505);
    expect(m.fault).toBe(-1);
    expect(m.fetchOffset(END - 2)).toBe(RAM_SIZE - 2);
    expect(m.fetchOffset(END)).toBe(-1);
  });

  it('fetches again through PMP after PMP changes (the cached fetch page is dropped)', () => {
    const { rig, m } = memory();
    rig.ram.loadBytes(RAM_BASE, new Uint8Array([0x13, 0x05, 0x15, 0x00])); // addi a0, a0, 1
    expect(m.fetch(RAM_BASE)).toBe(0x0015_0513);
    expect(m.fault).toBe(-1);
    // Entry 0, locked, NAPOT over everything, read and write but no execute: M-mode too.
    rig.pmp.writeCsr(0x3b0, 0xffff_ffff);
    rig.pmp.writeCsr(0x3a0, 0x80 | 0x18 | 0x3);
    m.fetch(RAM_BASE);
    expect(m.fault).toBe(Exception.InstructionAccessFault);
    expect(m.read(RAM_BASE, 4, ACCESS_LOAD)).toBe(0x0015_0513);
  });

  it('FENCE.I reaches onFenceI', () => {
    const { m } = memory();
    let fences = 0;
    m.onFenceI = () => {
      fences++;
    };
    m.fenceI();
    expect(fences).toBe(1);
  });

  it('touch translates without accessing: the walk sets A (and D for a store)', () => {
    const { rig, m } = memory();
    const hart = rig.core.hart;
    // PMP open to S-mode; root table at 0x80010000 maps virtual 0x40000000 to 0x80012000.
    rig.pmp.writeCsr(0x3b0, 0xffff_ffff);
    rig.pmp.writeCsr(0x3a0, 0x1f);
    const root = 0x8001_0000;
    const leafTable = 0x8001_1000;
    const word = (v: number) => new Uint8Array(new Uint32Array([v >>> 0]).buffer);
    rig.ram.loadBytes(root + 0x100 * 4, word(((leafTable >>> 12) << 10) | 1));
    rig.ram.loadBytes(leafTable, word(((0x8001_2000 >>> 12) << 10) | 0x07)); // V R W, no A/D
    hart.privilege = 1;
    hart.csr.satp = (0x8000_0000 | (root >>> 12)) >>> 0;
    const pte = () => rig.ram.read(leafTable - RAM_BASE, 4);
    m.touch?.(0x4000_0010, 4, ACCESS_LOAD);
    expect(pte() & 0xc0).toBe(0x40);
    m.touch?.(0x4000_0010, 4, ACCESS_STORE);
    expect(pte() & 0xc0).toBe(0xc0);
    expect(rig.ram.read(0x12010, 4)).toBe(0);
    expect(m.fault).toBe(-1);
    expect(m.read(0x4000_0010, 4, ACCESS_LOAD)).toBe(0);
    expect(m.fetchOffset(0x4000_0000)).toBe(-1); // not executable
    expect(ACCESS_FETCH).toBe(0);
  });
});
