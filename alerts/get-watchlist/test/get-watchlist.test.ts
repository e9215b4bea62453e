import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  resolveAlertConfig,
  runAlert,
  runCriteria,
  type JsonObject,
  type StoredEvent,
} from '@alertkit/core';
import {
  DEFAULT_NOW,
  at,
  describeAlert,
  event,
  events,
  isoformat,
  minutesAgo,
  negative,
  positive,
  runAlertCase,
  type AlertSuiteOptions,
  type CaseRun,
  type Timestamp,
} from '@alertkit/harness';
import { createEmbeddedStore } from '@alertkit/query';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

const SECRET = 'watchlist-test-secret';

/** What the test's watch list API answers, per path. */
const routes: Record<string, (request: IncomingMessage) => Promise<[number, string]>> = {
  '/watchlist': () => Promise.resolve([200, JSON.stringify(['alice', 'evil.example.com'])]),
  '/one': () => Promise.resolve([200, JSON.stringify(['alice'])]),
  '/empty': () => Promise.resolve([200, '[]']),
  '/down': () => Promise.resolve([503, 'maintenance']),
  // Never answers.
  '/hang': () => new Promise<never>(() => undefined),
  '/not-json': () => Promise.resolve([200, '<html>login</html>']),
  '/objects': () => Promise.resolve([200, JSON.stringify([{ watchcontent: 'alice' }])]),
  '/mixed': () => Promise.resolve([200, JSON.stringify(['alice', 42])]),
  // A term that would break out of a joined query string, a blank one, and a good one.
  '/lucene': () =>
    Promise.resolve([200, JSON.stringify(['bob) OR (*', '', 'details.username:carol', 'alice'])]),
  '/field': () => Promise.resolve([200, JSON.stringify(['details.username:carol'])]),
  '/address': () => Promise.resolve([200, JSON.stringify(['10.1.2.3'])]),
  '/two-words': () => Promise.resolve([200, JSON.stringify(['evil corp'])]),
  // MozDef's REST API with auth on: a valid HS256 token or 401.
  '/private': async (request) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1]) return [401, 'no token'];
    try {
      await jwtVerify(match[1], new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
      return [200, JSON.stringify(['alice'])];
    } catch {
      return [401, 'bad token'];
    }
  },
};

/** Authorization headers the server saw, per path. */
const seenAuthorization: Record<string, (string | undefined)[]> = {};

async function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    (seenAuthorization[path] ??= []).push(request.headers.authorization);
    const route = routes[path];
    void (route ? route(request) : Promise.resolve<[number, string]>([404, 'not found'])).then(
      ([status, body]) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      },
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const { server, url: base } = await startServer();
// A port nothing listens on: bound, then closed.
const closed = await startServer();
closed.server.close();
await once(closed.server, 'close');
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const api = (path: string) => ({ apiUrl: `${base}${path}` });

const suite: AlertSuiteOptions = {
  defaultEvent: {
    _source: {
      hostname: 'bastion.example.com',
      summary: 'Accepted publickey for alice from 10.1.2.3',
      details: { username: 'alice', sourceipaddress: '10.1.2.3' },
    },
  },
  defaultAlert: {
    category: 'watchlist',
    tags: ['watchtarget'],
    severity: 'WARNING',
    summary: 'Watchlist term alice detected by alice from 10.1.2.3 on bastion.example.com',
  },
  config: api('/watchlist'),
};

const timed = (time: Timestamp) => ({ utctimestamp: time, receivedtimestamp: time });
const neither = {
  summary: 'Accepted publickey for dave from 10.9.9.9',
  details: { username: 'dave', sourceipaddress: '10.9.9.9' },
};

describeAlert(alert, {
  ...suite,
  cases: [
    positive('an event naming a watched user alerts', events({}, 1)),
    negative('an event naming no watched term does not alert', [event(neither)]),
    positive(
      'the second term of the list finds its own events',
      [event({ ...neither, summary: 'dave resolved evil.example.com' })],
      {
        summary:
          'Watchlist term evil.example.com detected by dave from 10.9.9.9 on bastion.example.com',
      },
    ),
    positive(
      'a term is searched in every field, not only the summary',
      [event({ ...neither, details: { ...neither.details, query: 'evil.example.com' } })],
      {
        summary:
          'Watchlist term evil.example.com detected by dave from 10.9.9.9 on bastion.example.com',
      },
    ),
    positive('an event matching two terms alerts once, for the first term of the list', [
      event({ summary: 'alice resolved evil.example.com' }),
    ]),
    negative('a term matches whole tokens only (alicex)', [
      event({ ...neither, summary: 'login by alicex' }),
    ]),
    // window: 20 minutes, utctimestamp OR receivedtimestamp, both edges inclusive
    positive('exactly 20 minutes old is inside the window', [event(timed(at('-20m')))]),
    negative('20 minutes and 1 second old is outside the window', [event(timed(at('-20m1s')))]),
    positive('an old utctimestamp with a recent receivedtimestamp is inside', [
      event({ utctimestamp: minutesAgo(60), receivedtimestamp: minutesAgo(1) }),
    ]),
    negative('an event already alerted on does not alert again', [
      event({ alert_names: ['AlertWatchList'] }),
    ]),
    // The summary, as MozDef builds it.
    positive(
      'originaluser names the user when there is no username',
      [event({ details: { username: null, originaluser: 'root' } })],
      { summary: 'Watchlist term alice detected by None from 10.1.2.3 on bastion.example.com' },
    ),
    positive('a null hostname prints as None (Python str)', [event({ hostname: null })], {
      summary: 'Watchlist term alice detected by alice from 10.1.2.3 on None',
    }),
  ],
});

/** The suite with the default event's details replaced (a case's events can only add keys). */
function withDetails(
  details: Record<string, string>,
  hostname = 'bastion.example.com',
): AlertSuiteOptions {
  return {
    ...suite,
    defaultEvent: { _source: { hostname, summary: 'alice logged in', details } },
  };
}

describe('the summary parts', () => {
  describeAlert(alert, {
    ...withDetails({ originaluser: 'root', user: 'nobody', sourceipaddress: '10.1.2.3' }),
    cases: [
      positive('originaluser before user', events({}, 1), {
        summary: 'Watchlist term alice detected by root from 10.1.2.3 on bastion.example.com',
      }),
    ],
  });
  describeAlert(alert, {
    ...withDetails({ user: 'nobody', sourceipaddress: '10.1.2.3' }),
    cases: [
      positive('user when there is nothing else', events({}, 1), {
        summary: 'Watchlist term alice detected by nobody from 10.1.2.3 on bastion.example.com',
      }),
    ],
  });
});

/** A stored event exactly as given: no harness defaults, so a key can really be missing. */
function rawEvent(id: string, source: JsonObject): StoredEvent {
  const now = isoformat(DEFAULT_NOW);
  return {
    _index: 'events',
    _id: id,
    _source: { utctimestamp: now, receivedtimestamp: now, summary: 'alice logged in', ...source },
  };
}

describe('events MozDef does not alert on, and empty parts', () => {
  it('needs details and a hostname; a missing user or address leaves an empty part (double spaces)', async () => {
    const store = createEmbeddedStore({
      events: [
        rawEvent('no-details', { hostname: 'h1' }),
        rawEvent('no-hostname', { details: { username: 'alice' } }),
        rawEvent('bare', { hostname: 'h2', details: {} }),
        rawEvent('user-only', { hostname: 'h3', details: { user: 'alice' } }),
      ],
    });
    const result = await runAlert(alert, store, {
      now: DEFAULT_NOW,
      config: api('/one'),
      log: { warn: () => undefined, error: () => undefined },
    });
    expect(result.alerts.map((a) => a._source.summary)).toEqual([
      'Watchlist term alice detected   on h2',
      'Watchlist term alice detected by alice  on h3',
    ]);
  });
});

/** Runs one case and returns what it left behind (the harness checks the case itself). */
const run = (config: object, ...cases: Parameters<typeof runAlertCase>[2][]): Promise<CaseRun[]> =>
  Promise.all(cases.map((c) => runAlertCase(alert, { ...suite, config }, c)));

describe('the watch list API', () => {
  it('without auth sends no Authorization header', async () => {
    await run(api('/one'), positive('alice', events({}, 1)));
    const seen = seenAuthorization['/one'] ?? [];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBeUndefined();
  });

  it('with auth sends a bearer JWT signed with the secret (HS256), which the API accepts', async () => {
    const [done] = await run(
      { ...api('/private'), useAuth: true, jwtSecret: SECRET },
      positive('alice', events({}, 1)),
    );
    expect(done?.logs).toEqual([]);
    const header = seenAuthorization['/private']?.at(-1) ?? '';
    expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const { payload, protectedHeader } = await jwtVerify(
      header.slice('Bearer '.length),
      new TextEncoder().encode(SECRET),
    );
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp).toBe((payload.iat ?? 0) + 60);
  });

  it.each([
    [
      'an unreachable API',
      () => ({ apiUrl: `${closed.url}/watchlist` }),
      /could not be fetched/,
      { reason: expect.any(String) as string },
    ],
    ['a non-2xx answer', () => api('/down'), /failed with status 503/, { status: 503 }],
    [
      'an API that does not answer within timeoutMs',
      () => ({ ...api('/hang'), timeoutMs: 50 }),
      /could not be fetched/,
      { reason: expect.stringMatching(/timeout|aborted/i) as string },
    ],
    [
      'an API refusing the token (wrong secret)',
      () => ({ ...api('/private'), useAuth: true, jwtSecret: 'wrong' }),
      /failed with status 401/,
      { status: 401 },
    ],
    [
      'auth off against an API that needs it',
      () => api('/private'),
      /failed with status 401/,
      { status: 401 },
    ],
    [
      'a body that is not JSON',
      () => api('/not-json'),
      /not a JSON array of strings/,
      { body: '<html>login</html>' },
    ],
    ['a JSON array of objects', () => api('/objects'), /not a JSON array of strings/, {}],
    ['an array with a number in it', () => api('/mixed'), /not a JSON array of strings/, {}],
  ])(
    '%s is a logged error and no alert, never a failed run',
    async (_name, config, message, details) => {
      const [done] = await run(config(), negative('a watched event', events({}, 1)));
      expect(done?.result.alerts).toEqual([]);
      expect(done?.result.searches).toEqual([]);
      expect(done?.logs).toEqual([
        {
          level: 'error',
          message: expect.stringMatching(message) as string,
          details: expect.objectContaining(details) as object,
        },
      ]);
      // The log names the endpoint, never a credential or query string.
      expect(done?.logs[0]?.details.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
    },
  );

  it('an empty list searches nothing', async () => {
    const [done] = await run(api('/empty'), negative('a watched event', events({}, 1)));
    expect(done?.result.searches).toEqual([]);
    expect(done?.logs).toEqual([]);
  });

  it('sends credentials of the URL as basic auth, and logs the URL without them', async () => {
    const [done] = await run(
      { apiUrl: `http://watcher:pa55@${base.slice('http://'.length)}/one?token=t0k` },
      positive('alice', events({}, 1)),
    );
    expect(done?.logs).toEqual([]);
    expect(seenAuthorization['/one']?.at(-1)).toBe(
      `Basic ${Buffer.from('watcher:pa55').toString('base64')}`,
    );
    const [failed] = await run(
      { apiUrl: `http://watcher:pa55@${closed.url.slice('http://'.length)}/list?token=t0k` },
      negative('a watched event', events({}, 1)),
    );
    expect(failed?.logs).toHaveLength(1);
    expect(JSON.stringify(failed?.logs)).not.toMatch(/pa55|t0k|watcher/);
  });
});

describe('Lucene in watch terms: searched as MozDef does, never wider', () => {
  it('a term that would break out of a joined query is skipped with an error; the other terms still run alone', async () => {
    // alice's event alerts for alice; dave's event matches none of the terms MozDef could have
    // searched, and `bob) OR (*` must not turn into "everything".
    const done = await runAlertCase(
      alert,
      { ...suite, config: api('/lucene'), numSamples: 1 },
      positive('alice and dave', [event({}), event(neither)]),
    );
    expect(done.result.alerts.map((a) => a._source.summary)).toEqual([
      'Watchlist term alice detected by alice from 10.1.2.3 on bastion.example.com',
    ]);
    expect(done.result.searches.map((c) => c.query.must?.[0])).toEqual([
      { type: 'queryString', query: 'details.username:carol' },
      { type: 'queryString', query: 'alice' },
    ]);
    expect(done.logs.map((l) => [l.level, l.message, l.details.term])).toEqual([
      ['error', 'a watch term is not valid Lucene; it is skipped', 'bob) OR (*'],
      ['warn', 'a blank watch term is skipped', ''],
    ]);
    const [dave] = await done.store.getEvents([done.events[1] ?? { _index: '', _id: '' }]);
    expect(dave?._source.alert_names).toBeUndefined();
  });

  describeAlert(alert, {
    ...suite,
    config: api('/field'),
    defaultAlert: {
      ...suite.defaultAlert,
      summary:
        'Watchlist term details.username:carol detected by carol from 10.1.2.3 on bastion.example.com',
    },
    cases: [
      positive('a field:value term is bound to that field', [
        event({ details: { username: 'carol' } }),
      ]),
      negative('a field:value term does not match the value in another field', [
        event({ summary: 'carol logged in', details: { username: 'dave' } }),
      ]),
    ],
  });

  describeAlert(alert, {
    ...suite,
    config: api('/address'),
    defaultAlert: {
      ...suite.defaultAlert,
      summary: 'Watchlist term 10.1.2.3 detected by alice from 10.1.2.3 on bastion.example.com',
    },
    cases: [
      positive('an address term matches the address', events({}, 1)),
      negative('an address term does not match a longer address (10.1.2.30)', [
        event({ summary: 'connect from 10.1.2.30', details: { sourceipaddress: '10.1.2.30' } }),
      ]),
    ],
  });

  describeAlert(alert, {
    ...suite,
    config: api('/two-words'),
    defaultAlert: {
      ...suite.defaultAlert,
      summary: 'Watchlist term evil corp detected by dave from 10.9.9.9 on bastion.example.com',
    },
    cases: [
      // MozDef's query_string: two words are two terms OR'ed (default_operator OR).
      positive('two words match either word, as MozDef', [
        event({ ...neither, summary: 'invoice from corp' }),
      ]),
    ],
  });
});

describe('config', () => {
  it("defaults to MozDef's get_watchlist.conf and rejects bad values", () => {
    expect(resolveAlertConfig(alert, {})).toEqual({
      apiUrl: 'http://localhost:8081/getwatchlist',
      jwtSecret: 'secret',
      useAuth: false,
      timeoutMs: 10_000,
    });
    expect(() => resolveAlertConfig(alert, { apiUrl: 'localhost:8081' })).toThrow(
      /apiUrl: expected an http\(s\) URL/,
    );
    expect(() => resolveAlertConfig(alert, { useAuth: 'false' })).toThrow(/useAuth: /);
    expect(() => resolveAlertConfig(alert, { useAuth: true, jwtSecret: '' })).toThrow(
      /jwtSecret: must not be empty when useAuth is true/,
    );
    expect(() => resolveAlertConfig(alert, { term: 'alice' })).toThrow(/term: unknown key/);
  });

  it('validates without fetching: before the list is there the criteria match nothing', () => {
    const criteria = runCriteria(alert, resolveAlertConfig(alert, {}));
    expect(criteria.query.must).toEqual([{ type: 'matchNone' }]);
    expect(criteria.window).toEqual({ minutes: 20 });
  });
});
