/**
 * The process protocol of contract v1 (docs/contract.md, "Process protocol"): an engine in any
 * language is a command template; the suite writes the program's ELF to a file, runs the
 * command with `{elf}` replaced by its path and the console redirected to a file, and parses
 * the dump the program printed.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capabilities, ProgramOutcome, ProgramRunner, RunExit } from '../contract.js';
import { parseDump } from '../dump.js';
import { checkRange } from '../errors.js';
import { checkBudget, EngineError } from './errors.js';

/** How a process's end maps to an exit: its exit status, or the signal that ended it. */
export type ExitStatusMap = (status: number, instructions: number) => RunExit;

/** Options of {@link processRunner}. */
export interface ProcessRunnerOptions {
  /** The engine's name in reports. */
  readonly name: string;
  /**
   * The command: a string split into words as a POSIX shell would (whitespace separates;
   * single quotes, double quotes and backslashes quote; no expansion), or the words. Every
   * `{elf}` is replaced by the ELF's path and every `{budget}` by the instruction budget.
   */
  readonly command: string | readonly string[];
  readonly capabilities: Capabilities;
  /**
   * Wall-clock limit in milliseconds, an integer in 1…2^31 − 1 (default 60 s); the process is
   * killed and the exit is an error.
   */
  readonly timeoutMs?: number;
  /** Maps the exit status (default {@link defaultExitStatus}). */
  readonly exitStatus?: ExitStatusMap;
  /** Extra environment variables of the process. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The protocol's default exit statuses: 0 — halted with code 0 (finisher pass); 124 — budget
 * reached (as `timeout`); any other N — halted with code N (the finisher's fail code, as QEMU
 * exits).
 */
export function defaultExitStatus(status: number, instructions: number): RunExit {
  checkExitStatus(status, instructions, 'defaultExitStatus');
  if (status === 124) return { kind: 'budget', code: 0, instructions };
  return { kind: 'halt', code: status, instructions };
}

/**
 * Checks the arguments of an {@link ExitStatusMap}: a process exit status (0…255) and the
 * instructions it was given (a non-negative safe integer).
 *
 * @internal
 */
export function checkExitStatus(status: number, instructions: number, what: string): void {
  checkRange(status, `${what}: status`, 0, 255);
  checkRange(instructions, `${what}: instructions`, 0, Number.MAX_SAFE_INTEGER);
}

/** Splits a command template into words (POSIX shell quoting, no expansion). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1] as string))
        word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length)
        throw new EngineError('BAD_TEMPLATE', `command ends with a lone backslash: ${command}`);
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined)
    throw new EngineError('BAD_TEMPLATE', `unterminated ${quote} quote in the command: ${command}`);
  if (inWord) words.push(word);
  return words;
}

/** Checks a template and returns its words (`{elf}` and `{budget}` still in place). */
export function commandWords(command: string | readonly string[]): string[] {
  const words = typeof command === 'string' ? splitCommand(command) : [...command];
  if (words.length === 0 || words[0] === '')
    throw new EngineError('BAD_TEMPLATE', 'the command template is empty');
  if (!words.some((w) => w.includes('{elf}')))
    throw new EngineError(
      'BAD_TEMPLATE',
      `the command template has no {elf} placeholder for the image path: ${words.join(' ')}`,
    );
  return words;
}

/**
 * A {@link ProgramRunner} for an engine behind the process protocol. Typed errors
 * ({@link EngineError}): `BAD_TEMPLATE` at creation for a template that is empty, malformed or
 * without `{elf}`; `ENGINE_NOT_FOUND` from `runProgram` when the command cannot be started. A
 * process killed by the timeout or a signal gives an `error` exit (never a throw).
 *
 * @example
 * ```ts
 * import { buildProgram, EngineError, processRunner, QEMU_CAPABILITIES } from '@trapeze/conformance';
 *
 * // Your emulator, in any language: it runs {elf} and exits with the finisher's status.
 * const mine = processRunner({
 *   name: 'my-emulator',
 *   command: "my-emulator --machine virt --kernel {elf} --max-insns {budget} --name 'my emu'",
 *   capabilities: QEMU_CAPABILITIES, // what your engine declares
 *   timeoutMs: 30_000,
 * });
 * const image = buildProgram({ setup: '', body: 'li a0, 1' });
 * // Here there is no my-emulator on the PATH:
 * const code = await mine.runProgram(image, 1_000_000).catch((e: EngineError) => e.code);
 * code; // → 'ENGINE_NOT_FOUND'
 *
 * try {
 *   processRunner({ name: 'bad', command: 'my-emulator', capabilities: QEMU_CAPABILITIES });
 * } catch (error) {
 *   (error as EngineError).code; // → 'BAD_TEMPLATE'
 * }
 * ```
 *
 * @example
 * ```ts
 * import { buildProgram, processRunner, QEMU_CAPABILITIES, qemuCommand } from '@trapeze/conformance';
 *
 * // needs qemu-system-riscv32 on the PATH
 * const qemu = processRunner({ name: 'qemu', command: qemuCommand(), capabilities: QEMU_CAPABILITIES });
 * const outcome = await qemu.runProgram(buildProgram({ setup: '', body: 'li a0, 5' }), 1_000_000);
 * outcome.exit; // → { kind: 'halt', code: 0 }
 * outcome.dump?.x[9]; // → 5
 * ```
 */
export function processRunner(options: ProcessRunnerOptions): ProgramRunner {
  const words = commandWords(options.command);
  const timeoutMs = checkRange(
    options.timeoutMs ?? 60_000,
    `${options.name}: timeoutMs`,
    1,
    0x7fff_ffff,
    'BAD_OPTION',
  );
  const exitStatus = options.exitStatus ?? defaultExitStatus;
  return {
    name: options.name,
    capabilities: options.capabilities,
    async runProgram(image, budget): Promise<ProgramOutcome> {
      checkBudget(budget, `${options.name}: runProgram budget`);
      const dir = mkdtempSync(join(tmpdir(), 'trapeze-conformance-'));
      try {
        const elf = join(dir, 'program.elf');
        const out = join(dir, 'console.txt');
        const err = join(dir, 'stderr.txt');
        writeFileSync(elf, image.elf);
        const argv = words.map((w) =>
          w.replaceAll('{elf}', elf).replaceAll('{budget}', String(budget)),
        );
        const result = await runToFiles(argv, out, err, timeoutMs, options.env);
        const consoleBytes = new Uint8Array(readFileSync(out));
        const stderr = readFileSync(err, 'utf8').trim();
        let exit: RunExit;
        if (result.timedOut) {
          exit = {
            kind: 'error',
            code: 0,
            instructions: 0,
            message: `timeout: ${options.name} ran longer than ${timeoutMs} ms and was killed`,
          };
        } else if (result.signal !== null) {
          exit = {
            kind: 'error',
            code: 0,
            instructions: 0,
            message: `${options.name} was killed by ${result.signal}${stderr ? `: ${stderr}` : ''}`,
          };
        } else {
          exit = exitStatus(result.status ?? 0, 0);
          if (exit.kind === 'error' && exit.message === undefined && stderr)
            exit = { ...exit, message: stderr };
        }
        return { exit, console: consoleBytes, dump: parseDump(consoleBytes) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

interface ProcessResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/** Runs argv with stdin from /dev/null and stdout, stderr to files (never pipes). */
function runToFiles(
  argv: readonly string[],
  out: string,
  err: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>> | undefined,
): Promise<ProcessResult> {
  const outFd = openSync(out, 'w');
  const errFd = openSync(err, 'w');
  return new Promise<ProcessResult>((resolve, reject) => {
    let timedOut = false;
    let settled = false;
    const child = spawn(argv[0] as string, argv.slice(1), {
      stdio: ['ignore', outFd, errFd],
      env: env === undefined ? process.env : { ...process.env, ...env },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeSync(outFd);
      closeSync(errFd);
      f();
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          e.code === 'ENOENT' || e.code === 'EACCES'
            ? new EngineError(
                'ENGINE_NOT_FOUND',
                `cannot start ${argv[0]}: ${e.code === 'ENOENT' ? 'not found' : 'permission denied'}`,
              )
            : e,
        ),
      );
    });
    child.on('close', (status, signal) => {
      finish(() => resolve({ status, signal, timedOut }));
    });
  });
}
