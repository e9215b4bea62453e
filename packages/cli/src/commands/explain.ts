import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import { explainAlert, formatAlertExplanation } from '@alertkit/query';
import type { Io } from '../io.js';
import { resolveAlert } from '../resolveAlert.js';
import { reverseDnsFromEnvironment } from '../reverseDns.js';
import { INDEX_CACHE_OPTION, storeFromEventFiles } from './events.js';
import { configOverrides } from './replay.js';
import { parseNow } from './search.js';

interface ExplainOptions {
  events: string[];
  indexCache?: string;
  now?: string;
  event?: string[];
  config?: string;
  format: string;
}

/** `alertkit explain`. */
export function registerExplain(program: Command, io: Io): void {
  program
    .command('explain')
    .description(
      'why an alert fires or not on some events: each event clause by clause, the groups against the threshold, and the alerts that result',
    )
    .argument(
      '<alert>',
      'an alert package directory (alerts/bruteforce-ssh) or package name (alert-bruteforce-ssh)',
    )
    .requiredOption(
      '--events <file...>',
      'NDJSON or JSON array of events ({_index, _id, _source} or bare events)',
    )
    .option('--now <ISO-8601>', 'the end of the window (default: now)')
    .option('--event <_id...>', 'explain only these events (groups and alerts still use all)')
    .option(
      '--config <file>',
      "an installation file whose entry for this alert overrides the alert's config",
    )
    .option('--format <format>', 'text (for reading) or json (for machines)', 'text')
    .option(...INDEX_CACHE_OPTION)
    .addHelpText(
      'after',
      "\nFor each event: the window and the event's timestamps, then every clause (✓ lets the event through,\n" +
        "✗ rejects it) with the analysed tokens of a text query and of the event's field, the indexed terms a\n" +
        'wildcard or regexp was tried on, CIDR containment, a missing field or a value that does not parse.\n' +
        'Colour only on a terminal (NO_COLOR turns it off). Like replay, it starts from an empty store.\n\n' +
        'Example:\n  alertkit explain alerts/bruteforce-ssh --events events.ndjson --now 2017-01-01T01:00:00Z',
    )
    .action(async (spec: string, options: ExplainOptions) => {
      if (options.format !== 'json' && options.format !== 'text') {
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be text or json, got "${options.format}"`,
        );
      }
      const now = parseNow(options.now);
      const loaded = await resolveAlert(spec);
      const config = options.config ? await configOverrides(options.config, loaded) : undefined;
      const reverseDns = await reverseDnsFromEnvironment();
      const store = await storeFromEventFiles(options.events, io, undefined, {
        indexCache: options.indexCache,
      });
      const events = [...store.index.allEvents()];
      const unknown = (options.event ?? []).filter((id) => !events.some((e) => e._id === id));
      if (unknown.length > 0)
        throw new AlertkitError(
          'EVENT_INVALID',
          `--event: no event with _id ${unknown.map((id) => JSON.stringify(id)).join(', ')} in ${options.events.join(', ')}`,
        );
      const explanation = await explainAlert(loaded.alert, events, {
        now,
        config,
        mapping: store.mapping,
        ...(options.event ? { eventIds: options.event } : {}),
        ...(reverseDns ? { reverseDns } : {}),
      });
      io.out(
        options.format === 'json'
          ? `${JSON.stringify(explanation, null, 2)}\n`
          : formatAlertExplanation(explanation, { color: io.color === true }),
      );
    });
}
