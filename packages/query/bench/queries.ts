import type { AggregationBucket, Criteria, JsonObject, StoredEvent } from '@alertkit/core';
import { Aggregator, Query } from 'mingo';
import { ABSENT, TermColumn } from '../src/engine/columns.js';
import type { EventIndex } from '../src/engine/eventIndex.js';
import { WATCHED_USERS } from './syntheticEvents.js';

/**
 * The five benchmark queries, each three ways: alertkit criteria for the engine, a loop written
 * by hand for exactly that query over the same columns the engine reads (the practical limit),
 * and mingo over the raw events. Each returns the number of hits (or of groups).
 */
export interface BenchQuery {
  name: string;
  criteria: Criteria;
  /** Hand-specialised evaluation over the engine's ingested data. */
  hand: (index: EventIndex) => number;
  /** mingo on the raw `_source` documents. */
  mingo: (sources: readonly JsonObject[]) => number;
}

function terms(index: EventIndex, field: string): TermColumn {
  const column = index.column(field);
  if (!(column instanceof TermColumn)) throw new Error(`bench: ${field} is not a term column`);
  return column;
}

/**
 * Hits as the engine keeps them: the matching documents in store order (both decode a hit's
 * event only when it is read, and the benchmark reads counts).
 */
function collect(index: EventIndex, matches: (doc: number) => boolean): number[] {
  const hits: number[] = [];
  const { size } = index;
  for (let doc = 0; doc < size; doc++) if (matches(doc)) hits.push(doc);
  return hits;
}

/** Hand-written "has term t" for one column. */
function holds(column: TermColumn, doc: number, term: number): boolean {
  const s = column.single[doc] as number;
  if (s >= 0) return s === term;
  if (s === ABSENT) return false;
  const pool = column.pool;
  const end = -2 - s + (pool[-2 - s] as number);
  for (let i = -1 - s; i <= end; i++) if (pool[i] === term) return true;
  return false;
}

/** Hand-written two-token phrase (`a b`, adjacent) on a text column. */
function holdsPair(column: TermColumn, doc: number, a: number, b: number): boolean {
  const s = column.single[doc] as number;
  if (s > -2) return false;
  const pool = column.pool;
  const positions = column.positions;
  const offset = -2 - s;
  const end = offset + (pool[offset] as number);
  // Positions implicit (every value single): the next token is the next position.
  if (!positions) {
    for (let i = offset + 1; i < end; i++) if (pool[i] === a && pool[i + 1] === b) return true;
    return false;
  }
  for (let i = offset + 1; i < end; i++) {
    if (pool[i] !== a) continue;
    const want = (positions[i] as number) + 1;
    for (let j = offset + 1; j <= end; j++) if (pool[j] === b && positions[j] === want) return true;
  }
  return false;
}

const failedPassword = /\bfailed\s+password\b/i;
const invalidUser = /\binvalid\s+user\b/i;

const bruteforceSsh: Criteria = {
  query: {
    type: 'bool',
    must: [
      { type: 'match', field: 'details.program', value: 'sshd' },
      { type: 'phrase', field: 'summary', value: 'failed password' },
    ],
    mustNot: [{ type: 'phrase', field: 'summary', value: 'invalid user' }],
  },
};

/** bruteforce-ssh's criteria (the window query of the benchmark adds its 2-minute window). */
export const BRUTEFORCE_SSH = bruteforceSsh;

export const QUERIES: BenchQuery[] = [
  {
    name: 'term on text',
    criteria: {
      query: { type: 'bool', must: [{ type: 'match', field: 'summary', value: 'Failed' }] },
    },
    hand: (index) => {
      const summary = terms(index, 'summary');
      const failed = summary.idOf('failed');
      return collect(index, (doc) => holds(summary, doc, failed)).length;
    },
    mingo: (sources) => {
      const query = new Query({ summary: { $regex: /\bfailed\b/i } });
      return sources.filter((s) => query.test(s)).length;
    },
  },
  {
    name: 'phrase',
    criteria: bruteforceSsh,
    hand: (index) => {
      const summary = terms(index, 'summary');
      const program = terms(index, 'details.program');
      const [sshd, failed, password, invalid, user] = [
        program.idOf('sshd'),
        ...['failed', 'password', 'invalid', 'user'].map((t) => summary.idOf(t)),
      ] as number[];
      return collect(
        index,
        (doc) =>
          holds(program, doc, sshd ?? -1) &&
          holdsPair(summary, doc, failed ?? -1, password ?? -1) &&
          !holdsPair(summary, doc, invalid ?? -1, user ?? -1),
      ).length;
    },
    mingo: (sources) => {
      const query = new Query({
        'details.program': 'sshd',
        $and: [{ summary: { $regex: failedPassword } }, { summary: { $not: invalidUser } }],
      });
      return sources.filter((s) => query.test(s)).length;
    },
  },
  {
    name: 'terms + must_not',
    criteria: {
      query: {
        type: 'bool',
        must: [{ type: 'terms', field: 'details.username', values: WATCHED_USERS }],
        mustNot: [{ type: 'match', field: 'details.success', value: true }],
      },
    },
    hand: (index) => {
      const username = terms(index, 'details.username');
      const success = terms(index, 'details.success');
      const watched = new Uint8Array(username.terms.length);
      for (const user of WATCHED_USERS)
        if (username.idOf(user) >= 0) watched[username.idOf(user)] = 1;
      const yes = success.idOf('true');
      return collect(index, (doc) => {
        const s = username.single[doc] as number;
        return s >= 0 && watched[s] === 1 && success.single[doc] !== yes;
      }).length;
    },
    mingo: (sources) => {
      const query = new Query({
        'details.username': { $in: WATCHED_USERS },
        'details.success': { $ne: true },
      });
      return sources.filter((s) => query.test(s)).length;
    },
  },
  {
    name: 'query_string with wildcard',
    criteria: {
      query: {
        type: 'bool',
        must: [{ type: 'queryString', query: 'hostname:host1* AND summary:sess*' }],
      },
    },
    hand: (index) => {
      const hostname = terms(index, 'hostname');
      const summary = terms(index, 'summary');
      // Prefix tests memoised per distinct term (1 yes, 2 no), as a careful hand would.
      const hostOk = new Uint8Array(hostname.terms.length);
      const tokenOk = new Uint8Array(summary.terms.length);
      const host = (id: number): boolean =>
        (hostOk[id] ||= (hostname.terms[id] as string).startsWith('host1') ? 1 : 2) === 1;
      const token = (id: number): boolean =>
        (tokenOk[id] ||= (summary.terms[id] as string).startsWith('sess') ? 1 : 2) === 1;
      return collect(index, (doc) => {
        const h = hostname.single[doc] as number;
        if (h < 0 || !host(h)) return false;
        const s = summary.single[doc] as number;
        if (s >= 0) return token(s);
        if (s === ABSENT) return false;
        const pool = summary.pool;
        const end = -2 - s + (pool[-2 - s] as number);
        for (let i = -1 - s; i <= end; i++) if (token(pool[i] as number)) return true;
        return false;
      }).length;
    },
    mingo: (sources) => {
      const query = new Query({ hostname: { $regex: /^host1/ }, summary: { $regex: /\bsess/i } });
      return sources.filter((s) => query.test(s)).length;
    },
  },
  {
    name: 'aggregation with threshold',
    criteria: {
      query: {
        type: 'bool',
        must: [{ type: 'phrase', field: 'summary', value: 'failed password' }],
      },
      aggregation: { field: 'details.sourceipaddress', threshold: 10, samples: 10 },
    },
    hand: (index) => {
      const summary = terms(index, 'summary');
      const ips = terms(index, 'details.sourceipaddress');
      const [failed, password] = [summary.idOf('failed'), summary.idOf('password')];
      const groups = new Map<number, number[]>();
      for (let doc = 0; doc < index.size; doc++) {
        if (!holdsPair(summary, doc, failed, password)) continue;
        const ip = ips.single[doc] as number;
        if (ip < 0) continue;
        const docs = groups.get(ip);
        if (docs) docs.push(doc);
        else groups.set(ip, [doc]);
      }
      const buckets: AggregationBucket[] = [];
      for (const [ip, docs] of groups) {
        if (docs.length < 10) continue;
        buckets.push({
          key: ips.terms[ip] ?? '',
          count: docs.length,
          get samples() {
            return docs.slice(0, 10).map((doc) => index.event(doc) as StoredEvent);
          },
          get events() {
            return docs.map((doc) => index.event(doc) as StoredEvent);
          },
        });
      }
      buckets.sort((a, b) => b.count - a.count || (String(a.key) < String(b.key) ? -1 : 1));
      return buckets.length;
    },
    mingo: (sources) =>
      new Aggregator([
        { $match: { summary: { $regex: failedPassword } } },
        {
          $group: {
            _id: '$details.sourceipaddress',
            count: { $sum: 1 },
            events: { $push: '$$ROOT' },
          },
        },
        { $match: { count: { $gte: 10 } } },
        { $sort: { count: -1, _id: 1 } },
      ]).run(sources as JsonObject[]).length,
  },
];
