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

/**
 * How deep an assembler expression may nest: parentheses, unary operators (`-`, `+`, `~`,
 * `!`) and relocation operators (`%hi(…)`) count one level each. Deeper expressions are an
 * assembly error at the operator that goes past the limit (not a host stack overflow); a long
 * chain of binary operators (`1 + 1 + … + 1`) does not nest and has no limit.
 */
export const MAX_EXPRESSION_DEPTH = 256;

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
  /** Nesting depth of the expression being parsed (see {@link MAX_EXPRESSION_DEPTH}). */
  depth = 0;
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

/**
 * Enters one level of nesting at `token` (`(`, a unary or relocation operator); the caller
 * leaves it with `cursor.depth--` (a cursor that threw is dropped, so no `finally`).
 */
function enter(cursor: TokenCursor, token: Token): void {
  if (cursor.depth >= MAX_EXPRESSION_DEPTH)
    throw new AssemblyError(
      cursor.line,
      token.column,
      `expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep (parentheses, unary and relocation operators)`,
    );
  cursor.depth++;
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
    enter(cursor, token);
    const operand = parseExpression(cursor);
    cursor.depth--;
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
      enter(cursor, token);
      const inner = parseExpression(cursor);
      cursor.depth--;
      cursor.expectPunct(')', 'to close "("');
      return inner;
    }
    if (token.text === '-' || token.text === '~' || token.text === '!' || token.text === '+') {
      enter(cursor, token);
      const operand = parsePrimary(cursor);
      cursor.depth--;
      return { kind: 'unary', op: token.text, operand };
    }
  }
  throw new AssemblyError(
    cursor.line,
    token.column,
    `expected an expression, found "${token.text}"`,
  );
}

/**
 * A chain of binary operators, by precedence climbing with explicit stacks (operators of equal
 * precedence group to the left, as in C), so that a long chain costs no recursion.
 */
function parseBinary(cursor: TokenCursor): Expr {
  const operands: Expr[] = [parsePrimary(cursor)];
  const operators: { op: string; precedence: number }[] = [];
  const reduce = () => {
    const right = operands.pop() as Expr;
    const left = operands.pop() as Expr;
    const { op } = operators.pop() as { op: string };
    operands.push({ kind: 'binary', op, left, right });
  };
  for (;;) {
    const token = cursor.peek();
    const precedence = token?.kind === 'punct' ? PRECEDENCE[token.text] : undefined;
    if (token === undefined || precedence === undefined) break;
    while ((operators[operators.length - 1]?.precedence ?? 0) >= precedence) reduce();
    cursor.next();
    operators.push({ op: token.text, precedence });
    operands.push(parsePrimary(cursor));
  }
  while (operators.length > 0) reduce();
  return operands[0] as Expr;
}

/** Parses an expression at the cursor. */
export function parseExpression(cursor: TokenCursor): Expr {
  return parseBinary(cursor);
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

/** An operator whose operands are on the value stack (see {@link evaluate}). */
type Pending = { readonly apply: Expr & { kind: 'unary' | 'binary' | 'relocation' } };

/** Applies a unary or relocation operator to its operand's value. */
function applyUnary(
  expr: Expr & { kind: 'unary' | 'relocation' },
  v: number,
  context: EvaluationContext,
): number {
  if (expr.kind === 'unary') {
    if (expr.op === '-') return -v;
    if (expr.op === '~') return ~v;
    if (expr.op === '!') return v ? 0 : 1;
    return v;
  }
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

/**
 * Evaluates an expression, operands left to right; throws {@link NotYetKnown} for values not
 * known yet. The walk keeps its own stacks, so a tree of any depth costs no host recursion.
 */
export function evaluate(expr: Expr, context: EvaluationContext): number {
  const values: number[] = [];
  const work: (Expr | Pending)[] = [expr];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if ('apply' in item) {
      const e = item.apply;
      const v = values.pop() as number;
      if (e.kind === 'binary') values.push(binary(e.op, values.pop() as number, v, context.line));
      else values.push(applyUnary(e, v, context));
      continue;
    }
    switch (item.kind) {
      case 'number':
        values.push(item.value);
        break;
      case 'here':
        if (context.here === undefined) throw new NotYetKnown('"."');
        values.push(context.here);
        break;
      case 'symbol': {
        const value = context.symbol(item.name);
        if (value === undefined) throw new NotYetKnown(`symbol "${item.name}"`);
        values.push(value);
        break;
      }
      case 'binary':
        // The left operand is popped (evaluated) first.
        work.push({ apply: item }, item.right, item.left);
        break;
      default:
        work.push({ apply: item }, item.operand);
    }
  }
  return values[0] as number;
}

/** Whether an expression contains a relocation operator. */
export function hasRelocation(expr: Expr): boolean {
  const work: Expr[] = [expr];
  for (let e = work.pop(); e !== undefined; e = work.pop()) {
    if (e.kind === 'relocation') return true;
    if (e.kind === 'unary') work.push(e.operand);
    else if (e.kind === 'binary') work.push(e.left, e.right);
  }
  return false;
}
