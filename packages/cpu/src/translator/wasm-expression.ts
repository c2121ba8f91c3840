/**
 * The expression texts of `@trapeze/isa`'s `SEMANTICS` as WebAssembly: a parser for the small
 * part of JavaScript they are written in, and an emitter that keeps JavaScript's meaning on
 * 32-bit integers. Each value carries what JavaScript would hold — a signed 32-bit integer, an
 * unsigned one (after `>>>`), an exact sum not yet wrapped, or a boolean — and an operation
 * whose result would differ in 32-bit arithmetic (comparing an unwrapped sum, comparing signed
 * with unsigned) is refused, so that the same text means the same thing in both hosts.
 *
 * @module
 */
import { SEMANTIC_HELPERS } from '@trapeze/isa';
import { OP, type WasmCode } from './wasm-module.js';

/** An expression the wasm emitter cannot give JavaScript's meaning to. */
export class WasmExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WasmExpressionError';
  }
}

/** The operands an expression may name (`$a`, `$b`, `$i`, `$pc`, `$next`, `$v`). */
export type OperandName = 'a' | 'b' | 'i' | 'pc' | 'next' | 'v';

type Node =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'operand'; readonly name: OperandName }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'select'; readonly test: Node; readonly yes: Node; readonly no: Node }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] };

/** Binary operators by precedence, lowest first (JavaScript's order). */
const LEVELS: readonly (readonly string[])[] = [
  ['|'],
  ['^'],
  ['&'],
  ['===', '!=='],
  ['<', '>', '<=', '>='],
  ['<<', '>>>', '>>'],
  ['+', '-'],
];

const TOKEN = /\s*(\$[a-z]+|[A-Za-z_][\w.]*|\d+|>>>|>>|<<|===|!==|<=|>=|[-+|^&<>?:(),])/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) {
      if (text.slice(at).trim() === '') break;
      throw new WasmExpressionError(`cannot read "${text}" at ${at}`);
    }
    tokens.push(match[1] as string);
  }
  return tokens;
}

/** Parses one expression text. */
function parse(text: string): Node {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new WasmExpressionError(`"${text}": expected ${expected ?? 'more'}, found ${token}`);
    return token;
  };
  const primary = (): Node => {
    const token = take();
    if (token === '(') {
      const inner = conditional();
      take(')');
      return inner;
    }
    if (token === '-') {
      const operand = primary();
      if (operand.kind !== 'number') throw new WasmExpressionError(`"${text}": unary minus`);
      return { kind: 'number', value: -operand.value };
    }
    if (/^\d+$/.test(token)) return { kind: 'number', value: Number(token) };
    if (token.startsWith('$')) {
      const name = token.slice(1);
      if (!['a', 'b', 'i', 'pc', 'next', 'v'].includes(name))
        throw new WasmExpressionError(`"${text}": unknown operand ${token}`);
      return { kind: 'operand', name: name as OperandName };
    }
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(conditional());
        while (peek() === ',') {
          take(',');
          args.push(conditional());
        }
      }
      take(')');
      return { kind: 'call', name: token, args };
    }
    throw new WasmExpressionError(`"${text}": unexpected ${token}`);
  };
  const binary = (level: number): Node => {
    if (level === LEVELS.length) return primary();
    let left = binary(level + 1);
    const ops = LEVELS[level] as readonly string[];
    while (ops.includes(peek() as string)) {
      const op = take();
      left = { kind: 'binary', op, left, right: binary(level + 1) };
    }
    return left;
  };
  const conditional = (): Node => {
    const test = binary(0);
    if (peek() !== '?') return test;
    take('?');
    const yes = conditional();
    take(':');
    return { kind: 'select', test, yes, no: conditional() };
  };
  const node = conditional();
  if (at !== tokens.length) throw new WasmExpressionError(`"${text}": unexpected ${tokens[at]}`);
  return node;
}

/**
 * What JavaScript holds for a value: `s` a signed 32-bit integer, `u` an unsigned one, `r` an
 * exact sum that may lie outside both (wrapped only by a later bitwise operator or store), `b`
 * a boolean, `k` a literal (it fits whichever its partner is).
 */
type Kind = 's' | 'u' | 'r' | 'b' | 'k';

const OPCODES: Readonly<Record<string, number>> = {
  '|': OP.i32Or,
  '^': OP.i32Xor,
  '&': OP.i32And,
  '<<': OP.i32Shl,
  '>>': OP.i32ShrS,
  '>>>': OP.i32ShrU,
  '+': OP.i32Add,
  '-': OP.i32Sub,
};
const COMPARE_SIGNED: Readonly<Record<string, number>> = {
  '===': OP.i32Eq,
  '!==': OP.i32Ne,
  '<': OP.i32LtS,
  '>': OP.i32GtS,
  '<=': OP.i32LeS,
  '>=': OP.i32GeS,
};
const COMPARE_UNSIGNED: Readonly<Record<string, number>> = {
  '===': OP.i32Eq,
  '!==': OP.i32Ne,
  '<': OP.i32LtU,
  '>': OP.i32GtU,
  '<=': OP.i32LeU,
  '>=': OP.i32GeU,
};

/** How an expression reaches its operands and the helper functions it calls. */
export interface ExpressionContext {
  /** Pushes an operand's value. */
  operand(name: OperandName): void;
  /** The imported function index of helper `name` (one of `SEMANTIC_HELPERS`). */
  helper(name: string): number;
}

const parsed = new Map<string, Node>();

/**
 * Emits `text` (a `SEMANTICS` expression) into `code`: it leaves one `i32` on the stack, the
 * 32-bit value JavaScript's result converts to (`| 0` or `>>> 0`; 1 or 0 for a boolean).
 *
 * @throws WasmExpressionError when the text uses something outside the subset, or an operation
 * whose 32-bit result would differ from JavaScript's
 */
export function emitExpression(code: WasmCode, text: string, context: ExpressionContext): void {
  let node = parsed.get(text);
  if (node === undefined) {
    node = parse(text);
    parsed.set(text, node);
  }
  emit(code, node, context, text);
}

function emit(code: WasmCode, node: Node, context: ExpressionContext, text: string): Kind {
  switch (node.kind) {
    case 'number':
      if (!Number.isInteger(node.value) || node.value < -0x8000_0000 || node.value > 0xffff_ffff)
        throw new WasmExpressionError(`"${text}": literal ${node.value}`);
      code.const(node.value | 0);
      return node.value < 0 || node.value > 0x7fff_ffff ? (node.value < 0 ? 's' : 'u') : 'k';
    case 'operand':
      context.operand(node.name);
      return node.name === 'pc' || node.name === 'next' ? 'u' : 's';
    case 'call': {
      if (node.args.length !== 2)
        throw new WasmExpressionError(`"${text}": ${node.name} takes two operands`);
      for (const arg of node.args) {
        if (emit(code, arg, context, text) === 'r')
          throw new WasmExpressionError(`"${text}": an unwrapped sum passed to ${node.name}`);
      }
      if (node.name === 'Math.imul') code.op(OP.i32Mul);
      else if ((SEMANTIC_HELPERS as readonly string[]).includes(node.name))
        code.call(context.helper(node.name));
      else throw new WasmExpressionError(`"${text}": unknown function ${node.name}`);
      return 's';
    }
    case 'select': {
      const yes = emit(code, node.yes, context, text);
      const no = emit(code, node.no, context, text);
      const test = emit(code, node.test, context, text);
      if (test === 'r') throw new WasmExpressionError(`"${text}": tests an unwrapped sum`);
      code.op(OP.select);
      if (yes === 'k' && no === 'k') return 'k';
      if (yes === no || no === 'k') return yes;
      if (yes === 'k') return no;
      throw new WasmExpressionError(`"${text}": the arms of ?: differ in kind`);
    }
    case 'binary': {
      const left = emit(code, node.left, context, text);
      const right = emit(code, node.right, context, text);
      const op = node.op;
      const arithmetic = OPCODES[op];
      if (arithmetic !== undefined) {
        code.op(arithmetic);
        if (op === '+' || op === '-') {
          if (left === 'b' || right === 'b')
            throw new WasmExpressionError(`"${text}": arithmetic on a boolean`);
          return 'r';
        }
        return op === '>>>' ? 'u' : 's';
      }
      if (left === 'r' || right === 'r' || left === 'b' || right === 'b')
        throw new WasmExpressionError(`"${text}": compares an unwrapped sum or a boolean`);
      const signed = left !== 'u' && right !== 'u';
      const unsigned = left !== 's' && right !== 's';
      if (!signed && !unsigned)
        throw new WasmExpressionError(`"${text}": compares a signed with an unsigned value`);
      code.op((signed ? COMPARE_SIGNED : COMPARE_UNSIGNED)[op] as number);
      return 'b';
    }
  }
}
