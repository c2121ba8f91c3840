import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeFdt } from '../src/fdt.js';
import { VirtMachine } from '../src/virt-machine.js';

const DTC_AVAILABLE = spawnSync('dtc', ['--version'], { stdio: 'ignore' }).status === 0;
if (!DTC_AVAILABLE)
  console.warn(
    'dtc not found: device tree decompilation checks skipped (apt-get install device-tree-compiler)',
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
    const strings = new TextDecoder().decode(
      blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32)),
    );
    expect(strings).toBe('model\0cells\0');
  });

  it('is written at the address passed in a1, with the memory, timebase, ISA and bootargs', () => {
    const machine = new VirtMachine({ bootargs: 'run=compute' });
    expect(machine.fdtAddress).toBe(0x87e00000);
    const inRam = machine.ram.readBytes(machine.fdtAddress, machine.fdt.length);
    expect([...inRam]).toEqual([...machine.fdt]);
  });

  it.skipIf(!DTC_AVAILABLE)('decompiles with dtc to the virt board Trapeze models', () => {
    const text = dts(new VirtMachine({ bootargs: 'run=compute' }).fdt);
    expect(text).toContain('reg = <0x00 0x80000000 0x00 0x8000000>;');
    expect(text).toContain('timebase-frequency = <0x989680>;');
    expect(text).toContain('riscv,isa = "rv32imac_zicsr_zifencei";');
    expect(text).toContain('mmu-type = "riscv,sv32";');
    expect(text).toContain('stdout-path = "/soc/serial@10000000";');
    expect(text).toContain('bootargs = "run=compute";');
    expect(text).toContain('compatible = "ns16550a";');
    expect(text).toContain('interrupts-extended = <0x01 0x03 0x01 0x07>;');
  });
});
