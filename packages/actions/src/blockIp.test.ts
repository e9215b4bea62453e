import { describe, expect, it } from 'vitest';
import { blockIp, blockIpBody, sourceIpOf } from './blockIp.js';
import { configureAction } from './defineAction.js';
import { storedAlert } from './fixtures.testkit.js';
import { describeHttpAction } from './httpActionContract.testkit.js';
import { startTestServer } from './httpServer.testkit.js';
import { ActionPipeline } from './pipeline.js';

const alert = storedAlert('bf-1', { details: { sourceipaddress: '203.0.113.9' } });

describeHttpAction('block-ip', {
  action: blockIp,
  config: (url) => ({ url: `${url}/api/`, token: 's3cret-token' }),
  alert,
  success: { status: 200, json: {} },
  expectRequest(request) {
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/blockip');
    expect(request.headers['authorization']).toBe('Bearer s3cret-token');
    expect(request.headers['content-type']).toBe('application/json');
    // MozDef's body, field for field.
    expect(request.body).toEqual([
      { ipaddress: '203.0.113.9/32' },
      { duration: '1d' },
      { comment: 'Automatic Block' },
      { referenceid: '' },
      { IPBlockList: true },
      { userid: 'MozDef' },
    ]);
  },
});

describe('block-ip', () => {
  it('registers on the configured alert names, lower-cased (default AlertBruteforceSsh)', () => {
    expect(configureAction(blockIp, { url: 'http://x' }).registration).toEqual([
      'alertbruteforcessh',
    ]);
    expect(
      configureAction(blockIp, { url: 'http://x', alertNames: ['AlertFoo', 'AlertBar'] })
        .registration,
    ).toEqual(['alertfoo', 'alertbar']);
  });

  it('sends no Authorization header without a token', async () => {
    const server = await startTestServer();
    try {
      const pipeline = await ActionPipeline.open({
        actions: [configureAction(blockIp, { url: server.url })],
      });
      await pipeline.run([alert]);
      expect(server.requests[0]?.headers['authorization']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("takes the IP from the alert's details, else the one IP its events share", () => {
    expect(sourceIpOf(alert)).toBe('203.0.113.9');
    expect(sourceIpOf(storedAlert('a'))).toBe('10.1.1.1');
    const mixed = storedAlert('b', {
      events: [
        {
          documentindex: 'e',
          documentid: '1',
          documentsource: { details: { sourceipaddress: '10.0.0.1' } },
        },
        {
          documentindex: 'e',
          documentid: '2',
          documentsource: { details: { sourceipaddress: '10.0.0.2' } },
        },
      ],
    });
    expect(sourceIpOf(mixed)).toBeUndefined();
    expect(
      blockIpBody('2001:db8::1', {
        url: 'http://x',
        alertNames: [],
        duration: '12h',
        comment: 'c',
        userid: 'u',
      })[0],
    ).toEqual({
      ipaddress: '2001:db8::1/128',
    });
  });

  it('an alert without a source IP fails at once (permanent), with no request', async () => {
    const server = await startTestServer();
    try {
      const pipeline = await ActionPipeline.open({
        actions: [configureAction(blockIp, { url: server.url })],
        backoffMs: 1,
      });
      const report = await pipeline.run([storedAlert('no-ip', { events: [] })]);
      expect(report).toEqual({ succeeded: 0, failed: 1, pending: 0 });
      expect(pipeline.record('no-ip', 'block-ip')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('a 4xx is permanent: recorded failed without retries', async () => {
    const server = await startTestServer({ status: 400, json: { error: 'bad ip' } });
    try {
      const pipeline = await ActionPipeline.open({
        actions: [configureAction(blockIp, { url: server.url })],
        backoffMs: 1,
      });
      expect(await pipeline.run([alert])).toEqual({ succeeded: 0, failed: 1, pending: 0 });
      expect(server.requests).toHaveLength(1);
      expect(pipeline.record(alert._id, 'block-ip')?.error).toMatch(
        /HTTP 400: \{"error":"bad ip"\}/,
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a config without url, naming the key', () => {
    expect(() => configureAction(blockIp, {}, { where: 'actions[0]' })).toThrow(
      /^actions\[0\] \(block-ip\): config\.url: /,
    );
    expect(() => configureAction(blockIp, { url: 'http://x', tokn: 'y' })).toThrow(
      /config: .*tokn/,
    );
  });
});
