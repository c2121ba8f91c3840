/**
 * Host-side arguments: every numeric argument of the public API outside its documented range
 * is answered with an IsaError `BAD_ARGUMENT` naming the argument (never a hang, a wrapped
 * value or a TypeError); every value inside the range is accepted.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { notAnInteger } from '../src/arbitraries.js';
import {
  assemble,
  causeName,
  csrByAddress,
  csrName,
  csrPrivilege,
  csrReadOnly,
  decode,
  disassemble,
  EncodeError,
  encode,
  fenceSetText,
  Hart,
  type HartMemory,
  IsaError,
  isCompressed,
  isHintEncoding,
  registerName,
  signExtend,
} from '../src/index.js';

const WORD = [-0x8000_0000, 0xffff_ffff] as const;

/** Calls `f` and expects an IsaError BAD_ARGUMENT whose message names `what`. */
function rejects(f: () => unknown, what: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(IsaError);
    expect((error as IsaError).code).toBe('BAD_ARGUMENT');
    expect((error as IsaError).message).toContain(what);
    return;
  }
  expect.unreachable(`${what}: accepted a bad value`);
}

const memory: HartMemory = {
  fault: -1,
  fetch: () => 0,
  read: () => 0,
  write: () => {},
  fenceVma: () => {},
  fenceI: () => {},
};
const external = { read: () => undefined, write: () => false, countInhibit: () => {} };

/** Each function with one numeric argument, its name in messages and its legal range. */
const CASES: readonly [string, (v: never) => unknown, number, number][] = [
  ['decode: word', (v) => decode(v), ...WORD],
  ['isCompressed: word', (v) => isCompressed(v), ...WORD],
  ['decode: word', (v) => isHintEncoding(v), ...WORD],
  ['disassemble: instruction', (v) => disassemble(v), ...WORD],
  ['disassemble: options.address', (v) => disassemble(0x13, { address: v }), ...WORD],
  ['registerName: index', (v) => registerName(v), 0, 31],
  ['csrName: CSR address', (v) => csrName(v), 0, 0xfff],
  ['csrByAddress: CSR address', (v) => csrByAddress(v), 0, 0xfff],
  ['csrPrivilege: CSR address', (v) => csrPrivilege(v), 0, 0xfff],
  ['csrReadOnly: CSR address', (v) => csrReadOnly(v), 0, 0xfff],
  ['causeName: cause', (v) => causeName(v), ...WORD],
  ['signExtend: value', (v) => signExtend(v, 12), ...WORD],
  ['signExtend: bits', (v) => signExtend(0xfff, v), 1, 32],
  ['fenceSetText: set', (v) => fenceSetText(v), 0, 15],
  ['assemble: options.textAddress', (v) => assemble('nop', { textAddress: v }), ...WORD],
  ['assemble: options.dataAddress', (v) => assemble('.data\n.word 1', { dataAddress: v }), ...WORD],
];

describe('numeric arguments', () => {
  for (const [what, f, min, max] of CASES) {
    prop.prop([notAnInteger(min, max)], { numRuns: 60 })(
      `${what}: rejects values outside ${min}…${max}`,
      (v) => rejects(() => f(v as never), what),
    );
    prop.prop([fc.integer({ min, max })], { numRuns: 30 })(
      `${what}: accepts ${min}…${max}`,
      (v) => {
        f(v as never);
      },
    );
  }

  it('Hart: hartId is an unsigned 32-bit integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 32, '0'])
      rejects(() => new Hart(memory, external, undefined, bad as number), 'Hart: hartId');
    expect(new Hart(memory, external, undefined, 0xffff_ffff).csr).toBeDefined();
  });

  it('disassemble and assemble reject arguments of the wrong kind', () => {
    rejects(() => disassemble(null as never), 'disassemble: instruction');
    rejects(() => disassemble({} as never), 'disassemble: instruction');
    rejects(() => assemble(42 as never), 'assemble: source');
  });

  it('names the range and the value in the message', () => {
    expect(() => registerName(32)).toThrow(
      'registerName: index must be an integer in 0…31, got 32',
    );
    expect(() => decode(Number.NaN)).toThrow('got NaN');
    expect(() => csrName('mstatus' as never)).toThrow('got "mstatus"');
  });
});

describe('encode', () => {
  it('answers an input without an instruction with an EncodeError, not a TypeError', () => {
    for (const input of [{}, { spec: 42 }, { spec: null }, { name: 'addi' }])
      expect(() => encode(input as never)).toThrow(EncodeError);
  });
});
