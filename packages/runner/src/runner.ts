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
}

/** Options of {@link createRunner}. */
export interface RunnerOptions {
  alerts: readonly ScheduledAlert[];
  store: Store;
  /** Receives the alerts of each successful tick (saved already); the outbox in production. */
  deliver?: (alerts: readonly StoredAlert[]) => Promise<unknown>;
  /** Where checkpoints persist; default in memory. */
  checkpoints?: Checkpoints;
  /** Missed ticks evaluated per alert after downtime (oldest first); default 60. */
  maxCatchUp?: number;
  /** A run taking longer is abandoned, logged and counted; default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
  clock?: () => Date;
  reverseDns?: ReverseDnsResolver;
  plugins?: AlertDocumentPlugin;
  /** MozDef's 1,000-hit cap, opt-in. */
  hitLimit?: number;
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
      this.#logger.warn(
        { alert: alert.name, skipped },
        'missed ticks older than the catch-up limit were given up',
      );
    for (const tick of ticks) {
      try {
        const run = runAlert(alert, this.#options.store, {
          ...this.#runOptions,
          now: tick,
          config: entry.scheduled.config,
          // What the alert recovers from (a list it could not fetch, ...) goes to the runner's log.
          log: this.#logger.child({ alert: alert.name, tick: tick.toISOString() }),
        });
        entry.inFlight = run;
        void run.then(
          () => (entry.inFlight = undefined),
          () => (entry.inFlight = undefined),
        );
        const timeoutMs = this.#options.timeoutMs ?? 60_000;
        const outcome = await withTimeout(
          run,
          timeoutMs,
          () =>
            new AlertkitError(
              'REACTION_FAILED',
              `alert "${alert.name}": the run took longer than ${timeoutMs} ms and was abandoned`,
            ),
        );
        const existing = new Set(outcome.existingIds);
        const created = outcome.alerts.filter((a) => !existing.has(a._id));
        if (outcome.alerts.length > 0) await this.#options.deliver?.(outcome.alerts);
        await checkpoints.advance(alert.name, tick);
        result.ticks.push(tick.toISOString());
        result.raised += created.length;
        result.raisedAlerts.push(...created);
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
        this.#logger.error(
          { alert: alert.name, tick: tick.toISOString(), err: error },
          'alert failed; its tick is retried next cycle',
        );
        break;
      }
    }
    return result;
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

  /** Stops scheduling and waits for the cycle in flight to finish its current alert. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#cycle?.catch(() => undefined);
  }
}

/** Creates a {@link Runner}. */
export function createRunner(options: RunnerOptions): Runner {
  return new Runner(options);
}
