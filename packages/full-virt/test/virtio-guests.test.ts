/**
 * The OS's virtio workloads on every engine, against QEMU:
 * - `run=blk` with a virtio-blk disk prints byte-identical console output under QEMU
 *   (`-icount shift=0,sleep=off`, the modern virtio-mmio transport) and under `bare`, `direct`,
 *   `translate` and `translate/all`, and leaves byte-identical disk images; the engines also
 *   agree with bare on instret and virtual time (QEMU completes disk requests asynchronously,
 *   so its instruction count is not comparable);
 * - `console=virtio run=io` puts the workload's output on the virtio console: the UART's and
 *   the virtio console's bytes are QEMU's (`-device virtio-serial-device -device virtconsole`),
 *   the instruction count in the result line included, and the shell reads its input from it;
 * - `run=net` and `run=netecho` exchange frames: two Trapeze VMs through the in-process switch
 *   (on every engine), and a Trapeze VM with a QEMU VM through the socket backend (QEMU's
 *   `-netdev socket`), each way round; every pair prints the same lines.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BufferBackend,
  MemoryBlockBackend,
  type NetBackend,
  NetworkSwitch,
  VirtioBlk,
  VirtioConsole,
  VirtioNet,
} from '@trapeze/devices';
import { FileBlockBackend, SocketNetBackend } from '@trapeze/devices/node';
import { QEMU_REFERENCE_ARGS } from '@trapeze/machine';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand, requireTool } from '../../../test-support.ts';
import { createEngineMachine, type EngineMachineOptions } from '../src/engines.js';
import { guestState, IMAGES, image } from './support.js';

const QEMU = 'qemu-system-riscv32';
const QEMU_AVAILABLE = requireTool(
  QEMU,
  hasCommand(QEMU),
  'virtio guest comparisons with QEMU skipped (apt-get install qemu-system-misc; CI installs it)',
);
const dir = mkdtempSync(join(tmpdir(), 'trapeze-virtio-guests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 1 MiB disk whose bytes the workload reads first (so their checksum is the disk's). */
function disk(name: string): string {
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const SERIAL = 'trapeze-disk';

/** QEMU's console and disk after `run=blk`. */
function onQemu(): { console: string; disk: Buffer } {
  const path = disk('qemu.img');
  const out = join(dir, 'qemu.txt');
  execFileSync('sh', [
    '-c',
    `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -global virtio-mmio.force-legacy=false ` +
      `-drive file=${path},if=none,format=raw,id=d -device virtio-blk-device,drive=d,serial=${SERIAL} ` +
      `-kernel ${join(IMAGES, 'os.elf')} -append 'run=blk' < /dev/null > ${out} 2>&1`,
  ]);
  return { console: readFileSync(out, 'latin1'), disk: readFileSync(path) };
}

type Engine = Pick<EngineMachineOptions, 'engine' | 'policy'>;
const ENGINES: readonly [string, Engine][] = [
  ['bare', { engine: 'bare' }],
  ['direct', { engine: 'direct' }],
  ['translate', { engine: 'translate' }],
  ['translate/all', { engine: 'translate', policy: 'all' }],
];

/** `run=blk` on an engine with a fresh disk file. */
function onEngine(name: string, engine: Engine) {
  const path = disk(`${name.replace('/', '-')}.img`);
  const backend = new FileBlockBackend(path);
  const serial = new BufferBackend();
  const machine = createEngineMachine({
    ...engine,
    serial,
    bootargs: 'run=blk',
    virtio: [new VirtioBlk({ backend, serial: SERIAL })],
  });
  machine.loadElf(image('os.elf'));
  const exit = machine.run(1e8);
  backend.close();
  return {
    exit: exit.kind,
    console: serial.text(),
    disk: readFileSync(path),
    state: guestState(machine),
    virtio: machine.virtio[0]?.transport.statistics(),
  };
}

const runs = new Map(ENGINES.map(([name, engine]) => [name, onEngine(name, engine)]));
const bare = runs.get('bare') as ReturnType<typeof onEngine>;

describe('run=blk on every engine', () => {
  it('writes, flushes and reads back its sectors on bare', () => {
    expect(bare.exit).toBe('pass');
    expect(bare.console).toContain("blk: 2048 sectors, id 'trapeze-disk'\n");
    expect(bare.console).toMatch(
      /^blk: wrote n=256 checksum=(0x[0-9a-f]{8}), read back checksum=\1, 0 bytes differ$/m,
    );
    // The disk holds the pattern after the first 256 sectors, the original bytes elsewhere.
    expect(bare.disk[0]).toBe(3);
    expect(bare.disk[256 * 512 + 1]).toBe(13);
    // GET_ID, 32 reads, 32 writes with a flush after every eighth, 32 reads back.
    expect(bare.virtio).toMatchObject({ requests: 101, errors: 0, bytesFromGuest: 131072 });
  });

  for (const [name] of ENGINES.slice(1))
    it(`${name}: same console, disk, instret and virtual time as bare`, () => {
      const run = runs.get(name) as ReturnType<typeof onEngine>;
      expect(run.console).toBe(bare.console);
      expect(run.disk.equals(bare.disk)).toBe(true);
      expect(run.state).toEqual(bare.state);
    });

  it('migrates mid-workload: a snapshot taken under direct finishes under bare alike', () => {
    const diskBytes = () => new Uint8Array(readFileSync(disk('migrate.img')));
    const start = (engine: Engine, bytes: Uint8Array) => {
      const serial = new BufferBackend();
      const backend = new MemoryBlockBackend(bytes);
      const machine = createEngineMachine({
        ...engine,
        serial,
        bootargs: 'run=blk',
        virtio: [new VirtioBlk({ backend, serial: SERIAL })],
      });
      return { machine, serial, backend };
    };
    const a = start({ engine: 'direct' }, diskBytes());
    a.machine.loadElf(image('os.elf'));
    expect(a.machine.run(4_000_000).kind).toBe('budget'); // in the middle of the writes
    const saved = JSON.parse(JSON.stringify(a.machine.snapshot()));
    // The disk is host side: the new machine gets a copy of its bytes with the snapshot.
    const b = start({ engine: 'bare' }, a.backend.bytes.slice());
    b.machine.restore(saved);
    expect(b.machine.run(1e8).kind).toBe('pass');
    expect(a.serial.text() + b.serial.text()).toBe(bare.console);
    expect(Buffer.from(b.backend.bytes).equals(bare.disk)).toBe(true);
    expect(guestState(b.machine)).toEqual(bare.state);
  });

  it.skipIf(!QEMU_AVAILABLE)('QEMU 7.2 prints the same and leaves the same disk', () => {
    const qemu = onQemu();
    expect(bare.console).toBe(qemu.console);
    expect(bare.disk.equals(qemu.disk)).toBe(true);
  });
});

/** The MAC address of each role (QEMU's default for `net`, the next one for its peer). */
const MAC = { net: '52:54:00:12:34:56', netecho: '52:54:00:12:34:57' } as const;
type Role = keyof typeof MAC;

/** A VM running `role` with a virtio-net device on `backend`. */
function netVm(role: Role, engine: Engine, backend: NetBackend) {
  const serial = new BufferBackend();
  const machine = createEngineMachine({
    ...engine,
    serial,
    bootargs: `run=${role}`,
    virtio: [new VirtioNet({ backend, mac: MAC[role] })],
  });
  machine.loadElf(image('os.elf'));
  return { machine, serial };
}

/** The line a role prints about the frames (`net: …` or `netecho: …`). */
const resultLine = (text: string, role: Role) =>
  text.split('\n').find((line) => line.startsWith(`${role}: `));

/** Two VMs on a switch, run in turns of 200,000 instructions until both have powered off. */
function pair(net: Engine, echo: Engine) {
  const fabric = new NetworkSwitch();
  const vms = [netVm('netecho', echo, fabric.port()), netVm('net', net, fabric.port())];
  const done: (string | undefined)[] = [undefined, undefined];
  for (let turn = 0; turn < 10_000 && done.includes(undefined); turn++)
    for (const [i, vm] of vms.entries()) {
      if (done[i] !== undefined) continue;
      const exit = vm.machine.run(200_000);
      if (exit.kind !== 'budget') done[i] = exit.kind;
    }
  return {
    done,
    echo: resultLine(vms[0]?.serial.text() ?? '', 'netecho'),
    net: resultLine(vms[1]?.serial.text() ?? '', 'net'),
    frames: fabric.statistics(),
  };
}

const reference = pair({ engine: 'bare' }, { engine: 'bare' });

describe('run=net with run=netecho', () => {
  it('two bare VMs exchange 32 frames through the switch, all echoed intact', () => {
    expect(reference.done).toEqual(['pass', 'pass']);
    expect(reference.net).toMatch(/^net: sent n=32 echoed=32 bytes=24240 checksum=0x[0-9a-f]{8}$/);
    expect(reference.echo).toMatch(/^netecho: echoed n=32 bytes=24240 checksum=0x[0-9a-f]{8}$/);
    expect(reference.frames).toEqual({ frames: 65, delivered: 65, dropped: 0 });
  });

  for (const [net, echo] of [
    ['direct', 'translate'],
    ['translate/all', 'direct'],
  ] as const)
    it(`${net} with ${echo}: the same lines`, () => {
      const engine = (name: string) => (ENGINES.find(([n]) => n === name) as [string, Engine])[1];
      const run = pair(engine(net), engine(echo));
      expect(run.done).toEqual(['pass', 'pass']);
      expect([run.net, run.echo]).toEqual([reference.net, reference.echo]);
    });

  for (const trapezeRole of ['netecho', 'net'] as const)
    it.skipIf(!QEMU_AVAILABLE)(
      `a Trapeze VM (${trapezeRole}) and a QEMU VM exchange frames through the socket backend`,
      async () => {
        const qemuRole: Role = trapezeRole === 'net' ? 'netecho' : 'net';
        const out = join(dir, `qemu-${qemuRole}.txt`);
        let qemu: ReturnType<typeof spawn> | undefined;
        const backend = await SocketNetBackend.listen(0, '127.0.0.1', (port) => {
          qemu = spawn('sh', [
            '-c',
            `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -global virtio-mmio.force-legacy=false ` +
              `-netdev socket,id=n0,connect=127.0.0.1:${port} ` +
              `-device virtio-net-device,netdev=n0,mac=${MAC[qemuRole]} ` +
              `-kernel ${join(IMAGES, 'os.elf')} -append 'run=${qemuRole}' < /dev/null > ${out} 2>&1`,
          ]);
        });
        let qemuExited = false;
        const qemuDone = new Promise((resolve) =>
          qemu?.on('close', () => {
            qemuExited = true;
            resolve(undefined);
          }),
        );
        const vm = netVm(trapezeRole, { engine: 'bare' }, backend);
        // Frames come in on the event loop: run in slices and let it turn in between (a
        // hundred more once QEMU has gone, for the last frames).
        let kind = 'budget';
        for (let after = 0; kind === 'budget' && after < 100; after += qemuExited ? 1 : 0) {
          kind = vm.machine.run(100_000).kind;
          await new Promise((resolve) => setImmediate(resolve));
        }
        await qemuDone;
        backend.close();
        expect(kind).toBe('pass');
        const ours = resultLine(vm.serial.text(), trapezeRole);
        const theirs = resultLine(readFileSync(out, 'latin1'), qemuRole);
        expect(ours).toBe(reference[trapezeRole === 'net' ? 'net' : 'echo']);
        expect(theirs).toBe(reference[qemuRole === 'net' ? 'net' : 'echo']);
      },
      60_000,
    );
});

/** `console=virtio` runs: the UART's bytes and the virtio console's. */
function onEngineConsole(engine: Engine, bootargs: string, input = '') {
  const serial = new BufferBackend();
  const virtio = new BufferBackend();
  if (input !== '') virtio.receive(input);
  const machine = createEngineMachine({
    ...engine,
    serial,
    bootargs,
    virtio: [new VirtioConsole({ backend: virtio })],
  });
  machine.loadElf(image('os.elf'));
  const exit = machine.run(1e8);
  return {
    exit: exit.kind,
    uart: serial.text(),
    console: virtio.text(),
    state: guestState(machine),
  };
}

describe('console=virtio', () => {
  const runs = ENGINES.map(
    ([name, engine]) => [name, onEngineConsole(engine, 'console=virtio run=io')] as const,
  );
  const [, base] = runs[0] as (typeof runs)[number];

  it('puts the workload on the virtio console and only the boot lines on the UART', () => {
    expect(base.exit).toBe('pass');
    expect(base.uart).toMatch(/console: virtio-console at 0x10008000 irq 8\n$/);
    expect(base.console).toMatch(/^io: n=1024 checksum=0x07b1824c instret=\d+\npoweroff\n$/m);
    expect(base.console.startsWith('io 00 ABCDEF')).toBe(true);
  });

  it('is the same on every engine', () => {
    for (const [, run] of runs.slice(1)) expect(run).toEqual(base);
  });

  it('reads the shell’s input from the virtio console', () => {
    const shell = onEngineConsole({ engine: 'bare' }, 'console=virtio', 'help\npoweroff\n');
    expect(shell.exit).toBe('pass');
    expect(shell.console).toContain('poweroff        shut the machine down');
    expect(shell.uart).not.toContain('poweroff        shut');
  });

  it.skipIf(!QEMU_AVAILABLE)('QEMU 7.2 puts the same bytes on both consoles', () => {
    const uart = join(dir, 'vc-uart.txt');
    const virtio = join(dir, 'vc-virtio.txt');
    execFileSync('sh', [
      '-c',
      `timeout 60 ${QEMU} ${QEMU_REFERENCE_ARGS.join(' ')} -global virtio-mmio.force-legacy=false ` +
        `-chardev file,id=c0,path=${virtio} -device virtio-serial-device -device virtconsole,chardev=c0 ` +
        `-kernel ${join(IMAGES, 'os.elf')} -append 'console=virtio run=io' < /dev/null > ${uart} 2>&1`,
    ]);
    expect(base.uart).toBe(readFileSync(uart, 'latin1'));
    expect(base.console).toBe(readFileSync(virtio, 'latin1'));
  });
});
