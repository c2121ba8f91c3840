import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeElf } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../../test-support.ts';
import { DEMO_SOURCE } from '../../src/demo-program.js';
import { run, wordsToBytes } from '../support/fake-io.js';

// li a0, 42 | c.li a0, 1 | add a0, a1, a0 | an illegal word | ret
const CODE = wordsToBytes([0x02a00513, 0x4505, 0x00a58533, 0xffffffff, 0x00008067]);

/** An ELF with .text (a loop that branches back to a symbol), .data and a few symbols. */
function sampleElf(): Uint8Array {
  const text = wordsToBytes([
    0x02a00513, // 80000000 _start: li a0, 42
    0x157d, //     80000004 loop:   addi a0, a0, -1
    0xfd7d, //     80000006         bnez a0, loop
    0x00008067, // 80000008         ret
  ]);
  return writeElf({
    entry: 0x80000000,
    rvc: true,
    sections: [
      { name: '.text', address: 0x80000000, data: text, executable: true },
      { name: '.data', address: 0x80001000, data: wordsToBytes([0x00a58533]), writable: true },
    ],
    symbols: [
      { name: '_start', value: 0x80000000, section: '.text', global: true },
      { name: 'loop', value: 0x80000004, section: '.text' },
      { name: 'table', value: 0x80001000, section: '.data' },
    ],
  });
}

describe('trapeze disasm FILE (raw binary)', () => {
  it('lists every instruction like llvm-objdump, from address 0', async () => {
    const r = await run(['disasm', 'code.bin'], { files: { 'code.bin': CODE } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '       0: 13 05 a0 02  \tli\ta0, 42',
        '       4: 05 45        \tli\ta0, 1',
        '       6: 33 85 a5 00  \tadd\ta0, a1, a0',
        '       a: ff ff ff ff  \t<unknown>',
        '       e: 67 80 00 00  \tret',
        '',
      ].join('\n'),
    );
  });

  it('starts at --base, which PC-relative targets follow', async () => {
    const jump = wordsToBytes([0x0040006f]); // j +4
    const r = await run(['disasm', '--base', '0x80000000', 'j.bin'], { files: { 'j.bin': jump } });
    expect(r.stdout).toBe('80000000: 6f 00 40 00  \tj\t0x80000004\n');
  });

  it('prints canonical instructions with --no-aliases or -M no-aliases', async () => {
    for (const flag of [['--no-aliases'], ['-M', 'no-aliases'], ['-Mno-aliases']]) {
      const r = await run(['disasm', ...flag, 'code.bin'], { files: { 'code.bin': CODE } });
      expect(r.stdout).toContain('\taddi\ta0, zero, 42\n');
      expect(r.stdout).toContain('\tc.li\ta0, 1\n');
      expect(r.stdout).toContain('\tjalr\tzero, 0(ra)\n');
    }
  });

  it('prints address, encoding and text as TSV with --format=tsv', async () => {
    const r = await run(['disasm', '--format=tsv', '--base=0x1000', 'code.bin'], {
      files: { 'code.bin': CODE },
    });
    expect(r.stdout.split('\n')).toEqual([
      '00001000\t02a00513\tli a0, 42',
      '00001004\t4505\tli a0, 1',
      '00001006\t00a58533\tadd a0, a1, a0',
      '0000100a\tffffffff\t<unknown>',
      '0000100e\t00008067\tret',
      '',
    ]);
    for (const line of r.stdout.trimEnd().split('\n')) expect(line.split('\t')).toHaveLength(3);
  });

  it('reports a truncated 32-bit instruction at the end instead of crashing', async () => {
    const r = await run(['disasm', 'cut.bin'], {
      files: { 'cut.bin': new Uint8Array([0x05, 0x45, 0x13, 0x05, 0xa0]) },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '       0: 05 45        \tli\ta0, 1\n       2: 13 05 a0     \t<truncated>\n',
    );
    expect(r.stderr).toBe(
      'trapeze disasm: warning: cut.bin: 3 trailing bytes at 0x00000002 (13 05 a0) cut short a 4-byte instruction\n',
    );
  });

  it('reports a trailing odd byte', async () => {
    const r = await run(['disasm', '--format', 'tsv', 'odd.bin'], {
      files: { 'odd.bin': new Uint8Array([0x05, 0x45, 0x01]) },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('00000000\t4505\tli a0, 1\n00000002\t01\t<truncated>\n');
    expect(r.stderr).toContain('1 trailing byte at 0x00000002 (01) cut short a 2-byte instruction');
  });

  it('warns about an empty file', async () => {
    const r = await run(['disasm', 'empty.bin'], { files: { 'empty.bin': new Uint8Array() } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("'empty.bin' is empty");
  });

  it('decodes for --isa: without C, compressed encodings are unknown', async () => {
    const r = await run(['disasm', '--isa', 'rv32im', 'code.bin'], { files: { 'code.bin': CODE } });
    expect(r.stdout).toContain('       4: 05 45        \t<unknown>\n');
    expect(r.stdout).toContain('\tli\ta0, 42\n');
  });
});

describe('trapeze disasm FILE (ELF)', () => {
  it('lists executable sections with headers, symbol labels and annotated targets', async () => {
    const r = await run(['disasm', 'prog.elf'], { files: { 'prog.elf': sampleElf() } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '',
        'prog.elf:\tfile format elf32-littleriscv',
        '',
        'Disassembly of section .text:',
        '',
        '80000000 <_start>:',
        '80000000: 13 05 a0 02  \tli\ta0, 42',
        '',
        '80000004 <loop>:',
        '80000004: 7d 15        \taddi\ta0, a0, -1',
        '80000006: 7d fd        \tbnez\ta0, 0x80000004 <loop>',
        '80000008: 67 80 00 00  \tret',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('.data');
  });

  it('labels a section without a symbol at its start with the section name', async () => {
    const elf = writeElf({
      entry: 0,
      sections: [
        { name: '.text', address: 0, data: wordsToBytes([0x4505, 0xbffd]), executable: true },
      ],
    });
    const r = await run(['disasm', 'o.elf'], { files: { 'o.elf': elf } });
    expect(r.stdout).toContain('00000000 <.text>:\n       0: 05 45        \tli\ta0, 1\n');
    expect(r.stdout).toContain('\tj\t0x0 <.text>\n');
  });

  it('prints only instruction lines as TSV', async () => {
    const r = await run(['disasm', '--format=tsv', 'prog.elf'], {
      files: { 'prog.elf': sampleElf() },
    });
    expect(r.stdout).toBe(
      [
        '80000000\t02a00513\tli a0, 42',
        '80000004\t157d\taddi a0, a0, -1',
        '80000006\tfd7d\tbnez a0, 0x80000004 <loop>',
        '80000008\t00008067\tret',
        '',
      ].join('\n'),
    );
  });

  it('disassembles what trapeze asm --elf wrote', async () => {
    const source = '.globl _start\n_start:\n  li a0, 42\n  call f\n  j _start\nf:\n  ret\n';
    const asm = await run(['asm', '--elf', 'p.S', '-o', 'p.elf'], { files: { 'p.S': source } });
    expect(asm.code).toBe(0);
    const elf = asm.files.get('p.elf') as Uint8Array;
    const r = await run(['disasm', 'p.elf'], { files: { 'p.elf': elf } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Disassembly of section .text:\n\n80000000 <_start>:\n');
    expect(r.stdout).toContain('80000000: 13 05 a0 02  \tli\ta0, 42\n');
    expect(r.stdout).toMatch(
      /\tj\t0x80000000 <_start>\n\n[0-9a-f]{8} <f>:\n[ 0-9a-f]{8}: 82 80 {8}\tret\n$/,
    );
  });

  it('reports a truncated instruction at the end of a section', async () => {
    const elf = writeElf({
      entry: 0,
      sections: [
        { name: '.text', address: 0, data: new Uint8Array([0x05, 0x45, 0x13]), executable: true },
      ],
    });
    const r = await run(['disasm', 'cut.elf'], { files: { 'cut.elf': elf } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('       2: 13           \t<truncated>\n');
    expect(r.stderr).toContain('cut.elf: section .text: 1 trailing byte at 0x00000002');
  });

  it('warns when there is nothing executable', async () => {
    const elf = writeElf({ entry: 0, sections: [{ name: '.data', address: 0, data: CODE }] });
    const r = await run(['disasm', 'd.elf'], { files: { 'd.elf': elf } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Disassembly');
    expect(r.stderr).toContain('no executable section');
  });

  it('rejects a malformed ELF with the ElfError message and exit status 2', async () => {
    const elf = sampleElf();
    elf[18] = 62; // e_machine = x86-64
    const r = await run(['disasm', 'x86.elf'], { files: { 'x86.elf': elf } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "trapeze disasm: error: 'x86.elf' is not a valid ELF file: e_machine 62 is not RISC-V (243)\n" +
        "Run 'trapeze disasm --help' for usage.\n",
    );
    const short = await run(['disasm', 's.elf'], { files: { 's.elf': elf.subarray(0, 20) } });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('smaller than an ELF header');
    expect(short.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects --base for an ELF file', async () => {
    const r = await run(['disasm', '--base', '0x100', 'p.elf'], {
      files: { 'p.elf': sampleElf() },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--base applies to raw binaries');
  });
});

describe('trapeze disasm --hex', () => {
  it('disassembles words from the arguments without reading stdin', async () => {
    const r = await run(['disasm', '--hex', '0x00a58533', '13', '0x4505'], { stdin: '0x4505' });
    expect(r.code).toBe(0);
    expect(r.stdinRead).toBe(false);
    expect(r.stdout).toBe(
      [
        '       0: 33 85 a5 00  \tadd\ta0, a1, a0',
        '       4: 13 00 00 00  \tnop',
        '       8: 05 45        \tli\ta0, 1',
        '',
      ].join('\n'),
    );
  });

  it('reads words from standard input when there are no arguments', async () => {
    const r = await run(['disasm', '--hex', '--format=tsv'], {
      stdin: '0x00a58533, 4505  # add, then c.li\nffffffff\n0\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdinRead).toBe(true);
    expect(r.stdout).toBe(
      '00000000\t00a58533\tadd a0, a1, a0\n00000004\t4505\tli a0, 1\n' +
        '00000006\tffffffff\t<unknown>\n0000000a\t0000\tunimp\n',
    );
  });

  it('honours --base and --no-aliases', async () => {
    const r = await run(['disasm', '--hex', '--base=0x80000000', '--no-aliases', '0xfe051ee3']);
    expect(r.stdout).toBe('80000000: e3 1e 05 fe  \tbne\ta0, zero, 0x7ffffffc\n');
  });

  it('rejects a bad token, naming it, with exit status 2', async () => {
    const r = await run(['disasm', '--hex', '13', '0xfoo']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "trapeze disasm: error: '0xfoo' is not a hexadecimal instruction word (expected e.g. 0x00a58533 or 4505)\n" +
        "Run 'trapeze disasm --help' for usage.\n",
    );
    const stdin = await run(['disasm', '--hex'], { stdin: '13\n0x12344505\n' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toContain("'0x12344505' ends in binary 01");
  });

  it('rejects empty standard input', async () => {
    const r = await run(['disasm', '--hex'], { stdin: '  # nothing\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no instruction words on standard input');
  });
});

describe('trapeze disasm usage errors', () => {
  it.each([
    [['disasm'], 'no input file (or --hex words) given'],
    [['disasm', 'a.bin', 'b.bin'], "one input file at a time (got 'a.bin' and 'b.bin')"],
    [['disasm', 'missing.bin'], "cannot read 'missing.bin': no such file or directory"],
    [['disasm', 'secret.bin'], "cannot read 'secret.bin': permission denied"],
    [['disasm', '--format=xml', 'a.bin'], "--format 'xml' is not one of: text, tsv"],
    [['disasm', '-M', 'numeric', 'a.bin'], "-M 'numeric' is not a disassembler option"],
    [['disasm', '--isa', 'rv64gc', 'a.bin'], '--isa: ISA string "rv64gc"'],
    [['disasm', '--frmat=tsv', 'a.bin'], "unknown option '--frmat=tsv' (did you mean '--format'?)"],
    [['disasm', '--base'], "option '--base' needs a value (ADDR)"],
  ])('%j fails with exit status 2', async (argv, message) => {
    const r = await run(argv, {
      files: { 'a.bin': CODE, 'b.bin': CODE },
      failing: { 'secret.bin': 'EACCES' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, hint, ...rest] = r.stderr.split('\n');
    expect(first).toContain(`trapeze disasm: error: ${message}`);
    expect(hint).toBe("Run 'trapeze disasm --help' for usage.");
    expect(rest).toEqual(['']);
  });
});

const LLVM_OBJDUMP = requireTool(
  'llvm-objdump',
  hasCommand('llvm-objdump'),
  'the comparison with llvm-objdump is skipped (apt-get install llvm; CI installs it)',
);

describe.skipIf(!LLVM_OBJDUMP)('against llvm-objdump', () => {
  it('prints the demo program exactly as llvm-objdump -d does', async () => {
    const asm = await run(['asm', '--elf', 'demo.S', '-o', 'demo.elf'], {
      files: { 'demo.S': DEMO_SOURCE },
    });
    const elf = asm.files.get('demo.elf') as Uint8Array;
    const dir = mkdtempSync(join(tmpdir(), 'trapeze-cli-'));
    try {
      const path = join(dir, 'demo.elf');
      writeFileSync(path, elf);
      for (const aliases of [true, false]) {
        const flags = aliases ? [] : ['-M', 'no-aliases'];
        const llvm = spawnSync('llvm-objdump', ['-d', '--mattr=+m,+a,+c', ...flags, path], {
          encoding: 'utf8',
        });
        expect(llvm.status).toBe(0);
        const ours = await run(['disasm', ...flags, path], { files: { [path]: elf } });
        // LLVM 14 ends operand-less instructions with a tab; nothing else may differ.
        const strip = (text: string) => text.replace(/[ \t]+$/gm, '');
        expect(strip(ours.stdout)).toBe(strip(llvm.stdout));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
