/**
 * The assembler's tokenizer: one source line at a time, GNU as lexical rules
 * (`#` and `//` comments, `/* … *\/` block comments, `;` separates statements).
 *
 * @module
 */
import { AssemblyError } from './errors.js';

/** Kinds of tokens. */
export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'percent';

/** A token with its 1-based column. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Numeric value of numbers and character literals. */
  readonly value: number;
  readonly column: number;
}

const IDENT_START = /[A-Za-z_.$]/;
const IDENT_PART = /[A-Za-z0-9_.$]/;
const PUNCT = [
  '<<',
  '>>',
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  ',',
  '(',
  ')',
  ':',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '!',
  '=',
  '<',
  '>',
];

const ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  '0': 0,
  '\\': 92,
  "'": 39,
  '"': 34,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
};

/** Reads an escape sequence after a backslash at `at`; returns the byte and the next index. */
function readEscape(text: string, at: number, line: number, column: number): [number, number] {
  const c = text[at];
  if (c === undefined) throw new AssemblyError(line, column, 'unterminated escape sequence');
  if (c === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(at + 1));
    if (!m) throw new AssemblyError(line, column, 'bad \\x escape: expected hex digits');
    return [Number.parseInt(m[0], 16), at + 1 + m[0].length];
  }
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(at)) as RegExpExecArray;
    return [Number.parseInt(m[0], 8) & 0xff, at + m[0].length];
  }
  const value = ESCAPES[c];
  if (value === undefined) throw new AssemblyError(line, column, `unknown escape sequence \\${c}`);
  return [value, at + 1];
}

/** Parses an integer literal in GNU as syntax (decimal, 0x, 0b, leading-0 octal). */
function parseNumber(text: string): number | null {
  const t = text.toLowerCase();
  let value: number;
  if (/^0x[0-9a-f]+$/.test(t)) value = Number.parseInt(t.slice(2), 16);
  else if (/^0b[01]+$/.test(t)) value = Number.parseInt(t.slice(2), 2);
  else if (/^0[0-7]+$/.test(t)) value = Number.parseInt(t.slice(1), 8);
  else if (/^[0-9]+$/.test(t)) value = Number.parseInt(t, 10);
  else return null;
  return value;
}

/** State carried between lines: whether a block comment is open. */
export interface LexState {
  inComment: boolean;
}

/**
 * Splits one line into statements (separated by `;`), each a list of tokens.
 * Strings keep their decoded bytes in `text` (as latin-1 characters).
 */
export function tokenizeLine(source: string, line: number, state: LexState): Token[][] {
  const statements: Token[][] = [];
  let tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    if (state.inComment) {
      const end = source.indexOf('*/', i);
      if (end < 0) return finish();
      state.inComment = false;
      i = end + 2;
      continue;
    }
    const c = source[i] as string;
    const column = i + 1;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && source[i + 1] === '/')) break;
    if (c === '/' && source[i + 1] === '*') {
      state.inComment = true;
      i += 2;
      continue;
    }
    if (c === ';') {
      if (tokens.length > 0) statements.push(tokens);
      tokens = [];
      i++;
      continue;
    }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\') {
          const [byte, next] = readEscape(source, j + 1, line, j + 1);
          text += String.fromCharCode(byte);
          j = next;
        } else {
          const code = source.charCodeAt(j);
          if (code > 0x7f) {
            for (const byte of new TextEncoder().encode(source[j] as string))
              text += String.fromCharCode(byte);
          } else text += source[j];
          j++;
        }
      }
      if (j >= source.length) throw new AssemblyError(line, column, 'unterminated string');
      tokens.push({ kind: 'string', text, value: 0, column });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      let value: number;
      let j: number;
      if (source[i + 1] === '\\') [value, j] = readEscape(source, i + 2, line, column);
      else if (i + 1 < source.length) {
        value = source.charCodeAt(i + 1);
        j = i + 2;
      } else throw new AssemblyError(line, column, 'unterminated character literal');
      if (source[j] === "'") j++;
      tokens.push({ kind: 'number', text: source.slice(i, j), value, column });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[0-9A-Za-z_]/.test(source[j] as string)) j++;
      const text = source.slice(i, j);
      // Numeric local label references: 1b, 1f.
      if (/^[0-9]+[bf]$/.test(text)) {
        tokens.push({ kind: 'ident', text, value: 0, column });
      } else {
        const value = parseNumber(text);
        if (value === null) throw new AssemblyError(line, column, `bad number "${text}"`);
        tokens.push({ kind: 'number', text, value, column });
      }
      i = j;
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < source.length && IDENT_PART.test(source[j] as string)) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), value: 0, column });
      i = j;
      continue;
    }
    if (c === '%' && /[a-z_]/i.test(source[i + 1] ?? '')) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j] as string)) j++;
      tokens.push({ kind: 'percent', text: source.slice(i, j).toLowerCase(), value: 0, column });
      i = j;
      continue;
    }
    const punct = PUNCT.find((p) => source.startsWith(p, i));
    if (!punct) throw new AssemblyError(line, column, `unexpected character "${c}"`);
    tokens.push({ kind: 'punct', text: punct, value: 0, column });
    i += punct.length;
  }
  return finish();

  function finish(): Token[][] {
    if (tokens.length > 0) statements.push(tokens);
    return statements;
  }
}
