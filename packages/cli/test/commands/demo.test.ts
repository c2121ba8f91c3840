import { assemble, classify, decode } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { DEMO_SOURCE } from '../../src/demo-program.js';
import { run } from '../support/fake-io.js';

const LINE =
  /^([0-9a-f]{8}): ((?:[0-9a-f]{2} ){1,3}[0-9a-f]{2}) +(.+?) {2,}(privileged|sensitive|innocuous)\b/;

function counts(stdout: string): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const match of stdout.matchAll(/^ {2}(privileged|sensitive|innocuous) +(\d+) /gm)) {
    summary[match[1] as string] = Number(match[2]);
  }
  return summary;
}

describe('trapeze demo', () => {
  it('boots the sample on the bare machine: it passes and hands over the FNV-style checksum', async () => {
    const r = await run(['demo']);
    let sum = 0x811c9dc5;
    for (const word of [0x13, 0x00a58533, 0x02a00513, 0x8067, 1, 2, 3, 4]) {
      sum = Math.imul(((sum << 5) | (sum >>> 27)) ^ word, 0x01000193);
    }
    expect(r.stdout).toMatch(/\n {2}exit: pass after \d+ instructions, \d+ ns of virtual time\n/);
    expect(r.stdout).toContain(
      `checksum handed to the trap handler (mscratch): 0x${(sum >>> 0).toString(16).padStart(8, '0')}\n`,
    );
  });

  it('lists the sample with a class per instruction and a summary that adds up', async () => {
    const r = await run(['demo']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n').filter((l) => LINE.test(l));
    expect(lines.length).toBeGreaterThan(30);
    const perLine: Record<string, number> = { privileged: 0, sensitive: 0, innocuous: 0 };
    for (const line of lines) {
      const [, , , , klass] = LINE.exec(line) as RegExpExecArray;
      perLine[klass as string] = (perLine[klass as string] ?? 0) + 1;
    }
    const summary = counts(r.stdout);
    expect(summary).toEqual(perLine);
    expect(r.stdout).toContain(`Summary for U-mode: ${lines.length} instructions (`);
    // A real mix: every class occurs.
    for (const klass of ['privileged', 'sensitive', 'innocuous']) {
      expect(summary[klass]).toBeGreaterThan(0);
    }
  });

  it('classifies each line as the isa classifier does for U-mode', async () => {
    const r = await run(['demo']);
    for (const line of r.stdout.split('\n')) {
      const match = LINE.exec(line);
      if (match === null) continue;
      const bytes = (match[2] as string).split(' ').map((b) => Number.parseInt(b, 16));
      const word = bytes.reduceRight((w, b) => w * 256 + b, 0);
      expect(match[4], line).toBe(classify(decode(word), 'U').class);
    }
    expect(r.stdout).toMatch(/csrr +a0, mhartid +privileged +CSR 0xf14 needs M-mode/);
    expect(r.stdout).toMatch(/rdcycle +s0 +sensitive /);
    expect(r.stdout).toMatch(/mret +privileged /);
    expect(r.stdout).toMatch(/mul +t0, t0, t3 +innocuous$/m);
    expect(r.stdout).toContain('\n80000000 <_start>:\n');
  });

  it('shows compressed instructions and the disassembly of every .text byte', async () => {
    const r = await run(['demo']);
    const result = assemble(DEMO_SOURCE);
    const text = result.sections.find((s) => s.name === '.text');
    const lines = r.stdout.split('\n').filter((l) => LINE.test(l));
    const listed = lines.reduce((n, l) => n + ((LINE.exec(l)?.[2] ?? '').length + 1) / 3, 0);
    expect(listed).toBe(text?.size);
    expect(lines.some((l) => /^[0-9a-f]{8}: [0-9a-f]{2} [0-9a-f]{2} {2}/.test(l))).toBe(true);
    expect(result.usesCompressed).toBe(true);
  });

  it('classifies for another mode with --mode', async () => {
    const r = await run(['demo', '--mode', 'M']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Summary for M-mode');
    expect(r.stdout).toMatch(/csrr +a0, mhartid +sensitive /);
    expect(r.stdout).toMatch(/mret +sensitive /);
    expect(r.stdout).toMatch(/ecall +privileged /);
    const u = counts((await run(['demo'])).stdout);
    expect(counts(r.stdout).privileged).toBeLessThan(u.privileged as number);
  });

  it('prints canonical instructions with --no-aliases', async () => {
    const r = await run(['demo', '--no-aliases']);
    expect(r.stdout).toMatch(/csrrs +a0, mhartid, zero +privileged/);
    expect(r.stdout).not.toMatch(/ rdcycle /);
  });

  it('prints its source with --source, which trapeze asm assembles', async () => {
    const r = await run(['demo', '--source']);
    expect(r.stdout).toBe(DEMO_SOURCE);
    const asm = await run(['asm', '--elf', 'demo.S', '-o', 'demo.elf'], {
      files: { 'demo.S': r.stdout },
    });
    expect(asm.code).toBe(0);
    expect(asm.stderr).toBe('');
  });

  it('rejects a bad mode and stray arguments', async () => {
    const mode = await run(['demo', '--mode', 'H']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("--mode 'H' is not one of: U, S, M");
    const extra = await run(['demo', 'now']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("unexpected argument 'now'");
  });
});
