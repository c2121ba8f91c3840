/**
 * Hypervisors with one fault planted, for checking that the conformance properties catch what a
 * real hypervisor bug would do (each paired with the template whose programs expose it).
 */
import type { CoreOptions } from '@trapeze/cpu';
import { DirectCore } from '../src/direct-core.js';
import type { ExitReason } from '../src/exits.js';

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

/** A `direct` core with `fault` planted. */
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
