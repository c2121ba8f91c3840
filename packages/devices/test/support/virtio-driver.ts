/**
 * A small virtio driver for tests: the handshake, split queues in a test RAM with guard bytes
 * around it, descriptor chains (direct and indirect) written by hand, notifications and the
 * used ring read back.
 */
import { Ram } from '@trapeze/mmu';
import {
  featureBit,
  VIRTIO_MMIO as R,
  VIRTIO_STATUS as S,
  VIRTIO_F,
  VIRTQ_DESC_F,
} from '../../src/virtio/constants.js';
import type { VirtioDevice } from '../../src/virtio/device.js';
import { VirtioMmio } from '../../src/virtio/virtio-mmio.js';
import { Line } from './fakes.js';

export const RAM_BASE = 0x8000_0000;
/** Guard bytes on each side of the test RAM in its buffer. */
export const GUARD = 4096;
const GUARD_BYTE = 0xa5;

/** A buffer of a chain: bytes the device reads, or a length the device may write. */
export type Part = { readonly read: Uint8Array } | { readonly write: number };

/** One used entry. */
export interface Used {
  readonly id: number;
  readonly len: number;
}

export interface DriverOptions {
  readonly ramSize?: number;
  /** Queue size the driver asks for (the device's maximum by default). */
  readonly queueSize?: number;
}

export class TestDriver<D extends VirtioDevice = VirtioDevice> {
  readonly ram: Ram;
  readonly buffer: ArrayBuffer;
  readonly transport: VirtioMmio;
  readonly irq = new Line();
  readonly sizes: number[] = [];
  private nextBuffer = RAM_BASE + 0x40000;
  private readonly nextDesc: number[] = [];
  private readonly usedSeen: number[] = [];
  private readonly availIdx: number[] = [];

  constructor(
    readonly device: D,
    readonly options: DriverOptions = {},
  ) {
    const size = options.ramSize ?? 0x10_0000;
    this.buffer = new ArrayBuffer(size + 2 * GUARD);
    new Uint8Array(this.buffer).fill(GUARD_BYTE);
    this.ram = new Ram(RAM_BASE, size, 'ram', { buffer: this.buffer, byteOffset: GUARD });
    this.ram.u8.fill(0);
    this.transport = new VirtioMmio({ device, memory: this.ram, irq: this.irq.set });
  }

  /** Takes over another driver's bookkeeping (after restoring its transport's snapshot). */
  adopt(other: TestDriver<VirtioDevice>): void {
    this.ram.u8.set(other.ram.u8);
    this.sizes.splice(0, Infinity, ...other.sizes);
    this.nextDesc.splice(0, Infinity, ...other.nextDesc);
    this.usedSeen.splice(0, Infinity, ...other.usedSeen);
    this.availIdx.splice(0, Infinity, ...other.availIdx);
    this.nextBuffer = other.nextBuffer;
  }

  /** Whether the guard bytes around RAM are untouched. */
  guardsIntact(): boolean {
    const all = new Uint8Array(this.buffer);
    for (let i = 0; i < GUARD; i++)
      if (all[i] !== GUARD_BYTE || all[all.length - 1 - i] !== GUARD_BYTE) return false;
    return true;
  }

  get(offset: number): number {
    return this.transport.read(offset, 4);
  }

  set(offset: number, value: number): void {
    this.transport.write(offset, 4, value >>> 0);
  }

  /** The device's features. */
  offered(): bigint {
    this.set(R.DEVICE_FEATURES_SEL, 0);
    const low = BigInt(this.get(R.DEVICE_FEATURES));
    this.set(R.DEVICE_FEATURES_SEL, 1);
    return low | (BigInt(this.get(R.DEVICE_FEATURES)) << 32n);
  }

  /**
   * The handshake of VIRTIO 1.2 §3.1.1: reset, ACKNOWLEDGE, DRIVER, features (all offered by
   * default), FEATURES_OK, queues, DRIVER_OK.
   */
  start(features?: bigint): void {
    this.set(R.STATUS, 0);
    this.set(R.STATUS, S.ACKNOWLEDGE);
    this.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER);
    const want = features ?? this.offered();
    this.set(R.DRIVER_FEATURES_SEL, 0);
    this.set(R.DRIVER_FEATURES, Number(want & 0xffff_ffffn));
    this.set(R.DRIVER_FEATURES_SEL, 1);
    this.set(R.DRIVER_FEATURES, Number(want >> 32n));
    this.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK);
    if (!(this.get(R.STATUS) & S.FEATURES_OK)) throw new Error('features refused');
    for (let q = 0; q < this.device.queueSizes.length; q++) this.setupQueue(q);
    this.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK);
  }

  /** Queue `q`'s rings: a page each for descriptors, driver area and device area (≤ 256 entries). */
  ring(q: number): { desc: number; avail: number; used: number } {
    const base = RAM_BASE + 0x1000 + q * 0x3000;
    return { desc: base, avail: base + 0x1000, used: base + 0x2000 };
  }

  setupQueue(q: number, size?: number): void {
    this.set(R.QUEUE_SEL, q);
    const n = size ?? this.options.queueSize ?? this.get(R.QUEUE_NUM_MAX);
    this.sizes[q] = n;
    this.set(R.QUEUE_NUM, n);
    const { desc, avail, used } = this.ring(q);
    // Fresh rings, as a driver allocates them zeroed.
    this.ram.u8.fill(0, desc - RAM_BASE, desc - RAM_BASE + 0x3000);
    this.set(R.QUEUE_DESC_LOW, desc);
    this.set(R.QUEUE_DESC_HIGH, 0);
    this.set(R.QUEUE_DRIVER_LOW, avail);
    this.set(R.QUEUE_DRIVER_HIGH, 0);
    this.set(R.QUEUE_DEVICE_LOW, used);
    this.set(R.QUEUE_DEVICE_HIGH, 0);
    this.set(R.QUEUE_READY, 1);
    this.nextDesc[q] = 0;
    this.usedSeen[q] = 0;
    this.availIdx[q] = 0;
  }

  /** Bytes for a buffer in RAM; returns its address. */
  alloc(length: number, fill?: Uint8Array): number {
    const address = this.nextBuffer;
    this.nextBuffer += Math.ceil(Math.max(length, 1) / 16) * 16;
    if (fill !== undefined) this.ram.loadBytes(address, fill);
    return address;
  }

  /** Writes descriptor `i` of a table at `table`. */
  descriptor(
    table: number,
    i: number,
    address: number,
    length: number,
    flags: number,
    next: number,
  ): void {
    const v = new DataView(this.buffer, GUARD + table - RAM_BASE + 16 * i, 16);
    v.setUint32(0, address >>> 0, true);
    v.setUint32(4, 0, true);
    v.setUint32(8, length >>> 0, true);
    v.setUint16(12, flags, true);
    v.setUint16(14, next, true);
  }

  /** Makes a chain of `parts` available on `q` (indirect: through a table); returns its head. */
  submit(
    q: number,
    parts: readonly Part[],
    indirect = false,
  ): { head: number; addresses: number[] } {
    const addresses = parts.map((p) =>
      'read' in p ? this.alloc(p.read.length, p.read) : this.alloc(p.write),
    );
    const flagsOf = (p: Part, last: boolean) =>
      ('write' in p ? VIRTQ_DESC_F.WRITE : 0) | (last ? 0 : VIRTQ_DESC_F.NEXT);
    const lengthOf = (p: Part) => ('read' in p ? p.read.length : p.write);
    const n = this.sizes[q] as number;
    const { desc } = this.ring(q);
    let head: number;
    if (indirect) {
      const table = this.alloc(16 * parts.length);
      for (const [i, p] of parts.entries())
        this.descriptor(
          table,
          i,
          addresses[i] as number,
          lengthOf(p),
          flagsOf(p, i === parts.length - 1),
          i + 1,
        );
      head = this.take(q, n);
      this.descriptor(desc, head, table, 16 * parts.length, VIRTQ_DESC_F.INDIRECT, 0);
    } else {
      const indices = parts.map(() => this.take(q, n));
      head = indices[0] as number;
      for (const [i, p] of parts.entries())
        this.descriptor(
          desc,
          indices[i] as number,
          addresses[i] as number,
          lengthOf(p),
          flagsOf(p, i === parts.length - 1),
          indices[i + 1] ?? 0,
        );
    }
    this.offer(q, head);
    return { head, addresses };
  }

  private take(q: number, n: number): number {
    const i = this.nextDesc[q] as number;
    this.nextDesc[q] = (i + 1) % n;
    return i;
  }

  /** Puts `head` in the available ring of `q`. */
  offer(q: number, head: number): void {
    const { avail } = this.ring(q);
    const n = this.sizes[q] as number;
    const idx = this.availIdx[q] as number;
    this.poke16(avail + 4 + 2 * (idx % n), head);
    this.availIdx[q] = (idx + 1) & 0xffff;
    this.poke16(avail + 2, this.availIdx[q] as number);
  }

  notify(q: number): void {
    this.set(R.QUEUE_NOTIFY, q);
  }

  /** Used entries of `q` added since the last call. */
  used(q: number): Used[] {
    const { used } = this.ring(q);
    const n = this.sizes[q] as number;
    const idx = this.peek16(used + 2);
    const out: Used[] = [];
    while (this.usedSeen[q] !== idx) {
      const seen = this.usedSeen[q] as number;
      const slot = used + 4 + 8 * (seen % n);
      out.push({ id: this.peek32(slot), len: this.peek32(slot + 4) });
      this.usedSeen[q] = (seen + 1) & 0xffff;
    }
    return out;
  }

  peek16(address: number): number {
    return new DataView(this.buffer).getUint16(GUARD + address - RAM_BASE, true);
  }

  peek32(address: number): number {
    return new DataView(this.buffer).getUint32(GUARD + address - RAM_BASE, true);
  }

  poke16(address: number, value: number): void {
    new DataView(this.buffer).setUint16(GUARD + address - RAM_BASE, value, true);
  }

  bytes(address: number, length: number): Uint8Array {
    return this.ram.u8.slice(address - RAM_BASE, address - RAM_BASE + length);
  }

  /** Whether the device asked for a reset. */
  needsReset(): boolean {
    return (this.get(R.STATUS) & S.DEVICE_NEEDS_RESET) !== 0;
  }
}

/** The ring features a test driver usually accepts. */
export const RING_FEATURES =
  featureBit(VIRTIO_F.VERSION_1) |
  featureBit(VIRTIO_F.RING_INDIRECT_DESC) |
  featureBit(VIRTIO_F.RING_EVENT_IDX);
