/**
 * The program harness on the bare machine: programs are assembled with `harnessSource`, run on
 * `VirtMachine` directly (not through the engine adapters), and their dumps are checked against
 * values computed here, independently of the guest.
 */
import { BufferBackend } from '@trapeze/devices';
import { assemble } from '@trapeze/isa';
import { VirtMachine } from '@trapeze/machine';
import { describe, expect, it } from 'vitest';
import { COUNTER_CSRS, GUEST_CSRS } from '../src/contract.js';
import { type ParsedDump, parseDumpStrict } from '../src/dump.js';
import { fnv1a32 } from '../src/engines/fnv.js';
import {
  buildImage,
  buildProgram,
  DUMP_CSRS,
  dataPatternWord,
  END_MAGIC,
  type HarnessProgram,
  harnessSource,
  initialDataPage,
  initialRegister,
  TRAP_LIMIT,
} from '../src/harness.js';

function symbols(program: HarnessProgram): Map<string, number> {
  const result = assemble(harnessSource(program));
  return new Map(result.symbols.map((s) => [s.name, s.value >>> 0]));
}

function runBare(
  program: HarnessProgram,
  patch?: (m: VirtMachine) => void,
): { dump: ParsedDump; text: string; machine: VirtMachine } {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ serial });
  machine.loadElf(buildProgram(program).elf);
  patch?.(machine);
  const exit = machine.run(5_000_000);
  expect(exit.kind).toBe('pass');
  const text = serial.text();
  return { dump: parseDumpStrict(text), text, machine };
}

function fnvOfWords(words: Map<number, number>): number {
  const page = initialDataPage();
  const view = new DataView(page.buffer);
  for (const [offset, value] of words) view.setUint32(offset, value, true);
  return fnv1a32(page);
}

describe('harnessSource', () => {
  it('assembles into an M-mode image at 0x80000000 with the harness labels', () => {
    const program = { setup: '', body: 'nop' };
    const image = buildImage(harnessSource(program));
    expect(image.entry).toBe(0x8000_0000);
    expect(image.entryPrivilege).toBe('M');
    expect(image.segments[0]?.address).toBe(0x8000_0000);
    expect(image.elf.subarray(0, 4)).toEqual(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    const s = symbols(program);
    for (const label of [
      '_start',
      '__body',
      '__end_marker',
      '__trap',
      '__trap_return',
      '__trap_skip',
      '__trap_default',
      '__dump',
      '__data',
      '__save',
      '__stack_top',
    ])
      expect(s.has(label), label).toBe(true);
    expect((s.get('__data') as number) % 4096).toBe(0);
    expect((s.get('__body') as number) < (s.get('__end_marker') as number)).toBe(true);
  });

  it('the data page is the documented pattern', () => {
    const page = initialDataPage();
    const view = new DataView(page.buffer);
    expect(view.getUint32(0, true)).toBe(dataPatternWord(0));
    expect(view.getUint32(4092, true)).toBe(dataPatternWord(1023));
    expect(new Set(Array.from({ length: 1024 }, (_, i) => dataPatternWord(i))).size).toBe(1024);
  });
});

describe('the dump on the bare machine', () => {
  it('holds the initial registers, the end marker and every CSR', () => {
    const program = { setup: '', body: '' };
    const { dump } = runBare(program);
    const s = symbols(program);
    const end = s.get('__end_marker') as number;
    expect(dump.pc).toBe(end + 8); // li a7, END_MAGIC is lui + addi
    expect(dump.privilege).toBe('M');
    for (let i = 1; i < 32; i++) {
      const expected =
        i === 2
          ? s.get('__stack_top')
          : i === 27
            ? s.get('__data')
            : i === 17
              ? END_MAGIC
              : initialRegister(i);
      expect(dump.x[i - 1], `x${i}`).toBe(expected);
    }
    expect(Object.keys(dump.csrs)).toEqual(DUMP_CSRS.map(([n]) => n));
    expect(Object.keys(dump.csrs).length).toBe(
      Object.keys(GUEST_CSRS).length + Object.keys(COUNTER_CSRS).length,
    );
    expect(dump.missingCsrs).toEqual([]);
    expect(dump.csrs.mcause).toBe(11);
    expect(dump.csrs.mepc).toBe(dump.pc);
    expect(dump.csrs.mtvec).toBe(s.get('__trap'));
    expect(dump.csrs.mscratch).toBe(s.get('__save'));
    expect(dump.csrs.misa).toBe(0x4014_1105);
    expect(dump.csrs.pmpaddr0).toBe(0xffff_ffff);
    expect(dump.csrs.pmpcfg0).toBe(0x1f);
    expect(dump.csrs.mstatus).toBe(0x1800); // MPP = M after the end-marker ecall
    expect(dump.trapCount).toBe(0);
    expect(dump.pages).toEqual({
      [(s.get('__data') as number).toString(16)]: fnv1a32(initialDataPage()),
    });
  });

  it('reports registers and the data page a body computed', () => {
    const body = `
      li a0, 0x12345678
      sw a0, 16(s11)
      lw a1, 20(s11)
      add a2, a0, a1
      sh a2, 2045(s11)
      lbu a3, 2046(s11)`;
    const { dump } = runBare({ setup: '', body });
    const a0 = 0x1234_5678;
    const a1 = dataPatternWord(5);
    const a2 = (a0 + a1) >>> 0;
    expect(dump.x[9]).toBe(a0);
    expect(dump.x[10]).toBe(a1);
    expect(dump.x[11]).toBe(a2);
    expect(dump.x[12]).toBe((a2 >>> 8) & 0xff);
    const page = initialDataPage();
    const view = new DataView(page.buffer);
    view.setUint32(16, a0, true);
    view.setUint16(2045, a2 & 0xffff, true);
    expect(Object.values(dump.pages)).toEqual([fnv1a32(page)]);
    expect(fnvOfWords(new Map([[16, a0]]))).not.toBe(fnv1a32(page));
  });

  it('logs traps, skips 2- and 4-byte faulting instructions, resumes fetch faults at ra', () => {
    const program = {
      setup: '',
      body: `
        ecall
        c.unimp
        .word 0              # two 16-bit illegal instructions (0x0000)
        li t0, 3
        la ra, 1f
        li t1, 0x100
        jr t1
      1:
        addi t0, t0, 1`,
    };
    const { dump } = runBare(program);
    const s = symbols(program);
    const body = s.get('__body') as number;
    expect(dump.trapCount).toBe(5);
    expect(dump.traps.map((t) => t.cause)).toEqual([11, 2, 2, 2, 1]);
    expect(dump.traps[0]).toEqual({ cause: 11, epc: body, tval: 0, privilege: 'M' });
    expect(dump.traps[1]?.epc).toBe(body + 4);
    expect(dump.traps[2]?.epc).toBe(body + 6);
    expect(dump.traps[3]?.epc).toBe(body + 8);
    expect(dump.traps[4]).toMatchObject({ cause: 1, epc: 0x100, tval: 0x100 });
    expect(dump.x[4]).toBe(4); // t0: 3, then the instruction at ra
  });

  it('returns to S- and U-mode bodies and reports their privilege', () => {
    for (const [mpp, priv] of [
      [0x800, 'S'],
      [0, 'U'],
    ] as const) {
      const { dump } = runBare({
        setup: `li t0, ${mpp}; csrs mstatus, t0; la t0, __body; csrw mepc, t0; mret`,
        body: 'csrr a0, mstatus',
      });
      expect(dump.privilege).toBe(priv);
      expect(dump.trapCount).toBe(1);
      expect(dump.traps[0]).toMatchObject({ cause: 2, privilege: priv });
      expect(dump.csrs.mcause).toBe(priv === 'S' ? 9 : 8);
    }
  });

  it('dumps after 64 traps (an interrupt storm, a trap loop)', () => {
    const { dump } = runBare({
      setup: '',
      body: 'li t0, 0x80; csrs mie, t0; csrsi mstatus, 8; 1: j 1b', // MTIP pending since reset
    });
    expect(dump.trapCount).toBe(TRAP_LIMIT);
    expect(dump.traps.length).toBe(TRAP_LIMIT);
    expect(dump.traps.every((t) => t.cause === 0x8000_0007)).toBe(true);
    expect(dump.csrs.mcause).toBe(0x8000_0007);
  });

  it('runs the program handler with the registers saved', () => {
    const { dump } = runBare({
      setup: '',
      body: 'li a0, 5\necall\naddi a0, a0, 1',
      handler: `
        lw t0, 40(s0)        # saved a0
        addi t0, t0, 100
        sw t0, 40(s0)
        j __trap_skip`,
    });
    expect(dump.x[9]).toBe(106);
    expect(dump.trapCount).toBe(1);
  });

  it('digests the pages it is given, by address or symbol', () => {
    const program: HarnessProgram = {
      setup: '',
      body: 'la t0, buffer; li t1, 7; sw t1, 8(t0)',
      extra: '.balign 4096\nbuffer: .space 4096',
      digestPages: ['__data', 'buffer', 0x8000_0010],
    };
    const { dump, machine } = runBare(program);
    const s = symbols(program);
    const buffer = new Uint8Array(4096);
    buffer[8] = 7;
    expect(dump.pages).toEqual({
      [(s.get('__data') as number).toString(16)]: fnv1a32(initialDataPage()),
      [(s.get('buffer') as number).toString(16)]: fnv1a32(buffer),
      '80000000': fnv1a32(machine.ram.readBytes(0x8000_0000, 4096)),
    });
  });

  it('prints "-" for a CSR the engine lacks, and goes on', () => {
    const { dump, text } = runBare({ setup: '', body: '' }, (m) => {
      const csr = m.hart.csr;
      const readRaw = csr.readRaw.bind(csr);
      csr.readRaw = (n: number) => (n === 0x10a || n === 0x3a2 ? undefined : readRaw(n));
    });
    expect(text).toContain('\ncsr senvcfg -\n');
    expect(text).toContain('\ncsr pmpcfg2 -\n');
    expect(dump.missingCsrs).toEqual(['senvcfg', 'pmpcfg2']);
    expect(dump.csrs.senvcfg).toBeUndefined();
    expect(dump.csrs.pmpcfg3).toBe(0);
    expect(dump.csrs.mcause).toBe(11); // read before the dump's own traps
  });

  it('keeps the program output before the dump', () => {
    const { text, dump } = runBare({
      setup: '',
      body: 'li t0, 0x10000000; li t1, 0x41; sb t1, 0(t0); li t1, 10; sb t1, 0(t0)',
    });
    expect(text.startsWith('A\nTRAPEZE-STATE 1\n')).toBe(true);
    expect(text.endsWith('END\n')).toBe(true);
    expect(dump.privilege).toBe('M');
  });
});
