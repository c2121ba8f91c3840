import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeIo } from '../src/io.js';

describe('nodeIo().checkWritable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapeze-io-'));
  const check = nodeIo().checkWritable as (path: string) => Promise<void>;

  it('accepts an existing file and leaves it exactly as it was', async () => {
    const path = join(dir, 'existing.json');
    writeFileSync(path, 'precious');
    const before = statSync(path);
    await check(path);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
  });

  it('accepts a new file in a writable directory and leaves nothing behind', async () => {
    const sub = join(dir, 'empty');
    mkdirSync(sub);
    await check(join(sub, 'new.json'));
    expect(readdirSync(sub)).toEqual([]);
  });

  it('rejects a directory, a missing directory and, unless root, a read-only file', async () => {
    await expect(check(dir)).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(check(join(dir, 'nope', 'x.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    if (process.getuid?.() !== 0) {
      const path = join(dir, 'read-only.json');
      writeFileSync(path, 'x', { mode: 0o444 });
      await expect(check(path)).rejects.toMatchObject({ code: 'EACCES' });
    }
  });
});
