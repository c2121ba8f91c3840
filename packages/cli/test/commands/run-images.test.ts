/**
 * `trapeze run` with the images users have: raw images (what `trapeze asm` and `objcopy -O
 * binary` write), ELF files with GNU ld's extra program headers, and images refused before the
 * run with a message that says why (empty, entry point outside the image, nothing to load).
 */
import { assemble, elfImage, PT_RISCV_ATTRIBUTES, writeElf } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { run } from '../support/fake-io.js';

const HELLO = `
_start:
    li t0, 0x10000000
    la t2, message
1:  lbu a0, 0(t2)
    beqz a0, 3f
2:  lbu t3, 5(t0)
    andi t3, t3, 0x20
    beqz t3, 2b
    sb a0, 0(t0)
    addi t2, t2, 1
    j 1b
3:  li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
4:  j 4b
message:
    .asciz "raw hello"
`;

/** `trapeze asm FILE.S -o OUT` (a raw image at 0x80000000): the bytes it writes. */
async function asm(source: string): Promise<Uint8Array> {
  const r = await run(['asm', 'hello.S', '-o', 'hello.bin'], { files: { 'hello.S': source } });
  expect(r.code).toBe(0);
  return r.files.get('hello.bin') as Uint8Array;
}

/**
 * `elf` with a PT_RISCV_ATTRIBUTES program header first, as GNU ld writes every executable: 59
 * bytes of attributes in the file, a memory size of 0.
 */
function withRiscvAttributes(elf: Uint8Array): Uint8Array {
  const view = new DataView(elf.buffer, elf.byteOffset);
  const phoff = view.getUint32(28, true);
  const phnum = view.getUint16(44, true);
  const table = elf.length;
  const attributes = table + (phnum + 1) * 32;
  const out = new Uint8Array(attributes + 59);
  out.set(elf);
  out.set(elf.subarray(phoff, phoff + phnum * 32), table + 32);
  const o = new DataView(out.buffer);
  [PT_RISCV_ATTRIBUTES, attributes, 0, 0, 59, 0, 4, 1].forEach((value, k) => {
    o.setUint32(table + k * 4, value, true);
  });
  o.setUint32(28, table, true);
  o.setUint16(44, phnum + 1, true);
  out.fill(0x41, attributes);
  return out;
}

describe('trapeze run: images', () => {
  it('runs a raw image from the start of RAM, as QEMU -kernel does', async () => {
    const r = await run(['run', 'hello.bin'], { files: { 'hello.bin': await asm(HELLO) } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('raw hello');
    expect(r.code).toBe(0);
  });

  it("runs an ELF file with GNU ld's PT_RISCV_ATTRIBUTES header", async () => {
    const elf = withRiscvAttributes(elfImage(assemble(HELLO)));
    const r = await run(['run', 'gnu.elf'], { files: { 'gnu.elf': elf } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('raw hello');
    expect(r.code).toBe(0);
  });

  it('stops a raw image at an address, and says that it has no symbols', async () => {
    const image = await asm(HELLO);
    const stop = await run(['run', '--break', '0x80000004', 'hello.bin'], {
      files: { 'hello.bin': image },
    });
    expect(stop.code).toBe(5);
    expect(stop.stderr).toContain('0x80000004');
    const symbol = await run(['run', '--break', '_start', 'hello.bin'], {
      files: { 'hello.bin': image },
    });
    expect(symbol.code).toBe(2);
    expect(symbol.stderr).toContain(
      "--break '_start' is neither an address nor a symbol of the image (a raw image has no symbols)",
    );
  });

  it('refuses an empty file and a raw image larger than RAM', async () => {
    const empty = await run(['run', 'empty.bin'], { files: { 'empty.bin': new Uint8Array(0) } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(
      /^trapeze run: error: cannot load 'empty\.bin': the image is empty \(0 bytes\): nothing to run\n/,
    );
    const big = await run(['run', '--mem', '256K', 'big.bin'], {
      files: { 'big.bin': new Uint8Array(256 * 1024 + 4).fill(0x13) },
    });
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(
      "cannot load 'big.bin': the raw image of 262148 bytes is larger than RAM (262144 bytes at 0x80000000)",
    );
  });

  it('refuses, before the run, an ELF file whose entry point is not in the image', async () => {
    for (const entry of [0, 0x4000_0000]) {
      const elf = writeElf({
        entry,
        sections: [
          { name: '.text', address: 0x8000_0000, data: new Uint8Array(8), executable: true },
        ],
      });
      const r = await run(['run', 'entry.elf'], { files: { 'entry.elf': elf } });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^trapeze run: error: cannot load 'entry\\.elf': the entry point 0x${entry
            .toString(16)
            .padStart(8, '0')} is not in the image, which loads 0x80000000-0x80000007\\n`,
        ),
      );
    }
  });

  it('refuses an ELF file without program headers: it loads nothing', async () => {
    const r = await run(['run', 'none.elf'], {
      files: { 'none.elf': writeElf({ entry: 0x8000_0000, sections: [] }) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "cannot load 'none.elf': the ELF file loads nothing: it has no PT_LOAD segment",
    );
  });

  it('says in --help that raw images run too', async () => {
    const r = await run(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('run [options] IMAGE');
    expect(r.stdout).toMatch(
      /any other file is a raw image \(objcopy -O\s+binary\), loaded at 0x80000000/,
    );
    expect(r.stdout).toContain('run firmware.bin');
  });
});
