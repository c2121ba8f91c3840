/**
 * `trapeze run --engine`: the same guest on `bare` and under the `direct` and `translate`
 * hypervisors; the paravirtualized OS under `para`.
 */
import { readFileSync } from 'node:fs';
import { assemble, elfImage } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import { run } from '../support/fake-io.js';

/** A loop, an ECALL reflected to its M-mode handler (CSR accesses, MRET), UART output. */
const GUEST = `
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li s0, 0
    li s1, 1000
1:  addi s0, s0, 3
    addi s1, s1, -1
    bnez s1, 1b
    ecall
    li t0, 0x10000000
    li a1, 'A'
    sb a1, 0(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b
    .balign 4
handler:
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
`;

const FILES = { 'guest.elf': elfImage(assemble(GUEST, { textAddress: 0x8000_0000 })) };

function runGuest(options: readonly string[]) {
  return run(['run', ...options, 'guest.elf'], { files: FILES });
}

describe('trapeze run --engine', () => {
  it('ends in the same guest state on bare and direct; --json adds the exits', async () => {
    const [bare, direct] = await Promise.all(
      ['bare', 'direct'].map((engine) => runGuest(['--engine', engine, '--json'])),
    );
    expect(bare?.code).toBe(0);
    expect(direct?.code).toBe(0);
    expect(direct?.stderr).toBe(bare?.stderr);
    const { exits, ...state } = JSON.parse(direct?.stdout ?? '{}');
    expect(state).toEqual(JSON.parse(bare?.stdout ?? '{}'));
    expect(exits.exits.ecall).toBe(1);
    // csrw mtvec and csrw mepc; the handler's first instruction (csrr mepc) runs in the ECALL's
    // exit, which ends when an instruction retires.
    expect(exits.exits.csr).toBe(2);
    expect(exits.exits.xret).toBe(1);
    expect(exits.mmio.uart0).toBe(1);
    expect(exits.retired).toBe(state.instret);
  });

  it('--stats prints the engine, the exits by reason and the efficiency', async () => {
    const direct = await runGuest(['--engine', 'direct', '--stats']);
    expect(direct.stderr).toMatch(/^engine: +direct$/m);
    expect(direct.stderr).toMatch(/^exits: +\d+ \(efficiency \d+\.\d{3} %/m);
    expect(direct.stderr).toMatch(/^ {2}csr +2$/m);
    const bare = await runGuest(['--stats']);
    expect(bare.stderr).toMatch(/^engine: +bare$/m);
    expect(bare.stderr).not.toMatch(/^exits:/m);
  });

  it('translate ends as bare under both policies; its sensitive instructions are calls', async () => {
    const [bare, hybrid, all] = await Promise.all([
      runGuest(['--json']),
      runGuest(['--engine', 'translate', '--json']),
      runGuest(['--engine', 'translate', '--policy', 'all', '--json']),
    ]);
    for (const r of [hybrid, all]) {
      expect(r?.code).toBe(0);
      expect(r?.stderr).toBe(bare?.stderr);
      const { exits, translation, ...state } = JSON.parse(r?.stdout ?? '{}');
      expect(state).toEqual(JSON.parse(bare?.stdout ?? '{}'));
      expect(translation.blocksTranslated).toBeGreaterThan(0);
      expect(translation.retranslations).toBe(0);
      // M-mode code: every CSR access, the ECALL and the MRET are calls, none an exit.
      expect(exits.exits.csr + exits.exits.ecall + exits.exits.xret).toBe(0);
      expect(exits.calls.csr).toBe(3);
      expect(exits.calls.ecall).toBe(1);
      expect(exits.calls.xret).toBe(1);
    }
  });

  it('--stats prints the calls and the translation cache of translate', async () => {
    const r = await runGuest(['--engine', 'translate', '--policy', 'all', '--stats']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^engine: +translate$/m);
    expect(r.stderr).toMatch(/^calls: +5 \(/m);
    expect(r.stderr).toMatch(/^translation: +policy all; \d+ blocks translated/m);
  });

  it('refuses an engine it does not have, and a policy or core translate does not take', async () => {
    const r = await runGuest(['--engine', 'drect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--engine 'drect' is not one of bare, direct, translate, para (did you mean 'direct'?)",
    );
    const policy = await runGuest(['--engine', 'translate', '--policy', 'al']);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain(
      "--policy 'al' is not one of hybrid, all (did you mean 'all'?)",
    );
    const direct = await runGuest(['--engine', 'direct', '--policy', 'all']);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain("--policy is the translate engine's");
    const core = await runGuest(['--engine', 'translate', '--core', 'interpreter']);
    expect(core.code).toBe(2);
    expect(core.stderr).toContain('--engine translate runs on the translator core');
  });
});

describe('trapeze run --engine para', () => {
  const PV = {
    'os-pv.elf': new Uint8Array(
      readFileSync(new URL('../../../../guests/images/os-pv.elf', import.meta.url)),
    ),
  };

  it('runs the paravirtualized OS and counts its hypercalls by call', async () => {
    const r = await run(
      ['run', '--engine', 'para', '--append', 'run=ptemod', '--stats', 'os-pv.elf'],
      { files: PV },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ptemod: n=10000 checksum=0x298bfa03');
    expect(r.stderr).toMatch(/^engine: +para$/m);
    expect(r.stderr).toMatch(/^ {2}hypercall +\d+ \(.*TRPZ_MMU_UPDATE 1\d{4}\b/m);
    const json = await run(
      ['run', '--engine', 'para', '--append', 'run=syscall', '--json', 'os-pv.elf'],
      {
        files: PV,
      },
    );
    const state = JSON.parse(json.stdout.slice(json.stdout.indexOf('{\n'))) as {
      exits: { hypercalls: Record<string, number> };
    };
    expect(state.exits.hypercalls.SBI_SRST_SYSTEM_RESET).toBe(1);
  });

  it('runs an M-mode image in S-mode, where its first CSR access traps for good; no snapshots', async () => {
    const r = await runGuest(['--engine', 'para']);
    expect(r.code).toBe(126);
    expect(r.stderr).toContain('stuck in a trap loop');
    const s = await run(['run', '--engine', 'para', '--save-snapshot', 'x.json', 'os-pv.elf'], {
      files: PV,
    });
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--engine para does not take snapshots yet');
  });
});
