/**
 * `trapeze run` as a process (the built bin): signals, the end of a real pipe, and a real
 * terminal (a pseudo-terminal from util-linux `script`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../../test-support.ts';

const BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const built = requireTool(
  'packages/cli/dist/main.js',
  existsSync(BIN),
  'the process tests of trapeze run skipped (build the workspace first)',
);
const hasScript = requireTool(
  'script',
  hasCommand('script'),
  'the real-terminal tests of trapeze run skipped (util-linux script: apt-get install bsdutils)',
);

const dir = mkdtempSync(join(tmpdir(), 'trapeze-run-'));

/** Writes the ELF of `source` to the temporary directory. */
function guest(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, elfImage(assemble(source, { textAddress: 0x80000000 })));
  return path;
}

const PROMPT = `
    li t0, 0x10000000
    li t1, '>'; sb t1, 0(t0)
`;

/** Prints '>', then echoes what it receives (UART interrupt, WFI) until 'q'. */
const ECHO = guest(
  'echo.elf',
  `
_start:
${PROMPT}
    li t1, 1; sb t1, 1(t0)
    li t2, 0x0c000028; li t1, 1; sw t1, 0(t2)
    li t2, 0x0c002000; li t1, 0x400; sw t1, 0(t2)
    li t2, 0x0c200000; sw zero, 0(t2)
    li t2, 0x02004000; li t1, -1; sw t1, 4(t2)
    li t1, 0x800; csrw mie, t1
1:  lbu t1, 5(t0); andi t1, t1, 1; bnez t1, 2f
    wfi
    li t2, 0x0c200004; lw t3, 0(t2); beqz t3, 1b; sw t3, 0(t2)
    j 1b
2:  lbu a0, 0(t0)
    li t1, 'q'; beq a0, t1, 3f
    sb a0, 0(t0)
    j 1b
3:  li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
9:  j 9b
`,
);

/** Prints '>', then spins. */
const SPIN = guest('spin.elf', `_start:\n${PROMPT}\n1:  j 1b\n`);

/** Resolves with what `child` printed once `text` appears on its standard output. */
function waitFor(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes(text)) {
        child.stdout?.off('data', onData);
        resolve(out);
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before printing ${text}: ${out}`)));
  });
}

/** Resolves with the exit status and the rest of standard output and error. */
function finished(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!built)('trapeze run as a process', () => {
  it('SIGINT with standard input not a terminal: writes --save-snapshot, exits 130', async () => {
    const snapshot = join(dir, 'sigint.json');
    const child = spawn(process.execPath, [BIN, 'run', '--save-snapshot', snapshot, SPIN], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const done = finished(child);
    await waitFor(child, '>');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    // On a line of its own: after the guest's '>' on the terminal.
    expect(r.stderr).toBe('\ntrapeze run: stopped by SIGINT\n');
    expect(JSON.parse(readFileSync(snapshot, 'utf8')).format).toBe('trapeze-virt-snapshot');
  });

  it.runIf(process.platform === 'linux')(
    'runs guest code on a main thread above its helper threads (Linux)',
    async () => {
      const child = spawn(process.execPath, [BIN, 'run', SPIN], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const done = finished(child);
      await waitFor(child, '>');
      // Field 19 of /proc/PID/task/TID/stat is the thread's niceness.
      const nice = (tid: string) =>
        Number(
          readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8')
            .split(') ')[1]
            ?.split(' ')[16],
        );
      const tids = readdirSync(`/proc/${child.pid}/task`);
      const main = nice(String(child.pid));
      const helpers = tids.filter((tid) => tid !== String(child.pid)).map(nice);
      child.kill('SIGTERM');
      expect((await done).code).toBe(143);
      expect(helpers.length).toBeGreaterThan(0);
      expect(helpers.filter((n) => n > main).length).toBeGreaterThanOrEqual(4);
    },
  );

  it('a closed pipe: the guest reads what there was, then the run stops (125)', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', ECHO], { input: 'ab', encoding: 'utf8' });
    expect(r.stdout).toBe('>ab');
    expect(r.status).toBe(125);
  });

  it('the OS shell after its piped input: stops 10 s of virtual time after it last spoke (125)', () => {
    const os = fileURLToPath(new URL('../../../../guests/images/os.elf', import.meta.url));
    const r = spawnSync(process.execPath, [BIN, 'run', '--stats', os], {
      input: 'help\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).toContain('$ help\ncommands:\n');
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('input has ended and the guest has waited (wfi) for 10 s');
    const ns = Number(/virtual time: (\d+) ns/.exec(r.stderr)?.[1]);
    // 10 s after the help text, which came when the piped line did (in skipped virtual time,
    // a second or two after boot): not the run-away of before (thousands of seconds).
    expect(ns).toBeGreaterThan(10e9);
    expect(ns).toBeLessThan(30e9);
  });

  it('an open pipe: the guest waits for input (the run goes on until it comes)', async () => {
    const child = spawn(process.execPath, [BIN, 'run', ECHO], { stdio: ['pipe', 'pipe', 'pipe'] });
    const done = finished(child);
    await waitFor(child, '>');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBe(null);
    child.stdin?.end('xq');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('>x');
  });
});

/**
 * Runs `command` in a pseudo-terminal (util-linux `script`), types `keys` once `ready` has
 * appeared, and resolves with everything the terminal showed.
 */
async function inTerminal(command: string, keys: readonly string[], ready = '>'): Promise<string> {
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let shown = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    shown += chunk.toString('utf8');
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await waitFor(child, ready);
  for (const key of keys) {
    child.stdin?.write(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await closed;
  clearTimeout(timer);
  return shown;
}

describe.skipIf(!built || !hasScript)('trapeze run at a real terminal', () => {
  const sttyAfter =
    "; echo \"STATUS=$?\"; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig)'";

  it('shows each typed key once (raw mode), and puts the terminal back', async () => {
    const shown = await inTerminal(`node ${BIN} run ${ECHO}${sttyAfter}`, ['ab', 'q']);
    const lines = shown.replace(/\r/g, '').split('\n');
    expect(lines[0]).toBe('>abSTATUS=0');
    expect(lines.slice(1, 4).sort()).toEqual(['echo', 'icanon', 'isig']);
  });

  it('Ctrl-C goes to the guest; Ctrl-A X quits with status 0 and puts the terminal back', async () => {
    const shown = await inTerminal(`node ${BIN} run ${ECHO}${sttyAfter}`, ['a\x03', '\x01x']);
    const text = shown.replace(/\r/g, '');
    expect(text.startsWith('>a\x03\ntrapeze run: terminated (Ctrl-A X)\nSTATUS=0\n')).toBe(true);
    expect(text.split('\n').slice(3, 6).sort()).toEqual(['echo', 'icanon', 'isig']);
  });
});
