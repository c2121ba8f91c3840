/**
 * QEMU's advertised regions that the `virt` board's device tree names — the PCIe host bridge
 * (ECAM, I/O and MMIO windows), the two CFI flash banks and fw-cfg — probed by the programs of
 * `docs/probes/` (`pci-probe.S`, `flash-probe.S`, `fwcfg-probe.S`) on Trapeze and on QEMU 7.2,
 * and the PLIC's pending bits against a level-triggered source (`plic-probe.S`):
 * the console output must be byte-identical. Skips with a message where QEMU is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, elfOf, memoize } from './support.js';

const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'QEMU differential tests skipped (apt-get install qemu-system-misc; CI installs it)',
);

const PROBES = ['pci-probe', 'flash-probe', 'fwcfg-probe', 'plic-probe'] as const;

/** The probe `name`, assembled from docs/probes. */
const probeElf = memoize((name: string) =>
  elfOf(readFileSync(new URL(`../../../docs/probes/${name}.S`, import.meta.url), 'utf8')),
);

const onQemu = memoize((name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-qemu-'));
  try {
    const image = join(dir, 'probe.elf');
    const out = join(dir, 'console.txt');
    writeFileSync(image, probeElf(name));
    // QEMU writes the console with non-blocking stdout: a file keeps the last bytes.
    execFileSync('sh', [
      '-c',
      `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -kernel ${image} < /dev/null > ${out} 2>&1`,
    ]);
    return readFileSync(out, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function onTrapeze(name: string, core: CoreKind): string {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ core, serial });
  machine.loadElf(probeElf(name));
  expect(machine.run(50_000_000).kind).toBe('pass');
  return Buffer.from(serial.bytes()).toString('latin1');
}

describe.skipIf(!QEMU_AVAILABLE)('PCI, flash, fw-cfg and the PLIC answer as on QEMU', () => {
  describe.each(CORES)('on the %s core', (core: CoreKind) => {
    for (const name of PROBES) {
      it(`for ${name}.S`, () => {
        const qemu = onQemu(name);
        expect(qemu.length).toBeGreaterThan(80); // it ran and printed its lines
        expect(onTrapeze(name, core)).toBe(qemu);
      }, 60_000);
    }
  });
});
