import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { MachineError } from '../src/errors.js';
import { VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, elfOf, LIBRARY } from './support.js';

describe.each(CORES)('VirtMachine on the %s core', (core: CoreKind) => {
  function boot(source: string): { machine: VirtMachine; serial: BufferBackend } {
    const serial = new BufferBackend();
    const machine = new VirtMachine({ core, serial, ramSize: 1 << 20 });
    machine.loadElf(elfOf(source));
    return { machine, serial };
  }

  it('boots through the reset ROM with a0 = hart id and a1 = device tree, prints and passes', () => {
    const { machine, serial } = boot(`
      _start:
        la sp, stack
        mv s2, a1
        mv a0, a0; call puthex
        mv a0, s2; call puthex
        li a0, 'o'; call putc
        li a0, 'k'; call putc
        j pass
      ${LIBRARY}
        .bss
        .zero 256
      stack:
    `);
    const exit = machine.run(1_000_000);
    expect(exit.kind).toBe('pass');
    expect(serial.text()).toBe(`00000000\n${machine.fdtAddress.toString(16).padStart(8, '0')}\nok`);
  });

  it('reports a failure code, a budget reached and an idle hart', () => {
    const fail = boot(`_start: li t0, 0x100000; li t1, (7 << 16) | 0x3333; sw t1, 0(t0); 1: j 1b`);
    expect(fail.machine.run(1000)).toMatchObject({ kind: 'fail', code: 7 });
    const spin = boot('_start: j _start');
    expect(spin.machine.run(500)).toEqual({ kind: 'budget', code: 0, instructions: 500 });
    const idle = boot('_start: wfi; j _start');
    expect(idle.machine.run(1000).kind).toBe('idle');
  });

  it('stops mcycle and minstret while mcountinhibit says so, each counter on its own', () => {
    const { machine } = boot(`
      .option norvc
      _start:
        li t0, 5; csrw mcountinhibit, t0       # CY and IR: both stop
        csrr s1, minstret; csrr s2, mcycle
        nop; nop; nop
        csrr s3, minstret; csrr s4, mcycle
        li t0, 1000; csrw minstret, t0         # a write while stopped sticks
        csrr s5, minstret
        li t0, 4; csrw mcountinhibit, t0       # mcycle runs again, minstret stays stopped
        nop
        csrr s6, minstret; csrr s7, mcycle
        csrw mcountinhibit, zero
        csrr s8, minstret; nop; csrr s9, minstret
        li t0, 77; csrw mcycle, t0; csrr s10, mcycle; csrr s11, minstret
        j pass
      ${LIBRARY}
    `);
    expect(machine.run(10_000).kind).toBe('pass');
    const x = (r: number) => machine.hart.x[r] as number;
    expect(x(19) - x(9)).toBe(0); // s3 = s1: minstret stopped
    expect(x(20) - x(18)).toBe(0); // s4 = s2: mcycle stopped
    expect([x(21), x(22)]).toEqual([1000, 1000]); // s5, s6: written value, still stopped
    expect(x(23) - x(20)).toBe(3); // mcycle resumed where it stopped: nop, csrr s6, the csrr itself
    expect(x(24)).toBe(1001); // s8: minstret resumed at 1000, read by the next instruction
    expect(x(25) - x(24)).toBe(2);
    expect(x(26)).toBe(78); // s10: mcycle written with 77, read one instruction later
    expect(x(27) - x(25)).toBe(4); // s11: minstret did not take mcycle's write
  });

  it('stops at breakpoints before the instruction, and resumes from them', () => {
    const { machine } = boot(`
      _start:
        li s0, 3
      loop:
        addi s0, s0, -1
        bnez s0, loop
        j pass
      ${LIBRARY}
    `);
    machine.run(6); // the reset ROM, to the entry
    expect(machine.hart.pc).toBe(0x80000000);
    const li = machine.hart.decoder.decode(machine.ram.read(0, 4)).size; // loop follows li
    machine.breakpoints.add(0x80000000 + li);
    const stops = [];
    for (let k = 0; k < 3; k++) {
      const exit = machine.run(1000);
      stops.push([exit.kind, machine.hart.pc, machine.hart.x[8]]);
    }
    expect(stops).toEqual([
      ['breakpoint', 0x80000000 + li, 3],
      ['breakpoint', 0x80000000 + li, 2],
      ['breakpoint', 0x80000000 + li, 1],
    ]);
    machine.breakpoints.clear();
    expect(machine.run(1000).kind).toBe('pass');
  });

  it('stops a hart stuck in a trap loop (the trap vector itself faults)', () => {
    // mtvec is 0 after reset: nothing is mapped there, so every fetch faults again.
    const { machine } = boot('_start: li a0, 5; ecall');
    // Six instructions of the reset ROM and the li retire; the ecall and every fetch trap.
    expect(machine.run(1_000_000)).toEqual({ kind: 'stuck', code: 0, instructions: 7 });
    expect(machine.hart.csr.mcause).toBe(1); // instruction access fault at 0
    expect(machine.hart.trapStreak).toBe(1000);
  });

  it('runs code the guest rewrites (after FENCE.I), through the fetch and decode caches', () => {
    const { machine, serial } = boot(`
      _start:
        la sp, stack
        li s1, 3
      again:
        call patched             # returns 1, then 2 and 3 once it has been rewritten
        call puthex
        lw t0, patched           # bump the immediate of "li a0, N" (addi a0, zero, N)
        li t1, 1 << 20
        add t0, t0, t1
        la t2, patched
        sw t0, 0(t2)
        fence.i
        addi s1, s1, -1
        bnez s1, again
        j pass
        .align 2
      patched:
        .option norvc
        li a0, 1
        .option rvc
        ret
      ${LIBRARY}
        .bss
        .zero 256
      stack:
    `);
    expect(machine.run(100_000).kind).toBe('pass');
    expect(serial.text()).toBe('00000001\n00000002\n00000003\n');
  });

  it('counts time as QEMU does under icount: minstret includes the reading instruction', () => {
    const { machine, serial } = boot(`
      _start:
        la sp, stack             # two instructions after the six of the reset ROM
        csrr a0, minstret        # QEMU reads 9 here
        call puthex
        j pass
      ${LIBRARY}
        .bss
        .zero 256
      stack:
    `);
    machine.run(100_000);
    expect(serial.text().split('\n')[0]).toBe('00000009');
  });

  it('skips idle time to the timer deadline on WFI and takes the interrupt', () => {
    const { machine, serial } = boot(`
      _start:
        la sp, stack
        la t0, handler
        csrw mtvec, t0
        li t0, 0x0200bff8; lw t1, 0(t0)
        addi t1, t1, 1000
        li t0, 0x02004000; sw t1, 0(t0); sw zero, 4(t0)
        li t2, 0x80; csrs mie, t2
        csrsi mstatus, 8
        csrr s1, minstret
        wfi
        j wait
        .align 2
      handler:
        csrr s2, minstret
        sub a0, s2, s1
        call puthex
        csrr a0, mcause
        call puthex
        j pass
      wait: j wait
      ${LIBRARY}
        .bss
        .zero 256
      stack:
    `);
    expect(machine.run(1_000_000).kind).toBe('pass');
    const [elapsed, cause] = serial.text().split('\n');
    // About 1,000 ticks of 100 instructions each went by, almost all of them skipped.
    expect(Number.parseInt(elapsed as string, 16)).toBeGreaterThan(99_000);
    expect(Number.parseInt(elapsed as string, 16)).toBeLessThan(101_000);
    expect(cause).toBe('80000007');
    expect(machine.hart.retired).toBeLessThan(2000);
  });
});

describe('VirtMachine', () => {
  it('rejects images outside RAM with a typed error', () => {
    const machine = new VirtMachine({ ramSize: 1 << 16 });
    const big = elfOf('_start: nop\n .data\n .zero 70000');
    expect(() => machine.loadElf(big)).toThrow(MachineError);
    expect(() => new VirtMachine({ ramSize: 1000 })).toThrow(
      'RAM size 1000 must be a multiple of 4 KiB',
    );
  });
});
