/**
 * Differential test of the decoder and disassembler against LLVM 14's llvm-objdump
 * (`--mattr=+m,+a,+c`), in both modes: every 16-bit halfword, every opcode × funct3 × funct7
 * boundary, every SYSTEM immediate, every CSR number, and 200,000 random 32-bit words.
 *
 * Text must match exactly (whitespace aside; llvm-objdump's `<symbol+offset>` annotations
 * are not instruction syntax). Legal/illegal must agree, except for the documented classes
 * below where LLVM 14 departs from the RISC-V specification; for those the test checks that
 * Trapeze follows the specification.
 */
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../../test-support.ts';
import { decode } from '../src/decoder.js';
import { disassemble } from '../src/disassembler.js';
import type { Instruction } from '../src/instruction.js';
import { LLVM_AVAILABLE, LLVM_MISSING, LLVM_TOOLS, normalise, objdump } from './support/llvm.js';
import { mulberry32 } from './support/random.js';

const LLVM = requireTool(LLVM_TOOLS, LLVM_AVAILABLE, LLVM_MISSING);

type Deviation = (word: number, ours: Instruction, llvm: string) => string | null;

const isShift32 = (w: number) => (w & 0x7f) === 0x13 && ((w >>> 12) & 3) === 1;
/**
 * Known LLVM 14 departures from the specification. Each returns a reason when it explains
 * a mismatch, after checking that Trapeze does what the specification says.
 */
const DEVIATIONS: readonly Deviation[] = [
  // RV32 shifts with shamt[5] = 1 are reserved (unprivileged spec 2.4.1 and 16.5: "For RV32C,
  // shamt[5] must be zero; the code points with shamt[5]=1 are designated for custom extensions").
  (w, ours, llvm) => {
    const compressedShift =
      (w & 3) !== 3 && (w & 0x1000) !== 0 && ((w & 0xe003) === 0x0002 || (w & 0xe803) === 0x8001);
    const shift = (isShift32(w) && ((w >>> 25) & 1) === 1) || compressedShift;
    return shift && !ours.legal && /^(c\.)?s(ll|rl|ra)i /.test(llvm)
      ? 'RV32 shift with shamt[5]=1 is reserved'
      : null;
  },
  // C.LUI with nzimm = 0 is reserved (16.5: "C.LUI is only valid when rd≠{x0,x2}, and when the
  // immediate is not equal to zero"; with rd = x0 and nzimm ≠ 0 it is a HINT).
  (w, ours, llvm) =>
    (w & 0xe003) === 0x6001 && (w & 0x107c) === 0 && !ours.legal && /^(c\.)?lui .*, 0$/.test(llvm)
      ? 'C.LUI with a zero immediate is reserved'
      : null,
  // URET (withdrawn N extension) and DRET (debug mode only) are not RV32IMAC instructions.
  (w, ours, llvm) =>
    (w === 0x00200073 || w === 0x7b200073) && !ours.legal && /^[ud]ret$/.test(llvm)
      ? 'uret/dret are not in the ISA'
      : null,
  // FENCE and FENCE.I with non-zero reserved fields are legal: "implementations shall ignore
  // these fields" (2.7 and 3.1); LLVM rejects them.
  (_w, ours, llvm) =>
    llvm === '<unknown>' &&
    ours.legal &&
    (ours.spec.name === 'fence' ||
      ours.spec.name === 'fence.i' ||
      ours.spec.name === 'fence.tso') &&
    ours.reserved !== 0
      ? 'FENCE/FENCE.I reserved fields are ignored'
      : null,
  // LLVM 14 decodes a few F-extension words without +f; Trapeze has no FPU, so they are illegal.
  (w, ours, llvm) =>
    (w & 3) === 3 &&
    [0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53].includes(w & 0x7f) &&
    !ours.legal &&
    /^f/.test(llvm)
      ? 'F extension (no FPU)'
      : null,
  // The all-zero halfword is defined illegal; LLVM names it c.unimp / unimp.
  (w, ours, llvm) =>
    w === 0 && !ours.legal && /^(c\.)?unimp$/.test(llvm) ? 'all-zero halfword' : null,
];

interface Tally {
  mismatches: string[];
  deviations: Map<string, number>;
  compared: number;
}

function compare(words: readonly number[], size: 2 | 4, base: number): Tally {
  const code = new Uint8Array(words.length * size);
  const view = new DataView(code.buffer);
  words.forEach((w, i) => {
    if (size === 2) view.setUint16(i * 2, w, true);
    else view.setUint32(i * 4, w, true);
  });
  const tally: Tally = { mismatches: [], deviations: new Map(), compared: 0 };
  for (const aliases of [false, true]) {
    const lines = objdump(code, base, aliases);
    expect(lines.length).toBe(words.length);
    lines.forEach((line, i) => {
      const word = words[i] as number;
      expect(line.address).toBe(base + i * size);
      const ours = decode(word);
      const mine = normalise(disassemble(ours, { aliases, address: line.address }));
      const llvm = line.text.replace(/ <[^>]*>$/, '');
      tally.compared++;
      // LLVM names the illegal all-zero halfword c.unimp; 0xc0001073 `unimp` is a legal CSRRW.
      const llvmLegal = llvm !== '<unknown>' && !(size === 2 && word === 0);
      if (mine === llvm && llvmLegal === ours.legal) return;
      if (mine === llvm && word === 0) {
        tally.deviations.set(
          'all-zero halfword',
          (tally.deviations.get('all-zero halfword') ?? 0) + 1,
        );
        return;
      }
      for (const deviation of DEVIATIONS) {
        const reason = deviation(word, ours, llvm);
        if (reason) {
          tally.deviations.set(reason, (tally.deviations.get(reason) ?? 0) + 1);
          return;
        }
      }
      tally.mismatches.push(
        `${aliases ? 'aliases' : 'no-aliases'} ${word.toString(16).padStart(size * 2, '0')}: llvm "${llvm}" trapeze "${mine}"`,
      );
    });
  }
  return tally;
}

function report(tally: Tally): void {
  expect(tally.mismatches.slice(0, 20)).toEqual([]);
}

describe.skipIf(!LLVM)('disassembly matches llvm-objdump', () => {
  it('for every 16-bit halfword', () => {
    const halves: number[] = [];
    for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) halves.push(h);
    const tally = compare(halves, 2, 0x10000);
    report(tally);
    expect(tally.compared).toBe(2 * 49152);
    // The deviations are exactly the documented reserved encodings.
    expect(tally.deviations.get('RV32 shift with shamt[5]=1 is reserved')).toBe(
      2 * (1024 + 256 + 256),
    );
    expect(tally.deviations.get('C.LUI with a zero immediate is reserved')).toBe(2 * 31);
  }, 120_000);

  it('for every opcode × funct3 × funct7 boundary, SYSTEM immediate and CSR number', () => {
    const random = mulberry32(0x7a9e2e);
    const words: number[] = [];
    for (let opcode = 0; opcode < 32; opcode++) {
      for (let funct3 = 0; funct3 < 8; funct3++) {
        for (let funct7 = 0; funct7 < 128; funct7++) {
          const fields = random() & 0x01ff8f80; // rs2, rs1, rd
          words.push(((funct7 << 25) | fields | (funct3 << 12) | (opcode << 2) | 3) >>> 0);
          words.push(((funct7 << 25) | (funct3 << 12) | (opcode << 2) | 3) >>> 0);
        }
      }
    }
    for (let imm = 0; imm < 4096; imm++) words.push(((imm << 20) | 0x73) >>> 0);
    for (let csr = 0; csr < 4096; csr++)
      words.push(((csr << 20) | (2 << 12) | (10 << 7) | 0x73) >>> 0);
    for (let csr = 0; csr < 4096; csr++)
      words.push(((csr << 20) | (11 << 15) | (1 << 12) | 0x73) >>> 0);
    const tally = compare(words, 4, 0x80000000);
    report(tally);
  }, 120_000);

  it('for 200,000 random 32-bit words', () => {
    const random = mulberry32(0x5eed);
    const words: number[] = [];
    for (let i = 0; i < 200_000; i++) words.push((random() | 3) >>> 0);
    const tally = compare(words, 4, 0x80000000);
    report(tally);
    expect(tally.compared).toBe(400_000);
  }, 120_000);
});
