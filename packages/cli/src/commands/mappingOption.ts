import { readFile } from 'node:fs/promises';
import { AlertkitError } from '@alertkit/core';
import { parseMapping, type IndexMapping } from '@alertkit/query';

/** Reads an Elasticsearch mapping or index template file given with `--mapping`. */
export async function readMappingFile(path: string): Promise<IndexMapping> {
  let body: unknown;
  try {
    body = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AlertkitError('QUERY_INVALID', `--mapping ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    return parseMapping(body);
  } catch (cause) {
    throw new AlertkitError('QUERY_INVALID', `--mapping ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
}
