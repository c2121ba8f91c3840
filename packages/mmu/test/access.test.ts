import { describe, expect, it } from 'vitest';
import { accessFaultCause, pageFaultCause } from '../src/index.js';

describe('causes', () => {
  it('maps access kinds to the privileged spec exception codes', () => {
    expect([accessFaultCause('exec'), accessFaultCause('read'), accessFaultCause('write')]).toEqual(
      [1, 5, 7],
    );
    expect([pageFaultCause('exec'), pageFaultCause('read'), pageFaultCause('write')]).toEqual([
      12, 13, 15,
    ]);
  });
});
