import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureAction } from './defineAction.js';
import { recordingLogger } from './fixtures.testkit.js';
import { describeHttpAction } from './httpActionContract.testkit.js';
import { startTestServer, type TestServer } from './httpServer.testkit.js';
import { ActionPipeline } from './pipeline.js';
import {
  createDuplicateChain,
  retrieveDuplicateChain,
  triageBot,
  triageBotConfigSchema,
  tryMakeOutbound,
  updateDuplicateChain,
  TriageApiError,
  type TriageBotConfig,
} from './triageBot.js';

// MozDef's fixtures (tests/alerts/actions/test_triage_bot.py), the fields the action reads kept.
function sshSensitiveHostAlert(): StoredAlert {
  return {
    _index: 'alerts-201911',
    _id: 'jY29OGBBCfj908U9z3kd',
    _source: {
      utctimestamp: '2019-11-04T23:04:36.351726+00:00',
      severity: 'WARNING',
      summary: 'Session opened on sensitive host by (1): tester [test@website.com]',
      classname: 'AlertGenericLoader:ssh_open_crit',
      category: 'session',
      tags: ['session', 'successful'],
      events: [
        {
          documentindex: 'events-20191104',
          documentsource: {
            details: { program: 'sshd', eventsourceipaddress: '1.2.3.4', username: 'tester' },
            hostname: 'a.host.website.com',
            summary: 'pam_unix(sshd:session): session opened for user tester by (uid=0)',
          },
          documentid: 'X8-tOG4B-YuPuGRRXQta',
        },
      ],
      channel: null,
      notify_mozdefbot: true,
      status: 'NEW',
      url: 'website.com',
      details: { sites: [] },
    },
  };
}

function duoBypassCodeGenAlert(): StoredAlert {
  return {
    _index: 'alerts-201911',
    _id: 'Rd8h4ukN9Ob7umH452xl',
    _source: {
      utctimestamp: '2019-11-04T23:36:36.966791+00:00',
      severity: 'NOTICE',
      summary: 'DuoSecurity MFA Bypass codes generated (1): tester@website.com [a.website.com]',
      classname: 'AlertGenericLoader:duosecurity_bypass_generated',
      category: 'duo',
      tags: ['duosecurity'],
      events: [
        {
          documentindex: 'events-20191104',
          documentsource: {
            details: {
              bypass_code_ids: 2,
              count: 10,
              object: 'tester@website.com',
              username: 'API',
            },
            hostname: 'mozdef.website.com',
            summary: 'bypass_create',
          },
          documentid: 'wPPKOG4B-YuPuGRRc2s7',
        },
      ],
      channel: null,
      notify_mozdefbot: false,
      status: 'NEW',
    },
  };
}

function duoBypassCodeUsedAlert(): StoredAlert {
  const alert = duoBypassCodeGenAlert();
  alert._id = 'n8uK26b1hx3f9OcLa72n';
  alert._source.classname = 'AlertGenericLoader:duosecurity_bypass_used';
  alert._source.summary =
    'DuoSecurity MFA Bypass codes used to log in (1): tester@website.com [website.com]';
  alert._source.tags = ['duosecurity', 'used', 'duo_bypass_codes_used'];
  return alert;
}

function sshAccessRelengAlert(): StoredAlert {
  return {
    _index: 'alerts-201911',
    _id: '8UtbAqm0dFl4qd9GwkA2',
    _source: {
      utctimestamp: '2019-11-05T01:14:57.912292+00:00',
      severity: 'NOTICE',
      summary: 'SSH login from 10.49.48.100 on releng.website.com as user tester',
      classname: 'AlertAuthSignRelengSSH',
      category: 'access',
      tags: ['ssh'],
      events: [
        {
          documentindex: 'events-20191105',
          documentsource: {
            details: {
              program: 'sshd',
              hostname: 'releng.website.com',
              sourceipaddress: '4.3.2.1',
            },
            hostname: 'releng.website.com',
          },
          documentid: 'hsudfg92123ASDf234rm',
        },
      ],
      channel: 'infosec-releng-alerts',
      notify_mozdefbot: true,
      status: 'NEW',
      details: { sourceipaddress: '4.3.2.1', sites: [] },
    },
  };
}

const mockConfig: TriageBotConfig = triageBotConfigSchema.parse({ url: 'http://bot.invalid/' });

// MozDef's TestAlertRecognition (5 tests).
describe('alert recognition (MozDef TestAlertRecognition)', () => {
  it('declines an unrecognized alert', () => {
    const msg = sshSensitiveHostAlert();
    msg._source.classname = 'test';
    expect(tryMakeOutbound(msg, mockConfig)).toBeNull();
  });

  it('recognizes ssh sensitive host (user email from the alert: MozDef fallback, confidence low)', () => {
    expect(tryMakeOutbound(sshSensitiveHostAlert(), mockConfig)).toEqual({
      identifier: 'jY29OGBBCfj908U9z3kd',
      alert: 'sensitive_host_session',
      summary:
        'An SSH session to a potentially sensitive host a.host.website.com was made by your user account.',
      user: 'tester@mozilla.com',
      identityConfidence: 'low',
    });
  });

  it('recognizes duo bypass codes generated', () => {
    expect(tryMakeOutbound(duoBypassCodeGenAlert(), mockConfig)).toMatchObject({
      alert: 'duo_bypass_codes_generated',
      user: 'tester@website.com',
      identityConfidence: 'highest',
    });
  });

  it('recognizes duo bypass codes used', () => {
    expect(tryMakeOutbound(duoBypassCodeUsedAlert(), mockConfig)).toMatchObject({
      identifier: 'n8uK26b1hx3f9OcLa72n',
      alert: 'duo_bypass_codes_used',
      user: 'tester@website.com',
      identityConfidence: 'highest',
    });
  });

  it('recognizes ssh access releng', () => {
    expect(tryMakeOutbound(sshAccessRelengAlert(), mockConfig)).toEqual({
      identifier: '8UtbAqm0dFl4qd9GwkA2',
      alert: 'ssh_access_sign_releng',
      summary: 'An SSH session was established to host releng.website.com by your user account.',
      user: 'tester@mozilla.com',
      identityConfidence: 'low',
    });
  });

  it('declines an alert whose classname is supported but not enabled, and one without a user', () => {
    const only = { ...mockConfig, enabledAlertClassnames: ['AlertAuthSignRelengSSH'] };
    expect(tryMakeOutbound(sshSensitiveHostAlert(), only)).toBeNull();
    const anonymous = sshSensitiveHostAlert();
    const source = anonymous._source.events[0]?.documentsource as { details: { username: string } };
    source.details.username = '';
    expect(tryMakeOutbound(anonymous, mockConfig)).toBeNull();
  });
});

// MozDef's TestDuplicateChainManagement (6 tests), against a local server instead of requests_mock.
describe('duplicate chain management (MozDef TestDuplicateChainManagement)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());
  const api = () => ({ url: server.url, token: 'testtoken' });

  it('chain retrieval', async () => {
    server.replies.push({
      status: 200,
      json: {
        error: null,
        identifiers: ['id123'],
        created: '2020/02/19 1:23:45',
        modified: '2020/02/19 1:23:45',
      },
    });
    const chain = await retrieveDuplicateChain(
      api(),
      'sensitive_host_session',
      'tester@mozilla.com',
    );
    expect(chain?.identifiers).toEqual(['id123']);
    expect(chain?.created.getUTCFullYear()).toBe(2020);
    expect(chain?.modified.getUTCDate()).toBe(19);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: '/alerttriagechain?alert=sensitive_host_session&user=tester%40mozilla.com',
      headers: { authorization: 'Bearer testtoken' },
    });
  });

  it('chain retrieval failure', async () => {
    server.replies.push({
      status: 500,
      json: {
        error: 'Chain does not exist',
        identifiers: [],
        created: '2020/02/19 1:23:45',
        modified: '2020/02/19 1:23:45',
      },
    });
    const failure = retrieveDuplicateChain(api(), 'ssh_access_sign_releng', 'tester@mozilla.com');
    await expect(failure).rejects.toThrow(TriageApiError);
    await expect(failure).rejects.toThrow(/^Chain does not exist$/);
  });

  it('chain creation', async () => {
    server.replies.push({ status: 200, json: { error: null } });
    expect(
      await createDuplicateChain(api(), 'duo_bypass_codes_used', 'tester@mozilla.com', [
        'testid123',
      ]),
    ).toBe(true);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/alerttriagechain',
      body: {
        alert: 'duo_bypass_codes_used',
        user: 'tester@mozilla.com',
        identifiers: ['testid123'],
      },
    });
  });

  it('chain creation failure', async () => {
    server.replies.push({ status: 200, json: { error: 'Internal error' } });
    await expect(
      createDuplicateChain(api(), 'sensitive_host_session', 'tester@mozilla.com', ['testid123']),
    ).rejects.toThrow(/^Internal error$/);
  });

  it('chain update', async () => {
    server.replies.push({ status: 200, json: { error: null } });
    expect(
      await updateDuplicateChain(api(), 'duo_bypass_codes_generated', 'tester@mozilla.com', [
        'testid123',
      ]),
    ).toBe(true);
    expect(server.requests[0]?.method).toBe('PUT');
  });

  it('chain update failure', async () => {
    server.replies.push({ status: 200, json: { error: 'No such chain exists' } });
    await expect(
      updateDuplicateChain(api(), 'sensitive_host_session', 'tester@mozilla.com', ['testid123']),
    ).rejects.toThrow(/^No such chain exists$/);
  });
});

// MozDef's TestLambda.test_dispatch, as a webhook: the same payload, POSTed as JSON.
describeHttpAction('triage-bot', {
  action: triageBot,
  config: (url) => ({ url: `${url}/triage`, token: 'bot-token' }),
  alert: sshAccessRelengAlert(),
  success: { status: 200, json: { ok: true } },
  expectRequest(request) {
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/triage');
    expect(request.headers['authorization']).toBe('Bearer bot-token');
    expect(request.body).toEqual({
      identifier: '8UtbAqm0dFl4qd9GwkA2',
      alert: 'ssh_access_sign_releng',
      summary: 'An SSH session was established to host releng.website.com by your user account.',
      user: 'tester@mozilla.com',
      identityConfidence: 'low',
    });
  },
});

describe('triage-bot with duplicate chains', () => {
  let bot: TestServer;
  let rest: TestServer;
  beforeEach(async () => {
    bot = await startTestServer();
    rest = await startTestServer();
  });
  afterEach(async () => {
    await bot.close();
    await rest.close();
  });
  const pipeline = (logger = recordingLogger()) =>
    ActionPipeline.open({
      actions: [configureAction(triageBot, { url: bot.url, restApi: { url: rest.url } })],
      backoffMs: 1,
      logger,
    });

  it('no chain yet: creates one and sends', async () => {
    rest.replies.push(
      { status: 200, json: { error: 'no chain' } },
      { status: 200, json: { error: null } },
    );
    expect((await (await pipeline()).run([duoBypassCodeGenAlert()])).succeeded).toBe(1);
    expect(rest.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(bot.requests).toHaveLength(1);
  });

  it('the user already has a chain: the alert joins it and nobody is pinged again', async () => {
    rest.replies.push(
      {
        status: 200,
        json: {
          error: null,
          identifiers: ['older'],
          created: '2020-02-19T01:23:45Z',
          modified: '2020-02-19T01:23:45Z',
        },
      },
      { status: 200, json: { error: null } },
    );
    const p = await pipeline();
    expect((await p.run([duoBypassCodeGenAlert()])).succeeded).toBe(1);
    expect(rest.requests.map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(bot.requests).toHaveLength(0);
    expect(p.record('Rd8h4ukN9Ob7umH452xl', 'triage-bot')?.detail).toMatch(
      /duplicate chain; not sent again/,
    );
  });

  it('a retry after the chain was started by this alert still sends', async () => {
    bot.replies.push({ status: 500, text: 'lambda down' });
    rest.fallback = { status: 200, json: { error: null } };
    rest.replies.push(
      { status: 200, json: { error: 'no chain' } },
      { status: 200, json: { error: null } },
      {
        status: 200,
        json: {
          error: null,
          identifiers: ['Rd8h4ukN9Ob7umH452xl'],
          created: '2020-02-19T01:23:45Z',
          modified: '2020-02-19T01:23:45Z',
        },
      },
    );
    expect((await (await pipeline()).run([duoBypassCodeGenAlert()])).succeeded).toBe(1);
    expect(bot.requests).toHaveLength(2);
  });

  it('a chain error falls back to sending, and is logged', async () => {
    rest.fallback = { status: 500, text: 'not json' };
    const logger = recordingLogger();
    expect((await (await pipeline(logger)).run([duoBypassCodeUsedAlert()])).succeeded).toBe(1);
    expect(bot.requests).toHaveLength(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ message: 'duplicate chain management error; sending anyway' }),
    );
  });
});
