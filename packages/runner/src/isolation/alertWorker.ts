/**
 * The worker side of alert isolation: runs `runAlert` for an alert imported from its module, with
 * a store, reverse DNS and plugins that call back to the main thread. The worker can be
 * terminated at any point (a reaction in an endless loop), which is why it holds no state the
 * runner needs: the store, checkpoints and delivery stay in the main thread.
 */
import {
  AlertkitError,
  isAlertDefinition,
  runAlert,
  type AlertDefinition,
  type AlertDocument,
  type AlertDocumentPlugin,
  type AlertLogger,
  type ReverseDnsResolver,
  type Store,
} from '@alertkit/core';
import type { MessagePort } from 'node:worker_threads';
import {
  fromWireError,
  toWireError,
  type ActionTask,
  type ActionTaskResult,
  type AlertTask,
  type AlertTaskResult,
  type PluginTask,
  type PluginTaskResult,
  type ServiceName,
  type ServiceReply,
  type WarmTask,
} from './protocol.js';

const modules = new Map<string, Promise<Record<string, unknown>>>();

function importOnce(url: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(url);
  if (!loaded) {
    loaded = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, loaded);
  }
  return loaded;
}

/** The alert named `name` among a module's exports (an alert, or an array of alerts). */
function findAlert(
  exports: Record<string, unknown>,
  name: string,
): AlertDefinition<unknown> | undefined {
  for (const value of Object.values(exports)) {
    const candidates: unknown[] = Array.isArray(value) ? value : [value];
    for (const candidate of candidates)
      if (isAlertDefinition(candidate) && candidate.name === name) return candidate;
  }
  return undefined;
}

/** Calls to main-thread services over `port`, matched to replies by id. */
function connect(port: MessagePort) {
  let next = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.on('message', (reply: ServiceReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(fromWireError(reply.error));
  });
  return (service: ServiceName, method: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, service, method, args });
    });
}

async function runTask(task: AlertTask): Promise<AlertTaskResult> {
  const alert = findAlert(await importOnce(task.module), task.alert);
  if (!alert) return { ok: false, missing: true };
  const call = connect(task.port);
  const logged: Promise<unknown>[] = [];
  try {
    const store = Object.fromEntries(
      task.storeMethods.map((method) => [
        method,
        (...args: unknown[]) => call('store', method, args),
      ]),
    ) as unknown as Store;
    const reverseDns: ReverseDnsResolver | undefined = task.reverseDns
      ? (ip) => call('reverseDns', '', [ip]) as Promise<string | null>
      : undefined;
    const plugins: AlertDocumentPlugin | undefined = task.plugins
      ? (document, run) => call('plugins', '', [document, run]) as ReturnType<AlertDocumentPlugin>
      : undefined;
    // Log lines are posted without waiting (a reaction's warning never slows its run); the task
    // waits for them before it answers, since the port closes then.
    const log: AlertLogger = {
      warn: (details, message) =>
        void logged.push(call('log', 'warn', [details, message]).catch(() => {})),
      error: (details, message) =>
        void logged.push(call('log', 'error', [details, message]).catch(() => {})),
    };
    const result = await runAlert(alert, store, {
      now: task.now,
      log,
      config: task.config,
      ...(task.hitLimit !== undefined ? { hitLimit: task.hitLimit } : {}),
      ...(reverseDns ? { reverseDns } : {}),
      ...(plugins ? { plugins } : {}),
    });
    await Promise.all(logged);
    return { ok: true, result };
  } catch (error) {
    await Promise.all(logged);
    return { ok: false, error: toWireError(error) };
  } finally {
    task.port.close();
  }
}

/** A logger whose lines go to the main thread's logger, with the bindings of `child`. */
function workerLogger(
  call: ReturnType<typeof connect>,
  pending: Promise<unknown>[],
  bindings: Record<string, unknown> = {},
): Record<string, unknown> {
  const line =
    (level: string) =>
    (details: unknown, message?: string): void => {
      const fields =
        details !== null && typeof details === 'object'
          ? { ...bindings, ...(details as Record<string, unknown>) }
          : bindings;
      const text = typeof details === 'string' ? details : (message ?? '');
      // Not awaited by the plugin; the task waits for them before it answers (the port closes).
      pending.push(call('log', level, [fields, text]).catch(() => {}));
    };
  return {
    trace: line('debug'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    fatal: line('error'),
    child: (more: Record<string, unknown>) => workerLogger(call, pending, { ...bindings, ...more }),
  };
}

interface WorkerPlugin {
  name: string;
  onAlert(document: AlertDocument, context: unknown): unknown;
}

/** Runs one plugin call; the context's store and logger live in the main thread. */
async function runPluginTask(task: PluginTask): Promise<PluginTaskResult> {
  const call = connect(task.port);
  const pending: Promise<unknown>[] = [];
  try {
    const plugin = (await importOnce(task.module))['default'] as WorkerPlugin | undefined;
    if (!plugin || typeof plugin.onAlert !== 'function')
      throw new Error(`${task.module} does not default-export a plugin`);
    const context = {
      now: task.now,
      alertId: task.alertId,
      config: task.config,
      log: workerLogger(call, pending, { plugin: plugin.name, alertId: task.alertId }),
      search: (criteria: { build?: () => unknown }, options: { size?: number } = {}) => {
        if (!task.store)
          throw new AlertkitError('STORE_UNAVAILABLE', `${plugin.name}: no store to search`);
        return call('store', 'search', [
          {
            criteria: typeof criteria.build === 'function' ? criteria.build() : criteria,
            now: task.now,
            ...(options.size === undefined ? {} : { size: options.size }),
          },
        ]);
      },
    };
    const document = (await plugin.onAlert(task.document, context)) as AlertDocument | null;
    await Promise.all(pending);
    return { ok: true, document };
  } catch (error) {
    await Promise.all(pending);
    return { ok: false, error: toWireError(error) };
  } finally {
    task.port.close();
  }
}

interface WorkerAction {
  name: string;
  run(alert: unknown, context: unknown): unknown;
}

/** Runs one action call; its logger lives in the main thread. */
async function runActionTask(task: ActionTask): Promise<ActionTaskResult> {
  const call = connect(task.port);
  const pending: Promise<unknown>[] = [];
  try {
    const action = (await importOnce(task.module))['default'] as WorkerAction | undefined;
    if (!action || typeof action.run !== 'function')
      throw new Error(`${task.module} does not default-export an action`);
    // The main thread stops this worker at the time limit; the signal never needs to fire here.
    const result = (await action.run(task.alert, {
      config: task.config,
      attempt: task.attempt,
      signal: new AbortController().signal,
      logger: workerLogger(call, pending, { action: action.name }),
    })) as { detail?: string } | undefined;
    await Promise.all(pending);
    return { ok: true, result: result ?? undefined };
  } catch (error) {
    await Promise.all(pending);
    return { ok: false, error: toWireError(error) };
  } finally {
    task.port.close();
  }
}

/** The pool's task function. */
export default async function alertWorker(
  task: AlertTask | WarmTask | PluginTask | ActionTask,
): Promise<AlertTaskResult | PluginTaskResult | ActionTaskResult | null> {
  if (task.kind === 'plugin') return runPluginTask(task);
  if (task.kind === 'action') return runActionTask(task);
  if (task.kind === 'warm') {
    // A module that fails to import fails its own run later, with the alert's name.
    await Promise.allSettled(task.modules.map(importOnce));
    return null;
  }
  return runTask(task);
}
