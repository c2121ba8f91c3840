import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { MachineError } from '../src/errors.js';
import { FdtBuilder, writeFdt } from '../src/fdt.js';
import { VIRT_ISA, virtFdt } from '../src/virt-fdt.js';
import { DEFAULT_RAM_SIZE, RAM_BASE, VirtMachine } from '../src/virt-machine.js';

const DTC_AVAILABLE = requireTool(
  'dtc',
  hasCommand('dtc'),
  'device tree decompilation checks skipped (apt-get install device-tree-compiler; CI installs it)',
);

/** Decompiles a blob with dtc (the reference reader). */
function dts(blob: Uint8Array): string {
  const result = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], {
    input: blob,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const MiB = 1024 * 1024;

/**
 * Blobs QEMU 7.2 loaded at a1 (`qemu-system-riscv32 -M virt -cpu
 * rv32,f=false,d=false,h=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false -bios none
 * -m SIZE [-append ARGS]`, dumped by the guest of fdt-qemu.test.ts), their random
 * `/chosen/rng-seed` replaced by Trapeze's 32 zero bytes.
 */
const QEMU_BLOBS = [
  { file: 'virt-64m.dtb', ramSize: 64 * MiB },
  { file: 'virt-128m.dtb', ramSize: 128 * MiB },
  { file: 'virt-128m-run-all.dtb', ramSize: 128 * MiB, bootargs: 'run=all' },
  {
    file: 'virt-256m-console.dtb',
    ramSize: 256 * MiB,
    bootargs: 'console=ttyS0 earlycon=sbi run=all',
  },
  { file: 'virt-2g.dtb', ramSize: 2048 * MiB },
] as const;

/** A blob in hex, 32 bytes a line, for readable differences. */
function hexLines(blob: Uint8Array): string[] {
  return (
    Buffer.from(blob)
      .toString('hex')
      .match(/.{1,64}/g) ?? []
  );
}

function strings(blob: Uint8Array): string {
  const view = new DataView(blob.buffer, blob.byteOffset);
  return new TextDecoder().decode(
    blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32)),
  );
}

describe('device tree', () => {
  it('writes the header, the structure and the strings of a DTB v17', () => {
    const blob = writeFdt({
      name: '',
      properties: [
        ['model', 'x'],
        ['cells', [1, 2]],
      ],
      children: [],
    });
    const view = new DataView(blob.buffer);
    expect(view.getUint32(0)).toBe(0xd00dfeed);
    expect(view.getUint32(4)).toBe(blob.length);
    expect(view.getUint32(20)).toBe(17);
    // Strings block holds both property names once.
    expect(strings(blob)).toBe('model\0cells\0');
  });

  it('builds as libfdt: new nodes and properties go first, names enter strings when first set', () => {
    const fdt = new FdtBuilder();
    fdt.setProperty('/', 'model', 'm');
    fdt.setProperty('/', '#size-cells', [2]);
    fdt.addNode('/a');
    fdt.addNode('/b');
    fdt.setProperty('/b', 'cells', [1]); // the tail of "#size-cells": shares its bytes
    fdt.setProperty('/a', 'reg', [1, 2]);
    fdt.setProperty('/a', 'reg', [3]); // set again: in place
    const blob = fdt.toBlob();
    expect(strings(blob)).toBe('model\0#size-cells\0reg\0');
    if (DTC_AVAILABLE) {
      expect(dts(blob)).toBe(
        '/dts-v1/;\n\n/ {\n\t#size-cells = <0x02>;\n\tmodel = "m";\n\n' +
          '\tb {\n\t\tcells = <0x01>;\n\t};\n\n\ta {\n\t\treg = <0x03>;\n\t};\n};\n',
      );
    }
  });

  it('leaves in the padding of a value the bytes an insertion moved, as libfdt', () => {
    const fdt = new FdtBuilder();
    fdt.setProperty('/', 'a', [0x11223344]);
    // "b" goes where "a" was: its value "xy\0" covers three bytes of the 0x11223344 there.
    fdt.setProperty('/', 'b', 'xy');
    const value = 0x38 + 8 + 12; // after the root's BEGIN_NODE and name, and b's header
    expect([...fdt.toBlob().subarray(value, value + 4)]).toEqual([0x78, 0x79, 0, 0x44]);
  });

  it('is written at the address passed in a1', () => {
    const machine = new VirtMachine({ bootargs: 'run=compute' });
    expect(machine.fdtAddress).toBe(0x87e00000);
    const inRam = machine.ram.readBytes(machine.fdtAddress, machine.fdt.length);
    expect([...inRam]).toEqual([...machine.fdt]);
  });

  it.each(QEMU_BLOBS)(
    'is byte for byte the blob of QEMU in $file',
    ({ file, ramSize, ...rest }) => {
      const bootargs = 'bootargs' in rest ? rest.bootargs : undefined;
      const expected = new Uint8Array(readFileSync(new URL(`fixtures/${file}`, import.meta.url)));
      const blob = virtFdt({ ramBase: RAM_BASE, ramSize, ...(bootargs ? { bootargs } : {}) });
      expect(hexLines(blob)).toEqual(hexLines(expected));
    },
  );

  it('writes a given rng-seed in place of the zeros, and refuses one that is not 32 bytes', () => {
    const options = { ramBase: RAM_BASE, ramSize: DEFAULT_RAM_SIZE };
    const seed = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
    const plain = virtFdt(options);
    const seeded = virtFdt({ ...options, rngSeed: seed });
    expect(seeded.length).toBe(plain.length);
    const at = Buffer.from(seeded).indexOf(Buffer.from(seed));
    expect(at).toBeGreaterThan(0);
    expect(Buffer.from(plain.subarray(at, at + 32))).toEqual(Buffer.alloc(32));
    const rest = (b: Uint8Array) => [...b.subarray(0, at), ...b.subarray(at + 32)];
    expect(rest(seeded)).toEqual(rest(plain));
    for (const bad of [new Uint8Array(31), new Uint8Array(33), [1, 2, 3]])
      expect(() => virtFdt({ ...options, rngSeed: bad as Uint8Array })).toThrow(MachineError);
  });

  it('leaves out empty bootargs, as QEMU an empty -append', () => {
    const options = { ramBase: RAM_BASE, ramSize: DEFAULT_RAM_SIZE };
    expect(virtFdt({ ...options, bootargs: '' })).toEqual(virtFdt(options));
  });

  it.skipIf(!DTC_AVAILABLE)('decompiles with dtc to the virt board of QEMU', () => {
    const text = dts(
      virtFdt({ ramBase: RAM_BASE, ramSize: DEFAULT_RAM_SIZE, bootargs: 'run=compute' }),
    );
    expect(text).toContain('reg = <0x00 0x80000000 0x00 0x8000000>;');
    expect(text).toContain('timebase-frequency = <0x989680>;');
    expect(text).toContain(`riscv,isa = "${VIRT_ISA}";`);
    expect(text).toContain('mmu-type = "riscv,sv32";');
    expect(text).toContain('stdout-path = "/soc/serial@10000000";');
    expect(text).toContain('bootargs = "run=compute";');
    expect(text).toContain('compatible = "ns16550a";');
    expect(text).toContain('interrupts-extended = <0x02 0x03 0x02 0x07>;');
    expect(text).toContain('virtio_mmio@10008000 {');
  });
});
