/**
 * The `--device` option of `run`: virtio devices on the board's virtio-mmio slots, in QEMU's
 * `-device` style (`virtio-blk,file=disk.img,readonly=on`).
 *
 * @module
 */
import {
  type BlockBackend,
  CowBlockBackend,
  DeviceError,
  MemoryBlockBackend,
  type NetBackend,
  type SerialBackend,
  VirtioBlk,
  VirtioConsole,
  type VirtioDevice,
  VirtioNet,
  VirtioRng,
} from '@trapeze/devices';
import { FileBlockBackend, SocketNetBackend } from '@trapeze/devices/node';
import type { VirtioPlacement } from '@trapeze/machine';
import type { OptionSpec } from './args.js';
import { UsageError } from './errors.js';
import { parseByteSize } from './numbers.js';

/** `--device SPEC` (repeatable). */
export const DEVICE_OPTION: OptionSpec = {
  name: 'device',
  value: 'SPEC',
  description:
    'a virtio device (repeatable; the first takes slot 0x10008000, as QEMU; slot=0..7 chooses): virtio-blk,file=IMG[,readonly=on][,snapshot=on][,serial=S] or virtio-blk,size=SIZE; virtio-net,connect=HOST:PORT|listen=[HOST:]PORT[,mac=MAC]; virtio-rng[,seed=N|,source=host]; virtio-console',
};

/** The device kinds `--device` knows. */
export const DEVICE_KINDS = ['virtio-blk', 'virtio-net', 'virtio-rng', 'virtio-console'] as const;

/** What {@link deviceOptions} needs from the run. */
export interface DeviceContext {
  /** The host side of a `virtio-console` (the terminal). */
  readonly console: SerialBackend;
  /** Called when a `virtio-net` socket listens, with the address it waits on. */
  readonly listening?: (address: string) => void;
  /** Called when a frame arrives from a `virtio-net` socket. */
  readonly frame?: () => void;
}

/** The devices and what to do when the run ends. */
export interface Devices {
  /** The devices in `--device` order, with their slot where `slot=N` asked for one. */
  readonly devices: readonly (VirtioDevice | VirtioPlacement)[];
  /** Whether a `virtio-console` is among them (terminal input then goes to it). */
  readonly console: boolean;
  /** Whether a `virtio-net` socket is still connected (frames may still come). */
  networkOpen(): boolean;
  /** Releases the devices' host resources (closes disk images and sockets). */
  close(): void;
}

/**
 * The devices of every `--device SPEC`, in order.
 *
 * @throws {@link UsageError} `BAD_VALUE` for an unknown device or property, a missing or bad
 *   value, or a backend that cannot be used (a missing or read-only image, a short image).
 */
export async function deviceOptions(
  specs: readonly string[],
  context: DeviceContext,
  command: string,
): Promise<Devices> {
  const made: VirtioDevice[] = [];
  const placed: (VirtioDevice | VirtioPlacement)[] = [];
  const sockets: SocketNetBackend[] = [];
  const close = () => {
    for (const device of made) if (device instanceof VirtioBlk) device.backend.close();
    for (const socket of sockets) socket.close();
  };
  let console = false;
  try {
    for (const spec of specs) {
      const [kind = '', ...rest] = spec.split(',');
      const props = properties(spec, rest, command);
      const slotText = props.get('slot');
      props.delete('slot');
      if (slotText !== undefined && !/^[0-7]$/.test(slotText))
        throw bad(
          spec,
          `slot must be 0…7 (slot N is at 0x10001000 + N·0x1000), not '${slotText}'`,
          command,
        );
      const known = (...names: string[]) => {
        for (const key of props.keys())
          if (!names.includes(key))
            throw bad(
              spec,
              `${kind} has no property '${key}' (it has ${names.join(', ') || 'none'})`,
              command,
            );
      };
      let device: VirtioDevice;
      switch (kind) {
        case 'virtio-blk': {
          known('file', 'size', 'readonly', 'snapshot', 'serial');
          device = new VirtioBlk({
            backend: blockBackend(spec, props, command),
            ...(props.has('serial') ? { serial: props.get('serial') as string } : {}),
          });
          break;
        }
        case 'virtio-rng': {
          known('seed', 'source');
          const source = props.get('source') ?? 'seeded';
          if (source !== 'seeded' && source !== 'host')
            throw bad(spec, `source must be 'seeded' or 'host', not '${source}'`, command);
          const seedText = props.get('seed');
          if (seedText !== undefined && source === 'host')
            throw bad(spec, 'seed= is for the seeded source, not source=host', command);
          const seed = seedText === undefined ? 0 : Number(seedText);
          if (
            !/^(0x[0-9a-f]+|[0-9]+)$/i.test(seedText ?? '0') ||
            !Number.isInteger(seed) ||
            seed > 0xffff_ffff
          )
            throw bad(spec, `seed '${seedText}' is not an unsigned 32-bit integer`, command);
          device = new VirtioRng({ source, seed });
          break;
        }
        case 'virtio-net': {
          known('connect', 'listen', 'mac');
          const socket = await netSocket(spec, props, context, command);
          sockets.push(socket);
          device = new VirtioNet({
            backend: notifying(socket, context.frame),
            ...(props.has('mac') ? { mac: props.get('mac') as string } : {}),
          });
          break;
        }
        case 'virtio-console': {
          known();
          if (console)
            throw bad(spec, 'one virtio-console at a time (it is the terminal)', command);
          console = true;
          device = new VirtioConsole({ backend: context.console });
          break;
        }
        default:
          throw bad(spec, `unknown device '${kind}' (known: ${DEVICE_KINDS.join(', ')})`, command);
      }
      made.push(device);
      placed.push(slotText === undefined ? device : { device, slot: Number(slotText) });
    }
  } catch (error) {
    close();
    if (error instanceof DeviceError)
      throw new UsageError('BAD_VALUE', `--device: ${error.message}`, command);
    throw error;
  }
  return {
    devices: placed,
    console,
    networkOpen: () => sockets.some((s) => s.ended === undefined),
    close,
  };
}

/** The socket of a `virtio-net`: connected to a peer, or the first peer to connect. */
async function netSocket(
  spec: string,
  props: Map<string, string>,
  context: DeviceContext,
  command: string,
): Promise<SocketNetBackend> {
  const connect = props.get('connect');
  const listen = props.get('listen');
  if ((connect === undefined) === (listen === undefined))
    throw bad(spec, 'give the peer as connect=HOST:PORT or listen=[HOST:]PORT', command);
  const text = (connect ?? listen) as string;
  const match = /^(?:([^:]*):)?([0-9]+)$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535)
    throw bad(spec, `'${text}' is not [HOST:]PORT with a port in 1…65535`, command);
  const host = match[1] || '127.0.0.1';
  if (connect !== undefined) return SocketNetBackend.connect(port, host);
  return SocketNetBackend.listen(port, host, (bound) => context.listening?.(`${host}:${bound}`));
}

/** `backend`, telling `frame` of every frame that arrives. */
function notifying(backend: NetBackend, frame: (() => void) | undefined): NetBackend {
  return {
    send: (f) => backend.send(f),
    connect: (listener) =>
      backend.connect(
        listener === undefined
          ? undefined
          : (f) => {
              listener(f);
              frame?.();
            },
      ),
    close: () => backend.close(),
  };
}

/** `key=value` properties of a spec (`on`/`off` values for switches). */
function properties(spec: string, parts: readonly string[], command: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals <= 0) throw bad(spec, `'${part}' is not key=value`, command);
    const key = part.slice(0, equals);
    if (props.has(key)) throw bad(spec, `'${key}' is given twice`, command);
    props.set(key, part.slice(equals + 1));
  }
  return props;
}

/** A switch property: `on` or `off` (absent: off). */
function onOff(spec: string, props: Map<string, string>, key: string, command: string): boolean {
  const value = props.get(key) ?? 'off';
  if (value !== 'on' && value !== 'off')
    throw bad(spec, `${key} must be on or off, not '${value}'`, command);
  return value === 'on';
}

/** The disk behind a `virtio-blk`: an image file (maybe read-only or copy-on-write) or memory. */
function blockBackend(spec: string, props: Map<string, string>, command: string): BlockBackend {
  const file = props.get('file');
  const sizeText = props.get('size');
  const readOnly = onOff(spec, props, 'readonly', command);
  const snapshot = onOff(spec, props, 'snapshot', command);
  if ((file === undefined) === (sizeText === undefined))
    throw bad(spec, 'give the disk as file=IMAGE or as size=SIZE (a disk in memory)', command);
  if (file !== undefined) {
    if (file === '') throw bad(spec, 'file= needs a path', command);
    const image = new FileBlockBackend(file, { readOnly: readOnly || snapshot });
    if (!snapshot) return image;
    if (readOnly) {
      image.close();
      throw bad(spec, 'readonly=on and snapshot=on together: choose one', command);
    }
    return new CowBlockBackend(image);
  }
  const size = parseByteSize(sizeText as string);
  if (size === undefined || size <= 0 || size % 512 !== 0 || size > 1024 ** 3)
    throw bad(
      spec,
      `size '${sizeText}' must be a multiple of 512 bytes up to 1G (like 16M)`,
      command,
    );
  if (snapshot) throw bad(spec, 'snapshot=on is for file= disks', command);
  return new MemoryBlockBackend(size, { readOnly });
}

function bad(spec: string, reason: string, command: string): UsageError {
  return new UsageError('BAD_VALUE', `--device '${spec}': ${reason}`, command);
}
