/** Making a core by name (create-core.ts), and the options it checks. */
import { Bus, Mmu, Pmp, Ram } from '@trapeze/mmu';
import { describe, expect, it } from 'vitest';
import { CORE_KINDS, type CoreKind } from '../src/core.js';
import { createCore } from '../src/create-core.js';
import { CpuError } from '../src/errors.js';
import { type HostCode, TranslatorCore } from '../src/translator/translator-core.js';
import { createCoreRam } from '../src/translator/wasm-state.js';
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

  it('refuses a bad batch size and a host code that is not one', () => {
    const { ram, bus, pmp, mmu } = makeRig('interpreter');
    const options = { ram, bus, pmp, mmu, csrs: { read: () => undefined, write: () => false } };
    for (const batchInstructions of [-1, 0.5, Number.NaN])
      expectBadArgument(
        () => createCore('translator', { ...options, batchInstructions }),
        /batchInstructions/,
      );
    for (const hostCode of ['wasm', 'js', '', 3])
      expectBadArgument(
        () => createCore('translator', { ...options, hostCode: hostCode as HostCode }),
        /hostCode must be 'webassembly' or 'javascript'/,
      );
  });

  it('emits WebAssembly on core RAM by default, JavaScript on other RAM or when asked', () => {
    const { ram, bus, pmp, mmu } = makeRig('interpreter');
    const csrs = { read: () => undefined, write: () => false };
    const wasm = createCore('translator', { ram, bus, pmp, mmu, csrs }) as TranslatorCore;
    expect(wasm.hostCode).toBe('webassembly');
    const js = createCore('translator', {
      ram,
      bus,
      pmp,
      mmu,
      csrs,
      hostCode: 'javascript',
    }) as TranslatorCore;
    expect(js.hostCode).toBe('javascript');
    const plain = new Ram(0x8000_0000, 0x10000);
    const onPlain = { ram: plain, bus, pmp, mmu, csrs };
    expect((createCore('translator', onPlain) as TranslatorCore).hostCode).toBe('javascript');
    expectBadArgument(
      () => createCore('translator', { ...onPlain, hostCode: 'webassembly' }),
      /needs RAM made by createCoreRam/,
    );
  });

  it('a translator core run after a newer one was made on its RAM is refused (RAM_IN_USE)', () => {
    const ram = createCoreRam(0x8000_0000, 0x10000);
    const bus = new Bus();
    bus.mapRam(ram);
    const pmp = new Pmp();
    const options = {
      ram,
      bus,
      pmp,
      mmu: new Mmu(bus, pmp),
      csrs: { read: () => undefined, write: () => false },
    };
    const older = createCore('translator', options);
    older.hart.x[5] = 7;
    const newer = createCore('translator', options);
    expect(newer.hart.x[5]).toBe(0); // a new hart starts with zeroed registers
    let thrown: unknown;
    try {
      older.run(10, 10);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CpuError);
    expect((thrown as CpuError).code).toBe('RAM_IN_USE');
    expect(newer.run(10, 10)).toBeGreaterThanOrEqual(0);
    // An interpreter on the same RAM keeps its own registers.
    const interpreter = createCore('interpreter', options);
    interpreter.hart.x[6] = 9;
    expect(newer.hart.x[6]).toBe(0);
  });
});
