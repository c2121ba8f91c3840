import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { BufferBackend } from '../../src/serial-backend.js';
import { featureBit, VIRTIO_MMIO as R, VIRTIO_F } from '../../src/virtio/constants.js';
import { NetworkSwitch } from '../../src/virtio/net-backend.js';
import { VirtioConsole } from '../../src/virtio/virtio-console.js';
import { VIRTIO_NET_HEADER, VirtioNet } from '../../src/virtio/virtio-net.js';
import { VirtioRng } from '../../src/virtio/virtio-rng.js';
import { TestDriver } from '../support/virtio-driver.js';

const text = (s: string) => new TextEncoder().encode(s);

function frame(to: number[], from: number[], payload: string): Uint8Array {
  return Uint8Array.from([...to, ...from, 0x88, 0xb5, ...text(payload)]);
}

describe('VirtioRng', () => {
  it('fills buffers with the seeded stream: same seed, same bytes; another seed, others', () => {
    const run = (seed: number) => {
      const d = new TestDriver(new VirtioRng({ seed }));
      d.start();
      const { addresses } = d.submit(0, [{ write: 7 }, { write: 9 }]);
      d.notify(0);
      expect(d.used(0)[0]?.len).toBe(16);
      return [...d.bytes(addresses[0] as number, 7), ...d.bytes(addresses[1] as number, 9)];
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(new Set(run(5)).size).toBeGreaterThan(8);
  });

  it('reads host entropy when asked, and refuses bad options', () => {
    const d = new TestDriver(new VirtioRng({ source: 'host' }));
    d.start();
    const { addresses } = d.submit(0, [{ write: 64 }]);
    d.notify(0);
    expect(d.bytes(addresses[0] as number, 64).some((b) => b !== 0)).toBe(true);
    expect(() => new VirtioRng({ seed: -1 })).toThrow(DeviceError);
    expect(() => new VirtioRng({ source: 'x' as 'host' })).toThrow(DeviceError);
  });

  it('has no configuration space', () => {
    const d = new TestDriver(new VirtioRng());
    expect(d.get(R.DEVICE_ID)).toBe(4);
    expect(d.transport.read(R.CONFIG, 4)).toBe(0xffff_ffff);
  });
});

describe('VirtioConsole', () => {
  it('sends transmit buffers to the backend and fills receive buffers with its input', () => {
    const backend = new BufferBackend();
    const d = new TestDriver(new VirtioConsole({ backend }));
    d.start(featureBit(VIRTIO_F.VERSION_1)); // an interrupt for every used buffer
    d.submit(1, [{ read: text('hello ') }, { read: text('virtio\n') }]);
    d.notify(1);
    expect(backend.text()).toBe('hello virtio\n');
    expect(d.used(1)).toHaveLength(1);
    // Input waits in the backend until the driver gives a buffer.
    backend.receive('ls\n');
    expect(backend.available).toBe(3);
    const { addresses } = d.submit(0, [{ write: 2 }]);
    d.notify(0);
    expect(d.used(0)).toEqual([{ id: 0, len: 2 }]);
    expect(d.bytes(addresses[0] as number, 2)).toEqual(text('ls'));
    const more = d.submit(0, [{ write: 16 }]);
    d.notify(0);
    expect(d.used(0)[0]?.len).toBe(1);
    expect(d.bytes(more.addresses[0] as number, 1)).toEqual(text('\n'));
    // Input that arrives while buffers wait goes in at once, with an interrupt.
    d.set(R.INTERRUPT_ACK, 3);
    const late = d.submit(0, [{ write: 16 }]);
    d.notify(0);
    backend.receive('x');
    expect(d.bytes(late.addresses[0] as number, 1)).toEqual(text('x'));
    expect(d.irq.level).toBe(true);
  });

  it('transmits the emergency write register at once', () => {
    const backend = new BufferBackend();
    const d = new TestDriver(new VirtioConsole({ backend }));
    expect(d.transport.read(R.CONFIG + 4, 4)).toBe(1); // max_nr_ports
    d.transport.write(R.CONFIG + 8, 4, 0x21);
    expect(backend.text()).toBe('!');
  });
});

describe('VirtioNet', () => {
  const A = [0x52, 0x54, 0, 0x12, 0x34, 0x56];
  const B = [0x52, 0x54, 0, 0x12, 0x34, 0x57];

  function pair() {
    const net = new NetworkSwitch();
    const a = new TestDriver(new VirtioNet({ backend: net.port() }));
    const b = new TestDriver(new VirtioNet({ backend: net.port(), mac: '52:54:00:12:34:57' }));
    a.start();
    b.start();
    return { net, a, b };
  }

  it('has its MAC address in the configuration space', () => {
    const { b } = pair();
    expect([0, 1, 2, 3, 4, 5].map((i) => b.transport.read(R.CONFIG + i, 1))).toEqual(B);
    expect(
      () => new VirtioNet({ backend: new NetworkSwitch().port(), mac: '01:00:00:00:00:00' }),
    ).toThrow(/multicast/);
    expect(() => new VirtioNet({ backend: new NetworkSwitch().port(), mac: 'nope' })).toThrow(
      DeviceError,
    );
  });

  it('exchanges frames between two devices through the switch, holding them until buffers come', () => {
    const { net, a, b } = pair();
    const f = frame([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], A, 'hello b');
    a.submit(1, [{ read: new Uint8Array(VIRTIO_NET_HEADER) }, { read: f }]);
    a.notify(1);
    expect(a.used(1)).toHaveLength(1);
    // b has no receive buffers yet: the frame waits.
    const { addresses } = b.submit(0, [{ write: 1526 }]);
    b.notify(0);
    expect(b.used(0)).toEqual([{ id: 0, len: VIRTIO_NET_HEADER + f.length }]);
    const got = b.bytes(addresses[0] as number, VIRTIO_NET_HEADER + f.length);
    expect(got[10]).toBe(1); // num_buffers
    expect(got.slice(VIRTIO_NET_HEADER)).toEqual(f);
    // The reply goes to a's learned port only.
    const r = frame(A, B, 'hello a');
    const rx = a.submit(0, [{ write: 1526 }]);
    a.notify(0);
    b.submit(1, [{ read: new Uint8Array(VIRTIO_NET_HEADER) }, { read: r }]);
    b.notify(1);
    expect(a.bytes((rx.addresses[0] as number) + VIRTIO_NET_HEADER, r.length)).toEqual(r);
    expect(a.device.statistics()).toMatchObject({ framesSent: 1, framesReceived: 1 });
    expect(net.statistics()).toMatchObject({ frames: 2, delivered: 2 });
  });

  it('drops a frame too large for the receive buffer and keeps the buffer', () => {
    const { a, b } = pair();
    b.submit(0, [{ write: 30 }]);
    b.notify(0);
    a.submit(1, [
      { read: new Uint8Array(VIRTIO_NET_HEADER) },
      { read: frame(B, A, 'too long for it') },
    ]);
    a.notify(1);
    expect(b.used(0)).toEqual([]);
    expect(b.device.statistics().framesDropped).toBe(1);
    a.submit(1, [{ read: new Uint8Array(VIRTIO_NET_HEADER) }, { read: frame(B, A, '') }]);
    a.notify(1);
    expect(b.used(0)).toEqual([{ id: 0, len: 26 }]);
  });

  it('carries its waiting frames in snapshots', () => {
    const { a, b } = pair();
    a.submit(1, [{ read: new Uint8Array(VIRTIO_NET_HEADER) }, { read: frame(B, A, 'x') }]);
    a.notify(1);
    const saved = b.transport.snapshot();
    expect((saved.device as { pending: string[] }).pending).toHaveLength(1);
    const c = new TestDriver(new VirtioNet({ backend: new NetworkSwitch().port() }));
    c.transport.restore(JSON.parse(JSON.stringify(saved)));
    expect(c.transport.snapshot()).toEqual(saved);
    const bad = JSON.parse(JSON.stringify(saved));
    bad.device.pending = ['zz'];
    expect(() => c.transport.restore(bad)).toThrow(/pending\[0\]/);
  });
});
