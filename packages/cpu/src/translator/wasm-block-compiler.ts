/**
 * Blocks as WebAssembly: the same decoded blocks and plan as the JavaScript emitter
 * ({@link planBlocks}), the same `SEMANTICS` texts ({@link emitExpression}), the same exits —
 * blocks and regions compiled in batches, one module per batch, by the engine's baseline
 * compiler at once and optimized in the background, never deoptimized. Registers stay in locals and are written
 * back to the hart's registers (in the module's memory) at every exit; guest RAM and the
 * software TLBs are in the same memory, so a load that hits the TLB is a few wasm
 * instructions; misses, faults, devices and handler calls go to the core through imports.
 *
 * @module
 */
import {
  CSR_INSTRUCTIONS,
  type CsrWord,
  type DecodedInstruction,
  execute,
  type Hart,
  type LoadSemantics,
  SEMANTIC_HELPER_FUNCTIONS,
  SEMANTIC_HELPERS,
  type StoreSemantics,
} from '@trapeze/isa';
import {
  BLOCK_CONTEXT,
  BLOCK_NEXT,
  BLOCK_NOT_READY,
  type BlockEmitter,
  type BlockInstruction,
  type BlockPlan,
  callsInline,
  inlineCsr,
  planBlocks,
  successors,
  TLB_ENTRIES,
} from './block-compiler.js';
import { emitExpression, type OperandName } from './wasm-expression.js';
import { OP, RESULT_I32, WasmCode, type WasmImport, wasmModule } from './wasm-module.js';
import { RAM_OFFSET, STATE } from './wasm-state.js';

/** What a WebAssembly block needs of the core that runs it. */
export interface WasmBlockHost {
  readonly hart: Hart;
  /** Instructions the running block may retire. */
  readonly room: number;
  /** TLB salt of the current context. */
  readonly salt: number;
  /** How the last slow-path access went (see `TranslatorCore.exit`). */
  readonly exit: number;
  load(address: number, size: 1 | 2 | 4): number;
  store(address: number, size: 1 | 2 | 4, value: number): void;
  fault(address: number): void;
  /** Runs a call of the call policy: whether the instruction completed (`TranslatorCore.handle`). */
  handle(instruction: DecodedInstruction, staysInBlock: boolean): boolean;
}

/**
 * Registers a function keeps in locals at most (the ones its instructions name most): code
 * naming more — trap entry and exit, saving and restoring every register — costs the
 * engine's optimizing compiler far more time (register pressure across every exit) than it
 * gains.
 */
const LOCAL_REGISTERS = 12;

/** A block returns this when a handler it called has set pc and `retired` itself. */
const HANDLED = 0x7fff;

/** Imported functions, by index. */
const LOAD = 0;
const STORE = 1;
const CALL = 2;
const END = 3;
const HELPERS = 4;

const IMPORTS: readonly WasmImport[] = [
  { name: 'load', params: 3, results: 1 },
  { name: 'store', params: 4, results: 0 },
  { name: 'call', params: 2, results: 1 },
  { name: 'end', params: 2, results: 0 },
  ...SEMANTIC_HELPERS.map((name) => ({ name, params: 2, results: 1 as const })),
];

const LOADS: Readonly<Record<1 | 2 | 4, number>> = {
  1: OP.i32Load8U,
  2: OP.i32Load16U,
  4: OP.i32Load,
};
const STORES: Readonly<Record<1 | 2 | 4, number>> = {
  1: OP.i32Store8,
  2: OP.i32Store16,
  4: OP.i32Store,
};

/**
 * Blocks wait to be compiled together: a module costs the engine a fixed ≈ 0.5 ms however
 * small it is. A batch is compiled when this many blocks wait, or when the code of the blocks
 * waiting has been interpreted for `batchInstructions` instructions in all (see
 * `TranslatorOptions.batchInstructions`).
 */
const BATCH = 64;

/** Default `TranslatorOptions.batchInstructions`. */
export const DEFAULT_BATCH_INSTRUCTIONS = 1024;

/** A block waiting for its batch: what it compiles from, and where its function will be. */
interface Pending {
  readonly code: WasmCode;
  readonly slot: Slot;
}

/** Where a block finds its function once its batch is compiled. */
interface Slot {
  run: ((which: number, entry: number) => number) | undefined;
  which: number;
  /** The handler calls of the block's module (the index a block passes to `call` and `end`). */
  readonly calls: readonly BlockInstruction[];
}

/**
 * An emitter of WebAssembly blocks for one core whose RAM and registers live in `memory`
 * (see `createCoreRam`). A block it returns is compiled with the next batch: until then it
 * returns {@link BLOCK_NOT_READY} without running, and the core interprets its code.
 */
export function wasmEmitter(
  memory: WebAssembly.Memory,
  core: WasmBlockHost,
  /** Instructions the blocks waiting for a batch may be interpreted for before it is compiled. */
  batchInstructions: number = DEFAULT_BATCH_INSTRUCTIONS,
  /**
   * Whether the hart's trap CSRs (`CsrFile.words`) are at `STATE.csr` of `memory`, so that
   * blocks access them inline (else, and for instructions of a call policy, through the
   * interpreter's handler).
   */
  inlineCsrs = false,
): BlockEmitter {
  const words = new Int32Array(memory.buffer, 0, RAM_OFFSET >> 2);
  const hart = core.hart;
  /** The handler calls of the running block's module (set as it is entered). */
  const running: Running = { calls: [] };
  /**
   * Runs the interpreter's handler (or the call policy's call) for handler call `index` of
   * the running block, with the hart as that instruction finds it (`count` instructions of the
   * block retired before it; `stays`: whether the block goes on after it): whether it
   * completed (false: it trapped, or the call ended the run).
   */
  const handle = (index: number, count: number, stays: boolean): boolean => {
    const at = running.calls[index] as BlockInstruction;
    hart.retired += count;
    hart.pc = at.pc;
    hart.nextPc = at.next;
    hart.instruction = at.decoded;
    return at.call ? core.handle(at.decoded, stays) : execute(hart, at.decoded);
  };
  const host = hostFunctions({
    load: (address: number, size: 1 | 2 | 4, count: number) => {
      hart.retired += count;
      const value = core.load(address >>> 0, size);
      hart.retired -= count;
      words[STATE.exit >> 2] = core.exit;
      return value;
    },
    store: (address: number, size: 1 | 2 | 4, value: number, count: number) => {
      hart.retired += count;
      core.store(address >>> 0, size, value);
      hart.retired -= count;
      words[STATE.exit >> 2] = core.exit;
    },
    call: (index: number, count: number) => {
      if (!handle(index, count, true)) return 0;
      hart.retired -= count;
      return 1;
    },
    end: (index: number, count: number) => {
      if (handle(index, count, false)) {
        hart.pc = hart.nextPc;
        hart.retired++;
      }
    },
    ...SEMANTIC_HELPER_FUNCTIONS,
  });
  const imports = { m: { memory, ...host } };
  let pending: Pending[] = [];
  /** The handler calls of the blocks waiting (the next module's). */
  let pendingCalls: BlockInstruction[] = [];
  /** Instructions interpreted (or run as a region's first block) while the batch waited. */
  let waited = 0;
  const compile = () => {
    const batch = pending;
    pending = [];
    pendingCalls = [];
    waited = 0;
    const functions = batch.map(({ code }) => code);
    functions.push(dispatcher(functions.length));
    const bytes = wasmModule({
      memory: true,
      imports: IMPORTS,
      functions,
      exports: [{ name: 'run', index: IMPORTS.length + functions.length - 1 }],
    });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    const run = instance.exports.run as (which: number, entry: number) => number;
    for (const { slot } of batch) slot.run = run;
  };
  const emit: BlockEmitter = (blocks, pc) => {
    const plan = planBlocks(blocks, pc);
    const code = emitBlocks(blocks, plan, pendingCalls, inlineCsrs);
    const slot: Slot = { run: undefined, which: pending.length, calls: pendingCalls };
    const length = (blocks[0] as readonly BlockInstruction[]).length;
    pending.push({ code, slot });
    return {
      fn: (c, h, entry) => {
        if (slot.run === undefined) {
          waited += length;
          if (pending.length < BATCH && waited < batchInstructions) return BLOCK_NOT_READY;
          compile();
        }
        running.calls = slot.calls;
        return runBlock(slot, c as WasmBlockHost, h as Hart, entry, words);
      },
      length,
      instructions: plan.instructions,
      bytes: plan.bytes,
      size: code.size,
      loop: plan.region,
      source: '',
      entries: plan.entries,
    };
  };
  return emit;
}

/** What the handler imports need to know about the block running. */
interface Running {
  calls: readonly BlockInstruction[];
}

/**
 * The JavaScript functions blocks call, as WebAssembly functions of one module made once per
 * core: a block module that imports a WebAssembly function calls it directly, while importing
 * the JavaScript function itself would make the engine compile a call wrapper for every
 * module (≈ 1 ms each).
 */
function hostFunctions(functions: Record<string, unknown>): Record<string, unknown> {
  const forwarders = IMPORTS.map((f, i) => {
    const w = new WasmCode(f.params, f.results);
    for (let p = 0; p < f.params; p++) w.get(p);
    w.call(i);
    return w;
  });
  const bytes = wasmModule({
    memory: false,
    imports: IMPORTS,
    functions: forwarders,
    exports: IMPORTS.map((f, i) => ({ name: f.name, index: IMPORTS.length + i })),
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: functions });
  return instance.exports;
}

/** Runs a compiled block: passes room and salt in, applies what it leaves. */
function runBlock(
  slot: Slot,
  core: WasmBlockHost,
  hart: Hart,
  entry: number,
  words: Int32Array,
): number {
  const room = core.room;
  words[STATE.room >> 2] = Math.min(room, 0x7fff_ffff);
  words[STATE.salt >> 2] = core.salt;
  words[STATE.privilege >> 2] = hart.privilege;
  const result = (slot.run as (which: number, entry: number) => number)(slot.which, entry);
  if (result === HANDLED) return BLOCK_CONTEXT;
  hart.retired += words[STATE.retired >> 2] as number;
  hart.pc = (words[STATE.pc >> 2] as number) >>> 0;
  if (result === -1) {
    core.fault((words[STATE.address >> 2] as number) >>> 0);
    return BLOCK_CONTEXT;
  }
  return result;
}

/** The exported function of a module of `count` blocks: runs block `which` from `entry`. */
function dispatcher(count: number): WasmCode {
  const w = new WasmCode(2);
  const labels = Array.from({ length: count }, (_, i) => `f${i}`);
  for (let i = count - 1; i >= 0; i--) w.open(OP.block, labels[i]);
  w.get(0).brTable(labels, labels[0] as string);
  for (let i = 0; i < count; i++) {
    w.close();
    w.get(1)
      .call(IMPORTS.length + i)
      .op(OP.return);
  }
  w.op(OP.unreachable);
  return w;
}

/**
 * The function body for `blocks`; the instructions it calls handlers for are added to `calls`.
 */
function emitBlocks(
  blocks: readonly (readonly BlockInstruction[])[],
  plan: BlockPlan,
  /** The module's handler calls: the block adds its own (their index goes to the import). */
  calls: BlockInstruction[],
  /** Whether trap-CSR accesses are inline (see {@link wasmEmitter}). */
  inlineCsrs: boolean,
): WasmCode {
  const { index, region, returnSites, uses } = plan;
  const w = new WasmCode(1);
  const ENTRY = 0;
  // The most used registers live in locals; the others are read and written in place.
  const registers = new Map<number, number>();
  const named = [...new Set([...plan.read, ...plan.written])];
  named.sort((a, b) => (uses.get(b) ?? 0) - (uses.get(a) ?? 0) || a - b);
  for (const r of named.slice(0, LOCAL_REGISTERS).sort((a, b) => a - b))
    registers.set(r, w.local());
  const written = [...plan.written].filter((r) => registers.has(r)).sort((a, b) => a - b);
  const A = w.local();
  const P = w.local();
  const E = w.local();
  const V = w.local();
  const T = w.local();
  const DONE = w.local();
  const B = w.local();
  const ROOM = w.local();
  const SALT = w.local();
  const XK = w.local();
  const XPC = w.local();
  const XR = w.local();

  const S = w.local();
  const reg = (r: number) => {
    const local = registers.get(r);
    if (r === 0) w.const(0);
    else if (local !== undefined) w.get(local);
    else w.const(0).memory(OP.i32Load, STATE.x + 4 * r);
  };
  const setReg = (r: number) => {
    const local = registers.get(r);
    if (local !== undefined) w.set(local);
    else
      w.set(S)
        .const(0)
        .get(S)
        .memory(OP.i32Store, STATE.x + 4 * r);
  };
  /** Writes the registers kept in locals that the blocks write back to the hart's. */
  const writeBack = () => {
    for (const r of written) {
      w.const(0);
      reg(r);
      w.memory(OP.i32Store, STATE.x + 4 * r);
    }
  };
  /** Pushes the instructions retired so far in the region, plus `count`. */
  const retired = (count: number) => {
    if (region) {
      w.get(DONE);
      if (count !== 0) w.const(count).op(OP.i32Add);
    } else w.const(count);
  };
  /** Leaves with `count` retired, the next pc pushed by `next`, and the result pushed by `result`. */
  const leave = (count: number, next: () => void, result: () => void) => {
    retired(count);
    w.set(XK);
    next();
    w.set(XPC);
    result();
    w.set(XR);
    w.br('out');
  };
  const constant = (value: number) => () => w.const(value);
  let current = 0;
  let selfLoop = false;
  const transfer = (count: number, target: number) => {
    const to = index.get(target);
    if (!region || to === undefined) {
      leave(count, constant(target), constant(BLOCK_NEXT));
      return;
    }
    w.get(DONE).const(count).op(OP.i32Add).set(DONE);
    if (to === current && selfLoop) {
      w.br('self');
      return;
    }
    w.const(to).set(B).br('top');
  };
  const expression = (text: string, at: BlockInstruction) => {
    const d = at.decoded;
    emitExpression(w, text, {
      operand: (name: OperandName) => {
        if (name === 'a') reg(d.rs1);
        else if (name === 'b') reg(d.rs2);
        else if (name === 'i') w.const(d.imm);
        else if (name === 'pc') w.const(at.pc);
        else if (name === 'next') w.const(at.next);
        else w.get(V);
      },
      helper: (name) => HELPERS + (SEMANTIC_HELPERS as readonly string[]).indexOf(name),
    });
  };
  /** Computes the access address and TLB probe of a load or store: A, P, E. */
  const probe = (d: DecodedInstruction) => probeAt(d.rs1, d.imm);
  /** Computes the address `base` + `offset` and its TLB probe: A, P, E. */
  const probeAt = (base: number, offset: number) => {
    reg(base);
    w.const(offset).op(OP.i32Add).tee(A);
    w.const(12).op(OP.i32ShrU).get(SALT).op(OP.i32Or).tee(P);
    w.const(TLB_ENTRIES - 1)
      .op(OP.i32And)
      .const(2)
      .op(OP.i32Shl)
      .set(E);
  };
  /** Pushes whether the TLB entry at E (tags at `tags`) holds P and the access is aligned. */
  const hit = (tags: number, size: number) => {
    w.get(E).memory(OP.i32Load, tags).get(P).op(OP.i32Eq);
    if (size > 1)
      w.get(A)
        .const(size - 1)
        .op(OP.i32And)
        .op(OP.i32Eqz)
        .op(OP.i32And);
  };
  /** Pushes the RAM address of the access (offsets at `offsets`). */
  const address = (offsets: number) => {
    w.get(E).memory(OP.i32Load, offsets).get(A).const(4095).op(OP.i32And).op(OP.i32Add);
  };
  /** After a slow-path access: a fault or a device ends the block (`then` runs first). */
  const checkExit = (k: number, at: BlockInstruction, then: () => void) => {
    w.const(0).memory(OP.i32Load, STATE.exit).open(OP.if);
    w.const(0).memory(OP.i32Load, STATE.exit).const(1).op(OP.i32Eq).open(OP.if);
    leave(k, constant(at.pc), constant(-1));
    w.close();
    then();
    leave(k + 1, constant(at.next), () => w.const(0).memory(OP.i32Load, STATE.exit));
    w.close();
  };

  /** Sets rd (if not x0) to the loaded value in V, extended. */
  const setLoaded = (at: BlockInstruction, s: LoadSemantics) => {
    if (at.decoded.rd === 0) return;
    expression(s.extend, at);
    setReg(at.decoded.rd);
  };
  /**
   * The load of instruction `k` at address A through the core (a TLB miss, a device, a fault):
   * pushes the value; a fault or a device ends the block (rd set first for a device).
   */
  const slowLoad = (k: number, at: BlockInstruction, s: LoadSemantics) => {
    w.get(A).const(s.size);
    retired(k);
    w.call(LOAD).set(V);
    checkExit(k, at, () => setLoaded(at, s));
    w.get(V);
  };
  /** The store of instruction `k` at address A through the core: as {@link slowLoad}. */
  const slowStore = (k: number, at: BlockInstruction, s: StoreSemantics) => {
    w.get(A).const(s.size);
    reg(at.decoded.rs2);
    retired(k);
    w.call(STORE);
    checkExit(k, at, () => {});
  };
  /**
   * The `n` loads or stores from instruction `k` of `block` on (see {@link accessGroup}): one
   * TLB probe for all — all their bytes in one page, that page in the TLB — then the accesses
   * straight to RAM (inside a page the TLB holds, a misaligned access is the bytes of an
   * aligned one, as the interpreter makes it). Else the first goes through the core, as a
   * single access that misses the TLB does (entering a RAM page there), and the probe is made
   * again for the others: straight to RAM, or each through the core.
   */
  const group = (k: number, block: readonly BlockInstruction[], n: number) => {
    const first = block[k] as BlockInstruction;
    const store = first.semantics?.kind === 'store';
    const base = first.decoded.rs1;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = k; i < k + n; i++) {
      const at = block[i] as BlockInstruction;
      const { size } = at.semantics as LoadSemantics | StoreSemantics;
      lo = Math.min(lo, at.decoded.imm);
      hi = Math.max(hi, at.decoded.imm + size - 1);
    }
    /**
     * Pushes whether the accesses are in one page that the TLB holds (A: the lowest address;
     * P and E its probe).
     */
    const hits = () => {
      probeAt(base, lo);
      hit(store ? STATE.wtag : STATE.rtag, 1);
      w.get(A)
        .const(hi - lo)
        .op(OP.i32Add)
        .get(A)
        .op(OP.i32Xor)
        .const(-4096)
        .op(OP.i32And)
        .op(OP.i32Eqz)
        .op(OP.i32And);
    };
    /** The accesses from instruction `from` on, straight to RAM (after `hits`). */
    const fast = (from: number) => {
      // P: the RAM address of A.
      address(store ? STATE.woff : STATE.roff);
      w.set(P);
      for (let i = from; i < k + n; i++) {
        const at = block[i] as BlockInstruction;
        const s = at.semantics as LoadSemantics | StoreSemantics;
        w.get(P);
        if (s.kind === 'store') {
          reg(at.decoded.rs2);
          w.memory(STORES[s.size], RAM_OFFSET + at.decoded.imm - lo);
        } else {
          w.memory(LOADS[s.size], RAM_OFFSET + at.decoded.imm - lo).set(V);
          setLoaded(at, s);
        }
      }
    };
    /** The accesses from instruction `from` to `to` (excluded), each through the core. */
    const slow = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = block[i] as BlockInstruction;
        const s = at.semantics as LoadSemantics | StoreSemantics;
        reg(base);
        w.const(at.decoded.imm).op(OP.i32Add).set(A);
        if (s.kind === 'store') slowStore(i, at, s);
        else {
          slowLoad(i, at, s);
          w.set(V);
          setLoaded(at, s);
        }
      }
    };
    hits();
    w.open(OP.if);
    fast(k);
    w.otherwise();
    slow(k, k + 1);
    hits();
    w.open(OP.if);
    fast(k + 1);
    w.otherwise();
    slow(k + 1, k + n);
    w.close();
    w.close();
  };

  /**
   * A Zicsr instruction on a CSR kept in a word (`CsrFile.words`, at `STATE.csr`): below the
   * CSR's privilege level, the handler's call (it raises the illegal-instruction trap); else
   * the read and the write by the word's rule, in place.
   */
  const csrAccess = (k: number, at: BlockInstruction, word: CsrWord) => {
    const d = at.decoded;
    const { immediate, operation } = CSR_INSTRUCTIONS[
      d.spec.name
    ] as (typeof CSR_INSTRUCTIONS)[string];
    const writes = operation === 'write' || (immediate ? d.imm !== 0 : d.rs1 !== 0);
    const slot = STATE.csr + 4 * word.slot;
    w.const(0).memory(OP.i32Load, STATE.privilege).const(word.level).op(OP.i32LtU).open(OP.if);
    calls.push(at);
    writeBack();
    w.const(calls.length - 1);
    retired(k);
    w.call(END).const(HANDLED).op(OP.return);
    w.close();
    // P: the whole word; V: the CSR's value (the word's bits it shows).
    w.const(0).memory(OP.i32Load, slot).tee(P);
    if (word.view !== -1) w.const(word.view).op(OP.i32And);
    w.set(V);
    if (writes) {
      const operand = () => (immediate ? w.const(d.imm) : reg(d.rs1));
      if (operation === 'write') operand();
      else if (operation === 'set') {
        w.get(V);
        operand();
        w.op(OP.i32Or);
      } else {
        w.get(V);
        operand();
        w.const(-1).op(OP.i32Xor).op(OP.i32And);
      }
      w.set(T);
      if (word.vector) w.get(T).const(3).op(OP.i32And).const(2).op(OP.i32LtU).open(OP.if);
      // E: the new word, the CSR's bits replaced by what the write keeps of T.
      w.get(T)
        .const(word.mask & word.view)
        .op(OP.i32And);
      if (word.view !== -1) w.get(P).const(~word.view).op(OP.i32And).op(OP.i32Or);
      w.set(E);
      w.const(0).get(E).memory(OP.i32Store, slot);
      if (word.vector) w.close();
    }
    if (d.rd !== 0) {
      w.get(V);
      setReg(d.rd);
    }
    if (writes && word.watch !== 0) {
      // A watched bit changed (an interrupt may be ready, data translation may differ): the
      // block ends after this instruction and the dispatcher looks again.
      w.get(P).get(E).op(OP.i32Xor).const(word.watch).op(OP.i32And).open(OP.if);
      leave(k + 1, constant(at.next), constant(BLOCK_CONTEXT));
      w.close();
    }
  };

  // Prologue: registers, room and salt into locals.
  for (const [r, local] of registers)
    w.const(0)
      .memory(OP.i32Load, STATE.x + 4 * r)
      .set(local);
  if (plan.memory) w.const(0).memory(OP.i32Load, STATE.salt).set(SALT);
  w.open(OP.block, 'out');
  const cases = blocks.map((_, i) => `case${i}`);
  if (region) {
    w.const(0).memory(OP.i32Load, STATE.room).set(ROOM);
    w.get(ENTRY).set(B);
    w.open(OP.loop, 'top');
    for (let i = blocks.length - 1; i >= 0; i--) w.open(OP.block, cases[i]);
    w.get(B).brTable(cases, cases[0] as string);
  }
  for (const [bi, block] of blocks.entries()) {
    const head = block[0] as BlockInstruction;
    current = bi;
    selfLoop = region && successors(block).includes(head.pc);
    if (region) {
      w.close(); // the end of block `case${bi}`: its code follows
      if (selfLoop) w.open(OP.loop, 'self');
      w.get(DONE).const(block.length).op(OP.i32Add).get(ROOM).op(OP.i32GtU).open(OP.if);
      leave(0, constant(head.pc), constant(BLOCK_NEXT));
      w.close();
    }
    let ended = false;
    let grouped = 0;
    for (const [k, at] of block.entries()) {
      if (k < grouped) continue;
      const { decoded: d, semantics: s } = at;
      const n = accessGroup(block, k);
      if (n !== 0) {
        group(k, block, n);
        grouped = k + n;
        continue;
      }
      if (s === undefined) {
        const word = inlineCsrs && !at.call ? inlineCsr(d) : undefined;
        if (word !== undefined) {
          csrAccess(k, at, word);
          continue;
        }
        calls.push(at);
        writeBack();
        if (callsInline(d)) {
          w.const(calls.length - 1);
          retired(k);
          w.call(CALL).op(OP.i32Eqz).open(OP.if);
          w.const(HANDLED).op(OP.return);
          w.close();
          const local = registers.get(d.rd);
          if (local !== undefined)
            w.const(0)
              .memory(OP.i32Load, STATE.x + 4 * d.rd)
              .set(local);
          continue;
        }
        w.const(calls.length - 1);
        retired(k);
        w.call(END).const(HANDLED).op(OP.return);
        ended = true;
        break;
      }
      switch (s.kind) {
        case 'value':
          if (d.rd !== 0) {
            expression(s.value, at);
            setReg(d.rd);
          }
          break;
        case 'load': {
          probe(d);
          hit(STATE.rtag, s.size);
          w.open(OP.if, undefined, RESULT_I32);
          address(STATE.roff);
          w.memory(LOADS[s.size], RAM_OFFSET);
          w.otherwise();
          slowLoad(k, at, s);
          w.close();
          w.set(V);
          setLoaded(at, s);
          break;
        }
        case 'store': {
          probe(d);
          hit(STATE.wtag, s.size);
          w.open(OP.if);
          address(STATE.woff);
          reg(d.rs2);
          w.memory(STORES[s.size], RAM_OFFSET);
          w.otherwise();
          slowStore(k, at, s);
          w.close();
          break;
        }
        case 'branch': {
          expression(s.taken, at);
          w.open(OP.if);
          transfer(k + 1, (at.pc + d.imm) >>> 0);
          w.close();
          transfer(k + 1, at.next);
          ended = true;
          break;
        }
        case 'jump': {
          if (at.target === undefined) {
            expression(s.target, at);
            w.set(T);
            if (d.rd !== 0) {
              w.const(at.next);
              setReg(d.rd);
            }
            if (region) {
              for (const site of returnSites) {
                w.get(T).const(site).op(OP.i32Eq).open(OP.if);
                transfer(k + 1, site);
                w.close();
              }
            }
            leave(k + 1, () => w.get(T), constant(BLOCK_NEXT));
          } else {
            if (d.rd !== 0) {
              w.const(at.next);
              setReg(d.rd);
            }
            transfer(k + 1, at.target);
          }
          ended = true;
          break;
        }
      }
    }
    if (!ended) transfer(block.length, (block[block.length - 1] as BlockInstruction).next);
    if (selfLoop) w.close();
  }
  if (region) w.close(); // loop top
  w.close(); // block out
  // Epilogue: every exit but a handler's comes here.
  writeBack();
  w.const(0).get(XK).memory(OP.i32Store, STATE.retired);
  w.const(0).get(XPC).memory(OP.i32Store, STATE.pc);
  if (plan.memory) w.const(0).get(A).memory(OP.i32Store, STATE.address);
  w.get(XR);
  return w;
}

/** Fewest loads or stores that {@link accessGroup} makes a group of. */
const MIN_GROUP = 4;
/** Most loads or stores in one group. */
const MAX_GROUP = 32;

/**
 * The length of the group of loads or stores that starts at instruction `k` of `block`, or 0:
 * at least {@link MIN_GROUP} and at most {@link MAX_GROUP} in a row, all loads or all stores
 * through the same base register — the saving and restoring of registers at trap entry and
 * exit, say. Only the last load may write the base register. (Twelve-bit offsets keep a
 * group's bytes within 4 KiB: in one page or two.)
 */
export function accessGroup(block: readonly BlockInstruction[], k: number): number {
  const kind = (block[k] as BlockInstruction).semantics?.kind;
  if (kind !== 'load' && kind !== 'store') return 0;
  const base = (block[k] as BlockInstruction).decoded.rs1;
  let n = 0;
  for (let i = k; i < block.length && n < MAX_GROUP; i++) {
    const at = block[i] as BlockInstruction;
    const semantics = at.semantics;
    if (semantics === undefined || semantics.kind !== kind || at.decoded.rs1 !== base) break;
    n++;
    if (kind === 'load' && at.decoded.rd === base) break;
  }
  return n >= MIN_GROUP ? n : 0;
}
