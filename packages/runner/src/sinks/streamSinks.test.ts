import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSink, createStdoutSink } from './streamSinks.js';

function alertNumbered(n: number): StoredAlert {
  return {
    _source: {
      utctimestamp: `2026-01-02T03:04:0${n}+00:00`,
      severity: 'WARNING',
      summary: `summary\n${n}`,
      category: 'c',
      tags: [],
      events: [],
      channel: null,
      notify_mozdefbot: false,
      status: 'NEW',
      classname: 'AlertX',
    },
    _index: 'alerts',
    _id: `id-${n}`,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertkit-sinks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('stdout sink', () => {
  it('writes NDJSON in the RabbitMQ message key order', async () => {
    const stream = new PassThrough();
    await createStdoutSink({ stream }).deliver(alertNumbered(1));
    const line = (stream.read() as Buffer).toString('utf8');
    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['_id', '_index', '_source']);
  });

  it('writes a readable one-line table row', async () => {
    const stream = new PassThrough();
    await createStdoutSink({ stream, format: 'table' }).deliver(alertNumbered(2));
    expect((stream.read() as Buffer).toString('utf8')).toBe(
      '2026-01-02T03:04:02+00:00\tWARNING \tAlertX\tsummary 2\tid-2\n',
    );
  });
});

describe('file sink', () => {
  it('creates the directory and appends one JSON line per alert, also across reopenings', async () => {
    const path = join(dir, 'out', 'alerts.ndjson');
    const first = createFileSink({ path });
    await first.deliver(alertNumbered(1));
    await first.deliver(alertNumbered(2));
    await first.close();
    const second = createFileSink({ path });
    await second.deliver(alertNumbered(3));
    await second.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as StoredAlert)._id)).toEqual([
      'id-1',
      'id-2',
      'id-3',
    ]);
  });

  it('fails with SINK_FAILED naming the file when it cannot be written', async () => {
    const path = join(dir, 'missing-parent-is-a-file');
    await createFileSink({ path }).deliver(alertNumbered(1));
    const error = await createFileSink({ path: join(path, 'alerts.ndjson') })
      .deliver(alertNumbered(1))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SINK_FAILED' });
    expect((error as Error).message).toContain(join(path, 'alerts.ndjson'));
  });
});
