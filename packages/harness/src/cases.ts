import type { JsonObject, JsonValue } from '@alertkit/core';
import { copyEventInput, type EventInput } from './events.js';

/**
 * Alert fields a positive case expects, compared exactly with the saved alert document
 * (typically `category`, `severity`, `summary`, `tags`; sometimes `url`, `channel`, `details`).
 */
export type ExpectedAlert = { [field: string]: JsonValue | undefined };

/** A case's events: a flat list; a nested list (e.g. from `events(base, n)`) is spread in place. */
export type CaseEvents = readonly (EventInput | readonly EventInput[])[];

/** What a case starts from besides its events. */
export interface CaseOptions {
  /**
   * The alert's state before the run, by document id (what `context.state.get(id)` answers):
   * MozDef's geomodel tests pre-load users' localities and the execution record this way.
   */
  state?: Record<string, JsonObject>;
}

/** MozDef's `PositiveAlertTestCase`: these events must raise the alert. */
export interface PositiveCase {
  kind: 'positive';
  description: string;
  events: EventInput[];
  /** The alert's state before the run; see {@link CaseOptions.state}. */
  state?: Record<string, JsonObject>;
  /** Fields over the suite's `defaultAlert` (a shallow merge: a key given here replaces it). */
  expectedAlert?: ExpectedAlert;
}

/** MozDef's `NegativeAlertTestCase`: these events must raise nothing. */
export interface NegativeCase {
  kind: 'negative';
  description: string;
  events: EventInput[];
  /** The alert's state before the run; see {@link CaseOptions.state}. */
  state?: Record<string, JsonObject>;
}

/** One case of an alert suite. */
export type AlertCase = PositiveCase | NegativeCase;

function flatten(events: CaseEvents, description: string): EventInput[] {
  if (!Array.isArray(events))
    throw new TypeError(`case "${description}": events must be a list of events`);
  // Copied at construction, as MozDef's cases deep-copy their events.
  return copyEventInput(events.flat() as EventInput[]);
}

/**
 * A case in which the alert must fire. Every alert it raises must have the suite's
 * `defaultAlert` fields with `expectedAlert` over them.
 *
 * @example
 * positive('alerts on 10 failed logins', events(failedLogin, 10), { summary: '10 failed logins for bob' })
 */
export function positive(
  description: string,
  events: CaseEvents,
  expectedAlert?: ExpectedAlert,
  options: CaseOptions = {},
): PositiveCase {
  const out: PositiveCase = { kind: 'positive', description, events: flatten(events, description) };
  if (expectedAlert !== undefined) out.expectedAlert = structuredClone(expectedAlert);
  if (options.state !== undefined) out.state = stateOf(options.state, description);
  return out;
}

/**
 * A case in which the alert must not fire.
 *
 * @example
 * negative('ignores 9 failed logins', events(failedLogin, 9))
 * negative('ignores a user seen there before', [login], { state: { 'locality:bob': {...} } })
 */
export function negative(
  description: string,
  events: CaseEvents,
  options: CaseOptions = {},
): NegativeCase {
  const out: NegativeCase = { kind: 'negative', description, events: flatten(events, description) };
  if (options.state !== undefined) out.state = stateOf(options.state, description);
  return out;
}

/** A copy of a case's state, checked: each document a JSON object under a non-empty id. */
function stateOf(
  state: Record<string, JsonObject>,
  description: string,
): Record<string, JsonObject> {
  if (state === null || typeof state !== 'object' || Array.isArray(state))
    throw new TypeError(`case "${description}": state must be an object of documents by id`);
  for (const [id, document] of Object.entries(state)) {
    if (id === '' || document === null || typeof document !== 'object' || Array.isArray(document))
      throw new TypeError(
        `case "${description}": state["${id}"] must be a JSON object under a non-empty id`,
      );
  }
  return structuredClone(state);
}
