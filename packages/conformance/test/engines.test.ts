/**
 * The engine adapters: the bare engine's VMs, the process protocol (typed errors, exit
 * statuses, timeouts), and the differential check that QEMU and `trapeze run` print the same
 * dumps as the bare engine (skipped with a message where QEMU or the built cli is missing; under
 * CI, a failure: see test-support.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hart } from '@trapeze/isa';
import { VirtMachine } from '@trapeze/machine';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import {
  CONTRACT_VERSION,
  type DumpedState,
  type Engine,
  GUEST_CSRS,
  type ProgramOutcome,
} from '../src/contract.js';
import { diffDumps, formatDump, parseDumpStrict } from '../src/dump.js';
import {
  BARE_CAPABILITIES,
  BARE_READ_ONLY_MASKS,
  BARE_WARL_MASKS,
  bareEngine,
} from '../src/engines/bare.js';
import { EngineError } from '../src/engines/errors.js';
import { fnv1a32 } from '../src/engines/fnv.js';
import { programRunnerFor } from '../src/engines/in-process-runner.js';
import { commandWords, processRunner, splitCommand } from '../src/engines/process.js';
import { QEMU_BINARY, qemuCommand, qemuRunner } from '../src/engines/qemu.js';
import { trapezeRunRunner } from '../src/engines/trapeze-run.js';
import { buildProgram, type HarnessProgram, initialDataPage } from '../src/harness.js';

const QEMU_AVAILABLE = requireTool(
  QEMU_BINARY,
  hasCommand(QEMU_BINARY),
  'QEMU differential tests skipped (apt-get install qemu-system-misc; CI installs it)',
);
const CLI_PACKAGE = fileURLToPath(new URL('../../cli', import.meta.url));
const CLI = `${CLI_PACKAGE}/dist/main.js`;
// turbo runs this package's tests after @trapeze/cli#build (turbo.json).
const CLI_AVAILABLE = requireTool(
  'packages/cli/dist/main.js',
  existsSync(CLI),
  'trapeze-run tests skipped (build the workspace first: npx -y pnpm@12.4.2 run build)',
);

/** Programs every engine must dump identically (under the capabilities' masks). */
const PROGRAMS: Record<string, HarnessProgram> = {
  arithmetic: {
    setup: '',
    body: `
      li a0, 0x12345678; li a1, -7
      mul a2, a0, a1; mulh a3, a0, a1; mulhu a4, a0, a1; mulhsu a5, a1, a0
      div a6, a1, a0; rem s2, a1, a0; divu s3, a0, zero; rem s4, a0, zero
      sll s5, a0, a1; sra s6, a1, a0; sltu s7, a1, a0`,
  },
  memory: {
    setup: '',
    body: `
      lw a0, 0(s11); lh a1, 6(s11); lbu a2, 9(s11)
      sw a0, 100(s11); sh a1, 202(s11); sb a2, 303(s11)
      lw a3, 1(s11); sw a3, 401(s11)                   # misaligned: done, no trap
      addi t0, s11, 64; li t1, 5; amoadd.w a4, t1, (t0); amoswap.w a5, t1, (t0)
      lr.w a6, (t0); sc.w a7, t1, (t0); lw s2, 64(s11)`,
  },
  traps: {
    setup: '',
    body: `
      ecall
      ebreak
      csrr a0, 0x7c0
      li t0, 0; lw t1, 0(t0)
      li t0, 0x10000008; sw zero, 0(t0)
      la ra, 1f; li t0, 0x20; jr t0
    1:
      addi t0, s11, 2; amoadd.w t1, t1, (t0)`,
  },
  supervisor: {
    setup: `
      li t0, 0x800; csrs mstatus, t0
      la t0, __body; csrw mepc, t0
      mret`,
    body: `
      csrr a0, sstatus; csrr a1, sscratch
      li t0, 0x1234; csrw sscratch, t0
      csrr a2, mstatus
      li t0, 0xff; csrw sie, t0; csrr a3, sie`,
  },
  user: {
    setup: 'la t0, __body; csrw mepc, t0; mret',
    body: 'csrr a0, cycle; ecall; sret; wfi; li t0, 0x10000000; lbu a1, 5(t0)',
  },
  paging: {
    setup: `
      la t0, pt_root; srli t0, t0, 12; li t1, 0x80000000; or t0, t0, t1
      csrw satp, t0; sfence.vma
      li t0, 0x800; csrs mstatus, t0
      la t0, __body; csrw mepc, t0; mret`,
    body: `
      li t1, 0xc0000000; add t0, s11, t1    # the data page through the alias at 0x40000000
      lw a0, 4(t0); addi a0, a0, 1; sw a0, 12(t0)
      lw a1, 12(s11)
      li t0, 0x1000; lw a2, 0(t0)           # unmapped: load page fault
      csrr a3, satp`,
    extra: `
      .balign 4096
    pt_root:
      .space 0x400
      .word 0x20000007                      # VA 0x40000000: megapage at 0x80000000, V R W, A = D = 0
      .space 0x3fc
      .word 0x200000cf                      # VA 0x80000000: identity, V R W X A D
      .space 0x7fc`,
    digestPages: ['__data', 'pt_root'],
  },
  counters: {
    setup: '',
    body: `
      csrr a0, minstret; csrr a1, mcycle
      li t0, 300
    1: addi t0, t0, -1; bnez t0, 1b
      csrr a2, minstret; li t0, 0x0200bff8; lw a3, 0(t0)
      ecall; csrr a4, minstret; ebreak; csrr a5, minstret`,
  },
};

const caps = { a: BARE_CAPABILITIES };

function both(a: DumpedState | undefined, b: DumpedState | undefined): [DumpedState, DumpedState] {
  if (a === undefined || b === undefined) throw new Error('a program printed no dump');
  return [a, b];
}

describe('the bare engine', () => {
  it('declares contract version 1 and its capabilities', () => {
    const engine = bareEngine();
    expect(engine.contractVersion).toBe(CONTRACT_VERSION);
    expect(engine.name).toBe('bare/translator');
    expect(engine.core).toBe('translator');
    expect(engine.capabilities).toBe(BARE_CAPABILITIES);
  });

  it('runs on the core it is given, named after it, with the same capabilities', async () => {
    const image = buildProgram(PROGRAMS.arithmetic as HarnessProgram);
    const outcomes = [];
    for (const core of ['interpreter', 'translator'] as const) {
      const engine = bareEngine({ core });
      expect(engine.name).toBe(`bare/${core}`);
      expect(engine.core).toBe(core);
      expect(engine.capabilities).toBe(BARE_CAPABILITIES);
      const outcome = await engine.runProgram(image, 1e7);
      expect(outcome.exit).toMatchObject({ kind: 'halt', code: 0 });
      // The interpreter translates nothing; the translator does (its blocks since load).
      expect((outcome.stats?.blocksTranslated ?? 0) > 0).toBe(core === 'translator');
      outcomes.push(outcome);
    }
    const [a, b] = outcomes as [ProgramOutcome, ProgramOutcome];
    expect(b.console).toEqual(a.console);
    expect(b.stats?.instructions).toBe(a.stats?.instructions);
  });

  it('refuses a core it does not have with EngineError BAD_OPTION', () => {
    for (const [core, shown] of [
      ['jit', '"jit"'],
      [1, '1'],
      [null, 'null'],
      [() => undefined, 'a function'],
    ] as const)
      expect(() => bareEngine({ core: core as never })).toThrow(
        expect.objectContaining({
          name: 'EngineError',
          code: 'BAD_OPTION',
          message: `bareEngine: core must be one of 'interpreter', 'translator', got ${shown}`,
        }),
      );
  });

  it('declares the WARL masks the hart implements (write all ones, read back)', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const csr = machine.hart.csr;
    for (const [name, mask] of Object.entries(BARE_WARL_MASKS)) {
      const number = GUEST_CSRS[name] as number;
      csr.writeRaw(0x303, -1); // sie and sip show the delegated bits
      csr.writeRaw(number, name.startsWith('pmpcfg') ? 0x7f7f_7f7f : -1);
      const expected = name.startsWith('pmpcfg') ? 0x7f7f_7f7f & mask : mask;
      const read = csr.readRaw(number) as number;
      // mip reads the device lines too (MTIP is pending from reset).
      expect(name === 'mip' ? read & ~0x80 : read, name).toBe(expected >>> 0);
      csr.writeRaw(number, 0);
    }
    expect(Hart).toBeDefined();
  });

  it('declares read-only bits that no write changes and that follow the device lines', () => {
    const machine = new VirtMachine({ ramSize: 0x10000 });
    const csr = machine.hart.csr;
    csr.writeRaw(0x303, -1); // delegate everything so that sip shows STIP and SEIP
    for (const [name, bits] of Object.entries(BARE_READ_ONLY_MASKS)) {
      expect(bits & (BARE_WARL_MASKS[name] ?? 0), name).toBe(0);
      const number = GUEST_CSRS[name] as number;
      const before = (csr.readRaw(number) as number) & bits;
      csr.writeRaw(number, before ^ bits);
      expect((csr.readRaw(number) as number) & bits, name).toBe(before);
    }
    // mip.MTIP and MSIP follow the CLINT: MTIP is pending from reset (mtimecmp = 0).
    const mip = () => csr.readRaw(GUEST_CSRS.mip as number) as number;
    expect(mip() & 0x88).toBe(0x80);
    machine.clint.write(0x4004, 4, -1);
    machine.clint.write(0x4000, 4, -1);
    machine.clint.write(0, 4, 1);
    expect(mip() & 0x88).toBe(0x08);
  });

  it('loads an image, stops at the budget, halts, and reports state and memory', () => {
    const image = buildProgram(PROGRAMS.memory as HarnessProgram);
    const vm = bareEngine().createVm();
    vm.load(image);
    const start = vm.state();
    expect(start.pc).toBe(0x1000); // QEMU's reset vector, then the entry
    expect(start.privilege).toBe('M');
    expect(start.instret).toBe(0);
    const first = vm.run(100);
    expect(first).toEqual({ kind: 'budget', code: 0, instructions: 100 });
    expect(vm.state().instret).toBe(100);
    const last = vm.run(10_000_000);
    expect(last.kind).toBe('halt');
    expect(last.code).toBe(0);
    expect(vm.state().instret).toBe(100 + last.instructions);
    expect(vm.run(10)).toEqual({ ...last, instructions: 0 }); // stays halted
    const dump = parseDumpStrict(vm.console());
    expect(vm.state().x[9]).not.toBe(dump.x[9]); // the dump routine has run since
    const data = Number.parseInt(Object.keys(dump.pages)[0] as string, 16);
    expect(vm.pageDigest(data)).toBe(dump.pages[data.toString(16)]);
    expect(vm.readMemory(data + 100, 4)).toEqual(
      new Uint8Array(new Uint32Array([dump.x[9] as number]).buffer),
    );
    expect(vm.readMemory(0x1000_0000, 4)).toBeUndefined();
    expect(vm.pageDigest(data + 1)).toBeUndefined();
    expect(vm.stats()).toMatchObject({ instructions: 100 + last.instructions });
    expect(vm.stats().blocksTranslated).toBeGreaterThan(0); // the translator, by default
    expect(vm.stats().direct).toBe(vm.stats().instructions);
    expect(Object.keys(vm.state().csrs)).toContain('minstret');
  });

  it('maps the finisher and the machine exits', () => {
    const engine = bareEngine();
    const exitOf = (setup: string) => {
      const vm = engine.createVm({ ramSize: 1 << 20 });
      vm.load(buildProgram({ setup, body: '' }));
      return vm.run(1_000_000);
    };
    expect(exitOf('li t0, 0x100000; li t1, 0x73333; sw t1, 0(t0)')).toMatchObject({
      kind: 'halt',
      code: 7,
    });
    expect(exitOf('li t0, 0x100000; li t1, 0x7777; sw t1, 0(t0)')).toMatchObject({ kind: 'error' });
    expect(exitOf('csrw mie, zero; wfi').message).toMatch(/^idle/);
    expect(exitOf('li t0, 0x100; csrw mtvec, t0; ecall').message).toMatch(/^stuck/);
  });

  it('rejects misuse with typed errors', () => {
    const vm = bareEngine().createVm({ ramSize: 1 << 20 });
    expect(() => vm.run(1)).toThrow(EngineError);
    const image = buildProgram({ setup: '', body: '' });
    expect(() => vm.load({ ...image, entryPrivilege: 'S' })).toThrow(
      expect.objectContaining({ code: 'BAD_IMAGE' }),
    );
    expect(() =>
      vm.load({ ...image, segments: [{ address: 0x1000, bytes: new Uint8Array(4) }] }),
    ).toThrow(expect.objectContaining({ code: 'BAD_IMAGE' }));
    vm.load(image);
    expect(() => vm.run(-1)).toThrow(expect.objectContaining({ code: 'BAD_USE' }));
  });

  it('runs whole programs: the dump parses and matches the data page', async () => {
    const outcome = await bareEngine().runProgram(buildProgram({ setup: '', body: '' }), 1e7);
    expect(outcome.exit.kind).toBe('halt');
    expect(outcome.dump).toBeDefined();
    expect(Object.values(outcome.dump?.pages ?? {})).toEqual([fnv1a32(initialDataPage())]);
    expect(outcome.stats?.instructions).toBe(outcome.exit.instructions);
  });
});

describe('programRunnerFor', () => {
  it('runs an in-process engine to its end, through breakpoints', async () => {
    const bare = bareEngine();
    let calls = 0;
    const wrapped: Engine = {
      ...bare,
      name: 'stepping',
      createVm(options) {
        const vm = bare.createVm(options);
        return {
          ...vm,
          load: (image) => vm.load(image),
          state: () => vm.state(),
          readMemory: (a, n) => vm.readMemory(a, n),
          pageDigest: (a) => vm.pageDigest(a),
          console: () => vm.console(),
          stats: () => vm.stats(),
          run(budget) {
            calls++;
            const exit = vm.run(Math.min(budget, 10_000));
            return exit.kind === 'budget' && budget > 10_000
              ? { ...exit, kind: 'breakpoint' }
              : exit;
          },
        };
      },
    };
    const image = buildProgram(PROGRAMS.arithmetic as HarnessProgram);
    const a = await programRunnerFor(wrapped).runProgram(image, 1e7);
    const b = await bare.runProgram(image, 1e7);
    expect(calls).toBeGreaterThan(2);
    expect(a.exit).toEqual(b.exit);
    expect(a.dump).toEqual(b.dump);
  });

  it('reports the budget when a program does not end', async () => {
    const outcome = await bareEngine().runProgram(
      buildProgram({ setup: '', body: '1: j 1b' }),
      5000,
    );
    expect(outcome.exit).toEqual({ kind: 'budget', code: 0, instructions: 5000 });
    expect(outcome.dump).toBeUndefined();
  });

  it('refuses an engine of another contract version', () => {
    expect(() => programRunnerFor({ ...bareEngine(), contractVersion: 2 })).toThrow(
      expect.objectContaining({ code: 'CONTRACT_VERSION' }),
    );
  });
});

describe('the process protocol', () => {
  it('splits command templates as a shell would, without expansion', () => {
    expect(splitCommand(`qemu -kernel {elf}`)).toEqual(['qemu', '-kernel', '{elf}']);
    expect(splitCommand(`a 'b c' "d \\"e\\"" f\\ g $HOME`)).toEqual([
      'a',
      'b c',
      'd "e"',
      'f g',
      '$HOME',
    ]);
    expect(splitCommand(`a '' b`)).toEqual(['a', '', 'b']);
  });

  it('rejects bad templates with typed errors', () => {
    const bad = (command: string | string[], pattern: RegExp) => {
      try {
        commandWords(command);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        expect((e as EngineError).code).toBe('BAD_TEMPLATE');
        expect((e as EngineError).message).toMatch(pattern);
      }
    };
    bad('', /empty/);
    bad([], /empty/);
    bad('qemu-system-riscv32 -kernel image.elf', /no \{elf\}/);
    bad(`qemu 'unterminated {elf}`, /unterminated/);
    bad('qemu {elf} \\', /backslash/);
    expect(() =>
      processRunner({ name: 'x', command: 'run', capabilities: BARE_CAPABILITIES }),
    ).toThrow(EngineError);
  });

  it('reports a missing engine binary as ENGINE_NOT_FOUND', async () => {
    const runner = processRunner({
      name: 'missing',
      command: 'trapeze-no-such-engine-binary {elf}',
      capabilities: BARE_CAPABILITIES,
    });
    await expect(runner.runProgram(buildProgram({ setup: '', body: '' }), 1)).rejects.toMatchObject(
      {
        name: 'EngineError',
        code: 'ENGINE_NOT_FOUND',
      },
    );
  });

  it('builds the QEMU command from the reference arguments', async () => {
    const words = qemuCommand();
    expect(words[0]).toBe('qemu-system-riscv32');
    expect(words.join(' ')).toContain('-icount shift=0,sleep=off');
    expect(words.slice(-2)).toEqual(['-kernel', '{elf}']);
    const missing = qemuRunner({ binary: 'no-such-qemu-system-riscv32' });
    await expect(
      missing.runProgram(buildProgram({ setup: '', body: '' }), 1),
    ).rejects.toMatchObject({ code: 'ENGINE_NOT_FOUND' });
  });

  it('maps exit statuses, substitutes {elf} and {budget}, and reads the console file', async () => {
    const image = buildProgram({ setup: '', body: '' });
    const sh = (script: string, timeoutMs?: number) =>
      processRunner({
        name: 'sh',
        command: ['sh', '-c', script, 'sh', '{elf}', '{budget}'],
        capabilities: BARE_CAPABILITIES,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }).runProgram(image, 1234);
    const ok = await sh('test -s "$1" && printf "budget %s\\n" "$2"; exit 0');
    expect(ok.exit).toMatchObject({ kind: 'halt', code: 0 });
    expect(Buffer.from(ok.console).toString()).toBe('budget 1234\n');
    expect(ok.dump).toBeUndefined();
    expect((await sh('exit 5')).exit).toMatchObject({ kind: 'halt', code: 5 });
    expect((await sh('exit 124')).exit).toMatchObject({ kind: 'budget' });
    const killed = await sh('kill -9 $$');
    expect(killed.exit).toMatchObject({ kind: 'error' });
    expect(killed.exit.message).toMatch(/SIGKILL/);
    const slow = await sh('sleep 5', 200);
    expect(slow.exit).toMatchObject({ kind: 'error' });
    expect(slow.exit.message).toMatch(/^timeout/);
    const bare = await bareEngine().runProgram(image, 1e7);
    const dumped = await sh(`printf '%s' '${formatDump(parseDumpStrict(bare.console))}'`);
    expect(dumped.dump).toEqual(bare.dump);
  });
});

describe.skipIf(!QEMU_AVAILABLE)('QEMU prints the same dumps as the bare engine', () => {
  const qemu = qemuRunner();
  for (const [name, program] of Object.entries(PROGRAMS)) {
    it(`for the ${name} program`, async () => {
      const image = buildProgram(program);
      const [a, b] = await Promise.all([
        bareEngine().runProgram(image, 1e7),
        qemu.runProgram(image, 1e7),
      ]);
      expect(b.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(a.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(b.dump).toBeDefined();
      expect(diffDumps(...both(a.dump, b.dump), { ...caps, b: qemu.capabilities })).toEqual([]);
      // Byte for byte, apart from QEMU's identification CSRs (and the traps program's
      // misaligned AMO, whose cause differs by capability).
      if (name === 'traps') return;
      const text = (c: Uint8Array) =>
        Buffer.from(c)
          .toString('latin1')
          .replace(/^csr (marchid|mimpid) .*$/gm, '');
      expect(text(b.console)).toBe(text(a.console));
    });
  }

  it('and differs only where the capabilities say (marchid, mimpid, misaligned AMO cause)', async () => {
    const image = buildProgram(PROGRAMS.traps as HarnessProgram);
    const [a, b] = await Promise.all([
      bareEngine().runProgram(image, 1e7),
      qemu.runProgram(image, 1e7),
    ]);
    const raw = diffDumps(...both(a.dump, b.dump)).map((d) => d.field);
    expect(raw).toEqual(['csr marchid', 'csr mimpid', 'trap 7']);
  });
});

describe.skipIf(!CLI_AVAILABLE)('trapeze run prints the same dumps as the bare engine', () => {
  const run = trapezeRunRunner(CLI_PACKAGE);
  for (const name of ['arithmetic', 'traps', 'supervisor']) {
    it(`for the ${name} program`, async () => {
      const image = buildProgram(PROGRAMS[name] as HarnessProgram);
      const [a, b] = await Promise.all([
        bareEngine().runProgram(image, 1e7),
        run.runProgram(image, 1e7),
      ]);
      expect(b.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(b.console).toEqual(a.console);
      expect(diffDumps(...both(a.dump, b.dump), { ...caps, b: run.capabilities })).toEqual([]);
    });
  }

  it('maps its budget exit', async () => {
    const b = await run.runProgram(buildProgram({ setup: '', body: '1: j 1b' }), 10_000);
    expect(b.exit).toMatchObject({ kind: 'budget' });
  });

  it('runs on the core it is given (--core), named after it', async () => {
    const image = buildProgram(PROGRAMS.arithmetic as HarnessProgram);
    const a = await bareEngine({ core: 'interpreter' }).runProgram(image, 1e7);
    for (const core of ['interpreter', 'translator'] as const) {
      const runner = trapezeRunRunner(CLI_PACKAGE, { core });
      expect(runner.name).toBe(`trapeze-run/${core}`);
      const b = await runner.runProgram(image, 1e7);
      expect(b.exit).toMatchObject({ kind: 'halt', code: 0 });
      expect(b.console).toEqual(a.console);
    }
    expect(() => trapezeRunRunner(CLI_PACKAGE, { core: 'jit' as never })).toThrow(
      expect.objectContaining({
        code: 'BAD_OPTION',
        message: expect.stringMatching(/^trapezeRunRunner: core must be one of/),
      }),
    );
  });
});
