import {
  AlertkitError,
  isAlertkitError,
  runAlert,
  type AlertDefinition,
  type AlertDocumentPlugin,
  type ReverseDnsResolver,
  type RunAlertOptions,
  type Schedule,
  type Store,
  type StoredAlert,
} from '@alertkit/core';
import { Checkpoints } from './checkpoints.js';
import { AlertWorkers } from './isolation/alertWorkers.js';
import { silentLogger, type Logger } from './logger.js';
import { createTicker, ticksBetween, type Ticker } from './schedule.js';
import { withTimeout } from './sinks/sink.js';

/** One enabled alert, as the installation configures it. */
export interface ScheduledAlert {
  alert: AlertDefinition<unknown>;
  /** Overrides the alert's own schedule. */
  schedule?: Schedule;
  /** The installation's config overrides (validated against the alert's schema at each run). */
  config?: unknown;
  /** Shown in logs: the package and version it came from. */
  source?: string;
  /**
   * `file:` URL of the module that exports the alert: with it, the alert runs in a worker thread
   * that is stopped at the time limit (synchronous endless loops included). Without it (an alert
   * defined in the caller's code) it runs in-process and a hung run can only be abandoned.
   */
  module?: string;
  /** This alert's time limit per run; default the runner's `timeoutMs`. */
  timeoutMs?: number;
  /** The installation's noise budget for it (over the alert's own), for backtests. */
  noiseBudget?: { perDay: number };
  /** Staged: its alerts are saved but delivered only to the sinks that take staged alerts. */
  staged?: boolean;
}

/** Options of {@link createRunner}. */
export interface RunnerOptions {
  alerts: readonly ScheduledAlert[];
  store: Store;
  /**
   * Receives the alerts of each successful tick (saved already) and the alert that raised them;
   * the outbox in production.
   */
  deliver?: (alerts: readonly StoredAlert[], from: ScheduledAlert) => Promise<unknown>;
  /** Where checkpoints persist; default in memory. */
  checkpoints?: Checkpoints;
  /** Missed ticks evaluated per alert after downtime (oldest first); default 60. */
  maxCatchUp?: number;
  /**
   * A run taking longer is stopped (its worker terminated; in-process runs are abandoned), logged
   * and counted, and its tick retried next cycle; default 10 s.
   */
  timeoutMs?: number;
  /** Receives a record of every run and of every gap (the run history); errors are logged. */
  onRun?: (record: RunRecord) => void | Promise<void>;
  /** Run alerts that have a `module` in a worker thread (default true). */
  isolate?: boolean;
  /**
   * The worker to run them in, when the caller started (and warmed) it early; the runner closes
   * it on {@link Runner.stop}. Default: one the runner starts.
   */
  workers?: AlertWorkers;
  logger?: Logger;
  clock?: () => Date;
  reverseDns?: ReverseDnsResolver;
  plugins?: AlertDocumentPlugin;
  /** MozDef's 1,000-hit cap, opt-in. */
  hitLimit?: number;
}

/** One run of one alert at one tick (or ticks given up), as the run history records it. */
export interface RunRecord {
  alert: string;
  /** The cycle's now. */
  cycle: string;
  /** The tick evaluated (its now); absent for a record of skipped ticks. */
  tick?: string;
  durationMs?: number;
  /** Events that matched. */
  hits?: number;
  /** New alerts raised. */
  raised?: number;
  error?: string;
  timedOut?: boolean;
  /** Missed ticks older than the catch-up limit, given up (a gap in coverage). */
  skippedTicks?: number;
}

/** What one alert did in a cycle. */
export interface AlertCycleResult {
  alert: string;
  /** Ticks evaluated successfully, oldest first (ISO). */
  ticks: string[];
  /** Alerts raised (new ones; a re-run tick's existing alerts are not counted). */
  raised: number;
  /** The alerts counted in `raised`, as saved. */
  raisedAlerts: StoredAlert[];
  /** Missed ticks older than the catch-up limit, given up. */
  skippedTicks: number;
  /** Set when a run failed or timed out; the failed tick is retried next cycle. */
  error?: string;
  /** Set when the run exceeded its time limit and was stopped. */
  timedOut?: boolean;
  /** Set when the alert's previous run was still in flight, so this cycle left it alone. */
  overlapping?: boolean;
}

/** A cycle's summary. */
export interface CycleSummary {
  now: string;
  durationMs: number;
  alerts: AlertCycleResult[];
  raised: number;
  failed: number;
}

interface Entry {
  scheduled: ScheduledAlert;
  ticker: Ticker;
  inFlight: Promise<unknown> | undefined;
}

/**
 * The runner: evaluates each enabled alert at its schedule's ticks against the store, saving
 * alerts (runAlert does, with deterministic ids) and handing them to delivery. Each alert is
 * isolated: an error or a timeout is logged with the alert's name and counted, and the others go
 * on. After downtime each alert evaluates its missed ticks oldest first, each with its own `now`
 * and its normal window, up to `maxCatchUp` (semantics §9.7).
 */
export class Runner {
  readonly #options: RunnerOptions;
  readonly #entries: Entry[];
  readonly #logger: Logger;
  readonly #clock: () => Date;
  /** What every runAlert call shares, built once. */
  readonly #runOptions: Omit<RunAlertOptions, 'now' | 'config'>;
  #checkpoints: Checkpoints | undefined;
  readonly #workers: AlertWorkers | undefined;
  #timer: NodeJS.Timeout | undefined;
  #cycle: Promise<CycleSummary> | undefined;
  #stopped = false;

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger();
    this.#clock = options.clock ?? (() => new Date());
    this.#runOptions = {
      ...(options.reverseDns ? { reverseDns: options.reverseDns } : {}),
      ...(options.plugins ? { plugins: options.plugins } : {}),
      ...(options.hitLimit !== undefined ? { hitLimit: options.hitLimit } : {}),
    };
    this.#checkpoints = options.checkpoints;
    this.#entries = options.alerts.map((scheduled) => {
      try {
        return {
          scheduled,
          ticker: createTicker(scheduled.schedule ?? scheduled.alert.schedule),
          inFlight: undefined,
        };
      } catch (error) {
        throw new AlertkitError(
          'ALERT_INVALID',
          `alert "${scheduled.alert.name}": ${(error as Error).message}`,
          { cause: error },
        );
      }
    });
    const modules = options.alerts.flatMap((a) => (a.module ? [a.module] : []));
    if (options.isolate !== false && modules.length > 0) {
      this.#workers = options.workers;
      if (!this.#workers) {
        this.#workers = new AlertWorkers();
        this.#workers.warm(modules);
      }
    }
  }

  /** Runs every alert whose ticks are due at `now` (default the clock), catching up missed ticks. */
  async runCycle(now: Date = this.#clock()): Promise<CycleSummary> {
    if (this.#cycle) return this.#cycle;
    this.#cycle = this.#runCycle(now).finally(() => {
      this.#cycle = undefined;
    });
    return this.#cycle;
  }

  async #runCycle(now: Date): Promise<CycleSummary> {
    const started = performance.now();
    this.#checkpoints ??= await Checkpoints.open();
    const results: AlertCycleResult[] = [];
    for (const entry of this.#entries) {
      if (this.#stopped) break;
      results.push(await this.#runAlert(entry, now, this.#checkpoints));
    }
    const summary: CycleSummary = {
      now: now.toISOString(),
      durationMs: Math.round(performance.now() - started),
      alerts: results,
      raised: results.reduce((n, r) => n + r.raised, 0),
      failed: results.filter((r) => r.error !== undefined).length,
    };
    this.#logger.info(
      {
        now: summary.now,
        durationMs: summary.durationMs,
        alerts: results.length,
        raised: summary.raised,
        failed: summary.failed,
      },
      'cycle done',
    );
    return summary;
  }

  async #runAlert(entry: Entry, now: Date, checkpoints: Checkpoints): Promise<AlertCycleResult> {
    const { alert } = entry.scheduled;
    const result: AlertCycleResult = {
      alert: alert.name,
      ticks: [],
      raised: 0,
      raisedAlerts: [],
      skippedTicks: 0,
    };
    if (entry.inFlight) {
      this.#logger.warn({ alert: alert.name }, 'previous run still in flight: skipping this cycle');
      return { ...result, overlapping: true };
    }
    const last = checkpoints.get(alert.name);
    // A first run evaluates `now` only: there is nothing to catch up on yet.
    const { ticks, skipped } = last
      ? ticksBetween(entry.ticker, last, now, this.#options.maxCatchUp ?? 60)
      : { ticks: [now], skipped: 0 };
    result.skippedTicks = skipped;
    if (skipped > 0)
      await this.#record({ alert: alert.name, cycle: now.toISOString(), skippedTicks: skipped });
    if (skipped > 0)
      this.#logger.warn(
        { alert: alert.name, skipped },
        'missed ticks older than the catch-up limit were given up',
      );
    const timeoutMs = entry.scheduled.timeoutMs ?? this.#options.timeoutMs ?? 10_000;
    for (const tick of ticks) {
      const startedAt = performance.now();
      try {
        const run = this.#run(entry.scheduled, tick, timeoutMs);
        entry.inFlight = run;
        void run.then(
          () => (entry.inFlight = undefined),
          () => (entry.inFlight = undefined),
        );
        // A worker run is stopped by its own timer, which starts once the worker has imported
        // the alerts; this one is the in-process runs' limit (and a generous safety net for a
        // worker that never becomes ready).
        const isolated = this.#workers !== undefined && entry.scheduled.module !== undefined;
        const outcome = await withTimeout(
          run,
          isolated ? timeoutMs + 120_000 : timeoutMs,
          () =>
            new AlertkitError(
              'REACTION_FAILED',
              `alert "${alert.name}": the run took longer than ${timeoutMs} ms and was abandoned`,
              { details: { timedOut: true } },
            ),
        );
        const existing = new Set(outcome.existingIds);
        const created = outcome.alerts.filter((a) => !existing.has(a._id));
        if (outcome.alerts.length > 0)
          await this.#options.deliver?.(outcome.alerts, entry.scheduled);
        await checkpoints.advance(alert.name, tick);
        result.ticks.push(tick.toISOString());
        result.raised += created.length;
        result.raisedAlerts.push(...created);
        await this.#record({
          alert: alert.name,
          cycle: now.toISOString(),
          tick: tick.toISOString(),
          durationMs: Math.round(performance.now() - startedAt),
          hits: outcome.matched,
          raised: created.length,
        });
        this.#logger.info(
          {
            alert: alert.name,
            tick: tick.toISOString(),
            matched: outcome.matched,
            raised: created.length,
            truncated: outcome.truncated || undefined,
          },
          'alert ran',
        );
      } catch (error) {
        result.error = isAlertkitError(error)
          ? error.message
          : `alert "${alert.name}": ${String(error)}`;
        const timedOut = isAlertkitError(error) && error.details?.['timedOut'] === true;
        if (timedOut) result.timedOut = true;
        await this.#record({
          alert: alert.name,
          cycle: now.toISOString(),
          tick: tick.toISOString(),
          durationMs: Math.round(performance.now() - startedAt),
          error: result.error,
          ...(timedOut ? { timedOut } : {}),
        });
        this.#logger.error(
          {
            alert: alert.name,
            cycle: now.toISOString(),
            tick: tick.toISOString(),
            timedOut: timedOut || undefined,
            err: error,
          },
          timedOut
            ? 'alert stopped at its time limit; its tick is retried next cycle'
            : 'alert failed; its tick is retried next cycle',
        );
        break;
      }
    }
    return result;
  }

  /** Hands a record to the run history; a failing history never fails the run. */
  async #record(record: RunRecord): Promise<void> {
    try {
      await this.#options.onRun?.(record);
    } catch (error) {
      this.#logger.warn(
        { alert: record.alert, err: error },
        'the run history could not record a run',
      );
    }
  }

  /**
   * One run of an alert at `tick`: in its worker when it has a module (a timeout stops the
   * worker), else in-process (the caller's timeout can only abandon it).
   */
  async #run(scheduled: ScheduledAlert, tick: Date, timeoutMs: number) {
    const options = {
      ...this.#runOptions,
      now: tick,
      config: scheduled.config,
      // What the alert recovers from (a list it could not fetch, ...) goes to the runner's log.
      log: this.#logger.child({ alert: scheduled.alert.name, tick: tick.toISOString() }),
    };
    if (this.#workers && scheduled.module) {
      const { store } = this.#options;
      const result = await this.#workers.run(
        {
          module: scheduled.module,
          alert: scheduled.alert.name,
          now: tick,
          config: scheduled.config,
          timeoutMs,
          ...(options.hitLimit !== undefined ? { hitLimit: options.hitLimit } : {}),
        },
        {
          store,
          ...(options.reverseDns ? { reverseDns: options.reverseDns } : {}),
          ...(options.plugins ? { plugins: options.plugins } : {}),
          log: options.log,
        },
      );
      if (result) return result;
      // The module does not export this alert by name (an alert built at load time): in-process.
    }
    return runAlert(scheduled.alert, this.#options.store, options);
  }

  /** Runs cycles at the alerts' ticks until {@link Runner.stop}. */
  start(): void {
    this.#stopped = false;
    const scheduleNext = (): void => {
      if (this.#stopped) return;
      const now = this.#clock();
      const next = Math.min(...this.#entries.map((e) => e.ticker.next(now).getTime()));
      if (!Number.isFinite(next)) return;
      this.#timer = setTimeout(
        () => {
          void this.runCycle(new Date(next)).finally(scheduleNext);
        },
        Math.max(0, next - now.getTime()),
      );
    };
    scheduleNext();
  }

  /**
   * Stops scheduling, waits for the cycle in flight to finish its current alert, and stops the
   * alert worker (a later cycle starts a new one).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#cycle?.catch(() => undefined);
    await this.#workers?.close();
  }
}

/** Creates a {@link Runner}. */
export function createRunner(options: RunnerOptions): Runner {
  return new Runner(options);
}
