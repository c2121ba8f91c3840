import {
  ACCESS_FETCH,
  ACCESS_LOAD,
  ACCESS_STORE,
  type AccessKind,
  Exception,
  Privilege,
} from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { accessFaultCause, MmuError, pageFaultCause } from '../src/index.js';

describe('causes', () => {
  it("maps isa's access kinds to isa's exception codes (privileged spec table 3.6)", () => {
    const kinds: AccessKind[] = [ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE];
    expect(kinds.map(accessFaultCause)).toEqual([
      Exception.InstructionAccessFault,
      Exception.LoadAccessFault,
      Exception.StoreAccessFault,
    ]);
    expect(kinds.map(accessFaultCause)).toEqual([1, 5, 7]);
    expect(kinds.map(pageFaultCause)).toEqual([
      Exception.InstructionPageFault,
      Exception.LoadPageFault,
      Exception.StorePageFault,
    ]);
    expect(kinds.map(pageFaultCause)).toEqual([12, 13, 15]);
  });

  it('the codes are numbers: access kinds 0..2, privilege levels 0, 1, 3', () => {
    expect([ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE]).toEqual([0, 1, 2]);
    expect([Privilege.U, Privilege.S, Privilege.M]).toEqual([0, 1, 3]);
  });

  it.each([3, -1, 0.5, Number.NaN, 'read', 'write', 'exec', undefined])(
    'refuses the access kind %s with MmuError INVALID_ARGUMENT',
    (access) => {
      for (const f of [accessFaultCause, pageFaultCause]) {
        expect(() => f(access as never)).toThrow(MmuError);
        expect(() => f(access as never)).toThrow(`${f.name}: access must be ACCESS_FETCH (0)`);
      }
    },
  );
});
