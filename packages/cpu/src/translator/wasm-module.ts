/**
 * A small WebAssembly module writer: the bytes of one function (`WasmCode`) and the module
 * around it (`wasmModule`) — one imported memory, imported host functions, one exported
 * function. Only what the translator emits: 32-bit integers, structured control flow, loads
 * and stores.
 *
 * @module
 */

/** Value type `i32`. */
const I32 = 0x7f;

/** The opcodes the translator emits. */
export const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Load8U: 0x2d,
  i32Load16U: 0x2f,
  i32Store: 0x36,
  i32Store8: 0x3a,
  i32Store16: 0x3b,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32LeU: 0x4d,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
} as const;

/** Block type of a `block`, `loop` or `if` without a result. */
export const VOID = 0x40;
/** Block type of an `if` whose arms leave an `i32`. */
export const RESULT_I32 = I32;

/** A growing byte buffer with LEB128 writers. */
class Bytes {
  data = new Uint8Array(256);
  length = 0;

  byte(b: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = b;
  }

  /** Makes room for at least `needed` bytes in all. */
  private grow(needed: number): void {
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  /** Unsigned LEB128. */
  u32(n: number): void {
    let v = n >>> 0;
    for (;;) {
      const b = v & 0x7f;
      v >>>= 7;
      if (v === 0) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(n: number): void {
    let v = n | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  bytes(other: Bytes): void {
    const end = this.length + other.length;
    if (end > this.data.length) this.grow(end);
    this.data.set(other.data.subarray(0, other.length), this.length);
    this.length = end;
  }

  name(text: string): void {
    this.u32(text.length);
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  /** A section: id, then the size of `body` and `body`. */
  section(id: number, body: Bytes): void {
    this.byte(id);
    this.u32(body.length);
    this.bytes(body);
  }
}

/**
 * The body of one function being written, with a stack of open control labels so that
 * branches name their target instead of counting nesting depth.
 */
export class WasmCode {
  private readonly out = new Bytes();
  private readonly labels: (string | undefined)[] = [];
  private locals = 0;

  constructor(
    /** Parameters of the function (all `i32`): locals 0… */
    readonly params: number,
    /** Results (0 or one `i32`). */
    readonly results: 0 | 1 = 1,
  ) {
    this.locals = params;
  }

  /** Bytes of code written so far. */
  get size(): number {
    return this.out.length;
  }

  /** A new `i32` local's index. */
  local(): number {
    return this.locals++;
  }

  op(code: number): this {
    this.out.byte(code);
    return this;
  }

  const(value: number): this {
    this.out.byte(OP.i32Const);
    this.out.s32(value);
    return this;
  }

  get(local: number): this {
    this.out.byte(OP.localGet);
    this.out.u32(local);
    return this;
  }

  set(local: number): this {
    this.out.byte(OP.localSet);
    this.out.u32(local);
    return this;
  }

  tee(local: number): this {
    this.out.byte(OP.localTee);
    this.out.u32(local);
    return this;
  }

  /** A load or store with a constant address `offset` added to the address on the stack. */
  memory(code: number, offset: number): this {
    this.out.byte(code);
    const align =
      code === OP.i32Load8U || code === OP.i32Store8
        ? 0
        : code === OP.i32Load16U || code === OP.i32Store16
          ? 1
          : 2;
    this.out.u32(align);
    this.out.u32(offset);
    return this;
  }

  call(index: number): this {
    this.out.byte(OP.call);
    this.out.u32(index);
    return this;
  }

  /** Opens a `block`, `loop` or `if` named `label` (branch with {@link WasmCode.br}). */
  open(code: number, label?: string, type: number = VOID): this {
    this.out.byte(code);
    this.out.byte(type);
    this.labels.push(label);
    return this;
  }

  /** `else` of the innermost `if`. */
  otherwise(): this {
    this.out.byte(OP.else);
    return this;
  }

  close(): this {
    this.out.byte(OP.end);
    this.labels.pop();
    return this;
  }

  private depth(label: string): number {
    const at = this.labels.lastIndexOf(label);
    if (at < 0) throw new Error(`WasmCode: no open label ${label}`);
    return this.labels.length - 1 - at;
  }

  br(label: string): this {
    this.out.byte(OP.br);
    this.out.u32(this.depth(label));
    return this;
  }

  brIf(label: string): this {
    this.out.byte(OP.brIf);
    this.out.u32(this.depth(label));
    return this;
  }

  /** `br_table` over `targets` (the index on the stack), `fallback` past the end. */
  brTable(targets: readonly string[], fallback: string): this {
    this.out.byte(OP.brTable);
    this.out.u32(targets.length);
    for (const label of targets) this.out.u32(this.depth(label));
    this.out.u32(this.depth(fallback));
    return this;
  }

  /** The function's code entry: its extra locals, its body, `end`. */
  entry(): Bytes {
    if (this.labels.length !== 0) throw new Error('WasmCode: a label is still open');
    const body = new Bytes();
    const extra = this.locals - this.params;
    if (extra > 0) {
      body.u32(1);
      body.u32(extra);
      body.byte(I32);
    } else body.u32(0);
    body.bytes(this.out);
    body.byte(OP.end);
    const entry = new Bytes();
    entry.u32(body.length);
    entry.bytes(body);
    return entry;
  }
}

/** A host function the module imports: its name and how many `i32` parameters and results. */
export interface WasmImport {
  readonly name: string;
  readonly params: number;
  readonly results: 0 | 1;
}

/** What a module holds: see {@link wasmModule}. */
export interface WasmModuleParts {
  /** Whether it imports memory `m.memory`. */
  readonly memory: boolean;
  /** Functions it imports from module `m` (function indices 0…). */
  readonly imports: readonly WasmImport[];
  /** Functions it defines (indices after the imports; `i32` parameters, one `i32` result unless `void`). */
  readonly functions: readonly WasmCode[];
  /** Functions it exports, by name and function index. */
  readonly exports: readonly { readonly name: string; readonly index: number }[];
}

/** The bytes of a module. */
export function wasmModule(parts: WasmModuleParts): Uint8Array {
  const { memory, imports, functions, exports } = parts;
  const types = new Map<string, number>();
  const typeOf = (params: number, results: number) => {
    const key = `${params}:${results}`;
    let index = types.get(key);
    if (index === undefined) {
      index = types.size;
      types.set(key, index);
    }
    return index;
  };
  const importTypes = imports.map((f) => typeOf(f.params, f.results));
  const functionTypes = functions.map((f) => typeOf(f.params, f.results));

  const out = new Bytes();
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.byte(b);
  const typeSection = new Bytes();
  typeSection.u32(types.size);
  for (const key of types.keys()) {
    const [params, results] = key.split(':').map(Number) as [number, number];
    typeSection.byte(0x60);
    typeSection.u32(params);
    for (let i = 0; i < params; i++) typeSection.byte(I32);
    typeSection.u32(results);
    for (let i = 0; i < results; i++) typeSection.byte(I32);
  }
  out.section(1, typeSection);
  const importSection = new Bytes();
  importSection.u32(imports.length + (memory ? 1 : 0));
  if (memory) {
    importSection.name('m');
    importSection.name('memory');
    importSection.byte(0x02);
    importSection.byte(0x00);
    importSection.u32(1);
  }
  for (const [i, f] of imports.entries()) {
    importSection.name('m');
    importSection.name(f.name);
    importSection.byte(0x00);
    importSection.u32(importTypes[i] as number);
  }
  out.section(2, importSection);
  const functionSection = new Bytes();
  functionSection.u32(functions.length);
  for (const type of functionTypes) functionSection.u32(type);
  out.section(3, functionSection);
  const exportSection = new Bytes();
  exportSection.u32(exports.length);
  for (const { name, index } of exports) {
    exportSection.name(name);
    exportSection.byte(0x00);
    exportSection.u32(index);
  }
  out.section(7, exportSection);
  const codeSection = new Bytes();
  codeSection.u32(functions.length);
  for (const f of functions) codeSection.bytes(f.entry());
  out.section(10, codeSection);
  return out.data.slice(0, out.length);
}
