/*
 * The writing half of the store contract (see searchStoreContract.testkit.ts): tagging events
 * in place, creating alerts with create semantics, reading events and alerts back, and what an
 * unreachable cluster does to each call.
 */
import type { StoredAlert } from '@alertkit/core';
import { match, search } from '@alertkit/query';
import { afterEach, describe, expect, it } from 'vitest';
import { event, NOW, searchAnswer, storeError, type FakeCluster } from './fakeCluster.testkit.js';
import { TAG_EVENT_SCRIPT } from './tagEventsBulk.js';

const criteria = search({ minutes: 2 }).must(match('category', 'syslog')).build();

/** Writes and read-backs against a fake cluster, as one describe block per store. */
export function describeStoreWriteContract(
  name: string,
  makeCluster: () => Promise<FakeCluster>,
): void {
  describe(`${name}: the Store contract against a fake cluster (writing)`, () => {
    let cluster: FakeCluster;
    const open = async (): Promise<FakeCluster> => {
      cluster = await makeCluster();
      return cluster;
    };
    afterEach(async () => {
      await cluster.close();
    });
    it("tagEvents updates each event in its concrete index with MozDef's tags in one refreshed _bulk", async () => {
      const fake = await open();
      fake.answer(() => ({
        body: {
          took: 3,
          errors: false,
          items: [
            { update: { _index: 'events-20170101', _id: 'a', status: 200, result: 'updated' } },
            { update: { _index: 'events-20161231', _id: 'b', status: 200, result: 'updated' } },
          ],
        },
      }));
      await fake.store().tagEvents(
        [
          { _index: 'events-20170101', _id: 'a' },
          { _index: 'events-20161231', _id: 'b' },
        ],
        { alertName: 'AlertBruteforceSsh', alert: { index: 'alerts-201701', id: 'alert-1' } },
      );
      const script = {
        source: TAG_EVENT_SCRIPT,
        lang: 'painless',
        params: {
          alert: { index: 'alerts-201701', id: 'alert-1' },
          alert_name: 'AlertBruteforceSsh',
        },
      };
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: '/_bulk',
          querystring: { refresh: 'true' },
          body: [
            { update: { _index: 'events-20170101', _id: 'a', retry_on_conflict: 3 } },
            { script },
            { update: { _index: 'events-20161231', _id: 'b', retry_on_conflict: 3 } },
            { script },
          ],
        },
      ]);
      expect(TAG_EVENT_SCRIPT).toContain(
        "append(ctx._source, 'alerts', params.alert); append(ctx._source, 'alert_names', params.alert_name);",
      );
    });

    it('tagEvents skips events that are gone (told), and fails on any other rejected item naming the event', async () => {
      const fake = await open();
      const warnings: string[] = [];
      const gone = {
        update: {
          _index: 'events-20170101',
          _id: 'a',
          status: 404,
          error: { type: 'document_missing_exception', reason: '[a]: document missing' },
        },
      };
      const rejected = {
        update: {
          _index: 'events-20170101',
          _id: 'b',
          status: 429,
          error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
        },
      };
      fake.answer(() => ({ body: { errors: true, items: [gone, rejected] } }));
      const error = await storeError(
        fake.store({ refresh: false, onWarning: (message) => warnings.push(message) }).tagEvents(
          [
            { _index: 'events-20170101', _id: 'a' },
            { _index: 'events-20170101', _id: 'b' },
          ],
          { alertName: 'A', alert: { index: 'alerts', id: '1' } },
        ),
      );
      expect(fake.requests[0]?.querystring).toStrictEqual({});
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        '1 event(s) no longer exist and were not tagged, e.g. events-20170101/a',
      );
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('tagEvents on');
      expect(error.message).toContain(
        '1 of 2 events could not be tagged, first events-20170101/b: HTTP 429 es_rejected_execution_exception: queue full',
      );
    });

    const alert: StoredAlert = {
      _index: 'alerts',
      _id: 'ak-bruteforce-ssh/2017-01-01T01:00:00Z/10.0.0.1',
      _source: {
        utctimestamp: '2017-01-01T01:00:00+00:00',
        severity: 'NOTICE',
        summary: 'x',
        category: 'bruteforce',
        tags: [],
        events: [],
        channel: null,
        notify_mozdefbot: true,
        status: 'NEW',
        classname: 'AlertBruteforceSsh',
      },
    };

    it('saveAlert creates the alert under its _id and returns the concrete index', async () => {
      const fake = await open();
      fake.answer(() => ({
        statusCode: 201,
        body: { _index: 'alerts-201701', _id: alert._id, _version: 1, result: 'created' },
      }));
      const saved = await fake.store().saveAlert(alert);
      expect(fake.requests).toStrictEqual([
        {
          method: 'PUT',
          path: `/alerts/_create/${alert._id}`,
          querystring: { refresh: 'true' },
          body: alert._source,
        },
      ]);
      expect(saved).toStrictEqual({ _index: 'alerts-201701', _id: alert._id, created: true });
    });

    it('saveAlert of an existing _id (409) is created: false in the index that holds it, never an error or a duplicate', async () => {
      const fake = await open();
      const conflict = {
        error: {
          root_cause: [
            {
              type: 'version_conflict_engine_exception',
              reason: 'document already exists',
              index: 'alerts-201701',
            },
          ],
          type: 'version_conflict_engine_exception',
          reason: `[${alert._id}]: version conflict, document already exists (current version [1])`,
          index_uuid: 'u',
          shard: '0',
          index: 'alerts-201701',
        },
        status: 409,
      };
      fake.answer(() => ({ statusCode: 409, body: conflict }));
      expect(await fake.store().saveAlert(alert)).toStrictEqual({
        _index: 'alerts-201701',
        _id: alert._id,
        created: false,
      });
      expect(fake.requests).toHaveLength(1);
    });

    it('putState creates the state index once with a mapping that indexes no document field, then writes by scope:id', async () => {
      const fake = await open();
      fake.answer((request) =>
        request.path === '/alertkit-state'
          ? { statusCode: 200, body: { acknowledged: true, index: 'alertkit-state' } }
          : { statusCode: 201, body: { _index: 'alertkit-state', result: 'created' } },
      );
      const store = fake.store();
      await store.putState?.('geomodel-location', 'locality:tester1', { username: 'tester1' });
      await store.putState?.('geomodel-location', 'execution_state', { execution_time: 'x' });
      expect(fake.requests).toStrictEqual([
        {
          method: 'PUT',
          path: '/alertkit-state',
          querystring: {},
          body: {
            mappings: {
              dynamic: false,
              properties: {
                scope: { type: 'keyword' },
                id: { type: 'keyword' },
                document: { type: 'object', enabled: false },
              },
            },
          },
        },
        {
          method: 'PUT',
          path: '/alertkit-state/_doc/geomodel-location:locality:tester1',
          querystring: { refresh: 'true' },
          body: {
            scope: 'geomodel-location',
            id: 'locality:tester1',
            document: { username: 'tester1' },
          },
        },
        {
          method: 'PUT',
          path: '/alertkit-state/_doc/geomodel-location:execution_state',
          querystring: { refresh: 'true' },
          body: {
            scope: 'geomodel-location',
            id: 'execution_state',
            document: { execution_time: 'x' },
          },
        },
      ]);
    });

    it('putState on an existing state index (400 resource_already_exists) writes; another 400 fails naming the index', async () => {
      const fake = await open();
      const exists = {
        error: { type: 'resource_already_exists_exception', reason: 'already exists' },
        status: 400,
      };
      fake.answer((request) =>
        request.path === '/my-state'
          ? { statusCode: 400, body: exists }
          : { statusCode: 200, body: { result: 'updated' } },
      );
      await fake.store({ stateIndex: 'my-state' }).putState?.('a', 'b', { n: 1 });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
        'PUT /my-state',
        'PUT /my-state/_doc/a:b',
      ]);

      const broken = await open();
      broken.answer(() => ({
        statusCode: 400,
        body: { error: { type: 'illegal_argument_exception', reason: 'bad mapping' }, status: 400 },
      }));
      const error = await storeError(
        broken.store({ stateIndex: 'my-state' }).putState?.('a', 'b', { n: 1 }) ??
          Promise.resolve(),
      );
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.message).toContain('cannot create the state index my-state');
      expect(broken.requests).toHaveLength(1);
    });

    it('getState reads the document by scope:id; a missing document or state index is undefined', async () => {
      const fake = await open();
      fake.answer((request) =>
        request.path.endsWith('locality:tester1')
          ? {
              statusCode: 200,
              body: {
                _index: 'alertkit-state',
                _id: 'geomodel-location:locality:tester1',
                found: true,
                _source: { scope: 'geomodel-location', id: 'locality:tester1', document: { n: 1 } },
              },
            }
          : request.path.endsWith('nobody')
            ? { statusCode: 404, body: { _index: 'alertkit-state', _id: 'x', found: false } }
            : {
                statusCode: 404,
                body: { error: { type: 'index_not_found_exception' }, status: 404 },
              },
      );
      const store = fake.store();
      expect(await store.getState?.('geomodel-location', 'locality:tester1')).toStrictEqual({
        n: 1,
      });
      expect(await store.getState?.('geomodel-location', 'locality:nobody')).toBeUndefined();
      expect(await store.getState?.('geomodel-location', 'execution_state')).toBeUndefined();
      expect(fake.requests[0]).toStrictEqual({
        method: 'GET',
        path: '/alertkit-state/_doc/geomodel-location:locality:tester1',
        querystring: {},
      });
    });

    it('getEvents reads with _mget and leaves out missing documents and indices', async () => {
      const fake = await open();
      fake.answer(() => ({
        body: {
          docs: [
            {
              _index: 'events-20170101',
              _id: 'a',
              _version: 2,
              _seq_no: 1,
              _primary_term: 1,
              found: true,
              _source: { summary: 'event a' },
            },
            { _index: 'events-20170101', _id: 'gone', found: false },
            {
              _index: 'nope',
              _id: 'c',
              error: { type: 'index_not_found_exception', reason: 'no such index [nope]' },
            },
          ],
        },
      }));
      const refs = [
        { _index: 'events-20170101', _id: 'a' },
        { _index: 'events-20170101', _id: 'gone' },
        { _index: 'nope', _id: 'c' },
      ];
      expect(await fake.store().getEvents(refs)).toStrictEqual([event('a')]);
      expect(fake.requests).toStrictEqual([
        { method: 'POST', path: '/_mget', querystring: {}, body: { docs: refs } },
      ]);
      expect(await fake.store().getEvents([])).toStrictEqual([]);
      expect(fake.requests).toHaveLength(1);
    });

    it('listAlerts searches the alert index oldest first; a missing alert index is no alerts', async () => {
      const fake = await open();
      fake.answer(() => ({
        body: {
          ...(searchAnswer([], 0).body as object),
          _shards: { total: 0, successful: 0, skipped: 0, failed: 0 },
        },
      }));
      expect(await fake.store({ alertIndex: 'mozdef-alerts' }).listAlerts()).toStrictEqual([]);
      expect(fake.requests).toStrictEqual([
        {
          method: 'POST',
          path: '/mozdef-alerts/_search',
          querystring: { ignore_unavailable: 'true' },
          body: {
            query: { match_all: {} },
            sort: [{ utctimestamp: { order: 'asc', unmapped_type: 'date' } }, '_doc'],
            track_total_hits: true,
            size: 1000,
          },
        },
      ]);
      fake.answer(() => searchAnswer(['first', 'second'], 2));
      const alerts = await fake.store().listAlerts();
      expect(alerts.map((a) => [a._index, a._id])).toStrictEqual([
        ['events-20170101', 'first'],
        ['events-20170101', 'second'],
      ]);
    });

    it('an unreachable cluster is STORE_UNAVAILABLE naming the operation and the node, never the credentials', async () => {
      const fake = await open();
      const store = fake.unreachableStore('hunter2-secret');
      for (const [operation, call] of [
        ['search', () => store.search({ criteria, now: NOW })],
        ['saveAlert', () => store.saveAlert(alert)],
        [
          'tagEvents',
          () =>
            store.tagEvents([{ _index: 'events', _id: 'a' }], {
              alertName: 'A',
              alert: { index: 'alerts', id: '1' },
            }),
        ],
      ] as const) {
        const error = await storeError(call());
        expect(error.code).toBe('STORE_UNAVAILABLE');
        expect(error.message).toMatch(
          new RegExp(
            `store: ${operation} on http://127\\.0\\.0\\.1:\\d+ failed: ConnectionError: `,
          ),
        );
        expect(error.details).toMatchObject({ operation });
        expect(
          JSON.stringify({
            message: error.message,
            details: error.details,
            cause: String(error.cause),
          }),
        ).not.toContain('hunter2');
      }
    });
  });
}
