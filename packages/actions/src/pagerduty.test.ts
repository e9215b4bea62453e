import { describe, expect, it } from 'vitest';
import { configureAction } from './defineAction.js';
import { storedAlert } from './fixtures.testkit.js';
import { describeHttpAction } from './httpActionContract.testkit.js';
import { startTestServer } from './httpServer.testkit.js';
import { pagerduty, pagerdutyEvent, pagerdutySeverity, PAGERDUTY_EVENTS_URL } from './pagerduty.js';
import { ActionPipeline } from './pipeline.js';

const alert = storedAlert('alert-7f3a', {
  severity: 'CRITICAL',
  summary: 'CloudTrail logging stopped',
  category: 'cloudtrail',
  tags: ['aws', 'PageMe'],
  classname: 'AlertCloudtrailLoggingDisabled',
});

const integrations = [
  { tag: 'other', routingKey: 'rk-other' },
  {
    tag: 'pageme',
    routingKey: 'R0UT1NGKEY0123456789012345678901',
    runbookUrl: 'https://wiki.example/runbook',
  },
];

describeHttpAction('pagerduty', {
  action: pagerduty,
  config: (url) => ({ url: `${url}/v2/enqueue`, integrations, webUrl: 'https://mozdef.example/' }),
  alert,
  success: {
    status: 202,
    json: { status: 'success', message: 'Event processed', dedup_key: 'alert-7f3a' },
  },
  expectRequest(request) {
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v2/enqueue');
    expect(request.body).toEqual({
      routing_key: 'R0UT1NGKEY0123456789012345678901',
      event_action: 'trigger',
      dedup_key: 'alert-7f3a',
      client: 'alertkit',
      client_url: 'https://mozdef.example/alert/alert-7f3a',
      payload: {
        summary: 'CloudTrail logging stopped',
        source: 'alertkit',
        severity: 'critical',
        timestamp: '2026-12-04T05:00:00.000000+00:00',
        class: 'cloudtrail',
        group: 'AlertCloudtrailLoggingDisabled',
        custom_details: {
          classname: 'AlertCloudtrailLoggingDisabled',
          category: 'cloudtrail',
          tags: ['aws', 'PageMe'],
          severity: 'CRITICAL',
          events: 1,
        },
      },
      links: [
        { href: 'https://mozdef.example/alert/alert-7f3a', text: 'View alert' },
        { href: 'https://wiki.example/runbook', text: 'View runbook' },
      ],
    });
  },
});

describe('pagerduty', () => {
  it('maps MozDef severities onto the four of Events API v2', () => {
    expect(
      ['CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'unknown'].map(pagerdutySeverity),
    ).toEqual(['critical', 'error', 'warning', 'info', 'info', 'info']);
  });

  it('defaults to the Events API v2 endpoint and registers on the integration tags', () => {
    const configured = configureAction(pagerduty, { integrations });
    expect(configured.config).toMatchObject({ url: PAGERDUTY_EVENTS_URL, source: 'alertkit' });
    expect(configured.registration).toEqual(['other', 'pageme']);
  });

  it('truncates a summary PagerDuty would refuse (over 1024 characters)', () => {
    const long = storedAlert('x', { summary: 'a'.repeat(2000), tags: ['pageme'] });
    const config = pagerduty.config?.parse({ integrations });
    if (!config) throw new Error('no config');
    const event = pagerdutyEvent(long, integrations[1] as (typeof integrations)[1], config) as {
      payload: { summary: string };
    };
    expect(event.payload.summary).toHaveLength(1024);
  });

  it('a retried alert carries the same dedup_key, so PagerDuty keeps one incident', async () => {
    const server = await startTestServer({ status: 202, json: { status: 'success' } });
    server.replies.push({ status: 429, json: { status: 'throttled' } });
    try {
      const pipeline = await ActionPipeline.open({
        actions: [configureAction(pagerduty, { url: server.url, integrations })],
        backoffMs: 1,
      });
      expect(await pipeline.run([alert])).toEqual({ succeeded: 1, failed: 0, pending: 0 });
      expect(server.requests.map((r) => (r.body as { dedup_key: string }).dedup_key)).toEqual([
        'alert-7f3a',
        'alert-7f3a',
      ]);
    } finally {
      await server.close();
    }
  });

  it('an alert whose tag matches only outside `tags` pages nobody (as MozDef)', async () => {
    const server = await startTestServer();
    try {
      const pipeline = await ActionPipeline.open({
        actions: [configureAction(pagerduty, { url: server.url, integrations })],
      });
      // `pageme` appears as a value, so the registration matches, but the alert's tags lack it.
      const report = await pipeline.run([storedAlert('y', { tags: ['ssh'], category: 'pageme' })]);
      expect(report.succeeded).toBe(1);
      expect(pipeline.record('y', 'pagerduty')?.detail).toBe(
        'no integration tag in the alert tags',
      );
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('refuses a config without integrations, naming the key', () => {
    expect(() =>
      configureAction(pagerduty, { integrations: [{ tag: 'x' }] }, { where: 'actions[2]' }),
    ).toThrow(/^actions\[2\] \(pagerduty\): config\.integrations\.0\.routingKey: /);
  });
});
