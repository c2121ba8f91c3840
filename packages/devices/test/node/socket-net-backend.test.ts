import { createServer, connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { SocketNetBackend } from '../../src/node/socket-net-backend.js';

const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/** Waits (up to 5 s: the machine may be busy) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 5000; waited += 10) await tick();
}

/** A listening backend and a raw socket connected to it. */
async function pairWithRaw() {
  let port = 0;
  const listening = SocketNetBackend.listen(0, '127.0.0.1', (p) => {
    port = p;
  });
  while (port === 0) await tick();
  const raw = tcpConnect({ port, host: '127.0.0.1' });
  const backend = await listening;
  const got: Buffer[] = [];
  raw.on('data', (chunk) => got.push(chunk));
  return { backend, raw, received: () => Buffer.concat(got) };
}

describe('SocketNetBackend', () => {
  it('frames with a 4-byte big-endian length, both ways, across split reads', async () => {
    const { backend, raw, received } = await pairWithRaw();
    const frames: Uint8Array[] = [];
    backend.connect((f) => frames.push(f));
    backend.send(frame(60, 1));
    await until(() => received().length >= 64);
    expect([...received().subarray(0, 4)]).toEqual([0, 0, 0, 60]);
    expect(received().length).toBe(64);
    const message = Buffer.concat([
      Buffer.from([0, 0, 0, 20]),
      Buffer.alloc(20, 7),
      Buffer.from([0, 0, 0, 14]),
      Buffer.alloc(14, 8),
    ]);
    raw.write(message.subarray(0, 7));
    await tick();
    raw.write(message.subarray(7));
    await until(() => frames.length >= 2);
    expect(frames.map((f) => [f.length, f[0]])).toEqual([
      [20, 7],
      [14, 8],
    ]);
    expect(backend.statistics()).toEqual({ framesSent: 1, framesReceived: 2, framesDropped: 0 });
    backend.close();
    raw.destroy();
  });

  it('drops short frames, closes a stream with a bad length, and drops sends after', async () => {
    const { backend, raw } = await pairWithRaw();
    const frames: Uint8Array[] = [];
    backend.connect((f) => frames.push(f));
    raw.write(Buffer.concat([Buffer.from([0, 0, 0, 4]), Buffer.alloc(4)]));
    await until(() => backend.statistics().framesDropped === 1);
    expect(frames).toEqual([]);
    raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await until(() => backend.ended !== undefined);
    expect(backend.ended).toMatch(/frame length of 4294967295/);
    backend.send(frame(60, 1));
    expect(backend.statistics().framesDropped).toBe(2);
    raw.destroy();
  });

  it('connects to a listening peer, and says why when it cannot', async () => {
    const server = createServer();
    const accepted = new Promise((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const backend = await SocketNetBackend.connect(port);
    await accepted;
    backend.close();
    server.close();
    await new Promise((resolve) => server.once('close', resolve));
    await expect(SocketNetBackend.connect(port)).rejects.toThrow(DeviceError);
    await expect(SocketNetBackend.connect(port)).rejects.toThrow(
      /cannot connect to 127\.0\.0\.1:\d+/,
    );
    expect(() => SocketNetBackend.connect(70000)).toThrow(/port 70000/);
  });
});
