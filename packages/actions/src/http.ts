import { ActionError } from './defineAction.js';

/** Options of {@link sendJson}. */
export interface SendJsonOptions {
  method?: 'POST' | 'PUT' | 'GET';
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A URL as it may appear in an error or a log: without credentials or query string. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Sends `body` as JSON with Node's fetch and returns the response's parsed JSON body (or
 * `undefined` for an empty or non-JSON one). A non-2xx status throws an {@link ActionError}
 * with the status and the start of the body; 4xx other than 408 and 429 is `permanent` (the
 * same request would be refused again). A connection failure or a timeout throws a retryable one.
 */
export async function sendJson(
  url: string,
  body: unknown,
  options: SendJsonOptions = {},
): Promise<unknown> {
  const method = options.method ?? 'POST';
  const where = `${method} ${describeUrl(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.bearerToken !== undefined
          ? { authorization: `Bearer ${options.bearerToken}` }
          : {}),
        ...options.headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    if (options.signal?.aborted)
      throw new ActionError(`${where}: aborted at the time limit`, { cause });
    const code = (cause as { cause?: { code?: unknown } }).cause?.code;
    throw new ActionError(
      `${where}: connection failed${typeof code === 'string' ? ` (${code})` : ''}`,
      { cause },
    );
  }
  const text = await response.text();
  if (!response.ok) {
    const permanent =
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 408 &&
      response.status !== 429;
    throw new ActionError(
      `${where}: HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      { permanent },
    );
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
