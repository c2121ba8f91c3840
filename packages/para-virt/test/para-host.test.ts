/**
 * Two paravirtualized OSes sharing one host CPU (ParaHost): each reports, at power-off, its
 * uptime and its steal time (SBI STA, read from its record), and the two add up with what it
 * ran: its clock is its own run time, plus the time the other VM ran while it was ready (steal),
 * plus the time it waited for its timer (idle).
 */
import { readFileSync } from 'node:fs';
import { BufferBackend } from '@trapeze/devices';
import { describe, expect, it } from 'vitest';
import { createParaMachine, type ParaCore, ParaHost, ParaVirtError } from '../src/index.js';

const PV = new Uint8Array(
  readFileSync(new URL('../../../guests/images/os-pv.elf', import.meta.url)),
);

function vm(bootargs: string) {
  const serial = new BufferBackend();
  const machine = createParaMachine({ serial, bootargs });
  machine.loadElf(PV);
  return { machine, serial, core: machine.core as ParaCore };
}

/** The `pv: uptime U ns, steal S ns` line a PV kernel prints at power-off. */
function report(text: string): { uptime: number; steal: number } {
  const m = /pv: uptime (\d+) ns, steal (\d+) ns/.exec(text);
  if (m === null) throw new Error(`no steal report in ${JSON.stringify(text.slice(-200))}`);
  return { uptime: Number(m[1]), steal: Number(m[2]) };
}

describe('steal time', () => {
  it('is 0 for a VM alone', () => {
    const a = vm('run=syscall');
    expect(a.machine.run(100_000_000).kind).toBe('pass');
    expect(report(a.serial.text()).steal).toBe(0);
  });

  it('adds up with run time for two VMs sharing a host', () => {
    const a = vm('run=compute');
    const b = vm('run=syscall,compute');
    const host = new ParaHost([a.machine, b.machine], { slice: 50_000 });
    host.run(1e10);
    for (const x of [a, b]) {
      expect(host.vms.find((v) => v.machine === x.machine)?.exit?.kind).toBe('pass');
      const { uptime, steal } = report(x.serial.text());
      // What the guest read from its record is what the hypervisor counted.
      expect(steal).toBe(x.core.stolen);
      expect(steal).toBeGreaterThan(0);
      // Its clock: its own run time, steal, and idle waits (never negative).
      const hart = x.machine.hart;
      const run = hart.retired + hart.countedTraps;
      const idle = x.machine.clock.skipped - steal;
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(run + steal + idle).toBe(x.machine.clock.ns);
      // The uptime it printed is its clock shortly before the end (the report's 64-bit decimal
      // formatting and the power-off take ≈ 20,000 instructions, and another VM's turn of 50,000
      // may come in between).
      expect(uptime).toBeLessThanOrEqual(x.machine.clock.ns);
      expect(x.machine.clock.ns - uptime).toBeLessThan(100_000);
    }
    // Neither waited for its timer here, so the host ran exactly what the two ran; b, which
    // powered off last, was ready all the time a ran: its steal is a's whole run, and a's
    // steal is what b ran before a powered off.
    const runA = a.machine.hart.retired + a.machine.hart.countedTraps;
    const runB = b.machine.hart.retired + b.machine.hart.countedTraps;
    expect(a.machine.clock.skipped).toBe(a.core.stolen);
    expect(b.machine.clock.skipped).toBe(b.core.stolen);
    expect(host.now).toBe(runA + runB);
    expect(b.machine.clock.ns).toBe(host.now);
    expect(b.core.stolen).toBe(runA);
    expect(a.core.stolen).toBeLessThan(runB);
  });

  it('takes only para machines', () => {
    expect(() => new ParaHost([createParaMachine()], { slice: 0 })).toThrow(ParaVirtError);
  });
});
