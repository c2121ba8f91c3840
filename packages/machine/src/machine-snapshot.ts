/**
 * The `virt` board's snapshot: everything the guest can observe and everything that decides
 * what it observes next (hart, CSRs, PMP, counters, virtual time, devices, boot ROM, RAM), as
 * plain JSON-serializable data, and the checks a snapshot passes before a restore touches the
 * machine.
 *
 * @module
 */
import {
  CfiFlash,
  type CfiFlashSnapshot,
  Clint,
  type ClintSnapshot,
  DeviceError,
  FwCfg,
  type FwCfgSnapshot,
  GoldfishRtc,
  type GoldfishRtcSnapshot,
  PciHost,
  type PciHostSnapshot,
  Plic,
  type PlicSnapshot,
  TestFinisher,
  type TestFinisherSnapshot,
  Uart16550,
  type Uart16550Snapshot,
  type VirtioMmioSnapshot,
} from '@trapeze/devices';
import { type CsrSnapshot, type HartSnapshot, isLegalTdata1, TRIGGER_COUNT } from '@trapeze/isa';
import type { PmpSnapshot } from '@trapeze/mmu';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { CountersSnapshot } from './counters.js';
import { MachineError } from './errors.js';

/** The `format` field of every machine snapshot. */
export const SNAPSHOT_FORMAT = 'trapeze-virt-snapshot';
/** The snapshot layout version this package writes and reads. */
export const SNAPSHOT_VERSION = 1;

/** A snapshot of a {@link VirtMachine} ({@link VirtMachine.snapshot}). */
export interface MachineSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  /** RAM size in bytes: a snapshot restores only into a machine with the same RAM. */
  readonly ramSize: number;
  readonly hart: HartSnapshot;
  readonly csr: CsrSnapshot;
  readonly pmp: PmpSnapshot;
  readonly counters: CountersSnapshot;
  /** Virtual nanoseconds skipped while the hart was idle ({@link VirtualClock.skipped}). */
  readonly skippedNs: number;
  readonly clint: ClintSnapshot;
  readonly plic: PlicSnapshot;
  readonly uart: Uart16550Snapshot;
  readonly rtc: GoldfishRtcSnapshot;
  readonly finisher: TestFinisherSnapshot;
  /** fw-cfg's registers (absent in snapshots written before it existed: restored reset). */
  readonly fwCfg?: FwCfgSnapshot;
  /** The two flash banks, state and written pages (absent: reset, all zeros). */
  readonly flash?: readonly [CfiFlashSnapshot, CfiFlashSnapshot];
  /** The PCI host bridge's writable registers (absent: reset). */
  readonly pci?: PciHostSnapshot;
  /**
   * The virtio devices' transports and device state, highest slot first (absent on a machine
   * without virtio devices; restoring such a snapshot resets them). Backends (disk contents,
   * network peers) are host side and not included.
   */
  readonly virtio?: readonly VirtioSnapshotPart[];
  /** The boot ROM's 4 KiB page, base64. */
  readonly rom: string;
  /**
   * RAM pages that are not all zero, by byte offset from the start of RAM (lowercase hex, no
   * prefix), each 4 KiB as base64; every other page is zero.
   */
  readonly ram: Readonly<Record<string, string>>;
}

/** One virtio device in a {@link MachineSnapshot}. */
export interface VirtioSnapshotPart {
  /** The slot, 0…7. */
  readonly slot: number;
  /** The device kind (`virtio-blk`…): a snapshot restores only onto the same devices. */
  readonly kind: string;
  /** The transport's and device's state. */
  readonly state: VirtioMmioSnapshot;
}

/** Encodes bytes as base64. */
export const toBase64 = encodeBase64;

/** Decodes a base64 page of exactly `length` bytes; `undefined` when it is not one. */
function pageBytes(value: unknown, length: number): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = decodeBase64(value);
  return bytes !== undefined && bytes.length === length ? bytes : undefined;
}

/** What a snapshot reader found: the parts, decoded and checked. */
export interface CheckedSnapshot {
  readonly snapshot: MachineSnapshot;
  readonly rom: Uint8Array;
  /** RAM pages (offset from the start of RAM, bytes). */
  readonly pages: readonly (readonly [number, Uint8Array])[];
}

/**
 * Checks that `value` is a machine snapshot this package can restore into a machine with
 * `ramSize` bytes of RAM and numeric CSR fields `csrKeys`, and the trigger module's state
 * `csr.triggers` (absent in snapshots written before triggers existed: they restore reset): the
 * machine-level fields here (the devices check their own parts as they restore).
 *
 * @throws {@link MachineError} `BAD_SNAPSHOT` naming the first field that is wrong.
 */
export function checkSnapshot(
  value: unknown,
  ramSize: number,
  csrKeys: readonly string[],
): CheckedSnapshot {
  const fail = (field: string, reason: string) =>
    new MachineError('BAD_SNAPSHOT', `snapshot field ${field} ${reason}`);
  const object = (v: unknown, field: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw fail(field, 'must be an object');
    return v as Record<string, unknown>;
  };
  const int = (v: unknown, field: string, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
      throw fail(field, `must be an integer in ${min}…${max}, got ${JSON.stringify(v)}`);
    return v;
  };
  const ints = (v: unknown, field: string, length: number, min: number, max: number): void => {
    if (!Array.isArray(v) || v.length !== length)
      throw fail(field, `must be an array of ${length} numbers`);
    for (const [i, item] of v.entries()) int(item, `${field}[${i}]`, min, max);
  };
  const s = object(value, 'snapshot');
  if (s.format !== SNAPSHOT_FORMAT) throw fail('format', `must be '${SNAPSHOT_FORMAT}'`);
  if (s.version !== SNAPSHOT_VERSION)
    throw fail(
      'version',
      `is ${JSON.stringify(s.version)}; this machine reads version ${SNAPSHOT_VERSION}`,
    );
  if (s.ramSize !== ramSize)
    throw fail(
      'ramSize',
      `is ${JSON.stringify(s.ramSize)}; this machine has ${ramSize} bytes of RAM`,
    );
  const MAX = Number.MAX_SAFE_INTEGER;
  const hart = object(s.hart, 'hart');
  ints(hart.x, 'hart.x', 32, -(2 ** 31), 2 ** 31 - 1);
  int(hart.pc, 'hart.pc', 0, 0xffff_ffff);
  if (hart.privilege !== 0 && hart.privilege !== 1 && hart.privilege !== 3)
    throw fail('hart.privilege', 'must be 0 (U), 1 (S) or 3 (M)');
  int(hart.reservation, 'hart.reservation', -1, 0xffff_ffff);
  // (Absent in older snapshots: the reservation is dropped on restore.)
  if (hart.reservationValue !== undefined)
    int(hart.reservationValue, 'hart.reservationValue', -(2 ** 31), 2 ** 31 - 1);
  if (typeof hart.waiting !== 'boolean') throw fail('hart.waiting', 'must be a boolean');
  for (const key of ['retired', 'countedTraps', 'traps', 'trapStreak'])
    int(hart[key], `hart.${key}`, 0, MAX);
  int(hart.trapRetired, 'hart.trapRetired', -1, MAX);
  const csr = object(s.csr, 'csr');
  for (const key of csrKeys) int(csr[key], `csr.${key}`, 0, 0xffff_ffff);
  // Values no CSR write can produce (the hart would act on a reserved encoding).
  if (((csr.mstatus as number) >>> 11) % 4 === 2)
    throw fail('csr.mstatus', 'has the reserved MPP value 2');
  for (const key of ['mtvec', 'stvec'])
    if (key in csr && (csr[key] as number) % 4 >= 2)
      throw fail(`csr.${key}`, 'has a reserved MODE (2 or 3)');
  if (csr.triggers !== undefined) {
    const triggers = object(csr.triggers, 'csr.triggers');
    int(triggers.select, 'csr.triggers.select', 0, TRIGGER_COUNT - 1);
    ints(triggers.tdata1, 'csr.triggers.tdata1', TRIGGER_COUNT, 0, 0xffff_ffff);
    ints(triggers.tdata2, 'csr.triggers.tdata2', TRIGGER_COUNT, 0, 0xffff_ffff);
    for (const [i, value] of (triggers.tdata1 as number[]).entries())
      if (!isLegalTdata1(value))
        throw fail(`csr.triggers.tdata1[${i}]`, 'is a value no write to tdata1 produces');
  }
  const pmp = object(s.pmp, 'pmp');
  ints(pmp.cfg, 'pmp.cfg', 16, 0, 0xff);
  ints(pmp.addr, 'pmp.addr', 16, 0, 0xffff_ffff);
  const counters = object(s.counters, 'counters');
  const u64s = (v: unknown, field: string, nullable: boolean): void => {
    if (!Array.isArray(v) || v.length !== 2) throw fail(field, 'must be an array of 2 values');
    for (const [i, item] of v.entries())
      if (
        !(nullable && item === null) &&
        !(
          typeof item === 'string' &&
          /^(0|[1-9][0-9]{0,19})$/.test(item) &&
          BigInt(item) < 2n ** 64n
        )
      )
        throw fail(
          `${field}[${i}]`,
          `must be a decimal string of an unsigned 64-bit value${nullable ? ' or null' : ''}`,
        );
  };
  u64s(counters.offset, 'counters.offset', false);
  u64s(counters.frozen, 'counters.frozen', true);
  int(s.skippedNs, 'skippedNs', 0, MAX);
  for (const device of ['clint', 'plic', 'uart', 'rtc', 'finisher']) object(s[device], device);
  for (const device of ['fwCfg', 'pci']) if (s[device] !== undefined) object(s[device], device);
  if (s.flash !== undefined && (!Array.isArray(s.flash) || s.flash.length !== 2))
    throw fail('flash', 'must be an array of 2 flash bank snapshots');
  const rom = pageBytes(s.rom, 4096);
  if (rom === undefined) throw fail('rom', 'must be 4096 bytes in base64');
  const pages: [number, Uint8Array][] = [];
  for (const [key, page] of Object.entries(object(s.ram, 'ram'))) {
    const offset = /^[0-9a-f]{1,8}$/.test(key) ? Number.parseInt(key, 16) : Number.NaN;
    if (!(offset % 4096 === 0 && offset < ramSize))
      throw fail(`ram.${key}`, `names no page of ${ramSize} bytes of RAM (hex byte offsets)`);
    const bytes = pageBytes(page, 4096);
    if (bytes === undefined) throw fail(`ram.${key}`, 'must be 4096 bytes in base64');
    pages.push([offset, bytes]);
  }
  return { snapshot: value as MachineSnapshot, rom, pages };
}

/**
 * Checks the devices' parts of a snapshot by restoring them into scratch devices (each device
 * knows its own fields), so that a machine's devices are only touched by parts that restore.
 *
 * @throws {@link MachineError} `BAD_SNAPSHOT` with the device's message.
 */
export function checkDeviceParts(snapshot: MachineSnapshot): void {
  const time = () => 0;
  try {
    new Uart16550({ time }).restore(snapshot.uart);
    new GoldfishRtc({ time }).restore(snapshot.rtc);
    new Clint({ time, nanoseconds: time }).restore(snapshot.clint);
    new TestFinisher().restore(snapshot.finisher);
    new Plic({}).restore(snapshot.plic);
    if (snapshot.fwCfg !== undefined) new FwCfg().restore(snapshot.fwCfg);
    for (const [i, bank] of (snapshot.flash ?? []).entries())
      new CfiFlash({ name: `flash${i}` }).restore(bank);
    if (snapshot.pci !== undefined) new PciHost().restore(snapshot.pci);
  } catch (error) {
    if (error instanceof DeviceError) throw new MachineError('BAD_SNAPSHOT', error.message);
    throw error;
  }
}
