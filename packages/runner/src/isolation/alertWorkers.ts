import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ActionError } from '@alertkit/actions';
import {
  AlertkitError,
  type AlertDocument,
  type AlertDocumentPlugin,
  type AlertLogger,
  type ReverseDnsResolver,
  type RunAlertResult,
  type Store,
} from '@alertkit/core';
import {
  toWireError,
  type ActionTask,
  type ActionTaskResult,
  type AlertTask,
  type AlertTaskResult,
  type PluginTask,
  type PluginTaskResult,
  type ServiceCall,
  type ServiceReply,
  type WarmTask,
} from './protocol.js';

/** One run of an alert in a worker. */
export interface IsolatedRun {
  /** `file:` URL of the module that exports the alert. */
  module: string;
  /** The alert's name. */
  alert: string;
  now: Date;
  config?: unknown;
  hitLimit?: number;
  /** After this the worker is stopped, even in a synchronous endless loop. */
  timeoutMs: number;
}

/** What the main thread serves to a run in a worker. */
export interface IsolatedServices {
  store: Store;
  reverseDns?: ReverseDnsResolver;
  plugins?: AlertDocumentPlugin;
  /** Where what the alert recovers from goes (the runner's logger for this alert and tick). */
  log?: AlertLogger;
}

// Under vitest the runner runs from its TypeScript sources: the worker then loads them through
// tsx (sourceWorker.mjs), with the condition that resolves sibling packages to their sources.
const fromSources = import.meta.url.endsWith('.ts');
const workerFile = new URL(
  fromSources ? './sourceWorker.mjs' : './alertWorker.js',
  import.meta.url,
);
const workerExecArgv = fromSources ? ['--conditions=@alertkit/source'] : [];

/** The method names of a store object (own and inherited, not Object's). */
function methodsOf(store: Store): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = store;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (
        name !== 'constructor' &&
        typeof (store as unknown as Record<string, unknown>)[name] === 'function'
      )
        names.add(name);
    }
  }
  return [...names];
}

async function serve(services: IsolatedServices, call: ServiceCall): Promise<unknown> {
  switch (call.service) {
    case 'store': {
      const method = (services.store as unknown as Record<string, unknown>)[call.method];
      if (typeof method !== 'function') throw new Error(`the store has no method ${call.method}`);
      return (method as (...args: unknown[]) => unknown).apply(services.store, call.args);
    }
    case 'reverseDns':
      return services.reverseDns?.(call.args[0] as string) ?? null;
    case 'plugins':
      return services.plugins
        ? services.plugins(call.args[0] as never, call.args[1] as never)
        : call.args[0];
    case 'log': {
      const [details, message] = call.args as [Record<string, unknown>, string];
      const log = services.log as (AlertLogger & Partial<Record<string, unknown>>) | undefined;
      const write = log?.[call.method];
      if (typeof write === 'function')
        (write as (d: Record<string, unknown>, m: string) => void).call(log, details, message);
      else if (call.method === 'error') log?.error(details, message);
      else log?.warn(details, message);
      return null;
    }
  }
}

/**
 * Alert runs in a worker thread (a piscina pool of one), so that a reaction that never returns,
 * a synchronous endless loop included, can be stopped: at its time limit the worker is
 * terminated and a fresh one takes the next run. The store, reverse DNS and plugins stay in the
 * main thread and are called over a message port; events cross by structured clone.
 */
export class AlertWorkers {
  #pool: Piscina | undefined;
  /** The modules to import into every new worker. */
  #modules: string[] = [];
  /** Settles once the current worker has started and imported them. */
  #ready: Promise<unknown> = Promise.resolve();

  /**
   * Starts the worker and imports the modules, ahead of the first run (in the background). A
   * worker started after one was stopped imports them again. A run's time limit starts after
   * this: starting a worker is not the alert's time.
   */
  warm(modules: readonly string[]): void {
    if (modules.length === 0) return;
    this.#modules = [...new Set([...this.#modules, ...modules])];
    const task: WarmTask = { kind: 'warm', modules: this.#modules };
    this.#ready = this.#poolOf()
      .run(task)
      .catch(() => undefined);
  }

  /**
   * Runs the alert in a worker. Resolves `undefined` when the module does not export an alert
   * of that name (the caller then runs it in-process).
   * @throws AlertkitError `REACTION_FAILED` when the run exceeds `timeoutMs` (the worker is stopped),
   *   or the run's own error, rebuilt from the worker's.
   */
  async run(run: IsolatedRun, services: IsolatedServices): Promise<RunAlertResult | undefined> {
    const outcome = await this.#dispatch<AlertTaskResult>(
      services,
      (port) => ({
        kind: 'run',
        module: run.module,
        alert: run.alert,
        now: run.now,
        ...(run.config !== undefined ? { config: run.config } : {}),
        ...(run.hitLimit !== undefined ? { hitLimit: run.hitLimit } : {}),
        storeMethods: methodsOf(services.store),
        reverseDns: services.reverseDns !== undefined,
        plugins: services.plugins !== undefined,
        port,
      }),
      run.timeoutMs,
      () =>
        new AlertkitError(
          'REACTION_FAILED',
          `alert "${run.alert}": the run did not finish within ${run.timeoutMs} ms; its worker was stopped`,
          { details: { alert: run.alert, timeoutMs: run.timeoutMs, timedOut: true } },
        ),
    );
    if (outcome.ok) return outcome.result;
    if ('missing' in outcome) return undefined;
    throw outcome.error.code
      ? new AlertkitError(outcome.error.code as never, outcome.error.message)
      : new Error(outcome.error.message);
  }

  /**
   * Runs one plugin call in the worker (a pool of its own, not the alerts'), so that a plugin
   * that never returns, a synchronous endless loop included, is stopped at `timeoutMs`.
   * @throws AlertkitError `REACTION_FAILED` with `details.timedOut` when it is stopped, or the
   *   plugin's own error, rebuilt from the worker's.
   */
  async runPlugin(
    call: { module: string; document: AlertDocument; config: unknown; now: Date; alertId: string },
    timeoutMs: number,
    services: { store?: Store; log?: AlertLogger },
  ): Promise<AlertDocument | null> {
    const outcome = await this.#dispatch<PluginTaskResult>(
      { store: services.store ?? ({} as Store), ...(services.log ? { log: services.log } : {}) },
      (port): PluginTask => ({
        kind: 'plugin',
        ...call,
        store: services.store !== undefined,
        port,
      }),
      timeoutMs,
      () =>
        new AlertkitError(
          'REACTION_FAILED',
          `the plugin did not finish within ${timeoutMs} ms; its worker was stopped`,
          { details: { timeoutMs, timedOut: true } },
        ),
    );
    if (outcome.ok) return outcome.document;
    throw outcome.error.code
      ? new AlertkitError(outcome.error.code as never, outcome.error.message)
      : new Error(outcome.error.message);
  }

  /**
   * Runs one action call in the worker (a pool of its own), so that an action that never
   * returns, a synchronous endless loop included, is stopped at `timeoutMs`.
   * @throws the action's own error, rebuilt (an `ActionError` keeps `permanent`), or an Error with
   *   `timedOut` when it was stopped.
   */
  async runAction(
    call: { module: string; alert: unknown; config: unknown; attempt: number },
    timeoutMs: number,
    services: { log?: AlertLogger },
  ): Promise<{ detail?: string } | undefined> {
    const outcome = await this.#dispatch<ActionTaskResult>(
      { store: {} as Store, ...(services.log ? { log: services.log } : {}) },
      (port): ActionTask => ({ kind: 'action', ...call, port }),
      timeoutMs,
      () =>
        Object.assign(
          new Error(`the action did not finish within ${timeoutMs} ms; its worker was stopped`),
          { timedOut: true },
        ),
    );
    if (outcome.ok) return outcome.result;
    throw new ActionError(outcome.error.message, { permanent: outcome.error.permanent === true });
  }

  /**
   * Posts one task with a port serving `services`, once the worker has imported its modules, and
   * stops the worker at `timeoutMs` (its successor imports them again before the next clock
   * starts): the common part of alert runs, plugin calls and action calls.
   */
  async #dispatch<R>(
    services: IsolatedServices,
    taskFor: (port: MessagePort) => AlertTask | PluginTask | ActionTask,
    timeoutMs: number,
    timedOut: () => Error,
  ): Promise<R> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (call: ServiceCall) => {
      serve(services, call).then(
        (value) => port1.postMessage({ id: call.id, ok: true, value } satisfies ServiceReply),
        (error: unknown) =>
          port1.postMessage({
            id: call.id,
            ok: false,
            error: toWireError(error),
          } satisfies ServiceReply),
      );
    });
    const task = taskFor(port2);
    await this.#ready;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      return (await this.#poolOf().run(task, {
        transferList: [port2],
        signal: abort.signal,
      })) as R;
    } catch (error) {
      if (!abort.signal.aborted) throw error;
      this.warm(this.#modules);
      throw timedOut();
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  /** Stops the worker; a later run starts a new one. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #poolOf(): Piscina {
    this.#pool ??= new Piscina({
      filename: workerFile.href,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      execArgv: workerExecArgv,
    });
    return this.#pool;
  }
}
