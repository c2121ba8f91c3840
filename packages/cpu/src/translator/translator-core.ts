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
  MSTATUS_MPP,
  MSTATUS_MPRV,
  MSTATUS_MXR,
  MSTATUS_SUM,
  STUCK_TRAPS,
} from '@trapeze/isa';
import {
  type CoreExit,
  type CoreKind,
  type CoreOptions,
  type CoreStatistics,
  EXIT_BUDGET,
  EXIT_DEADLINE,
  EXIT_DEVICE,
  EXIT_IDLE,
  EXIT_STUCK,
  EXIT_TRAP,
} from '../core.js';
import { InterpreterCore } from '../interpreter-core.js';
import { checkCount } from '../validate.js';
import { type BlockFunction, compileBlock, TLB_ENTRIES } from './block-compiler.js';

/** Options of {@link TranslatorCore} beyond {@link CoreOptions}. */
export interface TranslatorOptions {
  /**
   * Characters of generated host code the translation cache may hold (default 32 Mi): when a
   * new block would pass it, the whole cache is emptied and translation starts again.
   */
  readonly cacheLimit?: number;
}

/** Default {@link TranslatorOptions.cacheLimit}. */
export const DEFAULT_CACHE_LIMIT = 32 * 1024 * 1024;

const JUMP_CACHE_ENTRIES = 4096;
const JUMP_CACHE_MASK = JUMP_CACHE_ENTRIES - 1;

/** A translated block in the cache. */
class Block {
  /** False once its code was written or the cache flushed: never run it again. */
  valid = true;
  /** The block it went on to last time, and that block's pc (chaining). */
  link: Block | undefined = undefined;
  linkPc = -1;
  /** The translator's context generation when the link was made (links die with it). */
  linkContext = -1;
  constructor(
    /** Virtual address of its first instruction (the code is compiled for it). */
    readonly pc: number,
    /** RAM offset of its first instruction. */
    readonly offset: number,
    readonly fn: BlockFunction,
    readonly length: number,
    readonly size: number,
  ) {}
}

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
  /** Software TLB of loads: virtual page number per entry (-1: empty) and RAM offset of the page. */
  readonly rtag = new Int32Array(TLB_ENTRIES).fill(-1);
  readonly roff = new Int32Array(TLB_ENTRIES);
  /** Software TLB of stores (pages holding translated code are never entered). */
  readonly wtag = new Int32Array(TLB_ENTRIES).fill(-1);
  readonly woff = new Int32Array(TLB_ENTRIES);
  /** RAM views the blocks use. */
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  /**
   * Set by {@link TranslatorCore.load} and {@link TranslatorCore.store}: 0 the access went
   * fine, 1 it faulted (the block takes the trap), 2 it reached a device or translated code
   * (the block ends after the instruction).
   */
  exit = 0;
  /** Instructions the running block may retire, at most (loops check it every pass). */
  room = 0;

  private readonly cacheLimit: number;
  private readonly blocks = new Map<number, Block>();
  private readonly pageBlocks = new Map<number, Block[]>();
  private readonly jumpPc = new Int32Array(JUMP_CACHE_ENTRIES).fill(-1);
  private readonly jumpBlock: (Block | undefined)[] = new Array(JUMP_CACHE_ENTRIES).fill(undefined);
  private cacheSize = 0;
  /** Bumped whenever the jump cache and TLBs are dropped: chaining links from before are dead. */
  private context = 0;
  private codeHit = false;
  private interpretOnly = false;
  private contextPrivilege = -1;
  private contextStatus = -1;
  private contextSatp = -1;
  private contextEpoch = -1;
  private contextPmp = -1;
  private contextBus = -1;
  private translated = 0;
  private invalidated = 0;
  private flushed = 0;

  constructor(options: CoreOptions & TranslatorOptions) {
    super(options);
    const limit = options.cacheLimit ?? DEFAULT_CACHE_LIMIT;
    checkCount(limit, 'TranslatorCore: cacheLimit');
    this.cacheLimit = limit;
    const ram = options.ram;
    this.i32 = ram.i32;
    this.u16 = ram.u16;
    this.u8 = ram.u8;
    ram.onCodeWrite = (page) => this.codeWritten(page);
  }

  override run(limit: number, deadline: number): CoreExit {
    checkCount(limit, 'Core.run: limit');
    checkCount(deadline, 'Core.run: deadline');
    const hart = this.hart;
    const memory = this.memory;
    const seen = memory.slowAccesses;
    this.sync();
    let steps = 0;
    let block: Block | undefined;
    for (;;) {
      if (this.interpretOnly) {
        this.steps += steps;
        return this.interpret(limit, deadline);
      }
      const retired = hart.retired;
      let room = limit - retired;
      const left = deadline - retired - hart.countedTraps;
      if (left < room) room = left;
      if (room <= 0) {
        this.steps += steps;
        return retired >= limit ? EXIT_BUDGET : EXIT_DEADLINE;
      }
      const csr = hart.csr;
      const pc = hart.pc;
      let next: Block | undefined;
      if (!hart.waiting && (csr.mip & csr.mie) === 0) {
        const context = this.context;
        next =
          block !== undefined &&
          block.linkPc === pc &&
          block.linkContext === context &&
          (block.link as Block).valid
            ? block.link
            : this.lookup(pc);
        if (block !== undefined && next !== undefined && block.link !== next) {
          block.link = next;
          block.linkPc = pc;
          block.linkContext = context;
        }
      }
      if (next === undefined || next.length > room) {
        // An interrupt to take, a wait, code that cannot be translated, or too little room.
        block = undefined;
        steps++;
        if (!hart.step()) {
          this.steps += steps;
          return EXIT_IDLE;
        }
        if (hart.pendingCause >= 0) return this.stop(EXIT_TRAP, steps);
        if (hart.trapStreak >= STUCK_TRAPS) return this.stop(EXIT_STUCK, steps);
        if (memory.slowAccesses !== seen) return this.stop(EXIT_DEVICE, steps);
        this.sync();
        continue;
      }
      block = next;
      this.room = room;
      if (next.fn(this, hart) !== 0) {
        block = undefined;
        if (hart.pendingCause >= 0) return this.stop(EXIT_TRAP, steps);
        if (hart.trapStreak >= STUCK_TRAPS) return this.stop(EXIT_STUCK, steps);
        this.sync();
      }
      if (memory.slowAccesses !== seen) return this.stop(EXIT_DEVICE, steps);
    }
  }

  /** Returns `exit`, counting `steps` interpreted instructions. */
  private stop(exit: CoreExit, steps: number): CoreExit {
    this.steps += steps;
    return exit;
  }

  /**
   * A load a block's TLB probe missed: made through the memory path, and entered in the TLB
   * when it was an aligned RAM access. Sets {@link TranslatorCore.exit}.
   */
  load(address: number, size: 1 | 2 | 4): number {
    const memory = this.memory;
    const seen = memory.slowAccesses;
    const value = memory.read(address, size, ACCESS_LOAD);
    if (memory.fault >= 0) {
      this.exit = 1;
      return 0;
    }
    if (memory.slowAccesses !== seen) {
      this.exit = 2;
      return value;
    }
    this.exit = 0;
    const offset = memory.lastOffset;
    if (offset >= 0 && (address & (size - 1)) === 0) {
      const page = address >>> 12;
      const e = page & (TLB_ENTRIES - 1);
      this.rtag[e] = page;
      this.roff[e] = offset - (address & 0xfff);
    }
    return value;
  }

  /** A store a block's TLB probe missed: as {@link TranslatorCore.load}. */
  store(address: number, size: 1 | 2 | 4, value: number): void {
    const memory = this.memory;
    const seen = memory.slowAccesses;
    this.codeHit = false;
    memory.write(address, size, value);
    if (memory.fault >= 0) {
      this.exit = 1;
      return;
    }
    if (memory.slowAccesses !== seen || this.codeHit) {
      this.exit = 2;
      return;
    }
    this.exit = 0;
    const offset = memory.lastOffset;
    if (offset >= 0 && (address & (size - 1)) === 0 && memory.ram.codePages[offset >>> 12] === 0) {
      const page = address >>> 12;
      const e = page & (TLB_ENTRIES - 1);
      this.wtag[e] = page;
      this.woff[e] = offset - (address & 0xfff);
    }
  }

  /** Takes the trap of the access at `address` that just faulted. */
  fault(address: number): void {
    this.hart.raise(this.memory.fault, address);
  }

  /** The block to run at `pc`, translating it if need be; undefined when it cannot be. */
  private lookup(pc: number): Block | undefined {
    const slot = (pc >>> 1) & JUMP_CACHE_MASK;
    if (this.jumpPc[slot] === (pc | 0)) {
      const block = this.jumpBlock[slot] as Block;
      if (block.valid) return block;
    }
    const offset = this.memory.fetchOffset(pc);
    if (offset < 0) return undefined;
    let block = this.blocks.get(offset);
    if (block === undefined || block.pc !== pc) {
      block = this.translate(pc, offset);
      if (block === undefined) return undefined;
    }
    this.jumpPc[slot] = pc | 0;
    this.jumpBlock[slot] = block;
    return block;
  }

  /** Compiles the block at `pc` (code at RAM `offset`) into the cache. */
  private translate(pc: number, offset: number): Block | undefined {
    const compiled = compileBlock(this.u16, offset, pc, this.hart.decoder);
    if (compiled === undefined) return undefined;
    if (this.cacheSize + compiled.size > this.cacheLimit) this.flush();
    const block = new Block(pc, offset, compiled.fn, compiled.length, compiled.size);
    const old = this.blocks.get(offset);
    if (old !== undefined) old.valid = false;
    this.blocks.set(offset, block);
    const page = offset >>> 12;
    const codePages = this.memory.ram.codePages;
    if (codePages[page] === 0) {
      codePages[page] = 1;
      // Stores into this page must now take the slow path, which notices code writes.
      this.wtag.fill(-1);
    }
    const list = this.pageBlocks.get(page);
    if (list === undefined) this.pageBlocks.set(page, [block]);
    else list.push(block);
    this.cacheSize += compiled.size;
    this.translated++;
    return block;
  }

  /** A write reached a RAM page holding translated code: its blocks are dropped. */
  private codeWritten(page: number): void {
    const list = this.pageBlocks.get(page);
    this.codeHit = true;
    if (list === undefined) return;
    for (const block of list) {
      block.valid = false;
      if (this.blocks.get(block.offset) === block) this.blocks.delete(block.offset);
      this.cacheSize -= block.size;
    }
    this.invalidated += list.length;
    this.pageBlocks.delete(page);
  }

  /** Empties the translation cache. */
  private flush(): void {
    for (const block of this.blocks.values()) block.valid = false;
    this.blocks.clear();
    this.pageBlocks.clear();
    this.memory.ram.codePages.fill(0);
    this.jumpPc.fill(-1);
    this.jumpBlock.fill(undefined);
    this.context++;
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
      this.rtag.fill(-1);
      this.wtag.fill(-1);
      this.jumpPc.fill(-1);
      this.context++;
    }
    this.interpretOnly =
      this.breakpoints.size !== 0 || hart.triggers.execute || hart.triggers.access;
  }

  override invalidate(): void {
    super.invalidate();
    this.flush();
    this.contextPrivilege = -1;
  }

  override statistics(): CoreStatistics {
    return {
      blocksTranslated: this.translated,
      blocksCached: this.blocks.size,
      cacheBytes: this.cacheSize,
      invalidations: this.invalidated,
      flushes: this.flushed,
      interpreted: this.steps,
    };
  }
}
