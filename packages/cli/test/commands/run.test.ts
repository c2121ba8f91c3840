import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { fakeIo, run } from '../support/fake-io.js';

/** Assembles `source` at `address` (RAM by default) into an ELF executable. */
function elfOf(source: string, address = 0x80000000): Uint8Array {
  return elfImage(assemble(source, { textAddress: address }));
}

/** Writes `value` to the test finisher and spins. */
function finish(value: number): string {
  return `
    li t0, 0x100000
    li t1, ${value}
    sw t1, 0(t0)
9:  j 9b
`;
}

const PASS = finish(0x5555);

const HELLO = `
    .globl _start
_start:
    li t0, 0x10000000
    la t2, message
1:  lbu a0, 0(t2)
    beqz a0, 3f
2:  lbu t3, 5(t0)
    andi t3, t3, 0x20
    beqz t3, 2b
    sb a0, 0(t0)
    addi t2, t2, 1
    j 1b
3:
${PASS}
    .data
message:
    .byte 'h', 'e', 'l', 'l', 'o', 0
`;

const ECHO = `
    .globl _start
_start:
    li t0, 0x10000000
1:  lbu t1, 5(t0)
    andi t1, t1, 1
    beqz t1, 1b
    lbu a0, 0(t0)
2:  lbu t1, 5(t0)
    andi t1, t1, 0x20
    beqz t1, 2b
    sb a0, 0(t0)
${PASS}
`;

const LOOP = '_start:\n    j _start\n';

async function runGuest(source: string, options: readonly string[] = [], stdin?: string) {
  return run(['run', ...options, 'guest.elf'], {
    files: { 'guest.elf': elfOf(source) },
    ...(stdin === undefined ? {} : { stdin }),
  });
}

describe('trapeze run: exits', () => {
  it('prints what the guest sends to the UART and exits 0 when it passes', async () => {
    const r = await runGuest(HELLO);
    expect(r.stdout).toBe('hello');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("exits with the guest's failure code", async () => {
    const r = await runGuest(`_start:\n${finish((3 << 16) | 0x3333)}`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('trapeze run: the guest failed with code 3\n');
  });

  it('exits 1 when the guest fails with code 0, and clamps codes above 255', async () => {
    expect((await runGuest(`_start:\n${finish(0x3333)}`)).code).toBe(1);
    expect((await runGuest(`_start:\n${finish((300 << 16) | 0x3333)}`)).code).toBe(255);
  });

  it('exits 3 when the guest asks for a reset', async () => {
    const r = await runGuest(`_start:\n${finish(0x7777)}`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('trapeze run: guest requested a reset (not supported yet)\n');
  });

  it('stops with exit status 124 when the --max-insns budget runs out', async () => {
    const r = await runGuest(LOOP, ['--max-insns', '1000', '--stats']);
    expect(r.code).toBe(124);
    expect(r.stderr).toContain('trapeze run: stopped: instruction budget of 1000 reached\n');
    expect(r.stderr).toContain('instructions: 1000\n');
  });

  it('stops with exit status 125 when the hart waits with nothing to wake it', async () => {
    const r = await runGuest('_start:\n    wfi\n    j _start\n');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^trapeze run: stopped: the hart waits \(wfi\) .* at pc 0x8000000/);
  });

  it('stops with exit status 126 when the hart is stuck in a trap loop', async () => {
    // mtvec is 0 after reset and nothing is mapped there.
    const r = await runGuest('_start:\n    ecall\n');
    expect(r.code).toBe(126);
    expect(r.stderr).toBe(
      'trapeze run: stopped: the hart is stuck in a trap loop (mcause 0x00000001, mepc 0x00000000, pc 0x00000000)\n',
    );
  });

  it('names the S-mode trap CSRs when the loop traps into S-mode', async () => {
    // Fetch access faults delegated to S-mode, whose stvec is 0 (and no PMP entry lets S fetch).
    const r = await runGuest(
      '_start:\n    li t0, 2\n    csrw medeleg, t0\n    la t0, s\n    csrw mepc, t0\n' +
        '    li t0, 0x800\n    csrw mstatus, t0\n    mret\ns:\n    j s\n',
    );
    expect(r.code).toBe(126);
    expect(r.stderr).toBe(
      'trapeze run: stopped: the hart is stuck in a trap loop (scause 0x00000001, sepc 0x00000000, pc 0x00000000)\n',
    );
  });
});

/** Prints the device tree's bytes that are lowercase letters or '=' (a1 = its address). */
const DTB_LETTERS = `
_start:
    li t0, 0x10000000
    lbu t1, 6(a1); lbu t2, 7(a1); slli t1, t1, 8; or t1, t1, t2   # totalsize (< 64 KiB)
    add t1, a1, t1
1:  lbu a0, 0(a1)
    addi a1, a1, 1
    li t2, '='; beq a0, t2, 2f
    li t2, 'a'; blt a0, t2, 3f
    li t2, 'z'; bgt a0, t2, 3f
2:  lbu t2, 5(t0); andi t2, t2, 0x20; beqz t2, 2b
    sb a0, 0(t0)
3:  bltu a1, t1, 1b
${PASS}
`;

describe('trapeze run: --break', () => {
  const COUNTDOWN = `
_start:
    li s0, 3
loop:
    addi s0, s0, -1
    bnez s0, loop
${PASS}
`;
  it('stops before the instruction at a symbol or an address, with exit status 5', async () => {
    const bySymbol = await runGuest(COUNTDOWN, ['--break', 'loop', '--json']);
    expect(bySymbol.code).toBe(5);
    const state = JSON.parse(bySymbol.stdout);
    expect(state.x[8]).toBe(3); // s0: the loop has not run yet
    const address = `0x${state.pc.toString(16).padStart(8, '0')}`;
    // Named as it was asked for: by the symbol (and its address), or by the address.
    expect(bySymbol.stderr).toBe(`trapeze run: stopped at breakpoint loop (${address})\n`);
    const byAddress = await runGuest(COUNTDOWN, ['--break', `0x${state.pc.toString(16)}`]);
    expect(byAddress.code).toBe(5);
    expect(byAddress.stderr).toBe(`trapeze run: stopped at breakpoint ${address}\n`);
    const both = await runGuest(COUNTDOWN, ['--break', `${address},loop`]);
    expect(both.stderr).toBe(`trapeze run: stopped at breakpoint loop (${address})\n`);
    const traced = await runGuest(COUNTDOWN, ['--break', 'loop', '--trace', '2']);
    expect(traced.code).toBe(5);
  });

  it('rejects a name that is not a symbol', async () => {
    const r = await runGuest(COUNTDOWN, ['--break', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--break 'nowhere' is neither an address nor a symbol");
  });
});

describe('trapeze run: --append', () => {
  it("puts the kernel command line in the device tree's /chosen/bootargs", async () => {
    const withArgs = await runGuest(DTB_LETTERS, ['--append', 'run=syscall']);
    expect(withArgs.code).toBe(0);
    expect(withArgs.stdout).toContain('bootargs');
    expect(withArgs.stdout).toContain('run=syscall');
    const without = await runGuest(DTB_LETTERS);
    expect(without.stdout).toContain('chosen');
    expect(without.stdout).not.toContain('bootargs');
  });
});

describe('trapeze run: --rng-seed', () => {
  it("puts the 32 bytes in the device tree's /chosen/rng-seed, zeros without it", async () => {
    // 32 lower-case letters: the guest prints the letters of the blob.
    const letters = 'qemuseedbytesfortherunthatisnext';
    const hex = Buffer.from(letters, 'latin1').toString('hex');
    const seeded = await runGuest(DTB_LETTERS, ['--rng-seed', hex]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain(`rngseed${letters}`.slice(0, 7)); // the property's name
    expect(seeded.stdout).toContain(letters);
    const plain = await runGuest(DTB_LETTERS);
    expect(plain.stdout).not.toContain(letters);
    expect(plain.stdout.length).toBe(seeded.stdout.length - letters.length);
  });

  it('refuses a seed that is not 32 bytes of hexadecimal, and with --restore', async () => {
    for (const bad of ['00', 'zz'.repeat(32), '0'.repeat(66)]) {
      const r = await runGuest(DTB_LETTERS, ['--rng-seed', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('must be 32 bytes as 64 hexadecimal digits');
    }
    const restored = await run(['run', '--rng-seed', '0'.repeat(64), '--restore', 's.json'], {
      files: { 's.json': '{}' },
    });
    expect(restored.code).toBe(2);
    expect(restored.stderr).toContain('--rng-seed cannot be used with --restore');
  });
});

describe('trapeze run: input', () => {
  it('feeds standard input to the UART', async () => {
    const r = await runGuest(ECHO, [], 'x');
    expect(r.stdinRead).toBe(true);
    expect(r.stdout).toBe('x');
    expect(r.code).toBe(0);
  });

  it('without input the same guest keeps polling until the budget runs out', async () => {
    const r = await runGuest(ECHO, ['--max-insns', '5000']);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(124);
  });
});

describe('trapeze run: reports', () => {
  it('--json prints the final guest state, and the console goes to standard error', async () => {
    const r = await runGuest(`_start:\n    li a0, 42\n    li a1, -1\n${PASS}`, ['--json']);
    expect(r.code).toBe(0);
    const state = JSON.parse(r.stdout);
    expect(state.x).toHaveLength(32);
    expect(state.x[0]).toBe(0);
    expect(state.x[10]).toBe(42);
    expect(state.x[11]).toBe(0xffffffff);
    expect(state.pc).toBeGreaterThanOrEqual(0x80000000);
    expect(state.privilege).toBe('M');
    expect(state.csrs.misa >>> 30).toBe(1); // MXL = 1: RV32
    expect(Object.keys(state.csrs)).toHaveLength(19);
    expect(state.csrs).toHaveProperty('satp', 0);
    expect(state.instret).toBeGreaterThan(5);
    expect(state.exit).toEqual({ kind: 'pass', code: 0 });

    const hello = await runGuest(HELLO, ['--json']);
    expect(hello.stderr).toBe('hello');
    expect(JSON.parse(hello.stdout).exit.kind).toBe('pass');
  });

  it('--stats prints instructions, virtual time, wall time and MIPS', async () => {
    const r = await runGuest(HELLO, ['--stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello');
    expect(r.stderr).toMatch(/^instructions: [1-9][0-9]*\n/m);
    expect(r.stderr).toMatch(/^virtual time: [1-9][0-9]* ns \([0-9]+ mtime ticks\)\n/m);
    expect(r.stderr).toMatch(/^wall time: +[0-9]+\.[0-9]{3} s\n/m);
    expect(r.stderr).toMatch(/^speed: +[0-9]+\.[0-9]{2} MIPS\n/m);
  });

  it('--trace N prints the last N instructions executed, disassembled', async () => {
    const r = await runGuest(`_start:\n    nop\n${PASS}`, ['--trace', '3']);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /^[0-9a-f]{8}: /.test(l));
    expect(lines).toHaveLength(3);
    expect(r.stderr).toContain('Last 3 instructions executed (traps marked):\n');
    // li t1, 0x5555 is lui + addi; then the store to the finisher retires last.
    expect(lines[0]).toMatch(/\tlui\tt1, 5$/);
    expect(lines[1]).toMatch(/\taddi\tt1, t1, 1365$/);
    expect(lines[2]).toMatch(/^800000[0-9a-f]{2}: [0-9a-f ]+\tsw\tt1, 0\(t0\)$/);
  });

  it('documents the exit statuses in --help', async () => {
    const r = await run(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: trapeze run /);
    for (const status of ['5', '124', '125', '126', '130', 'reset', 'Ctrl-A X'])
      expect(r.stdout).toContain(status);
    // The exit statuses end the help, and nothing generic contradicts them.
    expect(r.stdout).toMatch(/Exit status: 0 the guest passed[\s\S]*143 SIGTERM\)\.\n$/);
    expect(r.stdout).not.toContain('1 the command failed');
  });

  it('--help says which --icount sleep mode is the default, and why', async () => {
    const r = await run(['run', '--help']);
    expect(r.stdout).toContain('--icount OPTS');
    expect(r.stdout).toMatch(/default is sleep=on when standard input is a terminal/);
    expect(r.stdout).toMatch(/sleep=off\s+otherwise \(scripts, tests and conformance/);
  });
});

/** Sets mtvec to \`handler\`, runs \`body\`, then passes; the handler skips the trapping instruction. */
function trapGuest(body: string): string {
  return `
_start:
    la t0, handler
    csrw mtvec, t0
${body}
${PASS}
handler:
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
`;
}

describe('trapeze run: --trace across traps', () => {
  /** The trace lines of a run (address: bytes<TAB>text). */
  function traceLines(stderr: string): string[] {
    return stderr.split('\n').filter((l) => /^[0-9a-f]{8}: /.test(l));
  }

  it('shows an ecall at its own pc, marked as a trap, then the handler at its address', async () => {
    const elf = elfOf(trapGuest('    .option norvc\n    ecall\n    li a0, 1'));
    const r = await run(['run', '--trace', '12', 'guest.elf'], { files: { 'guest.elf': elf } });
    expect(r.code).toBe(0);
    const lines = traceLines(r.stderr);
    const at = lines.findIndex((l) => /\tecall\t# trap: /.test(l));
    expect(at).toBeGreaterThan(0);
    const ecall = lines[at] as string;
    const handler = lines[at + 1] as string;
    expect(ecall).toMatch(
      /^([0-9a-f]{8}): 73 00 00 00 +\tecall\t# trap: environment call from M-mode \(mcause 0x0000000b, tval 0x00000000\) -> 0x([0-9a-f]{8})$/,
    );
    const [, ecallPc, target] = /^([0-9a-f]{8}):.* -> 0x([0-9a-f]{8})$/.exec(ecall) ?? [];
    // The handler's first instruction, at the handler's address (not the ecall's).
    expect(handler.startsWith(`${target}: `)).toBe(true);
    expect(handler).toMatch(/\tcsrr\tt0, mepc$/);
    expect(target).not.toBe(ecallPc);
    // After mret, the instruction after the ecall.
    const back = lines.find((l) => /\tli\ta0, 1$/.test(l)) as string;
    expect(Number.parseInt(back.slice(0, 8), 16)).toBe(Number.parseInt(ecallPc as string, 16) + 4);
  });

  it('shows an illegal instruction at its pc, with its word, marked as a trap', async () => {
    const elf = elfOf(trapGuest('    .option norvc\n    .word 0xffffffff\n    li a0, 1'));
    const r = await run(['run', '--trace', '12', 'guest.elf'], { files: { 'guest.elf': elf } });
    expect(r.code).toBe(0);
    const lines = traceLines(r.stderr);
    const at = lines.findIndex((l) => l.includes('# trap: illegal instruction'));
    expect(lines[at]).toMatch(
      /^[0-9a-f]{8}: ff ff ff ff +\t.*\t# trap: illegal instruction \(mcause 0x00000002, tval 0xffffffff\) -> 0x[0-9a-f]{8}$/,
    );
    expect(lines[at + 1]).toMatch(/\tcsrr\tt0, mepc$/);
  });

  it('shows a fetch fault and the trap loop that follows, then stops (126)', async () => {
    const r = await runGuest('_start:\n    ecall\n', ['--trace', '3']);
    expect(r.code).toBe(126);
    const lines = traceLines(r.stderr);
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(line).toMatch(
        /^00000000: +\t# trap: instruction access fault \(mcause 0x00000001, tval 0x00000000\) -> 0x00000000$/,
      );
  });

  it('shows an interrupt where it was taken', async () => {
    // Machine software interrupt: raise MSIP through the CLINT with MIE on.
    const elf = elfOf(
      trapGuest(`
    li t0, 8; csrw mie, t0
    csrsi mstatus, 8
    li t0, 0x02000000; li t1, 1; sw t1, 0(t0)
    nop
    nop`).replace(
        'handler:\n    csrr t0, mepc\n    addi t0, t0, 4\n    csrw mepc, t0',
        'handler:\n    li t0, 0x02000000; sw zero, 0(t0)',
      ),
    );
    const r = await run(['run', '--trace', '40', 'guest.elf'], { files: { 'guest.elf': elf } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /\n[0-9a-f]{8}: +\t# trap: machine software interrupt \(mcause 0x80000003\) -> 0x[0-9a-f]{8}\n/,
    );
  });

  it('stops at a --break on the handler, as asked, also while tracing', async () => {
    const elf = elfOf(trapGuest('    ecall'));
    const r = await run(['run', '--trace', '4', '--break', 'handler', 'guest.elf'], {
      files: { 'guest.elf': elf },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/stopped at breakpoint handler \(0x[0-9a-f]{8}\)/);
    expect(traceLines(r.stderr).at(-1)).toMatch(/\tecall\t# trap: /);
  });
});

describe('trapeze run: snapshots', () => {
  it('--save-snapshot then --restore continues exactly where the run stopped', async () => {
    const whole = await runGuest(HELLO);
    expect(whole.stdout).toBe('hello');
    const first = await runGuest(HELLO, ['--max-insns', '20', '--save-snapshot', 'at20.json']);
    expect(first.code).toBe(124);
    const saved = first.files.get('at20.json') as Uint8Array;
    const snapshot = JSON.parse(new TextDecoder().decode(saved));
    expect(snapshot.format).toBe('trapeze-virt-snapshot');
    const rest = await run(['run', '--restore', 'at20.json', '--json'], {
      files: { 'at20.json': saved },
    });
    expect(rest.code).toBe(0);
    expect(first.stdout + rest.stderr).toBe('hello');
    const end = JSON.parse(rest.stdout);
    const direct = JSON.parse((await runGuest(HELLO, ['--json'])).stdout);
    expect(end).toEqual(direct);
  });

  it('refuses a snapshot that is not JSON, not a snapshot, or for another RAM size', async () => {
    const first = await runGuest(HELLO, ['--max-insns', '5', '--save-snapshot', 's.json']);
    const saved = first.files.get('s.json') as Uint8Array;
    const notJson = await run(['run', '--restore', 'x.json'], { files: { 'x.json': '{oops' } });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/cannot restore 'x\.json': not JSON/);
    const notSnapshot = await run(['run', '--restore', 'y.json'], {
      files: { 'y.json': JSON.stringify({ format: 'trapeze-virt-snapshot', version: 1 }) },
    });
    expect(notSnapshot.code).toBe(2);
    expect(notSnapshot.stderr).toMatch(/cannot restore 'y\.json': snapshot field ramSize/);
    const otherRam = await run(['run', '--mem', '64M', '--restore', 's.json'], {
      files: { 's.json': saved },
    });
    expect(otherRam.code).toBe(2);
    expect(otherRam.stderr).toMatch(/this machine has 67108864 bytes of RAM/);
    const append = await run(['run', '--append', 'x', '--restore', 's.json'], {
      files: { 's.json': saved },
    });
    expect(append.code).toBe(2);
    expect(append.stderr).toContain('--append cannot be used with --restore');
  });

  it('checks that the --save-snapshot FILE can be written before running', async () => {
    const unwritable = await run(['run', '--save-snapshot', 'ro.json', 'guest.elf'], {
      files: { 'guest.elf': elfOf(HELLO) },
      failing: { 'ro.json': 'EACCES' },
    });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe(
      "trapeze run: error: --save-snapshot 'ro.json' cannot be written: permission denied\n" +
        "Run 'trapeze run --help' for usage.\n",
    );
    expect(unwritable.stdout).toBe(''); // the guest never ran
    expect(unwritable.files.has('ro.json')).toBe(false);
  });

  it('a snapshot that cannot be written at the end (after the check) is exit status 1', async () => {
    const { io, state } = fakeIo({ files: { 'guest.elf': elfOf(HELLO) } });
    io.writeFile = async () => {
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    };
    const code = await main(['run', '--save-snapshot', 's.json', 'guest.elf'], io);
    expect(code).toBe(1);
    expect(state.stdout).toBe('hello');
    expect(state.stderr).toBe(
      "trapeze run: error: cannot write 's.json': no space left on device\n",
    );
  });
});

describe('trapeze run: errors', () => {
  it('rejects a bad --mem with exit status 2', async () => {
    for (const mem of ['lots', '12Q', '100', '3G']) {
      const r = await runGuest(PASS, ['--mem', mem]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`trapeze run: error: --mem '${mem}'`);
      expect(r.stderr).toContain("Run 'trapeze run --help' for usage.");
    }
    expect((await runGuest(`_start:\n${PASS}`, ['--mem', '256K'])).code).toBe(0);
    expect((await runGuest(`_start:\n${PASS}`, ['--mem', '1048576'])).code).toBe(0);
  });

  it('rejects a bad --max-insns or --trace', async () => {
    for (const option of ['--max-insns', '--trace']) {
      for (const value of ['0', '000', '-5', '1e3', 'lots']) {
        const r = await runGuest(PASS, [option, value]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${option} '${value}' is not a positive integer`);
      }
    }
  });

  it('says that a --max-insns or --trace is too large, and what the maximum is', async () => {
    for (const value of ['99999999999999999999', '9007199254740992', '9_007_199_254_740_992']) {
      const r = await runGuest(PASS, ['--max-insns', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--max-insns '${value}' is too large (at most 9007199254740991)`);
    }
    expect((await runGuest(`_start:\n${PASS}`, ['--max-insns', '9007199254740991'])).code).toBe(0);
    const trace = await runGuest(PASS, ['--trace', '1000001']);
    expect(trace.code).toBe(2);
    expect(trace.stderr).toContain("--trace '1000001' is too large (at most 1000000)");
  });

  it('rejects a bad --icount', async () => {
    for (const value of ['sleep=maybe', 'shift=2', 'auto', 'sleep=on,align=on']) {
      const r = await runGuest(PASS, ['--icount', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--icount '${value}'`);
    }
    expect((await runGuest(`_start:\n${PASS}`, ['--icount', 'shift=0,sleep=off'])).code).toBe(0);
  });

  it('rejects a file with the ELF magic number that is not a valid ELF file', async () => {
    // Any other file is a raw image (test/commands/run-images.test.ts).
    const r = await run(['run', 'guest.elf'], { files: { 'guest.elf': '\x7fELF, but no more' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^trapeze run: error: 'guest\.elf' is not a valid ELF file: /);
    expect(r.stdout).toBe('');
  });

  it('rejects a missing file and an image outside RAM', async () => {
    const missing = await run(['run', 'nope.elf']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read 'nope.elf': no such file or directory");
    const outside = await run(['run', 'low.elf'], { files: { 'low.elf': elfOf(PASS, 0x1000) } });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^trapeze run: error: cannot load 'low\.elf': .*outside RAM/);
    const none = await run(['run']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no image given');
  });
});
