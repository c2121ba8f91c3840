/**
 * The semantics of every RV32IMAC + Zicsr + Zifencei + privileged instruction, as one handler
 * per table entry. A handler returns true when the instruction retires, or false after it has
 * raised an exception (through `hart.raise`). Compressed instructions run their expansion's
 * handler: the decoder has already put their operands in 32-bit form.
 *
 * @module
 */
import type { DecodedInstruction, Instruction } from '../instruction.js';
import type { InstructionSpec } from '../spec.js';
import { INSTRUCTIONS, instructionById } from '../table/index.js';
import { Exception } from './causes.js';
import { CSR_INSTRUCTIONS, type CsrOperation, combineCsr } from './csr-words.js';
import type { Hart } from './hart.js';
import { ACCESS_LOAD, ACCESS_STORE } from './memory.js';
import {
  bindOperands,
  compileSemantics,
  type OperandTexts,
  SEMANTICS,
  type Semantics,
} from './semantics.js';
import { MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW } from './status-bits.js';

/** The semantics of one instruction. */
type Handler = (hart: Hart, i: Instruction) => boolean;

const HANDLERS: Record<string, Handler> = {};

function define(names: string, handler: Handler): void {
  for (const name of names.split(' ')) HANDLERS[name] = handler;
}

// Each handler is its own function (no shared closure calling an operation passed in), so that
// every call site inside a handler sees one target and V8 inlines it (DESIGN §5).

// Loads (sign- or zero-extended to 32 bits) and stores. A debug trigger on the accessed bytes
// stops the access first (`Hart.stopsAtTrigger` raises the breakpoint and sets memory.fault).
function loaded(h: Hart, i: Instruction, size: 1 | 2 | 4): number {
  const address = (h.get(i.rs1) + i.imm) >>> 0;
  if (h.triggers.access && h.stopsAtTrigger(address, size, false)) return 0;
  const value = h.memory.read(address, size, ACCESS_LOAD);
  if (h.memory.fault >= 0) h.raise(h.memory.fault, address);
  return value;
}
define('lb', (h, i) => {
  const value = loaded(h, i, 1);
  if (h.memory.fault >= 0) return false;
  h.set(i.rd, (value << 24) >> 24);
  return true;
});
define('lh', (h, i) => {
  const value = loaded(h, i, 2);
  if (h.memory.fault >= 0) return false;
  h.set(i.rd, (value << 16) >> 16);
  return true;
});
define('lw', (h, i) => {
  const value = loaded(h, i, 4);
  if (h.memory.fault >= 0) return false;
  h.set(i.rd, value | 0);
  return true;
});
define('lbu', (h, i) => {
  const value = loaded(h, i, 1);
  if (h.memory.fault >= 0) return false;
  h.set(i.rd, value);
  return true;
});
define('lhu', (h, i) => {
  const value = loaded(h, i, 2);
  if (h.memory.fault >= 0) return false;
  h.set(i.rd, value);
  return true;
});
function stored(h: Hart, i: Instruction, size: 1 | 2 | 4): boolean {
  const address = (h.get(i.rs1) + i.imm) >>> 0;
  if (h.triggers.access && h.stopsAtTrigger(address, size, true)) return false;
  h.memory.write(address, size, h.get(i.rs2));
  if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
  return true;
}
// Computation, jumps, branches, loads and stores: built from their expression form
// (semantics.ts), the same text a translator compiles, so that the two cannot differ.
const OPERANDS: OperandTexts = {
  a: 'h.x[i.rs1]',
  b: 'h.x[i.rs2]',
  i: 'i.imm',
  pc: 'h.pc',
  next: 'h.nextPc',
  v: 'v',
};

/** The interpreter's handler for an instruction with expression semantics. */
function fromSemantics(name: string, semantics: Semantics): Handler {
  const bind = (text: string) => bindOperands(text, OPERANDS);
  let body: string;
  switch (semantics.kind) {
    case 'value':
      body = `const v = ${bind(semantics.value)};\nif (i.rd !== 0) h.x[i.rd] = v;\nreturn true;`;
      break;
    case 'branch':
      body = `if (${bind(semantics.taken)}) h.nextPc = (h.pc + i.imm) >>> 0;\nreturn true;`;
      break;
    case 'jump':
      body = `const t = ${bind(semantics.target)};\nif (i.rd !== 0) h.x[i.rd] = h.nextPc | 0;\nh.nextPc = t;\nreturn true;`;
      break;
    case 'load':
      body = `const v = loaded(h, i, ${semantics.size});\nif (h.memory.fault >= 0) return false;\nif (i.rd !== 0) h.x[i.rd] = ${bind(semantics.extend)};\nreturn true;`;
      break;
    case 'store':
      body = `return stored(h, i, ${semantics.size});`;
      break;
  }
  return compileSemantics<Handler>(['h', 'i'], `// ${name}\n${body}`, { loaded, stored });
}

for (const [name, semantics] of Object.entries(SEMANTICS))
  define(name, fromSemantics(name, semantics));

// Fences: this hart executes in order; FENCE.I lets the machine drop cached code.
define('fence fence.tso', () => true);
define('fence.i', (h) => {
  h.memory.fenceI();
  return true;
});

// RV32A.
define('lr.w', (h, i) => {
  const address = h.get(i.rs1) >>> 0;
  if (address & 3) return h.raise(Exception.LoadMisaligned, address);
  if (h.triggers.access && h.stopsAtTrigger(address, 4, false)) return false;
  const value = h.memory.read(address, 4, ACCESS_LOAD);
  if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
  h.set(i.rd, value | 0);
  h.reservation = address;
  h.reservationValue = value | 0;
  return true;
});
define('sc.w', (h, i) => {
  const address = h.get(i.rs1) >>> 0;
  if (address & 3) return h.raise(Exception.StoreMisaligned, address);
  if (h.reservation !== address) {
    h.reservation = -1;
    h.set(i.rd, 1);
    return true;
  }
  // QEMU makes SC a compare-and-swap (with the word LR read): a load and a store for the
  // triggers, an access with store permission, and no store when the word has changed. An SC
  // that faults leaves the reservation as it was (taking the trap clears it; a trap sink that
  // intercepts the fault and resumes — a hypervisor filling a shadow page — lets the SC retry).
  if (h.triggers.access && h.amoStopsAtTrigger(address)) return false;
  const current = h.memory.read(address, 4, ACCESS_STORE) | 0;
  if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
  if (current !== h.reservationValue) {
    h.reservation = -1;
    h.set(i.rd, 1);
    return true;
  }
  h.memory.write(address, 4, h.get(i.rs2));
  if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
  h.reservation = -1;
  h.set(i.rd, 0);
  return true;
});

function amo(name: string, op: (old: number, operand: number) => number): void {
  define(name, (h, i) => {
    const address = h.get(i.rs1) >>> 0;
    if (address & 3) return h.raise(Exception.StoreMisaligned, address);
    if (h.triggers.access && h.amoStopsAtTrigger(address)) return false;
    const old = h.memory.read(address, 4, ACCESS_STORE) | 0;
    if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
    h.memory.write(address, 4, op(old, h.get(i.rs2)));
    if (h.memory.fault >= 0) return h.raise(h.memory.fault, address);
    h.set(i.rd, old);
    return true;
  });
}
amo('amoswap.w', (_old, b) => b);
amo('amoadd.w', (a, b) => (a + b) | 0);
amo('amoxor.w', (a, b) => a ^ b);
amo('amoand.w', (a, b) => a & b);
amo('amoor.w', (a, b) => a | b);
amo('amomin.w', Math.min);
amo('amomax.w', Math.max);
amo('amominu.w', (a, b) => (a >>> 0 < b >>> 0 ? a : b));
amo('amomaxu.w', (a, b) => (a >>> 0 > b >>> 0 ? a : b));

// Zicsr: read (unless CSRRW/CSRRWI with rd = x0), then write (unless CSRRS/CSRRC with a zero
// source), as CSR_INSTRUCTIONS says.
function csr(name: string, immediate: boolean, operation: CsrOperation): void {
  const alwaysWrites = operation === 'write';
  define(name, (h, i) => {
    const operand = immediate ? i.imm : h.get(i.rs1);
    const writes = alwaysWrites || (immediate ? i.imm !== 0 : i.rs1 !== 0);
    const reads = !alwaysWrites || i.rd !== 0;
    const file = h.csr;
    if (writes && !file.accessible(i.csr, h.privilege, true)) return h.illegal();
    let old = 0;
    if (reads) {
      old = file.read(i.csr, h.privilege);
      if (file.illegal) return h.illegal();
    }
    if (writes) {
      file.write(i.csr, h.privilege, combineCsr(operation, file.modifyBase(i.csr, old), operand));
      if (file.illegal) return h.illegal();
    }
    h.set(i.rd, old | 0);
    return true;
  });
}
for (const [name, { immediate, operation }] of Object.entries(CSR_INSTRUCTIONS))
  csr(name, immediate, operation);

// Environment calls and breakpoints (counted for QEMU's virtual time: see
// `Hart.countedTraps`).
define('ecall', (h) =>
  h.raiseCounted(
    h.privilege === 3
      ? Exception.EcallFromM
      : h.privilege === 1
        ? Exception.EcallFromS
        : Exception.EcallFromU,
    0,
  ),
);
// mtval for EBREAK is zero, as on QEMU (the spec allows zero or the faulting address).
define('ebreak', (h) => h.raiseCounted(Exception.Breakpoint, 0));

// Privileged instructions.
define('mret', (h) => {
  if (h.privilege !== 3) return h.illegal();
  h.returnFrom(3);
  return true;
});
define('sret', (h) => {
  if (h.privilege === 0 || (h.privilege === 1 && h.csr.mstatus & MSTATUS_TSR)) return h.illegal();
  h.returnFrom(1);
  return true;
});
define('wfi', (h) => {
  if (h.privilege === 0 || (h.privilege === 1 && h.csr.mstatus & MSTATUS_TW)) return h.illegal();
  h.waiting = true;
  return true;
});
define('sfence.vma', (h, i) => {
  if (h.privilege === 0 || (h.privilege === 1 && h.csr.mstatus & MSTATUS_TVM)) return h.illegal();
  h.memory.fenceVma(
    i.rs1 === 0 ? undefined : h.get(i.rs1) >>> 0,
    i.rs2 === 0 ? undefined : h.get(i.rs2) & 0x1ff,
  );
  return true;
});

/** Handlers by table index; compressed entries share their expansion's handler. */
const BY_INDEX: (Handler | undefined)[] = INSTRUCTIONS.map((spec: InstructionSpec) => {
  const base = spec.expansion ? (instructionById(spec.expansion.name) as InstructionSpec) : spec;
  return HANDLERS[base.name];
});

/** Executes a decoded instruction on `hart`; false if it raised an exception. */
export function execute(hart: Hart, i: DecodedInstruction): boolean {
  const handler = BY_INDEX[i.index];
  // Words that do not decode, and instructions the hart does not implement (the H
  // extension's), are illegal; QEMU counts them in its virtual time (Hart.countedTraps).
  if (handler === undefined) return hart.raiseCounted(Exception.IllegalInstruction, i.raw);
  return handler(hart, i);
}

/** Names of the table entries this hart implements. */
export function implementedInstructions(): readonly string[] {
  return INSTRUCTIONS.filter((spec) => BY_INDEX[spec.index] !== undefined).map((spec) => spec.id);
}
