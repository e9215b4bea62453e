import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { createRequire } from 'node:module';
import type { Client, ClientOptions } from '@elastic/elasticsearch';
import {
  constructClient,
  describeNodes,
  requireClientOrNode,
  type RestTransport,
  type SearchStoreAuth,
} from './restTransport.js';
import { createRestStore, type SearchStore, type SearchStoreOptions } from './searchStore.js';

// Loaded when a client is constructed, not when the runner is imported: the client package
// takes ~200 ms to load, a cost every CLI command paid even with the embedded store.
const require = createRequire(import.meta.url);
const loadClient = (): typeof Client =>
  (require('@elastic/elasticsearch') as { Client: typeof Client }).Client;

/** Options of {@link createElasticsearchStore}: a client, or where to connect. */
export interface ElasticsearchStoreOptions extends SearchStoreOptions {
  /** A ready client (its connection, credentials and TLS settings are used as they are). */
  client?: Client;
  /** Cluster URL(s), when no `client` is given. Credentials belong in `auth`, not in the URL. */
  node?: string | readonly string[];
  /** Basic auth, an API key (`id:key` base64, as Kibana shows it) or a bearer token. */
  auth?: SearchStoreAuth;
  /** TLS settings, e.g. `{ ca }` for a cluster with its own certificate authority. */
  tls?: TlsConnectionOptions;
  /** SHA-256 fingerprint of the cluster's CA certificate (Elasticsearch 8's enrolment output). */
  caFingerprint?: string;
  /** Per-request timeout in milliseconds (MozDef: 30 s). Default 30,000. */
  requestTimeoutMs?: number;
  /** Retries of a request on a connection error or timeout. Default 3 (the client's). */
  maxRetries?: number;
  /** The client's connection class: tests pass `@elastic/elasticsearch-mock`'s. */
  Connection?: ClientOptions['Connection'];
}

/**
 * Plain JSON media types. The 8.x client otherwise sends `compatible-with=8` headers, which
 * Elasticsearch 7 rejects; every request the store makes means the same on 7.14+ and 8.x.
 */
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' } as const;
const NDJSON_HEADERS = {
  accept: 'application/json',
  'content-type': 'application/x-ndjson',
} as const;

function clientAuth(auth: SearchStoreAuth | undefined): ClientOptions['auth'] {
  if (auth === undefined) return undefined;
  if ('apiKey' in auth) return { apiKey: auth.apiKey };
  if ('bearer' in auth) return { bearer: auth.bearer };
  return { username: auth.username, password: auth.password };
}

/** The node URLs of a client, for messages (the client's pool knows them). */
function nodesOf(client: Client): string[] {
  const connections =
    (client.connectionPool as { connections?: Array<{ url?: URL }> }).connections ?? [];
  return connections.flatMap((connection) => (connection.url ? [connection.url.href] : []));
}

/** The store's requests through the Elasticsearch client's transport. */
export function elasticsearchTransport(client: Client): RestTransport {
  return async (request, acceptStatuses) => {
    const result = await client.transport.request(
      {
        method: request.method,
        path: request.path,
        querystring: request.querystring,
        body: request.body,
        bulkBody: request.bulkBody,
      },
      {
        meta: true,
        headers: request.bulkBody ? NDJSON_HEADERS : JSON_HEADERS,
        ...(acceptStatuses ? { ignore: [...acceptStatuses] } : {}),
      },
    );
    return { statusCode: result.statusCode ?? 0, body: result.body };
  };
}

/**
 * A {@link SearchStore} on Elasticsearch 7.14+ or 8.x through the official client (8.19, which
 * runs on Node 20): events searched in `indices` (default `events`, `events-previous`; a
 * missing one is skipped while one exists), alerts created in `alertIndex` (default `alerts`)
 * under their deterministic `_id`, events tagged in place.
 *
 * Every failure (an unreachable cluster, a rejected request, a partial answer) is an
 * `AlertkitError('STORE_UNAVAILABLE')` naming the operation and the node, never credentials.
 *
 * @throws AlertkitError `CONFIG_INVALID` when neither `client` nor `node` is given, or an option is out of range.
 */
export function createElasticsearchStore(options: ElasticsearchStoreOptions): SearchStore {
  const { client: given, node } = options;
  requireClientOrNode('elasticsearch', given, node);
  let client = given;
  if (client === undefined) {
    const clientOptions: ClientOptions = {
      node: typeof node === 'string' ? node : [...(node ?? [])],
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    };
    const auth = clientAuth(options.auth);
    if (auth) clientOptions.auth = auth;
    if (options.tls) clientOptions.tls = options.tls;
    if (options.caFingerprint !== undefined) clientOptions.caFingerprint = options.caFingerprint;
    if (options.maxRetries !== undefined) clientOptions.maxRetries = options.maxRetries;
    if (options.Connection) clientOptions.Connection = options.Connection;
    client = constructClient('elasticsearch', node, () => new (loadClient())(clientOptions));
  }
  const owned = given === undefined ? client : undefined;
  return createRestStore(
    elasticsearchTransport(client),
    {
      engine: 'elasticsearch',
      nodes: describeNodes(nodesOf(client)),
      ...(owned ? { close: () => owned.close() } : {}),
    },
    options,
  );
}
