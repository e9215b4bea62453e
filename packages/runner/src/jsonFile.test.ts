import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecrets } from './config/redact.js';
import { appendJsonLine, readJsonFile, redactedJson, writeJsonFile } from './jsonFile.js';

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
