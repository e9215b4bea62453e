/**
 * `alertkit serve`: a read-only web view of what the runner recorded (alerts, run history,
 * checkpoints, gaps, a backtest report), on fastify. Event fields are attacker-written: the API
 * returns JSON only, the page builds its DOM with textContent, and every response carries a
 * strict Content-Security-Policy (no inline script or style, nothing from elsewhere).
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AlertkitError, SEVERITIES, type StoredAlert } from '@alertkit/core';
import type { RunRecord } from '@alertkit/runner';
import type { ViewSource } from './source.js';

/** Options of {@link startViewServer}. */
export interface ViewServerOptions {
  source: ViewSource;
  /** Default 127.0.0.1; any other address requires `token`. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Required on a non-loopback address: `Authorization: Bearer <token>` (or `?token=` on the page). */
  token?: string;
}

/** A running view: its URL and how to stop it. */
export interface ViewServer {
  url: string;
  close(): Promise<void>;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The page's files: `web/` next to `src/` and `dist/`. */
const webDir = join(
  dirname(fileURLToPath(import.meta.url)),
  import.meta.url.endsWith('.ts') ? '../../web' : '../web',
);

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The summary row of an alert in the list (the full document is fetched when opened). */
function row(alert: StoredAlert) {
  const s = alert._source;
  return {
    _id: alert._id,
    utctimestamp: s.utctimestamp,
    severity: s.severity,
    category: s.category,
    classname: s.classname,
    summary: s.summary,
    events: s.events.length,
  };
}

/** Per alert: its runs (newest first), checkpoint and gaps. */
function runsByAlert(records: readonly RunRecord[], checkpoints: Record<string, string>) {
  const names = new Set([...records.map((r) => r.alert), ...Object.keys(checkpoints)]);
  return [...names].sort().map((alert) => {
    const own = records.filter((r) => r.alert === alert);
    const runs = own.filter((r) => r.tick !== undefined);
    return {
      alert,
      checkpoint: checkpoints[alert] ?? null,
      runs: runs.length,
      errors: runs.filter((r) => r.error !== undefined).length,
      skippedTicks: own.reduce((n, r) => n + (r.skippedTicks ?? 0), 0),
      gaps: own
        .filter((r) => (r.skippedTicks ?? 0) > 0)
        .map((r) => ({ cycle: r.cycle, skippedTicks: r.skippedTicks })),
      recent: runs.slice(-50).reverse(),
    };
  });
}

/** Builds the view's fastify app (not listening). */
export async function viewApp(options: ViewServerOptions): Promise<FastifyInstance> {
  // Imported here, not at the top: every CLI command loads this module, and loading fastify
  // was ~40 ms of each command's start (`alertkit --help`: 0.34-0.37 → 0.29-0.33 s).
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  const require = createRequire(import.meta.url);
  const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
  });
  const { token } = options;
  if (token !== undefined) {
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      const query = (request.query as { token?: string }).token;
      if (!sameToken(bearer ?? query, token)) {
        await reply
          .code(401)
          .send({ error: 'a token is required (Authorization: Bearer <token>)' });
      }
    });
  }
  const file = (path: string, type: string) => async () => ({ type, body: await readFile(path) });
  for (const [route, path, type] of [
    ['/', join(webDir, 'index.html'), 'text/html; charset=utf-8'],
    ['/app.js', join(webDir, 'app.js'), 'text/javascript; charset=utf-8'],
    ['/app.css', join(webDir, 'app.css'), 'text/css; charset=utf-8'],
    ['/assets/chart.js', chartJs, 'text/javascript; charset=utf-8'],
  ] as const) {
    const load = file(path, type);
    app.get(route, async (_request, reply) => {
      const { type: contentType, body } = await load();
      return reply.type(contentType).send(body);
    });
  }
  app.get('/api/alerts', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const since = q['since'] ? Date.parse(q['since']) : undefined;
    const until = q['until'] ? Date.parse(q['until']) : undefined;
    const limit = Math.min(Math.max(Number(q['limit'] ?? 200) || 200, 1), 1000);
    const all = await options.source.alerts();
    const selected = all
      .filter((a) => !q['alert'] || a._source.classname === q['alert'])
      .filter((a) => !q['severity'] || a._source.severity === q['severity'])
      .filter((a) => !q['category'] || a._source.category === q['category'])
      .filter((a) => since === undefined || Date.parse(a._source.utctimestamp) >= since)
      .filter((a) => until === undefined || Date.parse(a._source.utctimestamp) <= until)
      .sort((a, b) => (a._source.utctimestamp < b._source.utctimestamp ? 1 : -1));
    const count = (key: 'classname' | 'category') =>
      [...new Set(all.map((a) => a._source[key]))].sort();
    return {
      total: selected.length,
      alerts: selected.slice(0, limit).map(row),
      facets: { alert: count('classname'), category: count('category'), severity: SEVERITIES },
      // Alerts per hour of the selection, for the chart.
      perHour: Object.entries(
        selected.reduce<Record<string, number>>((acc, a) => {
          const hour = `${a._source.utctimestamp.slice(0, 13)}:00`;
          acc[hour] = (acc[hour] ?? 0) + 1;
          return acc;
        }, {}),
      ).sort(([a], [b]) => (a < b ? -1 : 1)),
    };
  });
  app.get('/api/alerts/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const alert = (await options.source.alerts()).find((a) => a._id === id);
    if (!alert) return reply.code(404).send({ error: `no alert ${id}` });
    return alert;
  });
  app.get('/api/runs', async () =>
    runsByAlert(await options.source.runs(), await options.source.checkpoints()),
  );
  app.get('/api/backtest', async (_request, reply) => {
    const report = await options.source.backtest();
    return (
      report ??
      reply.code(404).send({ error: 'no backtest report (serve --backtest <report.json>)' })
    );
  });
  return app;
}

/** Starts the view; prints nothing (the caller prints the URL). */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.token)
    throw new AlertkitError(
      'CONFIG_INVALID',
      `serving on ${host} (not loopback) needs a token: --token or ALERTKIT_SERVE_TOKEN`,
    );
  const app = await viewApp(options);
  await app.listen({ host, port: options.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return { url: `http://${shown}:${port}/`, close: () => app.close() };
}
