/**
 * The one WebAssembly memory a WebAssembly-translated block works in: the hart's registers,
 * the fields a block and the translator core pass each other, the software TLBs, and then
 * guest RAM. {@link createCoreRam} makes RAM that lives there; a translator core given such RAM
 * emits WebAssembly, and JavaScript otherwise.
 *
 * @module
 */
import { Ram } from '@trapeze/mmu';
import { TLB_ENTRIES } from './block-compiler.js';

// The WebAssembly API this package uses (ES2022's lib has none; browsers and Node have it).
declare global {
  namespace WebAssembly {
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
    }
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
  }
}

/** Byte offsets of the state the blocks and the core share (all 32-bit words). */
export const STATE = {
  /** x0…x31: the hart's registers ({@link Hart.x} is a view of them). */
  x: 0,
  /** Out: instructions the block retired. */
  retired: 128,
  /** Out: the next pc. */
  pc: 132,
  /** Out: the address of the access that faulted. */
  address: 136,
  /** In: instructions the block may retire. */
  room: 140,
  /** In: the TLB salt of the current context. */
  salt: 144,
  /** Set by the slow-path load and store: how the access went (`TranslatorCore.exit`). */
  exit: 148,
  /** In: the hart's privilege (blocks check it before an inline CSR access). */
  privilege: 152,
  /** The hart's trap CSRs (`CsrFile.words`, `CSR_WORD_COUNT` words), when the core put them here. */
  csr: 256,
  /** The software TLBs: tags and RAM offsets of loads, then of stores. */
  rtag: 1024,
  roff: 1024 + TLB_ENTRIES * 4,
  wtag: 1024 + TLB_ENTRIES * 8,
  woff: 1024 + TLB_ENTRIES * 12,
} as const;

/** Where RAM starts in the memory (one WebAssembly page of state before it). */
export const RAM_OFFSET = 0x10000;

const memories = new WeakMap<ArrayBuffer, WebAssembly.Memory>();

/**
 * RAM of `size` bytes at physical `base` whose bytes sit in a WebAssembly memory after the
 * state a translator core's WebAssembly blocks use, so that the blocks reach guest RAM and
 * registers directly. Any core runs on it; where WebAssembly is missing (or the memory cannot
 * be had) it is ordinary RAM, and the translator emits JavaScript.
 *
 * @throws the `Ram` constructor's errors (`MmuError`) for a bad base or size
 */
export function createCoreRam(base: number, size: number, name = 'ram'): Ram {
  const pages = Math.ceil((RAM_OFFSET + size) / 0x10000);
  let memory: WebAssembly.Memory | undefined;
  if (
    typeof WebAssembly === 'object' &&
    Number.isInteger(size) &&
    size > 0 &&
    size % 4096 === 0 &&
    pages <= 0x10000
  ) {
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      memory = undefined;
    }
  }
  if (memory === undefined) return new Ram(base, size, name);
  memories.set(memory.buffer, memory);
  return new Ram(base, size, name, { buffer: memory.buffer, byteOffset: RAM_OFFSET });
}

/** The WebAssembly memory `ram` lives in ({@link createCoreRam}), or undefined. */
export function wasmMemoryOf(ram: Ram): WebAssembly.Memory | undefined {
  if (ram.byteOffset !== RAM_OFFSET) return undefined;
  return memories.get(ram.buffer);
}
