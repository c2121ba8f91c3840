/**
 * The trigger module (debug specification, "Sdtrig") as QEMU 7.2 implements it, measured with
 * probe programs (docs/qemu-virt.md, "Debug triggers"; docs/probes/trigger-probe.S): two
 * triggers, selected by `tselect`, each an address-match trigger of type 2 (`mcontrol`) or 6
 * (`mcontrol6`) that raises a breakpoint exception (cause 3, trap value 0) before an instruction
 * at its address executes, or before a load or store that touches its bytes is made.
 *
 * - `tselect` (0x7a0): 0 or 1; a write of anything else is ignored.
 * - `tdata1` (0x7a1): a write of type 2 keeps `sizelo` (bits 17:16), M, S, U, execute, store
 *   and load (bits 6, 4, 3, 2, 1, 0); a write of type 6 keeps VS, VU (bits 24, 23), the same
 *   low bits and `size` (bits 19:16) when it is 0, 1, 2, 3 or 5 (else `size` reads 0). Every
 *   other bit reads 0: `dmode`, `maskmax`, `hit`, `select`, `timing`, `action` (always "raise
 *   a breakpoint exception"), `chain`, `match` (always "equal"). A write of any other type is
 *   ignored (QEMU 7.2 aborts on types 1 and 8–14: programs compared with it never write them).
 * - `tdata2` (0x7a2): the address, all 32 bits. `tdata3` (0x7a3) reads 0, writes are ignored.
 * - `tinfo` (0x7a4): `0x44` (types 2 and 6); writes are ignored.
 * - Reset: both triggers `0x20000000` (type 2, nothing enabled), `tdata2` 0, `tselect` 0.
 *
 * What fires, exactly as QEMU 7.2 decides it (its triggers are TCG breakpoints and watchpoints,
 * and its check looks at every trigger, not only the one that matched):
 * - A trigger is *armed* when one of its mode bits (M, S, U; VS, VU for type 6) and one of
 *   execute, store, load are set. The mode bit for privilege p is bit 3 + p (U 3, S 4, M 6).
 * - Execute: before the instruction at `pc` is fetched, when an armed trigger with execute set
 *   has `tdata2 = pc` and some trigger with execute set has the mode bit of the current
 *   privilege (not necessarily the same trigger).
 * - Load and store: an armed trigger with load (store) set watches the bytes `tdata2` to
 *   `tdata2 + len − 1`, `len` being its size in bytes — the raw size encoding 1, 2, 3 or 5
 *   (QEMU uses the encoding as a length: "4 bytes" watches 3, "8 bytes" 5), or 4 (type 2) and
 *   8 (type 6) when the size is 0. An access overlapping those bytes fires when some trigger
 *   with the same `tdata2`, a load or store bit in common with the watching one, has the mode
 *   bit of the current privilege (not the effective one: `mstatus.MPRV` does not count). AMOs
 *   and SC (when it holds the reservation) are loads and stores at once; LR is a load; an SC
 *   without the reservation touches nothing.
 * - A misaligned access is watched as QEMU 7.2's slow path splits it (on a page holding a
 *   watched byte; elsewhere nothing can match anyway): a load as two aligned accesses of its
 *   size, from the address rounded down to its size (`lw` at `0x105` watches `0x104`–`0x10b`,
 *   across a page too); a store within a page on every byte from the start of its page to its
 *   last byte (`sh` at `0x181` watches `0x000`–`0x182`); a store that crosses a page on exactly
 *   its bytes. Aligned accesses are watched on their bytes.
 * - The breakpoint takes priority over every page fault and access fault of the instruction's
 *   fetch or access (a misaligned AMO or LR still raises its misaligned exception first); the
 *   instruction does not count as executed for QEMU's icount.
 *
 * @module
 */

/** Number of triggers (`tselect` 0 and 1). */
export const TRIGGER_COUNT = 2;
/** `tinfo`: the types every trigger supports, as a bit mask (2: `mcontrol`, 6: `mcontrol6`). */
export const TINFO = 0x44;
/** `tdata1` at reset: type 2, nothing enabled. */
export const TDATA1_RESET = 0x2000_0000;

/** `tdata1` bit (types 2 and 6): fire on loads. */
export const TRIGGER_LOAD = 1 << 0;
/** `tdata1` bit (types 2 and 6): fire on stores. */
export const TRIGGER_STORE = 1 << 1;
/** `tdata1` bit (types 2 and 6): fire on execution. */
export const TRIGGER_EXECUTE = 1 << 2;
/** `tdata1` bit (types 2 and 6): fire in U-mode. */
export const TRIGGER_U = 1 << 3;
/** `tdata1` bit (types 2 and 6): fire in S-mode. */
export const TRIGGER_S = 1 << 4;
/** `tdata1` bit (types 2 and 6): fire in M-mode. */
export const TRIGGER_M = 1 << 6;
/** `tdata1` bit of type 6: VU-mode (kept, never matching: there is no H extension). */
export const TRIGGER_VU = 1 << 23;
/** `tdata1` bit of type 6: VS-mode (kept, never matching: there is no H extension). */
export const TRIGGER_VS = 1 << 24;

/** An access kind of {@link Triggers.matchAccess}: a load (LR too). */
export const TRIGGER_ACCESS_LOAD = TRIGGER_LOAD;
/** An access kind of {@link Triggers.matchAccess}: a store. */
export const TRIGGER_ACCESS_STORE = TRIGGER_STORE;
/** An access kind of {@link Triggers.matchAccess}: a load and a store at once (AMOs, SC). */
export const TRIGGER_ACCESS_AMO = TRIGGER_LOAD | TRIGGER_STORE;

const TYPE2_KEPT = 0x0003_005f;
const TYPE6_KEPT = 0x0180_005f;
const TYPE6_SIZE = 0x000f_0000;
/** mcontrol6 `size` encodings QEMU 7.2 keeps (0 any, 1, 2, 4 and 8 bytes, as bit set). */
const TYPE6_SIZES = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5);
const MODES = TRIGGER_U | TRIGGER_S | TRIGGER_M | TRIGGER_VU | TRIGGER_VS;
const KINDS = TRIGGER_LOAD | TRIGGER_STORE | TRIGGER_EXECUTE;

/** A plain, serializable copy of the trigger state. */
export interface TriggerSnapshot {
  /** `tselect`. */
  readonly select: number;
  /** `tdata1` of each trigger (unsigned). */
  readonly tdata1: readonly number[];
  /** `tdata2` of each trigger (unsigned). */
  readonly tdata2: readonly number[];
}

/**
 * The value `tdata1` takes when `value` is written to it (QEMU 7.2's WARL rules), or
 * `undefined` when the write is ignored (a type other than 2 and 6).
 */
export function legalTdata1(value: number): number | undefined {
  const type = value >>> 28;
  if (type === 2) return (0x2000_0000 | (value & TYPE2_KEPT)) >>> 0;
  if (type === 6) {
    const size = (value >>> 16) & 15;
    const kept = (TYPE6_SIZES >>> size) & 1 ? TYPE6_KEPT | TYPE6_SIZE : TYPE6_KEPT;
    return (0x6000_0000 | (value & kept)) >>> 0;
  }
  return undefined;
}

/** Whether `value` is a `tdata1` value a write can produce (for checking snapshots). */
export function isLegalTdata1(value: number): boolean {
  return legalTdata1(value) === value >>> 0;
}

/** The mode bit of `tdata1` for privilege 0 (U), 1 (S) or 3 (M). */
function modeBit(privilege: number): number {
  return 1 << (3 + privilege);
}

/** The bytes a load or store trigger with `tdata1` watches. */
function watchLength(tdata1: number): number {
  if (tdata1 >>> 28 === 2) {
    const size = (tdata1 >>> 16) & 3;
    return size === 0 ? 4 : size;
  }
  const size = (tdata1 >>> 16) & 15;
  return size === 0 ? 8 : size;
}

/** Whether a trigger with `tdata1` is armed: a mode bit and one of load, store, execute. */
function armed(tdata1: number): boolean {
  return (tdata1 & MODES) !== 0 && (tdata1 & KINDS) !== 0;
}

/** The triggers of one hart: their CSRs and the match rules. */
export class Triggers {
  /** `tselect`. */
  select = 0;
  /** `tdata1` of each trigger. */
  readonly tdata1 = new Uint32Array(TRIGGER_COUNT).fill(TDATA1_RESET);
  /** `tdata2` of each trigger. */
  readonly tdata2 = new Uint32Array(TRIGGER_COUNT);
  /**
   * Whether some trigger is armed with execute set: the only check an instruction pays for
   * while none is ({@link Triggers.matchExecute} does the rest).
   */
  execute = false;
  /** Whether some trigger is armed with load or store set (checked before each access). */
  access = false;

  /** Reads `tselect`, `tdata1`, `tdata2`, `tdata3` or `tinfo` (0x7a0–0x7a4). */
  read(csr: number): number {
    switch (csr) {
      case 0x7a0:
        return this.select;
      case 0x7a1:
        return this.tdata1[this.select] as number;
      case 0x7a2:
        return this.tdata2[this.select] as number;
      case 0x7a3:
        return 0;
      default:
        return TINFO;
    }
  }

  /** Writes `tselect`, `tdata1`, `tdata2`, `tdata3` or `tinfo` (0x7a0–0x7a4) with WARL rules. */
  write(csr: number, value: number): void {
    switch (csr) {
      case 0x7a0:
        if (value >>> 0 < TRIGGER_COUNT) this.select = value >>> 0;
        return;
      case 0x7a1: {
        const legal = legalTdata1(value);
        if (legal !== undefined) this.tdata1[this.select] = legal;
        break;
      }
      case 0x7a2:
        this.tdata2[this.select] = value >>> 0;
        break;
      default:
        return; // tdata3, tinfo: writes ignored
    }
    this.update();
  }

  /** Recomputes {@link Triggers.execute} and {@link Triggers.access}. */
  private update(): void {
    let execute = false;
    let access = false;
    for (const tdata1 of this.tdata1) {
      if (!armed(tdata1)) continue;
      if (tdata1 & TRIGGER_EXECUTE) execute = true;
      if (tdata1 & (TRIGGER_LOAD | TRIGGER_STORE)) access = true;
    }
    this.execute = execute;
    this.access = access;
  }

  /** Whether an instruction at `pc` stops at a trigger before it is fetched, at `privilege`. */
  matchExecute(pc: number, privilege: number): boolean {
    const { tdata1, tdata2 } = this;
    let watched = false;
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      const t = tdata1[i] as number;
      if (armed(t) && (t & TRIGGER_EXECUTE) !== 0 && tdata2[i] === pc >>> 0) watched = true;
    }
    if (!watched) return false;
    const mode = modeBit(privilege);
    for (let j = 0; j < TRIGGER_COUNT; j++) {
      const t = tdata1[j] as number;
      if ((t & TRIGGER_EXECUTE) !== 0 && (t & mode) !== 0) return true;
    }
    return false;
  }

  /**
   * Whether the bytes `start` to `end − 1` (`end` may pass 2^32: no wrap) of an access of
   * `kinds` ({@link TRIGGER_ACCESS_LOAD}, `_STORE` or `_AMO`) at `privilege` hit a trigger.
   */
  matchAccess(start: number, end: number, kinds: number, privilege: number): boolean {
    const { tdata1, tdata2 } = this;
    const mode = modeBit(privilege);
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      const t = tdata1[i] as number;
      const watches = t & (TRIGGER_LOAD | TRIGGER_STORE);
      if ((watches & kinds) === 0 || !armed(t)) continue;
      const from = tdata2[i] as number;
      if (end <= from || start >= from + watchLength(t)) continue;
      for (let j = 0; j < TRIGGER_COUNT; j++) {
        const u = tdata1[j] as number;
        if ((u & mode) !== 0 && (u & watches) !== 0 && tdata2[j] === from) return true;
      }
    }
    return false;
  }

  /**
   * Whether a load (`store` false) or store of `size` bytes at `address` hits a trigger. An
   * aligned access is watched on its bytes; a misaligned one as QEMU 7.2 splits it (see the
   * module documentation): a load as the two aligned accesses of its size around it, a store
   * inside a page on the bytes from the start of its page to its end, a store that crosses a
   * page on its bytes.
   */
  matchLoadStore(address: number, size: number, store: boolean, privilege: number): boolean {
    const kinds = store ? TRIGGER_ACCESS_STORE : TRIGGER_ACCESS_LOAD;
    if ((address & (size - 1)) === 0)
      return this.matchAccess(address, address + size, kinds, privilege);
    if (!store) {
      const first = (address & ~(size - 1)) >>> 0;
      const second = (first + size) >>> 0;
      return (
        this.matchAccess(first, first + size, kinds, privilege) ||
        this.matchAccess(second, second + size, kinds, privilege)
      );
    }
    const page = (address & ~0xfff) >>> 0;
    const end = address + size;
    if (end <= page + 0x1000) return this.matchAccess(page, end, kinds, privilege);
    const next = page + 0x1000;
    return (
      this.matchAccess(address, next, kinds, privilege) ||
      this.matchAccess(next >>> 0, (next >>> 0) + end - next, kinds, privilege)
    );
  }

  /** Back to the reset state. */
  reset(): void {
    this.select = 0;
    this.tdata1.fill(TDATA1_RESET);
    this.tdata2.fill(0);
    this.update();
  }

  /** A plain copy of the state. */
  snapshot(): TriggerSnapshot {
    return {
      select: this.select,
      tdata1: Array.from(this.tdata1),
      tdata2: Array.from(this.tdata2),
    };
  }

  /** Restores a {@link Triggers.snapshot} (checked by the caller). */
  restore(snapshot: TriggerSnapshot): void {
    this.select = snapshot.select;
    this.tdata1.set(snapshot.tdata1);
    this.tdata2.set(snapshot.tdata2);
    this.update();
  }
}
