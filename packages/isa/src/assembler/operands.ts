/**
 * Parsing the operands of one instruction against a syntax (a table entry's or an alias's).
 *
 * @module
 */
import { csrByName } from '../csr.js';
import { registerName, registerNumber } from '../registers.js';
import type { OperandToken } from '../spec.js';
import { AssemblyError } from './errors.js';
import { type Expr, parseExpression, TokenCursor } from './expression.js';
import type { Token } from './lexer.js';

/** Operands parsed from the source. Registers are numbers; the immediate stays an expression. */
export interface ParsedOperands {
  rd?: number;
  rs1?: number;
  rs2?: number;
  imm?: Expr;
  /** Column of the immediate operand, for errors about its value. */
  immColumn?: number;
  csr?: Expr;
  pred?: number;
  succ?: number;
}

/** Splits operand tokens at top-level commas. */
export function splitOperands(tokens: readonly Token[], line: number): Token[][] {
  const groups: Token[][] = [];
  if (tokens.length === 0) return groups;
  let current: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') depth++;
    if (token.kind === 'punct' && token.text === ')') depth--;
    if (token.kind === 'punct' && token.text === ',' && depth === 0) {
      if (current.length === 0)
        throw new AssemblyError(line, token.column, 'missing operand before ","');
      groups.push(current);
      current = [];
      continue;
    }
    current.push(token);
  }
  if (current.length === 0) {
    const last = tokens[tokens.length - 1] as Token;
    throw new AssemblyError(line, last.column + 1, 'missing operand after ","');
  }
  groups.push(current);
  return groups;
}

function parseRegister(tokens: readonly Token[], line: number, what: string): number {
  const token = tokens[0] as Token;
  if (tokens.length !== 1 || token.kind !== 'ident') {
    throw new AssemblyError(line, token.column, `expected a register for ${what}`);
  }
  const reg = registerNumber(token.text);
  if (reg === undefined)
    throw new AssemblyError(line, token.column, `"${token.text}" is not a register (${what})`);
  return reg;
}

function parseWholeExpression(tokens: readonly Token[], line: number): Expr {
  const last = tokens[tokens.length - 1] as Token;
  const cursor = new TokenCursor(tokens, line, last.column + last.text.length);
  const expr = parseExpression(cursor);
  if (!cursor.atEnd()) throw cursor.error(`unexpected "${cursor.peek()?.text}" after expression`);
  return expr;
}

/** Splits `expr(reg)` into the expression tokens and the register; `null` if there are no parentheses. */
function splitMemory(tokens: readonly Token[], line: number): [Token[], number] | null {
  const n = tokens.length;
  const close = tokens[n - 1];
  const reg = tokens[n - 2];
  const open = tokens[n - 3];
  if (n < 3 || close?.text !== ')' || open?.text !== '(' || reg?.kind !== 'ident') return null;
  const number = registerNumber(reg.text);
  if (number === undefined)
    throw new AssemblyError(line, reg.column, `"${reg.text}" is not a register (base address)`);
  return [tokens.slice(0, n - 3), number];
}

const FENCE_BITS: Readonly<Record<string, number>> = { i: 8, o: 4, r: 2, w: 1 };

function parseFenceSet(tokens: readonly Token[], line: number): number {
  const token = tokens[0] as Token;
  if (tokens.length === 1 && token.kind === 'number' && token.value >= 0 && token.value <= 15)
    return token.value;
  if (tokens.length !== 1 || token.kind !== 'ident') {
    throw new AssemblyError(
      line,
      token.column,
      'expected a fence set made of the letters i, o, r, w',
    );
  }
  const text = token.text.toLowerCase();
  if (text === 'unknown') return 0;
  let set = 0;
  let last = 16;
  for (const letter of text) {
    const bit = FENCE_BITS[letter];
    if (bit === undefined || bit >= last) {
      throw new AssemblyError(
        line,
        token.column,
        `bad fence set "${token.text}": use the letters i, o, r, w in that order`,
      );
    }
    set |= bit;
    last = bit;
  }
  return set;
}

function parseCsr(tokens: readonly Token[], line: number): Expr {
  const token = tokens[0] as Token;
  if (tokens.length === 1 && token.kind === 'ident') {
    const info = csrByName(token.text);
    if (info) return { kind: 'number', value: info.address };
    if (registerNumber(token.text) !== undefined) {
      throw new AssemblyError(line, token.column, `expected a CSR, found register ${token.text}`);
    }
  }
  return parseWholeExpression(tokens, line);
}

/**
 * Parses operand groups against a syntax. Throws an {@link AssemblyError} that says which
 * operand does not fit.
 */
export function parseOperands(
  groups: readonly (readonly Token[])[],
  syntax: readonly OperandToken[],
  line: number,
  endColumn: number,
): ParsedOperands {
  if (groups.length !== syntax.length) {
    const column = groups[syntax.length]?.[0]?.column ?? endColumn;
    const shape =
      syntax.length === 0
        ? 'no operands'
        : `${syntax.length} operand${syntax.length > 1 ? 's' : ''} (${syntax.join(', ')})`;
    throw new AssemblyError(line, column, `expected ${shape}, found ${groups.length}`);
  }
  const out: ParsedOperands = {};
  syntax.forEach((token, k) => {
    const group = groups[k] as Token[];
    switch (token) {
      case 'rd':
      case 'rs1':
      case 'rs2':
        out[token] = parseRegister(group, line, token);
        break;
      case 'imm': {
        const first = group[0] as Token;
        if (
          group.length === 1 &&
          first.kind === 'ident' &&
          registerNumber(first.text) !== undefined
        ) {
          throw new AssemblyError(
            line,
            first.column,
            `expected an immediate, found register ${first.text}`,
          );
        }
        out.imm = parseWholeExpression(group, line);
        out.immColumn = first.column;
        break;
      }
      case 'imm(rs1)':
      case '(rs1)': {
        const memory = splitMemory(group, line);
        if (!memory) {
          throw new AssemblyError(
            line,
            (group[0] as Token).column,
            `expected a memory operand such as 0(${registerName(10)})`,
          );
        }
        const [offset, base] = memory;
        out.rs1 = base;
        if (offset.length > 0) {
          const expr = parseWholeExpression(offset, line);
          if (token === '(rs1)' && !(expr.kind === 'number' && expr.value === 0)) {
            throw new AssemblyError(
              line,
              (offset[0] as Token).column,
              'this instruction takes no offset: write (reg) or 0(reg)',
            );
          }
          out.imm = expr;
          out.immColumn = (offset[0] as Token).column;
        } else if (token === 'imm(rs1)') {
          out.imm = { kind: 'number', value: 0 };
          out.immColumn = (group[0] as Token).column;
        }
        break;
      }
      case 'csr':
        out.csr = parseCsr(group, line);
        break;
      case 'pred':
      case 'succ':
        out[token] = parseFenceSet(group, line);
        break;
    }
  });
  return out;
}
