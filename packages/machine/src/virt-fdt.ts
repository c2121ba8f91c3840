/**
 * The device tree of the `virt` board, describing what Trapeze models with QEMU's node names
 * and compatibles, so that a kernel (Linux, or the guests of this project) finds the hart,
 * the memory, the timebase, the interrupt controllers and the console.
 *
 * @module
 */
import { VIRT_MAP } from '@trapeze/devices';
import { type FdtNode, type FdtValue, writeFdt } from './fdt.js';

/** What the device tree says about a machine. */
export interface VirtFdtOptions {
  readonly ramBase: number;
  readonly ramSize: number;
  /** The ISA string of the hart (`rv32imac_zicsr_zifencei`). */
  readonly isa: string;
  /** Kernel command line (`/chosen/bootargs`), as QEMU's `-append`. */
  readonly bootargs?: string;
}

/** Timebase of `mtime`: 10 MHz. */
export const TIMEBASE_FREQUENCY = 10_000_000;
const CPU_INTC = 1;
const PLIC = 2;
const TEST = 3;

function node(name: string, properties: [string, FdtValue][], children: FdtNode[] = []): FdtNode {
  return { name, properties, children };
}

function reg(base: number, size: number): number[] {
  return [0, base, 0, size];
}

const hex = (n: number) => n.toString(16);

/** Builds the `virt` device tree blob. */
export function virtFdt(options: VirtFdtOptions): Uint8Array {
  const { clint, plic, uart0, test, rtc } = VIRT_MAP;
  const uartPath = `/soc/serial@${hex(uart0.base)}`;
  const chosen: [string, FdtValue][] = [['stdout-path', uartPath]];
  if (options.bootargs !== undefined) chosen.push(['bootargs', options.bootargs]);
  const root = node(
    '',
    [
      ['#address-cells', [2]],
      ['#size-cells', [2]],
      ['compatible', 'riscv-virtio'],
      ['model', 'riscv-virtio,qemu'],
    ],
    [
      node('chosen', chosen),
      node(`memory@${hex(options.ramBase)}`, [
        ['device_type', 'memory'],
        ['reg', reg(options.ramBase, options.ramSize)],
      ]),
      node(
        'cpus',
        [
          ['#address-cells', [1]],
          ['#size-cells', [0]],
          ['timebase-frequency', [TIMEBASE_FREQUENCY]],
        ],
        [
          node(
            'cpu@0',
            [
              ['device_type', 'cpu'],
              ['reg', [0]],
              ['status', 'okay'],
              ['compatible', 'riscv'],
              ['riscv,isa', options.isa],
              ['mmu-type', 'riscv,sv32'],
            ],
            [
              node('interrupt-controller', [
                ['#interrupt-cells', [1]],
                ['interrupt-controller', true],
                ['compatible', 'riscv,cpu-intc'],
                ['phandle', [CPU_INTC]],
              ]),
            ],
          ),
        ],
      ),
      node(
        'soc',
        [
          ['#address-cells', [2]],
          ['#size-cells', [2]],
          ['compatible', 'simple-bus'],
          ['ranges', true],
        ],
        [
          node(`rtc@${hex(rtc.base)}`, [
            ['interrupts', [rtc.irq]],
            ['interrupt-parent', [PLIC]],
            ['reg', reg(rtc.base, rtc.size)],
            ['compatible', 'google,goldfish-rtc'],
          ]),
          node(`serial@${hex(uart0.base)}`, [
            ['interrupts', [uart0.irq]],
            ['interrupt-parent', [PLIC]],
            ['clock-frequency', [0x384000]],
            ['reg', reg(uart0.base, uart0.size)],
            ['compatible', 'ns16550a'],
          ]),
          node(`test@${hex(test.base)}`, [
            ['phandle', [TEST]],
            ['reg', reg(test.base, test.size)],
            ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']],
          ]),
          node(`plic@${hex(plic.base)}`, [
            ['phandle', [PLIC]],
            ['riscv,ndev', [95]],
            ['reg', reg(plic.base, plic.size)],
            ['interrupts-extended', [CPU_INTC, 11, CPU_INTC, 9]],
            ['interrupt-controller', true],
            ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']],
            ['#address-cells', [0]],
            ['#interrupt-cells', [1]],
          ]),
          node(`clint@${hex(clint.base)}`, [
            ['interrupts-extended', [CPU_INTC, 3, CPU_INTC, 7]],
            ['reg', reg(clint.base, clint.size)],
            ['compatible', ['sifive,clint0', 'riscv,clint0']],
          ]),
        ],
      ),
      node('poweroff', [
        ['value', [0x5555]],
        ['offset', [0]],
        ['regmap', [TEST]],
        ['compatible', 'syscon-poweroff'],
      ]),
      node('reboot', [
        ['value', [0x7777]],
        ['offset', [0]],
        ['regmap', [TEST]],
        ['compatible', 'syscon-reboot'],
      ]),
    ],
  );
  return writeFdt(root);
}
