import { fc, it as prop } from '@fast-check/vitest';
import { AssemblyError } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { formatAssemblyError, SOURCE_WINDOW } from '../src/diagnostics.js';

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

describe('formatAssemblyError on long lines', () => {
  it('prints a window around the column with an ellipsis on each cut side', () => {
    const line = `li a0, ${'x'.repeat(400_000)} @ ${'y'.repeat(1000)}`;
    const column = line.indexOf('@') + 1;
    const [, source, caret] = formatAssemblyError(
      new AssemblyError(1, column, 'unexpected character "@"'),
      [line],
    );
    expect(source).toHaveLength(SOURCE_WINDOW + 2);
    expect(source?.startsWith('…x')).toBe(true);
    expect(source?.endsWith('y…')).toBe(true);
    expect(source?.[(caret as string).length - 1]).toBe('@');
  });

  it('keeps the start of the line when the error is near it', () => {
    const line = `bad ${'z'.repeat(1000)}`;
    const [, source, caret] = formatAssemblyError(new AssemblyError(1, 1, 'bad'), [line]);
    expect(source).toBe(`${line.slice(0, SOURCE_WINDOW)}…`);
    expect(caret).toBe('^');
  });

  prop.prop([fc.string({ maxLength: 2000 }), fc.nat()], { numRuns: 300 })(
    'prints at most a window of the line and puts the caret under the column',
    (text, n) => {
      const line = text.replace(/\n/g, ' ');
      const column = (n % (line.length + 1)) + 1;
      const [, source, caret] = formatAssemblyError(new AssemblyError(1, column, 'bad'), [line]);
      expect((source as string).length).toBeLessThanOrEqual(SOURCE_WINDOW + 2);
      const under = (source as string)[(caret as string).length - 1];
      if (column <= line.length) expect(under).toBe(line[column - 1]);
    },
  );
});
