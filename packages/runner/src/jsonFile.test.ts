import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSecrets } from './config/redact.js';
import {
  appendJsonLine,
  inDirectoryOf,
  readJsonFile,
  redactedJson,
  writeJsonFile,
} from './jsonFile.js';

// Counts the directories made, to see that a state file's directory is not made before every
// write (the real mkdir still runs).
const made = vi.hoisted(() => ({ dirs: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  return {
    ...fs,
    mkdir: (...args: Parameters<typeof fs.mkdir>) => {
      made.dirs.push(String(args[0]));
      return fs.mkdir(...args);
    },
  };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-jsonfile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Two alerts as the memory store saves them: a url in the first, an e-mail address in the second.
const alerts = [
  { _id: 'a1', _source: { summary: 'HTTP errors', url: 'https://www.mozilla.org' } },
  { _id: 'a2', _source: { summary: 'mail=judy@example.org,o=com added a user' } },
];

describe('state files', () => {
  it('stay valid JSON when a url and a later e-mail address share a line', async () => {
    const file = join(dir, 'store.json');
    await writeJsonFile(file, { alerts });
    expect(await readJsonFile(file, {})).toEqual({ alerts });
    const lines = join(dir, 'runs.ndjson');
    await appendJsonLine(lines, alerts);
    expect(JSON.parse(await readFile(lines, 'utf8'))).toEqual(alerts);
  });

  it('still mask URL passwords and registered secrets in every string', () => {
    registerSecrets(['s3cr3t-value']);
    const written = JSON.parse(
      redactedJson({
        error: 'connect to amqp://guest:hunter22@mq.example.org failed',
        nested: ['the key is s3cr3t-value'],
      }),
    ) as unknown;
    expect(written).toEqual({
      error: 'connect to amqp://guest:[redacted]@mq.example.org failed',
      nested: ['the key is [redacted]'],
    });
  });
});

describe('the directory of a state file', () => {
  it('is made (owner-only) on the first write only, and again when removed since', async () => {
    const sub = join(dir, 'state', 'deeper');
    const file = join(sub, 'checkpoints.json');
    made.dirs.length = 0;
    await writeJsonFile(file, { n: 1 });
    expect((await stat(sub)).mode & 0o777).toBe(0o700);
    await writeJsonFile(file, { n: 2 });
    await appendJsonLine(join(sub, 'runs.ndjson'), { run: 0 });
    expect(made.dirs).toEqual([sub]);
    await rm(join(dir, 'state'), { recursive: true });
    await writeJsonFile(file, { n: 3 });
    expect(await readJsonFile(file, {})).toEqual({ n: 3 });
    await rm(join(dir, 'state'), { recursive: true });
    await appendJsonLine(join(sub, 'runs.ndjson'), { run: 1 });
    expect(JSON.parse(await readFile(join(sub, 'runs.ndjson'), 'utf8'))).toEqual({ run: 1 });
    expect(made.dirs).toEqual([sub, sub, sub]);
  });

  it('does not retry a write that failed for another reason', async () => {
    const file = join(dir, 'twice', 'x.json');
    let calls = 0;
    await inDirectoryOf(file, () => Promise.resolve(calls++));
    const refused = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    await expect(
      inDirectoryOf(file, () => {
        calls++;
        return Promise.reject(refused);
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(2);
  });
});
