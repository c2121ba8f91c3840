/**
 * Hostile drivers: random queue configurations, descriptor tables, indirect tables and
 * available rings, with register writes in between, against every virtio device. Nothing may
 * throw on the host, write outside guest RAM or hang; a device that met a malformed queue
 * says DEVICE_NEEDS_RESET, and every device works again after a reset.
 *
 * `TRAPEZE_VIRTIO_FUZZ_CASES` sets the cases per device (docs/devices.md records the
 * 100,000-case campaign); `TRAPEZE_VIRTIO_FUZZ_SEED` the seed.
 */
import { fc, it as prop } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { BufferBackend } from '../../src/serial-backend.js';
import { MemoryBlockBackend } from '../../src/virtio/block-backend.js';
import { VIRTIO_MMIO as R, VIRTIO_STATUS as S } from '../../src/virtio/constants.js';
import type { VirtioDevice } from '../../src/virtio/device.js';
import { NetworkSwitch } from '../../src/virtio/net-backend.js';
import { VirtioBlk } from '../../src/virtio/virtio-blk.js';
import { VirtioConsole } from '../../src/virtio/virtio-console.js';
import { VirtioNet } from '../../src/virtio/virtio-net.js';
import { VirtioRng } from '../../src/virtio/virtio-rng.js';
import { RAM_BASE, TestDriver } from '../support/virtio-driver.js';

const CASES = Number(process.env.TRAPEZE_VIRTIO_FUZZ_CASES ?? 150);
const SEED = process.env.TRAPEZE_VIRTIO_FUZZ_SEED;
const RAM_SIZE = 0x10000;
const END = RAM_BASE + RAM_SIZE;

/** Guest-physical addresses a hostile driver might give: RAM, its edges, devices, nonsense. */
const address = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: RAM_SIZE - 1 }).map((o) => RAM_BASE + o) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => END - k) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      0x1000,
      0x0200_0000,
      0x1000_0000,
      0x1000_8000,
      0x0c00_0000,
      RAM_BASE - 16,
      END,
      0xffff_fff0,
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
);
const high = fc.oneof(
  { weight: 12, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
);
const length = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 600 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      1,
      12,
      16,
      512,
      4096,
      RAM_SIZE,
      0x7fff_ffff,
      0xffff_ffff,
      0xffff_fff0,
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
);

interface Descriptor {
  readonly address: number;
  readonly high: number;
  readonly length: number;
  readonly flags: number;
  readonly next: number;
}

const rawDescriptor: fc.Arbitrary<Descriptor> = fc.record({
  address,
  high,
  length,
  flags: fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: 7 }) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff }) },
  ),
  next: fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: 17 }) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff }) },
  ),
});

/** A well-formed chain: readable parts then writable ones, in RAM, maybe through a table. */
const goodChain = fc.record({
  kind: fc.constant('good' as const),
  readable: fc.array(fc.oneof(fc.constantFrom(12, 16, 512, 1024), fc.nat({ max: 600 })), {
    maxLength: 3,
  }),
  writable: fc.array(fc.oneof(fc.constantFrom(1, 20, 513, 1024), fc.nat({ max: 600 })), {
    maxLength: 3,
  }),
  indirect: fc.boolean(),
  /** Request type and sector put in the first readable buffer (a virtio-blk header). */
  type: fc.oneof(fc.constantFrom(0, 1, 4, 8), fc.nat({ max: 0xffff_ffff })),
  sector: fc.oneof(fc.nat({ max: 70 }), fc.nat({ max: 0xffff_ffff })),
});
const badChain = fc.record({
  kind: fc.constant('raw' as const),
  descriptors: fc.array(rawDescriptor, { minLength: 1, maxLength: 4 }),
});
const chain = fc.oneof({ weight: 3, arbitrary: goodChain }, { weight: 1, arbitrary: badChain });
type Chain = typeof chain extends fc.Arbitrary<infer T> ? T : never;

interface Queue {
  readonly size: number;
  /** Ring areas: `null` for the queue's own well-placed pages. */
  readonly areas: readonly (number | null)[];
  readonly highs: readonly number[];
  readonly chains: readonly Chain[];
  /** Changes to single descriptor fields after the table is written: [index, field, value]. */
  readonly mutations: readonly (readonly [number, number, number])[];
  readonly extraHeads: readonly number[];
  /** How far `avail.idx` runs ahead of the entries written (0: exactly them). */
  readonly skew: number;
}

const queue: fc.Arbitrary<Queue> = fc.record({
  size: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(4, 8, 16) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 3, 5, 12, 256, 1024, 2048, 65535) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
  ),
  areas: fc.array(
    fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: address }),
    {
      minLength: 3,
      maxLength: 3,
    },
  ),
  highs: fc.array(
    fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: high }),
    {
      minLength: 3,
      maxLength: 3,
    },
  ),
  chains: fc.array(chain, { maxLength: 6 }),
  mutations: fc.array(
    fc.tuple(fc.nat({ max: 17 }), fc.nat({ max: 4 }), fc.nat({ max: 0xffff_ffff })),
    {
      maxLength: 2,
    },
  ),
  extraHeads: fc.array(fc.nat({ max: 0xffff }), { maxLength: 1 }),
  skew: fc.oneof(
    { weight: 12, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff }) },
  ),
});

/** Register writes a hostile driver makes between its notifications. */
const poke = fc.record({
  offset: fc.constantFrom(
    R.QUEUE_SEL,
    R.QUEUE_NUM,
    R.QUEUE_READY,
    R.QUEUE_NOTIFY,
    R.INTERRUPT_ACK,
    R.STATUS,
    R.QUEUE_DESC_LOW,
    R.QUEUE_DESC_HIGH,
    R.QUEUE_DRIVER_LOW,
    R.QUEUE_DEVICE_LOW,
    R.DRIVER_FEATURES,
    R.DRIVER_FEATURES_SEL,
    R.DEVICE_FEATURES_SEL,
    0x100,
    0x108,
    0x1fc,
    0x0ff,
  ),
  size: fc.constantFrom<1 | 2 | 4>(1, 2, 4, 4, 4),
  value: fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 0xffff_ffff })),
});

const scenario = fc.record({
  /**
   * A tame driver: well-formed queues and chains only (the request contents stay random), so
   * that devices are driven deep as well as refused early.
   */
  tame: fc.boolean(),
  features: fc.oneof(
    { weight: 8, arbitrary: fc.constant(-1) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
  ),
  highFeatures: fc.oneof(
    { weight: 8, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
  ),
  queues: fc.array(queue, { minLength: 1, maxLength: 2 }),
  /** Random bytes over RAM (rings, tables, buffers). */
  noise: fc.array(
    fc.record({ at: fc.nat({ max: RAM_SIZE - 64 }), bytes: fc.uint8Array({ maxLength: 64 }) }),
    {
      maxLength: 2,
    },
  ),
  pokes: fc.array(poke, { maxLength: 4 }),
  late: fc.uint8Array({ maxLength: 40 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Writes `value` as `bytes` little-endian bytes at a guest address if it lies in RAM. */
function store(d: TestDriver, at: number, value: number, bytes: number): void {
  if (at < RAM_BASE || at + bytes > END) return;
  const v = new DataView(d.buffer, 4096 + at - RAM_BASE, bytes);
  if (bytes === 2) v.setUint16(0, value & 0xffff, true);
  else v.setUint32(0, value >>> 0, true);
}

/** Buffers and indirect tables are carved from here (wrapping round). */
const DATA = RAM_BASE + 0x7000;
const DATA_SIZE = RAM_SIZE - 0x7000;

/** Queue size of a tame driver (every device's maximum is at least this). */
const TAME_SIZE = 8;

/** The good chains that fit a tame queue together (descriptors in the table). */
function fitting(chains: readonly Chain[]): Chain[] {
  let used = 0;
  const out: Chain[] = [];
  for (const c of chains) {
    if (c.kind !== 'good') continue;
    const n = c.indirect ? 1 : Math.max(1, c.readable.length + c.writable.length);
    if (used + n > TAME_SIZE) break;
    used += n;
    out.push(c);
  }
  return out;
}

/** Writes queue `index`'s descriptor table, tables, buffers and available ring. */
function build(
  d: TestDriver,
  hostile: Queue,
  index: number,
  tame: boolean,
): [number, number, number] {
  const q: Queue = tame
    ? {
        ...hostile,
        size: TAME_SIZE,
        areas: [null, null, null],
        highs: [0, 0, 0],
        chains: fitting(hostile.chains),
        mutations: [],
        extraHeads: [],
        skew: 0,
      }
    : hostile;
  const own = [0, 0x1000, 0x2000].map((o) => RAM_BASE + 0x1000 + index * 0x3000 + o);
  const [desc, avail, used] = q.areas.map((a, i) => a ?? (own[i] as number)) as [
    number,
    number,
    number,
  ];
  let data = 0;
  const carve = (n: number) => {
    if (data + n > DATA_SIZE) data = 0;
    const at = DATA + data;
    data += Math.ceil(Math.max(n, 1) / 16) * 16;
    return at;
  };
  const put = (table: number, i: number, x: Descriptor) => {
    const at = table + 16 * i;
    store(d, at, x.address, 4);
    store(d, at + 4, x.high, 4);
    store(d, at + 8, x.length, 4);
    store(d, at + 12, x.flags, 2);
    store(d, at + 14, x.next, 2);
  };
  let next = 0;
  const heads: number[] = [];
  for (const c of q.chains) {
    heads.push(next);
    if (c.kind === 'raw') {
      for (const x of c.descriptors) put(desc, next++, x);
      continue;
    }
    const parts = [
      ...c.readable.map((length) => ({ length, flags: 0 })),
      ...c.writable.map((length) => ({ length, flags: 2 })),
    ].map((p) => ({ ...p, address: carve(p.length) }));
    const first = c.readable.length > 0 ? (parts[0] as { address: number }) : undefined;
    if (first !== undefined) {
      store(d, first.address, c.type, 4);
      store(d, first.address + 8, c.sector, 4);
    }
    const table = c.indirect && parts.length > 0 ? carve(16 * parts.length) : undefined;
    const base = table === undefined ? next : 0;
    for (const [i, p] of parts.entries())
      put(table ?? desc, base + i, {
        address: p.address,
        high: 0,
        length: p.length,
        flags: p.flags | (i < parts.length - 1 ? 1 : 0),
        next: base + i + 1,
      });
    if (table !== undefined)
      put(desc, next++, { address: table, high: 0, length: 16 * parts.length, flags: 4, next: 0 });
    else next += Math.max(parts.length, 1);
  }
  for (const [i, field, value] of q.mutations) {
    const at = desc + 16 * i;
    if (field < 3) store(d, at + 4 * field, value, 4);
    else store(d, at + 12 + 2 * (field - 3), value, 2);
  }
  const entries = [...heads, ...q.extraHeads];
  const size = q.size > 0 && q.size <= 0x10000 ? q.size : 1;
  for (const [i, head] of entries.entries()) store(d, avail + 4 + 2 * (i % size), head, 2);
  store(d, avail + 2, entries.length + q.skew, 2);
  return [desc, avail, used];
}

function play(d: TestDriver, s: Scenario, deliver: () => void): void {
  d.set(R.STATUS, 0);
  d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER);
  d.set(R.DRIVER_FEATURES_SEL, 0);
  d.set(R.DRIVER_FEATURES, s.tame ? -1 : s.features);
  d.set(R.DRIVER_FEATURES_SEL, 1);
  d.set(R.DRIVER_FEATURES, s.tame ? 1 : s.highFeatures);
  d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK);
  s.queues.forEach((q, index) => {
    const [desc, avail, used] = build(d, q, index, s.tame);
    d.set(R.QUEUE_SEL, index);
    d.set(R.QUEUE_NUM, s.tame ? TAME_SIZE : q.size);
    d.set(R.QUEUE_DESC_LOW, desc);
    d.set(R.QUEUE_DESC_HIGH, s.tame ? 0 : (q.highs[0] as number));
    d.set(R.QUEUE_DRIVER_LOW, avail);
    d.set(R.QUEUE_DRIVER_HIGH, s.tame ? 0 : (q.highs[1] as number));
    d.set(R.QUEUE_DEVICE_LOW, used);
    d.set(R.QUEUE_DEVICE_HIGH, s.tame ? 0 : (q.highs[2] as number));
    d.set(R.QUEUE_READY, 1);
  });
  if (!s.tame) for (const n of s.noise) d.ram.u8.set(n.bytes, n.at);
  d.set(R.STATUS, S.ACKNOWLEDGE | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK);
  for (let q = 0; q < s.queues.length; q++) d.notify(q);
  for (const p of s.tame ? [] : s.pokes) {
    d.transport.write(p.offset, p.size, p.value);
    d.transport.read(p.offset, p.size);
  }
  deliver();
  for (let q = 0; q < 3; q++) d.notify(q);
}

/** After a reset and a proper handshake the device serves a request of `kind` again. */
function recovers(d: TestDriver, kind: string): boolean {
  d.ram.u8.fill(0, 0x1000, 0x10000);
  (d as unknown as { nextBuffer: number }).nextBuffer = RAM_BASE + 0xc000;
  d.start();
  const q = kind === 'virtio-net' || kind === 'virtio-console' ? 1 : 0;
  const parts =
    kind === 'virtio-blk'
      ? [{ read: new Uint8Array(16) }, { write: 513 }]
      : kind === 'virtio-rng'
        ? [{ write: 8 }]
        : [{ read: new Uint8Array(12 + 60) }];
  const { head } = d.submit(q, parts);
  d.notify(q);
  const used = d.used(q);
  return used.length === 1 && used[0]?.id === head && !d.needsReset();
}

const devices: [string, () => { device: VirtioDevice; deliver: (late: Uint8Array) => void }][] = [
  [
    'virtio-blk',
    () => ({
      device: new VirtioBlk({ backend: new MemoryBlockBackend(64 * 512) }),
      deliver: () => {},
    }),
  ],
  ['virtio-rng', () => ({ device: new VirtioRng({ seed: 1 }), deliver: () => {} })],
  [
    'virtio-console',
    () => {
      const backend = new BufferBackend();
      return { device: new VirtioConsole({ backend }), deliver: (late) => backend.receive(late) };
    },
  ],
  [
    'virtio-net',
    () => {
      const net = new NetworkSwitch();
      const peer = net.port();
      peer.connect(() => {});
      const device = new VirtioNet({ backend: net.port() });
      return {
        device,
        deliver: (late) => {
          const f = new Uint8Array(14 + late.length).fill(0xff);
          f.set(late, 14);
          peer.send(f);
        },
      };
    },
  ],
];

/** What the cases did, per device: printed after a campaign to show the fuzzer reaches both sides. */
const tally: Record<string, { cases: number; served: number; reset: number; both: number }> = {};

afterAll(() => {
  if (CASES >= 1000) process.stderr.write(`hostile virtqueues: ${JSON.stringify(tally)}\n`);
});

describe('hostile virtqueues', () => {
  for (const [kind, make] of devices)
    prop.prop([scenario], {
      numRuns: CASES,
      ...(SEED === undefined ? {} : { seed: Number(SEED) }),
    })(`${kind}: no host exception, nothing outside guest RAM, recovers after reset`, (s) => {
      const { device, deliver } = make();
      const d = new TestDriver(device, { ramSize: RAM_SIZE });
      play(d, s, () => deliver(s.late));
      expect(d.guardsIntact()).toBe(true);
      const { errors, requests } = d.transport.statistics();
      if (errors > 0) expect(d.transport.lastError).toBeTypeOf('string');
      tally[kind] ??= { cases: 0, served: 0, reset: 0, both: 0 };
      const t = tally[kind];
      t.cases++;
      if (requests > 0) t.served++;
      if (errors > 0) t.reset++;
      if (requests > 0 && errors > 0) t.both++;
      expect(recovers(d, kind)).toBe(true);
      expect(d.guardsIntact()).toBe(true);
    });
});
