import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredAlert } from '@alertkit/core';
import { alertMessage, sinkError, type Sink } from './sink.js';

/** Options of {@link createWebhookSink}. */
export interface WebhookSinkOptions {
  name?: string;
  url: string;
  /** Extra headers (e.g. `Authorization`); `Content-Type` and `Idempotency-Key` are set by the sink. */
  headers?: Readonly<Record<string, string>>;
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** Delay before the first retry, doubled on each further one; default 500 ms. */
  backoffMs?: number;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

/** A `Retry-After` above this is not waited for inside one delivery: the outbox retries later. */
const MAX_RETRY_AFTER_MS = 30_000;

/** True for answers worth retrying: server errors, request timeout, rate limiting. */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * POSTs each alert as JSON `{_id, _index, _source}` with an `Idempotency-Key: <_id>` header so
 * the receiver can drop the duplicates at-least-once delivery may produce. A 2xx answer is
 * success; 5xx, 408, 429 and network errors are retried with exponential backoff; other 4xx
 * fail at once (the request itself is wrong, repeating it cannot help).
 */
/**
 * A URL's userinfo as an HTTP Basic `Authorization` value, and the URL without it (the user
 * and password percent-decoded, as a browser would send them).
 */
export function basicAuthOf(raw: string): { url: string; authorization?: string } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return {
    url: url.toString(),
    authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}

export function createWebhookSink(options: WebhookSinkOptions): Sink {
  const name = options.name ?? 'webhook';
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Named in errors without query string or credentials (either may carry a token).
  const target = (() => {
    const url = new URL(options.url);
    return `${url.origin}${url.pathname}`;
  })();
  // `http://user:pass@host/` is sent as HTTP Basic auth (fetch refuses a URL with credentials).
  const { url: endpoint, authorization } = basicAuthOf(options.url);
  const headers: Record<string, string> = {
    ...(authorization ? { authorization } : {}),
    ...options.headers,
  };

  async function attempt(
    alert: StoredAlert,
  ): Promise<
    | { ok: true }
    | { ok: false; retryable: boolean; reason: string; waitMs?: number; cause?: unknown }
  > {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'idempotency-key': alert._id,
        },
        body: alertMessage(alert),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      const error = cause as Error & { cause?: { code?: string } };
      const reason =
        error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : `${error.message}${error.cause?.code ? ` (${error.cause.code})` : ''}`;
      return { ok: false, retryable: true, reason: `POST ${target}: ${reason}`, cause };
    }
    if (response.ok) {
      await response.body?.cancel();
      return { ok: true };
    }
    const body = (await response.text().catch(() => '')).slice(0, 200);
    const waitMs = retryAfterMs(response.headers.get('retry-after'));
    return {
      ok: false,
      retryable: isRetryableStatus(response.status),
      reason: `POST ${target}: HTTP ${response.status}${body === '' ? '' : `: ${body}`}`,
      ...(waitMs === undefined ? {} : { waitMs }),
    };
  }

  return {
    name,
    async deliver(alert) {
      for (let tried = 0; ; tried++) {
        const result = await attempt(alert);
        if (result.ok) return;
        if (!result.retryable) throw sinkError(name, alert, result.reason, { permanent: true });
        if (tried >= retries) {
          throw sinkError(name, alert, `${result.reason} (after ${tried + 1} attempts)`, {
            cause: result.cause,
          });
        }
        await sleep(Math.max(backoffMs * 2 ** tried, result.waitMs ?? 0));
      }
    },
    async close() {
      // fetch keeps no state the sink owns.
    },
  };
}
