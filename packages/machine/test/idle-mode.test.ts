import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { VirtMachine } from '../src/virt-machine.js';
import { CORES, type CoreKind, elfOf, LIBRARY } from './support.js';

/** Sets the timer 1,000 ticks (100 µs) ahead, waits for it with WFI, prints 't' and passes. */
const TIMER_WAIT = `
_start:
    la sp, stack
    li t0, 0x0200bff8; lw t1, 0(t0)               # mtime (low word; small here)
    addi t1, t1, 1000
    li t0, 0x02004000; sw t1, 0(t0); sw zero, 4(t0)   # mtimecmp = mtime + 1000
    li t0, 0x80; csrw mie, t0                     # MTIE (mstatus.MIE stays 0: WFI just wakes)
1:  wfi
    csrr t0, mip; andi t0, t0, 0x80; beqz t0, 1b
    li a0, 't'; call putc
    j pass
${LIBRARY}
    .bss
    .zero 256
stack:
`;

describe.each(CORES)("VirtMachine's idle option on the %s core", (core: CoreKind) => {
  function boot(idle?: 'skip' | 'stop') {
    const serial = new BufferBackend();
    const machine = new VirtMachine({ core, serial, ramSize: 1 << 20, ...(idle ? { idle } : {}) });
    machine.loadElf(elfOf(TIMER_WAIT));
    return { machine, serial };
  }

  it("skips virtual time to the deadline by default ('skip')", () => {
    const { machine, serial } = boot();
    expect(machine.idleMode).toBe('skip');
    expect(machine.run(10_000).kind).toBe('pass');
    expect(serial.text()).toBe('t');
    expect(machine.clock.ns).toBeGreaterThan(100_000);
  });

  it("'stop' ends the run at the WFI with the deadline, and leaves virtual time alone", () => {
    const { machine, serial } = boot('stop');
    const exit = machine.run(10_000);
    expect(exit.kind).toBe('idle');
    const wake = exit.wakeNs as number;
    const at = machine.clock.ns;
    expect(wake).toBeGreaterThan(at);
    expect(wake).toBeGreaterThanOrEqual(100_000);
    expect(machine.clock.skipped).toBe(0);
    // Still waiting: a run executes nothing and stops again with the same deadline.
    expect(machine.run(10_000)).toEqual({ kind: 'idle', code: 0, instructions: 0, wakeNs: wake });
    // Part of the way (host time waited, say): still waiting.
    machine.clock.skipToNs(wake - 50);
    expect(machine.run(10_000)).toMatchObject({ kind: 'idle', instructions: 0, wakeNs: wake });
    expect(serial.text()).toBe('');
    // At the deadline the timer fires and the guest goes on.
    machine.clock.skipToNs(wake);
    expect(machine.run(10_000).kind).toBe('pass');
    expect(serial.text()).toBe('t');
  });

  it("'stop' then skipping to each wakeNs reaches exactly the state of 'skip'", () => {
    const skip = boot('skip');
    skip.machine.run(10_000);
    const stop = boot('stop');
    for (let k = 0; k < 10; k++) {
      const exit = stop.machine.run(10_000);
      if (exit.kind !== 'idle') break;
      stop.machine.clock.skipToNs(exit.wakeNs as number);
    }
    expect(stop.machine.snapshot()).toEqual(skip.machine.snapshot());
  });

  it('can be changed between runs', () => {
    const { machine } = boot();
    machine.idleMode = 'stop';
    expect(machine.run(10_000)).toMatchObject({ kind: 'idle' });
    machine.idleMode = 'skip';
    expect(machine.run(10_000).kind).toBe('pass');
  });

  it('an idle exit without wakeNs still means that nothing but input can wake the hart', () => {
    const machine = new VirtMachine({ core, ramSize: 1 << 20, idle: 'stop' });
    machine.loadElf(elfOf('_start: wfi; j _start'));
    const exit = machine.run(1000);
    expect(exit.kind).toBe('idle');
    expect(exit).not.toHaveProperty('wakeNs');
  });

  it('an RTC alarm past 2^53 ns of virtual time is a deadline never reached, not an error', () => {
    // time + 2^54 ns: the Goldfish RTC counts nanoseconds; the alarm's high word gets + 2^22.
    const source = `
_start:
    li t0, 0x101000
    lw t1, 4(t0)                 # TIME_HIGH (after TIME_LOW latched it: read low first)
    lw t1, 0(t0); lw t1, 4(t0)
    li t2, 0x400000; add t1, t1, t2
    sw t1, 12(t0)                # ALARM_HIGH
    sw zero, 8(t0)               # ALARM_LOW arms the alarm
1:  wfi
    j 1b
`;
    for (const idle of ['skip', 'stop'] as const) {
      const machine = new VirtMachine({ core, ramSize: 1 << 20, idle });
      machine.loadElf(elfOf(source));
      const exit = machine.run(1000);
      expect(exit.kind).toBe('idle');
      expect(exit).not.toHaveProperty('wakeNs');
      expect(machine.clock.ns).toBeLessThan(1000);
    }
  });
});
