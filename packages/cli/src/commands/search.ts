import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AlertkitError, parseDuration, type Clause, type Criteria } from '@alertkit/core';
import { fromElasticsearch } from '@alertkit/query';
import { formatTable, truncate, type Io } from '../io.js';
import { INDEX_CACHE_OPTION, storeFromEventFiles } from './events.js';
import { readMappingFile } from './mappingOption.js';

interface SearchOptions {
  events: string[];
  indexCache?: string;
  query?: string;
  dsl?: string;
  now?: string;
  last?: string;
  mapping?: string;
  format: string;
}

/** Parses `--now`: an ISO-8601 instant. */
export function parseNow(text: string | undefined, fallback: () => Date = () => new Date()): Date {
  if (text === undefined) return fallback();
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new AlertkitError(
      'QUERY_INVALID',
      `--now must be an ISO-8601 instant such as 2017-01-01T01:00:00Z, got "${text}"`,
    );
  }
  return date;
}

async function readDsl(path: string): Promise<Clause> {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AlertkitError('QUERY_INVALID', `--dsl ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    return fromElasticsearch(body);
  } catch (cause) {
    throw new AlertkitError('QUERY_INVALID', `--dsl ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** `alertkit search`. */
export function registerSearch(program: Command, io: Io): void {
  program
    .command('search')
    .description('hunt over a file of events with the engine (MozDef events mapping by default)')
    .requiredOption('--events <file...>', 'NDJSON or JSON array events files (or directories)')
    .option('--query <lucene>', 'a Lucene query_string')
    .option(
      '--dsl <file.json>',
      'a file holding one Elasticsearch query clause (what goes under "query")',
    )
    .option('--now <ISO-8601>', 'the end of the window (default: now)')
    .option('--last <duration>', 'only events of the last 90s, 2m, 1h, 7d before --now')
    .option(...INDEX_CACHE_OPTION)
    .option(
      '--mapping <template.json>',
      "an Elasticsearch index mapping (default: MozDef's events mapping)",
    )
    .option(
      '--format <format>',
      'ids (one _id per line), json (one event per line) or table',
      'table',
    )
    .addHelpText(
      'after',
      '\nExample:\n  alertkit search --events events.ndjson --query \'details.program:sshd AND summary:"failed password"\' --last 2m',
    )
    .action(async (options: SearchOptions) => {
      if ((options.query === undefined) === (options.dsl === undefined)) {
        throw new AlertkitError('QUERY_INVALID', 'give exactly one of --query or --dsl');
      }
      if (!['ids', 'json', 'table'].includes(options.format)) {
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be ids, json or table, got "${options.format}"`,
        );
      }
      const clause: Clause =
        options.query !== undefined
          ? { type: 'queryString', query: options.query }
          : await readDsl(options.dsl as string);
      const now = parseNow(options.now);
      const criteria: Criteria = { query: { type: 'bool', must: [clause] } };
      if (options.last !== undefined) {
        const ms = parseDuration(options.last);
        if (ms <= 0)
          throw new AlertkitError(
            'QUERY_INVALID',
            `--last must be a positive duration, got "${options.last}"`,
          );
        criteria.window = { milliseconds: ms };
      }
      const mapping = options.mapping ? await readMappingFile(options.mapping) : undefined;
      const store = await storeFromEventFiles(options.events, io, mapping, {
        indexCache: options.indexCache,
      });
      const { hits } = await store.search({ criteria, now });
      if (options.format === 'ids') {
        io.out(hits.map((h) => `${h._id}\n`).join(''));
      } else if (options.format === 'json') {
        io.out(hits.map((h) => `${JSON.stringify(h)}\n`).join(''));
      } else {
        const text = (value: unknown): string =>
          value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
        const rows = hits.map((h) => [
          h._id,
          text(h._source['utctimestamp']),
          text(h._source['category']),
          truncate(text(h._source['summary']), 100),
        ]);
        io.out(formatTable([['_ID', 'UTCTIMESTAMP', 'CATEGORY', 'SUMMARY'], ...rows]));
        io.err(`${hits.length} of ${store.size} events matched\n`);
      }
    });
}
