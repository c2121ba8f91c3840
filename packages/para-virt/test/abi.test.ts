import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as abi from '../src/abi.js';

const header = readFileSync(new URL('../include/trapeze-pv.h', import.meta.url), 'utf8');
const sbiHeader = readFileSync(new URL('../../../guests/common/sbi.h', import.meta.url), 'utf8');
const spec = readFileSync(new URL('../../../docs/pv-abi.md', import.meta.url), 'utf8');

/** `#define NAME number` lines of a C header (numbers in C syntax, shifts included). */
function numericDefines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, name, value] of text.matchAll(
    /^#define (\w+) +([-0-9x(][^/\n]*?)\s*(?:\/\*.*)?$/gm,
  )) {
    const expression = (value as string).replace(/(0x[0-9a-fA-F]+|\d+)u\b/g, '$1');
    if (!/^[-0-9a-fA-Fx()<> ]+$/.test(expression)) continue;
    out.set(name as string, Number(new Function(`return (${expression});`)()));
  }
  return out;
}

const tsNumbers = new Map(
  Object.entries(abi).filter((e): e is [string, number] => typeof e[1] === 'number'),
);

describe('the ABI numbers', () => {
  it('are the same in the guest SDK header and in TypeScript, name for name', () => {
    const defines = numericDefines(header);
    expect(defines.size).toBeGreaterThan(40);
    const trpz = [...tsNumbers].filter(([name]) => name.startsWith('TRPZ_'));
    expect(Object.fromEntries(defines)).toEqual(Object.fromEntries(trpz));
  });

  it("use SBI's error codes as guests/common/sbi.h defines them", () => {
    const defines = numericDefines(sbiHeader);
    const errors = [...tsNumbers].filter(([name]) => name.startsWith('SBI_'));
    expect(errors).toHaveLength(10);
    for (const [name, value] of errors) expect(defines.get(name), name).toBe(value);
  });

  it('name every vendor call the specification describes, with its function ID', () => {
    const calls = [...tsNumbers].filter(
      ([name, value]) =>
        /^TRPZ_[A-Z_]+$/.test(name) &&
        value <= 11 &&
        spec.includes(
          `| ${value} | \`${name === 'TRPZ_ABI_VERSION_CALL' ? 'TRPZ_ABI_VERSION' : name}\``,
        ),
    );
    expect(calls.map(([, value]) => value).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });

  it("put the vendor EID in SBI's vendor range", () => {
    expect(abi.TRPZ_EID >>> 24).toBe(0x09);
    expect(abi.TRPZ_ABI_VERSION >>> 16).toBe(1);
  });
});
