import { describe, expect, it } from 'vitest';
import { type OptionSpec, parseArgs, suggest, wantsHelp } from '../src/args.js';
import { UsageError } from '../src/errors.js';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'output', short: 'o', value: 'OUT', description: '' },
  { name: 'elf', description: '' },
  { name: 'base', value: 'ADDR', description: '' },
];

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  it('mixes operands with long, long=value, short and attached short options', () => {
    const args = parseArgs(
      ['a.S', '--elf', '--base=0x10', '-o', 'out', 'b.S', '-oother'],
      OPTIONS,
      'asm',
    );
    expect(args.positionals).toEqual(['a.S', 'b.S']);
    expect([...args.flags]).toEqual(['elf']);
    expect(args.values.get('base')).toBe('0x10');
    expect(args.values.get('output')).toBe('other'); // the last one wins
  });

  it('takes the next argument as the value of --name VALUE', () => {
    expect(parseArgs(['--base', '0x20'], OPTIONS, 'asm').values.get('base')).toBe('0x20');
  });

  it('treats everything after -- and a lone - as operands', () => {
    const args = parseArgs(['-', '--', '--elf', '-o'], OPTIONS, 'asm');
    expect(args.positionals).toEqual(['-', '--elf', '-o']);
    expect(args.flags.size).toBe(0);
  });

  it('rejects an unknown option, suggesting the closest one', () => {
    const error = usageError(() => parseArgs(['--bse', '1'], OPTIONS, 'asm'));
    expect(error.code).toBe('UNKNOWN_OPTION');
    expect(error.command).toBe('asm');
    expect(error.message).toBe("unknown option '--bse' (did you mean '--base'?)");
    expect(usageError(() => parseArgs(['-x'], OPTIONS, 'asm')).message).toBe("unknown option '-x'");
  });

  it('rejects a flag with a value and an option without one', () => {
    expect(usageError(() => parseArgs(['--elf=yes'], OPTIONS, 'asm')).code).toBe(
      'UNEXPECTED_VALUE',
    );
    const missing = usageError(() => parseArgs(['-o'], OPTIONS, 'asm'));
    expect(missing.code).toBe('MISSING_VALUE');
    expect(missing.message).toContain('-o');
  });
});

describe('suggest', () => {
  it('suggests only close candidates', () => {
    expect(suggest('dissasm', ['disasm', 'asm', 'demo'])).toBe('disasm');
    expect(suggest('zzzzzz', ['disasm', 'asm', 'demo'])).toBeUndefined();
  });
});

describe('wantsHelp', () => {
  it('finds -h and --help before --', () => {
    expect(wantsHelp(['x', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });
});
