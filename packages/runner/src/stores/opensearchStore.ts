import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { AlertkitError } from '@alertkit/core';
import { createRequire } from 'node:module';
import type { Client, ClientOptions } from '@opensearch-project/opensearch';
import {
  constructClient,
  describeNodes,
  requireClientOrNode,
  type RestTransport,
  type SearchStoreAuth,
} from './restTransport.js';
import { createRestStore, type SearchStore, type SearchStoreOptions } from './searchStore.js';

// Loaded when a client is constructed, not when the runner is imported: the client package
// takes ~120 ms to load, a cost every CLI command paid even with the embedded store.
const require = createRequire(import.meta.url);
const loadClient = (): typeof Client =>
  (require('@opensearch-project/opensearch') as { Client: typeof Client }).Client;

/** Options of {@link createOpensearchStore}: a client, or where to connect. */
export interface OpensearchStoreOptions extends SearchStoreOptions {
  /** A ready client (its connection, credentials and TLS settings are used as they are). */
  client?: Client;
  /** Cluster URL(s), when no `client` is given. Credentials belong in `auth`, not in the URL. */
  node?: string | readonly string[];
  /** Basic auth or a bearer token (OpenSearch has no Elasticsearch-style API keys). */
  auth?: SearchStoreAuth;
  /** TLS settings, e.g. `{ ca }` for the demo certificates of the security plugin. */
  tls?: TlsConnectionOptions;
  /** Per-request timeout in milliseconds (MozDef: 30 s). Default 30,000. */
  requestTimeoutMs?: number;
  /** Retries of a request on a connection error or timeout. Default 3 (the client's). */
  maxRetries?: number;
  /** The client's connection class (tests may pass their own). */
  Connection?: ClientOptions['Connection'];
}

/** The node URLs of a client, for messages (the client's pool knows them). */
function nodesOf(client: Client): string[] {
  const connections =
    (client.connectionPool as { connections?: Array<{ url?: URL }> }).connections ?? [];
  return connections.flatMap((connection) => (connection.url ? [connection.url.href] : []));
}

/** The store's requests through the OpenSearch client's transport. */
export function opensearchTransport(client: Client): RestTransport {
  return async (request, acceptStatuses) => {
    const result = await client.transport.request(
      {
        method: request.method,
        path: request.path,
        querystring: request.querystring,
        body: request.body,
        bulkBody: request.bulkBody,
      },
      acceptStatuses ? { ignore: [...acceptStatuses] } : {},
    );
    return { statusCode: result.statusCode ?? 0, body: result.body };
  };
}

/**
 * A {@link SearchStore} on OpenSearch 1, 2 or 3 through the official client (3.x): the same
 * requests and the same behaviour as {@link createElasticsearchStore} (one implementation
 * behind both), with OpenSearch's ways to authenticate.
 *
 * @throws AlertkitError `CONFIG_INVALID` when neither `client` nor `node` is given, for an API
 *   key (use basic auth or a bearer token), or an option out of range.
 */
export function createOpensearchStore(options: OpensearchStoreOptions): SearchStore {
  const { client: given, node, auth } = options;
  requireClientOrNode('opensearch', given, node);
  if (auth !== undefined && 'apiKey' in auth) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      'opensearch store: OpenSearch has no API keys; use auth { username, password } or { bearer }',
      { details: { key: 'auth' } },
    );
  }
  let client = given;
  if (client === undefined) {
    const clientOptions: ClientOptions = {
      node: typeof node === 'string' ? node : [...(node ?? [])],
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    };
    if (auth !== undefined && 'bearer' in auth)
      clientOptions.headers = { authorization: `Bearer ${auth.bearer}` };
    else if (auth !== undefined && 'username' in auth)
      clientOptions.auth = { username: auth.username, password: auth.password };
    if (options.tls) clientOptions.ssl = options.tls;
    if (options.maxRetries !== undefined) clientOptions.maxRetries = options.maxRetries;
    if (options.Connection) clientOptions.Connection = options.Connection;
    client = constructClient('opensearch', node, () => new (loadClient())(clientOptions));
  }
  const owned = given === undefined ? client : undefined;
  return createRestStore(
    opensearchTransport(client),
    {
      engine: 'opensearch',
      nodes: describeNodes(nodesOf(client)),
      ...(owned ? { close: () => owned.close() } : {}),
    },
    options,
  );
}
