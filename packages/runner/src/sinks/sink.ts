import { AlertkitError, type StoredAlert } from '@alertkit/core';

/**
 * Where saved alerts are delivered. `deliver` resolves only once the alert is accepted
 * (written, confirmed by the broker, answered 2xx) and rejects otherwise; the outbox then keeps
 * the delivery pending and retries it later, so a sink never needs its own persistence.
 */
export interface Sink {
  /** Stable name: the outbox records deliveries under it across restarts. */
  readonly name: string;
  /** Delivers one alert; rejects with `SINK_FAILED` when it was not accepted. */
  deliver(alert: StoredAlert): Promise<void>;
  /** Releases connections and files; pending work is flushed first. */
  close(): Promise<void>;
}

/**
 * The wire shape of an alert, as MozDef publishes it: `{_id, _index, _source}` in this key
 * order, whatever order the object in memory has.
 */
export function alertMessage(alert: StoredAlert): string {
  return JSON.stringify({ _id: alert._id, _index: alert._index, _source: alert._source });
}

/** A `SINK_FAILED` error naming the sink and the alert. */
export function sinkError(
  sink: string,
  alert: StoredAlert,
  reason: string,
  options: { cause?: unknown; permanent?: boolean } = {},
): AlertkitError {
  return new AlertkitError('SINK_FAILED', `sink ${sink}: alert ${alert._id}: ${reason}`, {
    cause: options.cause,
    details: { sink, alertId: alert._id, reason, permanent: options.permanent ?? false },
  });
}

/** Rejects with `onTimeout()` when `promise` has not settled after `ms`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
