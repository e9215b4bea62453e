import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { match, search } from '@alertkit/query';
import { describe, expect, it } from 'vitest';
import {
  parseInstallationConfig,
  type SearchStoreConfig,
} from '../config/loadInstallationConfig.js';
import { createClusterStore } from './createClusterStore.js';
import { NOW, searchAnswer, thrown } from './fakeCluster.testkit.js';

function storeConfig(yaml: string, env: Record<string, string>): SearchStoreConfig {
  const { config } = parseInstallationConfig(yaml, { file: 'alertkit.config.yaml', env });
  if (config.store.type === 'memory') throw new Error('expected a cluster store');
  return config.store;
}

describe('createClusterStore: the store of an installation file', () => {
  it('builds an Elasticsearch store with the defaults of the file (events, events-previous; alerts)', async () => {
    const store = createClusterStore(
      storeConfig('store: {type: elasticsearch, node: "http://127.0.0.1:9200"}', {}),
    );
    expect([store.engine, store.indices, store.alertIndex]).toStrictEqual([
      'elasticsearch',
      ['events', 'events-previous'],
      'alerts',
    ]);
    await store.close();
  });

  it('builds an OpenSearch store whose password comes from the environment and reaches the cluster as basic auth', async () => {
    const headers: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      headers.push(req.headers);
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(searchAnswer(['a'], 1).body)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const node = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const yaml = `store:\n  type: opensearch\n  node: "${node}"\n  indices: [logs-a]\n  auth: {username: alertkit, password: "\${OS_PASSWORD}"}\n`;
      const store = createClusterStore(storeConfig(yaml, { OS_PASSWORD: 'from-the-env' }));
      expect(store.indices).toStrictEqual(['logs-a']);
      expect(
        (
          await store.search({
            criteria: search().must(match('category', 'syslog')).build(),
            now: NOW,
          })
        ).total,
      ).toBe(1);
      await store.close();
      expect(headers[0]?.authorization).toBe(
        `Basic ${Buffer.from('alertkit:from-the-env').toString('base64')}`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses an API key for OpenSearch with CONFIG_INVALID', () => {
    const config = storeConfig(
      'store: {type: opensearch, node: "http://127.0.0.1:9200", auth: {apiKey: "${KEY}"}}',
      { KEY: 'abcdef' },
    );
    expect(thrown(() => createClusterStore(config)).code).toBe('CONFIG_INVALID');
  });
});
