import { defineAlert, runAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import { errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { describe, expect, it } from 'vitest';
import { createElasticsearchStore } from './elasticsearchStore.js';
import { NOW, searchAnswer } from './fakeCluster.testkit.js';

const alert = defineAlert({
  name: 'bruteforce-ssh',
  description: 'Many failed ssh logins from one source address',
  severity: 'NOTICE',
  category: 'bruteforce',
  tags: ['ssh'],
  criteria: search({ minutes: 2 }).must(match('category', 'bruteforce')),
  aggregate: { field: 'details.sourceipaddress', threshold: 3, samples: 2 },
  onAggregation: (group) => ({
    summary: `${group.count} failed logins from ${String(group.value)}`,
  }),
});

interface Seen {
  method: string;
  path: string;
  body: unknown;
}

/** A cluster holding one group of 3 events, whose alerts index answers `create` as a real one (409 the second time). */
function clusterMock(seen: Seen[]): Mock {
  const mock = new Mock();
  const created = new Set<string>();
  mock.add({ method: ['POST', 'PUT'], path: '/*' }, (params) => {
    const path = String(params.path);
    seen.push({ method: String(params.method), path, body: params.body });
    if (path.includes('/_create/')) {
      const id = path.split('/').pop() ?? '';
      if (created.has(id)) {
        const body = {
          error: {
            type: 'version_conflict_engine_exception',
            reason: 'document already exists',
            index: 'alerts-201701',
          },
          status: 409,
        };
        return new errors.ResponseError({
          body,
          statusCode: 409,
          headers: {},
          warnings: null,
          meta: {} as never,
        });
      }
      created.add(id);
      return { _index: 'alerts-201701', _id: id, result: 'created' };
    }
    if (path === '/_bulk') {
      const actions = (params.body as Array<{ update?: { _index: string; _id: string } }>).filter(
        (line) => line.update,
      );
      return {
        errors: false,
        items: actions.map((line) => ({
          update: { ...line.update, status: 200, result: 'updated' },
        })),
      };
    }
    if ((params.body as { aggs?: unknown }).aggs) {
      const bucket = { key: '10.0.0.1', doc_count: 3, samples: searchAnswer(['e1', 'e2'], 3).body };
      return {
        ...(searchAnswer([], 3).body as object),
        aggregations: { groups: { sum_other_doc_count: 0, buckets: [bucket] } },
      };
    }
    return searchAnswer(['e1', 'e2', 'e3'], 3).body as Record<string, unknown>;
  });
  return mock;
}

describe('runAlert (core) on the Elasticsearch store', () => {
  it('aggregates in the cluster, creates the alert once, tags every event of the group with the created alert', async () => {
    const seen: Seen[] = [];
    const store = createElasticsearchStore({
      node: 'http://127.0.0.1:9200',
      Connection: clusterMock(seen).getConnection(),
      maxRetries: 0,
    });
    const first = await runAlert(alert, store, {
      now: NOW,
      reverseDns: () => Promise.resolve(null),
    });
    expect(first.alerts).toHaveLength(1);
    const saved = first.alerts[0];
    expect(saved?._index).toBe('alerts-201701');
    expect(saved?._source.summary).toBe('3 failed logins from 10.0.0.1');
    expect(saved?._source.events.map((e) => e.documentid)).toStrictEqual(['e1', 'e2']);
    expect(first.taggedEvents).toBe(3);

    // The de-duplication rule reaches the cluster inside the alert's query.
    expect(JSON.stringify(seen[0]?.body)).toContain(
      '"must_not":[{"match":{"alert_names":"AlertBruteforceSsh"}}]',
    );
    const bulk = seen.find((request) => request.path === '/_bulk')?.body as Array<{
      update?: unknown;
      script?: { params: unknown };
    }>;
    expect(bulk.filter((line) => line.update)).toHaveLength(3);
    expect(bulk[1]?.script?.params).toStrictEqual({
      alert: { index: 'alerts-201701', id: saved?._id },
      alert_name: 'AlertBruteforceSsh',
    });

    // The same tick again (a retried run): the alert exists, nothing is duplicated.
    const again = await runAlert(alert, store, {
      now: NOW,
      reverseDns: () => Promise.resolve(null),
    });
    expect(again.existingIds).toStrictEqual([saved?._id]);
    expect(again.alerts[0]?._index).toBe('alerts-201701');
  });
});
