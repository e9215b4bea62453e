import { AlertkitError } from '@alertkit/core';
import { redactUrlCredentials } from '../config/redact.js';

/**
 * The REST calls the search stores make, independent of the client library: Elasticsearch's
 * and OpenSearch's clients both send them through their `transport.request`, so one
 * implementation (and one golden request contract) serves both.
 */
export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Already URL-encoded, e.g. `/events,events-previous/_search`. */
  path: string;
  querystring?: Record<string, string>;
  /** A JSON body. */
  body?: object;
  /** An NDJSON body (`_bulk`), one object per line. */
  bulkBody?: object[];
}

/** A response the transport did not turn into an error. */
export interface RestResponse {
  statusCode: number;
  body: unknown;
}

/**
 * Sends one request. HTTP statuses in `acceptStatuses` come back as a response; any other error
 * status, a connection failure or a timeout is thrown as the client library's error.
 */
export type RestTransport = (
  request: RestRequest,
  acceptStatuses?: readonly number[],
) => Promise<RestResponse>;

/** Credentials for the cluster. Fill them from the environment; they are never logged. */
export type SearchStoreAuth =
  { username: string; password: string } | { apiKey: string } | { bearer: string };

/** Which product a store talks to, as named in error messages. */
export type SearchEngineName = 'elasticsearch' | 'opensearch';

/**
 * The node URL(s) with any user name and password removed, for messages: `https://es:9200`.
 * Unparseable text is masked as a URL would be, never printed raw.
 */
export function describeNodes(nodes: readonly string[]): string {
  if (nodes.length === 0) return '(no node)';
  return nodes
    .map((node) => {
      try {
        const url = new URL(node);
        url.username = '';
        url.password = '';
        return url.href.replace(/\/$/, '');
      } catch {
        return redactUrlCredentials(node);
      }
    })
    .join(', ');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `HTTP 400 search_phase_execution_exception: all shards failed; caused by parse_exception:
 * ...` from a cluster's error body (`{error: {type, reason, root_cause, caused_by}}`), or the
 * text of a plain error body.
 */
export function describeErrorBody(body: unknown): string | undefined {
  const error = record(record(body)?.['error']);
  if (!error) return text(body) ?? text(record(body)?.['error']);
  const parts: string[] = [];
  const add = (cause: Record<string, unknown> | undefined): void => {
    if (!cause) return;
    const line = [text(cause['type']), text(cause['reason'])].filter(Boolean).join(': ');
    if (line !== '' && !parts.includes(line)) parts.push(line);
  };
  add(error);
  const rootCause = Array.isArray(error['root_cause']) ? record(error['root_cause'][0]) : undefined;
  add(rootCause);
  add(record(error['caused_by']));
  return parts.length === 0 ? undefined : parts.join('; caused by ');
}

/**
 * What went wrong in a client error, in one line, read from the fields both official clients'
 * errors share (`name`, `message`, `statusCode`, `body`/`meta.body`). Request headers (where
 * credentials live) are never read.
 */
export function describeCause(error: unknown): { message: string; statusCode?: number } {
  const fields = record(error);
  if (!fields) return { message: String(error) };
  const statusCode = typeof fields['statusCode'] === 'number' ? fields['statusCode'] : undefined;
  const body = fields['body'] ?? record(fields['meta'])?.['body'];
  const name = text(fields['name']) ?? 'Error';
  const fromBody = statusCode === undefined ? undefined : describeErrorBody(body);
  const message = fromBody ?? text(fields['message']) ?? 'unknown error';
  const prefix = statusCode === undefined ? `${name}: ` : `HTTP ${statusCode} `;
  return {
    message: redactUrlCredentials(prefix + message),
    ...(statusCode === undefined ? {} : { statusCode }),
  };
}

/** Where a failed store call happened: which product, which call, which nodes. */
export interface StoreCallSite {
  engine: SearchEngineName;
  operation: string;
  nodes: string;
}

/**
 * `STORE_UNAVAILABLE` naming the operation, the node (without credentials) and the cause. The
 * client's error is not attached as such (its metadata carries the request headers, with the
 * credentials): `cause` is a plain Error with the redacted description.
 */
export function storeUnavailable(site: StoreCallSite, error: unknown): AlertkitError {
  const cause = describeCause(error);
  return new AlertkitError(
    'STORE_UNAVAILABLE',
    `${site.engine} store: ${site.operation} on ${site.nodes} failed: ${cause.message}`,
    {
      cause: new Error(cause.message),
      details: {
        operation: site.operation,
        node: site.nodes,
        ...(cause.statusCode === undefined ? {} : { statusCode: cause.statusCode }),
      },
    },
  );
}

/** `STORE_UNAVAILABLE` for an answer the cluster gave but that cannot be used (partial, malformed). */
export function storeRejected(site: StoreCallSite, reason: string): AlertkitError {
  return new AlertkitError(
    'STORE_UNAVAILABLE',
    `${site.engine} store: ${site.operation} on ${site.nodes} failed: ${redactUrlCredentials(reason)}`,
    {
      details: { operation: site.operation, node: site.nodes },
    },
  );
}

/** `/a,b` for index names (each URL-encoded; the comma separates them). */
export function indexPath(indices: readonly string[]): string {
  return `/${indices.map((index) => encodeURIComponent(index)).join(',')}`;
}

/** Refuses store options that give neither a client nor a node URL. */
export function requireClientOrNode(
  engine: SearchEngineName,
  client: unknown,
  node: string | readonly string[] | undefined,
): void {
  if (client === undefined && (node === undefined || node.length === 0)) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${engine} store: \`node\` (the cluster URL) or \`client\` is required`,
      {
        details: { key: 'node' },
      },
    );
  }
}

/**
 * Constructs a client; a failure (e.g. a malformed URL) is a `CONFIG_INVALID` naming the nodes
 * without credentials. The client's own message may quote the URL, so it is not passed on.
 */
export function constructClient<T>(
  engine: SearchEngineName,
  node: string | readonly string[] | undefined,
  construct: () => T,
): T {
  try {
    return construct();
  } catch (error) {
    const nodes = typeof node === 'string' ? [node] : (node ?? []);
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${engine} store: cannot create a client for ${describeNodes(nodes)} (${error instanceof Error ? error.name : 'error'})`,
      { details: { key: 'node' } },
    );
  }
}
