/** Making a core by name (create-core.ts), and the options it checks. */
import { describe, expect, it } from 'vitest';
import { CORE_KINDS, type CoreKind } from '../src/core.js';
import { createCore } from '../src/create-core.js';
import { CpuError } from '../src/errors.js';
import { TranslatorCore } from '../src/translator/translator-core.js';
import { makeRig } from './support.js';

function expectBadArgument(f: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CpuError);
  expect((thrown as CpuError).code).toBe('BAD_ARGUMENT');
  expect((thrown as CpuError).message).toMatch(message);
}

describe('createCore', () => {
  it('makes each kind', () => {
    for (const kind of CORE_KINDS) expect(makeRig(kind).core.kind).toBe(kind);
    expect(makeRig('translator').core).toBeInstanceOf(TranslatorCore);
    expect(makeRig('interpreter').core).not.toBeInstanceOf(TranslatorCore);
  });

  it('refuses a kind that is not a core, saying which ones there are', () => {
    const { ram, bus, pmp, mmu } = makeRig('interpreter');
    const options = { ram, bus, pmp, mmu, csrs: { read: () => undefined, write: () => false } };
    for (const kind of ['jit', '', 'Interpreter', 3, null, undefined, {}])
      expectBadArgument(
        () => createCore(kind as CoreKind, options),
        /core must be one of 'interpreter', 'translator'/,
      );
    expectBadArgument(() => createCore('jit' as CoreKind, options), /got "jit"/);
  });

  it('refuses a bad translator cache limit', () => {
    const { ram, bus, pmp, mmu } = makeRig('interpreter');
    const options = { ram, bus, pmp, mmu, csrs: { read: () => undefined, write: () => false } };
    for (const cacheLimit of [-1, 0.5, Number.NaN])
      expectBadArgument(() => createCore('translator', { ...options, cacheLimit }), /cacheLimit/);
  });
});
