import { AlertkitError, type JsonValue, type StoredEvent } from '@alertkit/core';
import { analyze } from '../analysis/analyze.js';
import type { FieldMapping, IndexMapping, JsonMappingType } from './mapping.js';
import { type NumberSourceTexts, numberTextsOfSource } from './sourceText.js';
import {
  keywordText,
  parseBoolean,
  parseDateInterval,
  parseDateStart,
  parseIp,
  parseNumber,
} from './values.js';

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

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

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
 * A field path as the parser walks it: the path's text (built once, so its hash is computed
 * once), its mapping once it has one, and the values one event holds there. Children are kept
 * only for mapped paths: keys Elasticsearch would refuse (attacker-written) do not pile up.
 */
class PathNode {
  readonly path: string;
  readonly children = new Map<string, PathNode>();
  /** The path's mapping, cached once it exists (a mapped field never changes). */
  field: FieldMapping | undefined;
  /** The event (parser's counter) {@link PathNode.values} belong to. */
  stamp = -1;
  values: Leaf[] = [];

  constructor(path: string) {
    this.path = path;
  }
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
  readonly #root = new PathNode('');
  /** The paths holding values in this event, in first-seen order. */
  readonly #touched: PathNode[] = [];
  /** How many of {@link EventParser.#touched} belong to this event (reused, not truncated). */
  #touchedCount = 0;
  #stamp = 0;
  /** Children added for unmapped paths: dropped unless the event maps them (see finish). */
  readonly #added: [PathNode, string][] = [];
  #finished = true;
  /** The event's number source texts: computed when a keyword or text field meets a number. */
  #numberTexts: NumberSourceTexts | undefined | null;

  constructor(mapping: IndexMapping, event: StoredEvent) {
    this.#mapping = mapping;
    this.#event = event;
  }

  /** Starts on a new event. */
  reset(event: StoredEvent): void {
    this.#event = event;
    if (this.#pending.size > 0) this.#pending.clear();
    this.#touchedCount = 0;
    this.#stamp++;
    if (!this.#finished) for (const [parent, key] of this.#added) parent.children.delete(key);
    if (this.#added.length > 0) this.#added.length = 0;
    this.#finished = false;
    if (this.#newMappings.length > 0) this.#newMappings = [];
    this.#numberTexts = null;
  }

  #lookup(path: string): FieldMapping | undefined {
    return this.#mapping.get(path) ?? this.#pending.get(path);
  }

  #field(node: PathNode): FieldMapping | undefined {
    return (
      node.field ?? (node.field = this.#mapping.get(node.path)) ?? this.#pending.get(node.path)
    );
  }

  #child(node: PathNode, key: string): PathNode {
    const known = node.children.get(key);
    if (known) return known;
    const child = new PathNode(node.path === '' ? key : `${node.path}.${key}`);
    // Kept for the event (so all values of an array of objects meet), and afterwards only if
    // the path got mapped (see finish).
    node.children.set(key, child);
    if (!this.#mapping.get(child.path)) this.#added.push([node, key]);
    return child;
  }

  /** Walks an event's `_source`. */
  walkSource(source: { [key: string]: JsonValue }): void {
    this.walk(source, this.#root);
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
  walk(value: JsonValue, node: PathNode, depth = 0, nesting = 0): void {
    if (value === null) return;
    const path = node.path;
    if (typeof value === 'object' && nesting >= MAX_NESTING) {
      throw refused(
        this.#event,
        path,
        `Document nesting depth (${nesting + 1}) exceeds the maximum allowed (${MAX_NESTING})`,
      );
    }
    if (Array.isArray(value)) {
      for (const element of value) this.walk(element, node, depth, nesting + 1);
      return;
    }
    if (!isObject(value)) {
      this.#leaf(node, value);
      return;
    }
    if (path !== '') {
      // Elasticsearch's depth of an object field is its dots + 2 (the root object counts as
      // 1): `depth` objects enclose this one, so it is object number `depth + 1` below the root.
      if (depth + 2 > this.#mapping.limits.depth) {
        throw refused(
          this.#event,
          path,
          `Limit of mapping depth [${this.#mapping.limits.depth}] has been exceeded due to object field [${path}]`,
        );
      }
      const field = this.#field(node);
      if (field?.type === 'geo_point') {
        this.#leaf(node, value);
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
    const inner = path === '' ? depth : depth + 1;
    for (const key in value)
      this.walk(value[key] as JsonValue, this.#child(node, key), inner, nesting + 1);
  }

  #leaf(node: PathNode, value: Leaf): void {
    const path = node.path;
    const field = this.#field(node);
    if (field?.type === 'object') {
      throw conflict(this.#event, path, value, 'it is mapped as an object, not as a value');
    }
    if (!field) {
      if (!this.#mayMap(path, value)) return;
      this.#define(
        this.#mapping.dynamicMapping(path, mappingKind(value, this.#mapping.dateDetection)),
      );
    }
    if (node.stamp !== this.#stamp) {
      node.stamp = this.#stamp;
      // A fresh array: cheaper than truncating the last event's (`length = 0` is a slow path).
      node.values = [value];
      this.#touched[this.#touchedCount++] = node;
    } else node.values.push(value);
  }

  finish(): PreparedEvent {
    this.#finished = true;
    for (const [parent, key] of this.#added) {
      const child = parent.children.get(key);
      if (child && !this.#pending.has(child.path)) parent.children.delete(key);
    }
    const fields: IndexedField[] = [];
    for (let t = 0; t < this.#touchedCount; t++) {
      const node = this.#touched[t] as PathNode;
      const field = this.#field(node);
      if (!field) continue;
      const { path, values } = node;
      const texts =
        (field.type === 'keyword' || field.type === 'text') && values.some(isNumber)
          ? this.#numberTextsOf(path)
          : undefined;
      fields.push(this.#index(path, field, values, texts));
      for (const sub of field.subFields ?? []) {
        const subField = this.#lookup(sub);
        if (subField) fields.push(this.#index(sub, subField, values, texts));
      }
    }
    return { fields, newMappings: this.#newMappings };
  }

  #numberTextsOf(path: string): Map<number, string> | undefined {
    if (this.#numberTexts === null) this.#numberTexts = numberTextsOfSource(this.#event._source);
    return this.#numberTexts?.get(path);
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
            const start =
              typeof v === 'object' || typeof v === 'boolean' ? undefined : parseDateStart(v);
            if (start === undefined)
              throw conflict(event, path, v, 'not a dateOptionalTime date or epoch milliseconds');
            return start;
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

/**
 * A function that parses events against the mapping: each event's indexed values per field and
 * the dynamic mappings it needs. It throws `MAPPING_CONFLICT` (naming event, field and value)
 * when Elasticsearch would refuse to index the event.
 *
 * The one parser it reuses belongs to its caller (an index holds its own), not to a module-level
 * `WeakMap` keyed by the mapping: V8's scavenger treats such a table's entries as live, so every
 * store made since the last full collection (the harness makes one per case) survived each
 * young-generation collection and was copied on to the old generation.
 */
export function eventPreparer(mapping: IndexMapping): (event: StoredEvent) => PreparedEvent {
  let parser: EventParser | undefined;
  return (event) => {
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
    parser ??= new EventParser(mapping, event);
    parser.reset(event);
    parser.walkSource(event._source);
    return parser.finish();
  };
}
