/**
 * Pseudo-instructions that stand for more than one instruction or need a constant:
 * `li`, `la`/`lla`, `call`, `tail`, `jump`, loads and stores of a symbol, `unimp`.
 * (Single-instruction aliases such as `mv` or `ret` are in the alias table.)
 *
 * @module
 */
import { registerNumber } from '../registers.js';
import type { MachineOp } from './assembler.js';
import type { AssemblyError } from './errors.js';
import { type Expr, hi20, lo12, parseExpression, TokenCursor } from './expression.js';
import type { Token } from './lexer.js';
import type { ParsedOperands } from './operands.js';

/** What a pseudo-instruction expansion needs from the assembler. */
export interface PseudoContext {
  readonly line: number;
  /** Value of a constant expression, or `undefined` if it is not constant yet. */
  constant(expr: Expr): number | undefined;
  error(column: number, reason: string): AssemblyError;
  /** Builds an op of a table entry. */
  op(
    id: string,
    operands: ParsedOperands,
    column: number,
    when?: Readonly<Record<string, number>>,
  ): MachineOp;
  /** Defines a fresh local label at the current position (for `%pcrel_lo`). */
  pcrelLabel(): string;
  /** Whether compression is on. */
  readonly rvc: boolean;
}

const LOADS = new Set(['lb', 'lh', 'lw', 'lbu', 'lhu']);
const STORES = new Set(['sb', 'sh', 'sw']);
const SIMPLE = new Set(['li', 'la', 'lla', 'call', 'tail', 'jump', 'unimp', 'c.unimp']);

function endsWithParen(group: readonly Token[] | undefined): boolean {
  const last = group?.[group.length - 1];
  return last?.kind === 'punct' && last.text === ')';
}

/** Whether `mnemonic` with these operand groups is a pseudo-instruction handled here. */
export function isPseudo(mnemonic: string, groups: readonly (readonly Token[])[]): boolean {
  if (SIMPLE.has(mnemonic)) return true;
  if (LOADS.has(mnemonic)) return groups.length === 2 && !endsWithParen(groups[1]);
  if (STORES.has(mnemonic)) return groups.length === 3;
  return false;
}

function register(
  group: readonly Token[] | undefined,
  context: PseudoContext,
  what: string,
  column: number,
): number {
  const token = group?.[0];
  const reg =
    group?.length === 1 && token?.kind === 'ident' ? registerNumber(token.text) : undefined;
  if (reg === undefined)
    throw context.error(token?.column ?? column, `expected a register (${what})`);
  return reg;
}

function expression(
  group: readonly Token[] | undefined,
  context: PseudoContext,
  column: number,
): Expr {
  if (!group || group.length === 0) throw context.error(column, 'expected an expression');
  const last = group[group.length - 1] as Token;
  const cursor = new TokenCursor(group, context.line, last.column + last.text.length);
  const expr = parseExpression(cursor);
  if (!cursor.atEnd()) throw cursor.error(`unexpected "${cursor.peek()?.text}" after expression`);
  return expr;
}

function count(
  groups: readonly (readonly Token[])[],
  n: number,
  usage: string,
  column: number,
  context: PseudoContext,
): void {
  if (groups.length !== n)
    throw context.error(groups[n]?.[0]?.column ?? column, `expected ${usage}`);
}

/** `auipc rd, %pcrel_hi(target)` followed by an instruction using `%pcrel_lo` of it. */
function pcrelPair(
  target: Expr,
  temp: number,
  second: (lo: Expr) => MachineOp,
  column: number,
  context: PseudoContext,
): MachineOp[] {
  const label = context.pcrelLabel();
  const auipc = context.op(
    'auipc',
    { rd: temp, imm: { kind: 'relocation', op: '%pcrel_hi', operand: target, column } },
    column,
  );
  const lo: Expr = {
    kind: 'relocation',
    op: '%pcrel_lo',
    operand: { kind: 'symbol', name: label, column },
    column,
  };
  return [auipc, second(lo)];
}

/** Expands a pseudo-instruction into ops. */
export function expandPseudo(
  mnemonic: string,
  groups: readonly (readonly Token[])[],
  column: number,
  endColumn: number,
  context: PseudoContext,
): MachineOp[] {
  switch (mnemonic) {
    case 'unimp':
    case 'c.unimp': {
      count(groups, 0, `no operands for ${mnemonic}`, column, context);
      const compressed = mnemonic === 'c.unimp' || context.rvc;
      const op = context.op('csrrw', { csr: { kind: 'number', value: 0xc00 } }, column);
      op.fixedWord = compressed ? 0x0000 : 0xc0001073;
      op.size = compressed ? 2 : 4;
      return [op];
    }
    case 'li': {
      count(groups, 2, 'li rd, constant', column, context);
      const rd = register(groups[0], context, 'rd', column);
      const expr = expression(groups[1], context, endColumn);
      const immColumn = groups[1]?.[0]?.column ?? column;
      const value = context.constant(expr);
      if (value === undefined)
        throw context.error(immColumn, 'li needs a constant expression; use la to load an address');
      if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 32 - 1) {
        throw context.error(immColumn, `li constant ${value} does not fit in 32 bits`);
      }
      const v = value | 0;
      const num = (n: number): Expr => ({ kind: 'number', value: n });
      if (v >= -2048 && v < 2048)
        return [context.op('addi', { rd, rs1: 0, imm: num(v), immColumn }, column)];
      const ops = [context.op('lui', { rd, imm: num(hi20(v)), immColumn }, column)];
      if (lo12(v) !== 0)
        ops.push(context.op('addi', { rd, rs1: rd, imm: num(lo12(v)), immColumn }, column));
      return ops;
    }
    case 'la':
    case 'lla': {
      count(groups, 2, `${mnemonic} rd, symbol`, column, context);
      const rd = register(groups[0], context, 'rd', column);
      const target = expression(groups[1], context, endColumn);
      return pcrelPair(
        target,
        rd,
        (lo) => context.op('addi', { rd, rs1: rd, imm: lo }, column),
        column,
        context,
      );
    }
    case 'call':
    case 'tail':
    case 'jump': {
      const isJump = mnemonic === 'jump';
      count(
        groups,
        isJump ? 2 : 1,
        isJump ? 'jump symbol, temp' : `${mnemonic} symbol`,
        column,
        context,
      );
      const target = expression(groups[0], context, endColumn);
      const temp =
        mnemonic === 'call'
          ? 1
          : mnemonic === 'tail'
            ? 6
            : register(groups[1], context, 'temporary', column);
      const link = mnemonic === 'call' ? 1 : 0;
      return pcrelPair(
        target,
        temp,
        (lo) => context.op('jalr', { rd: link, rs1: temp, imm: lo }, column),
        column,
        context,
      );
    }
    default: {
      if (LOADS.has(mnemonic)) {
        const rd = register(groups[0], context, 'rd', column);
        const target = expression(groups[1], context, endColumn);
        return pcrelPair(
          target,
          rd,
          (lo) => context.op(mnemonic, { rd, rs1: rd, imm: lo }, column),
          column,
          context,
        );
      }
      const rs2 = register(groups[0], context, 'rs2', column);
      const target = expression(groups[1], context, endColumn);
      const temp = register(groups[2], context, 'temporary', column);
      return pcrelPair(
        target,
        temp,
        (lo) => context.op(mnemonic, { rs2, rs1: temp, imm: lo }, column),
        column,
        context,
      );
    }
  }
}
