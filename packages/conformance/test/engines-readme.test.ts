/** The in-process adapter of the README, verbatim, compared with the bare engine. */
import { BufferBackend } from '@trapeze/devices';
import { VirtMachine } from '@trapeze/machine';
import { expect, it } from 'vitest';
import {
  BARE_CAPABILITIES,
  bareEngine,
  buildProgram,
  diffDumps,
  type Engine,
  fnv1a32,
  programRunnerFor,
} from '../src/index.js';

// ---- README adapter begins
const myEngine: Engine = {
  name: 'my-engine',
  contractVersion: 1,
  capabilities: { ...BARE_CAPABILITIES, warlMasks: {}, snapshot: false },
  createVm() {
    const serial = new BufferBackend();
    let m = new VirtMachine({ serial });
    const priv = { 0: 'U', 1: 'S', 3: 'M' } as const;
    return {
      load(image) {
        serial.clearOutput();
        m = new VirtMachine({ serial });
        for (const s of image.segments) m.ram.loadBytes(s.address, s.bytes);
        m.reset(image.entry);
      },
      run(budget) {
        const e = m.run(budget);
        if (e.kind === 'pass' || e.kind === 'fail')
          return { kind: 'halt', code: e.code, instructions: e.instructions };
        if (e.kind === 'budget') return { kind: 'budget', code: 0, instructions: e.instructions };
        return { kind: 'error', code: 0, instructions: e.instructions, message: e.kind };
      },
      state: () => ({
        pc: m.hart.pc >>> 0,
        x: Array.from(m.hart.x.slice(1), (v) => v >>> 0),
        privilege: priv[m.hart.privilege],
        csrs: { mstatus: m.hart.csr.read(0x300, 3) },
        instret: m.hart.retired,
      }),
      readMemory: (a, n) => (m.ram.contains(a, n) ? m.ram.readBytes(a, n) : undefined),
      pageDigest: (a) => (m.ram.contains(a, 4096) ? fnv1a32(m.ram.readBytes(a, 4096)) : undefined),
      console: () => serial.bytes(),
      stats: () => ({
        exits: {},
        direct: m.hart.retired,
        instructions: m.hart.retired,
        blocksTranslated: 0,
        hypercalls: {},
      }),
    };
  },
};
// ---- README adapter ends

it('the README adapter reaches the bare engine dumps', async () => {
  const image = buildProgram({ setup: '', body: 'li a0, 42; sw a0, 0(s11); ecall' });
  const mine = await programRunnerFor(myEngine).runProgram(image, 1e7);
  const bare = await bareEngine().runProgram(image, 1e7);
  expect(mine.exit).toEqual(bare.exit);
  expect(mine.dump).toBeDefined();
  const [a, b] = [mine.dump, bare.dump];
  if (a === undefined || b === undefined) throw new Error('no dump');
  expect(diffDumps(a, b)).toEqual([]);
  const vm = myEngine.createVm();
  vm.load(image);
  expect(vm.run(10)).toEqual({ kind: 'budget', code: 0, instructions: 10 });
  expect(vm.state().privilege).toBe('M');
});
