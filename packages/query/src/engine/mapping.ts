import { AlertkitError } from '@alertkit/core';
import mozdefEventsTemplate from './mozdefEventsMapping.json';

/** The field types the engine indexes (Elasticsearch names). */
export type FieldType =
  | 'text'
  | 'keyword'
  | 'date'
  | 'ip'
  | 'boolean'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'double'
  | 'float'
  | 'half_float'
  | 'scaled_float'
  | 'geo_point'
  | 'object';

const FIELD_TYPES = new Set<string>([
  'text',
  'keyword',
  'date',
  'ip',
  'boolean',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'geo_point',
  'object',
]);

/** Numeric field types (compared as numbers). */
export const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
]);

/** What an object does with fields its mapping does not name (Elasticsearch `dynamic`). */
export type DynamicSetting = 'true' | 'false' | 'strict';

/** One field of a mapping. */
export interface FieldMapping {
  type: FieldType;
  /** Keyword values longer than this are kept in `_source` but not indexed. */
  ignoreAbove?: number;
  /** Multi-fields (`fields`): dotted paths of the sub-fields indexed from the same value. */
  subFields?: string[];
  /** For objects: how unknown sub-fields are handled (inherited when absent). */
  dynamic?: DynamicSetting;
}

/** A JSON value's kind as dynamic mapping sees it (`match_mapping_type`). */
export type JsonMappingType = 'string' | 'long' | 'double' | 'boolean' | 'object' | 'date';

interface DynamicTemplate {
  name: string;
  match?: string;
  unmatch?: string;
  pathMatch?: string;
  pathUnmatch?: string;
  matchMappingType?: string;
  regex: boolean;
  mapping: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): AlertkitError {
  return new AlertkitError('CONFIG_INVALID', `index mapping: ${message}`);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
}

/** Templates' patterns, compiled once (they come from mappings, not events: a few dozen). */
const compiledPatterns = new Map<string, RegExp>();

function matches(pattern: string | undefined, value: string, regex: boolean): boolean | undefined {
  if (pattern === undefined) return undefined;
  const key = `${regex ? 'r' : 'g'}${pattern}`;
  let compiled = compiledPatterns.get(key);
  if (!compiled) {
    compiled = regex ? new RegExp(pattern) : globToRegExp(pattern);
    compiledPatterns.set(key, compiled);
  }
  return compiled.test(value);
}

/**
 * Dynamic templates' mappings by field path and JSON kind, per template list: a store per test
 * case maps the same fields anew, and applying a template (substituting, parsing its mapping)
 * was ~6% of a case. Bounded: field names are written by whoever writes the events.
 */
const templateResults = new WeakMap<DynamicTemplate[], Map<string, [string, FieldMapping][]>>();
const TEMPLATE_RESULTS_KEPT = 4096;

function parseDynamic(value: unknown, where: string): DynamicSetting | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  if (value === 'strict') return 'strict';
  throw invalid(`${where}.dynamic must be true, false or "strict", got ${JSON.stringify(value)}`);
}

/**
 * An index mapping: the explicit properties plus the fields dynamic mapping added while
 * ingesting (like an Elasticsearch index, the mapping only grows; a field's type never changes).
 */
/** Elasticsearch's default `index.mapping.total_fields.limit`. */
export const DEFAULT_TOTAL_FIELDS_LIMIT = 1000;
/** Elasticsearch's default `index.mapping.depth.limit` (object nesting). */
export const DEFAULT_DEPTH_LIMIT = 20;

/** The index settings that bound what a mapping may grow to (Elasticsearch's `index.mapping.*`). */
export interface MappingLimits {
  /** `index.mapping.total_fields.limit`: fields (objects and multi-fields included). Default 1,000. */
  totalFields: number;
  /** `index.mapping.depth.limit`: how deep objects may nest. Default 20. */
  depth: number;
}

/** An {@link IndexMapping} as plain data (see {@link IndexMapping.state}). */
export interface MappingState {
  body: Record<string, unknown>;
  limits: MappingLimits;
  fields: [string, FieldMapping][];
}

function copyField(field: FieldMapping): FieldMapping {
  return field.subFields ? { ...field, subFields: [...field.subFields] } : { ...field };
}

/** Whether two field mappings are the same (as dynamic mapping writes them). */
export function sameField(a: FieldMapping, b: FieldMapping): boolean {
  return (
    a.type === b.type &&
    a.ignoreAbove === b.ignoreAbove &&
    a.dynamic === b.dynamic &&
    (a.subFields ?? []).join('\n') === (b.subFields ?? []).join('\n')
  );
}

export class IndexMapping {
  /** The fields this mapping added to {@link IndexMapping.#base} (or all of them, without one). */
  readonly #fields = new Map<string, FieldMapping>();
  /** The fields of a frozen mapping this one was cloned from, shared rather than copied. */
  #base: ReadonlyMap<string, FieldMapping> | undefined;
  #frozen = false;
  /** The limits dynamic mapping must stay within (from the index settings, or ES defaults). */
  readonly limits: MappingLimits;
  readonly #templates: DynamicTemplate[];
  readonly dateDetection: boolean;
  readonly dynamic: DynamicSetting;
  #leafCache: string[] | undefined;
  readonly #body: Record<string, unknown>;

  /** `copyOf`: a mapping of the same body whose parsed fields are copied instead (see clone). */
  constructor(
    body: Record<string, unknown>,
    limits: Partial<MappingLimits> = {},
    copyOf?: IndexMapping,
  ) {
    this.#body = body;
    this.limits = {
      totalFields: limits.totalFields ?? DEFAULT_TOTAL_FIELDS_LIMIT,
      depth: limits.depth ?? DEFAULT_DEPTH_LIMIT,
    };
    this.dateDetection = body.date_detection === undefined ? true : body.date_detection === true;
    this.dynamic = parseDynamic(body.dynamic, 'mapping') ?? 'true';
    if (copyOf) {
      this.#templates = copyOf.#templates;
      // A frozen mapping never changes: share its fields (a store per test case clones MozDef's).
      if (copyOf.#frozen) this.#base = copyOf.#fields;
      else for (const [path, field] of copyOf.#all()) this.#fields.set(path, copyField(field));
      return;
    }
    this.#templates = IndexMapping.#readTemplates(body.dynamic_templates);
    if (body.properties !== undefined) this.#readProperties(body.properties, '');
  }

  static #readTemplates(raw: unknown): DynamicTemplate[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw invalid('dynamic_templates must be an array');
    return raw.map((entry: unknown, i) => {
      const named = isRecord(entry) ? Object.entries(entry) : [];
      const [name, spec] = named[0] ?? [];
      if (named.length !== 1 || name === undefined || !isRecord(spec) || !isRecord(spec.mapping)) {
        throw invalid(`dynamic_templates[${i}] must be {"<name>": {"mapping": {...}, ...}}`);
      }
      const text = (key: string): string | undefined =>
        typeof spec[key] === 'string' ? spec[key] : undefined;
      const template: DynamicTemplate = {
        name,
        regex: spec.match_pattern === 'regex',
        mapping: spec.mapping,
      };
      for (const [key, prop] of [
        ['match', 'match'],
        ['unmatch', 'unmatch'],
        ['path_match', 'pathMatch'],
        ['path_unmatch', 'pathUnmatch'],
        ['match_mapping_type', 'matchMappingType'],
      ] as const) {
        const value = text(key);
        if (value !== undefined) template[prop] = value;
      }
      return template;
    });
  }

  #readProperties(raw: unknown, prefix: string): void {
    if (!isRecord(raw)) throw invalid(`${prefix || 'mapping'}.properties must be an object`);
    for (const [name, spec] of Object.entries(raw)) {
      const path = prefix + name;
      if (!isRecord(spec)) throw invalid(`property ${path} must be an object`);
      this.#define(path, spec);
    }
  }

  #define(path: string, spec: Record<string, unknown>): void {
    const type =
      spec.type === undefined ? (spec.properties !== undefined ? 'object' : undefined) : spec.type;
    if (type === 'nested')
      throw invalid(`property ${path}: type nested is not supported (MozDef uses plain objects)`);
    if (typeof type !== 'string' || !FIELD_TYPES.has(type)) {
      throw invalid(`property ${path} has unsupported type ${JSON.stringify(type)}`);
    }
    const field: FieldMapping = { type: type as FieldType };
    if (typeof spec.ignore_above === 'number') field.ignoreAbove = spec.ignore_above;
    const dynamic = parseDynamic(spec.dynamic, path);
    if (dynamic) field.dynamic = dynamic;
    this.#fields.set(path, field);
    this.#leafCache = undefined;
    if (type === 'object' && spec.properties !== undefined)
      this.#readProperties(spec.properties, `${path}.`);
    if (spec.fields !== undefined) {
      if (!isRecord(spec.fields)) throw invalid(`property ${path}.fields must be an object`);
      field.subFields = [];
      for (const [sub, subSpec] of Object.entries(spec.fields)) {
        if (!isRecord(subSpec)) throw invalid(`property ${path}.fields.${sub} must be an object`);
        this.#define(`${path}.${sub}`, subSpec);
        field.subFields.push(`${path}.${sub}`);
      }
    }
  }

  /** Number of mapped fields, objects and multi-fields included (what the total fields limit counts). */
  get fieldCount(): number {
    return this.#fields.size + (this.#base?.size ?? 0);
  }

  /** The mapping of a field or object path, if it is mapped. */
  get(path: string): FieldMapping | undefined {
    return this.#base?.get(path) ?? this.#fields.get(path);
  }

  /** Every field, in mapping order (the shared ones first). */
  *#all(): Generator<[string, FieldMapping]> {
    if (this.#base) yield* this.#base;
    yield* this.#fields;
  }

  /**
   * Makes this mapping read-only: its clones then share its fields instead of copying them.
   * For a mapping that is only ever cloned (MozDef's, parsed once per process).
   */
  freeze(): this {
    this.#frozen = true;
    for (const field of this.#fields.values()) {
      if (field.subFields) Object.freeze(field.subFields);
      Object.freeze(field);
    }
    return this;
  }

  /** Every mapped path that holds values (not objects), in mapping order. */
  leafFields(): readonly string[] {
    this.#leafCache ??= [...this.#all()]
      .filter(([, f]) => f.type !== 'object')
      .map(([path]) => path);
    return this.#leafCache;
  }

  /** The mapped leaf fields under an object path (`details` -> `details.x`, `details.y.z`). */
  leavesUnder(objectPath: string): string[] {
    const prefix = `${objectPath}.`;
    return this.leafFields().filter((path) => path.startsWith(prefix));
  }

  /** The `dynamic` setting in force for new fields directly inside `objectPath` ('' = root). */
  dynamicFor(objectPath: string): DynamicSetting {
    for (
      let path = objectPath;
      path !== '';
      path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : ''
    ) {
      const setting = this.get(path)?.dynamic;
      if (setting) return setting;
    }
    return this.dynamic;
  }

  /**
   * The mapping Elasticsearch would create for a new field: the first matching dynamic
   * template, else the default dynamic mapping (string -> text with a `keyword` sub-field,
   * long -> long, double -> float, boolean -> boolean, date-looking string -> date when
   * `date_detection` is on). Returns the field and its sub-fields, in creation order; the
   * caller commits them with {@link IndexMapping.add} once the whole event is accepted.
   */
  dynamicMapping(path: string, kind: JsonMappingType): [string, FieldMapping][] {
    if (this.#templates.length === 0) return this.#applyTemplates(path, kind);
    let results = templateResults.get(this.#templates);
    if (!results)
      templateResults.set(this.#templates, (results = new Map<string, [string, FieldMapping][]>()));
    const key = `${kind}\u0000${path}`;
    let entries = results.get(key);
    if (!entries) {
      entries = this.#applyTemplates(path, kind);
      if (results.size < TEMPLATE_RESULTS_KEPT) results.set(key, entries);
    }
    // Copies: the caller's mapping keeps them.
    return entries.map(([p, f]) => [p, copyField(f)]);
  }

  #applyTemplates(path: string, kind: JsonMappingType): [string, FieldMapping][] {
    const leaf = path.slice(path.lastIndexOf('.') + 1);
    for (const template of this.#templates) {
      if (
        template.matchMappingType !== undefined &&
        template.matchMappingType !== '*' &&
        template.matchMappingType !== kind
      )
        continue;
      if (matches(template.match, leaf, template.regex) === false) continue;
      if (matches(template.unmatch, leaf, template.regex) === true) continue;
      if (matches(template.pathMatch, path, template.regex) === false) continue;
      if (matches(template.pathUnmatch, path, template.regex) === true) continue;
      const dynamicType = kind === 'string' ? 'text' : kind === 'double' ? 'float' : kind;
      const spec = JSON.parse(
        JSON.stringify(template.mapping)
          .replaceAll('{dynamic_type}', dynamicType)
          .replaceAll('{name}', leaf),
      ) as Record<string, unknown>;
      spec.type ??= defaultType(kind);
      const scratch = new IndexMapping({ properties: { [leaf]: spec } });
      return scratch.#entries().map(([p, f]) => [path + p.slice(leaf.length), f]);
    }
    if (kind === 'string') {
      return [
        [path, { type: 'text', subFields: [`${path}.keyword`] }],
        [`${path}.keyword`, { type: 'keyword', ignoreAbove: 256 }],
      ];
    }
    return [[path, { type: defaultType(kind) }]];
  }

  #entries(): [string, FieldMapping][] {
    return [...this.#all()];
  }

  /** Records fields created by dynamic mapping. */
  add(entries: readonly [string, FieldMapping][]): void {
    if (this.#frozen) throw new Error('index mapping: a frozen mapping cannot grow (clone it)');
    // A path already mapped is never mapped again (dynamic mapping maps new paths only).
    for (const [path, field] of entries) if (!this.#base?.has(path)) this.#fields.set(path, field);
    this.#leafCache = undefined;
  }

  /**
   * The mapping as plain data that survives a structured clone (its body, limits and every
   * field, dynamic ones included): {@link IndexMapping.fromState} rebuilds it, e.g. in a worker
   * that indexes part of a load.
   */
  state(): MappingState {
    return { body: this.#body, limits: { ...this.limits }, fields: this.#copiedEntries() };
  }

  /** The mapping a {@link IndexMapping.state} describes. */
  static fromState(state: MappingState): IndexMapping {
    const mapping = new IndexMapping(state.body, state.limits);
    mapping.#fields.clear();
    for (const [path, field] of state.fields) mapping.#fields.set(path, copyField(field));
    return mapping;
  }

  #copiedEntries(): [string, FieldMapping][] {
    return [...this.#all()].map(([path, field]) => [path, copyField(field)]);
  }

  /** An independent copy (dynamic fields included) that can grow without changing this one. */
  clone(): IndexMapping {
    // The parsed fields are copied, not the body read again: a store per test case clones one.
    return new IndexMapping(this.#body, this.limits, this);
  }
}

function defaultType(kind: JsonMappingType): FieldType {
  switch (kind) {
    case 'string':
      return 'text';
    case 'long':
      return 'long';
    case 'double':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'object':
      return 'object';
  }
}

/** A positive integer index setting, flat (`"index.mapping.x.limit"`) or nested. */
function limitSetting(settings: unknown, path: readonly string[]): number | undefined {
  if (!isRecord(settings)) return undefined;
  const index = isRecord(settings.index) ? settings.index : settings;
  let value: unknown = settings[`index.${path.join('.')}`] ?? index[path.join('.')];
  if (value === undefined) {
    let node: unknown = index;
    for (const key of path) node = isRecord(node) ? node[key] : undefined;
    value = node;
  }
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw invalid(`settings index.${path.join('.')} must be a positive integer`);
  return n;
}

/**
 * Reads an Elasticsearch mapping: an index template or `PUT index` body in the Elasticsearch 6
 * typed form (`{mappings: {_doc: {...}}}`, as MozDef's template is), the typeless form
 * (`{mappings: {properties, dynamic_templates, ...}}`), a composable template
 * (`{template: {mappings}}`), or a bare `{properties}`. Throws `CONFIG_INVALID` naming the part
 * that is wrong. The index settings' `index.mapping.total_fields.limit` and
 * `index.mapping.depth.limit`, when given beside the mappings, bound dynamic mapping.
 */
export function parseMapping(input: unknown): IndexMapping {
  if (!isRecord(input)) throw invalid('expected a JSON object');
  // Limits live in the index settings, beside the mappings (index template or `PUT index` body).
  const settings = isRecord(input.template) ? input.template.settings : input.settings;
  const limits: Partial<MappingLimits> = {};
  const totalFields = limitSetting(settings, ['mapping', 'total_fields', 'limit']);
  if (totalFields !== undefined) limits.totalFields = totalFields;
  const depth = limitSetting(settings, ['mapping', 'depth', 'limit']);
  if (depth !== undefined) limits.depth = depth;
  let body: unknown = input;
  if (isRecord(input.template) && input.mappings === undefined) body = input.template;
  if (isRecord(body) && body.mappings !== undefined) body = body.mappings;
  if (!isRecord(body)) throw invalid('"mappings" must be an object');
  const keys = Object.keys(body);
  const mappingKeys = [
    'properties',
    'dynamic_templates',
    'date_detection',
    'dynamic',
    '_source',
    '_all',
    'numeric_detection',
    '_meta',
    '_routing',
  ];
  if (keys.length === 1 && !mappingKeys.includes(keys[0] ?? '') && isRecord(body[keys[0] ?? ''])) {
    // Elasticsearch 6 typed form: the one key is the document type (`_doc`, `doc`, `event`, ...).
    body = body[keys[0] ?? ''];
  }
  if (!isRecord(body)) throw invalid('the mapping body must be an object');
  return new IndexMapping(body, limits);
}

/** Reads a mapping from JSON text (see {@link parseMapping}). */
export function loadMapping(json: string): IndexMapping {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `index mapping: not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  return parseMapping(parsed);
}

/** MozDef's events index template (`cron/defaultMappingTemplate.json`), the default mapping. */
export const MOZDEF_EVENTS_MAPPING: Readonly<Record<string, unknown>> = mozdefEventsTemplate;

let mozdefEvents: IndexMapping | undefined;

/** A fresh copy of MozDef's events mapping (parsed once; each store grows its own copy). */
export function mozdefEventsMapping(): IndexMapping {
  mozdefEvents ??= parseMapping(MOZDEF_EVENTS_MAPPING).freeze();
  return mozdefEvents.clone();
}
