import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import { analyze, MOZDEF_EVENTS_MAPPING, parseMapping, type AnalyzedToken } from '@alertkit/query';
import { formatTable, type Io } from '../io.js';
import { readMappingFile } from './mappingOption.js';

/** A token as Elasticsearch's `_analyze` reports it (`word` for keyword fields). */
export type ReportedToken = Omit<AnalyzedToken, 'type'> & { type: string };

/**
 * The tokens the engine indexes for a text in a field: the standard analyser for `text` fields,
 * the whole value as one token for keyword-like fields (what Elasticsearch's `_analyze` answers).
 */
export function tokensFor(
  mapping: ReturnType<typeof parseMapping>,
  field: string,
  text: string,
): ReportedToken[] {
  const type =
    mapping.get(field)?.type ??
    mapping.dynamicMapping(field, 'string').find(([path]) => path === field)?.[1].type;
  if (type === 'text') return analyze(text);
  if (type === 'object')
    throw new AlertkitError(
      'QUERY_INVALID',
      `field "${field}" is an object: name one of its leaf fields`,
    );
  return [{ token: text, start_offset: 0, end_offset: text.length, type: 'word', position: 0 }];
}

/** `alertkit analyze`. */
export function registerAnalyze(program: Command, io: Io): void {
  program
    .command('analyze')
    .description(
      'show the tokens the engine indexes for a text, to see why a term does or does not match',
    )
    .usage('[--field summary] [--format json|table] [--mapping <file>] -- <text>')
    .argument('[text...]', 'the text, after -- (taken verbatim; may start with - or be empty)')
    .option('--field <path>', 'the field whose mapping decides the analysis', 'summary')
    .option(
      '--format <format>',
      'json (an array like Elasticsearch _analyze tokens) or table',
      'table',
    )
    .option('--mapping <file>', "an Elasticsearch index mapping (default: MozDef's events mapping)")
    .addHelpText(
      'after',
      '\nExample:\n  alertkit analyze --format json -- "Failed password for ADMIN from 10.1.2.3"',
    )
    .action(
      async (words: string[], options: { field: string; format: string; mapping?: string }) => {
        if (options.format !== 'json' && options.format !== 'table') {
          throw new AlertkitError(
            'QUERY_INVALID',
            `--format must be json or table, got "${options.format}"`,
          );
        }
        const mapping = options.mapping
          ? await readMappingFile(options.mapping)
          : parseMapping(MOZDEF_EVENTS_MAPPING);
        const tokens = tokensFor(mapping, options.field, words.join(' '));
        if (options.format === 'json') {
          io.out(JSON.stringify(tokens) + '\n');
          return;
        }
        io.out(
          formatTable([
            ['POSITION', 'TOKEN', 'TYPE', 'OFFSETS'],
            ...tokens.map((t) => [
              String(t.position),
              t.token,
              t.type,
              `${t.start_offset}-${t.end_offset}`,
            ]),
          ]),
        );
      },
    );
}
