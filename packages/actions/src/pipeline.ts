import { setTimeout as sleep } from 'node:timers/promises';
import { AlertkitError, type StoredAlert } from '@alertkit/core';
import { ActionError, type ActionLogger, type ConfiguredAction } from './defineAction.js';
import {
  appendJournal,
  readJournal,
  rewriteJournal,
  type JournalLine,
  type OutcomeLine,
  type RedactText,
} from './journal.js';
import { registrationMatches, registrationTerms } from './registration.js';

/** Where one action stands on one alert. */
export interface ActionRecord {
  status: 'pending' | 'succeeded' | 'failed';
  /** Calls made (a call cut short by a crash counts). */
  attempts: number;
  detail?: string;
  /** The last failure's message. */
  error?: string;
  /** ISO-8601: when the outcome was recorded. */
  settledAt?: string;
}

/** Counts of one {@link ActionPipeline.run} or {@link ActionPipeline.resume}. */
export interface ActionReport {
  succeeded: number;
  failed: number;
  /** Left pending because the pipeline was closed during a backoff. */
  pending: number;
}

/** Options of {@link ActionPipeline.open}. */
export interface ActionPipelineOptions {
  actions: readonly ConfiguredAction[];
  /** The journal (NDJSON, appended); absent = in memory only (replays, tests). */
  file?: string;
  logger?: ActionLogger;
  /** Delay before the first retry, doubled for each further one; default 1000 ms. */
  backoffMs?: number;
  /** Upper bound of one backoff delay; default 30 s. */
  maxBackoffMs?: number;
  /**
   * Settled alerts kept (newest) at compaction, which happens at open and whenever this many
   * lines were appended since the last one; default 1000. An `_id` dropped by compaction is
   * no longer recognised as a redelivery.
   */
  retain?: number;
  clock?: () => Date;
  /**
   * Masks secrets in each string the journal records (the alert, an action's detail or error
   * message, which may quote a URL with credentials): the runner passes its redaction point, as
   * for every other state file. Default: written as they are.
   */
  redact?: RedactText;
}

interface Entry {
  alert: StoredAlert;
  queuedAt: string;
  records: Map<string, ActionRecord>;
}

const silent: ActionLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Runs the configured actions on saved alerts, at most once per action and alert id: each alert
 * is journalled before any action runs on it, each call is journalled before it is made, and each
 * outcome (succeeded, or failed after the last attempt or a permanent error) is journalled before
 * the pipeline moves on. A redelivered alert (same `_id`) and a restart over the same journal
 * never repeat a recorded outcome; a restart resumes the alerts whose actions had not settled.
 * A failed call is retried with exponential backoff up to the action's `maxAttempts`; a call
 * that exceeds its time limit is aborted (its `signal`), logged with the action's name and the
 * alert id, and counts as a failed attempt. Alerts are processed one at a time, in order.
 */
export class ActionPipeline {
  readonly #options: ActionPipelineOptions;
  readonly #actions: readonly ConfiguredAction[];
  readonly #logger: ActionLogger;
  readonly #clock: () => Date;
  /** Insertion order = oldest first. */
  readonly #entries = new Map<string, Entry>();
  #queue: Promise<unknown> = Promise.resolve();
  /** Appends and compactions of the journal, one at a time (a compaction never eats an append). */
  #journalLock: Promise<void> = Promise.resolve();
  /** Lines appended since the last compaction. */
  #appended = 0;
  readonly #closing = new AbortController();

  private constructor(options: ActionPipelineOptions) {
    const names = new Set<string>();
    for (const { action } of options.actions) {
      if (names.has(action.name))
        throw new AlertkitError(
          'CONFIG_INVALID',
          `actions: "${action.name}" is configured twice; an action runs once per alert`,
          { details: { path: 'actions', action: action.name } },
        );
      names.add(action.name);
    }
    this.#options = options;
    // Lowest priority first; equal priorities keep their configured order (sort is stable).
    this.#actions = [...options.actions].sort((a, b) => a.priority - b.priority);
    this.#logger = options.logger ?? silent;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Opens the pipeline, replaying (and compacting) the journal of earlier runs. */
  static async open(options: ActionPipelineOptions): Promise<ActionPipeline> {
    const pipeline = new ActionPipeline(options);
    if (options.file !== undefined) {
      pipeline.#replay(await readJournal(options.file));
      await rewriteJournal(options.file, pipeline.#compacted(), options.redact);
    }
    return pipeline;
  }

  #replay(lines: readonly JournalLine[]): void {
    for (const line of lines) {
      if (line.type === 'queued') {
        if (!this.#entries.has(line.alert._id))
          this.#entries.set(line.alert._id, {
            alert: line.alert,
            queuedAt: line.at,
            records: new Map(),
          });
        continue;
      }
      const entry = this.#entries.get(line.id);
      if (!entry) continue;
      const record = entry.records.get(line.action) ?? { status: 'pending', attempts: 0 };
      if (line.type === 'attempt') record.attempts = Math.max(record.attempts, line.attempt);
      else {
        record.status = line.status;
        record.attempts = line.attempts;
        record.settledAt = line.at;
        if (line.detail !== undefined) record.detail = line.detail;
        if (line.error !== undefined) record.error = line.error;
      }
      entry.records.set(line.action, record);
    }
  }

  /** The journal's content for the entries kept: the unsettled ones and the newest settled. */
  #compacted(): JournalLine[] {
    const retain = this.#options.retain ?? 1000;
    const settled = [...this.#entries.values()].filter((entry) => !this.#owed(entry));
    for (const entry of settled.slice(0, Math.max(0, settled.length - retain)))
      this.#entries.delete(entry.alert._id);
    const lines: JournalLine[] = [];
    for (const entry of this.#entries.values()) {
      lines.push({ type: 'queued', at: entry.queuedAt, alert: entry.alert });
      for (const [action, record] of entry.records) {
        if (record.status === 'pending') {
          if (record.attempts > 0)
            lines.push({
              type: 'attempt',
              at: entry.queuedAt,
              id: entry.alert._id,
              action,
              attempt: record.attempts,
            });
        } else lines.push(outcomeLine(entry, action, record, record.settledAt ?? entry.queuedAt));
      }
    }
    return lines;
  }

  /** The configured actions that register on this alert, in the order they run. */
  matching(alert: StoredAlert): ConfiguredAction[] {
    const terms = registrationTerms(alert);
    return this.#actions.filter((configured) =>
      registrationMatches(configured.registration, terms),
    );
  }

  #owed(entry: Entry): boolean {
    return this.matching(entry.alert).some(
      ({ action }) => (entry.records.get(action.name)?.status ?? 'pending') === 'pending',
    );
  }

  /**
   * Journals each alert not seen before (an `_id` already journalled is skipped: a redelivery)
   * that some action registers on, and schedules its actions; resolves once the alerts are
   * journalled (so a crash from then on resumes them), with `settled` resolving when their
   * actions have. Rejects only when the journal cannot be written.
   */
  async enqueue(alerts: readonly StoredAlert[]): Promise<{ settled: Promise<ActionReport> }> {
    const at = this.#clock().toISOString();
    const fresh: Entry[] = [];
    for (const alert of alerts) {
      if (this.#entries.has(alert._id) || fresh.some((e) => e.alert._id === alert._id)) continue;
      if (this.matching(alert).length === 0) continue;
      fresh.push({ alert, queuedAt: at, records: new Map() });
    }
    for (const entry of fresh) this.#entries.set(entry.alert._id, entry);
    try {
      await this.#append(fresh.map((entry) => ({ type: 'queued', at, alert: entry.alert })));
    } catch (error) {
      for (const entry of fresh) this.#entries.delete(entry.alert._id);
      throw error;
    }
    return { settled: this.#serial(() => this.#process(fresh)) };
  }

  /**
   * {@link ActionPipeline.enqueue} and wait: resolves when the actions on these alerts have
   * settled. Never rejects for an action's failure (that is recorded).
   */
  async run(alerts: readonly StoredAlert[]): Promise<ActionReport> {
    return (await this.enqueue(alerts)).settled;
  }

  /** Runs what an earlier process left unsettled (after a crash or a close during backoff). */
  resume(): Promise<ActionReport> {
    // Taken now: alerts enqueued later are processed by their own enqueue.
    const owed = [...this.#entries.values()].filter((entry) => this.#owed(entry));
    return this.#serial(() => this.#process(owed));
  }

  /** Resolves when everything enqueued or resumed so far has settled (or is pending after a close). */
  async whenIdle(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  /** The record of one action on one alert, if the alert was journalled. */
  record(alertId: string, action: string): ActionRecord | undefined {
    const entry = this.#entries.get(alertId);
    if (!entry) return undefined;
    return entry.records.get(action) ?? { status: 'pending', attempts: 0 };
  }

  /** Alerts with an action still owed, oldest first. */
  pending(): StoredAlert[] {
    return [...this.#entries.values()].filter((e) => this.#owed(e)).map((e) => e.alert);
  }

  /**
   * Stops waiting in backoffs (a failed action stays pending in the journal for the next start)
   * and waits for the queued first calls to settle or time out.
   */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#queue.catch(() => undefined);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.catch(() => undefined).then(work);
    this.#queue = next;
    return next;
  }

  async #process(entries: readonly Entry[]): Promise<ActionReport> {
    const report: ActionReport = { succeeded: 0, failed: 0, pending: 0 };
    for (const entry of entries) {
      for (const configured of this.matching(entry.alert)) {
        const status = await this.#runOne(entry, configured);
        report[status]++;
      }
    }
    // A long-running process keeps the journal (and what it holds in memory) bounded.
    const file = this.#options.file;
    if (file !== undefined && this.#appended >= (this.#options.retain ?? 1000)) {
      await this.#withJournal(async () => {
        this.#appended = 0;
        await rewriteJournal(file, this.#compacted(), this.#options.redact);
      });
    }
    return report;
  }

  /** One action on one alert, with retries; returns where it ended. */
  async #runOne(
    entry: Entry,
    configured: ConfiguredAction,
  ): Promise<'succeeded' | 'failed' | 'pending'> {
    const { action } = configured;
    const alertId = entry.alert._id;
    const record = entry.records.get(action.name) ?? { status: 'pending', attempts: 0 };
    entry.records.set(action.name, record);
    if (record.status !== 'pending') return record.status;
    const base = this.#options.backoffMs ?? 1000;
    const cap = this.#options.maxBackoffMs ?? 30_000;
    while (record.attempts < configured.maxAttempts) {
      if (record.attempts > 0) {
        // Exponential backoff from where an earlier process left off; a close ends the wait.
        const delay = backoffDelay(record.attempts, base, cap);
        try {
          await sleep(delay, undefined, { signal: this.#closing.signal });
        } catch {
          return 'pending';
        }
      }
      record.attempts++;
      await this.#append([
        {
          type: 'attempt',
          at: this.#clock().toISOString(),
          id: alertId,
          action: action.name,
          attempt: record.attempts,
        },
      ]);
      try {
        const result = await this.#call(entry.alert, configured, record.attempts);
        record.status = 'succeeded';
        record.settledAt = this.#clock().toISOString();
        delete record.error;
        if (result?.detail !== undefined) record.detail = result.detail;
        await this.#append([outcomeLine(entry, action.name, record, record.settledAt)]);
        this.#logger.info(
          { action: action.name, alertId, attempts: record.attempts, detail: record.detail },
          'action succeeded',
        );
        return 'succeeded';
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        const permanent = error instanceof ActionError && error.permanent;
        const last = permanent || record.attempts >= configured.maxAttempts;
        this.#logger.warn(
          { action: action.name, alertId, attempt: record.attempts, err: record.error },
          last
            ? 'action failed; given up (the alert is kept and delivered)'
            : 'action failed; will retry',
        );
        if (last) break;
      }
    }
    record.status = 'failed';
    record.settledAt = this.#clock().toISOString();
    record.error ??= `gave up after ${record.attempts} attempts (the last was interrupted)`;
    await this.#append([outcomeLine(entry, action.name, record, record.settledAt)]);
    return 'failed';
  }

  /** One call with its time limit: the signal aborts the call; a call ignoring it is abandoned. */
  async #call(
    alert: StoredAlert,
    configured: ConfiguredAction,
    attempt: number,
  ): Promise<{ detail?: string } | void> {
    const { action, timeoutMs } = configured;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ActionError(
          `action "${action.name}" on alert ${alert._id} took longer than ${timeoutMs} ms and was abandoned`,
        );
        this.#logger.warn(
          { action: action.name, alertId: alert._id, timeoutMs, attempt },
          'action exceeded its time limit; abandoned',
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        Promise.resolve().then(() =>
          action.run(structuredClone(alert), {
            config: configured.config,
            signal: controller.signal,
            attempt,
            logger: this.#logger,
          }),
        ),
        expired,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #append(lines: readonly JournalLine[]): Promise<void> {
    const file = this.#options.file;
    if (file === undefined || lines.length === 0) return;
    await this.#withJournal(async () => {
      await appendJournal(file, lines, this.#options.redact);
      this.#appended += lines.length;
    });
  }

  #withJournal(work: () => Promise<void>): Promise<void> {
    const next = this.#journalLock.catch(() => undefined).then(work);
    this.#journalLock = next;
    return next;
  }
}

/** The wait before the call after `attempts` failed ones: `base`, doubled each time, at most `cap`. */
export function backoffDelay(attempts: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
}

function outcomeLine(entry: Entry, action: string, record: ActionRecord, at: string): OutcomeLine {
  return {
    type: 'outcome',
    at,
    id: entry.alert._id,
    action,
    status: record.status === 'failed' ? 'failed' : 'succeeded',
    attempts: record.attempts,
    ...(record.detail !== undefined ? { detail: record.detail } : {}),
    ...(record.error !== undefined && record.status === 'failed' ? { error: record.error } : {}),
  };
}
