/**
 * Differential tests against QEMU (`qemu-system-riscv32 -M virt -bios none -icount
 * shift=0,sleep=off`, with F, D and H turned off): each guest prints to the UART and passes;
 * the console output must be byte-identical. Skips with a message where QEMU is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBackend } from '@trapeze/devices';
import { elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { QEMU_REFERENCE_ARGS } from '../src/qemu-reference.js';
import { VirtMachine } from '../src/virt-machine.js';
import {
  assembleGuest,
  DATA,
  FINISH,
  PRIVILEGED_GUESTS,
  type PrivilegedGuest,
} from './privileged-guests.js';
import { CORES, type CoreKind, elfOf, memoize } from './support.js';

const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'QEMU differential tests skipped (apt-get install qemu-system-misc; CI installs it)',
);

function onQemu(elf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-qemu-'));
  try {
    const image = join(dir, 'guest.elf');
    const out = join(dir, 'console.txt');
    writeFileSync(image, elf);
    // QEMU writes the console with non-blocking stdout: a file keeps the last bytes.
    execFileSync('sh', [
      '-c',
      `timeout 20 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -kernel ${image} > ${out} 2>&1`,
    ]);
    return readFileSync(out, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function onTrapeze(elf: Uint8Array, core: CoreKind): string {
  const serial = new BufferBackend();
  const machine = new VirtMachine({ core, serial });
  machine.loadElf(elf);
  const exit = machine.run(50_000_000);
  expect(exit.kind).toBe('pass');
  return Buffer.from(serial.bytes()).toString('latin1');
}

const PROLOGUE = `
  _start:
    la sp, stack
    la t0, trap
    csrw mtvec, t0
`;
const EPILOGUE = `
    .align 2
trap:                          # prints mcause, mtval; skips the instruction; returns
    csrr a0, mcause; call puthex
    csrr a0, mtval; call puthex
    csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
    mret
${FINISH}
${DATA}
`;

const GUESTS: Record<string, string> = {
  counters: `
    csrr a0, minstret; call puthex
    csrr a0, mcycle; call puthex
    li s0, 1000
1:  addi s0, s0, -1; bnez s0, 1b
    csrr a0, minstret; call puthex
    li t0, 0x0200bff8; lw a0, 0(t0); call puthex
    csrr a0, time; call puthex
    j finish`,
  arithmetic: `
    li s0, 0x12345678; li s1, -7
    mul a0, s0, s1; call puthex
    mulh a0, s0, s1; call puthex
    mulhu a0, s0, s1; call puthex
    mulhsu a0, s1, s0; call puthex
    div a0, s1, s0; call puthex
    divu a0, s1, s0; call puthex
    rem a0, s1, s0; call puthex
    li t0, 0; div a0, s0, t0; call puthex
    la t0, data; lw a0, 1(t0); call puthex
    lh a0, 3(t0); call puthex
    j finish
    .data
data: .word 0x44332211, 0x88776655`,
  traps: `
    ecall
    ebreak
    .word 0xffffffff
    csrr a0, misa; call puthex
    j finish`,
  'trap-time': `
    .option norvc
    csrr s1, minstret
    ecall                      # QEMU's icount counts ECALL, EBREAK and undecodable words,
    csrr s2, minstret          # not instructions that trap as they execute
    ebreak
    csrr s3, minstret
    .word 0xffffffff
    csrr s4, minstret
    csrr t0, 0x7c0             # no such CSR: illegal, found as it executes
    csrr s5, minstret
    sub a0, s2, s1; call puthex
    sub a0, s3, s2; call puthex
    sub a0, s4, s3; call puthex
    sub a0, s5, s4; call puthex
    j finish`,
  'timer-phases': `
    .option norvc
    li t0, 0x80; csrs mie, t0              # MTIE (MIE off: WFI wakes, no trap)
    li s0, 0                               # s0: phase 0..119, s1: sum of WFI times
    li s1, 0
1:  mv t1, s0                              # shift the next mtime read by s0 instructions
2:  beqz t1, 3f; addi t1, t1, -1; j 2b
3:  li t2, 0x0200bff8; lw t3, 0(t2)        # mtimecmp = mtime + 2 or + 3: WFI waits
    andi t4, s0, 1; add t3, t3, t4; addi t3, t3, 2
    li t2, 0x02004000; sw t3, 0(t2); sw zero, 4(t2)
    csrr t5, minstret
    wfi
    csrr t6, minstret
    sub t6, t6, t5; add s1, s1, t6
    li t3, -1; li t2, 0x02004000; sw t3, 4(t2)   # MTIP off again
    addi s0, s0, 1; li t2, 120; blt s0, t2, 1b
    mv a0, s1; call puthex
    j finish`,
  'device-widths': `
    li s2, 0x0200bff8; lb a0, 0(s2)      # CLINT, PLIC, RTC: 32-bit only (access faults)
    li s2, 0x0200bff8; lh a0, 0(s2)
    li s2, 0x02000000; sb zero, 0(s2)
    li s2, 0x0c000028; lb a0, 0(s2)
    li s2, 0x0c000028; sh zero, 0(s2)
    li s2, 0x00101000; lb a0, 0(s2)
    li s2, 0x00100000; lb a0, 0(s2)      # finisher: 16 and 32 bits
    li s2, 0x00100000; lw a0, 0(s2); call puthex
    li s2, 0x00100000; sb zero, 0(s2)
    li s2, 0x10000004; lw a0, 0(s2); call puthex   # UART: any width reaches the byte register
    li s2, 0x10000004; lhu a0, 0(s2); call puthex
    li s2, 0x10000008; lbu a0, 0(s2)      # past the UART's 8 registers: access fault
    li s2, 0x0c000028; li t0, 7; sw t0, 0(s2); lw a0, 0(s2); call puthex
    li s2, 0x10001000; lw a0, 0(s2); call puthex   # empty virtio-mmio slots
    li s2, 0x10008000; lw a0, 4(s2); call puthex
    li s2, 0x10004000; lw a0, 8(s2); call puthex
    li s2, 0x10004000; lw a0, 12(s2); call puthex
    li s2, 0x10004000; lhu a0, 0(s2); call puthex
    li s2, 0x10004200; lw a0, 0(s2)               # past the 0x200-byte window: fault
    j finish`,
  timer: `
    li t0, 0x0200bff8; lw t1, 0(t0)
    addi t1, t1, 500
    li t0, 0x02004000; sw t1, 0(t0); sw zero, 4(t0)
    li t0, 0x80; csrs mie, t0  # MTIE on, MIE off: WFI wakes without taking the interrupt
    csrr s1, minstret
    wfi
    csrr a0, minstret; sub a0, a0, s1; call puthex
    csrr a0, mip; call puthex
    j finish`,
};

/** Each guest's ELF file: the source guest `name`, assembled. */
function guestElf(name: string): Uint8Array {
  const body = GUESTS[name] as string;
  const source = `${PROLOGUE}${body.includes('.data') ? body.replace('.data', `${EPILOGUE.replace('.bss', '.text\n.bss')}\n.data`) : `${body}\n${EPILOGUE}`}`;
  return elfOf(source);
}

/** Each privileged guest's ELF file and expected output. */
function privilegedElf(name: string): { elf: Uint8Array; expected: string } {
  const guest = PRIVILEGED_GUESTS[name] as PrivilegedGuest;
  const { result, symbol } = assembleGuest(guest);
  return { elf: elfImage(result), expected: guest.expected(symbol) };
}

/** QEMU's console for each guest, run once and compared with both cores. */
const qemuOf = memoize((name: string) => onQemu(guestElf(name)));
const qemuOfPrivileged = memoize((name: string) => onQemu(privilegedElf(name).elf));

describe.skipIf(!QEMU_AVAILABLE)('console output and final registers match QEMU', () => {
  describe.each(CORES)('on the %s core', (core: CoreKind) => {
    for (const name of Object.keys(GUESTS)) {
      it(`for the ${name} guest`, () => {
        const qemu = qemuOf(name);
        expect(qemu.length).toBeGreaterThan(0);
        expect(onTrapeze(guestElf(name), core)).toBe(qemu);
      }, 30_000);
    }
    for (const name of Object.keys(PRIVILEGED_GUESTS)) {
      it(`for the ${name} privileged guest`, () => {
        const { elf, expected } = privilegedElf(name);
        const qemu = qemuOfPrivileged(name);
        expect(qemu.startsWith(expected)).toBe(true);
        expect(onTrapeze(elf, core)).toBe(qemu);
      }, 30_000);
    }
  });
});
