import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { ActionPipeline } from '@alertkit/actions';
import {
  AlertkitError,
  type AlertLogger,
  type ReverseDnsResolver,
  type Store,
} from '@alertkit/core';
import {
  createEmbeddedStore,
  type EmbeddedStore,
  type EmbeddedStoreSnapshot,
} from '@alertkit/query';
import { loadActions } from './actions.js';
import { Checkpoints } from './checkpoints.js';
import type {
  InstallationConfig,
  LoadedInstallationConfig,
  MemoryStoreConfig,
} from './config/loadInstallationConfig.js';
import { Outbox } from './delivery/outbox.js';
import { processRedactor } from './config/redact.js';
import { appendJsonLine, readJsonFile, writeJsonFile } from './jsonFile.js';
import {
  findInstalledPackage,
  loadAlertPackages,
  loadAlertsDirectory,
  type LoadedAlert,
} from './loadAlerts.js';
import { silentLogger, type Logger } from './logger.js';
import { composePlugins, loadPlugins, type ConfiguredPlugin } from './plugins.js';
import { ingestEventFiles } from './ingestEvents.js';
import { AlertWorkers } from './isolation/alertWorkers.js';
import { createRunner, type Runner, type ScheduledAlert } from './runner.js';
import { createSinks, deliveryRoutes, type CreateSinksOptions } from './sinks/createSinks.js';

/** Options of {@link openInstallation}. */
export interface OpenInstallationOptions {
  /** Also enable every alert package in these directories (e.g. a workspace's `alerts/`). */
  alertsDirs?: readonly string[];
  logger?: Logger;
  /** Start from empty state: forget checkpoints, the outbox and the memory store's alerts and tags. */
  fresh?: boolean;
  reverseDns?: ReverseDnsResolver;
  /** Where `stdout` sinks write. */
  stdout?: CreateSinksOptions['stdout'];
  /** Creates the store for `elasticsearch`/`opensearch` configs. */
  createSearchStore?: (
    config: Exclude<InstallationConfig['store'], MemoryStoreConfig>,
  ) => Store | Promise<Store>;
}

/** An installation, opened: its alerts, store, delivery and runner. */
export interface Installation {
  config: InstallationConfig;
  alerts: LoadedAlert[];
  store: Store;
  outbox: Outbox;
  /** The alert actions (`actions` in the installation file); absent when none is enabled. */
  actions?: ActionPipeline;
  runner: Runner;
  /** Writes local state that is not written as it changes (the memory store's alerts and tags). */
  persist(): Promise<void>;
  /** Stops the runner, delivers what it can, persists and closes the sinks. */
  close(): Promise<void>;
}

/**
 * Loads an `alerts` entry: a package directory, or a package checked against its version range,
 * installed (found as Node finds it) or else one of the packages of the `--alerts` directories
 * (so an installation file can configure, schedule or switch off an alert it runs from there).
 * An alert set expands with the entry's `config`, its relative paths resolved from `baseDir`.
 */
async function loadEnabledAlert(
  entry: InstallationConfig['alerts'][number],
  baseDir: string,
  fromDirs: () => Promise<readonly LoadedAlert[]>,
  log: AlertLogger | undefined,
): Promise<LoadedAlert[]> {
  const options = {
    baseDir,
    ...(entry.config !== undefined ? { config: entry.config } : {}),
    ...(log ? { log } : {}),
  };
  if (entry.path !== undefined) return loadAlertPackages(entry.path, options);
  const name = entry.package as string;
  const packageDir =
    (await findInstalledPackage(name, baseDir)) ??
    (await fromDirs()).find((alert) => alert.packageName === name)?.dir;
  if (!packageDir)
    throw new AlertkitError(
      'CONFIG_INVALID',
      `alerts: package "${name}" is not installed in ${baseDir} (npm install ${name}) nor in a directory given with --alerts`,
    );
  // Loaded again with the entry's config (an alert set expands with it).
  const loaded = await loadAlertPackages(packageDir, options);
  const version = loaded[0]?.version;
  if (
    version !== undefined &&
    entry.version !== undefined &&
    !semver.satisfies(version, entry.version)
  ) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `alerts: ${name}@${version} is installed but the installation asks for ${entry.version}`,
    );
  }
  return loaded;
}

async function openMemoryStore(
  config: MemoryStoreConfig,
  logger: Logger,
  fresh: boolean,
): Promise<EmbeddedStore> {
  const parallel = config.loadThreads === 2;
  // Loading on both cores leaves none idle for the thread pool's compression: LZ4 (the worker's
  // store takes this one's). On one thread, DEFLATE level 6 runs on the idle core and keeps the
  // sources smaller (54 against 96 bytes a synthetic event); LZ4 there saved CPU (25.2 -> 20.4 s
  // user for 1M events) but no wall time that runs could tell apart from noise (six alternating
  // run --once: 16.3 against 15.2 s, ±1 s each). DEFLATE on two threads: level 1, as before LZ4.
  const codec = config.codec ?? (parallel ? 'lz4' : 'deflate');
  const store = createEmbeddedStore({
    onWarning: (message) => logger.warn(message),
    codec,
    ...(parallel && codec === 'deflate' ? { compressionLevel: 1 } : {}),
  });
  const { rejected } = await ingestEventFiles(store, config.events, {
    parallel,
    ...(config.indexCache !== undefined ? { cacheDir: config.indexCache } : {}),
    onProblem: (p) =>
      logger.warn(
        { file: p.file, location: p.location },
        `skipped a malformed event: ${p.message}`,
      ),
    onRejected: (r) =>
      logger.warn(
        { event: `${r._index}/${r._id}`, file: r.file, location: r.location },
        `skipped an event the mapping refuses: ${r.error.message}`,
      ),
    onProgress: (read) => logger.info({ events: read }, 'loading events'),
    onNote: (note) => logger.info(note),
  });
  logger.info({ events: store.size, rejected }, 'memory store loaded');
  if (!fresh) {
    const snapshot = await readJsonFile<EmbeddedStoreSnapshot | undefined>(
      config.stateFile,
      undefined,
    );
    if (snapshot) store.restore(snapshot);
  }
  return store;
}

/** Options of {@link loadEnabledAlerts}. */
export interface LoadEnabledAlertsOptions {
  /**
   * Where alert sets report what they skip (a bad rule file, with its path and field); default
   * stderr. `openInstallation` passes the runner's logger.
   */
  log?: AlertLogger;
}

/**
 * The alerts an installation enables (its `alerts` entries that are `enabled`, then every alert
 * package of `alertsDirs` not already there and not switched off by an entry with
 * `enabled: false`), loaded and checked, with their schedule and config overrides. An entry
 * naming a `package` that is not installed uses the package of that name in `alertsDirs`. A
 * package exporting an alert set contributes each alert of the set, with the entry's schedule,
 * staging, budget and time limit; its `config` is the set's.
 */
export async function loadEnabledAlerts(
  loaded: Pick<LoadedInstallationConfig, 'file'> & { config: Pick<InstallationConfig, 'alerts'> },
  alertsDirs: readonly string[] = [],
  options: LoadEnabledAlertsOptions = {},
): Promise<{ alerts: LoadedAlert[]; scheduled: ScheduledAlert[] }> {
  const baseDir = loaded.file ? dirname(loaded.file) : process.cwd();
  const alerts: LoadedAlert[] = [];
  const scheduled: ScheduledAlert[] = [];
  // The packages of the `--alerts` directories, loaded once and only when needed.
  let inDirs: Promise<LoadedAlert[]> | undefined;
  const fromDirs = () =>
    (inDirs ??= Promise.all(
      alertsDirs.map((dir) =>
        loadAlertsDirectory(dir, { baseDir, ...(options.log ? { log: options.log } : {}) }),
      ),
    ).then((lists) => lists.flat()));
  for (const entry of loaded.config.alerts.filter((a) => a.enabled)) {
    for (const alert of await loadEnabledAlert(entry, baseDir, fromDirs, options.log)) {
      alerts.push(alert);
      scheduled.push({
        alert: alert.alert,
        source: `${alert.packageName}@${alert.version}`,
        // An alert of a set is not exported by its module: it runs in-process.
        ...(alert.set === undefined ? { module: pathToFileURL(alert.entry).href } : {}),
        ...(entry.schedule ? { schedule: entry.schedule } : {}),
        ...(entry.config && alert.set === undefined ? { config: entry.config } : {}),
        ...(entry.timeoutMs !== undefined ? { timeoutMs: entry.timeoutMs } : {}),
        ...(entry.noiseBudget ? { noiseBudget: entry.noiseBudget } : {}),
        ...(entry.staged ? { staged: true } : {}),
      });
    }
  }
  // An entry with `enabled: false` keeps its alert off even when a directory of alerts holds it
  // (`--alerts alerts` must not switch back on what the installation file switched off).
  const disabled = loaded.config.alerts.filter((a) => !a.enabled);
  const disabledPaths = new Set(
    disabled.flatMap((a) => (a.path === undefined ? [] : [resolve(a.path)])),
  );
  const disabledPackages = new Set(
    disabled.flatMap((a) => (a.package === undefined ? [] : [a.package])),
  );
  for (const alert of await fromDirs()) {
    if (alerts.some((a) => a.alert.name === alert.alert.name)) continue;
    if (disabledPaths.has(resolve(alert.dir)) || disabledPackages.has(alert.packageName)) continue;
    alerts.push(alert);
    scheduled.push({
      alert: alert.alert,
      source: `${alert.packageName}@${alert.version}`,
      ...(alert.set === undefined ? { module: pathToFileURL(alert.entry).href } : {}),
    });
  }

  return { alerts, scheduled };
}

/**
 * Opens an installation: loads its enabled alerts (and every alert of `alertsDirs`), opens the
 * store (the memory store with its events and persisted alerts/tags, or a cluster), the
 * delivery outbox with the sinks, the checkpoints, and creates the runner.
 */
export async function openInstallation(
  loaded: LoadedInstallationConfig,
  options: OpenInstallationOptions = {},
): Promise<Installation> {
  const { config } = loaded;
  const logger = options.logger ?? silentLogger();
  if (options.fresh) await rm(config.stateDir, { recursive: true, force: true });

  const { alerts, scheduled } = await loadEnabledAlerts(loaded, options.alertsDirs, {
    log: logger,
  });
  // The alert worker starts and imports the alerts while the events load (in parallel).
  const workers = new AlertWorkers();
  workers.warm(scheduled.flatMap((a) => (a.module ? [a.module] : [])));
  try {
    return await open({ loaded, options, logger, alerts, scheduled, workers });
  } catch (error) {
    await workers.close();
    throw error;
  }
}

/** What opening an installation has loaded before its store and plugins. */
interface OpenContext {
  loaded: LoadedInstallationConfig;
  options: OpenInstallationOptions;
  logger: Logger;
  alerts: LoadedAlert[];
  scheduled: ScheduledAlert[];
  workers: AlertWorkers;
}

async function open(context: OpenContext): Promise<Installation> {
  const { loaded } = context;
  const { config } = loaded;
  const plugins = await loadPlugins(
    config.plugins,
    loaded.file ? dirname(loaded.file) : process.cwd(),
    loaded.file ? { file: loaded.file } : {},
  );
  // Plugins run in a worker of their own (not the alerts', which waits for them), so that a
  // plugin's time limit stops even a synchronous endless loop and the alert goes on unchanged.
  // Started and importing the plugins before the events load, in parallel with it (as the
  // alerts' worker): started after, the first plugin call of a cycle waited ~100 ms for it.
  const pluginWorkers = plugins.length > 0 ? new AlertWorkers() : undefined;
  pluginWorkers?.warm(plugins.flatMap((p) => (p.module ? [p.module] : [])));
  try {
    return await openWithPlugins(context, plugins, pluginWorkers);
  } catch (error) {
    await pluginWorkers?.close();
    throw error;
  }
}

async function openWithPlugins(
  context: OpenContext,
  plugins: ConfiguredPlugin[],
  pluginWorkers: AlertWorkers | undefined,
): Promise<Installation> {
  const { loaded, options, logger, alerts, scheduled, workers } = context;
  const { config } = loaded;

  const memory =
    config.store.type === 'memory'
      ? await openMemoryStore(config.store, logger, options.fresh === true)
      : undefined;
  let store: Store;
  if (memory) store = memory;
  else if (options.createSearchStore && config.store.type !== 'memory')
    store = await options.createSearchStore(config.store);
  else
    throw new AlertkitError(
      'CONFIG_INVALID',
      `store: type "${config.store.type}" needs a store factory`,
    );

  const sinks = createSinks(config.sinks, {
    logger,
    ...(options.stdout ? { stdout: options.stdout } : {}),
  });
  const routes = deliveryRoutes(config.sinks);
  const outbox = await Outbox.open({ file: join(config.stateDir, 'outbox.json'), sinks, logger });
  const checkpoints = await Checkpoints.open(join(config.stateDir, 'checkpoints.json'));
  const persist = async (): Promise<void> => {
    if (memory && config.store.type === 'memory')
      await writeJsonFile(config.store.stateFile, memory.snapshot());
  };
  // Actions run in a worker of their own, so that a time limit stops even a synchronous loop.
  const actionWorkers = config.actions.some((a) => a.enabled) ? new AlertWorkers() : undefined;
  const configuredActions = await loadActions(
    config.actions,
    loaded.file ? dirname(loaded.file) : process.cwd(),
    actionWorkers ? { workers: actionWorkers, log: logger } : {},
  );
  const actions =
    configuredActions.length > 0
      ? await ActionPipeline.open({
          file: join(config.stateDir, 'actions.journal'),
          actions: configuredActions,
          logger,
          // A state file like the others: its strings through the process's redaction point.
          redact: (text) => processRedactor.text(text),
        })
      : undefined;
  // Alerts an earlier process saved whose actions had not settled (a crash, a close in backoff).
  void actions
    ?.resume()
    .catch((error: unknown) => logger.warn({ err: error }, 'resuming alert actions failed'));
  const history = join(config.stateDir, 'runs.ndjson');
  const runner = createRunner({
    alerts: scheduled,
    workers,
    // The run history (`alertkit serve` shows it): one JSON line per run and per gap.
    onRun: (record) => appendJsonLine(history, record),
    // Plugins search the store the alerts search (MozDef's plugins opened their own client).
    ...(pluginWorkers
      ? { plugins: composePlugins(plugins, logger, { store, workers: pluginWorkers }) }
      : {}),
    store,
    checkpoints,
    logger,
    maxCatchUp: config.catchUp,
    timeoutMs: config.timeoutMs,
    ...(options.reverseDns ? { reverseDns: options.reverseDns } : {}),
    // Saved alerts and tags are persisted, and the alerts recorded in the outbox, before the
    // tick counts as done; delivery itself runs in the background so a slow sink never holds up
    // the schedule (the outbox retries what fails).
    deliver: async (raised, from) => {
      await persist();
      await outbox.add(raised, from.staged ? routes.staged : routes.live);
      void outbox
        .deliverPending()
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'delivery failed; pending alerts stay in the outbox'),
        );
      // Actions (never on staged alerts): journalled before the tick counts as done, run in the
      // background like delivery; a failed action never holds back the alert.
      if (actions && !from.staged) {
        const { settled } = await actions.enqueue(raised);
        void settled.catch((error: unknown) =>
          logger.warn(
            { err: error },
            'alert actions could not be journalled; they resume at the next start',
          ),
        );
      }
    },
  });
  return {
    config,
    alerts,
    store,
    outbox,
    ...(actions ? { actions } : {}),
    runner,
    persist,
    close: async () => {
      await runner.stop();
      await pluginWorkers?.close();
      await actions?.close();
      await actionWorkers?.close();
      await outbox
        .deliverPending()
        .catch((error: unknown) =>
          logger.warn(
            { err: error },
            'delivery at shutdown failed; pending alerts stay in the outbox',
          ),
        );
      await persist();
      await Promise.allSettled(sinks.map((s) => s.close()));
    },
  };
}
