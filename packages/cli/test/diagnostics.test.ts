import { AssemblyError } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { formatAssemblyError } from '../src/diagnostics.js';

describe('formatAssemblyError', () => {
  it('prints the message, the line and a caret that keeps tabs', () => {
    const error = new AssemblyError(2, 9, 'bad', 'x.S');
    expect(formatAssemblyError(error, ['nop', '\tli a0, 99999999999'])).toEqual([
      'x.S:2:9: error: bad',
      '\tli a0, 99999999999',
      '\t       ^',
    ]);
  });

  it('prints only the message when the line is not in the source', () => {
    expect(formatAssemblyError(new AssemblyError(7, 1, 'bad', 'x.S'), ['nop'])).toEqual([
      'x.S:7:1: error: bad',
    ]);
  });
});
