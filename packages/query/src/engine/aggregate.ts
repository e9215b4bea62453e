import {
  AlertkitError,
  type AggregationBucket,
  type AggregationSpec,
  type Scalar,
  type StoredEvent,
} from '@alertkit/core';
import { ABSENT, NumericColumn, TermColumn } from './columns.js';
import type { EventIndex } from './eventIndex.js';
import { defineLazy } from './sourceStore.js';
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
    throw new AlertkitError(
      'QUERY_INVALID',
      `aggregation on "${spec.field}": text fields cannot be aggregated (Elasticsearch has no fielddata for them); use a keyword field`,
      { details: { field: spec.field } },
    );
  }
  const column = index.column(spec.field);
  const kept: Group[] = [];
  if (column instanceof TermColumn) {
    // Two passes over dense term ids: count (an event once per term), then collect the events
    // of the terms at or above the threshold only (most groups are small and never kept).
    const counts = new Int32Array(column.terms.length);
    const lastDoc = new Int32Array(column.terms.length).fill(-1);
    const { single, pool } = column;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as number;
      const s = single[doc] as number;
      if (s >= 0) {
        counts[s] = (counts[s] as number) + 1;
      } else if (s !== ABSENT) {
        const offset = -2 - s;
        const end = offset + (pool[offset] as number);
        for (let j = offset + 1; j <= end; j++) {
          const id = pool[j] as number;
          if (lastDoc[id] === doc) continue;
          lastDoc[id] = doc;
          counts[id] = (counts[id] as number) + 1;
        }
      }
    }
    const groupOf: (Group | undefined)[] = [];
    for (let id = 0; id < counts.length; id++) {
      if ((counts[id] as number) >= spec.threshold && (counts[id] as number) > 0) {
        const group = keyOf(field.type, column.terms[id] ?? '');
        groupOf[id] = group;
        kept.push(group);
      }
    }
    if (kept.length > 0) {
      lastDoc.fill(-1);
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i] as number;
        const s = single[doc] as number;
        if (s >= 0) {
          groupOf[s]?.docs.push(doc);
        } else if (s !== ABSENT) {
          const offset = -2 - s;
          const end = offset + (pool[offset] as number);
          for (let j = offset + 1; j <= end; j++) {
            const id = pool[j] as number;
            if (lastDoc[id] === doc) continue;
            lastDoc[id] = doc;
            groupOf[id]?.docs.push(doc);
          }
        }
      }
    }
  } else if (column instanceof NumericColumn) {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as number;
      for (const value of column.valuesOf(doc)) {
        const list = groups.get(value);
        if (!list) groups.set(value, [doc]);
        else if (list[list.length - 1] !== doc) list.push(doc); // a document once per group
      }
    }
    for (const [value, groupDocs] of groups) {
      if (groupDocs.length < spec.threshold) continue;
      const group = keyOf(field.type, value);
      group.docs = groupDocs;
      kept.push(group);
    }
  }
  kept.sort(compareGroups);
  return kept.map((group) => {
    const decode = (docs: number[]): StoredEvent[] =>
      docs.map((doc) => index.event(doc)).filter((e): e is StoredEvent => e !== undefined);
    const bucket = { key: group.key, count: group.docs.length };
    return defineLazy(
      defineLazy(bucket, 'samples', () => decode(group.docs.slice(0, spec.samples))),
      'events',
      () => decode(group.docs),
    );
  });
}

function keyOf(type: string, value: string | number): Group {
  if (typeof value === 'number') return { key: value, order: value, docs: [] };
  if (type === 'boolean')
    return { key: value === 'true', order: value === 'true' ? 1 : 0, docs: [] };
  if (type === 'ip') return { key: value, order: parseIp(value)?.key ?? value, docs: [] };
  return { key: value, order: value, docs: [] };
}
