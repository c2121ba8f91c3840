/**
 * `@trapeze/devices/node`: the host backends of the virtio devices that need Node — a disk in
 * a raw image file, and a network link over a TCP socket in QEMU's framing. The main entry
 * (`@trapeze/devices`) runs in browsers too and never imports these.
 *
 * @packageDocumentation
 */
export type { FileBlockBackendOptions } from './file-block-backend.js';
export { FileBlockBackend } from './file-block-backend.js';
export type { SocketNetStatistics } from './socket-net-backend.js';
export { SocketNetBackend } from './socket-net-backend.js';
