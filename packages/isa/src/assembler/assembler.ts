/**
 * The assembler: GNU as syntax in, section bytes and a symbol table out.
 *
 * Pipeline: tokenize each line, parse statements into section items (instructions with
 * their operand expressions, data, alignment), lay the sections out — relaxing branches
 * and jumps to labels from their compressed form to the full one while they do not reach —
 * and finally evaluate every expression and encode. Symbols resolve at assembly time
 * (there is no linker), so the output is a ready memory image.
 *
 * @module
 */
import { aliasRules } from '../aliases.js';
import { fitsImmediate, immediateRange } from '../bits.js';
import { compress } from '../compress.js';
import { EncodeError, type EncodeInput, encode } from '../encoder.js';
import { checkWord, describeValue, IsaError } from '../errors.js';
import { type IsaConfig, RV32IMAC } from '../isa.js';
import type { InstructionSpec, OperandToken } from '../spec.js';
import { instructionById, instructionsByName } from '../table/index.js';
import { AssembleError, AssemblyError } from './errors.js';
import {
  type EvaluationContext,
  type Expr,
  evaluate,
  hasRelocation,
  NotYetKnown,
  parseExpression,
  TokenCursor,
} from './expression.js';
import { type LexState, type Token, tokenizeLine } from './lexer.js';
import { type ParsedOperands, parseOperands, splitOperands } from './operands.js';
import { expandPseudo, isPseudo, type PseudoContext } from './pseudo.js';

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /** Extensions accepted (default RV32IMAC). */
  readonly isa?: IsaConfig;
  /**
   * Address of `.text` (default `0x80000000`, where QEMU's `virt` board has RAM): a 32-bit
   * address, signed or unsigned (an integer in `-2^31 … 2^32 − 1`).
   */
  readonly textAddress?: number;
  /** Address of `.data` (default: after `.text`, aligned to 16), as `textAddress`. */
  readonly dataAddress?: number;
  /** Compress instructions automatically when C is enabled (default true; `.option norvc` turns it off). */
  readonly compress?: boolean;
  /** Name of the source in error messages. */
  readonly file?: string;
}

/** One output section. */
export interface AssembledSection {
  readonly name: string;
  readonly address: number;
  /** Contents; for `.bss`, empty with `size` bytes of zeros in memory. */
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly executable: boolean;
  readonly nobits: boolean;
}

/** One symbol of the output. */
export interface AssembledSymbol {
  readonly name: string;
  readonly value: number;
  /** Section of a label, `null` for `.equ` constants. */
  readonly section: string | null;
  readonly global: boolean;
}

/** What {@link assemble} produces. */
export interface AssembleResult {
  readonly sections: readonly AssembledSection[];
  readonly symbols: readonly AssembledSymbol[];
  /** `_start` if defined, else the start of `.text`. */
  readonly entry: number;
  /** Whether any compressed instruction was emitted. */
  readonly usesCompressed: boolean;
}

/** One machine instruction to emit. */
export interface MachineOp {
  readonly kind: 'op';
  readonly line: number;
  readonly column: number;
  /** 32-bit entry (or an explicitly written compressed one). */
  spec: InstructionSpec;
  rd: number;
  rs1: number;
  rs2: number;
  csr: number;
  pred: number;
  succ: number;
  aq: boolean;
  rl: boolean;
  imm: Expr | null;
  immColumn: number;
  /** The immediate is a target address (branches, jumps): encode `target - pc`. */
  readonly target: boolean;
  /** Compressed candidates chosen at layout time (branches and jumps to labels). */
  relaxable: InstructionSpec[];
  /** Chosen compressed entry, if any. */
  compressed: InstructionSpec | null;
  /** Fixed word of the op when known at parse time (`c.unimp`). */
  fixedWord: number | null;
  size: 2 | 4;
  address: number;
}

type Item =
  | MachineOp
  | { readonly kind: 'label'; readonly name: string; address: number }
  | {
      readonly kind: 'data';
      readonly width: 1 | 2 | 4;
      readonly exprs: Expr[];
      /** Column of each value, for errors. */
      readonly columns: number[];
      readonly line: number;
      address: number;
    }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; address: number }
  | {
      readonly kind: 'align';
      readonly alignment: number;
      readonly fill: number | null;
      address: number;
      size: number;
    }
  | {
      readonly kind: 'org';
      readonly offset: number;
      readonly line: number;
      address: number;
      size: number;
    }
  | { readonly kind: 'space'; readonly size: number; readonly fill: number; address: number };

interface Section {
  readonly name: string;
  readonly items: Item[];
  readonly executable: boolean;
  readonly nobits: boolean;
  address: number;
  size: number;
}

/** Largest section the assembler lays out (256 MiB). */
const MAX_SECTION_SIZE = 1 << 28;
const NOP = 0x00000013;
const C_NOP = 0x0001;

/** The operands of an op for `encode`, with its immediate resolved to `imm`. */
function operandsOf(op: MachineOp, imm: number): Omit<EncodeInput, 'spec'> {
  return {
    rd: op.rd,
    rs1: op.rs1,
    rs2: op.rs2,
    imm,
    csr: op.csr,
    pred: op.pred,
    succ: op.succ,
    aq: op.aq,
    rl: op.rl,
  };
}

function itemSize(item: Item): number {
  switch (item.kind) {
    case 'op':
      return item.size;
    case 'label':
      return 0;
    case 'data':
      return item.width * item.exprs.length;
    case 'bytes':
      return item.bytes.length;
    case 'align':
    case 'org':
      return item.size;
    case 'space':
      return item.size;
  }
}

class Assembler {
  private readonly isa: IsaConfig;
  private readonly file: string;
  private readonly errors: AssemblyError[] = [];
  private readonly sections = new Map<string, Section>();
  private current: Section;
  private readonly symbols = new Map<
    string,
    { value: number; section: string | null; line: number }
  >();
  private readonly globals = new Set<string>();
  private readonly labelItems = new Map<string, { section: Section; item: Item }>();
  private readonly localCounts = new Map<string, number>();
  private rvc: boolean;
  private readonly rvcStack: boolean[] = [];
  private pcrelCount = 0;
  private readonly pcrelHi = new Map<number, number>();
  private line = 0;

  constructor(private readonly options: AssembleOptions) {
    if (options.textAddress !== undefined)
      checkWord(options.textAddress, 'assemble: options.textAddress');
    if (options.dataAddress !== undefined)
      checkWord(options.dataAddress, 'assemble: options.dataAddress');
    this.isa = options.isa ?? RV32IMAC;
    this.file = options.file ?? '<input>';
    this.rvc = this.isa.extensions.has('C') && (options.compress ?? true);
    this.current = this.section('.text');
  }

  private section(name: string): Section {
    let section = this.sections.get(name);
    if (!section) {
      section = {
        name,
        items: [],
        executable: name === '.text' || name.startsWith('.text.') || name.startsWith('.init'),
        nobits: name === '.bss' || name.startsWith('.bss.') || name === '.sbss',
        address: 0,
        size: 0,
      };
      this.sections.set(name, section);
    }
    return section;
  }

  private error(line: number, column: number, reason: string): AssemblyError {
    return new AssemblyError(line, column, reason, this.file);
  }

  private record(e: unknown): void {
    if (e instanceof AssemblyError) {
      this.errors.push(
        e.file === this.file ? e : new AssemblyError(e.line, e.column, e.reason, this.file),
      );
    } else throw e;
  }

  /** Replaces numeric local label references (`1b`, `1f`) by unique names. */
  private localName(text: string, line: number, column: number): string {
    const m = /^([0-9]+)([bf])$/.exec(text);
    if (!m) return text;
    const count = this.localCounts.get(m[1] as string) ?? 0;
    if (m[2] === 'b') {
      if (count === 0)
        throw this.error(
          line,
          column,
          `local label "${m[1]}b" has no earlier definition of ${m[1]}:`,
        );
      return `.L${m[1]}$${count - 1}`;
    }
    return `.L${m[1]}$${count}`;
  }

  run(source: string): AssembleResult {
    const state: LexState = { inComment: false };
    const lines = source.split('\n');
    lines.forEach((text, index) => {
      this.line = index + 1;
      try {
        for (const statement of tokenizeLine(text, this.line, state)) {
          try {
            this.statement(statement, text.length + 1);
          } catch (e) {
            this.record(e);
          }
        }
      } catch (e) {
        this.record(e);
      }
    });
    if (state.inComment) this.errors.push(this.error(lines.length, 1, 'unterminated /* comment'));
    // Lay out and encode even after errors, so that one run reports them all.
    this.layout();
    const result = this.emit();
    if (this.errors.length > 0) throw new AssembleError(this.errors);
    return result;
  }

  private statement(tokens: Token[], endColumn: number): void {
    // Labels: `name:` (several may precede a statement).
    while (tokens.length >= 2 && tokens[1]?.text === ':' && tokens[1].kind === 'punct') {
      const label = tokens[0] as Token;
      if (label.kind === 'number' || (label.kind === 'ident' && /^[0-9]+$/.test(label.text))) {
        const key = label.text;
        const count = this.localCounts.get(key) ?? 0;
        this.defineLabel(`.L${key}$${count}`, label);
        this.localCounts.set(key, count + 1);
      } else if (label.kind === 'ident') {
        this.defineLabel(label.text, label);
      } else {
        throw this.error(this.line, label.column, `bad label "${label.text}"`);
      }
      tokens = tokens.slice(2);
    }
    if (tokens.length === 0) return;
    const head = tokens[0] as Token;
    if (head.kind !== 'ident')
      throw this.error(
        this.line,
        head.column,
        `expected an instruction or directive, found "${head.text}"`,
      );
    // `name = expr` is `.set name, expr`.
    if (tokens[1]?.kind === 'punct' && tokens[1].text === '=') {
      this.defineConstant(head, tokens.slice(2), endColumn);
      return;
    }
    const rest = tokens
      .slice(1)
      .map((t) =>
        t.kind === 'ident' ? { ...t, text: this.localName(t.text, this.line, t.column) } : t,
      );
    if (head.text.startsWith('.')) this.directive(head, rest, endColumn);
    else this.instruction(head, rest, endColumn);
  }

  private defineLabel(name: string, token: Token): void {
    if (this.symbols.has(name) || this.labelItems.has(name)) {
      throw this.error(this.line, token.column, `symbol "${name}" is already defined`);
    }
    const item: Item = { kind: 'label', name, address: 0 };
    this.current.items.push(item);
    this.labelItems.set(name, { section: this.current, item });
  }

  private constantContext(): EvaluationContext {
    return {
      symbol: (name) => this.symbols.get(name)?.value,
      here: undefined,
      pcrelHi: () => undefined,
      line: this.line,
    };
  }

  /** Evaluates an expression that must be constant when it is read. */
  private constant(expr: Expr, column: number, what: string): number {
    try {
      return evaluate(expr, this.constantContext());
    } catch (e) {
      if (e instanceof NotYetKnown)
        throw this.error(this.line, column, `${what} must be a constant expression (${e.message})`);
      throw e;
    }
  }

  private tryConstant(expr: Expr): number | undefined {
    try {
      return evaluate(expr, this.constantContext());
    } catch (e) {
      if (e instanceof NotYetKnown) return undefined;
      throw e;
    }
  }

  private defineConstant(name: Token, tokens: Token[], endColumn: number): void {
    const cursor = new TokenCursor(tokens, this.line, endColumn);
    const expr = parseExpression(cursor);
    if (!cursor.atEnd()) throw cursor.error(`unexpected "${cursor.peek()?.text}"`);
    if (this.labelItems.has(name.text))
      throw this.error(this.line, name.column, `symbol "${name.text}" is already a label`);
    const value = this.constant(expr, tokens[0]?.column ?? endColumn, `value of "${name.text}"`);
    this.symbols.set(name.text, { value, section: null, line: this.line });
  }

  private expressions(tokens: Token[], endColumn: number): Expr[] {
    return splitOperands(tokens, this.line).map((group) => {
      const cursor = new TokenCursor(group, this.line, endColumn);
      const expr = parseExpression(cursor);
      if (!cursor.atEnd()) throw cursor.error(`unexpected "${cursor.peek()?.text}"`);
      return expr;
    });
  }

  private directive(head: Token, args: Token[], endColumn: number): void {
    const name = head.text.toLowerCase();
    const items = this.current.items;
    const noArgs = () => {
      if (args.length > 0)
        throw this.error(this.line, (args[0] as Token).column, `${name} takes no arguments`);
    };
    switch (name) {
      case '.text':
      case '.data':
      case '.bss':
      case '.rodata':
        noArgs();
        this.current = this.section(name);
        return;
      case '.section': {
        const first = args[0];
        if (first?.kind !== 'ident')
          throw this.error(this.line, first?.column ?? endColumn, '.section needs a section name');
        this.current = this.section(first.text);
        return;
      }
      case '.globl':
      case '.global':
      case '.local':
      case '.type':
      case '.size':
      case '.file':
      case '.ident':
      case '.attribute':
      case '.cfi_startproc':
      case '.cfi_endproc':
      case '.weak': {
        if (name === '.globl' || name === '.global' || name === '.weak') {
          for (const group of splitOperands(args, this.line)) {
            const symbol = group[0] as Token;
            if (group.length !== 1 || symbol.kind !== 'ident') {
              throw this.error(this.line, symbol.column, `${name} takes symbol names`);
            }
            this.globals.add(symbol.text);
          }
        }
        return;
      }
      case '.equ':
      case '.set': {
        const groups = splitOperands(args, this.line);
        const symbol = groups[0]?.[0];
        if (groups.length !== 2 || groups[0]?.length !== 1 || symbol?.kind !== 'ident') {
          throw this.error(
            this.line,
            args[0]?.column ?? endColumn,
            `${name} takes a symbol and a value: ${name} NAME, EXPR`,
          );
        }
        this.defineConstant(symbol, groups[1] as Token[], endColumn);
        return;
      }
      case '.word':
      case '.4byte':
      case '.long':
      case '.half':
      case '.2byte':
      case '.short':
      case '.byte': {
        const width =
          name === '.byte' ? 1 : name === '.half' || name === '.2byte' || name === '.short' ? 2 : 4;
        if (args.length === 0)
          throw this.error(this.line, endColumn, `${name} needs at least one value`);
        items.push({
          kind: 'data',
          width,
          exprs: this.expressions(args, endColumn),
          columns: splitOperands(args, this.line).map((group) => (group[0] as Token).column),
          line: this.line,
          address: 0,
        });
        return;
      }
      case '.ascii':
      case '.asciz':
      case '.string': {
        const groups = splitOperands(args, this.line);
        if (groups.length === 0) throw this.error(this.line, endColumn, `${name} needs a string`);
        for (const group of groups) {
          const token = group[0] as Token;
          if (group.length !== 1 || token.kind !== 'string')
            throw this.error(this.line, token.column, `${name} takes quoted strings`);
          const terminator = name === '.ascii' ? 0 : 1;
          const bytes = new Uint8Array(token.text.length + terminator);
          for (let i = 0; i < token.text.length; i++) bytes[i] = token.text.charCodeAt(i);
          items.push({ kind: 'bytes', bytes, address: 0 });
        }
        return;
      }
      case '.align':
      case '.p2align':
      case '.balign': {
        const { value, fill, column } = this.valueAndFill(name, args, endColumn, 'an alignment');
        const alignment = name === '.balign' ? value : 2 ** value;
        if (
          !Number.isInteger(alignment) ||
          alignment < 1 ||
          alignment > 2 ** 16 ||
          (alignment & (alignment - 1)) !== 0
        ) {
          throw this.error(
            this.line,
            column,
            `alignment ${value} is not a power of two up to 65536 bytes`,
          );
        }
        items.push({ kind: 'align', alignment, fill, address: 0, size: 0 });
        return;
      }
      case '.org': {
        const exprs = this.expressions(args, endColumn);
        if (exprs.length !== 1)
          throw this.error(this.line, args[0]?.column ?? endColumn, '.org takes one offset');
        const offset = this.constant(exprs[0] as Expr, (args[0] as Token).column, '.org offset');
        if (offset < 0 || offset > MAX_SECTION_SIZE)
          throw this.error(
            this.line,
            (args[0] as Token).column,
            `.org offset ${offset} is out of range (0 to ${MAX_SECTION_SIZE})`,
          );
        items.push({ kind: 'org', offset, line: this.line, address: 0, size: 0 });
        return;
      }
      case '.zero':
      case '.space':
      case '.skip': {
        const { value: size, fill, column } = this.valueAndFill(name, args, endColumn, 'a size');
        if (size < 0 || size > MAX_SECTION_SIZE)
          throw this.error(this.line, column, `${name} size ${size} is out of range`);
        items.push({ kind: 'space', size, fill: fill ?? 0, address: 0 });
        return;
      }
      case '.option': {
        const option = args[0]?.text.toLowerCase();
        if (args.length !== 1 || option === undefined)
          throw this.error(
            this.line,
            args[0]?.column ?? endColumn,
            '.option takes one of rvc, norvc, push, pop',
          );
        if (option === 'rvc') {
          if (!this.isa.extensions.has('C'))
            throw this.error(
              this.line,
              (args[0] as Token).column,
              '.option rvc needs the C extension in the ISA',
            );
          this.rvc = true;
        } else if (option === 'norvc') this.rvc = false;
        else if (option === 'push') this.rvcStack.push(this.rvc);
        else if (option === 'pop') {
          const previous = this.rvcStack.pop();
          if (previous === undefined)
            throw this.error(
              this.line,
              (args[0] as Token).column,
              '.option pop without .option push',
            );
          this.rvc = previous;
        } else if (
          option !== 'relax' &&
          option !== 'norelax' &&
          option !== 'nopic' &&
          option !== 'pic'
        ) {
          throw this.error(
            this.line,
            (args[0] as Token).column,
            `unknown .option "${option}" (known: rvc, norvc, push, pop)`,
          );
        }
        return;
      }
      default:
        throw this.error(this.line, head.column, `unknown directive "${head.text}"`);
    }
  }

  /** Parses the `VALUE[, FILL]` arguments of `.align` and `.space`: a constant and an optional fill byte. */
  private valueAndFill(
    name: string,
    args: Token[],
    endColumn: number,
    what: string,
  ): { value: number; fill: number | null; column: number } {
    const groups = splitOperands(args, this.line);
    const column = args[0]?.column ?? endColumn;
    if (groups.length < 1 || groups.length > 2) {
      throw this.error(this.line, column, `${name} takes ${what} and an optional fill byte`);
    }
    const [first, second] = this.expressions(args, endColumn);
    const value = this.constant(first as Expr, column, what.replace(/^an? /, ''));
    const fillColumn = groups[1]?.[0]?.column ?? column;
    const fill =
      second === undefined ? null : this.constant(second, fillColumn, 'fill byte') & 0xff;
    return { value, fill, column };
  }

  private enabled(spec: InstructionSpec): boolean {
    return this.isa.extensions.has(spec.extension);
  }

  /** Builds an op from parsed operands for a table entry, with fixed values pinned by `when`. */
  makeOp(
    spec: InstructionSpec,
    operands: ParsedOperands,
    column: number,
    when: Readonly<Record<string, number>> = {},
    ordering: { aq: boolean; rl: boolean } = { aq: false, rl: false },
  ): MachineOp {
    const pick = (field: 'rd' | 'rs1' | 'rs2'): number => {
      const given = operands[field] ?? when[field];
      if (given !== undefined) return given;
      const f = spec[field];
      if (f?.kind === 'fixed') return f.value;
      if (f?.kind === 'tied') return operands.rd ?? when.rd ?? 0;
      return 0;
    };
    const imm =
      operands.imm ??
      (when.imm !== undefined ? { kind: 'number' as const, value: when.imm } : null);
    const csr =
      operands.csr !== undefined
        ? this.constant(operands.csr, column, 'CSR number')
        : (when.csr ?? 0);
    if (!Number.isInteger(csr) || csr < 0 || csr > 0xfff)
      throw this.error(this.line, column, `CSR number ${csr} is not in [0, 4095]`);
    return {
      kind: 'op',
      line: this.line,
      column,
      spec,
      rd: pick('rd'),
      rs1: pick('rs1'),
      rs2: pick('rs2'),
      csr,
      pred: operands.pred ?? when.pred ?? 0,
      succ: operands.succ ?? when.succ ?? 0,
      aq: ordering.aq,
      rl: ordering.rl,
      imm,
      immColumn: operands.immColumn ?? column,
      target: spec.pcRelative,
      relaxable: [],
      compressed: null,
      fixedWord: null,
      size: spec.size,
      address: 0,
    };
  }

  private pseudoContext(): PseudoContext {
    return {
      line: this.line,
      constant: (expr) => this.tryConstant(expr),
      error: (column, reason) => this.error(this.line, column, reason),
      op: (name, operands, column, when) =>
        this.makeOp(instructionById(name) as InstructionSpec, operands, column, when),
      pcrelLabel: () => {
        const name = `.Lpcrel_hi${this.pcrelCount++}`;
        const item: Item = { kind: 'label', name, address: 0 };
        this.current.items.push(item);
        this.labelItems.set(name, { section: this.current, item });
        return name;
      },
      rvc: this.rvc,
    };
  }

  private instruction(head: Token, operandTokens: Token[], endColumn: number): void {
    const mnemonic = head.text.toLowerCase();
    const groups = splitOperands(operandTokens, this.line);
    if (isPseudo(mnemonic, groups)) {
      const ops = expandPseudo(mnemonic, groups, head.column, endColumn, this.pseudoContext());
      for (const op of ops) this.push(op);
      return;
    }
    const candidates: {
      spec: InstructionSpec;
      syntax: readonly OperandToken[];
      when: Record<string, number>;
      aq: boolean;
      rl: boolean;
    }[] = [];
    let ordering = { aq: false, rl: false };
    let base = mnemonic;
    const suffix = /^(.*)\.(aqrl|aq|rl)$/.exec(mnemonic);
    if (suffix && instructionsByName(suffix[1] as string).some((s) => s.hasOrdering)) {
      base = suffix[1] as string;
      ordering = { aq: suffix[2] !== 'rl', rl: suffix[2] !== 'aq' };
    }
    let disabled: InstructionSpec | undefined;
    for (const spec of instructionsByName(base)) {
      if (!this.enabled(spec)) {
        disabled = spec;
        continue;
      }
      if (base !== mnemonic && !spec.hasOrdering) continue;
      candidates.push({ spec, syntax: spec.syntax, when: {}, ...ordering });
    }
    if (base === mnemonic) {
      for (const rule of aliasRules(mnemonic)) {
        for (const spec of instructionsByName(rule.base)) {
          if (spec.size === 4 && this.enabled(spec)) {
            candidates.push({
              spec,
              syntax: rule.syntax,
              when: rule.when as Record<string, number>,
              aq: false,
              rl: false,
            });
          }
        }
      }
    }
    if (candidates.length === 0) {
      if (disabled)
        throw this.error(
          this.line,
          head.column,
          `instruction "${mnemonic}" needs the ${disabled.extension} extension, which ${this.isa.name} does not have`,
        );
      throw this.error(this.line, head.column, `unknown instruction "${head.text}"`);
    }
    let firstError: AssemblyError | undefined;
    let countError: AssemblyError | undefined;
    for (const candidate of candidates) {
      try {
        const operands = parseOperands(groups, candidate.syntax, this.line, endColumn);
        for (const [field, value] of Object.entries(candidate.when)) {
          const given = operands[field as keyof ParsedOperands];
          if (given !== undefined && typeof given === 'number' && given !== value)
            throw this.error(this.line, head.column, 'pinned field');
        }
        const op = this.makeOp(candidate.spec, operands, head.column, candidate.when, candidate);
        this.validate(op);
        this.push(op);
        return;
      } catch (e) {
        if (!(e instanceof AssemblyError)) throw e;
        if (
          e.reason.startsWith('expected') &&
          e.reason.includes(' found ') &&
          /operand|no operands/.test(e.reason)
        )
          countError ??= e;
        else firstError ??= e;
      }
    }
    throw (
      firstError ??
      countError ??
      this.error(this.line, head.column, `bad operands for "${mnemonic}"`)
    );
  }

  /**
   * Checks that an op's operands fit its entry, so that the next candidate of the same
   * mnemonic (`c.lui` / its HINT form, `csrw` with a register or an immediate) can be tried.
   * An immediate that is not known yet is checked at emission.
   */
  private validate(op: MachineOp): void {
    const known =
      op.imm === null
        ? 0
        : op.target || hasRelocation(op.imm)
          ? undefined
          : this.tryConstant(op.imm);
    const align = op.spec.imm ? immediateRange(op.spec.imm).align : 1;
    const imm =
      known === undefined ? align : op.spec.imm?.wrap20 && known < 0 ? known & 0xfffff : known;
    try {
      encode({ ...operandsOf(op, imm), spec: op.spec });
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      if (known === undefined && e.field === 'imm') return;
      throw this.error(this.line, e.field === 'imm' ? op.immColumn : op.column, e.message);
    }
  }

  /** Adds an op, choosing its compressed form when the operands are known. */
  private push(op: MachineOp): void {
    if (op.fixedWord === null && op.spec.size === 4 && this.rvc) {
      if (op.target) {
        op.relaxable = this.relaxCandidates(op);
        if (op.relaxable.length > 0) op.size = 2;
      } else {
        const imm =
          op.imm === null
            ? 0
            : op.imm && !hasRelocation(op.imm)
              ? this.tryConstant(op.imm)
              : undefined;
        if (imm !== undefined && !op.spec.hasCsr && !op.spec.hasFence && !op.spec.hasOrdering) {
          const found = compress(op.spec.name, { rd: op.rd, rs1: op.rs1, rs2: op.rs2, imm }, (s) =>
            this.enabled(s),
          );
          if (found) {
            op.compressed = found.spec;
            op.fixedWord = found.word;
            op.size = 2;
          }
        }
      }
    }
    this.current.items.push(op);
  }

  /** Compressed forms a branch or jump could take if its offset fits. */
  private relaxCandidates(op: MachineOp): InstructionSpec[] {
    const out: InstructionSpec[] = [];
    for (const spec of instructionsByName(op.spec.name).length > 0
      ? this.compressedBranches(op.spec.name)
      : []) {
      try {
        encode({ spec, rd: op.rd, rs1: op.rs1, rs2: op.rs2, imm: 0 });
        out.push(spec);
      } catch (e) {
        if (e instanceof EncodeError && e.field === 'imm') out.push(spec);
      }
    }
    return out;
  }

  private compressedBranches(name: string): InstructionSpec[] {
    const names: Readonly<Record<string, string[]>> = {
      jal: ['c.jal', 'c.j'],
      beq: ['c.beqz'],
      bne: ['c.bnez'],
    };
    return (names[name] ?? [])
      .map((n) => instructionById(n) as InstructionSpec)
      .filter((s) => this.enabled(s));
  }

  private context(here: number | undefined, line: number): EvaluationContext {
    return {
      symbol: (name) => {
        const constant = this.symbols.get(name);
        if (constant) return constant.value;
        const label = this.labelItems.get(name);
        return label ? label.item.address : undefined;
      },
      here,
      pcrelHi: (address) => this.pcrelHi.get(address),
      line,
    };
  }

  private sectionOrder(): Section[] {
    const order = ['.text', '.rodata', '.data', '.bss'];
    return [...this.sections.values()].sort((a, b) => {
      const ia = order.indexOf(a.name);
      const ib = order.indexOf(b.name);
      return (ia < 0 ? 1.5 : ia) - (ib < 0 ? 1.5 : ib);
    });
  }

  private layoutOnce(): void {
    let next = (this.options.textAddress ?? 0x80000000) >>> 0;
    for (const section of this.sectionOrder()) {
      if (section.items.length === 0 && section.name !== '.text') continue;
      if (section.name === '.data' && this.options.dataAddress !== undefined)
        next = this.options.dataAddress >>> 0;
      section.address = next;
      let address = next;
      for (const item of section.items) {
        item.address = address;
        if (item.kind === 'align') {
          item.size = (item.alignment - (address % item.alignment)) % item.alignment;
        } else if (item.kind === 'org') {
          const target = section.address + item.offset;
          if (target < address) {
            item.size = 0;
          } else item.size = target - address;
        }
        address += itemSize(item);
      }
      section.size = address - section.address;
      next = Math.ceil(address / 16) * 16;
    }
  }

  private layout(): void {
    for (let pass = 0; pass < 1000; pass++) {
      this.layoutOnce();
      let changed = false;
      for (const section of this.sections.values()) {
        for (const item of section.items) {
          if (item.kind !== 'op' || item.size !== 2 || item.relaxable.length === 0) continue;
          const target = this.targetOf(item);
          const offset = target === undefined ? undefined : target - item.address;
          const fits =
            offset !== undefined &&
            item.relaxable.some((s) => s.imm !== undefined && fitsImmediate(offset, s.imm));
          if (!fits) {
            item.size = 4;
            item.relaxable = [];
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    for (const section of this.sections.values()) {
      for (const item of section.items) {
        if (item.kind === 'org' && section.address + item.offset < item.address) {
          this.errors.push(
            this.error(
              item.line,
              1,
              `.org 0x${item.offset.toString(16)} would move the location counter backwards`,
            ),
          );
        }
      }
    }
  }

  private targetOf(op: MachineOp): number | undefined {
    if (op.imm === null) return 0;
    try {
      return evaluate(op.imm, this.context(op.address, op.line));
    } catch (e) {
      if (e instanceof NotYetKnown || e instanceof AssemblyError) return undefined;
      throw e;
    }
  }

  /** Evaluates an expression at an address; an undefined symbol becomes an error at `line:column`. */
  private evaluateAt(expr: Expr, here: number, line: number, column: number): number {
    try {
      return evaluate(expr, this.context(here, line));
    } catch (e) {
      if (e instanceof NotYetKnown) {
        throw this.error(line, column, `${e.what} is not defined`);
      }
      throw e;
    }
  }

  private evaluateImmediate(op: MachineOp): number {
    if (op.imm === null) return 0;
    const value = this.evaluateAt(op.imm, op.address, op.line, op.immColumn);
    return op.target ? value - op.address : value;
  }

  private encodeOp(op: MachineOp): number {
    if (op.fixedWord !== null) return op.fixedWord;
    const imm = this.evaluateImmediate(op);
    const input = operandsOf(op, imm);
    if (op.size === 2 && op.spec.size === 4) {
      for (const spec of op.relaxable) {
        try {
          return encode({ ...input, spec });
        } catch {
          // Try the next candidate.
        }
      }
    }
    const spec = op.spec;
    // C.LUI's immediate may be written as the signed 6-bit value or its 20-bit form.
    const value = spec.imm?.wrap20 && imm < 0 ? imm & 0xfffff : imm;
    try {
      return encode({ ...input, imm: value, spec });
    } catch (e) {
      if (e instanceof EncodeError) {
        const column = e.field === 'imm' ? op.immColumn : op.column;
        throw this.error(op.line, column, e.message);
      }
      throw e;
    }
  }

  private emit(): AssembleResult {
    // %pcrel_hi values first: %pcrel_lo may refer to them from anywhere.
    for (const section of this.sections.values()) {
      for (const item of section.items) {
        if (item.kind === 'op' && item.imm?.kind === 'relocation' && item.imm.op === '%pcrel_hi') {
          try {
            const target = evaluate(item.imm.operand, this.context(item.address, item.line));
            this.pcrelHi.set(item.address >>> 0, target - item.address);
          } catch (e) {
            if (!(e instanceof NotYetKnown)) throw e;
          }
        }
      }
    }
    let usesCompressed = false;
    const sections: AssembledSection[] = [];
    for (const section of this.sectionOrder()) {
      if (section.items.length === 0 && section.name !== '.text') continue;
      if (section.size > MAX_SECTION_SIZE) {
        this.errors.push(
          this.error(
            1,
            1,
            `section ${section.name} would be ${section.size} bytes, more than 256 MiB`,
          ),
        );
        continue;
      }
      const bytes = new Uint8Array(section.nobits ? 0 : section.size);
      const view = new DataView(bytes.buffer);
      for (const item of section.items) {
        const at = item.address - section.address;
        try {
          if (
            section.nobits &&
            item.kind !== 'label' &&
            item.kind !== 'align' &&
            item.kind !== 'space' &&
            item.kind !== 'org'
          ) {
            throw this.error(this.line, 1, `${section.name} holds no data: use .zero or .space`);
          }
          if (section.nobits) continue;
          this.emitItem(item, at, bytes, view, section.executable);
          if (item.kind === 'op' && item.size === 2) usesCompressed = true;
        } catch (e) {
          this.record(e);
        }
      }
      sections.push({
        name: section.name,
        address: section.address,
        bytes,
        size: section.size,
        executable: section.executable,
        nobits: section.nobits,
      });
    }
    const symbols: AssembledSymbol[] = [];
    for (const [name, { section, item }] of this.labelItems) {
      if (name.startsWith('.L')) continue;
      symbols.push({
        name,
        value: item.address >>> 0,
        section: section.name,
        global: this.globals.has(name),
      });
    }
    for (const [name, { value }] of this.symbols) {
      symbols.push({ name, value: value >>> 0, section: null, global: this.globals.has(name) });
    }
    const start = this.labelItems.get('_start')?.item.address;
    const text = sections.find((s) => s.name === '.text');
    return { sections, symbols, entry: (start ?? text?.address ?? 0) >>> 0, usesCompressed };
  }

  private emitItem(item: Item, at: number, bytes: Uint8Array, view: DataView, code: boolean): void {
    switch (item.kind) {
      case 'op': {
        const word = this.encodeOp(item);
        if (item.size === 2) view.setUint16(at, word, true);
        else view.setUint32(at, word, true);
        return;
      }
      case 'data': {
        item.exprs.forEach((expr, k) => {
          const column = item.columns[k] ?? 1;
          const value = this.evaluateAt(expr, item.address + k * item.width, item.line, column);
          const limit = 2 ** (8 * item.width);
          if (value < -(limit / 2) || value >= limit) {
            throw this.error(
              item.line,
              column,
              `value ${value} does not fit in ${item.width} byte${item.width > 1 ? 's' : ''}`,
            );
          }
          const offset = at + k * item.width;
          if (item.width === 1) view.setUint8(offset, value & 0xff);
          else if (item.width === 2) view.setUint16(offset, value & 0xffff, true);
          else view.setUint32(offset, value >>> 0, true);
        });
        return;
      }
      case 'bytes':
        bytes.set(item.bytes, at);
        return;
      case 'align':
        if (code && item.fill === null) this.writeNops(view, at, item.size);
        else bytes.fill(item.fill ?? 0, at, at + item.size);
        return;
      case 'space':
        bytes.fill(item.fill, at, at + item.size);
        return;
      default:
        return;
    }
  }

  /** Padding in code, as llvm-mc writes it: `nop`s, then a `c.nop` (with C) or zero bytes for the rest. */
  private writeNops(view: DataView, at: number, size: number): void {
    let offset = at;
    let left = size;
    while (left >= 4) {
      view.setUint32(offset, NOP, true);
      offset += 4;
      left -= 4;
    }
    if (left >= 2 && this.isa.extensions.has('C')) {
      view.setUint16(offset, C_NOP, true);
      offset += 2;
      left -= 2;
    }
    while (left > 0) {
      view.setUint8(offset++, 0);
      left--;
    }
  }
}

/**
 * Assembles GNU as source. Throws {@link AssembleError} listing every error with its
 * line, column and reason. Expressions nest at most {@link MAX_EXPRESSION_DEPTH} (256) levels
 * deep (parentheses, unary and relocation operators); source text quoted in an error is cut
 * to a window of {@link MAX_QUOTED} (40) characters with an ellipsis. A `source` that is not a
 * string, or an address option that is not a 32-bit address, is an {@link IsaError}
 * `BAD_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { AssembleError, assemble } from '@trapeze/isa';
 *
 * const result = assemble('start: li a0, 42\n  csrr a1, mstatus\n  j start\n', {
 *   textAddress: 0x80000000,
 * });
 * result.entry; // → 0x80000000
 * const text = result.sections[0];
 * [text?.name, text?.bytes.length]; // → ['.text', 10]
 * result.symbols[0]; // → { name: 'start', value: 0x80000000 }
 *
 * // Every error, with its line, column and reason:
 * try {
 *   assemble('li a0, 42\n  addi a0, a0\n');
 * } catch (error) {
 *   (error as AssembleError).message; // → '<input>:2:14: error: expected 3 operands (rd, rs1, imm), found 2'
 * }
 * ```
 */
export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  if (typeof source !== 'string')
    throw new IsaError(
      'BAD_ARGUMENT',
      `assemble: source must be a string, got ${describeValue(source)}`,
    );
  return new Assembler(options).run(source);
}
