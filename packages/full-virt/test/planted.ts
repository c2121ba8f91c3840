/**
 * Hypervisors with one fault planted, for checking that the conformance properties catch what a
 * real hypervisor bug would do (each paired with the template whose programs expose it).
 */
import type { CoreOptions } from '@trapeze/cpu';
import { ACCESS_LOAD, type DecodedInstruction, MSTATUS_MXR, MSTATUS_SUM } from '@trapeze/isa';
import { DirectCore } from '../src/direct-core.js';
import type { ExitReason } from '../src/exits.js';
import { TranslateCore } from '../src/translate-core.js';

/** The planted faults and the template that exposes each. */
export const PLANTED = [
  ['wrong-mode', 'privilege'],
  ['stale-shadow', 'remap'],
  ['no-dirty', 'sv32'],
  ['minstret', 'zicsr'],
] as const;

export type PlantedFault = (typeof PLANTED)[number][0];

/** A trap the guest delegated to S-mode is reflected into M-mode's privilege. */
class WrongMode extends DirectCore {
  protected override emulate(limit: number, deadline: number, reason: ExitReason) {
    const traps = this.hart.traps;
    const exit = super.emulate(limit, deadline, reason);
    if (this.hart.traps !== traps && this.hart.privilege === 1) this.hart.privilege = 3;
    return exit;
  }
}

/** Shadow entries survive the guest's SFENCE.VMA (only `satp`, PMP or bus changes drop them). */
class StaleShadow extends DirectCore {
  private lastSatp = -1;
  protected override fencePage(): void {}
  protected override shadowOutdated(): boolean {
    const satp = this.hart.csr.satp;
    if (satp === this.lastSatp) return false;
    this.lastSatp = satp;
    return super.shadowOutdated();
  }
}

/** A store's shadow fill walks the guest's tables as a load: the D bit is never set. */
class NoDirty extends DirectCore {
  protected override guestTranslate(vaddr: number, kind: number): number {
    return super.guestTranslate(vaddr, kind === 2 ? 1 : kind);
  }
}

/** Every emulated CSR access counts one instruction more: `minstret` moves on an exit. */
class MovesInstret extends DirectCore {
  protected override emulate(limit: number, deadline: number, reason: ExitReason) {
    const exit = super.emulate(limit, deadline, reason);
    if (reason === 'csr') this.hart.retired++;
    return exit;
  }
}

/**
 * `translate`: an xRET call changes the privilege mode but its block's end does not hand the
 * real core the new mode's context: it goes on in the shadow view of the mode the guest left
 * (caught by the kernel-transition programs of test/transitions.ts, whose kernel reaches
 * addresses M-mode's view maps).
 */
export class XretKeepsBlock extends TranslateCore {
  protected override goOn(instruction: DecodedInstruction): void {
    const name = instruction.spec.name;
    if (name !== 'mret' && name !== 'sret') super.goOn(instruction);
  }
}

/**
 * `translate`: S-mode CSR accesses (CSRs 0x100–0x1ff) are left untranslated. The real hart
 * still traps on them (it is deprivileged), so the guest state is right: the translate
 * engine's exit contract catches it.
 */
export class UntranslatedSupervisorCsrs extends TranslateCore {
  override calls(instruction: DecodedInstruction): boolean {
    if (instruction.spec.hasCsr && instruction.csr >>> 8 === 1) return false;
    return super.calls(instruction);
  }
}

/** Bytes of the stores an adaptive call site may hold. */
const STORE_SIZES: Readonly<Record<string, 1 | 2 | 4>> = {
  sb: 1,
  sh: 2,
  sw: 4,
  'c.sw': 4,
  'c.swsp': 4,
};

/**
 * `translate`: an adaptive store (a store retranslated into a call) writes through a
 * translation walked as a load's, straight to the bus: the guest PTE's D bit is never set.
 */
export class AdaptiveStoreSkipsDirty extends TranslateCore {
  protected override runCall(instruction: DecodedInstruction): boolean {
    const size = STORE_SIZES[instruction.spec.name];
    if (size === undefined) return super.runCall(instruction);
    const v = this.hart;
    const status = v.csr.mstatus;
    const address = ((v.x[instruction.rs1] as number) + instruction.imm) >>> 0;
    const paddr = this.memory.mmu.translate(
      address,
      ACCESS_LOAD,
      v.privilege,
      v.csr.satp,
      (status & MSTATUS_SUM) !== 0,
      (status & MSTATUS_MXR) !== 0,
    );
    if (paddr < 0) return super.runCall(instruction);
    this.memory.bus.store(paddr, size, v.x[instruction.rs2] as number);
    return true;
  }
}

/** A hypervisor core with `fault` planted. */
export function plantedCore(options: CoreOptions, fault: PlantedFault): DirectCore {
  switch (fault) {
    case 'wrong-mode':
      return new WrongMode(options);
    case 'stale-shadow':
      return new StaleShadow(options);
    case 'no-dirty':
      return new NoDirty(options);
    case 'minstret':
      return new MovesInstret(options);
  }
}
