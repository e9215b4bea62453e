/*
 * A scripted fake search cluster for the store tests: what a test sees of each request, how it
 * answers, and helpers for answers and errors. The Elasticsearch tests run it on
 * @elastic/elasticsearch-mock, the OpenSearch tests on a loopback HTTP server.
 */
import { isAlertkitError, type AlertkitError } from '@alertkit/core';
import type { SearchStore, SearchStoreOptions } from './searchStore.js';

/** A request as the fake cluster received it (path URL-decoded, querystring parsed, JSON or NDJSON body parsed). */
export interface RecordedRequest {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
}

/** The fake cluster's answer: a status (default 200) and a JSON body. */
export interface ClusterReply {
  statusCode?: number;
  body: unknown;
}

/** Answers one request (throw to make the test fail loudly on an unexpected request). */
export type ClusterHandler = (request: RecordedRequest) => ClusterReply;

/** A fake cluster behind a real client. */
export interface FakeCluster {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Sets how the cluster answers. */
  answer(handler: ClusterHandler): void;
  /** A store on this cluster. */
  store(options?: SearchStoreOptions): SearchStore;
  /** A store whose cluster cannot be reached (connection refused), with credentials configured. */
  unreachableStore(password: string): SearchStore;
  close(): Promise<void>;
}

/** The `now` of every test: windows end here. */
export const NOW = new Date('2017-01-01T01:00:00Z');

/** A `_search` answer (ES 7+/OpenSearch shape) with the events `ids` in `events-20170101` and the given total. */
export function searchAnswer(
  ids: readonly string[],
  total: number,
  extra: Record<string, unknown> = {},
): ClusterReply {
  return {
    body: {
      took: 1,
      timed_out: false,
      _shards: { total: 2, successful: 2, skipped: 0, failed: 0 },
      hits: {
        total: { value: total, relation: 'eq' },
        max_score: null,
        hits: ids.map((id) => ({
          _index: 'events-20170101',
          _id: id,
          _score: null,
          _source: { summary: `event ${id}` },
          sort: [0],
        })),
      },
      ...extra,
    },
  };
}

/** The stored event the store makes of a hit of {@link searchAnswer}. */
export function event(id: string) {
  return { _index: 'events-20170101', _id: id, _source: { summary: `event ${id}` } };
}

/** The AlertkitError `call` throws (fails the test when it throws something else or nothing). */
export function thrown(call: () => unknown): AlertkitError {
  try {
    call();
  } catch (error) {
    if (isAlertkitError(error)) return error;
    throw new Error(`expected an AlertkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an AlertkitError, nothing was thrown');
}

/** The AlertkitError a promise rejects with (fails the test otherwise). */
export async function storeError(promise: Promise<unknown>): Promise<AlertkitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isAlertkitError(error)) throw new Error(`expected an AlertkitError, got ${String(error)}`);
  return error;
}
