import { csrByName } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, COUNTER_CSRS, GUEST_CSRS } from '../src/contract.js';

describe('the contract types', () => {
  it('is version 1', () => {
    expect(CONTRACT_VERSION).toBe(1);
  });

  it('names every guest-visible CSR with the number the CSR catalogue gives it', () => {
    for (const [name, number] of Object.entries({ ...GUEST_CSRS, ...COUNTER_CSRS })) {
      expect(csrByName(name)?.address, name).toBe(number);
    }
  });
});
