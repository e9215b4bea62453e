import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configureAction, type AlertAction } from './defineAction.js';
import { recordingLogger } from './fixtures.testkit.js';
import {
  refusedUrl,
  startTestServer,
  type ReceivedRequest,
  type TestServer,
} from './httpServer.testkit.js';
import { ActionPipeline } from './pipeline.js';

/** How one HTTP action is exercised by {@link describeHttpAction}. */
export interface HttpActionCase<Config> {
  action: AlertAction<Config>;
  /** The action's config, pointing at the test server's base URL. */
  config(baseUrl: string): unknown;
  /** An alert the action registers on and acts upon. */
  alert: StoredAlert;
  /** The 2xx answer the real endpoint gives. */
  success: { status: number; json?: unknown };
  /** Checks the request the action made for `alert`. */
  expectRequest(request: ReceivedRequest): void;
}

/**
 * The HTTP behaviour every action must have, against a local server: 2xx succeeds once, a 5xx is
 * retried then recorded as failed, a hung server is abandoned at the time limit (and retried),
 * connection refused is retried then failed, and a new pipeline over the same journal (a restart)
 * does not repeat a recorded success.
 */
export function describeHttpAction<Config>(name: string, c: HttpActionCase<Config>): void {
  describe(`${name} over HTTP`, () => {
    let server: TestServer;
    let dir: string;
    beforeEach(async () => {
      server = await startTestServer(c.success);
      dir = await mkdtemp(join(tmpdir(), 'alertkit-actions-'));
    });
    afterEach(async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    });
    const open = (
      url: string,
      settings: { timeoutMs?: number; maxAttempts?: number } = {},
      backoffMs = 1,
    ) => {
      const logger = recordingLogger();
      return ActionPipeline.open({
        file: join(dir, 'actions.journal'),
        actions: [configureAction(c.action, c.config(url), settings)],
        backoffMs,
        logger,
      }).then((pipeline) => ({ pipeline, logger }));
    };

    it('2xx: makes the request once and records success', async () => {
      const { pipeline } = await open(server.url);
      expect(await pipeline.run([c.alert])).toEqual({ succeeded: 1, failed: 0, pending: 0 });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      if (request) c.expectRequest(request);
      expect(pipeline.record(c.alert._id, c.action.name)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
    });

    it('non-2xx: retries with backoff, then records the failure', async () => {
      server.fallback = { status: 503, text: 'try later' };
      const { pipeline, logger } = await open(server.url, { maxAttempts: 3 });
      expect(await pipeline.run([c.alert])).toEqual({ succeeded: 0, failed: 1, pending: 0 });
      expect(server.requests).toHaveLength(3);
      const record = pipeline.record(c.alert._id, c.action.name);
      expect(record).toMatchObject({ status: 'failed', attempts: 3 });
      expect(record?.error).toMatch(/HTTP 503: try later/);
      expect(logger.lines.at(-1)).toMatchObject({
        level: 'warn',
        object: { action: c.action.name, alertId: c.alert._id },
      });
    });

    it('non-2xx then 2xx: the retry succeeds', async () => {
      server.replies.push({ status: 500, text: 'oops' });
      const { pipeline } = await open(server.url);
      expect(await pipeline.run([c.alert])).toEqual({ succeeded: 1, failed: 0, pending: 0 });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
    });

    it('timeout: a server that never answers is abandoned at the time limit and logged', async () => {
      server.fallback = 'hang';
      const { pipeline, logger } = await open(server.url, { timeoutMs: 200, maxAttempts: 2 });
      expect(await pipeline.run([c.alert])).toEqual({ succeeded: 0, failed: 1, pending: 0 });
      expect(server.requests).toHaveLength(2);
      expect(pipeline.record(c.alert._id, c.action.name)?.error).toMatch(/took longer than 200 ms/);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: 'action exceeded its time limit; abandoned',
          object: expect.objectContaining({
            action: c.action.name,
            alertId: c.alert._id,
          }) as unknown,
        }),
      );
    });

    it('connection refused: retried, then recorded as failed', async () => {
      const { pipeline } = await open(await refusedUrl(), { maxAttempts: 2 });
      expect(await pipeline.run([c.alert])).toEqual({ succeeded: 0, failed: 1, pending: 0 });
      expect(pipeline.record(c.alert._id, c.action.name)?.error).toMatch(
        /connection failed \(ECONNREFUSED\)/,
      );
    });

    it('restart: a new pipeline over the same journal does not repeat a recorded success', async () => {
      const first = await open(server.url);
      await first.pipeline.run([c.alert]);
      await first.pipeline.close();
      const second = await open(server.url);
      expect(second.pipeline.record(c.alert._id, c.action.name)?.status).toBe('succeeded');
      expect(await second.pipeline.run([c.alert])).toEqual({ succeeded: 0, failed: 0, pending: 0 });
      expect(await second.pipeline.resume()).toEqual({ succeeded: 0, failed: 0, pending: 0 });
      expect(server.requests).toHaveLength(1);
    });

    it('restart after a failure in between: the pending alert is resumed and sent once', async () => {
      server.replies.push({ status: 502, text: 'bad gateway' });
      const first = await open(server.url, { maxAttempts: 3 }, 60_000);
      // Closed during the first backoff (a minute): the action stays owed in the journal.
      const closing = first.pipeline.run([c.alert]);
      await vi.waitFor(() => expect(server.requests).toHaveLength(1));
      await first.pipeline.close();
      expect(await closing).toEqual({ succeeded: 0, failed: 0, pending: 1 });
      const second = await open(server.url, { maxAttempts: 3 });
      expect(second.pipeline.pending().map((a) => a._id)).toEqual([c.alert._id]);
      expect(await second.pipeline.resume()).toEqual({ succeeded: 1, failed: 0, pending: 0 });
      expect(second.pipeline.record(c.alert._id, c.action.name)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
      });
      expect(server.requests).toHaveLength(2);
    });
  });
}
