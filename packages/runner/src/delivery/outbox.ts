import { AlertkitError, isAlertkitError, type StoredAlert } from '@alertkit/core';
import { silentLogger, type Logger } from '../logger.js';
import type { Sink } from '../sinks/sink.js';
import { writeFile } from 'node:fs/promises';
import { redactedJson } from '../jsonFile.js';
import {
  appendJournal,
  readJournal,
  readOutboxState,
  writeOutboxFile,
  type JournalLine,
} from './outboxFile.js';

/** Where one alert stands with one sink. `failed` = given up after `maxAttempts` or a permanent rejection. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The delivery of one alert to one sink. */
export interface DeliveryRecord {
  status: DeliveryStatus;
  attempts: number;
  /** ISO-8601. */
  lastAttemptAt?: string;
  /** The last failure's message (already free of URL credentials: sinks never put them there). */
  lastError?: string;
  /** ISO-8601. */
  deliveredAt?: string;
}

/** An alert in the outbox, with its delivery to each sink. */
export interface OutboxEntry {
  alert: StoredAlert;
  /** ISO-8601: when it entered the outbox (entries are kept in this order, oldest first). */
  addedAt: string;
  /** By sink name. Sinks configured after the alert was added have no record: not owed. */
  deliveries: Record<string, DeliveryRecord>;
}

/** Counts after a delivery round. */
export interface DeliveryReport {
  /** Deliveries that succeeded in this round. */
  delivered: number;
  /** Attempts that failed in this round (they stay pending unless given up). */
  failed: number;
  /** Deliveries still owed after the round. */
  pending: number;
  bySink: Record<string, { delivered: number; failed: number; pending: number }>;
}

/** Options of {@link Outbox.open}. */
export interface OutboxOptions {
  /** The state file (JSON, replaced atomically); absent = in memory only (replays, tests). */
  file?: string;
  /** The sinks every added alert is owed to. Names must be unique. */
  sinks: readonly Sink[];
  logger?: Logger;
  /** After this many failed attempts a delivery is `failed` and no longer retried; default unlimited. */
  maxAttempts?: number;
  /**
   * Fully delivered entries kept (newest) so that re-adding the same `_id` is recognised and not
   * delivered twice; default 1000. Older ones are dropped, which bounds the file.
   */
  retainDelivered?: number;
  /** Default `() => new Date()`. */
  clock?: () => Date;
}

/**
 * The delivery outbox: nothing raised is lost to a sink that is down. An alert is recorded
 * (and persisted) before any delivery is attempted; each sink's delivery is tracked on its own
 * (pending/delivered/failed, attempts, last error); {@link Outbox.deliverPending} retries what is
 * pending, oldest first, every sink independently, so a dead broker delays only its own queue.
 * Every delivery outcome is appended to a journal (`<file>.journal`) before the outbox moves on,
 * so a crash (even `kill -9`) repeats only the deliveries in flight: at most one per sink.
 * Delivery is at-least-once; consumers drop duplicates by `_id` (AMQP `messageId`, the webhook's
 * `Idempotency-Key`), and the file sink never writes an id twice.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #sinks: ReadonlyMap<string, Sink>;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  /** Insertion order = oldest first. */
  readonly #entries = new Map<string, OutboxEntry>();
  #round: Promise<DeliveryReport> | undefined;
  #roundAgain = false;
  #persisting: Promise<void> = Promise.resolve();
  /** The last journal line written (and the last a snapshot includes). */
  #seq = 0;
  #journalLock: Promise<void> = Promise.resolve();

  private constructor(options: OutboxOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger();
    this.#clock = options.clock ?? (() => new Date());
    const sinks = new Map<string, Sink>();
    for (const sink of options.sinks) {
      if (sinks.has(sink.name)) {
        throw new AlertkitError(
          'CONFIG_INVALID',
          `sinks: two sinks are named "${sink.name}"; give each a unique \`name\``,
          {
            details: { path: 'sinks', reason: 'duplicate sink name', sink: sink.name },
          },
        );
      }
      sinks.set(sink.name, sink);
    }
    this.#sinks = sinks;
  }

  /** Opens the outbox, loading the entries of an earlier run from `options.file`. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const outbox = new Outbox(options);
    if (options.file !== undefined) {
      const { entries, journalSeq } = await readOutboxState(options.file);
      for (const entry of entries) outbox.#restore(entry);
      // Outcomes after the snapshot, in order: what was delivered is not delivered again.
      outbox.#seq = journalSeq;
      for (const line of await readJournal(`${options.file}.journal`)) {
        if (line.seq <= journalSeq) continue;
        const entry = outbox.#entries.get(line.id);
        if (entry && outbox.#sinks.has(line.sink)) entry.deliveries[line.sink] = line.record;
        outbox.#seq = Math.max(outbox.#seq, line.seq);
      }
    }
    return outbox;
  }

  #restore(entry: OutboxEntry): void {
    // A sink removed from the configuration is no longer owed anything.
    for (const sink of Object.keys(entry.deliveries)) {
      if (this.#sinks.has(sink)) continue;
      if (entry.deliveries[sink]?.status === 'pending') {
        this.#logger.warn(
          { sink, alertId: entry.alert._id },
          'dropping a pending delivery to a sink that is no longer configured',
        );
      }
      delete entry.deliveries[sink];
    }
    this.#entries.set(entry.alert._id, entry);
  }

  /**
   * Records alerts as owed to every sink (or to the sinks named in `to`: staged alerts go to
   * their own) and persists them before returning. An `_id` already in the outbox is ignored (a
   * re-run tick raises the same ids). Returns how many were new.
   */
  async add(alerts: readonly StoredAlert[], to?: readonly string[]): Promise<number> {
    const addedAt = this.#clock().toISOString();
    let added = 0;
    for (const alert of alerts) {
      if (this.#entries.has(alert._id)) continue;
      const deliveries: Record<string, DeliveryRecord> = {};
      for (const name of this.#sinks.keys())
        if (to === undefined || to.includes(name))
          deliveries[name] = { status: 'pending', attempts: 0 };
      this.#entries.set(alert._id, { alert, addedAt, deliveries });
      added++;
    }
    if (added > 0) await this.#persist();
    return added;
  }

  /** {@link Outbox.add} then {@link Outbox.deliverPending}. */
  async deliver(alerts: readonly StoredAlert[]): Promise<DeliveryReport> {
    await this.add(alerts);
    return this.deliverPending();
  }

  /**
   * Attempts every pending delivery, oldest first, all sinks concurrently. A sink's first
   * failure ends its round (it is presumably down: the rest waits for the next round instead of
   * each paying a timeout), except for a permanent rejection of one alert, which moves on.
   * Concurrent calls share one round; alerts added meanwhile get a second pass.
   */
  deliverPending(): Promise<DeliveryReport> {
    if (this.#round !== undefined) {
      this.#roundAgain = true;
      return this.#round;
    }
    const round = (async (): Promise<DeliveryReport> => {
      const totals = new Map<string, { delivered: number; failed: number }>();
      try {
        do {
          this.#roundAgain = false;
          await Promise.all(
            [...this.#sinks.values()].map(async (sink) => {
              const counts = await this.#deliverTo(sink);
              const total = totals.get(sink.name) ?? { delivered: 0, failed: 0 };
              totals.set(sink.name, {
                delivered: total.delivered + counts.delivered,
                failed: total.failed + counts.failed,
              });
            }),
          );
        } while (this.#roundAgain);
        this.#prune();
        await this.#persist();
      } finally {
        this.#round = undefined;
      }
      return this.#report(totals);
    })();
    this.#round = round;
    return round;
  }

  async #deliverTo(sink: Sink): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    // A snapshot: entries added during the round are picked up by the second pass.
    for (const entry of [...this.#entries.values()]) {
      const record = entry.deliveries[sink.name];
      if (record?.status !== 'pending') continue;
      record.attempts++;
      record.lastAttemptAt = this.#clock().toISOString();
      try {
        await sink.deliver(entry.alert);
        record.status = 'delivered';
        record.deliveredAt = this.#clock().toISOString();
        delete record.lastError;
        delivered++;
        await this.#journal(entry.alert._id, sink.name, record);
      } catch (error) {
        failed++;
        record.lastError = error instanceof Error ? error.message : String(error);
        const permanent = isAlertkitError(error) && error.details?.['permanent'] === true;
        const exhausted = record.attempts >= (this.#options.maxAttempts ?? Infinity);
        if (permanent || exhausted) record.status = 'failed';
        await this.#journal(entry.alert._id, sink.name, record);
        this.#logger.warn(
          {
            sink: sink.name,
            alertId: entry.alert._id,
            attempts: record.attempts,
            status: record.status,
            err: error,
          },
          permanent || exhausted ? 'delivery given up' : 'delivery failed; will retry',
        );
        if (!permanent) break;
      }
    }
    return { delivered, failed };
  }

  /** Drops the oldest fully settled entries beyond `retainDelivered`. */
  #prune(): void {
    const retain = this.#options.retainDelivered ?? 1000;
    const settled = [...this.#entries.values()].filter((entry) => !isOwed(entry));
    for (const entry of settled.slice(0, Math.max(0, settled.length - retain)))
      this.#entries.delete(entry.alert._id);
  }

  #report(totals: ReadonlyMap<string, { delivered: number; failed: number }>): DeliveryReport {
    const report: DeliveryReport = { delivered: 0, failed: 0, pending: 0, bySink: {} };
    for (const name of this.#sinks.keys()) {
      const counts = totals.get(name) ?? { delivered: 0, failed: 0 };
      const pending = this.pending(name).length;
      report.bySink[name] = { ...counts, pending };
      report.delivered += counts.delivered;
      report.failed += counts.failed;
      report.pending += pending;
    }
    return report;
  }

  /** Entries with a delivery still pending (to `sink`, or to any sink), oldest first. */
  pending(sink?: string): OutboxEntry[] {
    return [...this.#entries.values()].filter((entry) =>
      sink === undefined ? isOwed(entry) : entry.deliveries[sink]?.status === 'pending',
    );
  }

  /** Every entry held (pending and recently settled), oldest first. */
  entries(): OutboxEntry[] {
    return [...this.#entries.values()];
  }

  /** Appends one delivery outcome to the journal before the round moves on. */
  async #journal(id: string, sink: string, record: DeliveryRecord): Promise<void> {
    const file = this.#options.file;
    if (file === undefined) return;
    const line: JournalLine = { seq: ++this.#seq, id, sink, record: { ...record } };
    await this.#withJournal(() => appendJournal(`${file}.journal`, [line]));
  }

  /** Journal appends and its truncation, one at a time (a truncation never eats an append). */
  #withJournal(work: () => Promise<void>): Promise<void> {
    this.#journalLock = this.#journalLock.catch(() => undefined).then(work);
    return this.#journalLock;
  }

  /**
   * Writes the state file (serialised: concurrent calls never interleave) with the journal
   * position it includes; the journal is emptied when nothing was appended meanwhile.
   */
  #persist(): Promise<void> {
    const file = this.#options.file;
    if (file === undefined) return Promise.resolve();
    const seq = this.#seq;
    const snapshot = redactedJson({
      version: 1,
      journalSeq: seq,
      entries: [...this.#entries.values()],
    });
    this.#persisting = this.#persisting
      .catch(() => undefined)
      .then(async () => {
        await writeOutboxFile(file, snapshot);
        await this.#withJournal(async () => {
          // Only lines the snapshot holds may go; newer ones stay for the next start.
          if (this.#seq === seq) await writeFile(`${file}.journal`, '', { mode: 0o600 });
        });
      });
    return this.#persisting;
  }

  /** Waits for a running round and the last state write. Sinks stay open: their owner closes them. */
  async close(): Promise<void> {
    await this.#round?.catch(() => undefined);
    await this.#persisting;
  }
}

/** True while some sink is still owed the alert. */
function isOwed(entry: OutboxEntry): boolean {
  return Object.values(entry.deliveries).some((record) => record.status === 'pending');
}
