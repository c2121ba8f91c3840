import { EF_RISCV_RVC, parseElf } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { run } from '../support/fake-io.js';

const HELLO = [
  '    .globl _start',
  '_start:',
  '    li    a0, 42',
  '    call  done',
  'done:',
  '    add   a0, a0, a1',
  '    ret',
  '    .data',
  'value:',
  '    .word 0x11223344',
  '    .bss',
  'buffer:',
  '    .space 64',
  '',
].join('\n');

describe('trapeze asm FILE.S -o OUT (raw)', () => {
  it('writes the memory image from .text to the end of .data, .bss left out', async () => {
    const r = await run(['asm', 'hello.S', '-o', 'hello.bin'], { files: { 'hello.S': HELLO } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const image = r.files.get('hello.bin') as Uint8Array;
    // li a0, 42 (compressed: c.li cannot hold 42, so 4 bytes), then auipc+jalr for call.
    expect([...image.subarray(0, 4)]).toEqual([0x13, 0x05, 0xa0, 0x02]);
    // .data follows .text aligned to 16; the gap is zeros, and the image ends with .data.
    expect([...image.subarray(image.length - 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(image.length % 16).toBe(4);
    const disasm = await run(['disasm', '--base', '0x80000000', 'hello.bin'], {
      files: { 'hello.bin': image },
    });
    expect(disasm.stdout).toContain('80000000: 13 05 a0 02  \tli\ta0, 42\n');
    expect(disasm.stdout).toContain('\tadd\ta0, a0, a1\n');
  });

  it('places .text at --base and compresses unless --no-rvc', async () => {
    const source = 'addi a0, a0, 1\n';
    const rvc = await run(['asm', '--base', '0', 'a.S', '-o', 'a.bin'], {
      files: { 'a.S': source },
    });
    expect([...(rvc.files.get('a.bin') as Uint8Array)]).toEqual([0x05, 0x05]);
    const norvc = await run(['asm', '--no-rvc', 'a.S', '-o', 'a.bin'], {
      files: { 'a.S': source },
    });
    expect([...(norvc.files.get('a.bin') as Uint8Array)]).toEqual([0x13, 0x05, 0x15, 0x00]);
  });

  it('accepts --isa, and rejects compressed instructions an ISA without C lacks', async () => {
    const ok = await run(['asm', '--isa', 'rv32ima', 'a.S', '-o', 'a.bin'], {
      files: { 'a.S': 'addi a0, a0, 1\n' },
    });
    expect(ok.code).toBe(0);
    expect((ok.files.get('a.bin') as Uint8Array).length).toBe(4);
    const bad = await run(['asm', '--isa', 'rv32ima', 'c.S', '-o', 'c.bin'], {
      files: { 'c.S': 'c.addi a0, 1\n' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^c\.S:1:1: error: /);
    const unknown = await run(['asm', '--isa', 'rv32imafd', 'a.S', '-o', 'a.bin'], {
      files: { 'a.S': 'nop\n' },
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('trapeze asm: error: --isa: extension "f"');
  });

  it('warns when the entry point is not the first byte of the raw image', async () => {
    const r = await run(['asm', 'e.S', '-o', 'e.bin'], {
      files: { 'e.S': '.globl _start\nnop\n_start:\nnop\n' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'trapeze asm: warning: e.S: the entry point 0x80000002 (_start) is not the first byte of the raw image (0x80000000); use --elf to keep it\n',
    );
  });

  it('warns when there is nothing to write', async () => {
    const r = await run(['asm', 'e.S', '-o', 'e.bin'], { files: { 'e.S': '# nothing\n' } });
    expect(r.code).toBe(0);
    expect(r.files.get('e.bin')?.length).toBe(0);
    expect(r.stderr).toContain("no code or data: 'e.bin' is empty");
  });
});

describe('trapeze asm --elf', () => {
  it('writes an ELF32 executable with sections, symbols, entry point and the RVC flag', async () => {
    const r = await run(['asm', '--elf', 'hello.S', '-o', 'hello.elf'], {
      files: { 'hello.S': HELLO },
    });
    expect(r.code).toBe(0);
    const elf = parseElf(r.files.get('hello.elf') as Uint8Array);
    expect(elf.type).toBe(2); // ET_EXEC
    expect(elf.entry).toBe(0x80000000);
    expect(elf.flags & EF_RISCV_RVC).toBe(EF_RISCV_RVC); // ret became c.jr
    const text = elf.sections.find((s) => s.name === '.text');
    const data = elf.sections.find((s) => s.name === '.data');
    const bss = elf.sections.find((s) => s.name === '.bss');
    expect(text).toMatchObject({ address: 0x80000000, executable: true });
    expect([...(text?.data.subarray(0, 4) ?? [])]).toEqual([0x13, 0x05, 0xa0, 0x02]);
    expect(data?.executable).toBe(false);
    expect([...(data?.data ?? [])]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(bss).toMatchObject({ type: 8, size: 64 });
    const symbol = (name: string) => elf.symbols.find((s) => s.name === name);
    expect(symbol('_start')).toMatchObject({ value: 0x80000000, global: true });
    expect(symbol('value')?.value).toBe(data?.address);
    expect(symbol('buffer')?.value).toBe(bss?.address);
    expect(symbol('done')?.global).toBe(false);
    expect(elf.segments.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves the RVC flag clear with --no-rvc', async () => {
    const r = await run(['asm', '--elf', '--no-rvc', 'hello.S', '-o', 'hello.elf'], {
      files: { 'hello.S': HELLO },
    });
    const elf = parseElf(r.files.get('hello.elf') as Uint8Array);
    expect(elf.flags & EF_RISCV_RVC).toBe(0);
  });

  it('takes the entry point from _start', async () => {
    const r = await run(['asm', '--elf', '--base=0x1000', 's.S', '-o', 's.elf'], {
      files: { 's.S': '.globl _start\nnop\nnop\n_start: j _start\n' },
    });
    expect(parseElf(r.files.get('s.elf') as Uint8Array).entry).toBe(0x1004);
  });
});

describe('trapeze asm errors', () => {
  it('prints every assembly error with file, line, column and reason, and exits 1', async () => {
    const source = 'nop\nfoo a0\n\tli a0, 99999999999\n  addi a0, a0\n';
    const r = await run(['asm', 'bad.S', '-o', 'bad.bin'], { files: { 'bad.S': source } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.files.has('bad.bin')).toBe(false);
    const errors = r.stderr.split('\n').filter((line) => line.includes(': error: '));
    expect(errors).toEqual([
      'bad.S:2:1: error: unknown instruction "foo"',
      'bad.S:3:9: error: li constant 99999999999 does not fit in 32 bits',
      'bad.S:4:14: error: expected 3 operands (rd, rs1, imm), found 2',
    ]);
    // The source line and a caret under the column follow each message.
    expect(r.stderr).toContain(
      'bad.S:3:9: error: li constant 99999999999 does not fit in 32 bits\n\tli a0, 99999999999\n\t       ^\n',
    );
    expect(r.stderr.trimEnd().endsWith('3 errors generated.')).toBe(true);
  });

  it('answers deeply nested expressions and huge lines with short assembly errors, not an internal error', async () => {
    const source = [
      `li a0, ${'-'.repeat(10_000)}1`,
      `li a0, ${'('.repeat(5_000)}1${')'.repeat(5_000)}`,
      `foo${'x'.repeat(400_000)}`,
      `li a0, ${'1+'.repeat(200_000)}@`,
    ].join('\n');
    const r = await run(['asm', 'deep.S', '-o', 'deep.bin'], { files: { 'deep.S': source } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    const lines = r.stderr.split('\n');
    expect(lines.filter((line) => line.includes(': error: '))).toEqual([
      'deep.S:1:264: error: expression nested more than 256 levels deep (parentheses, unary and relocation operators)',
      'deep.S:2:264: error: expression nested more than 256 levels deep (parentheses, unary and relocation operators)',
      `deep.S:3:1: error: unknown instruction "foo${'x'.repeat(37)}…"`,
      'deep.S:4:400008: error: unexpected character "@"',
    ]);
    // The source lines are cut to a window around the column.
    for (const line of lines) expect(line.length).toBeLessThan(200);
    expect(r.stderr).toContain(`\n…${'+1'.repeat(39)}+@\n`);
  });

  it.each([
    [['asm', 'a.S'], 'no output file given (-o OUT)'],
    [['asm', '-o', 'a.bin'], 'no source file given'],
    [['asm', 'a.S', 'b.S', '-o', 'a.bin'], "one source file at a time (got 'a.S' and 'b.S')"],
    [['asm', 'missing.S', '-o', 'a.bin'], "cannot read 'missing.S': no such file or directory"],
    [['asm', 'dir', '-o', 'a.bin'], "cannot read 'dir': is a directory"],
    [['asm', 'a.S', '-o', 'a.S'], "-o 'a.S' would overwrite the source file"],
    [
      ['asm', '--base', 'main', 'a.S', '-o', 'a.bin'],
      "--base 'main' is not an address (use hexadecimal like 0x80000000, or decimal)",
    ],
    [['asm', 'bin.S', '-o', 'a.bin'], "'bin.S' is not UTF-8 text"],
    [['asm', '--elf=yes', 'a.S', '-o', 'a.bin'], "option '--elf' takes no value (got 'yes')"],
  ])('%j is a usage error (exit status 2)', async (argv, message) => {
    const r = await run(argv, {
      files: { 'a.S': 'nop\n', 'b.S': 'nop\n', 'bin.S': new Uint8Array([0xff, 0xfe, 0x00]) },
      failing: { dir: 'EISDIR' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`trapeze asm: error: ${message}\nRun 'trapeze asm --help' for usage.\n`);
    expect(r.files.has('a.bin')).toBe(false);
  });

  it('reports an output that cannot be written with exit status 1', async () => {
    const r = await run(['asm', 'a.S', '-o', '/ro/a.bin'], {
      files: { 'a.S': 'nop\n' },
      failing: { '/ro/a.bin': 'EROFS' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("trapeze asm: error: cannot write '/ro/a.bin': read-only file system\n");
  });
});
