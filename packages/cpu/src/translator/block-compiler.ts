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
  CSR_INSTRUCTIONS,
  type CsrWord,
  compileSemantics,
  createInstructionRecord,
  csrWord,
  type DecodedInstruction,
  type Decoder,
  execute,
  type InstructionSpec,
  instructionById,
  type OperandTexts,
  SEMANTICS,
  type Semantics,
} from '@trapeze/isa';
import type { CallPolicy } from './call-policy.js';

/** Most instructions in one block. */
export const MAX_BLOCK_INSTRUCTIONS = 128;

/**
 * A compiled block: runs on the core `c` and hart `h` from its block number `entry` (0, the
 * first block, unless a region is entered at another of its blocks), and returns how it ended
 * (`BLOCK_*`).
 */
export type BlockFunction = (c: unknown, h: unknown, entry: number) => number;

/** Where a region may also be entered: one of its blocks after the first. */
export interface RegionEntry {
  /** The block's number in the region (its `entry` argument). */
  readonly index: number;
  /** Virtual address of its first instruction. */
  readonly pc: number;
  /** Its instructions. */
  readonly length: number;
}

/** One decoded instruction of a block. */
export interface BlockInstruction {
  readonly decoded: DecodedInstruction;
  readonly pc: number;
  readonly next: number;
  /** Its expression semantics, or undefined for a call to the interpreter's handler or the call policy. */
  readonly semantics: Semantics | undefined;
  /** Whether it is a call of the core's call policy ({@link BlockCalls}), not of the handler. */
  readonly call: boolean;
  /**
   * For a jump ending a block: its target when the block alone determines it (JAL, or JALR
   * whose base register the block set from constants, as `auipc ra, …; jalr …(ra)` does).
   */
  target: number | undefined;
}

/**
 * Turns decoded blocks (the first is the entry; a region when there are several or the one
 * block loops to itself) into host code. `compileJavaScript` is the default; the
 * translator core may give a WebAssembly one.
 */
export type BlockEmitter = (
  blocks: readonly (readonly BlockInstruction[])[],
  pc: number,
) => CompiledBlock;

/** The result of {@link compileBlock}. */
export interface CompiledBlock {
  readonly fn: BlockFunction;
  /** Instructions in its entry block: the fewest it runs unless it traps or meets a device. */
  readonly length: number;
  /** Instructions in all its blocks. */
  readonly instructions: number;
  /** Bytes of guest code it covers. */
  readonly bytes: number;
  /** Characters (JavaScript) or bytes (WebAssembly) of host code generated: what the cache's size limit counts. */
  readonly size: number;
  /** Whether it was compiled as a region: blocks in a loop, checking the room as each starts. */
  readonly loop: boolean;
  /** The generated source (for tests and the curious; empty for WebAssembly). */
  readonly source: string;
  /** A region's other blocks, where it may be entered too (none for a single block). */
  readonly entries: readonly RegionEntry[];
}

/**
 * Which instructions blocks compile into calls of a call policy: those without expression
 * semantics the policy names, and every instruction at a RAM offset in `sites` (adaptive
 * translation).
 */
export interface BlockCalls {
  readonly policy: CallPolicy;
  /** RAM offsets of instructions that are calls whatever they are. */
  readonly sites: ReadonlySet<number>;
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
 * page, or {@link MAX_BLOCK_INSTRUCTIONS}. A 32-bit instruction that straddles the page end
 * ends the block before it — unless it is the first and `cross` is the byte offset of the page
 * its second parcel is on (where the next virtual page is in RAM): then the block takes it and
 * goes on in that page. Empty when the first instruction straddles the page and `cross` is -1.
 * With `calls`, the instructions it names are calls of its policy (no semantics: the block
 * ends after them, unless they are CSR accesses that may stay inside a block).
 */
export function decodeBlock(
  u16: Uint16Array,
  offset: number,
  pc: number,
  decoder: Decoder,
  calls?: BlockCalls,
  cross = -1,
  /**
   * Whether the emitter accesses the CSRs of `CSR_WORDS` in place: then a write of one (say,
   * `sstatus`) does not end the block (the emitter ends it when the write changes a watched bit).
   */
  inlineCsrs = false,
): BlockInstruction[] {
  const out: BlockInstruction[] = [];
  let at = offset;
  let address = pc;
  while (out.length < MAX_BLOCK_INSTRUCTIONS) {
    const inPage = at & 0xfff;
    const low = u16[at >> 1] as number;
    let word = low;
    const straddles = (low & 3) === 3 && inPage === 0xffe;
    if ((low & 3) === 3) {
      if (straddles && (out.length !== 0 || cross < 0)) break;
      word = low | ((u16[straddles ? cross >> 1 : (at >> 1) + 1] as number) << 16);
    }
    const decoded = decoder.decodeInto(word, createInstructionRecord());
    const next = (address + decoded.size) >>> 0;
    let semantics = semanticsOf(decoded);
    const call =
      calls !== undefined &&
      (calls.sites.has(at) || (semantics === undefined && calls.policy.calls(decoded)));
    if (call) semantics = undefined;
    out.push({ decoded, pc: address, next, semantics, call, target: undefined });
    const inline = inlineCsrs && !call && inlineCsr(decoded) !== undefined;
    if (
      (semantics === undefined && !callsInline(decoded) && !inline) ||
      semantics?.kind === 'branch' ||
      semantics?.kind === 'jump'
    )
      break;
    at = straddles ? cross + 2 : at + decoded.size;
    address = next;
    if ((at & 0xfff) === 0) break;
  }
  const last = out[out.length - 1];
  if (last?.semantics?.kind === 'jump') {
    const base = last.semantics.target.includes('$a')
      ? constantRegister(out, out.length - 1, last.decoded.rs1, 4)
      : 0;
    if (base !== undefined) last.target = evaluate(last.semantics.target, last, base, 0);
  }
  return out;
}

/**
 * The value register `r` holds before instruction `before` of `block` when the block's own
 * instructions set it from constants (x0, immediates, pc), following at most `depth` of them;
 * undefined when it depends on anything else.
 */
function constantRegister(
  block: readonly BlockInstruction[],
  before: number,
  r: number,
  depth: number,
): number | undefined {
  if (r === 0) return 0;
  for (let k = before - 1; k >= 0; k--) {
    const at = block[k] as BlockInstruction;
    const s = at.semantics;
    if (s === undefined) {
      if (at.decoded.rd === r) return undefined;
      continue;
    }
    if (s.kind !== 'value' && s.kind !== 'load') continue;
    if (at.decoded.rd !== r) continue;
    if (s.kind === 'load' || depth === 0) return undefined;
    const a = s.value.includes('$a') ? constantRegister(block, k, at.decoded.rs1, depth - 1) : 0;
    const b = s.value.includes('$b') ? constantRegister(block, k, at.decoded.rs2, depth - 1) : 0;
    if (a === undefined || b === undefined) return undefined;
    return evaluate(s.value, at, a, b);
  }
  return undefined;
}

type Evaluator = (a: number, b: number, i: number, pc: number, next: number, v: number) => number;
/** Each semantics expression as a function of its operands, compiled once. */
const evaluators = new Map<string, Evaluator>();

/** Evaluates a semantics expression of instruction `at` with rs1 = `a` and rs2 = `b`. */
function evaluate(text: string, at: BlockInstruction, a: number, b: number): number {
  let evaluator = evaluators.get(text);
  if (evaluator === undefined) {
    // The operand names of the expressions ($a, $b, …) are identifiers: they are the parameters.
    evaluator = compileSemantics<Evaluator>(
      ['$a', '$b', '$i', '$pc', '$next', '$v'],
      `return ${text};`,
    );
    evaluators.set(text, evaluator);
  }
  return evaluator(a, b, at.decoded.imm, at.pc, at.next, 0);
}

/**
 * CSRs whose writes change nothing a translated block or the dispatcher depends on (privilege,
 * translation, interrupt enables, counters, triggers): scratch, exception pc, cause, trap value
 * and vector registers.
 */
const PLAIN_CSRS = new Set([
  0x340, // mscratch
  0x341, // mepc
  0x342, // mcause
  0x343, // mtval
  0x305, // mtvec
  0x140, // sscratch
  0x141, // sepc
  0x142, // scause
  0x143, // stval
  0x105, // stvec
]);

/**
 * Whether a block calls the interpreter's handler for this instruction and goes on: a CSR
 * instruction that only reads (CSRRS/CSRRC with rs1 = x0, CSRRSI/CSRRCI with a zero
 * immediate), or that writes one of the plain CSRs (scratch, exception pc, cause, trap value, vector). Every other instruction without
 * expression semantics ends its block.
 */
export function callsInline(d: DecodedInstruction): boolean {
  if (!d.legal || !d.spec.hasCsr) return false;
  if (PLAIN_CSRS.has(d.csr)) return true;
  const name = d.spec.name;
  if (name === 'csrrs' || name === 'csrrc') return d.rs1 === 0;
  if (name === 'csrrsi' || name === 'csrrci') return d.imm === 0;
  return false;
}

/**
 * The `CSR_WORDS` entry an emitter that accesses those CSRs in place uses for `d`, or undefined
 * when `d` is no access of one.
 */
export function inlineCsr(d: DecodedInstruction): CsrWord | undefined {
  return d.legal && d.spec.hasCsr ? csrWord(d.csr) : undefined;
}

/** A signed 32-bit number as source text. */
function literal(value: number): string {
  return String(value | 0);
}

/** What a compiled block returns: it ran to its end or left at a branch (the pc is set). */
export const BLOCK_NEXT = 0;
/** ... it ended with a trap or a call to the interpreter's handler: the hart's context may have changed. */
export const BLOCK_CONTEXT = 1;
/** ... it ended after an access that reached a device (or ROM): the board must see it. */
export const BLOCK_DEVICE = 2;
/** ... it ended after a store into translated code (this block's code may be stale). */
export const BLOCK_CODE_WRITE = 3;
/** ... it did nothing: its host code is not ready yet (the core interprets the code instead). */
export const BLOCK_NOT_READY = 4;

/** Most blocks in one region, and most instructions. */
export const MAX_REGION_BLOCKS = 24;
const MAX_REGION_INSTRUCTIONS = 384;

/**
 * Compiles the block at virtual address `pc` (code at RAM byte `offset`), or returns undefined
 * when there is nothing to compile (an instruction straddling the page end, without `cross`:
 * see `decodeBlock`).
 */
export function compileBlock(
  u16: Uint16Array,
  offset: number,
  pc: number,
  decoder: Decoder,
  emit: BlockEmitter = compileJavaScript,
  /** Instructions compiled into calls of a call policy (none by default). */
  calls?: BlockCalls,
  /** The RAM offset of the next virtual page, for a first instruction that straddles into it. */
  cross = -1,
  /** Whether `emit` accesses the CSRs of `CSR_WORDS` in place (a write of one then does not end the block). */
  inlineCsrs = false,
): CompiledBlock | undefined {
  const block = decodeBlock(u16, offset, pc, decoder, calls, cross, inlineCsrs);
  if (block.length === 0) return undefined;
  return emit([block], pc);
}

/**
 * Compiles the region that starts with the block at `pc` (code at RAM byte `offset`): that
 * block and every block reachable from it by branches and direct jumps that stay in its page
 * and that `include` accepts, up to {@link MAX_REGION_BLOCKS}, as one function whose registers stay in locals across all of
 * them — a loop of several blocks runs without leaving the function. Undefined when there is
 * nothing to compile.
 */
export function compileRegion(
  u16: Uint16Array,
  offset: number,
  pc: number,
  decoder: Decoder,
  /** Whether the block at a pc may join the region (say, because it has run): all by default. */
  include: (pc: number) => boolean = () => true,
  emit: BlockEmitter = compileJavaScript,
  /** Instructions compiled into calls of a call policy (none by default). */
  calls?: BlockCalls,
  /** Whether `emit` accesses the CSRs of `CSR_WORDS` in place (a write of one then does not end the block). */
  inlineCsrs = false,
): CompiledBlock | undefined {
  const first = decodeBlock(u16, offset, pc, decoder, calls, -1, inlineCsrs);
  if (first.length === 0) return undefined;
  const blocks = [first];
  const starts = new Map<number, number>([[pc, 0]]);
  const page = pc >>> 12;
  let instructions = first.length;
  for (let i = 0; i < blocks.length; i++) {
    for (const target of successors(blocks[i] as BlockInstruction[])) {
      if (starts.has(target) || target >>> 12 !== page || !include(target)) continue;
      if (blocks.length >= MAX_REGION_BLOCKS || instructions >= MAX_REGION_INSTRUCTIONS) break;
      const decoded = decodeBlock(
        u16,
        offset + (target - pc),
        target,
        decoder,
        calls,
        -1,
        inlineCsrs,
      );
      if (decoded.length === 0) continue;
      starts.set(target, blocks.length);
      blocks.push(decoded);
      instructions += decoded.length;
    }
  }
  return emit(blocks, pc);
}

/** The addresses a block may go on to that are known when it is compiled. */
export function successors(block: readonly BlockInstruction[]): number[] {
  const last = block[block.length - 1] as BlockInstruction;
  const s = last.semantics;
  if (s === undefined) return [];
  if (s.kind === 'branch') return [(last.pc + last.decoded.imm) >>> 0, last.next];
  if (s.kind === 'jump') {
    const to = last.target === undefined ? [] : [last.target];
    // A call's return site usually runs next after the callee: it may join the region, where
    // the callee's return (a dynamic jump) finds it.
    return isCall(last) ? [...to, last.next] : to;
  }
  return [last.next];
}

/** Whether a block's last instruction is a call: a jump that links (rd ≠ x0). */
export function isCall(last: BlockInstruction): boolean {
  return last.semantics?.kind === 'jump' && last.decoded.rd !== 0;
}

/**
 * Compiles blocks (the first is the entry) into one JavaScript function. One block that does
 * not jump back to itself is straight-line code; otherwise the blocks are cases of a `switch`
 * in a loop, and each checks, as it starts, that all of it fits in what is left
 * (`TranslatorCore.room`).
 */
/** What both emitters need to know about the blocks they compile. */
export interface BlockPlan {
  /** Block number by the pc of its first instruction. */
  readonly index: ReadonlyMap<number, number>;
  /** Whether the blocks are a region (cases in a loop) rather than straight-line code. */
  readonly region: boolean;
  /** Registers the blocks read and write (x0 left out). */
  readonly read: ReadonlySet<number>;
  readonly written: ReadonlySet<number>;
  /** How many times the blocks' instructions name each register they read or write. */
  readonly uses: ReadonlyMap<number, number>;
  /** Whether any instruction loads or stores. */
  readonly memory: boolean;
  /** Instructions in all the blocks, and bytes of guest code they cover. */
  readonly instructions: number;
  readonly bytes: number;
  /** Blocks of the region that start where a call in it returns. */
  readonly returnSites: readonly number[];
  /** A region's other blocks, where it may be entered too. */
  readonly entries: readonly RegionEntry[];
}

/** Analyses decoded blocks (the first is the entry, at `pc`) for an emitter. */
export function planBlocks(
  blocks: readonly (readonly BlockInstruction[])[],
  pc: number,
): BlockPlan {
  const index = new Map<number, number>();
  for (const [i, block] of blocks.entries()) index.set((block[0] as BlockInstruction).pc, i);
  const region = blocks.length > 1 || successors(blocks[0] as BlockInstruction[]).includes(pc);
  const read = new Set<number>();
  const written = new Set<number>();
  const uses = new Map<number, number>();
  const use = (r: number, into: Set<number>) => {
    into.add(r);
    uses.set(r, (uses.get(r) ?? 0) + 1);
  };
  let memory = false;
  let instructions = 0;
  let bytes = 0;
  for (const block of blocks) {
    instructions += block.length;
    const end = block[block.length - 1] as BlockInstruction;
    bytes += (end.next - (block[0] as BlockInstruction).pc) >>> 0;
    for (const { decoded, semantics } of block) {
      if (semantics === undefined) {
        // A handler called inside the block reads its operands from the hart and writes rd;
        // a CSR access made inline reads rs1 (when its operand is a register).
        if (callsInline(decoded) || inlineCsr(decoded) !== undefined) {
          if (decoded.rd !== 0) use(decoded.rd, written);
          if (decoded.rs1 !== 0 && !CSR_INSTRUCTIONS[decoded.spec.name]?.immediate)
            use(decoded.rs1, read);
        }
        continue;
      }
      if (semantics.kind === 'load' || semantics.kind === 'store') memory = true;
      if (usesRs1(semantics) && decoded.rs1 !== 0) use(decoded.rs1, read);
      if (usesRs2(semantics) && decoded.rs2 !== 0) use(decoded.rs2, read);
      if (writesRd(semantics) && decoded.rd !== 0) use(decoded.rd, written);
    }
  }
  const returnSites = [
    ...new Set(
      blocks
        .map((block) => block[block.length - 1] as BlockInstruction)
        .filter((last) => isCall(last) && index.has(last.next))
        .map((last) => last.next),
    ),
  ];
  const entries = region
    ? blocks.slice(1).map((block, i) => ({
        index: i + 1,
        pc: (block[0] as BlockInstruction).pc,
        length: block.length,
      }))
    : [];
  return {
    index,
    region,
    read,
    written,
    uses,
    memory,
    instructions,
    bytes,
    returnSites,
    entries,
  };
}

/**
 * Compiles blocks (the first is the entry) into one JavaScript function. One block that does
 * not jump back to itself is straight-line code; otherwise the blocks are cases of a `switch`
 * in a loop, and each checks, as it starts, that all of it fits in what is left
 * (`TranslatorCore.room`).
 */
export function compileJavaScript(
  blocks: readonly (readonly BlockInstruction[])[],
  pc: number,
): CompiledBlock {
  const plan = planBlocks(blocks, pc);
  const { index, region, read, written, memory, returnSites } = plan;
  /** The TLB arrays and RAM views the block's loads and stores use (read once, at entry). */
  const used = new Set<string>();
  for (const block of blocks) {
    for (const { semantics } of block) {
      if (semantics?.kind === 'load' || semantics?.kind === 'store') {
        used.add(
          semantics.kind === 'load'
            ? 'rtag = c.rtag, roff = c.roff'
            : 'wtag = c.wtag, woff = c.woff',
        );
        used.add((VIEWS[semantics.size] as readonly [string, number])[0]);
      }
    }
  }
  const locals = [...new Set([...read, ...written])].sort((a, b) => a - b);
  const writeBack = [...written]
    .sort((a, b) => a - b)
    .map((r) => `x[${r}] = r${r};`)
    .join(' ');
  const retired = (count: number) =>
    region ? (count === 0 ? 'done' : `done + ${count}`) : String(count);
  // Every exit but a handler call goes through one epilogue after the `out` label, which writes
  // the registers back: `xk` instructions retired, `xpc` the next pc, `xr` the result (-1: the
  // access at `a` faulted, the trap is taken).
  /** Leaves after `count` instructions of the current block retired, going on at `next` (text). */
  const leave = (count: number, next: string, result: string) =>
    `{ xk = ${retired(count)}; xpc = ${next}; xr = ${result}; break out; }`;
  /** Leaves at instruction `k`, whose access faulted: the trap is taken. */
  const fault = (k: number, at: BlockInstruction) =>
    `{ xk = ${retired(k)}; xpc = ${at.pc}; xr = -1; break out; }`;
  const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
  // A device reads virtual time (retired instructions) during the access: count those before it.
  const sync = (k: number) => (k === 0 && !region ? '' : `h.retired += ${retired(k)};`);
  const unsync = (k: number) => (k === 0 && !region ? '' : `h.retired -= ${retired(k)};`);
  /** Goes on at `target` after the current block's `count` instructions: inside the region or out. */
  const transfer = (count: number, target: number) => {
    const to = index.get(target);
    if (!region || to === undefined) return leave(count, String(target), String(BLOCK_NEXT));
    // A block that goes back to itself loops in place, without the switch.
    if (to === current && selfLoop) return `done += ${count}; continue self;`;
    return `done += ${count}; b = ${to}; continue top;`;
  };
  /** The block being emitted, and whether it jumps back to itself (its case is a loop). */
  let current = 0;
  let selfLoop = false;

  const lines: string[] = [];
  lines.push('const x = h.x;');
  if (locals.length > 0) lines.push(`let ${locals.map((r) => `r${r} = x[${r}]`).join(', ')};`);
  if (memory) {
    lines.push(
      `const ${[...used].map((name) => (name.includes('=') ? name : `${name} = c.${name}`)).join(', ')}, salt = c.salt;`,
      'let a = 0, p = 0, e = 0, v = 0;',
    );
  }
  lines.push('let xk = 0, xpc = 0, xr = 0;', 'out: {');
  if (region)
    lines.push(
      'const room = c.room;',
      'let done = 0, b = entry;',
      'top: for (;;) {',
      'switch (b) {',
    );
  const extras: Record<string, unknown> = { execute };
  const calls: DecodedInstruction[] = [];

  for (const [bi, block] of blocks.entries()) {
    const head = block[0] as BlockInstruction;
    current = bi;
    selfLoop = region && successors(block).includes(head.pc);
    if (region) {
      lines.push(`case ${bi}: {`);
      if (selfLoop) lines.push('self: for (;;) {');
      // The dispatcher checked the entry block; a block reached inside the region checks itself.
      lines.push(
        `if (done + ${block.length} > room) ${leave(0, String(head.pc), String(BLOCK_NEXT))}`,
      );
    }
    let ended = false;
    for (const [k, at] of block.entries()) {
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
      // The interpreter's handler, or the call policy's call (the core's `handle`).
      const run = (ins: string, stays: boolean) =>
        at.call ? `c.handle(${ins}, ${stays})` : `execute(h, ${ins})`;
      if (s === undefined && callsInline(d)) {
        // A CSR access that changes nothing the block depends on: the interpreter's handler,
        // with the hart as the instruction finds it, and the block goes on.
        calls.push(d);
        const now = retired(k);
        lines.push(
          `${writeBack} h.retired += ${now}; h.pc = ${at.pc}; h.nextPc = ${at.next}; h.instruction = I[${calls.length - 1}];`,
          `if (!${run(`I[${calls.length - 1}]`, true)}) return ${BLOCK_CONTEXT};`,
          `h.retired -= ${now};${d.rd !== 0 ? ` r${d.rd} = x[${d.rd}];` : ''}`,
        );
        continue;
      }
      if (s === undefined) {
        // The interpreter's handler, with the hart as the instruction finds it.
        calls.push(d);
        lines.push(
          `${writeBack} h.retired += ${retired(k)}; h.pc = ${at.pc}; h.nextPc = ${at.next};`,
          `const ins = I[${calls.length - 1}]; h.instruction = ins;`,
          `if (${run('ins', false)}) { h.pc = h.nextPc; h.retired++; }`,
          `return ${BLOCK_CONTEXT};`,
        );
        ended = true;
        break;
      }
      switch (s.kind) {
        case 'value':
          if (d.rd !== 0) lines.push(`r${d.rd} = ${bind(s.value)};`);
          break;
        case 'load': {
          const [view, shift] = VIEWS[s.size];
          lines.push(
            `a = (${reg(d.rs1)} + ${literal(d.imm)}) >>> 0; p = (a >>> 12) | salt; e = p & ${TLB_MASK};`,
            `if (rtag[e] === p && (a & ${s.size - 1}) === 0) v = ${view}[(roff[e] + (a & 4095)) >> ${shift}];`,
            `else { ${sync(k)} v = c.load(a, ${s.size}); ${unsync(k)} if (c.exit !== 0) { if (c.exit === 1) { ${fault(k, at)} } ${
              d.rd !== 0 ? `r${d.rd} = ${bind(s.extend)};` : ''
            } ${leave(k + 1, String(at.next), 'c.exit')} } }`,
          );
          if (d.rd !== 0) lines.push(`r${d.rd} = ${bind(s.extend)};`);
          break;
        }
        case 'store': {
          const [view, shift] = VIEWS[s.size];
          lines.push(
            `a = (${reg(d.rs1)} + ${literal(d.imm)}) >>> 0; p = (a >>> 12) | salt; e = p & ${TLB_MASK};`,
            `if (wtag[e] === p && (a & ${s.size - 1}) === 0) ${view}[(woff[e] + (a & 4095)) >> ${shift}] = ${reg(d.rs2)};`,
            `else { ${sync(k)} c.store(a, ${s.size}, ${reg(d.rs2)}); ${unsync(k)} if (c.exit !== 0) { if (c.exit === 1) { ${fault(k, at)} } ${leave(k + 1, String(at.next), 'c.exit')} } }`,
          );
          break;
        }
        case 'branch': {
          const target = (at.pc + d.imm) >>> 0;
          lines.push(`if (${bind(s.taken)}) { ${transfer(k + 1, target)} }`);
          lines.push(transfer(k + 1, at.next));
          ended = true;
          break;
        }
        case 'jump': {
          if (at.target === undefined) {
            lines.push(`const t = ${bind(s.target)};`);
            if (d.rd !== 0) lines.push(`r${d.rd} = ${literal(at.next)};`);
            // A return to a call site in the region stays in it.
            if (region && returnSites.length > 0) {
              lines.push('switch (t) {');
              for (const site of returnSites) lines.push(`case ${site}: ${transfer(k + 1, site)}`);
              lines.push('}');
            }
            lines.push(leave(k + 1, 't', String(BLOCK_NEXT)));
          } else {
            if (d.rd !== 0) lines.push(`r${d.rd} = ${literal(at.next)};`);
            lines.push(transfer(k + 1, at.target));
          }
          ended = true;
          break;
        }
      }
    }
    if (!ended)
      lines.push(transfer(block.length, (block[block.length - 1] as BlockInstruction).next));
    if (selfLoop) lines.push('}');
    if (region) lines.push('}');
  }
  if (region) lines.push('}', '}');
  lines.push('}', `${writeBack} h.retired += xk; h.pc = xpc;`);
  if (memory) lines.push(`if (xr === -1) { c.fault(a); return ${BLOCK_CONTEXT}; }`);
  lines.push('return xr;');
  extras.I = calls;
  const source = lines.join('\n');
  const fn = compileSemantics<BlockFunction>(['c', 'h', 'entry'], source, extras);
  return {
    fn,
    length: (blocks[0] as BlockInstruction[]).length,
    instructions: plan.instructions,
    bytes: plan.bytes,
    size: source.length,
    loop: region,
    source,
    entries: plan.entries,
  };
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

export function usesRs1(s: Semantics): boolean {
  if (s.kind === 'value') return s.value.includes('$a');
  if (s.kind === 'jump') return s.target.includes('$a');
  return true;
}

export function usesRs2(s: Semantics): boolean {
  if (s.kind === 'value') return s.value.includes('$b');
  if (s.kind === 'branch') return true;
  return s.kind === 'store';
}

export function writesRd(s: Semantics): boolean {
  return s.kind === 'value' || s.kind === 'load' || s.kind === 'jump';
}
