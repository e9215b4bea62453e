import { AlertkitError, type JsonValue, type StoredEvent } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
import type { FieldMapping, IndexMapping, JsonMappingType } from './mapping.js';
import { keywordText, parseBoolean, parseDateInterval, parseIp, parseNumber } from './values.js';

/**
 * Turning an event into indexed values, as Elasticsearch's document parser does: objects are
 * walked (not nested), arrays and arrays of arrays become multi-valued fields, `null` and `[]`
 * index nothing, unknown fields are mapped dynamically, and a value the field's type cannot
 * hold rejects the whole event. Nothing is mutated here: the result is committed by the index.
 */

/** Lucene's gap between the positions of two values of one text field (ES default). */
export const POSITION_INCREMENT_GAP = 100;

/** One field's indexed values for one event. */
export type IndexedField =
  | { path: string; kind: 'terms'; terms: string[]; positions?: number[] }
  | { path: string; kind: 'numbers'; numbers: number[] };

/** An event ready to commit: its indexed fields and the mappings dynamic mapping created. */
export interface PreparedEvent {
  fields: IndexedField[];
  newMappings: [string, FieldMapping][];
}

type Leaf = string | number | boolean | Record<string, JsonValue>;

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lucene's largest term: `IndexWriter.MAX_TERM_LENGTH` (UTF-8 bytes). */
export const MAX_TERM_BYTES = 32_766;
/**
 * How deep arrays and objects together may nest before the event is refused: Jackson's
 * `StreamReadConstraints` default, which Elasticsearch's parser inherits. Objects alone are
 * bounded sooner by the mapping depth limit (20).
 */
export const MAX_NESTING = 1000;

/** A value for an error message: JSON, cut short (a refused value may be megabytes long). */
function shown(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 120 ? `${JSON.stringify(value.slice(0, 120))}...` : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  return Array.isArray(value) ? '[an array]' : 'an object';
}

function conflict(event: StoredEvent, path: string, value: unknown, reason: string): AlertkitError {
  return new AlertkitError(
    'MAPPING_CONFLICT',
    `event ${event._index}/${event._id}: field "${path}" cannot hold ${shown(value)}: ${reason}`,
    { details: { index: event._index, id: event._id, field: path, value } },
  );
}

/** An event Elasticsearch refuses as a whole (a limit, not one value's type). */
function refused(event: StoredEvent, path: string, reason: string): AlertkitError {
  return new AlertkitError(
    'MAPPING_CONFLICT',
    `event ${event._index}/${event._id}: refused at "${path || '_doc'}": ${reason}`,
    { details: { index: event._index, id: event._id, field: path } },
  );
}

/**
 * Number literals of an event whose JSON source text differs from JavaScript's
 * `String(number)` (`1.0`, `1e3`, `12345678901234567890`): by field path, then by the value's
 * position among that field's values. A keyword field indexes that text, as Elasticsearch does.
 * The events reader attaches it to `_source` under {@link NUMBER_SOURCE_TEXTS}.
 */
export type NumberSourceTexts = Map<string, Map<number, string>>;

/** The (non-enumerable) property of `_source` holding its {@link NumberSourceTexts}. */
export const NUMBER_SOURCE_TEXTS: unique symbol = Symbol.for('alertkit.numberSourceTexts');

function mappingKind(value: Leaf, dateDetection: boolean): JsonMappingType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (typeof value === 'string') {
    // Date detection needs at least a full date, so a bare year stays a string.
    if (dateDetection && /^\d{4}-\d{2}-\d{2}/.test(value) && parseDateInterval(value))
      return 'date';
    return 'string';
  }
  return 'object';
}

/**
 * Walks one event at a time. One parser per mapping is reused across events (its maps are
 * cleared, not reallocated): at hundreds of thousands of events a second, the per-event maps
 * were a good part of ingest's garbage.
 */
class EventParser {
  readonly #mapping: IndexMapping;
  #event: StoredEvent;
  readonly #pending = new Map<string, FieldMapping>();
  #newMappings: [string, FieldMapping][] = [];
  readonly #leaves = new Map<string, Leaf[]>();
  #numberTexts: NumberSourceTexts | undefined;

  constructor(mapping: IndexMapping, event: StoredEvent) {
    this.#mapping = mapping;
    this.#event = event;
  }

  /** Starts on a new event. */
  reset(event: StoredEvent): void {
    this.#event = event;
    this.#pending.clear();
    this.#leaves.clear();
    if (this.#newMappings.length > 0) this.#newMappings = [];
    this.#numberTexts = (event._source as { [NUMBER_SOURCE_TEXTS]?: NumberSourceTexts })[
      NUMBER_SOURCE_TEXTS
    ];
  }

  #lookup(path: string): FieldMapping | undefined {
    return this.#mapping.get(path) ?? this.#pending.get(path);
  }

  #define(entries: [string, FieldMapping][]): void {
    const total = this.#mapping.fieldCount + this.#pending.size + entries.length;
    const limit = this.#mapping.limits.totalFields;
    if (total > limit) {
      throw refused(
        this.#event,
        entries[0]?.[0] ?? '',
        `Limit of total fields [${limit}] has been exceeded while adding new fields [${this.#pending.size + entries.length}]`,
      );
    }
    for (const entry of entries) {
      this.#pending.set(entry[0], entry[1]);
      this.#newMappings.push(entry);
    }
  }

  #dynamicFor(parent: string): 'true' | 'false' | 'strict' {
    for (let p = parent; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const setting = this.#lookup(p)?.dynamic;
      if (setting) return setting;
    }
    return this.#mapping.dynamic;
  }

  /** Whether a new field at `path` may be mapped; throws for `strict`. */
  #mayMap(path: string, value: unknown): boolean {
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const setting = this.#dynamicFor(parent);
    if (setting === 'strict')
      throw conflict(
        this.#event,
        path,
        value,
        `dynamic mapping is strict in "${parent || '_doc'}"`,
      );
    return setting === 'true';
  }

  /**
   * `depth` counts the objects (below the root) around `value` (the mapping depth limit), `nesting` objects and
   * arrays (the parser's limit): both are checked before going deeper, so no input, however
   * deep, can overflow the stack.
   */
  walk(value: JsonValue, path: string, depth = 0, nesting = 0): void {
    if (value === null) return;
    if (typeof value === 'object' && nesting >= MAX_NESTING) {
      throw refused(
        this.#event,
        path,
        `Document nesting depth (${nesting + 1}) exceeds the maximum allowed (${MAX_NESTING})`,
      );
    }
    if (Array.isArray(value)) {
      for (const element of value) this.walk(element, path, depth, nesting + 1);
      return;
    }
    // Elasticsearch's depth of an object field is its dots + 2 (the root object counts as 1):
    // `depth` objects enclose this one, so it is object number `depth + 1` below the root.
    if (isObject(value) && path !== '' && depth + 2 > this.#mapping.limits.depth) {
      throw refused(
        this.#event,
        path,
        `Limit of mapping depth [${this.#mapping.limits.depth}] has been exceeded due to object field [${path}]`,
      );
    }
    if (isObject(value) && path !== '') {
      const field = this.#lookup(path);
      if (field?.type === 'geo_point') {
        this.#leaf(path, value);
        return;
      }
      if (field && field.type !== 'object') {
        throw conflict(this.#event, path, value, `it is mapped as ${field.type}, not as an object`);
      }
      if (!field) {
        if (!this.#mayMap(path, value)) return;
        this.#define([[path, { type: 'object' }]]);
      }
    }
    if (isObject(value)) {
      const inner = path === '' ? depth : depth + 1;
      for (const key in value)
        this.walk(
          value[key] as JsonValue,
          path === '' ? key : `${path}.${key}`,
          inner,
          nesting + 1,
        );
      return;
    }
    this.#leaf(path, value);
  }

  #leaf(path: string, value: Leaf): void {
    const field = this.#lookup(path);
    if (field?.type === 'object') {
      throw conflict(this.#event, path, value, 'it is mapped as an object, not as a value');
    }
    if (!field) {
      if (!this.#mayMap(path, value)) return;
      this.#define(
        this.#mapping.dynamicMapping(path, mappingKind(value, this.#mapping.dateDetection)),
      );
    }
    const list = this.#leaves.get(path);
    if (list) list.push(value);
    else this.#leaves.set(path, [value]);
  }

  finish(): PreparedEvent {
    const fields: IndexedField[] = [];
    for (const [path, values] of this.#leaves) {
      const field = this.#lookup(path);
      if (!field) continue;
      const texts = this.#numberTexts?.get(path);
      fields.push(this.#index(path, field, values, texts));
      for (const sub of field.subFields ?? []) {
        const subField = this.#lookup(sub);
        if (subField) fields.push(this.#index(sub, subField, values, texts));
      }
    }
    return { fields, newMappings: this.#newMappings };
  }

  /** `texts`: source texts of number values by position in `values` (see {@link NumberSourceTexts}). */
  #index(
    path: string,
    field: FieldMapping,
    values: Leaf[],
    texts: Map<number, string> | undefined,
  ): IndexedField {
    const event = this.#event;
    switch (field.type) {
      case 'keyword': {
        const terms: string[] = [];
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as Leaf;
          if (typeof v === 'object')
            throw conflict(event, path, v, 'a keyword field holds strings, numbers or booleans');
          const text = (typeof v === 'number' ? texts?.get(i) : undefined) ?? keywordText(v);
          // ignore_above counts characters; Lucene's term limit counts UTF-8 bytes.
          if (field.ignoreAbove !== undefined && text.length > field.ignoreAbove) continue;
          if (
            text.length > MAX_TERM_BYTES / 3 &&
            Buffer.byteLength(text, 'utf8') > MAX_TERM_BYTES
          ) {
            throw refused(
              event,
              path,
              `Document contains at least one immense term in field="${path}" (whose UTF8 encoding is longer than the max length ${MAX_TERM_BYTES}), all of which were skipped: bytes can be at most ${MAX_TERM_BYTES} in length; got ${Buffer.byteLength(text, 'utf8')}`,
            );
          }
          terms.push(text);
        }
        return { path, kind: 'terms', terms };
      }
      case 'text':
        return this.#indexText(path, values, texts);
      case 'ip':
        return {
          path,
          kind: 'terms',
          terms: values.map((v) => {
            const ip = parseIp(v);
            if (!ip) throw conflict(event, path, v, 'not an IP address');
            return ip.display;
          }),
        };
      case 'boolean':
        return {
          path,
          kind: 'terms',
          terms: values.map((v) => {
            const b = parseBoolean(v);
            if (b === undefined)
              throw conflict(
                event,
                path,
                v,
                'only true, false, "true", "false" and "" are booleans',
              );
            return String(b);
          }),
        };
      case 'geo_point':
        return { path, kind: 'terms', terms: this.#geoPoints(path, values) };
      case 'date':
        return {
          path,
          kind: 'numbers',
          numbers: values.map((v) => {
            const interval =
              typeof v === 'object' || typeof v === 'boolean' ? undefined : parseDateInterval(v);
            if (!interval)
              throw conflict(event, path, v, 'not a dateOptionalTime date or epoch milliseconds');
            return interval.start;
          }),
        };
      case 'object':
        throw conflict(event, path, values[0], 'it is mapped as an object');
      case 'long':
      case 'integer':
      case 'short':
      case 'byte':
      case 'double':
      case 'float':
      case 'half_float':
      case 'scaled_float': {
        const integer =
          field.type === 'long' ||
          field.type === 'integer' ||
          field.type === 'short' ||
          field.type === 'byte';
        return {
          path,
          kind: 'numbers',
          numbers: values.map((v) => {
            const n = typeof v === 'object' ? undefined : parseNumber(v);
            if (n === undefined) throw conflict(event, path, v, `not a number (${field.type})`);
            return integer ? Math.trunc(n) : n;
          }),
        };
      }
    }
  }

  #indexText(path: string, values: Leaf[], texts: Map<number, string> | undefined): IndexedField {
    const terms: string[] = [];
    const positions: number[] = [];
    let position = -1;
    values.forEach((v, i) => {
      if (typeof v === 'object') throw conflict(this.#event, path, v, 'a text field holds strings');
      // Values of an array are separate: the next one starts POSITION_INCREMENT_GAP further on,
      // so a phrase never spans two values (Lucene's position_increment_gap).
      if (i > 0) position += POSITION_INCREMENT_GAP;
      const base = position + 1;
      const text = (typeof v === 'number' ? texts?.get(i) : undefined) ?? keywordText(v);
      for (const token of analyze(text)) {
        terms.push(token.token);
        position = base + token.position;
        positions.push(position);
      }
    });
    return { path, kind: 'terms', terms, positions };
  }

  #geoPoints(path: string, values: Leaf[]): string[] {
    const points: string[] = [];
    // Numbers come from `[lon, lat]` pairs (possibly several, flattened): pair them back up.
    const numbers = values.filter((v): v is number => typeof v === 'number');
    for (let i = 0; i + 1 < numbers.length; i += 2) points.push(`${numbers[i + 1]},${numbers[i]}`);
    if (numbers.length % 2 === 1)
      throw conflict(this.#event, path, numbers, 'a geo_point array is [lon, lat]');
    for (const v of values) {
      if (typeof v === 'number') continue;
      if (typeof v === 'object' && typeof v.lat === 'number' && typeof v.lon === 'number')
        points.push(`${v.lat},${v.lon}`);
      else if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/.test(v))
        points.push(v.replace(/\s/g, ''));
      else if (typeof v === 'string' && /^[0-9b-hjkmnp-z]{1,12}$/.test(v)) points.push(v);
      else
        throw conflict(
          this.#event,
          path,
          v,
          'not a geo_point ({lat, lon}, "lat,lon", geohash or [lon, lat])',
        );
    }
    return points;
  }
}

const parsers = new WeakMap<IndexMapping, EventParser>();

/**
 * Parses an event against the mapping: its indexed values per field and the dynamic mappings
 * it needs. Throws `MAPPING_CONFLICT` (naming event, field and value) when Elasticsearch would
 * refuse to index it.
 */
export function prepareEvent(mapping: IndexMapping, event: StoredEvent): PreparedEvent {
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof event._id !== 'string' ||
    typeof event._index !== 'string' ||
    !isObject(event._source)
  ) {
    throw new AlertkitError(
      'EVENT_INVALID',
      `an event must be {_index: string, _id: string, _source: object}, got ${shown(event)}`,
    );
  }
  let parser = parsers.get(mapping);
  if (!parser) parsers.set(mapping, (parser = new EventParser(mapping, event)));
  parser.reset(event);
  parser.walk(event._source, '');
  return parser.finish();
}
