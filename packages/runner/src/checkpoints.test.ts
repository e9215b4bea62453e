import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checkpoints } from './checkpoints.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-checkpoints-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('persist across restarts and never move backwards', async () => {
    const path = join(dir, 'state', 'checkpoints.json');
    const first = await Checkpoints.open(path);
    expect(first.get('bruteforce-ssh')).toBeUndefined();
    await first.advance('bruteforce-ssh', new Date('2026-11-01T12:01:00Z'));
    await first.advance('bruteforce-ssh', new Date('2026-11-01T12:00:00Z'));
    const again = await Checkpoints.open(path);
    expect(again.get('bruteforce-ssh')).toEqual(new Date('2026-11-01T12:01:00Z'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      version: 1,
      checkpoints: { 'bruteforce-ssh': '2026-11-01T12:01:00.000Z' },
    });
  });

  it('refuse a corrupt file with a message that names it', async () => {
    const path = join(dir, 'corrupt.json');
    await writeFile(path, '{"version":');
    await expect(Checkpoints.open(path)).rejects.toThrow(`${path}: not valid JSON`);
  });

  it('work in memory without a file', async () => {
    const memory = await Checkpoints.open();
    await memory.advance('a', new Date(0));
    expect(memory.get('a')).toEqual(new Date(0));
  });
});
