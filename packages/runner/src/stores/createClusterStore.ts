import type { SearchStoreConfig } from '../config/loadInstallationConfig.js';
import { createElasticsearchStore } from './elasticsearchStore.js';
import { createOpensearchStore } from './opensearchStore.js';
import type { SearchStore, SearchStoreOptions } from './searchStore.js';

/**
 * The store an installation's `store: { type: 'elasticsearch' | 'opensearch', ... }` entry
 * describes (credentials already read from the environment by the config loader). `extra`
 * adds what the file does not hold, e.g. `onWarning` (the runner's logger) or `hitLimit`.
 * Fits `openInstallation`'s `createSearchStore` option.
 */
export function createClusterStore(
  config: SearchStoreConfig,
  extra: SearchStoreOptions = {},
): SearchStore {
  const options = {
    ...extra,
    node: config.node,
    indices: config.indices,
    alertIndex: config.alertIndex,
    stateIndex: config.stateIndex,
    requestTimeoutMs: config.requestTimeoutMs,
    ...(config.auth === undefined ? {} : { auth: config.auth }),
  };
  return config.type === 'elasticsearch'
    ? createElasticsearchStore(options)
    : createOpensearchStore(options);
}
