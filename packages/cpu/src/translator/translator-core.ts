/**
 * The translator core: runs guest code as compiled blocks ({@link compileBlock}) kept in a
 * bounded translation cache, with a jump cache from virtual pc to block, chaining from each
 * block to the block it last went on to, and a software TLB the blocks probe on every load and
 * store. Whatever it does not translate runs on the interpreter, instruction by instruction.
 *
 * Exactness: a block runs only when all of it fits before the limit and the deadline (else the
 * interpreter steps up to them); interrupts are checked between blocks, and nothing inside a
 * block can make one pending (CSR writes and device accesses end the block); a faulting access
 * writes the registers back and leaves pc, `retired` and memory as the interpreter would.
 *
 * @module
 */
import {
  ACCESS_LOAD,
  CSR_WORD_COUNT,
  createInstructionRecord,
  type DecodedInstruction,
  execute,
  MSTATUS_MPP,
  MSTATUS_MPRV,
  MSTATUS_MXR,
  MSTATUS_SUM,
  STUCK_TRAPS,
  widenNumberFields,
} from '@trapeze/isa';
import {
  type CoreExit,
  type CoreKind,
  type CoreOptions,
  type CoreStatistics,
  EXIT_BUDGET,
  EXIT_CALL,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
} from '../core.js';
import { CpuError } from '../errors.js';
import { InterpreterCore } from '../interpreter-core.js';
import { checkCount } from '../validate.js';
import {
  BLOCK_CODE_WRITE,
  BLOCK_DEVICE,
  BLOCK_NEXT,
  BLOCK_NOT_READY,
  type BlockCalls,
  type BlockEmitter,
  type BlockFunction,
  type CompiledBlock,
  callsInline,
  compileBlock,
  compileJavaScript,
  compileRegion,
  type RegionEntry,
  TLB_ENTRIES,
} from './block-compiler.js';
import { CALL_DONE, CALL_EXIT, CALL_HART, type CallPolicy } from './call-policy.js';
import { FencedPages } from './fenced-pages.js';
import { TranslationMemo } from './translation-memo.js';
import { DEFAULT_BATCH_INSTRUCTIONS, wasmEmitter } from './wasm-block-compiler.js';
import { STATE, wasmMemoryOf } from './wasm-state.js';

/** The host code a translator emits: WebAssembly modules or JavaScript functions. */
export type HostCode = 'webassembly' | 'javascript';

/** The translator core that owns each WebAssembly memory's registers and TLBs: the newest. */
const owners = new WeakMap<object, TranslatorCore>();

/** Options of {@link TranslatorCore} beyond {@link CoreOptions}. */
export interface TranslatorOptions {
  /**
   * Characters of generated host code the translation cache may hold (default 32 Mi): when a
   * new block would pass it, the whole cache is emptied and translation starts again.
   */
  readonly cacheLimit?: number;
  /**
   * The host code to emit. WebAssembly (the default where it can be had) needs RAM made by
   * `createCoreRam`, whose registers and TLBs belong to the newest translator core made on it
   * (an older one throws {@link CpuError} `RAM_IN_USE` when run); JavaScript runs on any RAM.
   */
  readonly hostCode?: HostCode;
  /**
   * WebAssembly only: translated blocks wait to be compiled together (each module costs the
   * engine a fixed ≈ 0.5 ms), interpreted meanwhile, until 64 wait or their code has been
   * interpreted for this many instructions in all (default 1,024). 0 compiles each block as it
   * is translated.
   */
  readonly batchInstructions?: number;
  /**
   * A virtualization policy: the instructions it names are compiled into calls of it instead
   * of running on the hart (see {@link CallPolicy}); and {@link TranslatorCore.callAt} can
   * make any instruction one. None by default.
   */
  readonly calls?: CallPolicy;
  /**
   * The board's side of a device access: called after an access that left RAM (a device, ROM),
   * it answers the board's next deadline in the units of {@link Core.run}'s `deadline` (or
   * `Infinity`), or -1 when the run must end so that the board sees the access (a guest that
   * asked to power off, say). Given it, the core goes on past a device access — in the block
   * that made it — when the deadline is the one the run was given and no interrupt became
   * ready; without it, every device access ends the run (`EXIT_DEVICE`). The interpreter core
   * always ends the run.
   */
  readonly deviceDeadline?: () => number;
}

/** Default {@link TranslatorOptions.cacheLimit}. */
export const DEFAULT_CACHE_LIMIT = 32 * 1024 * 1024;

const JUMP_CACHE_ENTRIES = 4096;
const JUMP_CACHE_MASK = JUMP_CACHE_ENTRIES - 1;

/** A translated block (or region) in the cache. */
class Block {
  /** False once its code was written, it was replaced, or the cache flushed: never run it again. */
  valid = true;
  /** Times the dispatcher ran it (up to `HOT`). */
  runs = 0;
  /** Whether it is a region, or was found not to head one. */
  region = false;
  /**
   * For a region: the block it replaced, run instead while the region's host code is not
   * ready ({@link BLOCK_NOT_READY}).
   */
  fallback: Block | undefined = undefined;
  /**
   * Chaining: the two blocks it went on to (a branch has two successors), their pcs, and the
   * translator's context generation when each link was made (links die with it).
   */
  to0: Block | undefined = undefined;
  pc0 = -1;
  context0 = -1;
  to1: Block | undefined = undefined;
  pc1 = -1;
  context1 = -1;
  /**
   * For a block whose first instruction straddles the end of its page: the RAM offset of the
   * page the rest of its code is on (the next virtual page when it was compiled); else -1.
   */
  cross = -1;
  constructor(
    /** Virtual address of its first instruction (the code is compiled for it). */
    readonly pc: number,
    /** RAM offset of its first instruction. */
    readonly offset: number,
    readonly fn: BlockFunction,
    /** Instructions in its entry block. */
    readonly length: number,
    readonly size: number,
    /** The block of `fn` to start at (a region entered at one of its later blocks). */
    readonly entry = 0,
  ) {
    widenNumberFields(this, ['pc', 'offset', 'pc0', 'pc1', 'context0', 'context1', 'cross']);
  }

  /** Links `next` (at `pc`) as a successor, in the slot that is stale or was not used last. */
  chain(pc: number, next: Block, context: number): void {
    if (this.context0 !== context || this.pc0 === pc || this.pc0 === -1) {
      this.to0 = next;
      this.pc0 = pc;
      this.context0 = context;
    } else {
      this.to1 = next;
      this.pc1 = pc;
      this.context1 = context;
    }
  }
}

/**
 * Context generations a TLB tag can tell apart (its bits 31:20; the last value is left out,
 * so that no tag is -1, the empty entry).
 */
const SALTS = 0xfff;

/** Contexts remembered with their numbers, and the numbers kept for each. */
const RECENT_CONTEXTS = 8;
const CONTEXT_FIELDS = 8;

/** Times a block start is reached before it is translated (interpreted until then). */
const TRANSLATE_AFTER = 16;
/** Most block starts whose runs are counted before translation (the count starts over). */
const MAX_COLD_ENTRIES = 1 << 16;

/** Runs after which a block heads a region. */
const HOT = 50;

/** The major opcode of CSR accesses, xRET, WFI, SFENCE.VMA, ECALL and EBREAK. */
const SYSTEM_OPCODE = 0x73;

/** The `mstatus` bits a data access's translation depends on. */
const DATA_STATUS = MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR;

/**
 * The translator core. Blocks are keyed by the RAM offset of their code (and checked against
 * the virtual pc they were compiled for); the jump cache, the software TLBs and the chaining
 * links depend on the privilege, `satp`, the `mstatus` bits of data translation, and the MMU,
 * PMP and bus generations, and are dropped when one of those changes.
 */
export class TranslatorCore extends InterpreterCore {
  override readonly kind: CoreKind = 'translator';
  /** The host code this core emits. */
  readonly hostCode: HostCode;
  /** Software TLB of loads: virtual page number per entry (-1: empty) and RAM offset of the page. */
  readonly rtag: Int32Array;
  readonly roff: Int32Array;
  /** Software TLB of stores (pages holding translated code are never entered). */
  readonly wtag: Int32Array;
  readonly woff: Int32Array;
  /** RAM views the blocks use. */
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  /**
   * Set by {@link TranslatorCore.load} and {@link TranslatorCore.store}: 0 the access went
   * fine, 1 it faulted (the block takes the trap), `BLOCK_DEVICE` it reached a device or ROM,
   * `BLOCK_CODE_WRITE` it wrote translated code (either way the block ends after the
   * instruction and returns this value).
   */
  exit = 0;
  /** Instructions the running block may retire, at most (loops check it every pass). */
  room = 0;
  /**
   * Bits 31:20 of every valid TLB tag: the context generation (mod `SALTS`), so that a
   * context change empties the TLBs without touching them.
   */
  salt = 0;

  private readonly cacheLimit: number;
  private readonly emit: BlockEmitter;
  /** Host code by the instructions it was made from (reused when they come back). */
  private readonly memo: TranslationMemo;
  /** The WebAssembly memory whose registers and TLBs this core uses, if it emits WebAssembly. */
  private readonly wasmMemory: WebAssembly.Memory | undefined = undefined;
  private readonly blocks = new Map<number, Block>();
  /**
   * Blocks that are part of a region (not its first), by RAM offset: a block there that gets
   * hot enters that region instead of compiling one of its own.
   */
  private readonly members = new Map<number, { region: Block; entry: RegionEntry }>();
  private readonly pageBlocks = new Map<number, Block[]>();
  private readonly jumpPc = new Int32Array(JUMP_CACHE_ENTRIES).fill(-1);
  /** The context generation each jump-cache entry was made in (older ones are stale). */
  private readonly jumpContext = new Int32Array(JUMP_CACHE_ENTRIES).fill(-1);
  private readonly jumpBlock: (Block | undefined)[] = new Array(JUMP_CACHE_ENTRIES).fill(undefined);
  private cacheSize = 0;
  /** Times each not yet translated block start (by RAM offset) was reached. */
  private readonly coldRuns = new Map<number, number>();
  /** The fetch context's number: jump-cache entries and chaining links hold within it. */
  private context = 0;
  private lastContext = 0;
  private lastSalt = 0;
  /** The last contexts entered: `CONTEXT_FIELDS` numbers each (see enterContext). */
  private readonly recent = new Float64Array(RECENT_CONTEXTS * CONTEXT_FIELDS).fill(-1);
  private nextRecent = 0;
  /** The board's side of a device access ({@link TranslatorOptions.deviceDeadline}). */
  private readonly deviceDeadline: (() => number) | undefined;
  /** Slow accesses the running `run` has answered for (its exits compare with this). */
  private accessesSeen = 0;
  /** The deadline the running `run` was given (what `deviceGoesOn` compares the board's with). */
  private runDeadline = 0;
  /** Whether blocks access the CSRs of `CSR_WORDS` in place (WebAssembly, no call policy). */
  private readonly inlineCsrs: boolean = false;
  /** Pages holding translated code and superpage regions: what a page fence can leave alone. */
  private readonly fenced = new FencedPages();
  private codeHit = false;
  private interpretOnly = false;
  private contextPrivilege = -1;
  private contextStatus = -1;
  private contextSatp = -1;
  private contextEpoch = -1;
  private contextPmp = -1;
  private contextBus = -1;
  /** The call policy's instructions and call sites, when there is a policy. */
  private readonly blockCalls: BlockCalls | undefined;
  /** RAM offsets of the instructions {@link TranslatorCore.callAt} made calls. */
  private readonly callSites = new Set<number>();
  /** Set by a call that ends the run ({@link TranslatorCore.handle}). */
  private callExit = false;
  /** The record {@link TranslatorCore.stepCall} decodes into. */
  private readonly stepped = createInstructionRecord();
  private retranslated = 0;
  private translated = 0;
  private invalidated = 0;
  private flushed = 0;
  private regions = 0;

  /**
   * @throws {@link CpuError} `BAD_ARGUMENT` for a bad cache limit or host code, or WebAssembly
   * asked for on RAM that cannot have it
   */
  constructor(options: CoreOptions & TranslatorOptions) {
    const limit = options.cacheLimit ?? DEFAULT_CACHE_LIMIT;
    checkCount(limit, 'TranslatorCore: cacheLimit');
    const batch = options.batchInstructions ?? DEFAULT_BATCH_INSTRUCTIONS;
    checkCount(batch, 'TranslatorCore: batchInstructions');
    const asked = options.hostCode;
    if (asked !== undefined && asked !== 'webassembly' && asked !== 'javascript')
      throw new CpuError(
        'BAD_ARGUMENT',
        `TranslatorCore: hostCode must be 'webassembly' or 'javascript', not ${String(asked)}`,
      );
    const memory = asked === 'javascript' ? undefined : wasmMemoryOf(options.ram);
    if (asked === 'webassembly' && memory === undefined)
      throw new CpuError(
        'BAD_ARGUMENT',
        'TranslatorCore: WebAssembly host code needs RAM made by createCoreRam',
      );
    super(
      options,
      memory === undefined ? undefined : new Int32Array(memory.buffer, STATE.x, 32),
      memory === undefined ? undefined : new Uint32Array(memory.buffer, STATE.csr, CSR_WORD_COUNT),
    );
    this.cacheLimit = limit;
    this.blockCalls =
      options.calls === undefined ? undefined : { policy: options.calls, sites: this.callSites };
    if (options.deviceDeadline !== undefined && typeof options.deviceDeadline !== 'function')
      throw new CpuError('BAD_ARGUMENT', 'TranslatorCore: deviceDeadline must be a function');
    this.deviceDeadline = options.deviceDeadline;
    if (memory === undefined) {
      this.hostCode = 'javascript';
      this.rtag = new Int32Array(TLB_ENTRIES).fill(-1);
      this.roff = new Int32Array(TLB_ENTRIES);
      this.wtag = new Int32Array(TLB_ENTRIES).fill(-1);
      this.woff = new Int32Array(TLB_ENTRIES);
      this.memo = new TranslationMemo(compileJavaScript, limit);
    } else {
      owners.set(memory, this);
      this.wasmMemory = memory;
      this.hostCode = 'webassembly';
      this.rtag = new Int32Array(memory.buffer, STATE.rtag, TLB_ENTRIES).fill(-1);
      this.roff = new Int32Array(memory.buffer, STATE.roff, TLB_ENTRIES);
      this.wtag = new Int32Array(memory.buffer, STATE.wtag, TLB_ENTRIES).fill(-1);
      this.woff = new Int32Array(memory.buffer, STATE.woff, TLB_ENTRIES);
      const words = this.hart.csr.words;
      this.inlineCsrs =
        options.calls === undefined &&
        words.buffer === memory.buffer &&
        words.byteOffset === STATE.csr;
      this.memo = new TranslationMemo(wasmEmitter(memory, this, batch, this.inlineCsrs), limit);
    }
    this.emit = this.memo.emitter;
    const ram = options.ram;
    this.i32 = ram.i32;
    this.u16 = ram.u16;
    this.u8 = ram.u8;
    ram.onCodeWrite = (page) => this.codeWritten(page);
    widenNumberFields(this, [
      'room',
      'salt',
      'context',
      'lastContext',
      'contextPrivilege',
      'contextStatus',
      'contextSatp',
      'contextEpoch',
      'contextPmp',
      'contextBus',
      'accessesSeen',
      'runDeadline',
    ]);
  }

  override run(limit: number, deadline: number): CoreExit {
    checkCount(limit, 'Core.run: limit');
    checkCount(deadline, 'Core.run: deadline');
    if (this.wasmMemory !== undefined && owners.get(this.wasmMemory) !== this)
      throw new CpuError(
        'RAM_IN_USE',
        'TranslatorCore.run: a newer translator core was made on this RAM and uses its registers',
      );
    const hart = this.hart;
    const memory = this.memory;
    this.accessesSeen = memory.slowAccesses;
    this.runDeadline = deadline;
    this.sync();
    if (this.interpretOnly) return this.interpret(limit, deadline);
    // Instructions may retire up to `stop` (the deadline counts the traps QEMU counts too).
    let stop = Math.min(limit, deadline - hart.countedTraps);
    let block: Block | undefined;
    // Interrupts and WFI need a look only where they can have changed: at the start, and after
    // an interpreted instruction, a trap or a handler call (CSR writes, xRET, WFI). A block's
    // own instructions cannot make an interrupt pending; device accesses end the run.
    let check = true;
    for (;;) {
      if (check) {
        if (hart.retired >= stop) return hart.retired >= limit ? EXIT_BUDGET : EXIT_DEADLINE;
        const csr = hart.csr;
        if (hart.waiting || ((csr.mip & csr.mie) !== 0 && hart.readyInterrupt() >= 0)) {
          const exit = this.stepOne();
          if (exit !== -1) return exit;
          if (this.interpretOnly) return this.interpret(limit, deadline);
          stop = Math.min(limit, deadline - hart.countedTraps);
          block = undefined;
          continue;
        }
        check = false;
      }
      const pc = hart.pc;
      const context = this.context;
      let next: Block | undefined;
      if (block !== undefined) {
        if (block.pc0 === pc && block.context0 === context) next = block.to0;
        else if (block.pc1 === pc && block.context1 === context) next = block.to1;
        if (next !== undefined && !next.valid) next = undefined;
      }
      if (next === undefined) {
        next = this.lookup(pc);
        if (next !== undefined && block !== undefined) block.chain(pc, next, context);
      }
      // Instructions to interpret before looking up the next block: none when a block ran.
      let until: number;
      if (next === undefined || hart.retired + next.length > stop) {
        // Code that is cold or cannot be translated, or too little room for the block: the
        // interpreter, up to the next jump.
        if (hart.retired >= stop) return hart.retired >= limit ? EXIT_BUDGET : EXIT_DEADLINE;
        until = stop;
        block = undefined;
      } else {
        if (++next.runs === HOT && !next.region) next = this.promote(next);
        this.room = stop - hart.retired;
        let ended = next.fn(this, hart, next.entry);
        while (ended === BLOCK_NOT_READY && next.fallback !== undefined && next.fallback.valid) {
          next = next.fallback;
          ended = next.fn(this, hart, next.entry);
        }
        block = next;
        if (ended === BLOCK_NEXT) continue;
        block = undefined;
        if (ended !== BLOCK_NOT_READY) {
          if (ended === BLOCK_DEVICE) return EXIT_DEVICE;
          if (ended === BLOCK_CODE_WRITE) continue;
          if (this.callExit) {
            this.callExit = false;
            return EXIT_CALL;
          }
          // A trap or a handler call: the context, interrupts and the deadline may have moved.
          if (hart.pendingCause >= 0) return EXIT_TRAP;
          if (hart.trapStreak >= STUCK_TRAPS) return EXIT_STUCK;
          if (memory.slowAccesses !== this.accessesSeen && !this.deviceGoesOn()) return EXIT_DEVICE;
          this.sync();
          if (this.interpretOnly) return this.interpret(limit, deadline);
          stop = Math.min(limit, deadline - hart.countedTraps);
          check = true;
          continue;
        }
        // A block waiting for its batch: its own instructions on the interpreter (no further:
        // the blocks after it are looked up, counted and run as usual).
        until = Math.min(stop, hart.retired + next.length);
      }
      const exit = this.interpretRun(until);
      if (exit !== -1) return exit;
      if (this.interpretOnly) return this.interpret(limit, deadline);
      stop = Math.min(limit, deadline - hart.countedTraps);
      check = true;
    }
  }

  /**
   * One instruction (or interrupt) on the interpreter, inside {@link TranslatorCore.run}: the
   * exit to return, or -1 to go on.
   */
  private stepOne(): CoreExit | -1 {
    const hart = this.hart;
    this.steps++;
    if (this.blockCalls !== undefined && this.stepCall(this.blockCalls)) {
      if (this.callExit) {
        this.callExit = false;
        return EXIT_CALL;
      }
    } else if (!this.hart.step()) return EXIT_IDLE;
    if (hart.pendingCause >= 0) return EXIT_TRAP;
    if (hart.trapStreak >= STUCK_TRAPS) return EXIT_STUCK;
    if (this.memory.slowAccesses !== this.accessesSeen && !this.deviceGoesOn()) return EXIT_DEVICE;
    this.sync();
    return -1;
  }

  /**
   * After an access that left RAM: whether the run goes on — the board's deadline
   * ({@link TranslatorOptions.deviceDeadline}) is the one the run stops at, and no interrupt
   * became ready. (A moved deadline ends the run even when later: the board looks at its
   * devices against the deadline it passed, and must do so exactly when it would after an
   * `EXIT_DEVICE`.) Counts the access as answered.
   */
  private deviceGoesOn(): boolean {
    const answer = this.deviceDeadline;
    if (answer === undefined || answer() !== this.runDeadline) return false;
    const hart = this.hart;
    const csr = hart.csr;
    if ((csr.mip & csr.mie) !== 0 && hart.readyInterrupt() >= 0) return false;
    this.accessesSeen = this.memory.slowAccesses;
    return true;
  }

  /**
   * With a call policy: runs the next instruction as a call when it is one (a SYSTEM-opcode
   * instruction the policy names, or a call site), as a block would, so that code not yet
   * translated calls the policy too. False when it is not one (or the fetch faults, or an
   * interrupt comes first): the hart steps it.
   */
  private stepCall(calls: BlockCalls): boolean {
    const hart = this.hart;
    const csr = hart.csr;
    if (hart.waiting || (csr.mip & csr.mie) !== 0) return false;
    const memory = this.memory;
    const pc = hart.pc;
    const word = memory.fetch(pc);
    if (memory.fault >= 0) {
      memory.fault = -1;
      return false;
    }
    const site = calls.sites.size !== 0 && calls.sites.has(memory.fetchOffset(pc));
    if ((word & 0x7f) !== SYSTEM_OPCODE && !site) return false;
    const instruction = hart.decoder.decodeInto(word, this.stepped);
    if (!site && !calls.policy.calls(instruction)) return false;
    hart.instruction = instruction;
    hart.nextPc = (pc + instruction.size) >>> 0;
    if (this.handle(instruction, callsInline(instruction))) {
      hart.pc = hart.nextPc;
      hart.retired++;
    }
    return true;
  }

  /**
   * Instructions on the interpreter from the pc on, while they run in sequence (up to a taken
   * branch, a jump, a trap, an interrupt or the start of another page: after an instruction
   * that straddles a page end, which no block holds, the code after it is looked up as a block),
   * at most up to `stop` and 64 of them: the exit to return, or -1 to go on.
   */
  private interpretRun(stop: number): CoreExit | -1 {
    const hart = this.hart;
    for (let n = 0; n < 64 && hart.retired < stop; n++) {
      const pc = hart.pc;
      const exit = this.stepOne();
      if (exit !== -1) return exit;
      const csr = hart.csr;
      if (
        hart.pc !== (pc + hart.instruction.size) >>> 0 ||
        (hart.pc & 0xfff) < hart.instruction.size ||
        this.interpretOnly ||
        hart.waiting ||
        ((csr.mip & csr.mie) !== 0 && hart.readyInterrupt() >= 0)
      )
        break;
    }
    return -1;
  }

  /**
   * A block run `HOT` times becomes the head of a region: it and the blocks it reaches
   * in its page, compiled as one function (loops of several blocks run inside it).
   */
  private promote(block: Block): Block {
    block.region = true;
    // A block on two pages stays a block (a region is the code of one page).
    if (block.cross >= 0) return block;
    const member = this.members.get(block.offset);
    if (member !== undefined) {
      if (member.region.valid && member.entry.pc === block.pc) {
        // Part of a region already: enter it at this block, nothing to compile.
        const { region, entry } = member;
        return this.hot(
          block,
          this.place(new Block(block.pc, block.offset, region.fn, entry.length, 0, entry.index)),
        );
      }
      this.members.delete(block.offset);
    }
    // Only blocks that have run (translated or not yet) join: a region is the part of the page
    // in use, small enough for V8 to optimize.
    const compiled = compileRegion(
      this.u16,
      block.offset,
      block.pc,
      this.hart.decoder,
      (pc) => {
        const offset = block.offset + (pc - block.pc);
        const member = this.blocks.get(offset);
        return (
          (member !== undefined && member.pc === pc && member.runs > 0) || this.coldRuns.has(offset)
        );
      },
      this.emit,
      this.blockCalls,
      this.inlineCsrs,
    );
    if (compiled === undefined || !compiled.loop) return block;
    const region = this.install(block.pc, block.offset, compiled);
    if (region === undefined) return block;
    for (const entry of compiled.entries)
      this.members.set(block.offset + (entry.pc - block.pc), { region, entry });
    this.regions++;
    return this.hot(block, region);
  }

  /** `region` replaces `block`, which got hot, in the jump cache. */
  private hot(block: Block, region: Block): Block {
    region.region = true;
    region.runs = HOT;
    region.fallback = block;
    const slot = (block.pc >>> 1) & JUMP_CACHE_MASK;
    if (this.jumpBlock[slot] === block) this.jumpBlock[slot] = region;
    return region;
  }

  /**
   * A load a block's TLB probe missed: made through the memory path, and entered in the TLB
   * when it was an aligned RAM access. Sets {@link TranslatorCore.exit}.
   */
  load(address: number, size: 1 | 2 | 4): number {
    const memory = this.memory;
    const seen = memory.slowAccesses;
    const dropped = this.invalidated;
    const value = memory.read(address, size, ACCESS_LOAD);
    if (memory.fault >= 0) {
      this.exit = 1;
      return 0;
    }
    if (memory.slowAccesses !== seen) {
      // A device: the block goes on if the board lets the run go on and no code was dropped.
      this.exit = this.invalidated === dropped && this.deviceGoesOn() ? 0 : BLOCK_DEVICE;
      return value;
    }
    this.exit = 0;
    const offset = memory.lastOffset;
    if (offset >= 0 && (address & (size - 1)) === 0) {
      const page = (address >>> 12) | this.salt;
      const e = page & (TLB_ENTRIES - 1);
      if (this.superpage(address)) this.fenced.markSuperpageData(address);
      this.rtag[e] = page;
      this.roff[e] = offset - (address & 0xfff);
    }
    return value;
  }

  /** A store a block's TLB probe missed: as {@link TranslatorCore.load}. */
  store(address: number, size: 1 | 2 | 4, value: number): void {
    const memory = this.memory;
    const seen = memory.slowAccesses;
    const dropped = this.invalidated;
    this.codeHit = false;
    memory.write(address, size, value);
    if (memory.fault >= 0) {
      this.exit = 1;
      return;
    }
    if (memory.slowAccesses !== seen) {
      // A device: as in `load` (a device's DMA may have written code).
      this.exit = this.invalidated === dropped && this.deviceGoesOn() ? 0 : BLOCK_DEVICE;
      return;
    }
    if (this.codeHit) {
      this.exit = BLOCK_CODE_WRITE;
      return;
    }
    this.exit = 0;
    const offset = memory.lastOffset;
    if (offset >= 0 && (address & (size - 1)) === 0 && memory.ram.codePages[offset >>> 12] === 0) {
      const page = (address >>> 12) | this.salt;
      const e = page & (TLB_ENTRIES - 1);
      if (this.superpage(address)) this.fenced.markSuperpageData(address);
      this.wtag[e] = page;
      this.woff[e] = offset - (address & 0xfff);
    }
  }

  /**
   * A call of the call policy, from a block (the hart as the instruction finds it;
   * `staysInBlock`: whether the block goes on after it): whether the instruction completed, as
   * the interpreter's handler answers. A call that ends the run answers false and the run
   * returns `EXIT_CALL`.
   */
  handle(instruction: DecodedInstruction, staysInBlock: boolean): boolean {
    const result = (this.blockCalls as BlockCalls).policy.call(instruction, staysInBlock);
    if (result === CALL_DONE) return true;
    if (result === CALL_HART) return execute(this.hart, instruction);
    if (result === CALL_EXIT) this.callExit = true;
    return false;
  }

  /**
   * Adaptive translation: makes the instruction at virtual address `pc` (fetched in the
   * present context) a call of the call policy whatever it is — an access that keeps trapping
   * to the policy's owner becomes a call. The blocks of its page are dropped (counted in
   * `retranslations`) and compiled again as they are reached. False when the core has no call
   * policy, `pc` is not in RAM, or it is a call site already.
   */
  callAt(pc: number): boolean {
    if (this.blockCalls === undefined) return false;
    const offset = this.memory.fetchOffset(pc >>> 0);
    if (offset < 0 || this.callSites.has(offset)) return false;
    this.callSites.add(offset);
    const page = offset >>> 12;
    this.retranslated += this.pageBlocks.get(page)?.length ?? 0;
    this.dropBlocks(page);
    // The jump cache may still name a dropped block: `valid` is false, so it is looked up anew.
    return true;
  }

  /** Takes the trap of the access at `address` that just faulted. */
  fault(address: number): void {
    this.hart.raise(this.memory.fault, address);
  }

  /** The block to run at `pc`, translating it if need be; undefined when it cannot be. */
  private lookup(pc: number): Block | undefined {
    const slot = (pc >>> 1) & JUMP_CACHE_MASK;
    if (this.jumpPc[slot] === (pc | 0) && this.jumpContext[slot] === this.context) {
      const block = this.jumpBlock[slot] as Block;
      if (block.valid) return block;
    }
    const offset = this.memory.fetchOffset(pc);
    if (offset < 0) return undefined;
    let block = this.blocks.get(offset);
    if (
      block === undefined ||
      block.pc !== pc ||
      // In another context the next page may be mapped elsewhere.
      (block.cross >= 0 && this.memory.fetchOffset((pc + 2) >>> 0) !== block.cross)
    ) {
      // Compiling costs as much as interpreting the block hundreds of times: cold code is
      // interpreted until it has been reached TRANSLATE_AFTER times — unless the memo has host
      // code for this pc and the code there now (code loaded again): then it costs nothing to
      // compile, nor to decode.
      const kept = this.memo.find(pc, this.u16, offset, this.blockCalls?.sites);
      const seen = (this.coldRuns.get(offset) ?? 0) + 1;
      if (seen < TRANSLATE_AFTER && kept === undefined) {
        if (this.coldRuns.size >= MAX_COLD_ENTRIES) this.coldRuns.clear();
        this.coldRuns.set(offset, seen);
        return undefined;
      }
      this.coldRuns.delete(offset);
      block = kept !== undefined ? this.install(pc, offset, kept) : this.translate(pc, offset);
      if (block === undefined) return undefined;
    }
    // Found for this context: the pages it is fetched from are code pages for SFENCE.VMA.
    this.fenced.markCode(pc, this.superpage(pc));
    if (block.cross >= 0) {
      const next = (pc + 2) >>> 0;
      this.fenced.markCode(next, this.superpage(next));
    }
    this.jumpPc[slot] = pc | 0;
    this.jumpContext[slot] = this.context;
    this.jumpBlock[slot] = block;
    return block;
  }

  /**
   * Compiles the block at `pc` (code at RAM `offset`) into the cache. A first instruction that
   * straddles the page end is compiled with its second parcel from the page the next virtual
   * page maps to now (as the fetch about to run it would read it), and the block goes on there.
   */
  private translate(pc: number, offset: number): Block | undefined {
    let cross = -1;
    if ((offset & 0xfff) === 0xffe && ((this.u16[offset >> 1] as number) & 3) === 3) {
      cross = this.memory.fetchOffset((pc + 2) >>> 0);
      if (cross < 0) return undefined;
    }
    const compiled = compileBlock(
      this.u16,
      offset,
      pc,
      this.hart.decoder,
      this.emit,
      this.blockCalls,
      cross,
      this.inlineCsrs,
    );
    if (compiled === undefined) return undefined;
    return this.install(pc, offset, compiled, cross);
  }

  /**
   * Puts a compiled block in the cache (replacing the one at its offset) and marks its page;
   * undefined when the block alone is larger than the cache (its code is interpreted).
   */
  private install(
    pc: number,
    offset: number,
    compiled: CompiledBlock,
    cross = -1,
  ): Block | undefined {
    if (compiled.size > this.cacheLimit) return undefined;
    if (this.cacheSize + compiled.size > this.cacheLimit) this.flush();
    const block = new Block(pc, offset, compiled.fn, compiled.length, compiled.size);
    block.cross = cross;
    this.place(block);
    this.translated++;
    return block;
  }

  /** Puts a block in the cache, in place of the one at its offset, and marks its pages. */
  private place(block: Block): Block {
    const offset = block.offset;
    const old = this.blocks.get(offset);
    if (old !== undefined) old.valid = false;
    this.blocks.set(offset, block);
    this.markCode(offset >>> 12, block);
    if (block.cross >= 0 && block.cross >>> 12 !== offset >>> 12)
      this.markCode(block.cross >>> 12, block);
    this.cacheSize += block.size;
    return block;
  }

  /** Notes that `block` holds code of RAM page `page`: a write there drops it. */
  private markCode(page: number, block: Block): void {
    const codePages = this.memory.ram.codePages;
    if (codePages[page] === 0) {
      codePages[page] = 1;
      // Stores into this page must now take the slow path, which notices code writes.
      this.wtag.fill(-1);
    }
    const list = this.pageBlocks.get(page);
    if (list === undefined) this.pageBlocks.set(page, [block]);
    else list.push(block);
  }

  /**
   * A write reached a RAM page holding translated code: its blocks are dropped, and its call
   * sites forgotten (the code there is another).
   */
  protected codeWritten(page: number): void {
    this.codeHit = true;
    this.invalidated += this.pageBlocks.get(page)?.length ?? 0;
    this.dropBlocks(page);
    if (this.callSites.size !== 0)
      for (const offset of this.callSites)
        if (offset >>> 12 === page) this.callSites.delete(offset);
  }

  /** Drops the translated blocks of RAM page `page`. */
  private dropBlocks(page: number): void {
    const list = this.pageBlocks.get(page);
    if (list === undefined) return;
    this.pageBlocks.delete(page);
    for (const block of list) {
      block.valid = false;
      if (this.blocks.get(block.offset) === block) this.blocks.delete(block.offset);
      this.cacheSize -= block.size;
      if (block.cross >= 0 && block.cross >>> 12 !== block.offset >>> 12) {
        // A block on two pages leaves the other page's list too (counted once).
        const other = this.pageBlocks.get(
          block.offset >>> 12 === page ? block.cross >>> 12 : block.offset >>> 12,
        );
        const at = other?.indexOf(block) ?? -1;
        if (at >= 0) other?.splice(at, 1);
      }
    }
  }

  /**
   * Enters the context described by the `context*` fields: the jump-cache entries, chaining
   * links and TLB entries made in it before hold again. The last `RECENT_CONTEXTS`
   * contexts keep their numbers (a system call's U → S → U round trip finds its blocks
   * chained and its TLB entries); an older or new one gets a context number no entry has, and a
   * fresh TLB salt (the TLBs are emptied for real when the salts wrap around).
   */
  private enterContext(): void {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i += CONTEXT_FIELDS) {
      if (
        recent[i] === this.contextPrivilege &&
        recent[i + 1] === this.contextStatus &&
        recent[i + 2] === this.contextSatp &&
        recent[i + 3] === this.contextEpoch &&
        recent[i + 4] === this.contextPmp &&
        recent[i + 5] === this.contextBus
      ) {
        this.context = recent[i + 6] as number;
        this.salt = (recent[i + 7] as number) << 20;
        return;
      }
    }
    const i = this.nextRecent;
    this.nextRecent = (i + CONTEXT_FIELDS) % recent.length;
    this.context = ++this.lastContext;
    let salt = (this.lastSalt + 1) % SALTS;
    if (salt === 0) {
      // Salts are reused from here on: empty the TLBs for real, and forget the old salts.
      this.rtag.fill(-1);
      this.wtag.fill(-1);
      recent.fill(-1);
      salt = 1;
    }
    this.lastSalt = salt;
    this.salt = salt << 20;
    recent[i] = this.contextPrivilege;
    recent[i + 1] = this.contextStatus;
    recent[i + 2] = this.contextSatp;
    recent[i + 3] = this.contextEpoch;
    recent[i + 4] = this.contextPmp;
    recent[i + 5] = this.contextBus;
    recent[i + 6] = this.context;
    recent[i + 7] = salt;
  }

  /**
   * When the MMU's epoch moved by one SFENCE.VMA of a page that holds no translated code (and
   * by nothing else since the context was entered): drops that page's software-TLB entries and
   * lets the recent contexts keep their numbers, jump-cache entries and chaining links, instead
   * of entering a new context.
   */
  private fencePage(): void {
    const memory = this.memory;
    const epoch = memory.mmu.epoch;
    const page = memory.fencedPage;
    if (
      page < 0 ||
      memory.fencedEpoch !== epoch ||
      epoch !== this.contextEpoch + 1 ||
      this.fenced.touchesCode(page)
    )
      return;
    this.fenced.dropData(this.rtag, page);
    this.fenced.dropData(this.wtag, page);
    const recent = this.recent;
    for (let i = 3; i < recent.length; i += CONTEXT_FIELDS)
      if (recent[i] === this.contextEpoch) recent[i] = epoch;
    this.contextEpoch = epoch;
  }

  /**
   * Whether the translation of `vaddr`, just made by the memory path (a fetch, load or store),
   * may come from a 4 MiB superpage: its MMU TLB entry says so, or is missing.
   */
  private superpage(vaddr: number): boolean {
    const satp = this.hart.csr.satp;
    if (satp >>> 31 === 0 || this.memory.accessPrivilege === 3) return false;
    const tlb = this.memory.mmu.tlb;
    const i = tlb.lookup(vaddr >>> 12, (satp >>> 22) & 0x1ff);
    return i < 0 || tlb.superpage[i] === 1;
  }

  /** Empties the translation cache. */
  private flush(): void {
    for (const block of this.blocks.values()) block.valid = false;
    this.blocks.clear();
    this.members.clear();
    this.pageBlocks.clear();
    this.memory.ram.codePages.fill(0);
    this.jumpPc.fill(-1);
    this.jumpBlock.fill(undefined);
    this.coldRuns.clear();
    this.memo.clear();
    this.fenced.clearCode();
    this.cacheSize = 0;
    this.flushed++;
  }

  /**
   * Drops the jump cache and TLBs when what they depend on changed, and decides whether
   * blocks may run at all (not with breakpoints or armed debug triggers).
   */
  private sync(): void {
    const hart = this.hart;
    const csr = hart.csr;
    const memory = this.memory;
    let status = csr.mstatus & DATA_STATUS;
    if (status & MSTATUS_MPRV) status |= csr.mstatus & MSTATUS_MPP;
    if (memory.mmu.epoch !== this.contextEpoch) this.fencePage();
    if (
      hart.privilege !== this.contextPrivilege ||
      status !== this.contextStatus ||
      csr.satp !== this.contextSatp ||
      memory.mmu.epoch !== this.contextEpoch ||
      memory.pmp.generation !== this.contextPmp ||
      memory.bus.generation !== this.contextBus
    ) {
      this.contextPrivilege = hart.privilege;
      this.contextStatus = status;
      this.contextSatp = csr.satp;
      this.contextEpoch = memory.mmu.epoch;
      this.contextPmp = memory.pmp.generation;
      this.contextBus = memory.bus.generation;
      this.enterContext();
    }
    this.interpretOnly =
      this.breakpoints.size !== 0 || hart.triggers.execute || hart.triggers.access;
  }

  override invalidate(): void {
    super.invalidate();
    this.flush();
    this.callSites.clear();
    this.recent.fill(-1);
    this.rtag.fill(-1);
    this.wtag.fill(-1);
    this.fenced.clear();
    this.contextPrivilege = -1;
  }

  override statistics(): CoreStatistics {
    return {
      blocksTranslated: this.translated,
      regionsCompiled: this.regions,
      blocksCached: this.blocks.size,
      cacheBytes: this.cacheSize,
      invalidations: this.invalidated,
      flushes: this.flushed,
      interpreted: this.steps,
      retranslations: this.retranslated,
      reused: this.memo.hits,
    };
  }
}
