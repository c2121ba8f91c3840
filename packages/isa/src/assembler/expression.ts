/**
 * Assembler expressions: integers, symbols, `.`, C operators, and the RISC-V relocation
 * operators `%hi`, `%lo`, `%pcrel_hi`, `%pcrel_lo`.
 *
 * @module
 */
import { signExtend } from '../bits.js';
import { AssemblyError } from './errors.js';
import type { Token } from './lexer.js';

/** Relocation operators. */
export type RelocationOperator = '%hi' | '%lo' | '%pcrel_hi' | '%pcrel_lo';

/** An expression tree. */
export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'symbol'; readonly name: string; readonly column: number }
  | { readonly kind: 'here' }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | {
      readonly kind: 'relocation';
      readonly op: RelocationOperator;
      readonly operand: Expr;
      readonly column: number;
    };

const RELOCATIONS = new Set<string>(['%hi', '%lo', '%pcrel_hi', '%pcrel_lo']);

const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** A cursor over a token list. */
export class TokenCursor {
  index = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly line: number,
    /** Column just past the end, for errors at the end of the operands. */
    readonly endColumn: number,
  ) {}
  peek(): Token | undefined {
    return this.tokens[this.index];
  }
  next(): Token | undefined {
    return this.tokens[this.index++];
  }
  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }
  column(): number {
    return this.peek()?.column ?? this.endColumn;
  }
  isPunct(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === text;
  }
  expectPunct(text: string, what: string): void {
    if (!this.isPunct(text)) {
      const t = this.peek();
      throw new AssemblyError(
        this.line,
        this.column(),
        `expected "${text}" ${what}, found ${t ? `"${t.text}"` : 'end of line'}`,
      );
    }
    this.index++;
  }
  error(reason: string): AssemblyError {
    return new AssemblyError(this.line, this.column(), reason);
  }
}

function parsePrimary(cursor: TokenCursor): Expr {
  const token = cursor.next();
  if (token === undefined)
    throw new AssemblyError(
      cursor.line,
      cursor.endColumn,
      'expected an expression, found end of line',
    );
  if (token.kind === 'number') return { kind: 'number', value: token.value };
  if (token.kind === 'ident') {
    if (token.text === '.') return { kind: 'here' };
    return { kind: 'symbol', name: token.text, column: token.column };
  }
  if (token.kind === 'percent') {
    if (!RELOCATIONS.has(token.text)) {
      throw new AssemblyError(
        cursor.line,
        token.column,
        `unknown relocation operator ${token.text} (known: %hi, %lo, %pcrel_hi, %pcrel_lo)`,
      );
    }
    cursor.expectPunct('(', `after ${token.text}`);
    const operand = parseExpression(cursor);
    cursor.expectPunct(')', `to close ${token.text}(`);
    return {
      kind: 'relocation',
      op: token.text as RelocationOperator,
      operand,
      column: token.column,
    };
  }
  if (token.kind === 'punct') {
    if (token.text === '(') {
      const inner = parseExpression(cursor);
      cursor.expectPunct(')', 'to close "("');
      return inner;
    }
    if (token.text === '-' || token.text === '~' || token.text === '!' || token.text === '+') {
      return { kind: 'unary', op: token.text, operand: parsePrimary(cursor) };
    }
  }
  throw new AssemblyError(
    cursor.line,
    token.column,
    `expected an expression, found "${token.text}"`,
  );
}

function parseBinary(cursor: TokenCursor, minPrecedence: number): Expr {
  let left = parsePrimary(cursor);
  for (;;) {
    const token = cursor.peek();
    if (token?.kind !== 'punct') return left;
    const precedence = PRECEDENCE[token.text];
    if (precedence === undefined || precedence < minPrecedence) return left;
    cursor.next();
    const right = parseBinary(cursor, precedence + 1);
    left = { kind: 'binary', op: token.text, left, right };
  }
}

/** Parses an expression at the cursor. */
export function parseExpression(cursor: TokenCursor): Expr {
  return parseBinary(cursor, 1);
}

/** What evaluation needs from the assembler. */
export interface EvaluationContext {
  /** Value of a symbol, or `undefined` if it is not (yet) defined. */
  symbol(name: string): number | undefined;
  /** Address of the statement (`.`), or `undefined` before layout. */
  readonly here: number | undefined;
  /** The PC-relative offset recorded by `%pcrel_hi` at an address (for `%pcrel_lo`). */
  pcrelHi(address: number): number | undefined;
  readonly line: number;
}

/** Thrown when an expression needs a value that is not known yet. */
export class NotYetKnown extends Error {
  constructor(readonly what: string) {
    super(`${what} is not known yet`);
  }
}

/** `%hi`: the upper 20 bits, rounded so that adding the sign-extended `%lo` gives the value. */
export function hi20(value: number): number {
  return ((value + 0x800) >>> 12) & 0xfffff;
}

/** `%lo`: the sign-extended low 12 bits. */
export function lo12(value: number): number {
  return signExtend(value & 0xfff, 12);
}

function binary(op: string, a: number, b: number, line: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return Math.imul(a, b);
    case '/':
    case '%': {
      if (b === 0) throw new AssemblyError(line, 1, 'division by zero in expression');
      return op === '/' ? Math.trunc(a / b) : a % b;
    }
    case '<<':
      return a * 2 ** (b & 63);
    case '>>':
      return Math.floor(a / 2 ** (b & 63));
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&&':
      return a && b ? 1 : 0;
    case '||':
      return a || b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    default:
      return a >= b ? 1 : 0;
  }
}

/** Evaluates an expression; throws {@link NotYetKnown} for values not known yet. */
export function evaluate(expr: Expr, context: EvaluationContext): number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'here':
      if (context.here === undefined) throw new NotYetKnown('"."');
      return context.here;
    case 'symbol': {
      const value = context.symbol(expr.name);
      if (value === undefined) throw new NotYetKnown(`symbol "${expr.name}"`);
      return value;
    }
    case 'unary': {
      const v = evaluate(expr.operand, context);
      if (expr.op === '-') return -v;
      if (expr.op === '~') return ~v;
      if (expr.op === '!') return v ? 0 : 1;
      return v;
    }
    case 'binary':
      return binary(
        expr.op,
        evaluate(expr.left, context),
        evaluate(expr.right, context),
        context.line,
      );
    case 'relocation': {
      const v = evaluate(expr.operand, context);
      switch (expr.op) {
        case '%hi':
          return hi20(v);
        case '%lo':
          return lo12(v);
        case '%pcrel_hi': {
          if (context.here === undefined) throw new NotYetKnown('"."');
          return hi20(v - context.here);
        }
        default: {
          const offset = context.pcrelHi(v >>> 0);
          if (offset === undefined) {
            throw new AssemblyError(
              context.line,
              expr.column,
              `%pcrel_lo(0x${(v >>> 0).toString(16)}) must name the label of an instruction that uses %pcrel_hi`,
            );
          }
          return lo12(offset);
        }
      }
    }
  }
}

/** Whether an expression contains a relocation operator. */
export function hasRelocation(expr: Expr): boolean {
  if (expr.kind === 'relocation') return true;
  if (expr.kind === 'unary') return hasRelocation(expr.operand);
  if (expr.kind === 'binary') return hasRelocation(expr.left) || hasRelocation(expr.right);
  return false;
}
