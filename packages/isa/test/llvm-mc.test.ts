/**
 * Differential test of the assembler against LLVM 14's llvm-mc (`-mattr=+m,+a,+c`):
 * every instruction form of the table with random operands, in canonical and alias syntax,
 * and the hand-written corpus under `test/corpus/` (pseudo-instructions, labels, local
 * labels, directives, automatic compression and branch relaxation) assemble to the same
 * `.text` bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../../test-support.ts';
import { instructionFields } from '../src/arbitraries.js';
import { assemble } from '../src/assembler/assembler.js';
import { decode } from '../src/decoder.js';
import { disassemble } from '../src/disassembler.js';
import { encode } from '../src/encoder.js';
import { RV32IMAC } from '../src/isa.js';
import { INSTRUCTIONS } from '../src/table/index.js';
import {
  LLVM_AVAILABLE,
  LLVM_MISSING,
  LLVM_TOOLS,
  llvmMc,
  llvmMcAssemble,
} from './support/llvm.js';

const LLVM = requireTool(LLVM_TOOLS, LLVM_AVAILABLE, LLVM_MISSING);

const CORPUS = join(import.meta.dirname, 'corpus');
const SAMPLES_PER_FORM = 40;

/** Instruction text with a PC-relative target written as the offset (what llvm-mc reads). */
function lineFor(word: number, aliases: boolean): string {
  const i = decode(word);
  const text = disassemble(i, { aliases, address: 0 });
  if (!i.spec.pcRelative) return text;
  return text.replace(/0x[0-9a-f]+$/, String(i.imm));
}

function generatedLines(aliases: boolean, size: 2 | 4): string[] {
  const lines: string[] = [];
  INSTRUCTIONS.filter((spec) => RV32IMAC.extensions.has(spec.extension)).forEach((spec, k) => {
    if (spec.size !== size) return;
    const samples = fc.sample(
      instructionFields(spec).map((f) => ({ ...f, reserved: 0 })),
      { numRuns: SAMPLES_PER_FORM, seed: 1000 + k },
    );
    for (const fields of samples) {
      // LLVM cannot assemble an empty fence set (it prints them as "unknown").
      if (spec.hasFence && (fields.pred === 0 || fields.succ === 0)) continue;
      // llvm-objdump prints the C.LUI HINT's immediate signed, but llvm-mc only reads it unsigned.
      if (spec.id === 'c.lui.hint' && (fields.imm ?? 0) < 0) continue;
      lines.push(lineFor(encode(fields), aliases));
    }
  });
  return lines;
}

/**
 * Our bytes for lines assembled one by one at address 0 (so numeric targets are offsets),
 * 32-bit forms with `.option norvc` (llvm-mc rejects explicit compressed forms under it).
 */
function oursLineByLine(lines: readonly string[], size: 2 | 4): number[] {
  const out: number[] = [];
  const prefix = size === 4 ? '.option norvc\n' : '';
  for (const line of lines) {
    const bytes =
      assemble(`${prefix}${line}\n`, { textAddress: 0 }).sections[0]?.bytes ?? new Uint8Array();
    out.push(...bytes);
  }
  return out;
}

function llvmBytes(lines: readonly string[], size: 2 | 4): number[] {
  return [...llvmMcAssemble(`${size === 4 ? '.option norvc\n' : ''}${lines.join('\n')}\n`)];
}

describe.skipIf(!LLVM)('assembly matches llvm-mc', () => {
  for (const size of [4, 2] as const) {
    for (const aliases of [false, true]) {
      if (aliases && size === 2) continue; // alias syntax shows compressed forms expanded
      it(`for every ${size * 8}-bit instruction form with random operands (${aliases ? 'alias' : 'canonical'} syntax)`, () => {
        const lines = generatedLines(aliases, size);
        expect(lines.length).toBeGreaterThan(size === 4 ? 2500 : 800);
        expect(oursLineByLine(lines, size)).toEqual(llvmBytes(lines, size));
      }, 60_000);
    }
  }

  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.S'));
  it('has a corpus', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`for corpus/${file}`, () => {
      const source = readFileSync(join(CORPUS, file), 'utf8');
      const output = llvmMc(source);
      const llvm = [...output.text];
      const ours = [
        ...(assemble(source, { textAddress: 0, file }).sections.find((s) => s.name === '.text')
          ?.bytes ?? []),
      ];
      // Data words that name symbols are left to the linker by llvm-mc (zero, with a relocation);
      // Trapeze resolves them. Compare those words by what they should hold instead.
      for (const offset of new Set(output.relocations)) ours.fill(0, offset, offset + 4);
      expect(output.relocations.length).toBeLessThan(8);
      expect(ours.length).toBe(llvm.length);
      const firstDifference = ours.findIndex((b, i) => b !== llvm[i]);
      expect(firstDifference, `first difference at .text+0x${firstDifference.toString(16)}`).toBe(
        -1,
      );
    });
  }
});
