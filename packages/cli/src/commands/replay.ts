import type { Command } from 'commander';
import { AlertkitError, runAlert, type StoredAlert } from '@alertkit/core';
import type { LoadedAlert } from '@alertkit/runner';
import { formatTable, truncate, type Io } from '../io.js';
import { cliAlertLogger, entryConfig, resolveAlerts } from '../resolveAlert.js';
import { reverseDnsFromEnvironment } from '../reverseDns.js';
import { INDEX_CACHE_OPTION, storeFromEventFiles } from './events.js';
import { parseNow } from './search.js';

interface ReplayOptions {
  events: string[];
  indexCache?: string;
  now?: string;
  config?: string;
  format: string;
}

/** The config overrides an installation file gives this alert (its entry by path or package name). */
export async function configOverrides(file: string, loaded: LoadedAlert): Promise<unknown> {
  return entryConfig(file, loaded);
}

/** Prints alerts as a table. */
export function alertsTable(alerts: readonly StoredAlert[]): string {
  return formatTable([
    ['SEVERITY', 'CATEGORY', 'CLASSNAME', 'EVENTS', 'SUMMARY'],
    ...alerts.map((a) => [
      a._source.severity,
      a._source.category,
      a._source.classname,
      String(a._source.events.length),
      truncate(a._source.summary, 110),
    ]),
  ]);
}

/** `alertkit replay`. */
export function registerReplay(program: Command, io: Io): void {
  program
    .command('replay')
    .description(
      'run one alert once over the events in a file, at a chosen now, from an empty store',
    )
    .argument(
      '<alert>',
      'an alert package directory (alerts/bruteforce-ssh) or package name (alert-bruteforce-ssh); an alert set (alerts/generic-rules) replays each of its alerts',
    )
    .requiredOption(
      '--events <file...>',
      'NDJSON or JSON array of events ({_index, _id, _source} or bare events)',
    )
    .option('--now <ISO-8601>', 'the end of the window (default: now)')
    .option(
      '--config <file>',
      "an installation file whose entry for this alert overrides the alert's config (an alert set's config, e.g. its rules directory)",
    )
    .option(
      '--format <format>',
      'json (one {_id, _index, _source} per line on stdout, nothing else) or table',
      'table',
    )
    .option(...INDEX_CACHE_OPTION)
    .addHelpText(
      'after',
      '\nA replay is a pure function of its inputs: it starts from an empty store and persists nothing.\n' +
        'Reverse DNS lookups read the JSON table named by ALERTKIT_REVERSE_DNS when it is set.\n\n' +
        'Example:\n  alertkit replay alerts/bruteforce-ssh --events events.ndjson --now 2017-01-01T01:00:00Z --format json',
    )
    .action(async (spec: string, options: ReplayOptions) => {
      if (options.format !== 'json' && options.format !== 'table') {
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be json or table, got "${options.format}"`,
        );
      }
      const now = parseNow(options.now);
      const { alerts, config } = await resolveAlerts(spec, {
        configFile: options.config,
        log: cliAlertLogger(io),
      });
      const reverseDns = await reverseDnsFromEnvironment();
      const store = await storeFromEventFiles(options.events, io, undefined, {
        indexCache: options.indexCache,
      });
      // The alerts of a set run one after the other on the same store, as the runner runs them.
      const raised: StoredAlert[] = [];
      let matched = 0;
      for (const loaded of alerts) {
        const result = await runAlert(loaded.alert, store, {
          now,
          config,
          ...(reverseDns ? { reverseDns } : {}),
        });
        raised.push(...result.alerts);
        matched += result.matched;
      }
      if (options.format === 'json') {
        io.out(raised.map((a) => `${JSON.stringify(a)}\n`).join(''));
        return;
      }
      io.out(alertsTable(raised));
      const first = alerts[0];
      const what = first
        ? `${first.packageName}@${first.version}${first.set !== undefined ? ` (${alerts.length} alerts of set ${first.set})` : ''}`
        : spec;
      io.err(
        `${what}: ${raised.length} alert(s) from ${matched} matching event(s) of ${store.size} at ${now.toISOString()}\n`,
      );
    });
}
