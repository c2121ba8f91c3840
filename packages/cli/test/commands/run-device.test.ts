/**
 * `trapeze run --device`: virtio devices on the board, QEMU-style, and their errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, elfImage } from '@trapeze/isa';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../support/fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'trapeze-cli-device-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OS = new Uint8Array(
  readFileSync(new URL('../../../../guests/images/os.elf', import.meta.url)),
);

/** Prints the device IDs of slots 7 and 6 as digits on the UART, then passes. */
const PROBE = elfImage(
  assemble(
    `
    .globl _start
_start:
    li t0, 0x10000000
    li t1, 0x10008008
    lw a0, 0(t1)
    addi a0, a0, '0'
    sb a0, 0(t0)
    li t1, 0x10007008
    lw a0, 0(t1)
    addi a0, a0, '0'
    sb a0, 0(t0)
    li t1, 0x10001004      # an empty slot's Version
    lw a0, 0(t1)
    addi a0, a0, '0'
    sb a0, 0(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b
`,
    { textAddress: 0x8000_0000 },
  ),
);

function disk(name: string, size = 1 << 20): string {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(size).fill(0x5a));
  return path;
}

describe('trapeze run --device', () => {
  it('puts devices in QEMU’s slot order: the first at 0x10008000', async () => {
    const r = await run(
      ['run', '--device', 'virtio-console', '--device', 'virtio-rng,seed=7', 'probe.elf'],
      { files: { 'probe.elf': PROBE } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('342'); // console (3), entropy (4), modern empty slot (version 2)
  });

  it('puts a device in the slot asked for with slot=N', async () => {
    const r = await run(['run', '--device', 'virtio-rng,slot=0', 'probe.elf'], {
      files: { 'probe.elf': PROBE },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('002'); // slots 7 and 6 empty, slot 0 modern (its Version)
  });

  it('runs the OS’s blk workload on a disk image, which it changes, with --stats traffic', async () => {
    const path = disk('os.img');
    const r = await run(
      [
        'run',
        '--device',
        `virtio-blk,file=${path},serial=cli`,
        '--append',
        'run=blk',
        '--stats',
        'os.elf',
      ],
      { files: { 'os.elf': OS } },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("blk: 2048 sectors, id 'cli'\n");
    expect(r.stdout).toMatch(/read back checksum=0x[0-9a-f]{8}, 0 bytes differ\n/);
    expect(r.stderr).toMatch(
      /^virtio-blk@10008000: +101 notifications, 101 interrupts, 101 requests, 131072 bytes from the guest/m,
    );
    expect(readFileSync(path)[256 * 512 + 1]).toBe(13);
  });

  it('leaves the image alone with snapshot=on, and refuses writes with readonly=on', async () => {
    const cow = disk('cow.img');
    const a = await run(
      ['run', '--device', `virtio-blk,file=${cow},snapshot=on`, '--append', 'run=blk', 'os.elf'],
      {
        files: { 'os.elf': OS },
      },
    );
    expect(a.stdout).toContain('0 bytes differ');
    expect(readFileSync(cow).every((b) => b === 0x5a)).toBe(true);
    const ro = disk('ro.img');
    const b = await run(
      ['run', '--device', `virtio-blk,file=${ro},readonly=on`, '--append', 'run=blk', 'os.elf'],
      {
        files: { 'os.elf': OS },
      },
    );
    expect(b.stdout).toContain('blk: write of sector 256 failed');
    expect(readFileSync(ro).every((x) => x === 0x5a)).toBe(true);
  });

  it('runs on a disk in memory', async () => {
    const r = await run(
      ['run', '--device', 'virtio-blk,size=1M', '--append', 'run=blk', 'os.elf'],
      {
        files: { 'os.elf': OS },
      },
    );
    expect(r.stdout).toContain('0 bytes differ');
  });

  it('connects two runs through virtio-net sockets: run=net and run=netecho', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const echo = run(
      [
        'run',
        '--device',
        `virtio-net,listen=${port},mac=52:54:00:12:34:57`,
        '--append',
        'run=netecho',
        'os.elf',
      ],
      { files: { 'os.elf': OS } },
    );
    // The listening run says where it waits before the other one connects.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const net = await run(
      [
        'run',
        '--device',
        `virtio-net,connect=127.0.0.1:${port}`,
        '--append',
        'run=net',
        '--stats',
        'os.elf',
      ],
      {
        files: { 'os.elf': OS },
      },
    );
    const peer = await echo;
    expect(peer.stderr).toContain(`virtio-net: waiting for a peer to connect to 127.0.0.1:${port}`);
    expect([net.code, peer.code]).toEqual([0, 0]);
    expect(net.stdout).toMatch(/^net: sent n=32 echoed=32 bytes=24240 checksum=0x[0-9a-f]{8}$/m);
    expect(peer.stdout).toMatch(/^netecho: echoed n=32 bytes=24240 checksum=0x[0-9a-f]{8}$/m);
    expect(net.stderr).toMatch(/^virtio-net@10008000: +\d+ notifications/m);
  });

  const errors: [string[], RegExp][] = [
    [
      ['virtio-gpu'],
      /unknown device 'virtio-gpu' \(known: virtio-blk, virtio-net, virtio-rng, virtio-console\)/,
    ],
    [['virtio-rng,slot=8'], /slot must be 0…7/],
    [['virtio-net'], /give the peer as connect=HOST:PORT or listen=\[HOST:\]PORT/],
    [['virtio-net,connect=localhost:http'], /'localhost:http' is not \[HOST:\]PORT/],
    [['virtio-net,connect=127.0.0.1:1'], /cannot connect to 127\.0\.0\.1:1/],
    [['virtio-net,listen=1,colour=red'], /virtio-net has no property 'colour'/],
    [['virtio-blk'], /give the disk as file=IMAGE or as size=SIZE/],
    [['virtio-blk,size=1M,file=x'], /give the disk as file=IMAGE or as size=SIZE/],
    [[`virtio-blk,file=${join(dir, 'missing.img')}`], /missing\.img does not exist/],
    [['virtio-blk,size=1000'], /size '1000' must be a multiple of 512/],
    [['virtio-blk,size=1M,colour=red'], /virtio-blk has no property 'colour'/],
    [['virtio-blk,size=1M,readonly=maybe'], /readonly must be on or off/],
    [['virtio-blk,size=1M,serial=a-very-long-serial-number'], /at most 20 printable ASCII/],
    [['virtio-blk,size=1M,size=2M'], /'size' is given twice/],
    [['virtio-rng,seed=-1'], /seed '-1' is not an unsigned 32-bit integer/],
    [['virtio-rng,source=host,seed=1'], /seed= is for the seeded source/],
    [['virtio-rng,nonsense'], /'nonsense' is not key=value/],
    [['virtio-console', 'virtio-console'], /one virtio-console at a time/],
    [Array.from({ length: 9 }, () => 'virtio-rng'), /9 virtio devices given; the virt board has 8/],
  ];
  for (const [specs, message] of errors)
    it(`refuses ${specs.join(' ')} with exit status 2`, async () => {
      const r = await run(['run', ...specs.flatMap((s) => ['--device', s]), 'probe.elf'], {
        files: { 'probe.elf': PROBE },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });

  it('refuses an image that is not a whole number of sectors', async () => {
    const path = join(dir, 'short.img');
    writeFileSync(path, new Uint8Array(1000));
    const r = await run(['run', '--device', `virtio-blk,file=${path}`, 'probe.elf'], {
      files: { 'probe.elf': PROBE },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /short\.img is 1000 bytes: a disk must be a positive whole number of 512-byte sectors/,
    );
  });
});
