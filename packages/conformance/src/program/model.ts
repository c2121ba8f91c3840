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
