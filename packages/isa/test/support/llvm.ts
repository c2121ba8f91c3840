/**
 * Runs LLVM's tools (`llvm-objdump`, `llvm-mc`) as references. Tests that need them skip
 * with a message where they are not installed (`requireTool` of test-support.ts); CI installs
 * them, and there a missing tool fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeElf } from '../../src/elf.js';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Whether llvm-objdump and llvm-mc are on the PATH. */
export const LLVM_AVAILABLE = has('llvm-objdump') && has('llvm-mc');

/** What `requireTool` says when LLVM is missing (`requireTool(LLVM_TOOLS, LLVM_AVAILABLE, LLVM_MISSING)`). */
export const LLVM_MISSING =
  'LLVM differential tests skipped (apt-get install llvm; CI installs it, and there a missing tool fails)';

/** The tools LLVM_AVAILABLE checks, as `requireTool` names them. */
export const LLVM_TOOLS = 'llvm-objdump/llvm-mc';

export const MATTR = '+m,+a,+c';

function withTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-llvm-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One disassembled line of llvm-objdump: its address, bytes and text (whitespace normalised). */
export interface ObjdumpLine {
  readonly address: number;
  readonly bytes: number[];
  readonly text: string;
}

/** Normalises whitespace: one space between mnemonic and operands, none at the ends. */
export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Disassembles `code` placed at `address` with llvm-objdump (`--mattr=+m,+a,+c`),
 * returning one line per instruction.
 */
export function objdump(code: Uint8Array, address: number, aliases: boolean): ObjdumpLine[] {
  return withTemp((dir) => {
    const file = join(dir, 'code.elf');
    writeFileSync(
      file,
      writeElf({
        entry: address,
        sections: [{ name: '.text', address, data: code, executable: true }],
      }),
    );
    const args = [
      '-d',
      `--mattr=${MATTR}`,
      '--no-show-raw-insn',
      ...(aliases ? [] : ['-M', 'no-aliases']),
      file,
    ];
    const out = execFileSync('llvm-objdump', args, { maxBuffer: 1 << 30, encoding: 'utf8' });
    const lines: ObjdumpLine[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\s(.*)$/.exec(line);
      if (!m) continue;
      lines.push({
        address: Number.parseInt(m[1] as string, 16),
        bytes: [],
        text: normalise(m[2] as string),
      });
    }
    return lines;
  });
}

/** What llvm-mc produced for a source: `.text` bytes and the offsets of its relocations. */
export interface LlvmMcOutput {
  readonly text: Uint8Array;
  /** Offsets in `.text` that carry a relocation (their bytes are left for the linker). */
  readonly relocations: readonly number[];
}

/** Assembles `source` with llvm-mc and returns `.text` and its relocation offsets. */
export function llvmMc(source: string, mattr = MATTR): LlvmMcOutput {
  return withTemp((dir) => {
    const src = join(dir, 'in.s');
    const obj = join(dir, 'out.o');
    const bin = join(dir, 'out.bin');
    writeFileSync(src, source);
    execFileSync(
      'llvm-mc',
      ['-triple=riscv32', `-mattr=${mattr}`, '-filetype=obj', '-o', obj, src],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    execFileSync('llvm-objcopy', ['-O', 'binary', '--only-section=.text', obj, bin]);
    const dump = execFileSync('llvm-objdump', ['-r', obj], { encoding: 'utf8' });
    const textRelocations =
      dump.split(/^RELOCATION RECORDS FOR /m).find((part) => part.startsWith('[.text]')) ?? '';
    const relocations = [...textRelocations.matchAll(/^([0-9a-f]{8}) R_RISCV_/gm)].map((m) =>
      Number.parseInt(m[1] as string, 16),
    );
    return { text: new Uint8Array(readFileSync(bin)), relocations };
  });
}

/** Assembles `source` with llvm-mc and returns the bytes of `.text`. */
export function llvmMcAssemble(source: string, mattr = MATTR): Uint8Array {
  return llvmMc(source, mattr).text;
}
