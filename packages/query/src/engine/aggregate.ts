import { AlertkitError, type AggregationBucket, type AggregationSpec, type Scalar, type StoredEvent } from '@alertkit/core';
import { NumericColumn, TermColumn } from './columns.js';
import type { EventIndex } from './eventIndex.js';
import { compareCodePoints, parseIp } from './values.js';

interface Group {
  key: Scalar;
  /** Sort key: code points for strings, the 16-byte key for IPs, the number otherwise. */
  order: string | number;
  docs: number[];
}

function compareGroups(a: Group, b: Group): number {
  if (a.docs.length !== b.docs.length) return b.docs.length - a.docs.length;
  if (typeof a.order === 'number' && typeof b.order === 'number') return a.order - b.order;
  return compareCodePoints(String(a.order), String(b.order));
}

/**
 * Elasticsearch's `terms` aggregation (semantics §9.3) over the matching documents `docs`
 * (store order): one group per indexed value (a keyword's `443` and `"443"` are one value;
 * each element of an array counts in its own group, a document at most once per group),
 * groups with `count >= threshold`, count-descending then key-ascending. Samples are the first
 * `samples` events of a group in store order; `events` are all of them.
 *
 * An object field cannot be grouped: `onWarning` is told and there are no groups. A text field
 * cannot either (Elasticsearch refuses: no fielddata): that is `QUERY_INVALID`.
 */
export function aggregateDocs(
  index: EventIndex,
  docs: ArrayLike<number>,
  spec: AggregationSpec,
  onWarning: (message: string) => void,
): AggregationBucket[] {
  const field = index.mapping.get(spec.field);
  if (!field) return [];
  if (field.type === 'object') {
    onWarning(`aggregation on "${spec.field}": an object is not groupable; no groups`);
    return [];
  }
  if (field.type === 'text') {
    throw new AlertkitError('QUERY_INVALID', `aggregation on "${spec.field}": text fields cannot be aggregated (Elasticsearch has no fielddata for them); use a keyword field`, { details: { field: spec.field } });
  }
  const column = index.column(spec.field);
  const groups = new Map<string | number, Group>();
  const add = (value: string | number, doc: number): void => {
    let group = groups.get(value);
    if (!group) {
      group = keyOf(field.type, value);
      groups.set(value, group);
    }
    if (group.docs[group.docs.length - 1] !== doc) group.docs.push(doc);
  };
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] ?? 0;
    if (column instanceof TermColumn) for (const id of column.termIdsOf(doc)) add(column.terms[id] ?? '', doc);
    else if (column instanceof NumericColumn) for (const value of column.valuesOf(doc)) add(value, doc);
  }
  const kept = [...groups.values()].filter((g) => g.docs.length >= spec.threshold).sort(compareGroups);
  const events = index.events;
  return kept.map((group) => {
    const all = group.docs.map((doc) => events[doc]).filter((e): e is StoredEvent => e !== undefined);
    return { key: group.key, count: group.docs.length, samples: all.slice(0, spec.samples), events: all };
  });
}

function keyOf(type: string, value: string | number): Group {
  if (typeof value === 'number') return { key: value, order: value, docs: [] };
  if (type === 'boolean') return { key: value === 'true', order: value === 'true' ? 1 : 0, docs: [] };
  if (type === 'ip') return { key: value, order: parseIp(value)?.key ?? value, docs: [] };
  return { key: value, order: value, docs: [] };
}
