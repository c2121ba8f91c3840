import { describe, expect, it } from 'vitest';
import { type AssembleOptions, assemble } from '../src/assembler/assembler.js';
import { AssembleError } from '../src/assembler/errors.js';
import { decode } from '../src/decoder.js';
import { disassemble } from '../src/disassembler.js';
import { parseIsa } from '../src/isa.js';

function words(source: string, options: AssembleOptions = {}): string[] {
  const result = assemble(source, { textAddress: 0x1000, ...options });
  const text = result.sections.find((s) => s.name === '.text');
  const bytes = text?.bytes ?? new Uint8Array();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const low = view.getUint16(at, true);
    const word = (low & 3) === 3 ? view.getUint32(at, true) : low;
    const i = decode(word);
    out.push(disassemble(i, { address: 0x1000 + at }).replace('\t', ' '));
    at += i.size;
  }
  return out;
}

function errorsOf(source: string, options: AssembleOptions = {}): string[] {
  try {
    assemble(source, options);
  } catch (e) {
    if (e instanceof AssembleError)
      return e.errors.map((x) => `${x.line}:${x.column}: ${x.reason}`);
    throw e;
  }
  throw new Error('expected an assembly error');
}

describe('assemble', () => {
  it('expands li into the shortest sequence', () => {
    expect(words('li a0, 5')).toEqual(['li a0, 5']);
    expect(words('.option norvc\nli a0, 0x12345678')).toEqual([
      'lui a0, 74565',
      'addi a0, a0, 1656',
    ]);
    expect(words('.option norvc\nli a0, 0x800')).toEqual(['lui a0, 1', 'addi a0, a0, -2048']);
    expect(words('.option norvc\nli a0, 0x10000')).toEqual(['lui a0, 16']);
    expect(words('.option norvc\nli a0, 0xffffffff')).toEqual(['li a0, -1']);
  });

  it('resolves labels, numeric local labels and pc-relative pairs', () => {
    const source = `
      .option norvc
      start: la a0, data
      1: j 1f
      1: beq a0, a1, 1b
      call start
      data: .word 7
    `;
    expect(words(source)).toEqual([
      'auipc a0, 0',
      'addi a0, a0, 24',
      'j 0x100c',
      'beq a0, a1, 0x100c', // a label on the same line counts as an earlier definition
      'auipc ra, 0',
      'jalr -16(ra)',
      'unimp'.replace('unimp', disassemble(7)),
    ]);
  });

  it('lays out .text, .data and .bss with their symbols', () => {
    const result = assemble(
      `.globl _start
       _start: lw a0, value
       .data
       value: .word 0x11223344, value
       bytes: .byte 1, 2, 0xff
       msg: .asciz "a\\n"
       .bss
       buffer: .zero 64`,
      { textAddress: 0x80000000 },
    );
    const [text, data, bss] = result.sections;
    expect(text?.name).toBe('.text');
    expect(data?.name).toBe('.data');
    expect(data?.address).toBe(0x80000010);
    expect([...(data?.bytes ?? [])]).toEqual([
      0x44, 0x33, 0x22, 0x11, 0x10, 0, 0, 0x80, 1, 2, 0xff, 0x61, 0x0a, 0,
    ]);
    expect(bss?.nobits).toBe(true);
    expect(bss?.size).toBe(64);
    expect(result.entry).toBe(0x80000000);
    const symbols = Object.fromEntries(result.symbols.map((s) => [s.name, [s.value, s.global]]));
    expect(symbols).toMatchObject({
      _start: [0x80000000, true],
      value: [0x80000010, false],
      buffer: [0x80000020, false],
    });
  });

  it('honours .org, .align, .equ and expressions', () => {
    const result = assemble(
      '.data\n.equ N, 3\n.byte N * 2 + 1, (1 << 4) | 1, ~0 & 0xff, -1\n.org 8\n.half 0x1234\n.align 3\n.word . - 0',
      {
        textAddress: 0,
      },
    );
    expect([...(result.sections.find((x) => x.name === '.data')?.bytes ?? [])]).toEqual([
      7, 17, 0xff, 0xff, 0, 0, 0, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0,
    ]);
  });

  it('accepts every alias and CSR by name or number', () => {
    expect(words('.option norvc\ncsrw mscratch, 5\ncsrs 0x300, a0\nrdtime a1')).toEqual([
      'csrwi mscratch, 5',
      'csrs mstatus, a0',
      'rdtime a1',
    ]);
    expect(
      words('.option norvc\nbgt a0, a1, 0x1000\nsgtu t0, t1, t2\nnot a0, a0\njr 8(t0)'),
    ).toEqual(['blt a1, a0, 0x1000', 'sltu t0, t2, t1', 'not a0, a0', 'jr 8(t0)']);
  });

  it('rejects extensions the ISA does not have', () => {
    expect(errorsOf('mul a0, a1, a2', { isa: parseIsa('rv32iac') })).toEqual([
      '1:1: instruction "mul" needs the M extension, which rv32iac_zicsr_zifencei does not have',
    ]);
    expect(words('addi a0, a0, 1', { isa: parseIsa('rv32ima') })).toEqual(['addi a0, a0, 1']);
  });

  it('names line, column and reason of every error', () => {
    const errors = errorsOf(
      [
        'addi a0, a0, 4096',
        'lw a0, 0(q7)',
        'frob a0',
        'j nowhere',
        'beq a0, a1',
        '.word 1 +',
        'c.addi a0, 0x40',
        '  li a0, sym',
      ].join('\n'),
    );
    expect(errors).toEqual([
      '1:14: addi: immediate 4096 must be an integer in [-2048, 2047]',
      '2:10: "q7" is not a register (base address)',
      '3:1: unknown instruction "frob"',
      '4:3: symbol "nowhere" is not defined',
      '5:11: expected 3 operands (rs1, rs2, imm), found 2',
      '6:10: expected an expression, found end of line',
      '7:12: c.addi: immediate 64 must be an integer in [-32, 31]',
      '8:10: li needs a constant expression; use la to load an address',
    ]);
  });

  it('reports reserved operands and bad directives', () => {
    expect(errorsOf('c.addi4spn a0, sp, 0')[0]).toBe(
      '1:20: c.addi4spn: imm = 0 is a reserved encoding',
    );
    expect(errorsOf('c.lw a6, 0(a0)')[0]).toMatch(/^1:1: c\.lw: rd must be one of x8…x15/);
    expect(errorsOf('.align 3, 1, 2')[0]).toMatch(/^1:8: \.align takes an alignment/);
    expect(errorsOf('.frob')[0]).toBe('1:1: unknown directive ".frob"');
    expect(errorsOf('nop\n.org 0')[0]).toBe(
      '2:1: .org 0x0 would move the location counter backwards',
    );
    expect(errorsOf('x: nop\nx: nop')[0]).toBe('2:1: symbol "x" is already defined');
    expect(errorsOf('.ascii "abc')[0]).toBe('1:8: unterminated string');
    expect(errorsOf('/* open')[0]).toBe('1:1: unterminated /* comment');
    // Regressions found by the fuzz test: these once escaped as host exceptions.
    expect(errorsOf('.byte addi')).toEqual(['1:7: symbol "addi" is not defined']);
    expect(errorsOf('.org 99999999999')).toEqual([
      '1:6: .org offset 99999999999 is out of range (0 to 268435456)',
    ]);
  });

  it('skips comments and separates statements with semicolons', () => {
    expect(words('nop # one\nnop // two\n/* three */ nop; nop')).toHaveLength(4);
  });
});
