import type { EventTag, StoredAlert } from './alertDocument.js';
import type { EventRef, JsonObject, StoredEvent } from './event.js';
import type { Criteria, Scalar } from './query.js';

/** One search over the store. */
export interface SearchRequest {
  /** What to match (the window, if any, is resolved against `now`). */
  criteria: Criteria;
  /** The end of the window. */
  now: Date;
  /** Maximum number of hits; absent = all of them (no silent cap). */
  size?: number;
}

/** The hits of a search, in store order (insertion order in the embedded store). */
export interface SearchResult {
  hits: StoredEvent[];
  /** Number of matching events, also when `size` cut the hits. */
  total: number;
}

/** One group of an aggregation. */
export interface AggregationBucket {
  /** The grouped value (as indexed: a keyword's text, an IP, a boolean, ...). */
  key: Scalar;
  /** Number of matching events in the group. */
  count: number;
  /** The first `samples` events of the group, in store order. */
  samples: StoredEvent[];
  /** Every event of the group, in store order (only for groups at or above the threshold). */
  events: StoredEvent[];
}

/** An aggregation search: `criteria.aggregation` must be set. */
export interface AggregateRequest extends SearchRequest {
  criteria: Criteria & { aggregation: NonNullable<Criteria['aggregation']> };
}

/** Buckets with `count >= threshold`, count-descending then key-ascending. */
export interface AggregateResult {
  buckets: AggregationBucket[];
}

/** What `saveAlert` did: `created` is false when an alert with that `_id` already existed. */
export interface SaveAlertResult {
  _index: string;
  _id: string;
  created: boolean;
}

/**
 * Where events are searched and alerts are kept. Implemented by the embedded engine
 * (`@alertkit/query`) and by the Elasticsearch/OpenSearch stores (`@alertkit/runner`).
 */
export interface Store {
  /** Events matching the criteria in the window ending at `now`. */
  search(request: SearchRequest): Promise<SearchResult>;
  /** Matching events grouped by `criteria.aggregation.field` (server side, exact counts). */
  aggregate(request: AggregateRequest): Promise<AggregateResult>;
  /** Appends the tag to each event's `alert_names` and `alerts` (MozDef's `tagEventsAlert`). */
  tagEvents(events: readonly EventRef[], tag: EventTag): Promise<void>;
  /** Saves an alert with create semantics: an existing `_id` is left as it is. */
  saveAlert(alert: StoredAlert): Promise<SaveAlertResult>;
  /** Reads events back (missing ones are left out). */
  getEvents(refs: readonly EventRef[]): Promise<StoredEvent[]>;
  /** The saved alerts, oldest first. */
  listAlerts(): Promise<StoredAlert[]>;
  /**
   * Reads one document of an alert's own state (see {@link AlertState}): `scope` is the alert's
   * name, `id` the document's id within it; `undefined` when there is none. Optional, so a store
   * written before the state API still is a `Store`: an alert that uses `context.state` on such
   * a store fails with `STORE_UNAVAILABLE`.
   */
  getState?(scope: string, id: string): Promise<JsonObject | undefined>;
  /** Writes (creates or replaces) one document of an alert's state; see {@link Store.getState}. */
  putState?(scope: string, id: string, document: JsonObject): Promise<void>;
}

/**
 * The state one alert keeps between runs (MozDef's geomodel keeps per-user localities and its
 * execution record in an index of its own): documents by id, in a scope only this alert reads
 * and writes. Held by the store (the embedded store's state file, an index in
 * Elasticsearch/OpenSearch), handed to the alert through its contexts.
 */
export interface AlertState {
  /** The document with this id, or `undefined` when there is none. */
  get(id: string): Promise<JsonObject | undefined>;
  /** Creates or replaces the document with this id. */
  put(id: string, document: JsonObject): Promise<void>;
}
