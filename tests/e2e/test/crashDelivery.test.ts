import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// kill -9 at random points of a run that delivers 1,000 alerts to a file sink and a webhook: a
// seeded loop of at least 20 kills, then a run to the end. Nothing may be lost; the file sink never
// writes an id twice; the webhook sees at most one duplicate per kill (the delivery in flight).

const dir = mkdtempSync(join(tmpdir(), 'alertkit-crash-'));
const script = new URL('./support/deliverMany.mjs', import.meta.url).pathname;
const received = new Map<string, number>();
let server: Server;

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A small seeded PRNG (mulberry32): the kill points are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One life: resolves `killed` when it was killed, `finished` when it ran to the end. */
function life(args: string[], killAfterMs: number | undefined): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterMs !== undefined && out.includes('ready\n') && !child.killed)
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && out.includes('done 0')) resolve('finished');
      else if (code === 0)
        resolve('killed'); // finished its round before the kill landed, still owing
      else reject(new Error(`delivery run failed (${String(code)}): ${err}`));
    });
  });
}

describe('delivery after kill -9', () => {
  it('loses nothing over 20+ kills; the file sink writes each id once; webhook duplicates stay within one per kill', async () => {
    server = createServer((req, res) => {
      const id = String(req.headers['idempotency-key']);
      received.set(id, (received.get(id) ?? 0) + 1);
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    const args = [
      join(dir, 'state', 'outbox.json'),
      join(dir, 'alerts.ndjson'),
      `http://127.0.0.1:${port}/hook`,
    ];
    const next = random(20261204);
    let kills = 0;
    for (let lives = 0; lives < 200; lives++) {
      const outcome = await life(args, kills < 20 ? 5 + Math.floor(next() * 40) : undefined);
      if (outcome === 'finished') break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    const lines = readFileSync(join(dir, 'alerts.ndjson'), 'utf8').trim().split('\n');
    const ids = lines.map((l) => (JSON.parse(l) as { _id: string })._id);
    expect(new Set(ids).size).toBe(1000); // nothing lost
    expect(ids.length).toBe(1000); // and no id written twice
    expect(received.size).toBe(1000);
    const duplicates = [...received.values()].reduce((n, count) => n + count - 1, 0);
    console.log(
      `crash test: ${kills} kills, webhook duplicates ${duplicates}, file duplicates ${ids.length - 1000}`,
    );
    expect(duplicates).toBeLessThanOrEqual(kills);
  }, 240_000);
});
