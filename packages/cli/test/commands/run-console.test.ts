import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { type FakeWorld, fakeIo, type HostEvent, run } from '../support/fake-io.js';

const PASS = `
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b
`;

/** Waits for a received byte with WFI and the UART's interrupt through the PLIC (context 0). */
const WAIT_FOR_BYTE = `
wait_byte:                       # a0: the byte
    li t0, 0x10000000
1:  lbu t1, 5(t0); andi t1, t1, 1; bnez t1, 2f
    wfi
    csrr t1, mip; andi t1, t1, 0x80; beqz t1, 3f   # the timer: say so, and turn it off
    li t2, 0x02004000; li t1, -1; sw t1, 4(t2)
    li t1, 'T'; sb t1, 0(t0)
3:  li t2, 0x0c200004; lw t3, 0(t2); beqz t3, 1b; sw t3, 0(t2)   # claim and complete
    j 1b
2:  lbu a0, 0(t0)
    ret
`;

const UART_IRQ = `
    li t0, 0x10000000
    li t1, 1; sb t1, 1(t0)                          # IER: received data available
    li t2, 0x0c000028; li t1, 1; sw t1, 0(t2)       # PLIC priority of source 10
    li t2, 0x0c002000; li t1, 0x400; sw t1, 0(t2)   # enabled for context 0 (M-mode)
    li t2, 0x0c200000; sw zero, 0(t2)               # threshold 0
`;

/**
 * Echoes what it receives until 'q', waiting with WFI for the UART's interrupt; with
 * `timerSeconds`, it also sets the timer that far ahead and prints 'T' when it fires.
 */
function echoGuest(timerSeconds?: number): string {
  const timer =
    timerSeconds === undefined
      ? `
    li t2, 0x02004000; li t1, -1; sw t1, 4(t2)      # no timer (mtimecmp is 0 at reset)
    li t1, 0x800; csrw mie, t1                      # MEIE
`
      : `
    li t2, 0x02004000; li t1, -1; sw t1, 4(t2)
    li t1, ${timerSeconds * 10_000_000}; sw t1, 0(t2); sw zero, 4(t2)
    li t1, 0x880; csrw mie, t1                      # MEIE and MTIE
`;
  return `
_start:
${UART_IRQ}
${timer}
loop:
    call wait_byte
    li t1, 'q'; beq a0, t1, done
    li t0, 0x10000000; sb a0, 0(t0)
    j loop
done:
${PASS}
${WAIT_FOR_BYTE}
`;
}

/**
 * Like the OS at its prompt: wakes up every second (timer), echoes what has arrived, until 'q'.
 * Never waits for the UART's interrupt.
 */
const TICKING = `
_start:
    li t0, 0x10000000
    li t1, 0x80; csrw mie, t1
loop:
    lbu t1, 5(t0); andi t1, t1, 1; beqz t1, idle
    lbu a0, 0(t0)
    li t1, 'q'; beq a0, t1, done
    sb a0, 0(t0)
    j loop
idle:                            # mtimecmp = mtime + 1 s (64 bits)
    li t2, 0x0200bff8; lw t3, 0(t2); lw t5, 4(t2)
    li t4, 10000000; add t4, t3, t4; sltu t6, t4, t3; add t5, t5, t6
    li t2, 0x02004000; li t6, -1; sw t6, 4(t2); sw t4, 0(t2); sw t5, 4(t2)
    wfi
    j loop
done:
${PASS}
`;

const LOOP = '_start:\n    j _start\n';

function elfOf(source: string): Uint8Array {
  return elfImage(assemble(source, { textAddress: 0x80000000 }));
}

function runGuest(source: string, options: readonly string[], world: FakeWorld = {}) {
  return run(['run', ...options, 'guest.elf'], {
    ...world,
    files: { 'guest.elf': elfOf(source), ...world.files },
  });
}

/** Virtual time from --stats, in ns. */
function virtualNs(stderr: string): number {
  const match = /^virtual time: ([0-9]+) ns/m.exec(stderr);
  if (match === null) throw new Error(`no --stats in ${stderr}`);
  return Number(match[1]);
}

const CTRL_A = '\x01';
const typed = (...events: HostEvent[]) => events;

describe('trapeze run: the end of standard input', () => {
  it('waits for input while standard input is open, even when nothing else can wake the hart', async () => {
    const r = await runGuest(echoGuest(), [], {
      events: typed({ after: 30, input: 'x' }, { after: 20, input: 'yq' }),
    });
    expect(r.stdout).toBe('xy');
    expect(r.code).toBe(0);
  });

  it('once input has ended and nothing else can wake the hart, stops with 125', async () => {
    const r = await runGuest(echoGuest(), [], { stdin: 'ab' });
    expect(r.stdout).toBe('ab');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(
      /stopped: the hart waits \(wfi\) with no interrupt that could wake it/,
    );
  });

  it('once input has ended, a guest that only wakes up to look stops after 10 s of virtual time without output', async () => {
    const r = await runGuest(TICKING, ['--stats'], { stdin: 'ab' });
    expect(r.stdout).toBe('ab');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(
      /stopped: input has ended and the guest has waited \(wfi\) for 10 s of virtual time without output/,
    );
    // It waits a little under a second at a time (its mtimecmp is mtime + 1 s, set a few
    // instructions after reading mtime): it stops at the first wait that ends 10 s or later.
    const ns = virtualNs(r.stderr);
    expect(ns).toBeGreaterThan(10e9);
    expect(ns).toBeLessThan(11.1e9);
  });

  it('without any input (/dev/null), the same guest keeps going, as QEMU does', async () => {
    const r = await runGuest(TICKING, ['--max-insns', '30000', '--stats']);
    expect(r.code).toBe(124);
    expect(virtualNs(r.stderr)).toBeGreaterThan(100e9);
  });

  it('while input is open, the same guest keeps going (here until its budget)', async () => {
    const r = await runGuest(TICKING, ['--max-insns', '30000', '--stats'], {
      events: typed({ input: 'x' }),
    });
    expect(r.stdout).toBe('x');
    expect(r.code).toBe(124);
    expect(virtualNs(r.stderr)).toBeGreaterThan(100e9);
  });

  it('output restarts the quiet time: a guest that prints every second runs on', async () => {
    // Prints '.' at every wake-up: never quiet, so only the budget stops it.
    const dots = TICKING.replace('    wfi\n', "    li t1, '.'; sb t1, 0(t0)\n    wfi\n");
    const r = await runGuest(dots, ['--max-insns', '5000', '--stats'], { stdin: '' });
    expect(r.code).toBe(124);
    expect(r.stdout).toMatch(/^\.{20,}$/);
  });
});

describe('trapeze run: idle time (--icount sleep)', () => {
  // The guest sets its timer 100 s ahead and waits for input; input comes after 40 ms.
  const events = typed({ after: 40, input: 'a' }, { after: 10, input: 'q' });

  it('sleep=off (the default without a terminal) skips to the deadline: deterministic', async () => {
    const r = await runGuest(echoGuest(100), ['--stats'], { events });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Ta'); // the timer fired first: 100 s went by at once
    expect(virtualNs(r.stderr)).toBeGreaterThanOrEqual(100e9);
  });

  it('sleep=on waits in host time, for the deadline or for input, and moves virtual time by as much', async () => {
    const started = performance.now();
    const r = await runGuest(echoGuest(100), ['--stats', '--icount', 'sleep=on'], { events });
    const ms = performance.now() - started;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a'); // no timer: only about 50 ms went by
    expect(ms).toBeGreaterThanOrEqual(45);
    const ns = virtualNs(r.stderr);
    // The input's 40 ms count from when standard input opened, before the machine was built
    // and its run began (tens of milliseconds on a loaded host): the run waited less than
    // that, but far longer than its few thousand instructions take.
    expect(ns).toBeGreaterThanOrEqual(10e6);
    expect(ns).toBeLessThan(ms * 1e6 + 1e6);
  });

  it('sleep=on reaches a near deadline in host time', async () => {
    const guest = echoGuest(0.03); // the timer 30 ms ahead
    const r = await runGuest(guest, ['--stats', '--icount', 'sleep=on'], {
      events: typed({ after: 80, input: 'q' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('T');
    expect(virtualNs(r.stderr)).toBeGreaterThanOrEqual(30e6);
  });

  it('sleep=on is the default at a terminal, and --icount sleep=off overrides it', async () => {
    const terminal = { terminal: true, events };
    const onTerminal = await runGuest(echoGuest(100), [], terminal);
    expect(onTerminal.stdout).toBe('a');
    const forced = await runGuest(echoGuest(100), ['--icount', 'sleep=off'], terminal);
    expect(forced.stdout).toBe('Ta');
  });
});

describe('trapeze run: at a terminal', () => {
  it('puts the terminal in raw mode for the run, and back at the end', async () => {
    const r = await runGuest(echoGuest(), [], { terminal: true, events: typed({ input: 'hiq' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi');
    expect(r.rawModes).toEqual([true, false]);
    expect(r.signalsHandled).toBe(false);
  });

  it('Ctrl-A X quits with status 0, writing --save-snapshot and --json first', async () => {
    const r = await runGuest(echoGuest(), ['--save-snapshot', 's.json', '--json'], {
      terminal: true,
      events: typed({ input: 'ab' }, { after: 20, input: `${CTRL_A}x` }),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('ab\ntrapeze run: terminated (Ctrl-A X)\n');
    expect(JSON.parse(r.stdout).exit).toEqual({ kind: 'quit', code: 0 });
    const snapshot = JSON.parse(new TextDecoder().decode(r.files.get('s.json')));
    expect(snapshot.format).toBe('trapeze-virt-snapshot');
    expect(r.rawModes).toEqual([true, false]);
  });

  it('Ctrl-A X works split across reads, and in upper case', async () => {
    const r = await runGuest(LOOP, [], {
      terminal: true,
      events: typed({ after: 10, input: CTRL_A }, { after: 10, input: 'X' }),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('terminated (Ctrl-A X)');
  });

  it('Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-C, Ctrl-D and Ctrl-Z are bytes for the guest', async () => {
    const r = await runGuest(echoGuest(), [], {
      terminal: true,
      events: typed({ input: `${CTRL_A}${CTRL_A}\x03\x04\x1a` }, { after: 20, input: 'q' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\x01\x03\x04\x1a');
  });

  it('Ctrl-A H lists the keys, Ctrl-A C prints the machine status; other keys are dropped', async () => {
    const r = await runGuest(echoGuest(), [], {
      terminal: true,
      events: typed({ input: `${CTRL_A}h${CTRL_A}c${CTRL_A}za` }, { after: 20, input: 'q' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a');
    for (const key of ['C-a h', 'C-a x', 'C-a s', 'C-a t', 'C-a b', 'C-a c', 'C-a C-a'])
      expect(r.stderr).toContain(key);
    expect(r.stderr).toMatch(
      /no monitor here \(QEMU's Ctrl-A C\); pc 0x8[0-9a-f]{7}, M-mode, \d+ instructions, virtual time [0-9.]+ s, waiting \(wfi\)/,
    );
  });

  it('Ctrl-A S writes the snapshot and the run goes on', async () => {
    const { io, state } = fakeIo({
      files: { 'guest.elf': elfOf(echoGuest()) },
      terminal: true,
      events: typed({ input: 'a' }, { after: 20, input: `${CTRL_A}s` }, { after: 30, input: 'bq' }),
    });
    let writes = 0;
    const write = io.writeFile;
    io.writeFile = (path, data) => {
      writes++;
      return write(path, data);
    };
    const code = await main(['run', '--save-snapshot', 's.json', 'guest.elf'], io);
    expect(code).toBe(0);
    expect(state.stdout).toBe('ab');
    expect(state.stderr).toContain("trapeze run: snapshot written to 's.json'\n");
    expect(writes).toBe(2); // Ctrl-A S, then at the end
    const without = await runGuest(LOOP, [], {
      terminal: true,
      events: typed({ input: `${CTRL_A}s` }, { after: 20, input: `${CTRL_A}x` }),
    });
    expect(without.stderr).toContain('no --save-snapshot FILE to write (Ctrl-A S)');
  });

  it('Ctrl-A T stamps the lines that follow with host time', async () => {
    const r = await runGuest(echoGuest(), [], {
      terminal: true,
      events: typed(
        { input: 'a\n' },
        { after: 20, input: `${CTRL_A}t` },
        { after: 20, input: 'b\nc\n' },
        { after: 30, input: 'd\nq' },
      ),
    });
    expect(r.code).toBe(0);
    // As QEMU: the first stamp at the start of the line after the current one.
    // (The times themselves: test/console.test.ts, with a clock of its own.)
    expect(r.stdout).toMatch(/^a\nb\n\[00:00:00\.000\] c\n\[00:00:\d\d\.\d\d\d\] d\n$/);
  });

  it('Ctrl-A B sends a break: the guest reads a 0 byte', async () => {
    const r = await runGuest(echoGuest(), [], {
      terminal: true,
      events: typed({ input: `${CTRL_A}b` }, { after: 20, input: 'q' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\0');
  });

  it('without a terminal, Ctrl-A is an ordinary byte for the guest', async () => {
    const r = await runGuest(echoGuest(), [], { events: typed({ input: `${CTRL_A}xq` }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\x01x');
    expect(r.rawModes).toEqual([]);
  });

  it('puts the terminal back when the run fails inside', async () => {
    const { io, state } = fakeIo({
      files: { 'guest.elf': elfOf(echoGuest()) },
      terminal: true,
      events: typed({ input: 'a\n' }),
    });
    io.stdout = () => {
      throw new Error('the terminal went away');
    };
    const code = await main(['run', 'guest.elf'], io);
    expect(code).toBe(1);
    expect(state.stderr).toContain('internal error: the terminal went away');
    expect(state.rawModes).toEqual([true, false]);
    expect(state.signalsHandled).toBe(false);
  });

  it('puts the terminal back when a signal stops the run', async () => {
    const r = await runGuest(LOOP, [], {
      terminal: true,
      events: typed({ after: 20, signal: 'SIGTERM' }),
    });
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('trapeze run: stopped by SIGTERM\n');
    expect(r.rawModes).toEqual([true, false]);
  });
});

describe('trapeze run: signals', () => {
  it('SIGINT writes the requested snapshot, then exits 130', async () => {
    const r = await runGuest(LOOP, ['--save-snapshot', 's.json', '--json'], {
      events: typed({ after: 30, signal: 'SIGINT' }),
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('trapeze run: stopped by SIGINT\n');
    expect(JSON.parse(r.stdout).exit).toEqual({ kind: 'signal', code: 2 });
    expect(JSON.parse(new TextDecoder().decode(r.files.get('s.json'))).format).toBe(
      'trapeze-virt-snapshot',
    );
    expect(r.signalsHandled).toBe(false);
  });

  it('SIGINT stops a hart that waits for input, and SIGHUP is 129', async () => {
    const r = await runGuest(echoGuest(), [], { events: typed({ after: 20, signal: 'SIGHUP' }) });
    expect(r.code).toBe(129);
  });
});
