import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDocument, StoredAlert } from '@alertkit/core';
import { alertkitBin } from './lib/cli.js';
import { repoRoot } from './lib/workspaceCopy.js';

// The web view end to end, in Debian's Chromium driven by playwright-core (no browser download):
// 10,000 alerts and one hostile alert in a runner's state directory, served by `alertkit serve`.

const output = join(repoRoot, 'tests/e2e/output');
const dir = mkdtempSync(join(tmpdir(), 'alertkit-serve-'));
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
let server: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;

function alertOf(n: number, overrides: Partial<AlertDocument> = {}): StoredAlert {
  const severities = ['NOTICE', 'WARNING', 'CRITICAL'] as const;
  const minute = new Date(Date.parse('2026-11-01T12:00:00Z') - n * 60_000).toISOString();
  return {
    _index: 'alerts',
    _id: `alert-${n}`,
    _source: {
      utctimestamp: minute.replace('.000Z', '+00:00'),
      severity: severities[n % 3] ?? 'NOTICE',
      summary: `${n} failed logins for user${n % 50}`,
      category: n % 2 === 0 ? 'bruteforce' : 'authentication',
      tags: ['auth'],
      events: [
        {
          documentindex: 'events',
          documentid: `event-${n}`,
          documentsource: { summary: `login ${n}`, details: { n } },
        },
      ],
      channel: null,
      notify_mozdefbot: false,
      status: 'NEW',
      classname: n % 2 === 0 ? 'AlertBruteforceSsh' : 'AlertFailedLogins',
      ...overrides,
    },
  };
}

/** Starts `alertkit serve` and resolves with the URL it prints first. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [alertkitBin, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, url: line });
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${String(code)}: ${err}`)));
  });
}

beforeAll(async () => {
  mkdirSync(output, { recursive: true });
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir);
  const alerts = Array.from({ length: 10_000 }, (_, n) => alertOf(n + 1));
  alerts.push(
    alertOf(0, {
      summary: HOSTILE,
      severity: 'CRITICAL',
      events: [
        {
          documentindex: 'events',
          documentid: 'evil',
          documentsource: { summary: HOSTILE, hostname: '"><svg onload=alert(1)>' },
        },
      ],
    }),
  );
  writeFileSync(join(stateDir, 'store.json'), JSON.stringify({ version: 1, alerts, tags: [] }));
  writeFileSync(
    join(stateDir, 'checkpoints.json'),
    JSON.stringify({ version: 1, checkpoints: { 'bruteforce-ssh': '2026-11-01T12:00:00.000Z' } }),
  );
  writeFileSync(
    join(stateDir, 'runs.ndjson'),
    [
      {
        alert: 'bruteforce-ssh',
        cycle: '2026-11-01T11:59:00.000Z',
        tick: '2026-11-01T11:59:00.000Z',
        durationMs: 3,
        hits: 12,
        raised: 1,
      },
      { alert: 'bruteforce-ssh', cycle: '2026-11-01T12:00:00.000Z', skippedTicks: 4 },
      {
        alert: 'bruteforce-ssh',
        cycle: '2026-11-01T12:00:00.000Z',
        tick: '2026-11-01T12:00:00.000Z',
        durationMs: 2,
        hits: 0,
        raised: 0,
        error: 'alert "bruteforce-ssh": boom',
      },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const backtest = join(dir, 'backtest.json');
  writeFileSync(
    backtest,
    JSON.stringify({
      since: '2026-10-30T00:00:00.000Z',
      until: '2026-11-01T00:00:00.000Z',
      events: 2462,
      durationMs: 100,
      alerts: [
        {
          alert: 'bruteforce-ssh',
          classname: 'AlertBruteforceSsh',
          total: 3,
          ticks: 2880,
          perDay: [
            { day: '2026-10-30', alerts: 1 },
            { day: '2026-10-31', alerts: 2 },
          ],
          busiest: [],
          overBudget: [{ day: '2026-10-31', alerts: 2 }],
          noiseBudget: { perDay: 1 },
          errors: [],
        },
      ],
    }),
  );
  const config = join(dir, 'alertkit.config.json');
  writeFileSync(config, JSON.stringify({ stateDir, store: { type: 'memory', events: [] } }));
  ({ child: server, url } = await serve([
    '--config',
    config,
    '--port',
    '0',
    '--backtest',
    backtest,
  ]));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('alertkit serve in a real browser', () => {
  it('prints its URL first, on 127.0.0.1, and sets a strict Content-Security-Policy', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(url);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('loads 10,001 alerts with the newest first and renders the chart; a hostile alert is text and runs nothing', async () => {
    const started = Date.now();
    await page.goto(url);
    await page.waitForSelector('body[data-loaded="alerts"]');
    // The page load time for 10,000 alerts, for the record (never asserted).
    console.log(`serve: page loaded with 10,001 alerts in ${Date.now() - started} ms`);
    await expect
      .poll(() => page.textContent('#alerts-count'))
      .toBe('10001 alerts (newest 200 shown)');
    expect(await page.locator('#alerts-table tbody tr').count()).toBe(200);
    const first = page.locator('#alerts-table tbody tr').first();
    expect(await first.locator('td').last().textContent()).toBe(HOSTILE);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#alerts-table img, #alerts-table script').count()).toBe(0);
    // Chart.js drew bars on the canvas.
    expect(
      await page.evaluate(() =>
        Boolean(
          (globalThis as { Chart?: { getChart(id: string): unknown } }).Chart?.getChart(
            'alerts-chart',
          ),
        ),
      ),
    ).toBe(true);
    await page.screenshot({ path: join(output, 'serve-alerts.png'), fullPage: false });
  });

  it('filters by severity and alert, and opens an alert with its events (hostile fields as text)', async () => {
    await page.goto(url);
    await page.waitForSelector('body[data-loaded="alerts"]');
    await page.selectOption('#filter-severity', 'CRITICAL');
    await expect
      .poll(() => page.textContent('#alerts-count'))
      .toBe('3334 alerts (newest 200 shown)');
    await page.selectOption('#filter-alert', 'AlertFailedLogins');
    await expect
      .poll(() => page.textContent('#alerts-count'))
      .toBe('1666 alerts (newest 200 shown)');
    await page.selectOption('#filter-alert', '');
    await page.selectOption('#filter-severity', '');
    await expect
      .poll(() => page.textContent('#alerts-count'))
      .toBe('10001 alerts (newest 200 shown)');
    await page.locator('#alerts-table tbody tr').first().click();
    await page.waitForSelector('#alert-detail:not([hidden])');
    expect(await page.textContent('#detail-summary')).toBe(HOSTILE);
    expect(await page.textContent('#detail-events')).toContain(
      '"hostname": "\\"><svg onload=alert(1)>"',
    );
    expect(await page.locator('#alert-detail svg, #alert-detail img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: join(output, 'serve-alert-detail.png'), fullPage: false });
  });

  it("shows each alert's run history, checkpoint and gaps, and the backtest report with its chart", async () => {
    await page.goto(`${url}#runs`);
    await page.waitForSelector('#runs-table tbody tr');
    const row = await page.textContent('#runs-table tbody tr');
    expect(row).toContain('bruteforce-ssh');
    expect(row).toContain('2026-11-01T12:00:00.000Z');
    expect(row).toContain('4 (4 at 2026-11-01T12:00:00.000Z)');
    expect(row).toContain('alert "bruteforce-ssh": boom');
    await page.screenshot({ path: join(output, 'serve-runs.png') });
    await page.goto(`${url}#backtest`);
    await page.waitForSelector('#backtest-alerts canvas');
    expect(await page.textContent('#backtest-alerts')).toContain(
      'noise budget 1/day: over on 2026-10-31',
    );
    await page.screenshot({ path: join(output, 'serve-backtest.png') });
  });

  it('refuses another address without a token; with one, the API wants it', async () => {
    const config = join(dir, 'alertkit.config.json');
    await expect(serve(['--config', config, '--host', '0.0.0.0', '--port', '0'])).rejects.toThrow(
      /needs a token/,
    );
    const guarded = await serve([
      '--config',
      config,
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--token',
      's3cret',
    ]);
    try {
      const base = guarded.url.replace('0.0.0.0', '127.0.0.1');
      expect((await fetch(`${base}api/alerts`)).status).toBe(401);
      expect(
        (await fetch(`${base}api/alerts`, { headers: { Authorization: 'Bearer s3cret' } })).status,
      ).toBe(200);
    } finally {
      guarded.child.kill('SIGTERM');
    }
  });
});
