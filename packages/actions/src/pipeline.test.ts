import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredAlert } from '@alertkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionError, configureAction, defineAction, type AlertAction } from './defineAction.js';
import { recordingLogger, storedAlert } from './fixtures.testkit.js';
import { ActionPipeline, backoffDelay } from './pipeline.js';

/** An action that records each call; `behave` decides each call's outcome. */
function probe(
  name: string,
  registration: AlertAction['registration'],
  behave: (alert: StoredAlert, attempt: number) => Promise<void> = () => Promise.resolve(),
  priority?: number,
) {
  const calls: string[] = [];
  const action = defineAction({
    name,
    registration,
    ...(priority !== undefined ? { priority } : {}),
    run: async (alert, { attempt }) => {
      calls.push(`${name}:${alert._id}:${attempt}`);
      await behave(alert, attempt);
    },
  });
  return { action, calls };
}

describe('ActionPipeline', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alertkit-pipeline-'));
    file = join(dir, 'state', 'actions.journal');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs the actions whose registration matches a key or value of the alert (lower-cased), lowest priority first', async () => {
    const order: string[] = [];
    const track = (name: string) => () => {
      order.push(name);
      return Promise.resolve();
    };
    const late = probe('late', '*', track('late'), 5);
    const early = probe('early', ['alertbruteforcessh'], track('early'), 1);
    const never = probe('never', ['alertsomethingelse'], track('never'), 0);
    const byKey = probe('by-key', ['sourceipaddress'], track('by-key'), 5);
    const pipeline = await ActionPipeline.open({
      actions: [late.action, early.action, never.action, byKey.action].map((a) =>
        configureAction(a, undefined),
      ),
    });
    expect(pipeline.matching(storedAlert('a1')).map((c) => c.action.name)).toEqual([
      'early',
      'late',
      'by-key',
    ]);
    expect(await pipeline.run([storedAlert('a1')])).toEqual({
      succeeded: 3,
      failed: 0,
      pending: 0,
    });
    expect(order).toEqual(['early', 'late', 'by-key']);
  });

  it('an alert matching no action is not journalled', async () => {
    const { action } = probe('p', ['nothing-matches']);
    const pipeline = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
    });
    await pipeline.run([storedAlert('a1')]);
    expect(pipeline.record('a1', 'p')).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('masks secrets in every string it journals (errors, details), appended and compacted, when given a redaction', async () => {
    const secret = 's3cr3t-token-value';
    const leaky = probe('leaky', '*', () =>
      Promise.reject(new Error(`POST https://hooks.example/?token=${secret} refused`)),
    );
    const mask = (text: string) => text.split(secret).join('[redacted]');
    const open = () =>
      ActionPipeline.open({
        file,
        actions: [configureAction(leaky.action, undefined, { maxAttempts: 1 })],
        redact: mask,
      });
    const pipeline = await open();
    await pipeline.run([storedAlert('a1')]);
    // In memory the record keeps the message (the pipeline's own answer); on disk it is masked.
    expect(pipeline.record('a1', 'leaky')?.error).toContain(secret);
    const appended = await readFile(file, 'utf8');
    expect(appended).not.toContain(secret);
    expect(appended).toContain('token=[redacted] refused');
    // Compaction at the next open rewrites the file: still masked, still the same outcome.
    const reopened = await open();
    expect(await readFile(file, 'utf8')).not.toContain(secret);
    expect(reopened.record('a1', 'leaky')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a redelivered alert (same _id) never runs an action twice, in one run or across runs', async () => {
    const { action, calls } = probe('p', '*');
    const pipeline = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
    });
    await pipeline.run([storedAlert('a1'), storedAlert('a1')]);
    await pipeline.run([storedAlert('a1'), storedAlert('a2')]);
    expect(calls).toEqual(['p:a1:1', 'p:a2:1']);
  });

  it('retries with backoff up to maxAttempts, then records the failure and moves on', async () => {
    const flaky = probe('flaky', '*', () => Promise.reject(new Error('endpoint down')));
    const after = probe('after', '*', undefined, 200);
    const pipeline = await ActionPipeline.open({
      file,
      actions: [
        configureAction(flaky.action, undefined, { maxAttempts: 4 }),
        configureAction(after.action, undefined),
      ],
      backoffMs: 1,
    });
    expect(await pipeline.run([storedAlert('a1')])).toEqual({
      succeeded: 1,
      failed: 1,
      pending: 0,
    });
    expect(flaky.calls).toEqual(['flaky:a1:1', 'flaky:a1:2', 'flaky:a1:3', 'flaky:a1:4']);
    expect(pipeline.record('a1', 'flaky')).toMatchObject({
      status: 'failed',
      attempts: 4,
      error: 'endpoint down',
    });
    expect(after.calls).toEqual(['after:a1:1']);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 1000, 30_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('a permanent ActionError is not retried', async () => {
    const { action, calls } = probe('p', '*', () =>
      Promise.reject(new ActionError('malformed', { permanent: true })),
    );
    const pipeline = await ActionPipeline.open({
      actions: [configureAction(action, undefined)],
      backoffMs: 1,
    });
    await pipeline.run([storedAlert('a1')]);
    expect(calls).toHaveLength(1);
    expect(pipeline.record('a1', 'p')?.status).toBe('failed');
  });

  it('an action whose promise never settles is abandoned at its time limit, logged with its name and the alert id', async () => {
    const { action, calls } = probe('stuck', '*', () => new Promise<void>(() => {}));
    const logger = recordingLogger();
    const pipeline = await ActionPipeline.open({
      actions: [configureAction(action, undefined, { timeoutMs: 50, maxAttempts: 2 })],
      backoffMs: 1,
      logger,
    });
    expect(await pipeline.run([storedAlert('a1')])).toEqual({
      succeeded: 0,
      failed: 1,
      pending: 0,
    });
    expect(calls).toEqual(['stuck:a1:1', 'stuck:a1:2']);
    const timeouts = logger.lines.filter(
      (l) => l.message === 'action exceeded its time limit; abandoned',
    );
    expect(timeouts.map((l) => l.object)).toEqual([
      { action: 'stuck', alertId: 'a1', timeoutMs: 50, attempt: 1 },
      { action: 'stuck', alertId: 'a1', timeoutMs: 50, attempt: 2 },
    ]);
  });

  it('the signal given to an action is aborted at the time limit', async () => {
    let aborted: unknown;
    const action = defineAction({
      name: 'listens',
      registration: '*',
      run: (_alert, { signal }) =>
        new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(signal.reason as Error);
          }),
        ),
    });
    const pipeline = await ActionPipeline.open({
      actions: [configureAction(action, undefined, { timeoutMs: 30, maxAttempts: 1 })],
    });
    await pipeline.run([storedAlert('a1')]);
    expect(String(aborted)).toMatch(/took longer than 30 ms and was abandoned/);
  });

  it('a restart resumes what was owed and counts a call cut short by a crash', async () => {
    const { action, calls } = probe('p', '*');
    const alert = storedAlert('a1');
    // What a process killed during its second call leaves behind.
    const lines = [
      { type: 'queued', at: '2026-12-04T05:00:00.000Z', alert },
      { type: 'attempt', at: '2026-12-04T05:00:00.000Z', id: 'a1', action: 'p', attempt: 1 },
      { type: 'attempt', at: '2026-12-04T05:00:01.000Z', id: 'a1', action: 'p', attempt: 2 },
    ];
    await ActionPipeline.open({ file, actions: [] }); // creates the directory
    await appendFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type":"outc');
    const pipeline = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined, { maxAttempts: 3 })],
      backoffMs: 1,
    });
    expect(pipeline.pending().map((a) => a._id)).toEqual(['a1']);
    expect(await pipeline.resume()).toEqual({ succeeded: 1, failed: 0, pending: 0 });
    expect(calls).toEqual(['p:a1:3']);
  });

  it('a crash during the last allowed call is recorded as failed on restart, without another call', async () => {
    const { action, calls } = probe('p', '*');
    await ActionPipeline.open({ file, actions: [] });
    await appendFile(
      file,
      [
        { type: 'queued', at: 't', alert: storedAlert('a1') },
        { type: 'attempt', at: 't', id: 'a1', action: 'p', attempt: 3 },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const pipeline = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
    });
    expect(await pipeline.resume()).toEqual({ succeeded: 0, failed: 1, pending: 0 });
    expect(calls).toEqual([]);
    expect(pipeline.record('a1', 'p')?.error).toMatch(/gave up after 3 attempts/);
  });

  it('an action added to the installation later runs on journalled alerts that are resumed, not on settled ones twice', async () => {
    const first = probe('first', '*');
    const p1 = await ActionPipeline.open({
      file,
      actions: [configureAction(first.action, undefined)],
    });
    await p1.run([storedAlert('a1')]);
    const second = probe('second', '*');
    const p2 = await ActionPipeline.open({
      file,
      actions: [
        configureAction(first.action, undefined),
        configureAction(second.action, undefined),
      ],
    });
    await p2.resume();
    expect(first.calls).toEqual(['first:a1:1']);
    expect(second.calls).toEqual(['second:a1:1']);
  });

  it('compacts the journal on open, keeping the newest settled alerts', async () => {
    const { action } = probe('p', '*');
    const p1 = await ActionPipeline.open({ file, actions: [configureAction(action, undefined)] });
    await p1.run(['a1', 'a2', 'a3'].map((id) => storedAlert(id)));
    const p2 = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
      retain: 1,
    });
    expect(p2.record('a1', 'p')).toBeUndefined();
    expect(p2.record('a3', 'p')?.status).toBe('succeeded');
    expect(p2.record('a3', 'p')?.settledAt).toBe(p1.record('a3', 'p')?.settledAt);
    const text = await readFile(file, 'utf8');
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type),
    ).toEqual(['queued', 'outcome']);
  });

  it('a long-running pipeline compacts its journal as it goes, keeping memory and file bounded', async () => {
    const { action, calls } = probe('p', '*');
    const pipeline = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
      retain: 4,
    });
    for (let i = 0; i < 20; i++) await pipeline.run([storedAlert(`a${i}`)]);
    expect(calls).toHaveLength(20);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(4 * 2 + 4);
    expect(pipeline.record('a0', 'p')).toBeUndefined();
    expect(pipeline.record('a19', 'p')?.status).toBe('succeeded');
    // What the file holds after compaction is what a restart sees.
    const reopened = await ActionPipeline.open({
      file,
      actions: [configureAction(action, undefined)],
    });
    expect(reopened.record('a19', 'p')?.status).toBe('succeeded');
    expect(reopened.pending()).toEqual([]);
  });

  it('refuses two actions with one name', async () => {
    const { action } = probe('p', '*');
    await expect(
      ActionPipeline.open({
        actions: [configureAction(action, undefined), configureAction(action, undefined)],
      }),
    ).rejects.toThrow(/"p" is configured twice/);
  });

  it("validates and defaults the config with the action's zod schema", () => {
    const action = defineAction({
      name: 'typed',
      registration: (config: { tags: string[] }) => config.tags,
      config: z.object({ tags: z.array(z.string()).default(['Ssh']) }),
      run: () => Promise.resolve(),
    });
    expect(configureAction(action, undefined).registration).toEqual(['ssh']);
    expect(() => configureAction(action, { tags: 'ssh' }, { where: 'actions[3]' })).toThrow(
      /^actions\[3\] \(typed\): config\.tags: /,
    );
  });
});
