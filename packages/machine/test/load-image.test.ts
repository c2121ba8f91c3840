/**
 * Loading guest images: raw images at the start of RAM as QEMU's `-kernel` places them (checked
 * against QEMU with a probe where QEMU is installed), ELF files with any program header, and the
 * typed refusals: empty, larger than RAM, over the device tree, malformed ELF, entry point
 * outside the image, relocatable objects, dynamically linked programs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { assemble, ElfError, elfImage, writeElf } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { MachineError } from '../src/errors.js';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { RAM_BASE, VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, LIBRARY, memoize } from './support.js';

const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'raw-image comparisons with QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);

/**
 * A probe, position-independent: where it runs (auipc), a0, a1, a2 and minstret as the boot ROM
 * left them, and the ROM's jump target word, then pass.
 */
const PROBE = `
    .option norvc
_start:
    auipc s2, 0
    mv s3, a0
    mv s4, a1
    mv s5, a2
    csrr s6, minstret
    la sp, stack_top
    mv a0, s2; call puthex
    mv a0, s3; call puthex
    mv a0, s4; call puthex
    mv a0, s5; call puthex
    mv a0, s6; call puthex
    li t0, 0x1018; lw a0, 0(t0); call puthex
    j pass
${LIBRARY}
    .balign 16
    .space 256
stack_top:
`;

/** The probe as a raw image: the bytes of its only section, for 0x80000000. */
function rawProbe(): Uint8Array {
  const result = assemble(PROBE, { textAddress: RAM_BASE });
  expect(result.sections.filter((s) => s.bytes.length > 0)).toHaveLength(1);
  return result.sections[0]?.bytes ?? new Uint8Array();
}

function onTrapeze(bytes: Uint8Array, core: CoreKind, ramSize?: number): string {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ core, serial, ...(ramSize === undefined ? {} : { ramSize }) });
  machine.loadImage(bytes);
  expect(machine.run(1_000_000).kind).toBe('pass');
  return serial.text();
}

function onQemu(bytes: Uint8Array, extra: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-raw-'));
  try {
    const image = join(dir, 'probe.bin');
    const out = join(dir, 'console.txt');
    writeFileSync(image, bytes);
    execFileSync('sh', [
      '-c',
      `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')}${extra} -kernel ${image} < /dev/null > ${out} 2>&1`,
    ]);
    return readFileSync(out, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error `action` throws. */
function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing thrown');
}

/** An ELF executable of one text section at `address` with entry `entry`. */
function elfAt(address: number, entry: number): Uint8Array {
  return writeElf({
    entry,
    sections: [{ name: '.text', address, data: new Uint8Array([0x13, 0, 0, 0]), executable: true }],
  });
}

describe('raw images', () => {
  it.each(CORES)(
    'load at the start of RAM and run from their first byte, a0 = hart, a1 = device tree (%s core)',
    (core) => {
      const serial = new BufferBackend();
      const machine = new VirtMachine({ core, serial });
      expect(machine.loadImage(rawProbe())).toEqual({ format: 'raw', entry: RAM_BASE });
      expect(machine.run(1_000_000).kind).toBe('pass');
      expect(serial.text()).toBe(
        ['80000000', '00000000', '87e00000', '00001028', '0000000b', '80000000', ''].join('\n'),
      );
    },
  );

  it('load with loadRaw whatever their first bytes', () => {
    const machine = new VirtMachine();
    const bytes = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x13, 0, 0, 0]);
    expect(machine.loadRaw(bytes)).toBe(RAM_BASE);
    expect([...machine.ram.u8.subarray(0, 8)]).toEqual([...bytes]);
  });

  it('are refused when empty, larger than RAM, or over the device tree, writing nothing', () => {
    // 4 MiB of RAM: the device tree at 0x80200000, and QEMU's 1 MiB for it up to 0x802fffff.
    const machine = new VirtMachine({ ramSize: 4 << 20 });
    expect(machine.fdtAddress).toBe(0x8020_0000);
    expect(thrown(() => machine.loadImage(new Uint8Array(0)))).toMatchObject({
      name: 'MachineError',
      code: 'IMAGE_EMPTY',
      message: 'the image is empty (0 bytes): nothing to run',
    });
    expect(thrown(() => machine.loadImage(new Uint8Array((4 << 20) + 1).fill(1)))).toMatchObject({
      code: 'IMAGE_OUTSIDE_RAM',
      message: 'the raw image of 4194305 bytes is larger than RAM (4194304 bytes at 0x80000000)',
    });
    expect(thrown(() => machine.loadImage(new Uint8Array((2 << 20) + 1).fill(1)))).toMatchObject({
      code: 'IMAGE_OVERLAPS_FDT',
      message: expect.stringMatching(
        /^the raw image \(0x80000000-0x80200000\) overlaps the device tree's region 0x80200000-0x802fffff/,
      ),
    });
    expect(machine.ram.u8.subarray(0, 1 << 20).every((b) => b === 0)).toBe(true);
    // Up to the device tree is fine.
    expect(machine.loadImage(new Uint8Array(2 << 20).fill(1)).format).toBe('raw');
  });

  it('must be bytes', () => {
    const machine = new VirtMachine();
    for (const [load, name] of [
      [(b: unknown) => machine.loadImage(b as Uint8Array), 'loadImage'],
      [(b: unknown) => machine.loadRaw(b as Uint8Array), 'loadRaw'],
      [(b: unknown) => machine.loadElf(b as Uint8Array), 'loadElf'],
    ] as const) {
      expect(thrown(() => load([0x13, 0, 0, 0]))).toMatchObject({
        code: 'BAD_ARGUMENT',
        message: `VirtMachine.${name}: bytes must be a Uint8Array, got an array`,
      });
      expect(thrown(() => load(undefined))).toMatchObject({ code: 'BAD_ARGUMENT' });
    }
  });

  it('are refused when they are U-Boot images', () => {
    const uimage = new Uint8Array(64);
    uimage.set([0x27, 0x05, 0x19, 0x56]);
    expect(thrown(() => new VirtMachine().loadImage(uimage))).toMatchObject({
      code: 'UNSUPPORTED_IMAGE',
      message: expect.stringContaining('U-Boot legacy image'),
    });
  });

  it('start with the ELF magic number at their peril: such a file is an ELF file', () => {
    const truncated = elfImage(assemble('_start: j _start')).subarray(0, 40);
    const error = thrown(() => new VirtMachine().loadImage(truncated));
    expect(error).toBeInstanceOf(ElfError);
    expect(error).toMatchObject({ code: 'ELF_TOO_SMALL' });
    const badClass = elfImage(assemble('_start: j _start'));
    badClass[4] = 2;
    expect(thrown(() => new VirtMachine().loadImage(badClass))).toMatchObject({
      code: 'ELF_CLASS',
    });
  });
});

/** QEMU's console for the probe with `extra` arguments: run once, compared with both cores. */
const qemuProbe = memoize((extra: string) => onQemu(rawProbe(), extra));

describe.skipIf(!QEMU_AVAILABLE).each(CORES)('raw images under QEMU and the %s core', (core) => {
  it('start where QEMU starts them, with the same registers (128 MiB)', () => {
    expect(onTrapeze(rawProbe(), core)).toBe(qemuProbe(''));
  });

  it('start where QEMU starts them, with the same registers (256 MiB)', () => {
    const qemu = qemuProbe(' -m 256M');
    expect(qemu).toContain('\n8fe00000\n');
    expect(onTrapeze(rawProbe(), core, 256 << 20)).toBe(qemu);
  });
});

describe('ELF images', () => {
  it('load with loadImage, reporting the format and the entry point', () => {
    const machine = new VirtMachine();
    const elf = elfImage(assemble('_start: nop\n  j _start'));
    expect(machine.loadImage(elf)).toEqual({ format: 'elf', entry: RAM_BASE });
  });

  it('are refused at load time when the entry point is not in the image', () => {
    for (const entry of [0, 0x4000_0000, 0x8000_0004, 0x8010_0000]) {
      const error = thrown(() => new VirtMachine().loadImage(elfAt(RAM_BASE, entry)));
      expect(error).toBeInstanceOf(MachineError);
      expect(error).toMatchObject({
        code: 'ENTRY_OUTSIDE_IMAGE',
        message: `the entry point 0x${entry.toString(16).padStart(8, '0')} is not in the image, which loads 0x80000000-0x80000003`,
      });
    }
    // Several segments: all named, in address order.
    const two = writeElf({
      entry: 0x8000_0800,
      sections: [
        { name: '.text', address: RAM_BASE, data: new Uint8Array(4), executable: true },
        { name: '.data', address: 0x8000_1000, data: new Uint8Array(8), writable: true },
      ],
    });
    expect(thrown(() => new VirtMachine().loadElf(two)).message).toBe(
      'the entry point 0x80000800 is not in the image, which loads 0x80000000-0x80000003, 0x80001000-0x80001007',
    );
  });

  it('are refused when they load nothing', () => {
    const none = writeElf({ entry: RAM_BASE, sections: [] });
    expect(thrown(() => new VirtMachine().loadImage(none))).toMatchObject({
      code: 'IMAGE_EMPTY',
      message:
        'the ELF file loads nothing: it has no PT_LOAD segment with a memory size in RAM (program headers: none)',
    });
  });

  it('are refused when they are relocatable objects or dynamically linked programs', () => {
    const object = elfAt(RAM_BASE, RAM_BASE);
    object[16] = 1; // ET_REL
    expect(thrown(() => new VirtMachine().loadImage(object))).toMatchObject({
      code: 'UNSUPPORTED_IMAGE',
      message: 'the ELF file is a relocatable object (ET_REL), not an executable: link it first',
    });
    const dynamic = writeElf({
      entry: RAM_BASE,
      sections: [
        { name: '.text', address: RAM_BASE, data: new Uint8Array(4), executable: true },
        {
          name: '.interp',
          address: 0x8000_1000,
          data: new TextEncoder().encode('/lib/ld-linux-riscv32-ilp32.so.1\0'),
        },
      ],
    });
    new DataView(dynamic.buffer).setUint32(52 + 32, 3, true); // the second header: PT_INTERP
    expect(thrown(() => new VirtMachine().loadImage(dynamic))).toMatchObject({
      code: 'UNSUPPORTED_IMAGE',
      message: expect.stringContaining(
        "a dynamically linked program: it needs the program interpreter '/lib/ld-linux-riscv32-ilp32.so.1' (PT_INTERP)",
      ),
    });
  });

  it.each(CORES)(
    'start at the physical entry point when the text is linked elsewhere (as QEMU, %s core)',
    (core) => {
      // Text linked at 0xc0000000 (virtual), loaded at 0x80000000 (physical).
      const elf = elfImage(
        assemble(
          `_start:
    li t0, 0x10000000; li t1, 'v'; sb t1, 0(t0)
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)`,
          { textAddress: RAM_BASE },
        ),
      );
      const view = new DataView(elf.buffer);
      view.setUint32(24, 0xc000_0000, true); // e_entry
      view.setUint32(52 + 8, 0xc000_0000, true); // p_vaddr
      const serial = new BufferBackend();
      const machine = new VirtMachine({ core, serial });
      expect(machine.loadImage(elf)).toEqual({ format: 'elf', entry: RAM_BASE });
      expect(machine.run(100).kind).toBe('pass');
      expect(serial.text()).toBe('v');
    },
  );

  it('are refused when a section lies outside RAM, naming it', () => {
    const elf = writeElf({
      entry: RAM_BASE,
      sections: [
        { name: '.text', address: RAM_BASE, data: new Uint8Array(4), executable: true },
        { name: '.high', address: 0x8800_0000, data: new Uint8Array(4), writable: true },
      ],
    });
    expect(thrown(() => new VirtMachine().loadImage(elf))).toMatchObject({
      code: 'IMAGE_OUTSIDE_RAM',
      message:
        'section .high of segment 1 (PT_LOAD) (0x88000000, 4 bytes) lies outside RAM 0x80000000-0x87ffffff',
    });
  });

  it.each(CORES)(
    'leave out the bytes below RAM that hold no section (the ELF headers linkers load there; %s core)',
    (core) => {
      // As GNU ld -Ttext=0x80000000 lays it out: one segment from 0x7ffff000 (file offset 0: the
      // headers) that runs into the program's .text at 0x80000000.
      const program = elfImage(
        assemble(`_start:
    li t0, 0x10000000; li t1, 'g'; sb t1, 0(t0)
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)`),
      );
      // The whole file moves up by a page; the ELF and program headers stay at its start.
      const view = new DataView(program.buffer);
      const offset = view.getUint32(52 + 4, true);
      const size = view.getUint32(52 + 16, true);
      const elf = new Uint8Array(0x1000 + program.length);
      elf.set(program, 0x1000);
      elf.set(program.subarray(0, 52 + 32));
      const out = new DataView(elf.buffer);
      out.setUint32(32, view.getUint32(32, true) + 0x1000, true); // e_shoff
      const shnum = out.getUint16(48, true);
      for (let i = 1; i < shnum; i++) {
        const at = 0x1000 + view.getUint32(32, true) + i * 40 + 16; // sh_offset
        out.setUint32(at, out.getUint32(at, true) + 0x1000, true);
      }
      const start = RAM_BASE - 0x1000 - offset;
      out.setUint32(52 + 4, 0, true); // p_offset: from the ELF header
      out.setUint32(52 + 8, start, true); // p_vaddr
      out.setUint32(52 + 12, start, true); // p_paddr
      out.setUint32(52 + 16, 0x1000 + offset + size, true); // p_filesz
      out.setUint32(52 + 20, 0x1000 + offset + size, true); // p_memsz
      expect(view.getUint16(44, true)).toBe(1);
      const serial = new BufferBackend();
      const machine = new VirtMachine({ core, serial });
      expect(machine.loadImage(elf)).toEqual({ format: 'elf', entry: RAM_BASE });
      expect(machine.run(100).kind).toBe('pass');
      expect(serial.text()).toBe('g');
    },
  );
});

describe('loadSegments', () => {
  it('refuses an entry point outside the segments, and segments over the device tree', () => {
    const machine = new VirtMachine();
    const segments = [{ address: RAM_BASE, bytes: new Uint8Array(16) }];
    expect(thrown(() => machine.loadSegments(segments, 0x4000_0000))).toMatchObject({
      code: 'ENTRY_OUTSIDE_IMAGE',
      message: 'the entry point 0x40000000 is not in the image, which loads 0x80000000-0x8000000f',
    });
    expect(
      thrown(() =>
        machine.loadSegments(
          [...segments, { address: 0x87ef_fff0, bytes: new Uint8Array(16) }],
          RAM_BASE,
        ),
      ),
    ).toMatchObject({
      code: 'IMAGE_OVERLAPS_FDT',
      message: expect.stringMatching(/^segment 1 \(0x87effff0-0x87efffff\) overlaps/),
    });
    expect(thrown(() => machine.loadSegments([], RAM_BASE))).toMatchObject({ code: 'IMAGE_EMPTY' });
    machine.loadSegments(
      [...segments, { address: 0x87f0_0000, bytes: new Uint8Array(16) }],
      RAM_BASE,
    );
  });
});

/** An ELF32 RISC-V executable of `count` PT_LOAD headers at RAM with no file bytes and `memsz`. */
function hugeSegments(count: number, memsz: number): Uint8Array {
  const bytes = new Uint8Array(52 + 32 * count);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]); // ELFCLASS32, little-endian, version 1
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setUint32(24, RAM_BASE, true); // entry
  view.setUint32(28, 52, true); // e_phoff
  view.setUint16(40, 52, true); // e_ehsize
  view.setUint16(42, 32, true); // e_phentsize
  view.setUint16(44, count, true);
  view.setUint16(46, 40, true); // e_shentsize (no sections)
  for (let i = 0; i < count; i++) {
    const at = 52 + 32 * i;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 8, RAM_BASE, true);
    view.setUint32(at + 12, RAM_BASE, true);
    view.setUint32(at + 20, memsz, true);
    view.setUint32(at + 24, 7, true);
  }
  return bytes;
}

describe('segment sizes from the file', () => {
  it('are checked before anything is allocated: a huge or repeated PT_LOAD is refused at once', () => {
    const machine = new VirtMachine({ ramSize: 4 << 20 });
    const started = performance.now();
    for (const [count, memsz] of [
      [1, 0xffff_ffff],
      [40_000, 0xffff_ffff],
      [40_000, 1 << 20],
    ] as const) {
      expect(thrown(() => machine.loadImage(hugeSegments(count, memsz)))).toMatchObject({
        name: 'MachineError',
        code: 'IMAGE_OUTSIDE_RAM',
      });
    }
    // Not a timing assertion of the machine's speed: without the check this took minutes.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('reset and reload', () => {
  it('clear the debug triggers an earlier guest armed', () => {
    const machine = new VirtMachine({ ramSize: 1 << 20 });
    machine.loadElf(elfAt(RAM_BASE, RAM_BASE));
    // An M-mode execute trigger (type 2, m + execute) at the start of RAM, armed by the host here
    // as a guest would through tselect/tdata1/tdata2.
    machine.hart.csr.write(0x7a0, 3, 0);
    machine.hart.csr.write(0x7a2, 3, RAM_BASE);
    machine.hart.csr.write(0x7a1, 3, (2 << 28) | (1 << 6) | (1 << 2));
    expect(machine.hart.triggers.execute).toBe(true);
    machine.loadImage(elfAt(RAM_BASE, RAM_BASE));
    expect(machine.hart.triggers.execute).toBe(false);
    expect(machine.hart.csr.read(0x7a1, 3) >>> 0).toBe(0x2000_0000);
  });
});
