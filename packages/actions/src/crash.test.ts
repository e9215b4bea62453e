import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockIp } from './blockIp.js';
import { configureAction } from './defineAction.js';
import { startTestServer, type TestServer } from './httpServer.testkit.js';
import { ActionPipeline } from './pipeline.js';

const here = dirname(fileURLToPath(import.meta.url));
const ALERTS = 100;
const KILLS = 12;

/** A seeded PRNG (mulberry32), so a failure replays with the same kill points. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the child until it prints `done` or the server has seen `killAfter` more requests, then SIGKILL. */
function runChild(
  journal: string,
  server: TestServer,
  killAfter: number | undefined,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@alertkit/source',
        '--import',
        'tsx',
        join(here, 'fixtures', 'crashChild.ts'),
        journal,
        server.url,
        String(ALERTS),
      ],
      { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const start = server.requests.length;
    const watch =
      killAfter === undefined
        ? undefined
        : setInterval(() => {
            if (server.requests.length - start >= killAfter) child.kill('SIGKILL');
          }, 1);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (watch) clearInterval(watch);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0 && out.includes('done')) resolve(true);
      else reject(new Error(`child exited ${String(code)}: ${err}`));
    });
  });
}

describe('kill -9 during actions', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alertkit-crash-'));
    server = await startTestServer({ status: 200, json: {} });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`${KILLS} seeded kills: every alert's action is recorded once, and only a call in flight at a kill repeats`, async () => {
    const journal = join(dir, 'actions.journal');
    const random = prng(20261204);
    // A third of the requests fail, so kills also land in backoffs and retries.
    const answer = () =>
      random() < 0.33 ? { status: 503, text: 'busy' } : { status: 200, json: {} };
    server.fallback = { status: 200, json: {} };
    let kills = 0;
    let finished = false;
    while (!finished) {
      server.replies = Array.from({ length: 400 }, answer);
      const killAfter = kills < KILLS ? 1 + Math.floor(random() * 6) : undefined;
      finished = await runChild(journal, server, killAfter);
      if (!finished) kills++;
    }
    expect(kills).toBe(KILLS);

    const pipeline = await ActionPipeline.open({
      file: journal,
      actions: [configureAction(blockIp, { url: server.url }, { maxAttempts: 1000 })],
    });
    expect(pipeline.pending()).toEqual([]);
    // Each IP's 2xx answers: more than one only when a kill came after the endpoint answered and
    // before the outcome was journalled, so at most one extra per kill.
    const successes = new Map<string, number>();
    for (const request of server.requests) {
      if (request.answered !== 200) continue;
      const ip = (request.body as [{ ipaddress: string }])[0].ipaddress;
      successes.set(ip, (successes.get(ip) ?? 0) + 1);
    }
    expect(successes.size).toBe(ALERTS);
    const extra = [...successes.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(extra).toBeLessThanOrEqual(KILLS);
  }, 180_000);
});
