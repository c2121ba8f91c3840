/**
 * The program model: a generated program is a template name, a fixed set-up (never shrunk) and
 * a body of instruction records (plain JSON objects, so fast-check shrinks a body by removing
 * records and simplifying their fields). {@link renderProgram} (render.ts) turns a program into
 * the harness's {@link HarnessProgram}.
 *
 * @module
 */

import type { HarnessProgram } from '../harness.js';

export type { HarnessProgram };

/** R-type integer and M-extension operations. */
export type RegOp =
  | 'add'
  | 'sub'
  | 'sll'
  | 'slt'
  | 'sltu'
  | 'xor'
  | 'srl'
  | 'sra'
  | 'or'
  | 'and'
  | 'mul'
  | 'mulh'
  | 'mulhsu'
  | 'mulhu'
  | 'div'
  | 'divu'
  | 'rem'
  | 'remu';

/** I-type integer operations. */
export type ImmOp = 'addi' | 'slti' | 'sltiu' | 'xori' | 'ori' | 'andi' | 'slli' | 'srli' | 'srai';

export type LoadOp = 'lb' | 'lh' | 'lw' | 'lbu' | 'lhu';
export type StoreOp = 'sb' | 'sh' | 'sw';
export type BranchOp = 'beq' | 'bne' | 'blt' | 'bge' | 'bltu' | 'bgeu';
export type AmoOp =
  | 'amoswap.w'
  | 'amoadd.w'
  | 'amoxor.w'
  | 'amoand.w'
  | 'amoor.w'
  | 'amomin.w'
  | 'amomax.w'
  | 'amominu.w'
  | 'amomaxu.w';
export type CsrOp = 'csrrw' | 'csrrs' | 'csrrc' | 'csrrwi' | 'csrrsi' | 'csrrci';

/** How a `patch` or `selfmod` record writes code. */
export type PatchOp = 'sw' | 'sh' | 'sh-xor' | 'amoxor.w';

/** Traps a `trap` record raises on purpose. */
export type TrapKind = 'ecall' | 'ebreak' | 'illegal' | 'illegal-csr' | 'c-unimp' | 'mret' | 'sret';

/**
 * One body record. Registers are numbers 1…31 (never a register the harness reserves);
 * `offset` is a byte offset in the data page; `skip` counts records jumped over.
 */
export type BodyRecord =
  | {
      readonly kind: 'reg';
      readonly op: RegOp;
      readonly rd: number;
      readonly rs1: number;
      readonly rs2: number;
    }
  | {
      readonly kind: 'imm';
      readonly op: ImmOp;
      readonly rd: number;
      readonly rs1: number;
      readonly imm: number;
    }
  | {
      readonly kind: 'upper';
      readonly op: 'lui' | 'auipc';
      readonly rd: number;
      readonly imm: number;
    }
  | { readonly kind: 'li'; readonly rd: number; readonly value: number }
  | {
      readonly kind: 'load';
      readonly op: LoadOp;
      readonly rd: number;
      readonly offset: number;
      /** Base register (default the data page's, s11: `DATA_REGISTER`); `offset` from it. */
      readonly base?: number;
    }
  | {
      readonly kind: 'store';
      readonly op: StoreOp;
      readonly rs2: number;
      readonly offset: number;
      /** Base register (default the data page's); `offset` from it. */
      readonly base?: number;
    }
  | {
      readonly kind: 'branch';
      readonly op: BranchOp;
      readonly rs1: number;
      readonly rs2: number;
      readonly skip: number;
    }
  | { readonly kind: 'jump'; readonly rd: number; readonly skip: number }
  | { readonly kind: 'loop'; readonly count: number; readonly body: readonly BodyRecord[] }
  | { readonly kind: 'lr'; readonly rd: number; readonly offset: number }
  | { readonly kind: 'sc'; readonly rd: number; readonly rs2: number; readonly offset: number }
  | {
      readonly kind: 'amo';
      readonly op: AmoOp;
      readonly rd: number;
      readonly rs2: number;
      readonly offset: number;
    }
  | {
      readonly kind: 'csr';
      readonly op: CsrOp;
      readonly csr: string;
      readonly rd: number;
      /** The operand: a 32-bit value (register forms) or a 5-bit immediate. */
      readonly value: number;
      /** Read the new value back (into the renderer's scratch t5) and restore the old one. */
      readonly restore: boolean;
      /** Bits of the CSR compared (the AND of both engines' WARL masks); others are cleared. */
      readonly mask: number;
    }
  | { readonly kind: 'csrr'; readonly csr: string; readonly rd: number; readonly mask: number }
  | { readonly kind: 'trap'; readonly trap: TrapKind }
  | {
      /** A load or store at an absolute address (device registers, holes that fault, RAM). */
      readonly kind: 'access';
      readonly op: LoadOp | StoreOp;
      /** The address, or the offset from `symbol`. */
      readonly address: number;
      /** A label of the program (`__data`, `_start`…) the address is relative to. */
      readonly symbol?: string;
      /** Destination (loads) or source (stores). */
      readonly reg: number;
    }
  | {
      /** Jumps (`jalr ra`) to an address (maybe one whose fetch faults: handlers resume at ra). */
      readonly kind: 'fetch';
      readonly address: number;
      readonly symbol?: string;
    }
  | {
      /** Writes a printable byte to the UART's transmitter. */ readonly kind: 'putc';
      readonly char: number;
    }
  | {
      /** Arms the CLINT timer `ticks` ticks from now. */ readonly kind: 'timer';
      readonly ticks: number;
    }
  | { readonly kind: 'wfi' }
  | { readonly kind: 'fence'; readonly op: 'fence' | 'fence.i' | 'sfence.vma' }
  | {
      /**
       * A run of `count` straight-line ALU instructions on `rd` (and `rs`): `addi rd, rd, k`
       * and `add rd, rd, rs` in turn. Long runs make long translated blocks.
       */
      readonly kind: 'straight';
      readonly count: number;
      readonly rd: number;
      readonly rs: number;
    }
  | {
      /**
       * A code write: at `symbol + address` (or the absolute `address`), `sw`/`sh` stores
       * `value`; `sh-xor` flips the bits `value` of the halfword there (`lhu`, `xori`, `sh`);
       * `amoxor.w` flips the bits `value` of the word there. The template keeps the written
       * code safe (every value it can hold is an instruction that only computes). Then, with
       * `fence`, a `fence.i`. With `every` (a mask), only on the loop passes whose counter
       * (s10) has none of those bits set. Scratch: t4, t5, t6.
       */
      readonly kind: 'patch';
      readonly op: PatchOp;
      readonly address: number;
      readonly symbol?: string;
      readonly value: number;
      readonly fence: boolean;
      readonly every?: number;
    }
  | {
      /**
       * A store into the code being executed: the instruction word `word` (a 32-bit
       * instruction or two compressed ones, 4-byte aligned) placed `ahead` of the code write
       * that changes it (`op`/`value`/`offset` as a `patch` record, at `offset` in the word),
       * then a `fence.i` or a jump to the next instruction (`sync`) and `gap` instructions
       * before the word is reached — or placed before it (`ahead` false), so that the new
       * word runs on the next pass of a loop. The word is followed by a `fold` (its result
       * shows in s9). Scratch: t3, t4, t5, t6.
       */
      readonly kind: 'selfmod';
      readonly word: number;
      readonly op: PatchOp;
      readonly offset: number;
      readonly value: number;
      readonly ahead: boolean;
      readonly sync: 'fence.i' | 'jump' | 'none';
      readonly gap: number;
    }
  | {
      /**
       * Overlapping instructions: the instruction words `words` (emitted as they are),
       * entered at their first byte by falling through and at their third byte (the upper
       * half of the first word, a compressed instruction or the start of a 32-bit one that
       * ends in the next word) by `entry`: `jal`, `jalr` (through t6), a branch `op rs1, rs2`,
       * or `bit` (taken when bit `bit` of the loop counter s10 is clear; scratch t5).
       */
      readonly kind: 'overlap';
      readonly words: readonly number[];
      readonly entry: 'jal' | 'jalr' | 'branch' | 'bit';
      readonly op?: BranchOp;
      readonly rs1?: number;
      readonly rs2?: number;
      readonly bit?: number;
    }
  | {
      /**
       * A load, store or atomic that faults on some loop passes only: on passes where the
       * loop counter (s10) has none of the bits `mask` set, a load or store reaches the hole
       * `hole` (an access fault) and an atomic its data-page word plus `misalign` bytes (a
       * misaligned-address exception); on the others it accesses the data page at `offset`
       * (s11 + offset, aligned). Mask 0: it always faults. Scratch: t5, t6.
       */
      readonly kind: 'sometimes';
      readonly op: LoadOp | StoreOp | AmoOp | 'lr.w';
      readonly reg: number;
      readonly rs2: number;
      readonly offset: number;
      readonly hole: number;
      readonly misalign: number;
      readonly mask: number;
    }
  | {
      /**
       * Folds the registers generated code writes (x3–x24) into s9 (`foldWords` of
       * `code.ts`), so that a stale instruction's result shows in the dump.
       */
      readonly kind: 'fold';
    }
  | {
      /**
       * A page-table update under Sv32 (S-mode bodies): entry `index` of the level-0 table
       * `table` becomes the page at `targets[0]`, or at `targets[1]` on loop passes whose
       * counter (s10) has bit `bit` set, with the PTE flags `flags` (and with `alias`, entry
       * `alias` the same page with `aliasFlags`), then `sfence.vma` for everything (`all`),
       * the virtual address `va` (and `aliasVa`, with `alias`), the address space `asid`, or
       * both. With `every`, as a `patch` record. Scratch: t5, t6.
       */
      readonly kind: 'pte';
      readonly table: string;
      readonly index: number;
      readonly targets: readonly [string, string];
      readonly bit: number;
      readonly flags: number;
      readonly alias?: number;
      readonly aliasFlags?: number;
      readonly aliasVa?: number;
      readonly fence: 'all' | 'va' | 'asid' | 'va-asid';
      readonly va: number;
      readonly asid: number;
      readonly every?: number;
    }
  | {
      /** Raw assembly (planted corpus cases only; never generated). */ readonly kind: 'raw';
      readonly text: string;
    };

/** A generated program. */
export interface Program {
  /** The template that generated it. */
  readonly template: string;
  /** M-mode set-up (reaches `__body`); never shrunk. */
  readonly setup: string;
  /** Records of the body, shrunk to a minimal failing case. */
  readonly body: readonly BodyRecord[];
  /** M-mode handler for traps other than the end marker (the harness default when absent). */
  readonly handler?: string;
  /** Extra assembly after the program (data, S-mode handler, page tables). */
  readonly extra?: string;
  /** Pages whose digests the dump prints (`'data'`: the harness's data page). */
  readonly digestPages?: readonly (number | string)[] | 'data';
  /** The privilege the body starts in (default M). */
  readonly privilege?: 'M' | 'S' | 'U';
  /** Whether the body is assembled without compressed instructions. */
  readonly norvc?: boolean;
}

/** Number of instructions a body has, counting records (a loop counts itself and its body). */
export function instructionCount(body: readonly BodyRecord[]): number {
  let n = 0;
  for (const record of body) n += record.kind === 'loop' ? 1 + instructionCount(record.body) : 1;
  return n;
}
