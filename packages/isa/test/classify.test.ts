import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { anyInstruction } from '../src/arbitraries.js';
import { assemble } from '../src/assembler/assembler.js';
import { classify, type PrivilegeMode } from '../src/classify.js';
import { decode } from '../src/decoder.js';
import { encode } from '../src/encoder.js';
import { INSTRUCTIONS } from '../src/table/index.js';

function classOf(source: string, mode: PrivilegeMode): string {
  const bytes = assemble(`.option norvc\n${source}`, { textAddress: 0 }).sections[0]
    ?.bytes as Uint8Array;
  const word = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const c = classify(decode(word), mode);
  return `${c.class}/${c.traps}`;
}

describe('classify', () => {
  it('makes every xRET, WFI, SFENCE.VMA and privileged CSR access trap in U-mode', () => {
    for (const source of [
      'mret',
      'sret',
      'wfi',
      'sfence.vma',
      'csrr a0, mstatus',
      'csrw satp, a0',
      'csrr a0, sstatus',
      'csrw mtvec, a0',
    ]) {
      expect(classOf(source, 'U'), source).toBe('privileged/always');
    }
  });

  it('follows the configurable traps of S-mode', () => {
    expect(classOf('wfi', 'S')).toBe('sensitive/configurable');
    expect(classOf('sfence.vma', 'S')).toBe('sensitive/configurable');
    expect(classOf('sret', 'S')).toBe('sensitive/configurable');
    expect(classOf('csrr a0, satp', 'S')).toBe('sensitive/configurable');
    expect(classOf('mret', 'S')).toBe('privileged/always');
    expect(classOf('csrr a0, sstatus', 'S')).toBe('sensitive/never');
  });

  it('treats counters as sensitive unless the counter-enable CSRs make them trap', () => {
    const c = classify(decode(0xc0102573), 'U'); // rdtime a0
    expect([c.class, c.traps, c.trapControl]).toEqual([
      'sensitive',
      'configurable',
      'mcounteren/scounteren',
    ]);
    expect(classOf('rdcycle a0', 'M')).toBe('sensitive/never');
  });

  it('makes writes to read-only CSRs trap everywhere', () => {
    expect(classOf('csrw mhartid, a0', 'M')).toBe('privileged/always');
    expect(classOf('csrr a0, mhartid', 'M')).toBe('sensitive/never');
  });

  it('calls ordinary computation, memory access and fences innocuous', () => {
    for (const source of [
      'add a0, a1, a2',
      'lw a0, 0(a1)',
      'amoadd.w a0, a1, (a2)',
      'lr.w a0, (a1)',
      'fence',
      'fence.i',
      'jal ra, 0',
      'csrr a0, fcsr',
    ]) {
      expect(classOf(source, 'U'), source).toBe('innocuous/never');
    }
    expect(classOf('ecall', 'U')).toBe('privileged/always');
  });

  prop.prop([anyInstruction(), fc.constantFrom<PrivilegeMode>('U', 'S', 'M')])(
    'is never innocuous for an instruction that touches privileged state, and never traps less in a lower mode',
    (fields, mode) => {
      const i = decode(encode(fields));
      const c = classify(i, mode);
      if (c.class === 'innocuous') expect(c.sensitivity).toBeNull();
      if (c.class === 'privileged') expect(c.traps).toBe('always');
      const u = classify(i, 'U');
      // Popek–Goldberg for RV32: whatever is sensitive in U-mode traps there, or traps under hypervisor control.
      if (u.sensitivity !== null) expect(u.traps === 'always' || u.trapControl !== null).toBe(true);
    },
  );

  it('classifies every table entry in every mode without throwing', () => {
    for (const spec of INSTRUCTIONS) {
      for (const mode of ['U', 'S', 'M'] as const) {
        const i = decode(spec.match | (spec.size === 2 ? 0 : 0));
        expect(() => classify(i, mode)).not.toThrow();
      }
    }
  });
});
