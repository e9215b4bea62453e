import type { EventRef, JsonObject, JsonValue } from './event.js';

/** One event an alert carries, as MozDef writes it. */
export interface AlertEvent extends JsonObject {
  documentindex: string;
  documentid: string;
  documentsource: JsonObject;
}

/**
 * The alert document, in MozDef's shape and key order (`createAlertDict`): what is saved to the
 * `alerts` index and published as `_source`.
 */
export interface AlertDocument extends JsonObject {
  /** When the alert was raised, ISO-8601 with `+00:00` (Python `isoformat()`). */
  utctimestamp: string;
  severity: string;
  summary: string;
  category: string;
  tags: string[];
  events: AlertEvent[];
  channel: string | null;
  notify_mozdefbot: boolean;
  status: string;
  classname: string;
}

/** A saved alert as stores and sinks see it (the RabbitMQ message shape). */
export interface StoredAlert {
  _index: string;
  _id: string;
  _source: AlertDocument;
}

/** What tagging writes onto each event an alert used (MozDef's `tagEventsAlert`). */
export interface EventTag {
  /** The alert's MozDef classname, appended to the event's `alert_names`. */
  alertName: string;
  /** The alert document, appended to the event's `alerts` as `{index, id}`. */
  alert: { index: string; id: string };
}

/** Shape of a value appended to an event's `alerts` array. */
export function alertRefValue(tag: EventTag): JsonValue {
  return { index: tag.alert.index, id: tag.alert.id };
}

export type { EventRef };
