/** `trapeze run --core`: the translator (the default) and the interpreter run a guest alike. */
import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { run } from '../support/fake-io.js';

/**
 * A guest with a loop (a translated block run a thousand times), a trap, and code it rewrites
 * after running it (the translator must drop its block): prints "AB", then passes.
 */
const GUEST = `
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li s0, 0
    li s1, 1000
1:  addi s0, s0, 3
    mul s2, s0, s0
    xor s3, s3, s2
    addi s1, s1, -1
    bnez s1, 1b
    ecall
    li s4, 2
    li t0, 0x10000000
    .balign 4
patched:
    .word 0x04100593        # addi a1, zero, 65 ('A'), rewritten below to 66 ('B')
    sb a1, 0(t0)
    la t1, patched
    li t2, 0x04200593
    sw t2, 0(t1)
    fence.i
    addi s4, s4, -1
    bnez s4, patched
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b
    .balign 4
handler:
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
`;

const FILES = { 'guest.elf': elfImage(assemble(GUEST, { textAddress: 0x8000_0000 })) };

function runGuest(options: readonly string[]) {
  return run(['run', ...options, 'guest.elf'], { files: FILES });
}

describe('trapeze run --core', () => {
  it('runs a guest to the same output, exit status and final state on both cores', async () => {
    const [interpreter, translator] = await Promise.all(
      ['interpreter', 'translator'].map((core) => runGuest(['--core', core, '--json'])),
    );
    for (const r of [interpreter, translator]) {
      expect(r?.code).toBe(0);
      expect(r?.stderr).toBe('AB');
    }
    const state = JSON.parse(interpreter?.stdout ?? '');
    expect(state.exit).toEqual({ kind: 'pass', code: 0 });
    expect(JSON.parse(translator?.stdout ?? '')).toEqual(state);
  });

  it('stops at the same instruction, with the same trace, on both cores', async () => {
    const runs = await Promise.all(
      ['interpreter', 'translator'].map((core) =>
        runGuest(['--core', core, '--max-insns', '3001', '--trace', '8', '--json']),
      ),
    );
    for (const r of runs) expect(r.code).toBe(124);
    expect(runs[1]?.stdout).toBe(runs[0]?.stdout);
    expect(runs[1]?.stderr).toBe(runs[0]?.stderr);
  });

  it('is the translator by default, and --stats says which core ran', async () => {
    const byDefault = await runGuest(['--stats']);
    expect(byDefault.stderr).toMatch(/^core: +translator \([1-9][0-9]* blocks translated\)\n/m);
    const translator = await runGuest(['--core', 'translator', '--stats']);
    expect(translator.stderr).toMatch(/^core: +translator \(/m);
    const interpreter = await runGuest(['--core', 'interpreter', '--stats']);
    expect(interpreter.stderr).toMatch(/^core: +interpreter\n/m);
    const instructions = (stderr: string) => /^instructions: (\d+)$/m.exec(stderr)?.[1];
    const virtualTime = (stderr: string) => /^virtual time: (.*)$/m.exec(stderr)?.[1];
    expect(instructions(interpreter.stderr)).toBe(instructions(byDefault.stderr));
    expect(virtualTime(interpreter.stderr)).toBe(virtualTime(byDefault.stderr));
  });

  it('continues on one core from a snapshot saved on the other', async () => {
    const whole = JSON.parse((await runGuest(['--json'])).stdout);
    for (const [first, second] of [
      ['interpreter', 'translator'],
      ['translator', 'interpreter'],
    ] as const) {
      const part = await runGuest([
        '--core',
        first,
        '--max-insns',
        '2500',
        '--save-snapshot',
        's.json',
      ]);
      expect(part.code).toBe(124);
      const rest = await run(['run', '--core', second, '--restore', 's.json', '--json'], {
        files: { 's.json': part.files.get('s.json') as Uint8Array },
      });
      expect(rest.code).toBe(0);
      expect(part.stdout + rest.stderr).toBe('AB');
      expect(JSON.parse(rest.stdout)).toEqual(whole);
    }
  });

  it.each([
    ['jit', "--core 'jit' is not one of translator, interpreter\n"],
    [
      'Interpreter',
      "--core 'Interpreter' is not one of translator, interpreter (did you mean 'interpreter'?)",
    ],
    ['translater', "(did you mean 'translator'?)"],
    ['', "--core '' is not one of translator, interpreter"],
  ])(
    'refuses --core %j with a usage error (exit status 2) before reading the image',
    async (value, message) => {
      const r = await run(['run', '--core', value, 'missing.elf']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^trapeze run: error: --core '/);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("Run 'trapeze run --help' for usage.");
    },
  );

  it('needs a value', async () => {
    const r = await run(['run', 'guest.elf', '--core'], { files: FILES });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--core' needs a value (CORE)");
  });

  it('is in --help: the option, its values and default, and what the cores are', async () => {
    const r = await run(['run', '--help']);
    expect(r.stdout).toMatch(
      /^ +--core CORE +the execution core: translator \(default\) or interpreter$/m,
    );
    expect(r.stdout).toMatch(
      /^Cores\. --core translator \(the default\) compiles blocks of guest code/m,
    );
    expect(r.stdout).toContain('trapeze run --core interpreter --stats test.elf');
  });
});

describe('trapeze demo --core', () => {
  it('boots the sample on the core asked for, to the same end', async () => {
    const [interpreter, translator] = await Promise.all(
      ['interpreter', 'translator'].map((core) => run(['demo', '--core', core])),
    );
    expect(interpreter?.stdout).toContain(
      '(the virt board on the interpreter core, as trapeze run does)',
    );
    expect(translator?.stdout).toContain(
      '(the virt board on the translator core, as trapeze run does)',
    );
    const boot = (stdout = '') => stdout.slice(stdout.indexOf('Booted on')).split('\n').slice(1);
    expect(boot(translator?.stdout)).toEqual(boot(interpreter?.stdout));
    expect((await run(['demo'])).stdout).toContain('on the translator core');
  });

  it('refuses a core it does not know', async () => {
    const r = await run(['demo', '--core', 'jit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "trapeze demo: error: --core 'jit' is not one of translator, interpreter",
    );
  });
});
