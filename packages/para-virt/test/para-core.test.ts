/**
 * The `para` hypervisor against small PV kernels written in assembly: the start of day, each
 * hypercall (and its bad arguments), the guest's own traps taken without exits, validated
 * page-table updates, and virtual interrupts (mask, delivery, yield).
 */
import { BufferBackend } from '@trapeze/devices';
import { assemble, elfImage } from '@trapeze/isa';
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_V, PTE_W, pte } from '@trapeze/mmu';
import { describe, expect, it, vi } from 'vitest';
import {
  createParaMachine,
  type ParaCore,
  POLL_INSTRUCTIONS,
  paraExits,
  SBI_ERR_DENIED,
  SBI_ERR_INVALID_ADDRESS,
  SBI_ERR_INVALID_PARAM,
  SBI_ERR_NOT_SUPPORTED,
  TRPZ_ABI_VERSION,
  TRPZ_EID,
  TRPZ_MAGIC,
} from '../src/index.js';

const SRST = 0x5352_5354;
const DBCN = 0x4442_434e;
const BASE = 0x10;
const TIME = 0x5449_4d45;
const IPI = 0x73_5049;
const STA = 0x53_5441;

/** An SBI call: `a0`..`a3` from `args`, then `ecall`. */
const sbi = (eid: number, fid: number, ...args: (number | string)[]) =>
  `${args.map((v, i) => (typeof v === 'string' ? `mv a${i}, ${v}` : `li a${i}, ${v}`)).join('\n')}
   li a6, ${fid}
   li a7, ${eid}
   ecall`;
const PASS = sbi(SRST, 0, 0, 0);
/** Registers `handler` as the vector, s1 = the shared page, the timer interrupt enabled there. */
const TIMER_PREAMBLE = `la t0, handler
       ${sbi(TRPZ_EID, 1, 't0')}
       lw s1, 0x10(s11)
       li t0, 0x20
       sw t0, 0x0c(s1)`;
const FAIL = sbi(SRST, 0, 0, 1);

/** A PV kernel at 0x8000_0000 (`body` runs with a1 = the start-of-day page); it passes at `pass`. */
function kernel(body: string, core: 'interpreter' | 'translator' = 'translator') {
  const serial = new BufferBackend();
  const machine = createParaMachine({ serial, core });
  machine.loadElf(
    elfImage(
      assemble(
        `_start:
         mv s11, a1
         ${body}
       pass:
         ${PASS}
       fail:
         ${FAIL}
       hang:
         j hang`,
        { textAddress: 0x8000_0000 },
      ),
    ),
  );
  return { machine, serial, core: machine.core as ParaCore };
}

describe.each(['translator', 'interpreter'] as const)('the para hypervisor on the %s', (kind) => {
  it('enters the kernel in S-mode with the start of day, and powers off through SRST', () => {
    const { machine, core } = kernel(
      `lw s0, 0(a1)       # magic
       lw s1, 0x10(a1)    # shared page
       lw s2, 0(s1)       # its magic
       lw s3, 8(s1)       # mask
       lw s4, 0x1c(a1)    # root
       lw s5, 0x0c(a1)    # RAM size
       csrr s6, sstatus   # allowed
       mv s7, a0`,
      kind,
    );
    expect(machine.run(10_000).kind).toBe('pass');
    const x = machine.hart.x;
    const start = core.startOfDay;
    expect(start).toBeDefined();
    expect(x[8] >>> 0).toBe(TRPZ_MAGIC);
    expect(x[18] >>> 0).toBe(TRPZ_MAGIC);
    expect(x[19]).toBe(1);
    expect(x[20] >>> 0).toBe(start?.root);
    expect(x[21]).toBe(machine.ram.size);
    expect(x[23]).toBe(0);
    expect(x[9] >>> 0).toBe(start?.sharedPage);
    expect(machine.hart.csr.satp >>> 0).toBe((0x8000_0000 | ((start?.root ?? 0) >>> 12)) >>> 0);
    expect(core.tables.root).toBe(start?.root);
    expect(core.tables.audit()).toEqual([]);
    expect(paraExits(machine)?.hypercalls).toEqual({ SBI_SRST_SYSTEM_RESET: 1 });
  });

  it('answers SBI BASE, DBCN and the ABI version, and refuses what it does not know', () => {
    const { machine, serial } = kernel(
      `${sbi(BASE, 3, TRPZ_EID)}
       mv s0, a1
       ${sbi(BASE, 3, 0x1234567)}
       mv s1, a1
       ${sbi(BASE, 1)}
       mv s2, a1
       ${sbi(0x7777777, 0)}
       mv s3, a0
       ${sbi(TRPZ_EID, 99)}
       mv s4, a0
       ${sbi(TRPZ_EID, 0)}
       mv s5, a1
       la s6, text
       ${sbi(DBCN, 0, 3, 's6', 0)}
       mv s7, a1
       ${sbi(DBCN, 2, 0x21)}
       ${sbi(DBCN, 0, 3, 0x1000, 0)}
       mv s8, a0
       j pass
     text: .ascii "pv\\n"
       .align 2`,
      kind,
    );
    expect(machine.run(10_000).kind).toBe('pass');
    const x = machine.hart.x;
    expect([x[8], x[9], x[18]]).toEqual([1, 0, 0x5450]);
    expect([x[19], x[20]]).toEqual([SBI_ERR_NOT_SUPPORTED, SBI_ERR_NOT_SUPPORTED]);
    expect(x[21]).toBe(TRPZ_ABI_VERSION);
    expect(x[23]).toBe(3);
    expect(x[24]).toBe(SBI_ERR_INVALID_PARAM);
    expect(serial.text()).toBe('pv\n!');
  });

  it('refuses bad hypercall arguments with SBI errors', () => {
    const { machine } = kernel(
      `${sbi(TRPZ_EID, 3, 0x8001_0000, 513, 0, 0)}  # MMU_UPDATE: too many
       mv s0, a0
       ${sbi(TRPZ_EID, 3, 0x8001_0000, 1, 7, 0)}    # bad flush
       mv s1, a0
       ${sbi(TRPZ_EID, 4, 0x8001_0004, 0)}          # PIN_TABLE misaligned
       mv s2, a0
       ${sbi(TRPZ_EID, 6, 0x8001_0000)}             # SET_ROOT not a pinned root
       mv s3, a0
       ${sbi(TRPZ_EID, 1, 0x8000_0002)}             # SET_TRAP_VECTOR misaligned
       mv s4, a0
       ${sbi(IPI, 0, 2, 0)}                          # hart 1
       mv s5, a0
       ${sbi(SRST, 0, 9, 0)}                         # bad type
       mv s6, a0
       ${sbi(STA, 0, 0x8001_0004, 0, 0)}             # misaligned record
       mv s7, a0
       ${sbi(TRPZ_EID, 7, 20)}                       # EVENT_BIND: not a virtio source
       mv s8, a0
       ${sbi(TRPZ_EID, 10, 0x1000, 0)}               # SPIN_WAIT outside RAM
       mv s9, a0
       ${sbi(TRPZ_EID, 5, 0x8001_0000)}              # UNPIN not pinned
       mv s10, a0`,
      kind,
    );
    expect(machine.run(10_000).kind).toBe('pass');
    const x = machine.hart.x;
    expect([x[8], x[9], x[18], x[19], x[20], x[21], x[22], x[23], x[24], x[25], x[26]]).toEqual([
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_ADDRESS,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_PARAM,
      SBI_ERR_INVALID_ADDRESS,
      SBI_ERR_INVALID_PARAM,
    ]);
  });

  it("takes the guest's own traps without exits: illegal satp, sfence.vma, wfi, a fetch fault in U-mode", () => {
    const { machine } = kernel(
      `la t0, handler
       ${sbi(TRPZ_EID, 1, 't0')}
       li s0, 0
       csrw satp, zero
       sfence.vma
       wfi
       # to U-mode at a kernel page: a fetch page fault, taken by the kernel
       la t0, user
       csrw sepc, t0
       li t0, 0x100
       csrc sstatus, t0
       sret
     user:
       j user
       .align 2
     handler:
       csrr t0, scause
       slli s0, s0, 4
       or s0, s0, t0
       li t1, 12
       beq t0, t1, pass
       csrr t0, sepc
       addi t0, t0, 4
       csrw sepc, t0
       sret`,
      kind,
    );
    expect(machine.run(10_000).kind).toBe('pass');
    // Illegal, illegal, illegal, instruction page fault.
    expect(machine.hart.x[8]).toBe(0x222c);
    const exits = paraExits(machine);
    expect(exits?.total).toBe(2); // SET_TRAP_VECTOR and SRST: the traps were the guest's own
    expect(exits?.hypercalls).toEqual({ TRPZ_SET_TRAP_VECTOR: 1, SBI_SRST_SYSTEM_RESET: 1 });
  });

  it('maps a page through a validated batch, refuses a writable table, and faults a store into one', () => {
    const DATA = 0x8001_1000;
    const TABLE = 0x8001_2000;
    const BATCH = 0x8001_0000;
    const VA = 0x4000_0000;
    const { machine, core } = kernel(
      `la t0, handler
       ${sbi(TRPZ_EID, 1, 't0')}
       lw s4, 0x1c(s11)          # root
       # the direct map's leaf table of 0x80000000..0x803fffff: root entry 0x200
       li t0, 0x800
       add t0, s4, t0
       lw t0, 0(t0)
       srli t0, t0, 10
       slli s5, t0, 12
       li t1, ${BATCH}
       # 1: the table-to-be read-only in the direct map
       li t2, ${((TABLE >>> 12) & 0x3ff) * 4}
       add t2, s5, t2
       sw t2, 0(t1)
       li t2, ${pte(TABLE >>> 12, PTE_V | PTE_R | PTE_A | PTE_G)}
       sw t2, 4(t1)
       # 2: root entry 0x100 -> the new leaf table
       addi t2, s4, 0x400
       sw t2, 8(t1)
       li t2, ${pte(TABLE >>> 12, PTE_V)}
       sw t2, 12(t1)
       # 3: VA -> DATA, read/write
       li t2, ${TABLE}
       sw t2, 16(t1)
       li t2, ${pte(DATA >>> 12, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)}
       sw t2, 20(t1)
       # 4: a writable mapping of the root: refused
       li t2, ${TABLE + 4}
       sw t2, 24(t1)
       slli t2, s4, 0
       srli t2, t2, 12
       slli t2, t2, 10
       ori t2, t2, ${PTE_V | PTE_R | PTE_W}
       sw t2, 28(t1)
       ${sbi(TRPZ_EID, 3, BATCH, 4, 1, 0)}
       mv s0, a0
       mv s1, a1
       li t0, ${VA}
       li t1, 0x1234abcd
       sw t1, 0(t0)
       li t0, ${DATA}
       lw s2, 0(t0)
       # a store into the table through the direct map: a store page fault
       li t0, ${TABLE}
       sw zero, 0(t0)
       j fail
       .align 2
     handler:
       csrr s3, scause
       j pass`,
      kind,
    );
    expect(machine.run(100_000).kind).toBe('pass');
    const x = machine.hart.x;
    expect([x[8], x[9]]).toEqual([SBI_ERR_DENIED, 3]);
    expect(x[18]).toBe(0x1234abcd);
    expect(x[19]).toBe(15);
    expect(core.tables.kindOf(TABLE)).toBe('leaf');
    expect(core.tables.audit()).toEqual([]);
  });

  it('delivers the virtual timer when unmasked, at the vector, with the trap frame in the shared page', () => {
    const { machine } = kernel(
      `${TIMER_PREAMBLE}
       rdtime t0
       addi t0, t0, 50
       ${sbi(TIME, 0, 't0', 0)}
       sw zero, 8(s1)            # unmask: a store
     spin:
       addi s0, s0, 1
       j spin
       .align 2
     handler:
       csrr s2, scause
       csrr s3, sepc
       lw s4, 0x18(s1)           # trap frame: cause
       lw s5, 8(s1)              # mask, set again by the delivery
       lw s6, 0x10(s1)           # pending
       li t0, -1
       ${sbi(TIME, 0, 't0', 't0')}
       lw s7, 0x10(s1)           # pending after the timer moved
       j pass`,
      kind,
    );
    expect(machine.run(1_000_000).kind).toBe('pass');
    const x = machine.hart.x;
    expect(x[18] >>> 0).toBe(0x8000_0005);
    expect(x[20] >>> 0).toBe(0x8000_0005);
    expect(x[21]).toBe(1);
    expect(x[22]).toBe(0x20);
    expect(x[23]).toBe(0);
    expect(x[8]).toBeGreaterThan(100); // the loop ran until virtual time reached the timer
    expect(paraExits(machine)?.exits.interrupt).toBe(1);
  });

  it('delivers a timer that fired while masked within POLL_INSTRUCTIONS of the unmask', () => {
    const { machine } = kernel(
      `${TIMER_PREAMBLE}
       rdtime s2
       addi t0, s2, 20
       ${sbi(TIME, 0, 't0', 0)}
     wait:                       # masked until well past the deadline
       rdtime t0
       sub t0, t0, s2
       li t1, 60
       blt t0, t1, wait
       lw s3, 0x10(s1)           # pending: the timer
       li s0, 0
       sw zero, 8(s1)            # unmask
     spin:
       addi s0, s0, 1
       j spin
       .align 2
     handler:
       csrr s4, scause
       j pass`,
      kind,
    );
    expect(machine.run(1_000_000).kind).toBe('pass');
    const x = machine.hart.x;
    expect(x[19]).toBe(0x20);
    expect(x[20] >>> 0).toBe(0x8000_0005);
    expect(x[8]).toBeGreaterThan(0);
    expect(x[8]).toBeLessThanOrEqual(POLL_INSTRUCTIONS / 2);
  });

  it('keeps a pending timer while masked, delivers it on yield, and skips idle time', () => {
    const { machine } = kernel(
      `${TIMER_PREAMBLE}
       rdtime s2
       li t0, 100000
       add t0, s2, t0
       ${sbi(TIME, 0, 't0', 0)}
       ${sbi(TRPZ_EID, 9)}      # yield: masked, but delivered as if not
     after:
       j fail
       .align 2
     handler:
       csrr s3, sepc
       la t0, after
       sub s3, s3, t0           # 0: delivered with sepc after the ecall
       rdtime s4
       sub s4, s4, s2
       j pass`,
      kind,
    );
    const exit = machine.run(1_000_000);
    expect(exit.kind).toBe('pass');
    expect(machine.hart.x[19]).toBe(0);
    expect(machine.hart.x[20]).toBeGreaterThanOrEqual(100_000);
    expect(exit.instructions).toBeLessThan(1000); // virtual time skipped, not spun
  });
});

it('flushes the pages an RFENCE names, a high address included, and every translation for size 0', () => {
  const RFENCE = 0x5246_4e43;
  const { machine, core } = kernel(
    `${sbi(RFENCE, 1, 1, 0, 0x8000_1000, 0x2000)}
     ${sbi(RFENCE, 1, 1, 0, 0x8000_1000, 0)}`,
  );
  const fence = vi.spyOn(core.memory, 'fenceVma');
  expect(machine.run(10_000).kind).toBe('pass');
  expect(fence.mock.calls.slice(1)).toEqual([
    // after the start of day's
    [0x8000_1000, undefined],
    [0x8000_2000, undefined],
    [undefined, undefined],
  ]);
});

it('builds the initial address space so that every table frame is read-only and RAM is mapped', () => {
  const { machine, core } = kernel('');
  machine.run(1000);
  const start = core.startOfDay;
  expect(start).toBeDefined();
  const ram = machine.ram;
  const root = start?.root ?? 0;
  const entry = (table: number, i: number) => ram.read(table - ram.base + i * 4, 4);
  let tables = 0;
  for (let i = 0; i < 1024; i++) {
    const e = entry(root, i);
    if ((e & PTE_V) === 0) continue;
    tables++;
    const table = (e >>> 10) * 4096;
    expect(core.tables.kindOf(table)).toBe('leaf');
  }
  expect(tables).toBe(machine.ram.size / 0x40_0000 + 1); // RAM and the virtio region
  expect(core.tables.writableReferences(root)).toBe(0);
  expect(core.tables.audit()).toEqual([]);
});
