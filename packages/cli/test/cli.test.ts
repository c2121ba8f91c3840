import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { COMMANDS, main } from '../src/cli.js';
import { fakeIo, run } from './support/fake-io.js';

describe('trapeze (top level)', () => {
  it.each([[['--help']], [['-h']], [['help']]])(
    '%j prints the usage and the commands',
    async (argv) => {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^trapeze \S+: /);
      expect(r.stdout).toContain('usage: trapeze COMMAND [options] [arguments]');
      for (const command of ['disasm', 'asm', 'demo'])
        expect(r.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    },
  );

  it.each([
    [
      'disasm',
      'usage: trapeze disasm [options] FILE\n       trapeze disasm --hex [options] [WORD...]',
    ],
    ['asm', 'usage: trapeze asm [options] FILE.S -o OUT'],
    ['demo', 'usage: trapeze demo [--mode U|S|M] [--no-aliases]'],
  ])('help %s and %s --help print the command help', async (command, usage) => {
    const viaHelp = await run(['help', command]);
    const viaFlag = await run([command, '--help']);
    const viaShort = await run([command, 'ignored.bin', '-h']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout.startsWith(usage)).toBe(true);
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
    expect(viaShort.stdout).toBe(viaHelp.stdout);
    expect(viaHelp.stdout).toContain('Options:\n');
    expect(viaHelp.stdout).toContain('  -h, --help');
  });

  it.each([[['help', '--help']], [['help', '-h']], [['--help', 'run']]])(
    '%j prints the usage',
    async (argv) => {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('usage: trapeze COMMAND [options] [arguments]');
    },
  );

  it('help COMMAND --help prints the help of the command', async () => {
    const r = await run(['help', 'run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await run(['run', '--help'])).stdout);
  });

  it("every command's examples start with trapeze, each command of a chain too", async () => {
    for (const command of COMMANDS) {
      const help = (await run([command.name, '--help'])).stdout;
      const examples = help.split('Examples:\n')[1]?.split('\n\n')[0]?.split('\n') ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        for (const part of example.split(/;|&&|\|\|/))
          expect(part.trim(), `${command.name}: ${example}`).toMatch(/^trapeze /);
      }
    }
  });

  it('each command ends its help with its own exit statuses; the main help contradicts none', async () => {
    for (const command of COMMANDS) {
      const help = (await run([command.name, '--help'])).stdout;
      expect(help.endsWith(`${command.exitStatus.join('\n')}\n`)).toBe(true);
      expect(command.exitStatus.join(' ')).toMatch(/^Exit status: 0 .* 2 usage errors/);
    }
    const main = (await run(['--help'])).stdout;
    expect(main).toMatch(
      /Exit status: 2 for a usage error or bad input[\s\S]*trapeze COMMAND --help/,
    );
    // run uses 1 for a guest that failed with code 1: the main help must not call 1 a failure.
    expect(main).not.toMatch(/\b1 (the command|when)/);
  });

  it('prints the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`trapeze ${packageJson.version}\n`);
    }
  });

  it.each([
    [[], 'trapeze: error: no command given (try trapeze demo)'],
    [['disasmm'], "trapeze: error: unknown command 'disasmm' (did you mean 'disasm'?)"],
    [['frobnicate'], "trapeze: error: unknown command 'frobnicate'"],
    [['--verbose'], "trapeze: error: unknown option '--verbose'"],
    [['help', 'nope'], "trapeze: error: unknown command 'nope'"],
    [['help', 'asm', 'demo'], "trapeze: error: help takes one command (got 'asm' and 'demo')"],
    [['help', '--verbose'], "trapeze: error: unknown option '--verbose'"],
  ])('%j is a usage error with a hint (exit status 2)', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${message}\nRun 'trapeze --help' for usage.\n`);
  });

  it('reports an unexpected failure in one line, without a stack trace', async () => {
    const { io, state } = fakeIo();
    io.readStdin = async () => {
      throw new Error('stdin exploded');
    };
    const code = await main(['disasm', '--hex'], io);
    expect(code).toBe(1);
    expect(state.stderr).toContain('trapeze: internal error: stdin exploded\n');
    expect(state.stderr).not.toMatch(/\n\s+at /);
  });
});
