/**
 * Guest code → host code: decodes a basic block out of RAM and compiles it into one JavaScript
 * function. The semantics come from `@trapeze/isa`'s expression table (the interpreter is built
 * from the same texts); instructions without an expression form end the block with a call to
 * the interpreter's handler. Registers live in locals for the whole block and are written back
 * at every exit, so a trap in the middle leaves the hart exactly as if each instruction before
 * it had run alone.
 *
 * @module
 */
import {
  bindOperands,
  compileSemantics,
  createInstructionRecord,
  type DecodedInstruction,
  type Decoder,
  execute,
  type InstructionSpec,
  instructionById,
  type OperandTexts,
  SEMANTICS,
  type Semantics,
} from '@trapeze/isa';

/** Most instructions in one block. */
export const MAX_BLOCK_INSTRUCTIONS = 128;

/** A compiled block: runs it on the core's context `c` and hart `h`; 1 when it ended with a trap or a handler call (the hart's context may have changed), else 0. */
export type BlockFunction = (c: unknown, h: unknown) => number;

/** One decoded instruction of a block. */
interface BlockInstruction {
  readonly decoded: DecodedInstruction;
  readonly pc: number;
  readonly next: number;
  /** Its expression semantics, or undefined for a call to the interpreter's handler. */
  readonly semantics: Semantics | undefined;
}

/** The result of {@link compileBlock}. */
export interface CompiledBlock {
  readonly fn: BlockFunction;
  /** Instructions in the block (in one pass of a loop). */
  readonly length: number;
  /** Bytes of guest code it covers. */
  readonly bytes: number;
  /** Characters of host code generated (what the cache's size limit counts). */
  readonly size: number;
  /** Whether the block is a loop compiled as one (its last instruction jumps to its first). */
  readonly loop: boolean;
  /** The generated source (for tests and the curious). */
  readonly source: string;
}

/** The expression semantics of a decoded instruction, if it has one. */
function semanticsOf(decoded: DecodedInstruction): Semantics | undefined {
  if (!decoded.legal) return undefined;
  const spec: InstructionSpec = decoded.spec;
  const base = spec.expansion ? (instructionById(spec.expansion.name) as InstructionSpec) : spec;
  return SEMANTICS[base.name];
}

/**
 * Decodes the block at virtual address `pc`, whose code is at byte `offset` of `u16`'s buffer,
 * up to the first branch, jump or instruction without expression semantics, the end of the
 * page, or {@link MAX_BLOCK_INSTRUCTIONS}. Empty when the first instruction straddles the page.
 */
export function decodeBlock(
  u16: Uint16Array,
  offset: number,
  pc: number,
  decoder: Decoder,
): BlockInstruction[] {
  const out: BlockInstruction[] = [];
  let at = offset;
  let address = pc;
  while (out.length < MAX_BLOCK_INSTRUCTIONS) {
    const inPage = at & 0xfff;
    const low = u16[at >> 1] as number;
    let word = low;
    if ((low & 3) === 3) {
      if (inPage === 0xffe) break;
      word = low | ((u16[(at >> 1) + 1] as number) << 16);
    }
    const decoded = decoder.decodeInto(word, createInstructionRecord());
    const next = (address + decoded.size) >>> 0;
    const semantics = semanticsOf(decoded);
    out.push({ decoded, pc: address, next, semantics });
    if (semantics === undefined || semantics.kind === 'branch' || semantics.kind === 'jump') break;
    at += decoded.size;
    address = next;
    if ((at & 0xfff) === 0) break;
  }
  return out;
}

/** A signed 32-bit number as source text. */
function literal(value: number): string {
  return String(value | 0);
}

/**
 * Compiles the block at virtual address `pc` (code at RAM byte `offset`), or returns undefined
 * when there is nothing to compile (an instruction straddling the page end).
 */
export function compileBlock(
  u16: Uint16Array,
  offset: number,
  pc: number,
  decoder: Decoder,
): CompiledBlock | undefined {
  const instructions = decodeBlock(u16, offset, pc, decoder);
  if (instructions.length === 0) return undefined;
  const length = instructions.length;
  const last = instructions[length - 1] as BlockInstruction;
  const loop = loopsToStart(last, pc);
  const read = new Set<number>();
  const written = new Set<number>();
  let memory = false;
  for (const { decoded, semantics } of instructions) {
    if (semantics === undefined) continue;
    if (semantics.kind === 'load' || semantics.kind === 'store') memory = true;
    if (usesRs1(semantics) && decoded.rs1 !== 0) read.add(decoded.rs1);
    if (usesRs2(semantics) && decoded.rs2 !== 0) read.add(decoded.rs2);
    if (writesRd(semantics) && decoded.rd !== 0) written.add(decoded.rd);
  }
  const locals = [...new Set([...read, ...written])].sort((a, b) => a - b);
  const writeBack = [...written]
    .sort((a, b) => a - b)
    .map((r) => `x[${r}] = r${r};`)
    .join(' ');
  const retired = (count: number) => (loop ? `n * ${length} + ${count}` : String(count));
  /** Leaves the block after `count` instructions retired, going on at `next` (text). */
  const leave = (count: number, next: string, result: 0 | 1) =>
    `${writeBack} h.retired += ${retired(count)}; h.pc = ${next}; return ${result};`;
  /** Leaves the block at instruction `k`, whose access faulted: the trap is taken. */
  const fault = (k: number, at: BlockInstruction) =>
    `${writeBack} h.retired += ${retired(k)}; h.pc = ${at.pc}; c.fault(a); return 1;`;
  const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
  // A device reads virtual time (retired instructions) during the access: count those before it.
  const sync = (k: number) => (k === 0 && !loop ? '' : `h.retired += ${retired(k)};`);
  const unsync = (k: number) => (k === 0 && !loop ? '' : `h.retired -= ${retired(k)};`);

  const lines: string[] = [];
  lines.push('const x = h.x;');
  if (locals.length > 0) lines.push(`let ${locals.map((r) => `r${r} = x[${r}]`).join(', ')};`);
  if (memory) {
    lines.push(
      'const rtag = c.rtag, roff = c.roff, wtag = c.wtag, woff = c.woff, i32 = c.i32, u16 = c.u16, u8 = c.u8;',
      'let a = 0, p = 0, e = 0, v = 0;',
    );
  }
  if (loop) lines.push('const room = c.room;', 'let n = 0;', 'for (;;) {');
  const extras: Record<string, unknown> = { execute };
  const calls: DecodedInstruction[] = [];

  for (const [k, at] of instructions.entries()) {
    const { decoded: d, semantics: s } = at;
    lines.push(`// ${at.pc.toString(16)}: ${d.spec.name}`);
    const operands: OperandTexts = {
      a: reg(d.rs1),
      b: reg(d.rs2),
      i: literal(d.imm),
      pc: String(at.pc),
      next: String(at.next),
      v: 'v',
    };
    const bind = (text: string) => bindOperands(text, operands);
    if (s === undefined) {
      // The interpreter's handler, with the hart as the instruction finds it.
      calls.push(d);
      lines.push(
        `${writeBack} h.retired += ${retired(k)}; h.pc = ${at.pc}; h.nextPc = ${at.next};`,
        `const ins = I[${calls.length - 1}]; h.instruction = ins;`,
        'if (execute(h, ins)) { h.pc = h.nextPc; h.retired++; }',
        'return 1;',
      );
      break;
    }
    switch (s.kind) {
      case 'value':
        if (d.rd !== 0) lines.push(`r${d.rd} = ${bind(s.value)};`);
        break;
      case 'load': {
        const [view, shift] = VIEWS[s.size];
        lines.push(
          `a = (${reg(d.rs1)} + ${literal(d.imm)}) >>> 0; p = a >>> 12; e = p & ${TLB_MASK};`,
          `if (rtag[e] === p && (a & ${s.size - 1}) === 0) v = ${view}[(roff[e] + (a & 4095)) >> ${shift}];`,
          `else { ${sync(k)} v = c.load(a, ${s.size}); ${unsync(k)} if (c.exit !== 0) { if (c.exit === 1) { ${fault(k, at)} } ${
            d.rd !== 0 ? `r${d.rd} = ${bind(s.extend)};` : ''
          } ${leave(k + 1, String(at.next), 0)} } }`,
        );
        if (d.rd !== 0) lines.push(`r${d.rd} = ${bind(s.extend)};`);
        break;
      }
      case 'store': {
        const [view, shift] = VIEWS[s.size];
        lines.push(
          `a = (${reg(d.rs1)} + ${literal(d.imm)}) >>> 0; p = a >>> 12; e = p & ${TLB_MASK};`,
          `if (wtag[e] === p && (a & ${s.size - 1}) === 0) ${view}[(woff[e] + (a & 4095)) >> ${shift}] = ${reg(d.rs2)};`,
          `else { ${sync(k)} c.store(a, ${s.size}, ${reg(d.rs2)}); ${unsync(k)} if (c.exit !== 0) { if (c.exit === 1) { ${fault(k, at)} } ${leave(k + 1, String(at.next), 0)} } }`,
        );
        break;
      }
      case 'branch': {
        const target = (at.pc + d.imm) >>> 0;
        if (loop) {
          lines.push(
            `if (${bind(s.taken)}) { if ((n + 2) * ${length} <= room) { n++; continue; } ${leave(k + 1, String(target), 0)} }`,
          );
        } else {
          lines.push(`if (${bind(s.taken)}) { ${leave(k + 1, String(target), 0)} }`);
        }
        lines.push(leave(k + 1, String(at.next), 0));
        break;
      }
      case 'jump': {
        lines.push(`const t = ${bind(s.target)};`);
        if (d.rd !== 0) lines.push(`r${d.rd} = ${literal(at.next)};`);
        if (loop) lines.push(`if ((n + 2) * ${length} <= room) { n++; continue; }`);
        lines.push(leave(k + 1, 't', 0));
        break;
      }
    }
  }
  const end = instructions[length - 1] as BlockInstruction;
  if (
    end.semantics !== undefined &&
    end.semantics.kind !== 'branch' &&
    end.semantics.kind !== 'jump'
  )
    lines.push(leave(length, String(end.next), 0));
  if (loop) lines.push('}');
  extras.I = calls;
  const source = lines.join('\n');
  const fn = compileSemantics<BlockFunction>(['c', 'h'], source, extras);
  const bytes = (end.next - pc) >>> 0;
  return { fn, length, bytes, size: source.length, loop, source };
}

/** Entries of the translator's TLBs (a power of two), and the mask that indexes them. */
export const TLB_ENTRIES = 256;
const TLB_MASK = TLB_ENTRIES - 1;

/** The view and index shift for an access of each size. */
const VIEWS: Record<1 | 2 | 4, readonly [string, number]> = {
  1: ['u8', 0],
  2: ['u16', 1],
  4: ['i32', 2],
};

/** Whether the block's last instruction jumps back to its first (`pc`), unconditionally or not. */
function loopsToStart(last: BlockInstruction, pc: number): boolean {
  const s = last.semantics;
  if (s === undefined) return false;
  if (s.kind === 'branch') return (last.pc + last.decoded.imm) >>> 0 === pc;
  // JAL only (JALR's target is not known): a JAL that links a register is a call, not a loop.
  if (s.kind === 'jump')
    return (
      s.target.includes('$pc') && last.decoded.rd === 0 && (last.pc + last.decoded.imm) >>> 0 === pc
    );
  return false;
}

function usesRs1(s: Semantics): boolean {
  if (s.kind === 'value') return s.value.includes('$a');
  if (s.kind === 'jump') return s.target.includes('$a');
  return true;
}

function usesRs2(s: Semantics): boolean {
  if (s.kind === 'value') return s.value.includes('$b');
  if (s.kind === 'branch') return true;
  return s.kind === 'store';
}

function writesRd(s: Semantics): boolean {
  return s.kind === 'value' || s.kind === 'load' || s.kind === 'jump';
}
