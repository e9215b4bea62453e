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

function conflict(event: StoredEvent, path: string, value: unknown, reason: string): AlertkitError {
  return new AlertkitError(
    'MAPPING_CONFLICT',
    `event ${event._index}/${event._id}: field "${path}" cannot hold ${JSON.stringify(value)}: ${reason}`,
    { details: { index: event._index, id: event._id, field: path, value } },
  );
}

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

class EventParser {
  readonly #mapping: IndexMapping;
  readonly #event: StoredEvent;
  readonly #pending = new Map<string, FieldMapping>();
  readonly #newMappings: [string, FieldMapping][] = [];
  readonly #leaves = new Map<string, Leaf[]>();

  constructor(mapping: IndexMapping, event: StoredEvent) {
    this.#mapping = mapping;
    this.#event = event;
  }

  #lookup(path: string): FieldMapping | undefined {
    return this.#mapping.get(path) ?? this.#pending.get(path);
  }

  #define(entries: [string, FieldMapping][]): void {
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

  walk(value: JsonValue, path: string): void {
    if (value === null) return;
    if (Array.isArray(value)) {
      for (const element of value) this.walk(element, path);
      return;
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
      for (const [key, child] of Object.entries(value))
        this.walk(child, path === '' ? key : `${path}.${key}`);
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
      fields.push(this.#index(path, field, values));
      for (const sub of field.subFields ?? []) {
        const subField = this.#lookup(sub);
        if (subField) fields.push(this.#index(sub, subField, values));
      }
    }
    return { fields, newMappings: this.#newMappings };
  }

  #index(path: string, field: FieldMapping, values: Leaf[]): IndexedField {
    const event = this.#event;
    switch (field.type) {
      case 'keyword': {
        const terms: string[] = [];
        for (const v of values) {
          if (typeof v === 'object')
            throw conflict(event, path, v, 'a keyword field holds strings, numbers or booleans');
          const text = keywordText(v);
          if (field.ignoreAbove === undefined || text.length <= field.ignoreAbove) terms.push(text);
        }
        return { path, kind: 'terms', terms };
      }
      case 'text':
        return this.#indexText(path, values);
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

  #indexText(path: string, values: Leaf[]): IndexedField {
    const terms: string[] = [];
    const positions: number[] = [];
    let position = -1;
    values.forEach((v, i) => {
      if (typeof v === 'object') throw conflict(this.#event, path, v, 'a text field holds strings');
      // Values of an array are separate: the next one starts POSITION_INCREMENT_GAP further on,
      // so a phrase never spans two values (Lucene's position_increment_gap).
      if (i > 0) position += POSITION_INCREMENT_GAP;
      const base = position + 1;
      for (const token of analyze(keywordText(v))) {
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
      `an event must be {_index: string, _id: string, _source: object}, got ${JSON.stringify(event)?.slice(0, 200)}`,
    );
  }
  const parser = new EventParser(mapping, event);
  parser.walk(event._source, '');
  return parser.finish();
}
