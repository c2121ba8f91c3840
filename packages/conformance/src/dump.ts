/**
 * The state dump of contract v1 (docs/contract.md, "State dump"): parsing the text a harness
 * program prints on the console, and comparing two dumps under the engines' capabilities.
 *
 * @module
 */

import type { Capabilities, DumpedState, DumpedTrap, Privilege } from './contract.js';
import { COUNTER_CSRS, GUEST_CSRS } from './contract.js';
import { type ConformanceError, checkRange } from './errors.js';

/** First line of a dump; the number is the contract version. */
export const DUMP_HEADER = 'TRAPEZE-STATE 1';
/** Last line of a dump. */
export const DUMP_TRAILER = 'END';

/** Codes of {@link DumpError}. */
export type DumpErrorCode = 'NO_DUMP' | 'TRUNCATED' | 'MALFORMED';

/** A console that does not hold a well-formed dump: `code` says why, `line` where (1-based, within the dump). */
export class DumpError extends Error {
  override readonly name = 'DumpError';
  constructor(
    readonly code: DumpErrorCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/**
 * A parsed dump: the contract's {@link DumpedState} with the harness's trap log and missing CSRs
 * always present. `pages` is keyed by the page address as 8 lowercase hex digits ({@link hex8}).
 */
export interface ParsedDump extends DumpedState {
  /** Traps the harness took (not the end marker); when it is 64 the harness dumped at the 64th. */
  readonly trapCount: number;
  /** The logged traps, oldest first (at most 64). */
  readonly traps: readonly DumpedTrap[];
  /** CSRs the engine does not implement (printed as `csr NAME -`), in dump order. */
  readonly missingCsrs: readonly string[];
}

const HEX8 = /^[0-9a-f]{8}$/;
const DUMP_CSR_NAMES = new Set([...Object.keys(GUEST_CSRS), ...Object.keys(COUNTER_CSRS)]);

function privilegeOf(text: string): Privilege | undefined {
  return text === 'M' || text === 'S' || text === 'U' ? text : undefined;
}

/**
 * Parses the dump on a console. Text before the header is ignored (the program's own output);
 * text after `END` too. The last header on the console is the one parsed.
 *
 * @throws {@link DumpError} `NO_DUMP` (no header), `TRUNCATED` (no `END`: the program did not
 *   finish its dump), `MALFORMED` (a line out of place or not in the format).
 */
export function parseDumpStrict(console: Uint8Array | string): ParsedDump {
  const text = typeof console === 'string' ? console : Buffer.from(console).toString('latin1');
  const start = text.lastIndexOf(`${DUMP_HEADER}\n`);
  if (start < 0) throw new DumpError('NO_DUMP', `no "${DUMP_HEADER}" line on the console`);
  const lines = text.slice(start).split('\n');
  let n = 1;
  const fail = (message: string): never => {
    throw new DumpError('MALFORMED', `dump line ${n + 1}: ${message}`, n + 1);
  };
  const next = (): string[] => {
    const line = lines[n];
    if (line === undefined || (n === lines.length - 1 && line === ''))
      throw new DumpError('TRUNCATED', `the dump ends after line ${n} without "${DUMP_TRAILER}"`);
    n++;
    return line.split(' ');
  };
  const word = (text: string | undefined, what: string): number => {
    if (text === undefined || !HEX8.test(text)) fail(`${what} is not 8 lowercase hex digits`);
    return Number.parseInt(text as string, 16);
  };
  const expect = (fields: string[], key: string, count: number): void => {
    if (fields[0] !== key) fail(`expected "${key}", found "${fields.join(' ')}"`);
    if (fields.length !== count) fail(`"${key}" takes ${count - 1} fields`);
  };

  let fields = next();
  expect(fields, 'pc', 2);
  const pc = word(fields[1], 'pc');
  fields = next();
  expect(fields, 'priv', 2);
  const privilege = privilegeOf(fields[1] as string) ?? fail('priv must be M, S or U');
  const x: number[] = [];
  for (let i = 1; i < 32; i++) {
    fields = next();
    expect(fields, `x${i}`, 2);
    x.push(word(fields[1], `x${i}`));
  }
  const csrs: Record<string, number> = {};
  const missingCsrs: string[] = [];
  fields = next();
  while (fields[0] === 'csr') {
    if (fields.length !== 3) fail('"csr" takes a name and a value');
    const name = fields[1] as string;
    if (!DUMP_CSR_NAMES.has(name)) fail(`unknown CSR "${name}"`);
    if (name in csrs || missingCsrs.includes(name)) fail(`CSR "${name}" twice`);
    if (fields[2] === '-') missingCsrs.push(name);
    else csrs[name] = word(fields[2], `csr ${name}`);
    fields = next();
  }
  expect(fields, 'traps', 2);
  const trapCount = word(fields[1], 'traps');
  const traps: DumpedTrap[] = [];
  for (let i = 0; i < Math.min(trapCount, 64); i++) {
    fields = next();
    expect(fields, 'trap', 5);
    traps.push({
      cause: word(fields[1], 'trap cause'),
      epc: word(fields[2], 'trap epc'),
      tval: word(fields[3], 'trap tval'),
      privilege: privilegeOf(fields[4] as string) ?? fail('trap privilege must be M, S or U'),
    });
  }
  const pages: Record<string, number> = {};
  fields = next();
  while (fields[0] === 'page') {
    if (fields.length !== 3) fail('"page" takes an address and a digest');
    const address = word(fields[1], 'page address');
    pages[hex8(address)] = word(fields[2], 'page digest');
    fields = next();
  }
  if (fields.join(' ') !== DUMP_TRAILER)
    fail(`expected "${DUMP_TRAILER}", found "${fields.join(' ')}"`);
  return { pc, privilege, x, csrs, pages, trapCount, traps, missingCsrs };
}

/**
 * Parses the dump on a console (see {@link parseDumpStrict}); `undefined` when there is no
 * well-formed dump.
 */
export function parseDump(console: Uint8Array | string): ParsedDump | undefined {
  try {
    return parseDumpStrict(console);
  } catch (e) {
    if (e instanceof DumpError) return undefined;
    throw e;
  }
}

/**
 * A page address as the dump prints it and {@link DumpedState.pages} keys it.
 *
 * @param n a 32-bit value, signed or unsigned ({@link ConformanceError} `BAD_ARGUMENT` otherwise)
 */
export function hex8(n: number): string {
  checkRange(n, 'hex8: n', -0x8000_0000, 0xffff_ffff);
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Formats a state as the harness prints it (the inverse of {@link parseDumpStrict}). */
export function formatDump(dump: ParsedDump): string {
  const lines = [DUMP_HEADER, `pc ${hex8(dump.pc)}`, `priv ${dump.privilege}`];
  dump.x.forEach((v, i) => {
    lines.push(`x${i + 1} ${hex8(v)}`);
  });
  for (const name of [...Object.keys(GUEST_CSRS), ...Object.keys(COUNTER_CSRS)]) {
    const value = dump.csrs[name];
    if (value !== undefined) lines.push(`csr ${name} ${hex8(value)}`);
    else if (dump.missingCsrs.includes(name)) lines.push(`csr ${name} -`);
  }
  lines.push(`traps ${hex8(dump.trapCount)}`);
  for (const t of dump.traps)
    lines.push(`trap ${hex8(t.cause)} ${hex8(t.epc)} ${hex8(t.tval)} ${t.privilege}`);
  for (const [address, digest] of Object.entries(dump.pages))
    lines.push(`page ${address} ${hex8(digest)}`);
  lines.push(DUMP_TRAILER, '');
  return lines.join('\n');
}

/** One difference between two dumps. */
export interface DumpDifference {
  /** `pc`, `priv`, `x5`, `csr mstatus`, `traps`, `trap 3`, `page 80001000`. */
  readonly field: string;
  readonly a: string;
  readonly b: string;
}

/** Options of {@link diffDumps}. */
export interface DiffOptions {
  /** Capabilities of the engine that printed `a` (its `warlMasks` and `counters` apply). */
  readonly a?: Capabilities;
  /** Capabilities of the engine that printed `b`. */
  readonly b?: Capabilities;
  /** Compare the counter CSRs even when the engines' `counters` differ (default: only when equal). */
  readonly counters?: boolean;
}

/**
 * The bits of CSR `name` an engine defines as the spec does: its writable bits (`warlMasks`)
 * and its defined read-only bits (`readOnlyMasks`), or all 32 bits when it does not name the
 * CSR (or when no capabilities are given).
 */
export function definedBits(name: string, capabilities?: Capabilities): number {
  const writable = capabilities?.warlMasks[name];
  if (writable === undefined) return 0xffff_ffff;
  return (writable | (capabilities?.readOnlyMasks?.[name] ?? 0)) >>> 0;
}

/** The mask under which CSR `name` is compared between two engines: the AND of their {@link definedBits}. */
export function compareMask(name: string, a?: Capabilities, b?: Capabilities): number {
  return (definedBits(name, a) & definedBits(name, b)) >>> 0;
}

/**
 * The differences between two dumps, under the comparison rules of docs/contract.md: pc,
 * privilege and registers exactly; each CSR under {@link compareMask} (a CSR missing on one
 * side differs from a present one); the counter CSRs only when both engines count the same way;
 * the trap log and page digests exactly — except that when the engines' `misalignedAmoCause`
 * differ, those two cause values are taken as equal (in the trap log, `mcause` and `scause`).
 * An empty list means equivalent.
 *
 * @example
 * ```ts
 * import { bareEngine, buildProgram, diffDumps } from '@trapeze/conformance';
 *
 * const bare = bareEngine();
 * const run = async (body: string) => (await bare.runProgram(buildProgram({ setup: '', body }), 1e7)).dump;
 * const a = await run('li a0, 0x1234; sw a0, 8(s11)');
 * const b = await run('li a0, 0x5678; sw a0, 8(s11)');
 * if (a === undefined || b === undefined) throw new Error('no dump');
 * diffDumps(a, b).map((d) => d.field); // → ['x10', 'page 80001000']
 * diffDumps(a, b)[0]; // → { field: 'x10', a: '00001234', b: '00005678' }
 * diffDumps(a, a); // → []
 * ```
 */
export function diffDumps(
  a: DumpedState,
  b: DumpedState,
  options: DiffOptions = {},
): DumpDifference[] {
  const out: DumpDifference[] = [];
  const cmp = (field: string, va: string, vb: string) => {
    if (va !== vb) out.push({ field, a: va, b: vb });
  };
  cmp('pc', hex8(a.pc), hex8(b.pc));
  cmp('priv', a.privilege, b.privilege);
  for (let i = 0; i < 31; i++) cmp(`x${i + 1}`, hex8(a.x[i] ?? 0), hex8(b.x[i] ?? 0));
  const counters =
    options.counters === true ||
    (options.a?.counters ?? 'retired') === (options.b?.counters ?? 'retired');
  for (const name of Object.keys(GUEST_CSRS)) compareCsr(name);
  if (counters) for (const name of Object.keys(COUNTER_CSRS)) compareCsr(name);
  const ta = a;
  const tb = b;
  if (ta.traps !== undefined && tb.traps !== undefined) {
    cmp('traps', String(ta.trapCount), String(tb.trapCount));
    const n = Math.max(ta.traps.length, tb.traps.length);
    for (let i = 0; i < n; i++) {
      const x = ta.traps[i];
      const y = tb.traps[i];
      const same = x !== undefined && y !== undefined && sameCause(x.cause, y.cause);
      cmp(
        `trap ${i + 1}`,
        trapText(x),
        same ? trapText({ ...(y as DumpedTrap), cause: x.cause }) : trapText(y),
      );
    }
  }
  const pages = new Set([...Object.keys(a.pages), ...Object.keys(b.pages)]);
  for (const page of pages) {
    const da = a.pages[page];
    const db = b.pages[page];
    cmp(`page ${page}`, da === undefined ? '-' : hex8(da), db === undefined ? '-' : hex8(db));
  }
  return out;

  function sameCause(x: number, y: number): boolean {
    if (x === y) return true;
    const amoA = options.a?.misalignedAmoCause ?? 6;
    const amoB = options.b?.misalignedAmoCause ?? 6;
    return amoA !== amoB && (x === amoA || x === amoB) && (y === amoA || y === amoB);
  }

  function compareCsr(name: string): void {
    const mask = compareMask(name, options.a, options.b);
    const va = a.csrs[name];
    let vb = b.csrs[name];
    if ((name === 'mcause' || name === 'scause') && va !== undefined && vb !== undefined)
      if (sameCause(va, vb)) vb = va;
    cmp(
      `csr ${name}`,
      va === undefined ? '-' : hex8(va & mask),
      vb === undefined ? '-' : hex8(vb & mask),
    );
  }
}

function trapText(t: DumpedTrap | undefined): string {
  return t === undefined ? '-' : `${hex8(t.cause)} ${hex8(t.epc)} ${hex8(t.tval)} ${t.privilege}`;
}
