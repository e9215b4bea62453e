import type { AlertDocument, AlertEvent } from './alertDocument.js';
import type { AlertDefinition, AlertDraft } from './defineAlert.js';
import { AlertkitError } from './errors.js';
import type { StoredEvent } from './event.js';
import { isoformat } from './helpers/isoformat.js';
import { isSeverity, notifyMozdefbot } from './severity.js';

const STANDARD_KEYS = new Set([
  'utctimestamp',
  'severity',
  'summary',
  'category',
  'tags',
  'events',
  'channel',
  'notify_mozdefbot',
  'status',
  'classname',
  'url',
]);

/**
 * MozDef's `createAlertDict` followed by `tagBotNotify` (semantics §3.6, §3.7): the alert
 * document in MozDef's key order. Unset fields come from the declaration; `events` are the
 * `defaultEvents` unless the draft names its own. Each event's source is deep-copied, so tagging
 * the events afterwards does not change the document (the snapshot of semantics §8.11).
 *
 * @param where names the event or group in error messages.
 * @throws AlertkitError `REACTION_FAILED` when the draft is not a valid alert (no summary, an
 *   unknown severity, ...), which TypeScript prevents but plain JavaScript alerts can still do.
 */
export function buildAlertDocument(
  alert: AlertDefinition<unknown>,
  draft: AlertDraft,
  context: { now: Date; defaultEvents: readonly StoredEvent[]; where: string },
): AlertDocument {
  const bad: (message: string) => never = (message) => {
    throw new AlertkitError(
      'REACTION_FAILED',
      `alert "${alert.name}": the reaction ${context.where} returned ${message}`,
      {
        details: { alert: alert.name, where: context.where },
      },
    );
  };
  if (draft === null || typeof draft !== 'object') bad(`${typeof draft} instead of an alert`);
  if (typeof draft.summary !== 'string') bad('an alert without a string summary');
  const severity = draft.severity ?? alert.severity;
  if (!isSeverity(severity)) bad(`an unknown severity "${String(severity)}"`);
  const category = draft.category ?? alert.category;
  if (typeof category !== 'string') bad('a category that is not a string');
  const tags: readonly string[] = draft.tags ?? alert.tags;
  if (!isStringArray(tags)) bad('tags that are not an array of strings');
  const events = draft.events ?? context.defaultEvents;
  if (!Array.isArray(events) || events.some((e) => !isStoredEvent(e)))
    bad('events that are not stored events ({_index, _id, _source})');
  const channel = draft.channel ?? null;
  const document: AlertDocument = {
    utctimestamp: isoformat(context.now),
    severity,
    summary: draft.summary,
    category,
    tags: [...tags],
    events: events.map(alertEvent),
    channel,
    notify_mozdefbot: notifyMozdefbot(severity, channel, draft.notifyMozdefbot),
    status: 'manual',
    classname: alert.classname,
  };
  // MozDef adds `url` only when it is truthy.
  if (draft.url) document.url = draft.url;
  for (const [key, value] of Object.entries(draft.extra ?? {})) {
    if (STANDARD_KEYS.has(key))
      bad(`extra field "${key}", which would overwrite a standard alert field`);
    document[key] = structuredClone(value);
  }
  return document;
}

function alertEvent(event: StoredEvent): AlertEvent {
  // Key order as MozDef writes it: documentindex, documentsource, documentid.
  return {
    documentindex: event._index,
    documentsource: structuredClone(event._source),
    documentid: event._id,
  };
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isStoredEvent(value: unknown): value is StoredEvent {
  if (value === null || typeof value !== 'object') return false;
  const event = value as Partial<StoredEvent>;
  return (
    typeof event._index === 'string' &&
    typeof event._id === 'string' &&
    typeof event._source === 'object' &&
    event._source !== null
  );
}
