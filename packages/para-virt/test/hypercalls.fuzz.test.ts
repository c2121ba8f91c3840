/**
 * The whole call surface under attack: a PV kernel that runs a generated list of operations —
 * hypercalls of every extension with arguments drawn from the addresses that matter (the
 * hypervisor's tables and pages, the kernel's own code, misaligned and foreign addresses,
 * devices, the top of the address space) and update batches aimed at the same, and stores of its
 * own into any of those addresses (a fault goes to a vector that skips the store). Whatever the
 * run does (pass, power off, hang, loop), the host never throws, the validator's recount holds,
 * and what the hardware walks from `satp` — and from every pinned table — maps no table frame
 * writable and nothing outside RAM and the virtio pages.
 *
 * `TRAPEZE_PV_FUZZ_CALLS` sets the number of cases (40 in `npm test`; docs/pv-abi.md records
 * the campaign), `TRAPEZE_PV_FUZZ_SEED` the seed.
 */
import { test as prop } from '@fast-check/vitest';
import { BufferBackend } from '@trapeze/devices';
import { assemble, elfImage } from '@trapeze/isa';
import { PTE_R, PTE_V, PTE_W, PTE_X, pte } from '@trapeze/mmu';
import fc from 'fast-check';
import { afterAll, describe, expect } from 'vitest';
import { createParaMachine, PARA_DEVICE_FRAMES, type ParaCore, TRPZ_EID } from '../src/index.js';

const CASES = Number(process.env.TRAPEZE_PV_FUZZ_CALLS ?? 40);
const SEED = process.env.TRAPEZE_PV_FUZZ_SEED;

const RAM = 2 << 20;
const BASE = 0x8000_0000;
const OPS = 0x8004_0000; // the operation list (plain kernel memory)
const RESULTS = 0x8005_0000;
const BATCHES = [0x8006_0000, 0x8006_1000]; // update batches (plain frames, also fuzz targets)
const STEP = 36;

/** The kernel: set a vector that skips a faulting instruction, run the operations, pass. */
const KERNEL = elfImage(
  assemble(
    `_start:
       la a0, vector
       li a6, 1
       li a7, ${TRPZ_EID}
       ecall
       li s0, ${OPS}
       li s1, ${RESULTS}
     loop:
       lw t0, 0(s0)
       beqz t0, done
       li t1, 2
       beq t0, t1, store
       lw a7, 4(s0)
       lw a6, 8(s0)
       lw a0, 12(s0)
       lw a1, 16(s0)
       lw a2, 20(s0)
       lw a3, 24(s0)
       lw a4, 28(s0)
       lw a5, 32(s0)
       ecall
       sw a0, 0(s1)
       sw a1, 4(s1)
       j next
     store:
       lw t1, 12(s0)
       lw t2, 16(s0)
       sw t2, 0(t1)
     next:
       addi s0, s0, ${STEP}
       addi s1, s1, 8
       j loop
     done:
       li a7, 0x53525354
       li a6, 0
       li a0, 0
       li a1, 0
       ecall
     hang:
       j hang
       .align 2
     vector:
       csrr t0, sepc
       addi t0, t0, 4
       csrw sepc, t0
       sret`,
    { textAddress: BASE },
  ),
);

/** The addresses that matter, found by booting once: the start of day's frames among them. */
const ADDRESSES = (() => {
  const machine = createParaMachine({ ramSize: RAM, serial: new BufferBackend() });
  machine.loadElf(KERNEL);
  machine.run(10);
  const core = machine.core as ParaCore;
  const start = core.startOfDay;
  if (start === undefined) throw new Error('the fuzz kernel did not boot');
  const tables = [start.root];
  for (let i = 0; i < 1024; i++) {
    const e = machine.ram.read(start.root - BASE + i * 4, 4);
    if ((e & PTE_V) !== 0) tables.push((e >>> 10) * 4096);
  }
  return [
    ...tables,
    start.sharedPage,
    start.page,
    BASE, // the kernel's code
    OPS,
    ...BATCHES,
    BASE + 0x1_0000,
    BASE + RAM - 4096,
    BASE + RAM, // just past RAM
    0x0200_0000, // the CLINT
    0x0c00_0000, // the PLIC
    0x0010_0000, // the test finisher
    PARA_DEVICE_FRAMES[0].start,
    0,
    0xffff_f000,
  ];
})();

const EIDS = [
  TRPZ_EID,
  0x10,
  0x5449_4d45,
  0x73_5049,
  0x5246_4e43,
  0x4442_434e,
  0x53_5441,
  0x5352_5354,
];

const address = fc.oneof(
  fc.constantFrom(...ADDRESSES),
  fc
    .tuple(fc.constantFrom(...ADDRESSES), fc.constantFrom(4, 8, 0x800, 0xffc, 2, 1))
    .map(([a, o]) => (a + o) >>> 0),
  fc.integer({ min: 0, max: 0xffff_ffff }),
);
const flags = fc.oneof(
  fc.constantFrom(PTE_V, PTE_V | PTE_R, PTE_V | PTE_R | PTE_W, PTE_V | PTE_R | PTE_X, 0),
  fc.integer({ min: 0, max: 0x3ff }),
);
/** A page-table entry naming one of the addresses' frames. */
const entry = fc.tuple(address, flags).map(([a, f]) => pte(Math.floor(a / 4096), f));
const argument = fc.oneof(
  address,
  entry,
  fc.integer({ min: 0, max: 600 }),
  fc.constantFrom(0, 1, 2, 0xffff_ffff),
);

const hypercall = fc.record({
  kind: fc.constant(1),
  eid: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...EIDS) },
    fc.integer({ min: 0, max: 0xffff_ffff }),
  ),
  fid: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 12 }) },
    fc.integer({ min: 0, max: 0xffff_ffff }),
  ),
  args: fc.array(argument, { minLength: 6, maxLength: 6 }),
});
const store = fc.record({
  kind: fc.constant(2),
  eid: fc.constant(0),
  fid: fc.constant(0),
  args: fc.tuple(address, entry, fc.constant(0), fc.constant(0), fc.constant(0), fc.constant(0)),
});
const op = fc.oneof({ weight: 4, arbitrary: hypercall }, store);
const batch = fc.array(fc.tuple(address, entry), { maxLength: 8 });
const scenario = fc.record({
  ops: fc.array(op, { minLength: 1, maxLength: 24 }),
  batches: fc.tuple(batch, batch),
});

/** What the hardware could walk is safe: the problems found, none when all holds. */
function walk(machine: ReturnType<typeof createParaMachine>, core: ParaCore): string[] {
  const ram = machine.ram;
  const inRam = (pa: number) => pa >= BASE && pa < BASE + RAM;
  const device = (pa: number) =>
    pa >= PARA_DEVICE_FRAMES[0].start && pa < PARA_DEVICE_FRAMES[0].end;
  const word = (pa: number) => ram.read(pa - BASE, 4);
  const roots = new Set<number>(
    core.tables.pinnedFrames().filter((f) => core.tables.kindOf(f) === 'root'),
  );
  const satp = machine.hart.csr.satp >>> 0;
  if ((satp & 0x8000_0000) !== 0) roots.add(((satp & 0x3f_ffff) * 4096) >>> 0);
  const leaves = new Set<number>(
    core.tables.pinnedFrames().filter((f) => core.tables.kindOf(f) === 'leaf'),
  );
  const problems: string[] = [];
  for (const r of roots) {
    if (!inRam(r)) {
      problems.push(`root ${r.toString(16)} outside RAM`);
      continue;
    }
    for (let i = 0; i < 1024; i++) {
      const e = word(r + i * 4);
      if ((e & PTE_V) === 0) continue;
      const pa = (e >>> 10) * 4096;
      if ((e & (PTE_R | PTE_W | PTE_X)) !== 0) problems.push(`root ${r.toString(16)}: a megapage`);
      else if (!inRam(pa)) problems.push(`root ${r.toString(16)}: links outside RAM`);
      else leaves.add(pa);
    }
  }
  const tables = new Set([...roots, ...leaves]);
  for (const l of leaves)
    for (let i = 0; i < 1024; i++) {
      const e = word(l + i * 4);
      if ((e & PTE_V) === 0) continue;
      const pa = (e >>> 10) * 4096;
      if ((e & (PTE_R | PTE_W | PTE_X)) === 0)
        problems.push(`leaf table ${l.toString(16)}: a link`);
      else if (!inRam(pa) && !device(pa))
        problems.push(`leaf table ${l.toString(16)}: maps ${pa.toString(16)}`);
      else if ((e & PTE_W) !== 0 && tables.has(pa))
        problems.push(`leaf table ${l.toString(16)}: maps table ${pa.toString(16)} writable`);
    }
  return problems;
}

const outcomes: Record<string, number> = {};
const answers: Record<string, number> = {};
afterAll(() => {
  if (CASES >= 1000)
    process.stderr.write(`pv hypercall fuzz: ${JSON.stringify({ outcomes, answers })}\n`);
});

describe('hypercalls under attack', () => {
  prop.prop([scenario], { numRuns: CASES, ...(SEED === undefined ? {} : { seed: Number(SEED) }) })(
    'no host exception, the counts hold, no writable table and nothing outside RAM and the devices',
    ({ ops, batches }) => {
      const machine = createParaMachine({
        ramSize: RAM,
        core: 'interpreter',
        serial: new BufferBackend(),
      });
      machine.loadElf(KERNEL);
      const ram = machine.ram;
      ops.forEach((o, i) => {
        const at = OPS - BASE + i * STEP;
        ram.write(at, 4, o.kind);
        ram.write(at + 4, 4, o.eid);
        ram.write(at + 8, 4, o.fid);
        for (const [j, a] of o.args.entries()) ram.write(at + 12 + j * 4, 4, a);
      });
      for (const [b, entries] of batches.entries())
        for (const [i, [slot, value]] of entries.entries()) {
          ram.write((BATCHES[b] as number) - BASE + i * 8, 4, slot);
          ram.write((BATCHES[b] as number) - BASE + i * 8 + 4, 4, value);
        }
      const exit = machine.run(20_000);
      outcomes[exit.kind] = (outcomes[exit.kind] ?? 0) + 1;
      const core = machine.core as ParaCore;
      for (let i = 0; i < ops.length; i++) {
        const error = ram.read(RESULTS - BASE + i * 8, 4) | 0;
        answers[String(error)] = (answers[String(error)] ?? 0) + 1;
      }
      expect(core.tables.audit()).toEqual([]);
      expect(walk(machine, core)).toEqual([]);
    },
    // A campaign runs for minutes: ≈ 20 ms a case, with room for a loaded machine.
    Math.max(120_000, CASES * 200),
  );
});
