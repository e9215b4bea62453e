import { alertRefValue, type EventRef, type EventTag } from '@alertkit/core';

/**
 * The painless script that tags one event in place, as MozDef's `tagEventsAlert` does:
 * `alerts` gets `{index, id}` appended, then `alert_names` gets the alert's classname, each
 * created as a list when missing (or null). A single value where a list belongs becomes the
 * first element, as the embedded store does, instead of failing the update.
 *
 * Only the two fields change (MozDef re-indexes the whole source after filling defaults for
 * missing required fields; in MozDef those defaults are already there since ingestion, and
 * inventing a `utctimestamp` of "now" would move the event into later windows).
 */
export const TAG_EVENT_SCRIPT = [
  'void append(Map source, String field, def value) {',
  '  def current = source[field];',
  '  if (current == null) { source[field] = new ArrayList(); }',
  '  else if (!(current instanceof List)) { List list = new ArrayList(); list.add(current); source[field] = list; }',
  '  source[field].add(value);',
  '}',
  "append(ctx._source, 'alerts', params.alert);",
  "append(ctx._source, 'alert_names', params.alert_name);",
].join(' ');

/** Retries of one update when a concurrent write changed the event in between (version conflict). */
export const TAG_RETRY_ON_CONFLICT = 3;

/**
 * The `_bulk` lines that tag `events`: an `update` action into each event's concrete index,
 * then the script with the tag as parameters (one compiled script serves every alert).
 */
export function tagEventsBulkBody(events: readonly EventRef[], tag: EventTag): object[] {
  const script = {
    source: TAG_EVENT_SCRIPT,
    lang: 'painless',
    params: { alert: alertRefValue(tag), alert_name: tag.alertName },
  };
  const lines: object[] = [];
  for (const event of events) {
    lines.push(
      {
        update: { _index: event._index, _id: event._id, retry_on_conflict: TAG_RETRY_ON_CONFLICT },
      },
      { script },
    );
  }
  return lines;
}

/** One `_bulk` item that did not apply. */
export interface BulkFailure {
  _index: string;
  _id: string;
  status: number;
  type: string;
  reason: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The failed items of a `_bulk` answer, or a string when the answer is not one. An answer
 * with fewer items than actions counts the missing ones as failed.
 */
export function bulkFailures(body: unknown, events: readonly EventRef[]): BulkFailure[] | string {
  const response = record(body);
  const items = response?.['items'];
  if (!Array.isArray(items)) return 'not a _bulk response (no items)';
  const failures: BulkFailure[] = [];
  events.forEach((event, position) => {
    const item = record(record(items[position])?.['update']);
    const status = typeof item?.['status'] === 'number' ? item['status'] : 0;
    if (item && status >= 200 && status < 300 && item['error'] === undefined) return;
    const error = record(item?.['error']);
    failures.push({
      _index: event._index,
      _id: event._id,
      status,
      type: typeof error?.['type'] === 'string' ? error['type'] : 'missing_item',
      reason:
        typeof error?.['reason'] === 'string'
          ? error['reason']
          : 'the _bulk answer has no item for this action',
    });
  });
  return failures;
}

/** True for an event that no longer exists (deleted or its index dropped since the search). */
export function isGoneEvent(failure: BulkFailure): boolean {
  return (
    failure.status === 404 &&
    (failure.type === 'document_missing_exception' || failure.type === 'index_not_found_exception')
  );
}
