import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { plot } from 'asciichart';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { AlertkitError, parseDuration } from '@alertkit/core';
import {
  backtest,
  createClusterStore,
  loadEnabledAlerts,
  loadInstallationConfig,
  type AlertBacktest,
  type BacktestAlert,
  type BacktestReport,
  type BacktestSource,
} from '@alertkit/runner';
import type { Io } from '../io.js';
import { cliAlertLogger, resolveAlerts } from '../resolveAlert.js';
import { INDEX_CACHE_OPTION, storeFromEventFiles } from './events.js';

interface BacktestOptions {
  events?: string[];
  config?: string;
  since: string;
  until?: string;
  format: string;
  html?: string;
  check?: boolean;
  indexCache?: string;
}

/** An instant: ISO-8601, or a duration (`7d`, `12h`) before `from`. */
function instant(text: string, option: string, from: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  } else {
    try {
      return new Date(from.getTime() - parseDuration(text));
    } catch {
      // fall through to the error
    }
  }
  throw new AlertkitError(
    'QUERY_INVALID',
    `${option} must be an ISO-8601 instant (2017-01-01T00:00:00Z) or a duration before --until (7d, 12h), got "${text}"`,
  );
}

/** A small chart of alerts per day (asciichart; a bar list when there is one day). */
function chart(a: AlertBacktest): string {
  const series = a.perDay.map((d) => d.alerts);
  if (series.length < 2) return a.perDay.map((d) => `    ${d.day}  ${d.alerts}`).join('\n');
  return plot(series, { height: 4, format: (x: number) => String(Math.round(x)).padStart(6) })
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function formatAlert(a: AlertBacktest): string {
  const days = a.perDay.length || 1;
  const lines = [
    `${a.alert} (${a.classname}): ${a.total} alert(s) over ${a.perDay.length} day(s), ${(a.total / days).toFixed(1)} a day, ${a.ticks} ticks`,
  ];
  if (a.noiseBudget)
    lines.push(
      `  noise budget ${a.noiseBudget.perDay}/day: ${a.overBudget.length === 0 ? 'kept' : `over on ${a.overBudget.map((d) => `${d.day} (${d.alerts})`).join(', ')}`}`,
    );
  if (a.first) lines.push(`  first ${a.first.utctimestamp}  ${a.first.summary}`);
  if (a.last) lines.push(`  last  ${a.last.utctimestamp}  ${a.last.summary}`);
  if (a.busiest.length > 0)
    lines.push(`  busiest: ${a.busiest.map((b) => `${b.value} (${b.alerts})`).join(', ')}`);
  if (a.total > 0)
    lines.push(
      `  alerts per day, ${a.perDay[0]?.day ?? ''} → ${a.perDay.at(-1)?.day ?? ''}:`,
      chart(a),
    );
  for (const e of a.errors.slice(0, 3)) lines.push(`  error at ${e.tick}: ${e.error}`);
  if (a.errors.length > 3) lines.push(`  ... ${a.errors.length - 3} more errors`);
  return lines.join('\n');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML report: the numbers as tables, the charts drawn by Chart.js (inlined). */
export async function backtestHtml(report: BacktestReport): Promise<string> {
  const require = createRequire(import.meta.url);
  // The UMD build next to the package's main file (its exports do not list it).
  const chartJs = await readFile(
    join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const sections = report.alerts
    .map(
      (a, i) => `<section>
<h2>${escapeHtml(a.alert)} <small>${escapeHtml(a.classname)}</small></h2>
<p>${a.total} alert(s), ${a.ticks} ticks${a.noiseBudget ? `; noise budget ${a.noiseBudget.perDay}/day${a.overBudget.length > 0 ? `, <strong>over on ${a.overBudget.length} day(s)</strong>` : ', kept'}` : ''}</p>
<canvas id="chart-${i}" height="80"></canvas>
<table><tr><th>busiest</th><th>alerts</th></tr>${a.busiest.map((b) => `<tr><td>${escapeHtml(b.value)}</td><td>${b.alerts}</td></tr>`).join('')}</table>
${a.first ? `<p>first ${escapeHtml(a.first.utctimestamp)}: ${escapeHtml(a.first.summary)}</p>` : ''}
${a.last ? `<p>last ${escapeHtml(a.last.utctimestamp)}: ${escapeHtml(a.last.summary)}</p>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alertkit backtest ${escapeHtml(report.since)} – ${escapeHtml(report.until)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:960px}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}small{color:#666}</style>
</head><body>
<h1>alertkit backtest</h1>
<p>${escapeHtml(report.since)} – ${escapeHtml(report.until)}: ${report.events} events, ${report.alerts.length} alert(s), ${report.durationMs} ms</p>
${sections}
<script>${chartJs}</script>
<script>
const report = ${data};
report.alerts.forEach((a, i) => new Chart(document.getElementById('chart-' + i), {
  type: 'bar',
  data: { labels: a.perDay.map((d) => d.day), datasets: [{ label: 'alerts per day', data: a.perDay.map((d) => d.alerts) }] },
  options: { animation: false, plugins: { legend: { display: false } } },
}));
</script>
</body></html>
`;
}

/** `alertkit backtest`. */
export function registerBacktest(program: Command, io: Io): void {
  program
    .command('backtest')
    .description(
      'how loud alerts would have been: evaluate them at every schedule tick over a period of history, writing and delivering nothing',
    )
    .argument(
      '[alerts...]',
      "alert package directories or names (default: the installation's, else alerts/)",
    )
    .option('--events <file...>', 'NDJSON or JSON events to backtest over')
    .option(
      '--config <file>',
      'an installation file: its alerts, their overrides and budgets, and its store',
    )
    .requiredOption(
      '--since <duration|ISO>',
      'start of the period: an instant, or a duration before --until (7d)',
    )
    .option('--until <ISO>', 'end of the period (default: now)')
    .option('--format <format>', 'text or json', 'text')
    .option('--html <file>', 'also write a self-contained HTML report with the charts')
    .option('--check', 'exit non-zero when an alert exceeds its noise budget on some day')
    .option(...INDEX_CACHE_OPTION)
    .addHelpText(
      'after',
      '\nEach alert runs at each tick of its schedule with that tick as its now and its normal window (as\n' +
        'a runner catching up would), in a scratch store: events alert once, as in a live run, and\n' +
        'nothing is tagged, saved or delivered. From a cluster it reads one day at a time.\n' +
        'A noise budget is `noiseBudget: { perDay: N }` in the alert or in its installation entry.\n\n' +
        'Example:\n  alertkit backtest --events packages/cli/samples/events.ndjson --since 1d --until 2026-11-01T12:00:00Z --check',
    )
    .action(async (specs: string[], options: BacktestOptions) => {
      if (options.format !== 'json' && options.format !== 'text')
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be text or json, got "${options.format}"`,
        );
      if (!options.events && !options.config)
        throw new AlertkitError(
          'QUERY_INVALID',
          'give --events <file...> or --config <installation>',
        );
      const until = options.until ? instant(options.until, '--until', new Date()) : new Date();
      const since = instant(options.since, '--since', until);
      if (since.getTime() >= until.getTime())
        throw new AlertkitError(
          'QUERY_INVALID',
          `--since (${since.toISOString()}) must be before --until (${until.toISOString()})`,
        );

      const loaded = options.config
        ? await loadInstallationConfig({ file: options.config })
        : undefined;
      let alerts: BacktestAlert[];
      if (specs.length > 0)
        // An alert set (alerts/generic-rules) contributes each of its alerts.
        alerts = (
          await Promise.all(
            specs.map(
              async (s) =>
                (await resolveAlerts(s, { configFile: options.config, log: cliAlertLogger(io) }))
                  .alerts,
            ),
          )
        )
          .flat()
          .map((a) => ({ alert: a.alert }));
      else if (loaded) {
        alerts = (await loadEnabledAlerts(loaded, [], { log: cliAlertLogger(io) })).scheduled;
      } else
        alerts = (
          await loadEnabledAlerts(
            { file: undefined, config: { alerts: [] } },
            [resolve('alerts')],
            {
              log: cliAlertLogger(io),
            },
          )
        ).scheduled;
      if (alerts.length === 0) throw new AlertkitError('ALERT_INVALID', 'no alerts to backtest');

      let source: BacktestSource;
      // The store the files were read into is the backtest's scratch store (not copied).
      if (options.events)
        source = {
          scratch: await storeFromEventFiles(options.events, io, undefined, {
            indexCache: options.indexCache,
          }),
        };
      else if (loaded?.config.store.type === 'memory')
        // The installation's own events: its index cache unless the command names one.
        source = {
          scratch: await storeFromEventFiles(loaded.config.store.events, io, undefined, {
            indexCache: options.indexCache ?? loaded.config.store.indexCache,
          }),
        };
      else if (loaded) source = { store: createClusterStore(loaded.config.store) };
      else
        throw new AlertkitError(
          'QUERY_INVALID',
          'give --events <file...> or --config <installation>',
        );

      const tty = process.stderr.isTTY && options.format === 'text';
      const bar = tty
        ? new cliProgress.SingleBar(
            {
              format: 'backtest [{bar}] {percentage}% | {value}/{total} ticks | eta {eta}s',
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let lastPlain = -1;
      const report = await backtest({
        alerts,
        source,
        since,
        until,
        onProgress: (done, total) => {
          if (bar) {
            if (done === 1) bar.start(total, 0);
            bar.update(done);
            return;
          }
          const tenth = Math.floor((done / total) * 10);
          if (tenth !== lastPlain) {
            lastPlain = tenth;
            io.err(`alertkit: backtest ${done}/${total} ticks (${tenth * 10}%)\n`);
          }
        },
      });
      bar?.stop();
      if (options.html) {
        await writeFile(options.html, await backtestHtml(report));
        io.err(`alertkit: HTML report: ${options.html}\n`);
      }
      io.out(
        options.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : `backtest ${report.since} → ${report.until}: ${report.events} events, ${report.alerts.length} alert(s), ${report.durationMs} ms\n\n${report.alerts.map(formatAlert).join('\n\n')}\n`,
      );
      const over = report.alerts.filter((a) => a.overBudget.length > 0);
      if (options.check && over.length > 0)
        throw new AlertkitError(
          'ALERT_INVALID',
          `noise budget exceeded: ${over.map((a) => `${a.alert} (${a.noiseBudget?.perDay ?? '?'}/day) on ${a.overBudget.map((d) => `${d.day}: ${d.alerts}`).join(', ')}`).join('; ')}`,
        );
    });
}
