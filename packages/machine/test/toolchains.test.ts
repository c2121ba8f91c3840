/**
 * Guest images as users build them, with both toolchains users have: Debian's clang 14 + ld.lld
 * (what `guests/` is built with) and GNU's riscv64-unknown-elf-gcc + ld (whose executables carry
 * a `PT_RISCV_ATTRIBUTES` program header with a memory size of 0). Two programs, built at test
 * time into a temporary directory:
 *
 * - `compute`: the bare-metal compute workload of `guests/bare` (ROUNDS=10, the small variant),
 *   with its linker script;
 * - `hello`: a user's first C program (the UART and the test finisher, nothing else), linked with
 *   nothing but `-Ttext=0x80000000`, so that both linkers load the ELF headers below RAM.
 *
 * Each is run as an ELF file and as a raw image (`objcopy -O binary`) on the bare machine (on
 * both cores) and under QEMU (once per image), which must agree byte for byte on the console
 * and on the exit. Each toolchain's tests skip with a message where it is missing (CI installs
 * both), the QEMU lanes where QEMU is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { PT_RISCV_ATTRIBUTES, parseElf, segmentTypeName } from '@trapeze/isa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, memoize } from './support.js';

const GUESTS = new URL('../../../guests/', import.meta.url).pathname;
const QEMU = 'qemu-system-riscv32';
const GCC = 'riscv64-unknown-elf-gcc';
const GNU_OBJCOPY = 'riscv64-unknown-elf-objcopy';

const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'comparisons of clang- and GNU-built guests with QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);
const CLANG_AVAILABLE = requireTool(
  'clang, ld.lld or llvm-objcopy',
  ['clang', 'ld.lld', 'llvm-objcopy'].every((tool) => hasCommand(tool)),
  'clang-built guest images skipped (apt-get install clang lld llvm; CI installs them)',
);
const GNU_AVAILABLE = requireTool(
  GCC,
  hasCommand(GCC) && hasCommand(GNU_OBJCOPY),
  'GNU-built guest images skipped (apt-get install gcc-riscv64-unknown-elf; CI installs it)',
);

/** A user's bare-metal C program: .text, .rodata, .data and .bss, the UART and the finisher. */
const HELLO_C = `
#define UART0 ((volatile unsigned char *)0x10000000)
#define FINISHER ((volatile unsigned int *)0x00100000)

static const char greeting[] = "hello, world\\n"; /* .rodata */
static unsigned int lines = 2;                    /* .data */
static unsigned int squares[8];                   /* .bss */

static void put(char c) {
  while ((UART0[5] & 0x20) == 0) {
  }
  UART0[0] = (unsigned char)c;
}

static void put_string(const char *s) {
  while (*s) put(*s++);
}

static void put_unsigned(unsigned int v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) put(digits[--n]);
}

void hello(void) {
  for (unsigned int i = 0; i < lines; i++) put_string(greeting);
  for (unsigned int i = 0; i < 8; i++) squares[i] = i * i;
  unsigned int sum = 0;
  for (unsigned int i = 0; i < 8; i++) sum += squares[i];
  put_string("sum of squares 0..7 = ");
  put_unsigned(sum);
  put('\\n');
  *FINISHER = 0x5555;
  for (;;) {
  }
}
`;

/** Its entry: first in .text (the first object on the link line), a stack, then hello(). */
const HELLO_START = `
    .text
    .globl _start
_start:
    la sp, stack_top
    call hello
1:  j 1b
    .bss
    .balign 16
    .space 1024
stack_top:
`;

interface Toolchain {
  readonly name: 'clang' | 'gnu';
  readonly available: boolean;
  /** Compiles (or assembles) `source` into `object`. */
  compile(source: string, object: string, extra?: readonly string[]): void;
  /** Links `objects` into `output` with the linker `options` (`-T script`, `-Ttext=…`). */
  link(options: readonly string[], objects: readonly string[], output: string): void;
  /** `objcopy -O binary`. */
  raw(elf: string, output: string): void;
}

const run = (command: string, args: readonly string[]) =>
  execFileSync(command, args, { cwd: GUESTS, stdio: ['ignore', 'pipe', 'pipe'] });

/** A variable of guests/common/toolchain.sh (the flags every clang-built guest image uses). */
function toolchainVariable(name: string): string[] {
  const text = execFileSync('sh', ['-c', `. ./common/toolchain.sh && printf %s "$${name}"`], {
    cwd: GUESTS,
    encoding: 'utf8',
  });
  return text.split(/\s+/).filter((word) => word !== '');
}

const clang: Toolchain = {
  name: 'clang',
  available: CLANG_AVAILABLE,
  compile(source, object, extra = []) {
    run('clang', [...toolchainVariable('CFLAGS'), ...extra, '-c', source, '-o', object]);
  },
  link(options, objects, output) {
    run('ld.lld', [...toolchainVariable('LDFLAGS'), '-X', ...options, ...objects, '-o', output]);
  },
  raw(elf, output) {
    run('llvm-objcopy', ['-O', 'binary', elf, output]);
  },
};

/**
 * The same flags for GNU: `-march=rv32imac_zicsr` (GCC 12 with binutils 2.40 wants Zicsr named
 * for CSR instructions; clang 14 refuses the suffix), no `--target` or `-nostdlibinc` (clang's).
 */
const GNU_CFLAGS = [
  '-march=rv32imac_zicsr',
  '-mabi=ilp32',
  '-mcmodel=medany',
  '-mno-relax',
  '-std=gnu11',
  '-O2',
  '-g0',
  '-ffreestanding',
  '-fno-builtin',
  '-nostdlib',
  '-fno-common',
  '-fno-pic',
  '-fno-asynchronous-unwind-tables',
  '-fno-unwind-tables',
  '-Wall',
  '-Wextra',
  '-Werror',
];

const gnu: Toolchain = {
  name: 'gnu',
  available: GNU_AVAILABLE,
  compile(source, object, extra = []) {
    run(GCC, [...GNU_CFLAGS, ...extra, '-c', source, '-o', object]);
  },
  link(options, objects, output) {
    // Through the gcc driver, as users link; the guests' single RWX segment is on purpose.
    run(GCC, [
      ...GNU_CFLAGS,
      '-static',
      '-Wl,--build-id=none',
      '-Wl,--no-warn-rwx-segments',
      ...options.map((option) => (option.startsWith('-Ttext') ? `-Wl,${option}` : option)),
      ...objects,
      '-o',
      output,
    ]);
  },
  raw(elf, output) {
    run(GNU_OBJCOPY, ['-O', 'binary', elf, output]);
  },
};

/** The images of one toolchain: `NAME.elf` and `NAME.bin` for each program. */
function build(toolchain: Toolchain, dir: string): void {
  const o = (name: string) => join(dir, `${name}.o`);
  // compute: guests/bare with ROUNDS=10, as compute-bare-small.elf.
  toolchain.compile('bare/start.S', o('start'));
  toolchain.compile('bare/main.c', o('main'), ['-DROUNDS=10']);
  toolchain.compile('workloads/compute.c', o('compute'));
  toolchain.compile('common/fmt.c', o('fmt'));
  toolchain.compile('common/string.c', o('string'));
  toolchain.link(
    ['-T', 'bare/link.ld'],
    ['start', 'main', 'compute', 'fmt', 'string'].map(o),
    join(dir, 'compute.elf'),
  );
  // hello: a user's program and nothing but -Ttext.
  writeFileSync(join(dir, 'hello.c'), HELLO_C);
  writeFileSync(join(dir, 'hello-start.S'), HELLO_START);
  toolchain.compile(join(dir, 'hello-start.S'), o('hello-start'));
  toolchain.compile(join(dir, 'hello.c'), o('hello'));
  toolchain.link(['-Ttext=0x80000000'], [o('hello-start'), o('hello')], join(dir, 'hello.elf'));
  for (const program of PROGRAMS)
    toolchain.raw(join(dir, `${program}.elf`), join(dir, `${program}.bin`));
}

const PROGRAMS = ['compute', 'hello'] as const;
const FORMATS = ['elf', 'bin'] as const;

/** What each program prints (the compute line's instret depends on the compiler). */
const EXPECTED: Record<(typeof PROGRAMS)[number], RegExp> = {
  compute: /^compute rounds=10 checksum=[0-9a-f]{8} instret=\d+\n$/,
  hello: /^hello, world\nhello, world\nsum of squares 0\.\.7 = 140\n$/,
};

/** The console and the exit of a run: on the bare machine, or QEMU's exit status. */
interface Outcome {
  readonly console: string;
  readonly exit: string;
}

/** A run on the bare machine with `core`, made once per image and core (several tests look at it). */
const onTrapeze = memoize((file: string, core: CoreKind): Outcome => {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ core, serial });
  machine.loadImage(new Uint8Array(readFileSync(file)));
  const exit = machine.run(50_000_000);
  const status =
    exit.kind === 'pass' ? 'status 0' : exit.kind === 'fail' ? `status ${exit.code}` : exit.kind;
  return { console: Buffer.from(serial.bytes()).toString('latin1'), exit: status };
});

/**
 * QEMU's run (console to a file: QEMU writes its stdout non-blocking), once per image: both
 * cores compare with it.
 */
const onQemu = memoize((file: string, dir: string): Outcome => {
  const out = join(dir, 'qemu-console.txt');
  const result = spawnSync('sh', [
    '-c',
    `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -kernel '${file}' < /dev/null > '${out}' 2>&1`,
  ]);
  return { console: readFileSync(out, 'latin1'), exit: `status ${result.status}` };
});

const dirs = new Map<string, string>();
afterAll(() => {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
});

for (const toolchain of [clang, gnu]) {
  describe.skipIf(!toolchain.available)(`guests built with ${toolchain.name}`, () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), `trapeze-${toolchain.name}-`));
      dirs.set(toolchain.name, dir);
      build(toolchain, dir);
    }, 120_000);

    describe.each(CORES)('on the %s core', (core: CoreKind) => {
      for (const program of PROGRAMS) {
        for (const format of FORMATS) {
          const image = `${program}.${format}`;
          it(`${image} runs on the bare machine to a pass`, () => {
            const outcome = onTrapeze(join(dir, image), core);
            expect(outcome.console).toMatch(EXPECTED[program]);
            expect(outcome.exit).toBe('status 0');
          });

          it.skipIf(!QEMU_AVAILABLE)(`${image} prints and exits as under QEMU`, () => {
            const qemu = onQemu(join(dir, image), dir);
            expect(qemu.console).toMatch(EXPECTED[program]);
            expect(onTrapeze(join(dir, image), core)).toEqual(qemu);
          });
        }
      }

      it('the raw images run as their ELF files', () => {
        for (const program of PROGRAMS) {
          expect(onTrapeze(join(dir, `${program}.bin`), core)).toEqual(
            onTrapeze(join(dir, `${program}.elf`), core),
          );
        }
      });
    });

    it('the ELF files have the program headers this toolchain writes', () => {
      const types = (program: string) =>
        parseElf(new Uint8Array(readFileSync(join(dir, `${program}.elf`)))).segments.map((s) =>
          segmentTypeName(s.type),
        );
      const hello = parseElf(new Uint8Array(readFileSync(join(dir, 'hello.elf'))));
      const belowRam = hello.segments.filter(
        (s) => segmentTypeName(s.type) === 'PT_LOAD' && s.physicalAddress >>> 0 < 0x8000_0000,
      );
      // Both linkers load the ELF headers below RAM with -Ttext=0x80000000 (lld at 0x10000,
      // GNU ld at 0x7ffff000): the loader leaves them out, as QEMU drops them.
      expect(belowRam.length).toBeGreaterThan(0);
      if (toolchain.name === 'gnu') {
        for (const program of PROGRAMS) {
          const attributes = parseElf(
            new Uint8Array(readFileSync(join(dir, `${program}.elf`))),
          ).segments.find((s) => s.type === PT_RISCV_ATTRIBUTES);
          expect(types(program)).toContain('PT_RISCV_ATTRIBUTES');
          expect(attributes?.memorySize).toBe(0);
          expect(attributes?.data.length).toBeGreaterThan(0);
        }
      } else {
        for (const program of PROGRAMS) expect(types(program)).not.toContain('PT_RISCV_ATTRIBUTES');
      }
    });
  });
}

describe.skipIf(!(CLANG_AVAILABLE && GNU_AVAILABLE))('clang and GNU builds', () => {
  it.each(CORES)('compute the same checksum and print the same hello on the %s core', (core) => {
    const clangDir = dirs.get('clang');
    const gnuDir = dirs.get('gnu');
    expect(clangDir && gnuDir).toBeTruthy();
    const checksum = (dir: string) =>
      /checksum=([0-9a-f]{8})/.exec(onTrapeze(join(dir, 'compute.elf'), core).console)?.[1];
    expect(checksum(gnuDir as string)).toBe(checksum(clangDir as string));
    expect(onTrapeze(join(gnuDir as string, 'hello.elf'), core)).toEqual(
      onTrapeze(join(clangDir as string, 'hello.elf'), core),
    );
  });
});
