/**
 * The firmware of guests/ (images/sbitest.elf) and the device tree it passes on: a
 * `/reserved-memory` node with a `no-map` child over its 2 MiB is added, nothing else changes;
 * a tree that already has `/reserved-memory` gets the child; a tree it cannot read is passed on
 * as it was, with a warning. Decompiled with dtc (skips where it is missing).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { writeFdt } from '../src/fdt.js';
import { RAM_BASE, VirtMachine } from '../src/virt-machine.js';

const DTC_AVAILABLE = requireTool(
  'dtc',
  hasCommand('dtc'),
  'device tree decompilation checks skipped (apt-get install device-tree-compiler; CI installs it)',
);

const IMAGES = new URL('../../../guests/images/', import.meta.url).pathname;
const SBITEST = new Uint8Array(readFileSync(join(IMAGES, 'sbitest.elf')));
const PAYLOAD = 0x8020_0000;

function dts(blob: Uint8Array): string {
  const result = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], {
    input: blob,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** Runs the firmware to the payload's first instruction, with `blob` as the device tree. */
function firmwareRun(blob?: Uint8Array): { tree: Uint8Array; console: string } {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ core: 'interpreter', serial });
  machine.loadElf(SBITEST);
  if (blob !== undefined) machine.ram.loadBytes(machine.fdtAddress, blob);
  machine.breakpoints.add(PAYLOAD);
  expect(machine.run(1_000_000).kind).toBe('breakpoint');
  const at = machine.fdtAddress - RAM_BASE;
  const total = new DataView(machine.ram.u8.buffer, machine.ram.u8.byteOffset).getUint32(at + 4);
  return { tree: machine.ram.u8.slice(at, at + Math.min(total, 0x10000)), console: serial.text() };
}

const CHILD = `
\t\tmmode_resv0@80000000 {
\t\t\treg = <0x00 0x80000000 0x00 0x200000>;
\t\t\tno-map;
\t\t};
`;
const NODE = `
\treserved-memory {
\t\t#address-cells = <0x02>;
\t\t#size-cells = <0x02>;
\t\tranges;
${CHILD}\t};
`;

describe.skipIf(!DTC_AVAILABLE)('the firmware’s device tree', () => {
  it('adds /reserved-memory with a no-map child over the firmware to QEMU’s tree, and nothing else', () => {
    const original = new VirtMachine().fdt;
    const { tree, console: out } = firmwareRun();
    expect(tree.length).toBe(original.length + 147);
    const after = dts(tree);
    expect(after).toContain(NODE);
    expect(after.replace(NODE, '')).toBe(dts(original));
    expect(out).not.toContain('warning');
  });

  it('adds the child to a /reserved-memory node already there, with that node’s cells', () => {
    const blob = writeFdt({
      name: '',
      properties: [
        ['#address-cells', [1]],
        ['#size-cells', [1]],
        ['compatible', 'test'],
      ],
      children: [
        {
          name: 'memory@80000000',
          properties: [
            ['device_type', 'memory'],
            ['reg', [0x80000000, 0x8000000]],
          ],
          children: [],
        },
        {
          name: 'reserved-memory',
          properties: [
            ['#address-cells', [1]],
            ['#size-cells', [1]],
            ['ranges', true],
          ],
          children: [
            { name: 'other@87000000', properties: [['reg', [0x87000000, 0x1000]]], children: [] },
          ],
        },
      ],
    });
    const after = dts(firmwareRun(blob).tree);
    expect(after).toContain(
      '\t\tmmode_resv0@80000000 {\n\t\t\treg = <0x80000000 0x200000>;\n\t\t\tno-map;\n\t\t};\n\t};\n};',
    );
    expect(after).toContain('other@87000000');
    expect(after.match(/reserved-memory/g)).toHaveLength(1);
  });

  it('passes a tree it cannot read on as it was, and says so', () => {
    const blob = new VirtMachine().fdt.slice();
    blob[0] = 0; // no magic
    const { tree, console: out } = firmwareRun(blob);
    expect(tree.subarray(0, blob.length)).toEqual(blob);
    expect(out).toContain(
      'Trapeze SBI: warning: no reserved-memory node added to the device tree at 0x87e00000\n',
    );
  });
});
