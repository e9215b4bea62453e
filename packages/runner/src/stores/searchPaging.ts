import type { StoredEvent } from '@alertkit/core';
import {
  indexPath,
  storeRejected,
  storeUnavailable,
  type RestRequest,
  type RestResponse,
  type RestTransport,
  type SearchEngineName,
} from './restTransport.js';
import { readSearchPage, type SearchPage } from './searchResponses.js';

/** Sends requests for one store and turns every failure into `STORE_UNAVAILABLE`. */
export class StoreCalls {
  readonly #transport: RestTransport;
  readonly #engine: SearchEngineName;
  readonly #nodes: string;

  constructor(transport: RestTransport, engine: SearchEngineName, nodes: string) {
    this.#transport = transport;
    this.#engine = engine;
    this.#nodes = nodes;
  }

  /** One request; statuses in `acceptStatuses` are answers, anything else a failure of `operation`. */
  async send(
    operation: string,
    request: RestRequest,
    acceptStatuses?: readonly number[],
  ): Promise<RestResponse> {
    try {
      return await this.#transport(request, acceptStatuses);
    } catch (error) {
      throw storeUnavailable({ engine: this.#engine, operation, nodes: this.#nodes }, error);
    }
  }

  /** `STORE_UNAVAILABLE` for an answer that cannot be used. */
  rejected(operation: string, reason: string): Error {
    return storeRejected({ engine: this.#engine, operation, nodes: this.#nodes }, reason);
  }

  /** A search or scroll request whose answer must be a complete page. */
  async page(operation: string, request: RestRequest): Promise<SearchPage> {
    const page = readSearchPage((await this.send(operation, request)).body);
    if (typeof page === 'string') throw this.rejected(operation, page);
    return page;
  }
}

/** How a store reads long hit lists. */
export interface PagingOptions {
  /** Hits per request. */
  pageSize: number;
  /** How long the cluster keeps a scroll between two pages (`1m`). */
  scrollKeepAlive: string;
}

/** One "read every hit" search. */
export interface ReadHitsRequest {
  operation: string;
  indices: readonly string[];
  /** The `_search` body (query, sort, `track_total_hits`), without `size`. */
  body: object;
  /** At most this many hits; absent = all of them. */
  limit?: number;
  /**
   * True: a search that found none of the indices fails (a misnamed index must not look like
   * "no events", which would fire every dead-man alert). False: it is an empty result.
   */
  requireIndex: boolean;
}

/**
 * Every hit of a search (up to `limit`), with the exact total. The first request asks for one
 * page; when that holds everything (most alert searches), that is all. Otherwise the search is
 * run again as a scroll sorted as asked (the alert searches use `_doc`, the cheapest order,
 * which is index order within a shard): a scroll reads one consistent snapshot and visits each
 * hit exactly once on every supported server (Elasticsearch 7.14+/8.x, OpenSearch 1-3, where
 * `search_after` on `_doc` alone would skip hits across shards and point-in-time APIs differ).
 */
export async function readHits(
  calls: StoreCalls,
  paging: PagingOptions,
  request: ReadHitsRequest,
): Promise<{ hits: StoredEvent[]; total: number }> {
  const wanted = request.limit ?? Number.POSITIVE_INFINITY;
  const path = `${indexPath(request.indices)}/_search`;
  const querystring = { ignore_unavailable: 'true' };
  const first = await calls.page(request.operation, {
    method: 'POST',
    path,
    querystring,
    body: { ...request.body, size: Math.min(wanted, paging.pageSize) },
  });
  if (request.requireIndex && first.shards === 0) {
    throw calls.rejected(
      request.operation,
      `none of the indices ${request.indices.join(', ')} exists`,
    );
  }
  if (first.hits.length >= Math.min(wanted, first.total))
    return { hits: first.hits.slice(0, wanted), total: first.total };

  let page = await calls.page(request.operation, {
    method: 'POST',
    path,
    querystring: { ...querystring, scroll: paging.scrollKeepAlive },
    body: { ...request.body, size: Math.min(wanted, paging.pageSize) },
  });
  const total = page.total;
  const hits: StoredEvent[] = [];
  let scrollId = page.scrollId;
  try {
    for (;;) {
      for (const hit of page.hits) if (hits.length < wanted) hits.push(hit);
      if (hits.length >= Math.min(wanted, total) || page.hits.length === 0) break;
      if (scrollId === undefined)
        throw calls.rejected(request.operation, 'the scroll answer has no _scroll_id');
      page = await calls.page(request.operation, {
        method: 'POST',
        path: '/_search/scroll',
        body: { scroll: paging.scrollKeepAlive, scroll_id: scrollId },
      });
      scrollId = page.scrollId ?? scrollId;
    }
  } finally {
    if (scrollId !== undefined) await clearScroll(calls, scrollId);
  }
  return { hits, total };
}

/** Frees the scroll now rather than after its keep-alive; a failure here loses nothing. */
async function clearScroll(calls: StoreCalls, scrollId: string): Promise<void> {
  try {
    await calls.send(
      'clearScroll',
      { method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] } },
      [404],
    );
  } catch {
    // The cluster drops the scroll when its keep-alive ends.
  }
}
