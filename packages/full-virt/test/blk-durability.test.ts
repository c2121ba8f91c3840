/**
 * Durability of the raw-image disk backend: the OS's `run=blk` workload runs in a child
 * process that is killed (SIGKILL) at chosen points — just before or just after a write or a
 * flush reaches the image file — or from outside at a random moment of its writes. Afterwards every sector the workload
 * writes holds either its old bytes or its new bytes, never a mix (no torn sector), every write
 * that completed before the last completed flush is on disk, and the sectors it only reads are
 * untouched.
 *
 * `TRAPEZE_DURABILITY_TRIALS` sets the number of kills at random moments (docs/virtio.md records
 * a campaign); `npm test` runs the event kills below and two random ones.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../../test-support.ts';
import { IMAGES } from './support.js';

const CHILD = fileURLToPath(new URL('./support/blk-child.mjs', import.meta.url));
const BUILT = ['devices', 'machine'].every((p) =>
  existsSync(fileURLToPath(new URL(`../../${p}/dist/index.js`, import.meta.url))),
);
const OK = requireTool(
  'packages/devices and packages/machine dist/',
  BUILT,
  'blk durability tests skipped: build the packages first (npm run build)',
);
const RANDOM_TRIALS = Number(process.env.TRAPEZE_DURABILITY_TRIALS ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'trapeze-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECTOR = 512;
const FIRST = 256; // the workload writes sectors 256…511
const COUNT = 256;
const original = (offset: number) => (offset * 7 + 3) & 0xff;
/** The byte the workload writes at offset `i` of sector `s` (guests/os/user/blk.c). */
const pattern = (s: number, i: number) => (s * 7 + i * 13 + (i >> 8)) & 0xff;

function freshDisk(name: string): string {
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = original(i);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

interface Trial {
  readonly log: string[];
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs the child; kills it at event `killAt` (`phase`), or from outside `delay.ms`
 * milliseconds after it has logged `delay.after` events, or not at all; `plant` gives it a
 * broken backend.
 */
function trial(
  disk: string,
  killAt: number,
  phase: 'before' | 'after',
  delay?: { readonly after: number; readonly ms: number },
  plant?: 'lazy',
): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CHILD, join(IMAGES, 'os.elf'), disk, String(killAt), phase, ...(plant ? [plant] : [])],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (delay !== undefined && timer === undefined && out.split('\n').length > delay.after)
        timer = setTimeout(() => child.kill('SIGKILL'), delay.ms);
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ log: out.split('\n').filter((l) => l !== ''), signal });
    });
  });
}

/** Checks the image after a trial; returns how many written sectors hold new bytes. */
function check(disk: string, log: readonly string[]): number {
  const bytes = readFileSync(disk);
  for (let i = 0; i < FIRST * SECTOR; i++)
    if (bytes[i] !== original(i)) throw new Error(`read-only area changed at ${i}`);
  const lastFlush = log.lastIndexOf('flush');
  const durable = new Set<number>();
  for (const line of log.slice(0, Math.max(lastFlush, 0))) {
    const [kind, offset, length] = line.split(' ');
    if (kind !== 'write') continue;
    for (let s = Number(offset) / SECTOR; s < (Number(offset) + Number(length)) / SECTOR; s++)
      durable.add(s);
  }
  let fresh = 0;
  for (let s = FIRST; s < FIRST + COUNT; s++) {
    let isNew = true;
    let isOld = true;
    for (let i = 0; i < SECTOR; i++) {
      const b = bytes[s * SECTOR + i];
      if (b !== pattern(s, i)) isNew = false;
      if (b !== original(s * SECTOR + i)) isOld = false;
    }
    if (!isNew && !isOld) throw new Error(`sector ${s} is torn`);
    if (durable.has(s) && !isNew) throw new Error(`sector ${s} was flushed but is not on disk`);
    if (isNew) fresh++;
  }
  return fresh;
}

describe.skipIf(!OK)('blk durability when the host process is killed', () => {
  it('completes when not killed: 32 writes and 4 flushes, all sectors new', async () => {
    const disk = freshDisk('whole.img');
    const { log, signal } = await trial(disk, 0, 'after');
    expect(signal).toBe(null);
    expect(log.filter((l) => l.startsWith('write'))).toHaveLength(32);
    expect(log.filter((l) => l === 'flush')).toHaveLength(4);
    expect(log.at(-1)).toBe('exit pass');
    expect(check(disk, log)).toBe(COUNT);
  });

  // Events: writes 1…8, flush 9, writes 10…17, flush 18, … (36 in all).
  const points: [number, 'before' | 'after'][] = [
    [1, 'before'],
    [5, 'after'],
    [9, 'before'],
    [9, 'after'],
    [10, 'before'],
    [27, 'after'],
    [36, 'before'],
    [36, 'after'],
  ];
  for (const [at, phase] of points)
    it(`keeps flushed writes and tears no sector when killed ${phase} event ${at}`, async () => {
      const disk = freshDisk(`event-${at}-${phase}.img`);
      const { log, signal } = await trial(disk, at, phase);
      expect(signal).toBe('SIGKILL');
      expect(log).toHaveLength(phase === 'before' ? at - 1 : at);
      const fresh = check(disk, log);
      const flushes = log.filter((l) => l === 'flush').length;
      expect(fresh).toBeGreaterThanOrEqual(flushes * 64);
    });

  it('catches a planted backend that keeps writes in memory past a flush', async () => {
    const disk = freshDisk('lazy.img');
    const { log } = await trial(disk, 18, 'after', undefined, 'lazy');
    expect(() => check(disk, log)).toThrow(/was flushed but is not on disk/);
  });

  it(
    `survives ${RANDOM_TRIALS} kills from outside at random moments of the writes`,
    async () => {
      // Where the kills landed: before the first write, among the 36 events, after the last.
      const landed = { before: 0, during: 0, after: 0 };
      for (let t = 0; t < RANDOM_TRIALS; t++) {
        const disk = freshDisk(`random-${t}.img`);
        // After a random event, a random few milliseconds later: anywhere in the write phase,
        // in the middle of a write or an fsync included.
        const delay = { after: Math.floor(Math.random() * 36), ms: Math.random() * 4 };
        const { log } = await trial(disk, 0, 'after', delay);
        check(disk, log);
        const events = log.filter((line) => line !== 'exit pass').length;
        landed[events === 0 ? 'before' : events < 36 ? 'during' : 'after']++;
      }
      if (RANDOM_TRIALS >= 20)
        process.stderr.write(`blk durability kills: ${JSON.stringify(landed)}\n`);
    },
    RANDOM_TRIALS * 2_000 + 10_000,
  );
});
