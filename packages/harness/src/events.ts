/**
 * Building a case's events the way MozDef's test suite does (semantics §7.2, §7.3): the generic
 * default event, deep-merged with the suite's default event, deep-merged with the case's event;
 * timestamps evaluated at the frozen now; MozDef's required-field defaults filled in.
 */
import { hostname } from 'node:os';
import { isoformat, type JsonObject, type JsonValue, type StoredEvent } from '@alertkit/core';
import { isTimestamp, now, type Timestamp } from './clock.js';

/** A value in an event written for a case: JSON, or a {@link Timestamp} anywhere. */
export type EventValue =
  string | number | boolean | null | Timestamp | EventValue[] | { [key: string]: EventValue };

/** An event's source as a case writes it. */
export type EventSourceInput = { [key: string]: EventValue };

/**
 * An event as a case writes it: MozDef's shape `{ _source: {...} }` (other top-level keys such
 * as `_index` are ignored, as MozDef ignores them), or just the source `{ category: ..., ... }`.
 */
export type EventInput =
  EventSourceInput | { _source: EventSourceInput; _index?: string; _type?: string; _id?: string };

const WRAPPER_KEYS = new Set(['_source', '_index', '_type', '_id']);

/** The source of an event input, whichever of the two shapes it has. */
export function sourceOf(input: EventInput): EventSourceInput {
  const keys = Object.keys(input);
  if ('_source' in input && keys.every((k) => WRAPPER_KEYS.has(k))) {
    const source = input._source;
    if (!isObject(source))
      throw new TypeError(`an event's _source must be an object, got ${JSON.stringify(source)}`);
    return source;
  }
  return input;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !isTimestamp(value)
  );
}

/** A deep copy of event inputs; {@link Timestamp}s are shared (they are immutable). */
export function copyEventInput<T>(value: T): T {
  return copy(value);
}

function copy<T>(value: T): T {
  if (isTimestamp(value)) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  return value;
}

/**
 * MozDef's `dict_merge(target, src)` without mutating: for each key of `src`, when `target` has
 * the key and its value is an object (and so is `src`'s), merge recursively; otherwise `src`'s
 * value replaces it (lists are replaced, not concatenated; `null` overwrites).
 */
export function deepMerge<T extends Record<string, unknown>>(
  target: T,
  src: Record<string, unknown>,
): T {
  const out: Record<string, unknown> = copy(target);
  for (const [key, value] of Object.entries(src)) {
    // Own properties only, set as data: a `__proto__` key of an event is a field, as the store
    // keeps it, never the object's prototype.
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    Object.defineProperty(out, key, {
      value: isObject(current) && isObject(value) ? deepMerge(current, value) : copy(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

/** One event: a deep copy of `base` with `overrides` deep-merged on top (MozDef's `create_event`). */
export function event(base: EventInput, overrides: EventInput = {}): EventSourceInput {
  return deepMerge(sourceOf(base), sourceOf(overrides));
}

/**
 * `count` copies of an event (MozDef's `create_events(ev, n)`), or one per timestamp, with
 * `utctimestamp` and `receivedtimestamp` set to it: `events(base, every('10s', 12))`.
 */
export function events(base: EventInput, count: number | readonly Timestamp[]): EventSourceInput[] {
  if (typeof count === 'number') {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`events: count must be a whole number, got ${count}`);
    return Array.from({ length: count }, () => event(base));
  }
  return count.map((time) => event(base, { utctimestamp: time, receivedtimestamp: time }));
}

/**
 * An object holding `value` at a dotted path: `nested('details.username', 'bob')` is
 * `{ details: { username: 'bob' } }`. Handy when a field path comes from config or a template.
 */
export function nested(path: string, value: EventValue): EventSourceInput {
  const keys = path.split('.');
  if (keys.some((key) => key === ''))
    throw new RangeError(`nested: not a dotted field path: "${path}"`);
  return keys.reduceRight<EventValue>(
    (inner, key) => ({ [key]: inner }),
    value,
  ) as EventSourceInput;
}

/** A small seeded generator (mulberry32), so "random" default values are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit hash of a text (FNV-1a), to seed {@link seededRandom} from a case's name. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * MozDef's generic default event (`UnitTestSuite.generate_default_event`): timestamps at now
 * and a random source IP (each octet 1..255): tests that group by `details.sourceipaddress`
 * must set it, as in MozDef.
 */
export function mozdefDefaultEvent(random: () => number): EventSourceInput {
  return defaultEventAt(random, now);
}

/** MozDef's default event with `time()` as each of its two times (a marker, or resolved). */
function defaultEventAt<T extends EventValue>(
  random: () => number,
  time: () => T,
): { [key: string]: EventValue | T } {
  const octet = () => String(1 + Math.floor(random() * 255));
  return {
    category: 'excategory',
    utctimestamp: time(),
    receivedtimestamp: time(),
    mozdefhostname: 'mozdefhost',
    hostname: 'exhostname',
    severity: 'NOTICE',
    source: 'exsource',
    summary: 'Example summary',
    tags: ['tag1', 'tag2'],
    details: {
      sourceipaddress: [octet(), octet(), octet(), octet()].join('.'),
      hostname: 'exhostname',
    },
  };
}

// Looked up once: os.hostname() is a system call.
let localHostname: string | undefined;

/**
 * MozDef's "required fields" defaults for a saved event (semantics §3.8), filled into any missing
 * top-level key: timestamps = now, `mozdefhostname` = this host, `type` = `event`, `tags` = [],
 * `UNKNOWN` for the descriptive fields, `mozdef` = `{plugins: []}`, `details` = {}.
 */
export function withRequiredFields(source: JsonObject, at: Date): JsonObject {
  return fillRequiredFields({ ...source }, isoformat(at));
}

/** {@link withRequiredFields} in place, on an object the caller owns; `nowIso` is `isoformat(at)`. */
function fillRequiredFields(out: JsonObject, nowIso: string): JsonObject {
  localHostname ??= hostname();
  // Written out rather than looped over a defaults object: this runs for every event of every
  // case, and the fresh `tags`, `mozdef` and `details` values must not be shared between events.
  if (!('receivedtimestamp' in out)) out.receivedtimestamp = nowIso;
  if (!('utctimestamp' in out)) out.utctimestamp = nowIso;
  if (!('timestamp' in out)) out.timestamp = nowIso;
  if (!('mozdefhostname' in out)) out.mozdefhostname = localHostname;
  if (!('type' in out)) out.type = 'event';
  if (!('tags' in out)) out.tags = [];
  if (!('category' in out)) out.category = 'UNKNOWN';
  if (!('hostname' in out)) out.hostname = 'UNKNOWN';
  if (!('processid' in out)) out.processid = 'UNKNOWN';
  if (!('processname' in out)) out.processname = 'UNKNOWN';
  if (!('severity' in out)) out.severity = 'UNKNOWN';
  if (!('source' in out)) out.source = 'UNKNOWN';
  if (!('summary' in out)) out.summary = 'UNKNOWN';
  if (!('mozdef' in out)) out.mozdef = { plugins: [] };
  if (!('details' in out)) out.details = {};
  return out;
}

/** Replaces every {@link Timestamp} in a value by its ISO text at `at`. */
export function resolveTimes(value: EventValue, at: Date): JsonValue {
  if (isTimestamp(value)) return value.at(at);
  if (Array.isArray(value)) return value.map((v) => resolveTimes(v, at));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTimes(v, at)]));
  return value;
}

/** Options of {@link buildCaseEvents}. */
export interface BuildEventsOptions {
  /** The suite's default event, merged over MozDef's generic one. */
  defaultEvent?: EventInput;
  now: Date;
  /** Seeds the random source IPs of the generic default event. */
  seed: number;
}

/**
 * The stored events of a case, in order: generic default + suite default + case event, times
 * resolved, required fields filled, `_index` `events`, `_id` `event-1`, `event-2`, ...
 * (The same as `withRequiredFields(resolveTimes(deepMerge(deepMerge(mozdefDefaultEvent(random),
 * suiteDefault), caseEvent), now), now)`, built in one pass: every case of every alert test
 * builds its events, and the composed form copied each event five times.)
 */
export function buildCaseEvents(
  inputs: readonly EventInput[],
  options: BuildEventsOptions,
): StoredEvent[] {
  const random = seededRandom(options.seed);
  const suiteDefault = options.defaultEvent ? sourceOf(options.defaultEvent) : {};
  const nowIso = isoformat(options.now);
  return inputs.map((input, i) => {
    const source = genericDefaultAt(random, nowIso);
    mergeResolved(source, suiteDefault, options.now);
    mergeResolved(source, sourceOf(input), options.now);
    return { _index: 'events', _id: `event-${i + 1}`, _source: fillRequiredFields(source, nowIso) };
  });
}

/** {@link mozdefDefaultEvent} with its times already resolved (`now()` is `nowIso`). */
function genericDefaultAt(random: () => number, nowIso: string): JsonObject {
  return defaultEventAt(random, () => nowIso) as JsonObject;
}

/** Sets an own data property; a `__proto__` key is a field, never the object's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

/**
 * {@link deepMerge} of `src` into `target` in place, with `src`'s times resolved at `at`:
 * `target` is a resolved copy this module owns (nothing else holds its objects), so merging into
 * it gives what `resolveTimes(deepMerge(target, src))` gives, keys in the same order.
 */
function mergeResolved(target: JsonObject, src: EventSourceInput, at: Date): void {
  for (const key of Object.keys(src)) {
    const value = src[key] as EventValue;
    const current = Object.hasOwn(target, key) ? target[key] : undefined;
    if (isObject(current) && isObject(value)) mergeResolved(current, value, at);
    else setOwn(target, key, resolvedCopy(value, at));
  }
}

/** A deep copy of a value with every {@link Timestamp} replaced by its ISO text at `at`. */
function resolvedCopy(value: EventValue, at: Date): JsonValue {
  if (isTimestamp(value)) return value.at(at);
  if (Array.isArray(value)) return value.map((v) => resolvedCopy(v, at));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value))
      setOwn(out, key, resolvedCopy(value[key] as EventValue, at));
    return out;
  }
  return value;
}
