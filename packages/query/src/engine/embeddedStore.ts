import {
  AlertkitError,
  alertRefValue,
  durationToMs,
  isAlertkitError,
  type AggregateRequest,
  type AggregateResult,
  type Clause,
  type Criteria,
  type EventRef,
  type EventTag,
  type JsonObject,
  type JsonValue,
  type SaveAlertResult,
  type SearchRequest,
  type SearchResult,
  type StoredAlert,
  type StoredEvent,
  type Store,
} from '@alertkit/core';
import { aggregateDocs } from './aggregate.js';
import { compileClause } from './compile.js';
import { filterDocs } from './predicates.js';
import { EventIndex, type IndexSegment } from './eventIndex.js';
import type { SourceCodec, SourceCompression } from './blockCodec.js';
import { defineLazy } from './sourceStore.js';
import { type Explanation, explainMatch } from './explain.js';
import { IndexMapping, mozdefEventsMapping, parseMapping } from './mapping.js';

/** Options of {@link createEmbeddedStore}. */
export interface EmbeddedStoreOptions {
  /** The index mapping: parsed, or an Elasticsearch mapping body. Default: MozDef's events mapping. */
  mapping?: IndexMapping | Record<string, unknown>;
  /** Events to ingest right away (events Elasticsearch would refuse are skipped, see {@link EmbeddedStore.ingest}). */
  events?: Iterable<StoredEvent>;
  /** Told about things Elasticsearch would accept with a warning (e.g. grouping by an object). Default: ignore. */
  onWarning?: (message: string) => void;
  /**
   * How the stored sources' blocks are compressed (on the thread pool), as Elasticsearch's
   * `index.codec`: `lz4` (its `default`: ~2.5x faster than DEFLATE level 1 for ~20 more bytes
   * per MozDef event, for loads that keep every core indexing; DEFLATE level 1 where
   * `lz4-napi` cannot load) or `deflate` (its `best_compression`). Default `deflate`.
   */
  codec?: SourceCodec;
  /** The DEFLATE level (1-9) of the blocks. Default 6 (1 when LZ4 falls back to DEFLATE). */
  compressionLevel?: number;
}

/** What {@link EmbeddedStore.ingest} did. */
export interface IngestReport {
  indexed: number;
  /**
   * Events refused (as Elasticsearch refuses to index them), with the reason and their
   * position (0-based) in the events given.
   */
  rejected: { _index: string; _id: string; error: AlertkitError; position: number }[];
}

/** One tagging applied to one event, as persisted by {@link EmbeddedStore.snapshot}. */
export interface EventTagRecord extends EventRef {
  tag: EventTag;
}

/** One document of an alert's state, as persisted by {@link EmbeddedStore.snapshot}. */
export interface StateRecord {
  /** The alert's name. */
  scope: string;
  id: string;
  document: JsonObject;
}

/**
 * The store's own state worth persisting: saved alerts, the tags written onto events and the
 * alerts' state documents (absent in snapshots written before alerts had state).
 */
export interface EmbeddedStoreSnapshot {
  version: 1;
  alerts: StoredAlert[];
  tags: EventTagRecord[];
  state?: StateRecord[];
}

function isCriteria(query: Clause | Criteria): query is Criteria {
  return !('type' in query);
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/**
 * The embedded engine: an in-memory event store with Elasticsearch semantics that implements
 * core's `Store`. Events are indexed once at ingest (mapping applied, text analysed); a query is
 * compiled once per search into a predicate; a window is found by binary search on time.
 * Hits and groups are in store order (insertion order). Events are kept as their JSON text,
 * compressed in blocks; a result's `hits` (a group's `samples` and `events`) are decoded when
 * first read, so counting matches decodes nothing. Returned events are fresh objects (except an
 * event re-indexed by tagging, whose source object is kept): treat them as read-only.
 */
export class EmbeddedStore implements Store {
  readonly #index: EventIndex;
  readonly #alerts: StoredAlert[] = [];
  readonly #alertIds = new Set<string>();
  readonly #tags: EventTagRecord[] = [];
  /** Alert state: scope (alert name) -> id -> document. */
  readonly #state = new Map<string, Map<string, JsonObject>>();
  readonly #onWarning: (message: string) => void;
  #identity = new Int32Array(0);

  constructor(options: EmbeddedStoreOptions = {}) {
    const mapping =
      options.mapping instanceof IndexMapping
        ? options.mapping
        : options.mapping
          ? parseMapping(options.mapping)
          : mozdefEventsMapping();
    this.#index = new EventIndex(mapping, {
      ...(options.codec !== undefined ? { codec: options.codec } : {}),
      ...(options.compressionLevel !== undefined ? { level: options.compressionLevel } : {}),
    });
    this.#onWarning = options.onWarning ?? (() => undefined);
    if (options.events) this.ingest(options.events);
  }

  /** The mapping, grown by dynamic mapping as events arrive. */
  get mapping(): IndexMapping {
    return this.#index.mapping;
  }

  /** Number of events. */
  get size(): number {
    return this.#index.size;
  }

  /**
   * How the stored sources' blocks are compressed (see {@link EmbeddedStoreOptions.codec}): what
   * a store built for part of a load (another thread's) takes to write the same blocks.
   */
  get compression(): Required<SourceCompression> {
    return this.#index.sources.compression;
  }

  /** @internal The index (columns) the engine reads; the benchmark's hand-written loops read it too. */
  get index(): EventIndex {
    return this.#index;
  }

  /**
   * Indexes events in order. Events Elasticsearch would refuse (a value its field's type cannot
   * hold) are skipped and reported; the others are indexed. An event whose `_index` and `_id`
   * are already stored replaces it (Elasticsearch's index operation). The store keeps each
   * event's JSON, never the caller's object; `options.owned` says the objects are handed over
   * freshly parsed by `parseEventJson`, whose line is then kept as it is (no serialising).
   */
  ingest(events: Iterable<StoredEvent>, options: { owned?: boolean } = {}): IngestReport {
    const report: IngestReport = { indexed: 0, rejected: [] };
    let position = -1;
    for (const event of events) {
      position++;
      try {
        this.#index.add(event, options.owned === true);
        report.indexed++;
      } catch (error) {
        if (
          !isAlertkitError(error) ||
          (error.code !== 'MAPPING_CONFLICT' && error.code !== 'EVENT_INVALID')
        )
          throw error;
        report.rejected.push({
          _index: String(event?._index),
          _id: String(event?._id),
          error,
          position,
        });
      }
    }
    return report;
  }
  /**
   * Says how many events a bulk load will bring in all (an estimate is fine): the columns make
   * room for them at once instead of growing step by step, which keeps the process smaller.
   * Call it after a first batch, so the columns exist and their sizes per event are known.
   * Returns how many events the store now has room for (a little more than expected).
   */
  reserve(expectedEvents: number): number {
    return this.#index.reserve(Math.ceil(expectedEvents));
  }

  /**
   * Gives back the room the columns reserved for more events (up to half again what they
   * hold): call it when a large ingest is done (reading events files does). Ingesting more
   * afterwards simply grows them again.
   */
  compact(): void {
    this.#index.fit();
  }

  /**
   * This store's events as an {@link IndexSegment} (and the buffers to transfer with it) for
   * another store's {@link EmbeddedStore.appendSegment}: how a worker that indexed part of a
   * bulk load hands it over. Start the worker's store from the other store's
   * `mapping.state()`. The segment shares this store's arrays: once its buffers are transferred
   * this store must not be used; a copy (a structured clone, `v8.serialize`) leaves it whole, as
   * the runner's index cache does.
   */
  segment(): Promise<{ segment: IndexSegment; transfer: ArrayBuffer[] }> {
    return this.#index.segment();
  }

  /**
   * Appends a segment's events after this store's, as ingesting them here would have, and
   * returns true; returns false, changing nothing, when the result would differ (an event
   * already stored under its `_index`/`_id`, a field mapped differently, too many fields):
   * ingest those events instead. `adopt`: the segment's arrays are the caller's to give (it
   * read or received them): an empty store takes them without copying.
   */
  appendSegment(segment: IndexSegment, options: { adopt?: boolean } = {}): boolean {
    return this.#index.appendSegment(segment, options.adopt === true);
  }

  /** Indexes one event; throws `MAPPING_CONFLICT` if Elasticsearch would refuse it. */
  add(event: StoredEvent): void {
    this.#index.add(event);
  }

  /** The matching documents, in store order. */
  #matching(criteria: Criteria, now: Date): ArrayLike<number> {
    if (
      typeof criteria !== 'object' ||
      criteria === null ||
      typeof criteria.query !== 'object' ||
      criteria.query === null
    ) {
      throw new AlertkitError(
        'QUERY_INVALID',
        'criteria must be {query: <bool clause>, window?, aggregation?}',
      );
    }
    const predicate = compileClause(this.#index, criteria.query);
    let candidates: Int32Array;
    if (criteria.window) {
      const to = now.getTime();
      if (Number.isNaN(to))
        throw new AlertkitError('QUERY_INVALID', 'search: now is not a valid date');
      candidates = this.#index.windowDocs(to - durationToMs(criteria.window), to);
    } else {
      candidates = this.#allDocs();
    }
    return candidates.subarray(0, filterDocs(predicate, candidates, candidates.length));
  }

  /** A fresh list of every document number (copied from a cached identity list). */
  #allDocs(): Int32Array {
    const size = this.#index.size;
    if (this.#identity.length < size) {
      this.#identity = new Int32Array(Math.max(size, this.#identity.length * 2));
      for (let i = 0; i < this.#identity.length; i++) this.#identity[i] = i;
    }
    return this.#identity.slice(0, size);
  }

  /** Events matching the criteria in the window ending at `now`, in store order. */
  search(request: SearchRequest): Promise<SearchResult> {
    return Promise.resolve().then(() => {
      const docs = this.#matching(request.criteria, request.now);
      const limit = request.size === undefined ? docs.length : Math.min(request.size, docs.length);
      return defineLazy({ total: docs.length }, 'hits', () => {
        const hits = new Array<StoredEvent>(limit);
        for (let i = 0; i < limit; i++)
          hits[i] = this.#index.event(docs[i] as number) as StoredEvent;
        return hits;
      });
    });
  }

  /** Matching events grouped by the aggregation field (Elasticsearch `terms` aggregation, §9.3). */
  aggregate(request: AggregateRequest): Promise<AggregateResult> {
    return Promise.resolve().then(() => {
      const spec = request.criteria.aggregation;
      if (!spec || typeof spec.field !== 'string')
        throw new AlertkitError(
          'QUERY_INVALID',
          'aggregate: criteria.aggregation {field, threshold, samples} is required',
        );
      const docs = this.#matching(request.criteria, request.now);
      return { buckets: aggregateDocs(this.#index, docs, spec, this.#onWarning) };
    });
  }

  /**
   * Appends the tag to each event's `alerts` (`{index, id}`) and `alert_names` (MozDef's
   * `tagEventsAlert`) and re-indexes the event so the next search sees them.
   *
   * MozDef also fills its "required fields" defaults (utctimestamp = now, summary = "UNKNOWN",
   * ...) into an event it re-saves. That is deliberately not done: MozDef's ingest pipeline
   * fills the same defaults before an event is ever stored, so in MozDef they never change a
   * stored event; here, events come from tests and files as written, and inventing a
   * `utctimestamp` of "now" would move an event into later windows (semantics §3.8 is about
   * the tags, which are kept exactly).
   */
  tagEvents(events: readonly EventRef[], tag: EventTag): Promise<void> {
    return Promise.resolve().then(() => {
      for (const ref of events) this.#tag(ref, tag);
    });
  }

  #tag(ref: EventRef, tag: EventTag): boolean {
    const doc = this.#index.docOf(ref);
    const event = doc === undefined ? undefined : this.#index.event(doc);
    if (doc === undefined || !event) return false;
    // Copy on write: events handed out earlier (and alerts' samples) keep their content.
    const source = {
      ...event._source,
      alerts: [...asArray(event._source.alerts), alertRefValue(tag)],
      alert_names: [...asArray(event._source.alert_names), tag.alertName],
    };
    this.#index.reindex(doc, source);
    this.#tags.push({ _index: ref._index, _id: ref._id, tag: structuredClone(tag) });
    return true;
  }

  /** Saves an alert with create semantics: an existing `_id` is left as it is. */
  saveAlert(alert: StoredAlert): Promise<SaveAlertResult> {
    return Promise.resolve().then(() => {
      if (this.#alertIds.has(alert._id))
        return { _index: alert._index, _id: alert._id, created: false };
      this.#alertIds.add(alert._id);
      this.#alerts.push(structuredClone(alert));
      return { _index: alert._index, _id: alert._id, created: true };
    });
  }

  /** Reads events back, in the order asked (missing ones are left out). */
  getEvents(refs: readonly EventRef[]): Promise<StoredEvent[]> {
    return Promise.resolve().then(() => {
      const out: StoredEvent[] = [];
      for (const ref of refs) {
        const doc = this.#index.docOf(ref);
        const event = doc === undefined ? undefined : this.#index.event(doc);
        if (event) out.push(event);
      }
      return out;
    });
  }

  /** The saved alerts, oldest first. */
  listAlerts(): Promise<StoredAlert[]> {
    return Promise.resolve(this.#alerts.map((alert) => structuredClone(alert)));
  }

  /** Reads one document of an alert's state (a copy), `undefined` when there is none. */
  getState(scope: string, id: string): Promise<JsonObject | undefined> {
    const document = this.#state.get(scope)?.get(id);
    return Promise.resolve(document === undefined ? undefined : structuredClone(document));
  }

  /** Creates or replaces one document of an alert's state (the store keeps a copy). */
  putState(scope: string, id: string, document: JsonObject): Promise<void> {
    return Promise.resolve().then(() => this.#putState(scope, id, document));
  }

  #putState(scope: string, id: string, document: JsonObject): void {
    let documents = this.#state.get(scope);
    if (!documents) this.#state.set(scope, (documents = new Map<string, JsonObject>()));
    documents.set(id, structuredClone(document));
  }

  /**
   * Why a stored event matches a query or criteria, or not: for each clause whether it matched,
   * the event's indexed values of the field, and for text matchers the analysed tokens of both
   * sides. With criteria, the window (resolved against `now`) is explained too.
   */
  explain(query: Clause | Criteria, event: EventRef, now?: Date): Explanation {
    const doc = this.#index.docOf(event);
    if (doc === undefined) {
      throw new AlertkitError(
        'QUERY_INVALID',
        `explain: event ${event._index}/${event._id} is not in the store (add it first)`,
      );
    }
    if (!isCriteria(query)) return explainMatch(this.#index, query, doc);
    const explanation = explainMatch(this.#index, query.query, doc);
    if (!query.window) return explanation;
    const at = now ?? new Date();
    const to = at.getTime();
    const from = to - durationToMs(query.window);
    const inWindow = this.#index.windowDocs(from, to).includes(doc);
    const window: Explanation = {
      clause: `window [${new Date(from).toISOString()}, ${new Date(to).toISOString()}] on utctimestamp OR receivedtimestamp`,
      matched: inWindow,
      values: this.#windowValues(doc),
    };
    if (!inWindow) window.reason = windowReason(window.values ?? {}, from, to);
    return {
      clause: 'criteria',
      matched: inWindow && explanation.matched,
      children: [window, explanation],
    };
  }

  #windowValues(doc: number): Record<string, string[]> {
    const event = this.#index.event(doc);
    return {
      utctimestamp: asArray(event?._source.utctimestamp).map(String),
      receivedtimestamp: asArray(event?._source.receivedtimestamp).map(String),
    };
  }

  /** The saved alerts and the tags written onto events, for persistence (see {@link EmbeddedStore.restore}). */
  snapshot(): EmbeddedStoreSnapshot {
    return {
      version: 1,
      alerts: this.#alerts.map((a) => structuredClone(a)),
      tags: this.#tags.map((t) => structuredClone(t)),
      state: [...this.#state].flatMap(([scope, documents]) =>
        [...documents].map(([id, document]) => ({
          scope,
          id,
          document: structuredClone(document),
        })),
      ),
    };
  }

  /** JSON form of {@link EmbeddedStore.snapshot}. */
  toJSON(): EmbeddedStoreSnapshot {
    return this.snapshot();
  }

  /**
   * Restores saved alerts and re-applies tags to the events present now (call after ingesting
   * the events). A tag an event already carries (same alert index and id) is not applied twice.
   */
  restore(snapshot: EmbeddedStoreSnapshot): void {
    if (
      snapshot?.version !== 1 ||
      !Array.isArray(snapshot.alerts) ||
      !Array.isArray(snapshot.tags) ||
      (snapshot.state !== undefined && !Array.isArray(snapshot.state))
    ) {
      throw new AlertkitError(
        'CONFIG_INVALID',
        'restore: not an embedded store snapshot (version 1 with alerts, tags and optional state)',
      );
    }
    for (const [n, record] of (snapshot.state ?? []).entries()) {
      const ok =
        typeof record?.scope === 'string' &&
        typeof record.id === 'string' &&
        record.document !== null &&
        typeof record.document === 'object' &&
        !Array.isArray(record.document);
      if (!ok)
        throw new AlertkitError(
          'CONFIG_INVALID',
          `restore: state[${n}] must be {scope, id, document} with a JSON object as document`,
        );
    }
    // State is the store's own (no events to re-apply it to): the snapshot's documents replace ours.
    for (const record of snapshot.state ?? [])
      this.#putState(record.scope, record.id, record.document);
    for (const alert of snapshot.alerts) {
      if (this.#alertIds.has(alert._id)) continue;
      this.#alertIds.add(alert._id);
      this.#alerts.push(structuredClone(alert));
    }
    for (const record of snapshot.tags) {
      const doc = this.#index.docOf(record);
      const event = doc === undefined ? undefined : this.#index.event(doc);
      if (!event) continue;
      const already = asArray(event._source.alerts).some(
        (a) =>
          typeof a === 'object' &&
          a !== null &&
          !Array.isArray(a) &&
          a.index === record.tag.alert.index &&
          a.id === record.tag.alert.id,
      );
      if (!already) this.#tag(record, record.tag);
    }
  }
}

/** An embedded store (MozDef's events mapping unless another is given). */
export function createEmbeddedStore(options?: EmbeddedStoreOptions): EmbeddedStore {
  return new EmbeddedStore(options);
}

/** Why an event's timestamps fall outside a window (before it, after it, or none parse). */
function windowReason(values: Record<string, string[]>, from: number, to: number): string {
  const times = Object.values(values)
    .flat()
    .map((v) => Date.parse(v))
    .filter((t) => !Number.isNaN(t));
  if (times.length === 0)
    return 'the event has no utctimestamp or receivedtimestamp that parses as a date';
  if (times.every((t) => t < from)) return 'the event is older than the window';
  if (times.every((t) => t > to)) return 'the event is newer than now (after the window)';
  return 'the event is outside the window';
}
