import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertPackage, loadAlertsDirectory } from './loadAlerts.js';

const coreSource = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts'),
).href;
let root: string;

async function writePackage(
  name: string,
  body: string,
  exportsField: unknown = { '.': { default: './dist/index.js' } },
) {
  const dir = join(root, name);
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `alert-${name}`, version: '0.3.1', exports: exportsField }),
  );
  await writeFile(join(dir, 'dist', 'index.js'), body);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'alertkit-load-'));
  await writePackage(
    'good',
    `import { defineAlert } from ${JSON.stringify(coreSource)};
export const alert = defineAlert({ name: 'good', description: 'd', severity: 'NOTICE', category: 'c',
  criteria: { query: { type: 'bool', must: [{ type: 'exists', field: 'summary' }] } }, onEvent: () => ({ summary: 's' }) });`,
  );
  await writePackage('plain', `export const alert = { name: 'plain' };`);
  await mkdir(join(root, 'not-a-package'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loading alert packages', () => {
  it('loads a package that exports a defineAlert alert, with its version', async () => {
    const loaded = await loadAlertPackage(join(root, 'good'));
    expect(loaded.packageName).toBe('alert-good');
    expect(loaded.version).toBe('0.3.1');
    expect(loaded.alert.name).toBe('good');
    expect(loaded.alert.kind).toBe('event');
  });

  it('refuses a package whose export is not an alert, naming the package', async () => {
    await expect(loadAlertPackage(join(root, 'plain'))).rejects.toThrow(
      /alert-plain: .*does not export an alert made by defineAlert/,
    );
  });

  it('refuses an alert whose @alertkit/core peer range does not hold the runner core', async () => {
    await writePackage('old-core', 'export const alert = {};');
    const manifest = join(root, 'old-core', 'package.json');
    await writeFile(
      manifest,
      JSON.stringify({
        name: 'alert-old-core',
        version: '0.1.0',
        peerDependencies: { '@alertkit/core': '^1.0.0' },
        exports: { '.': { default: './dist/index.js' } },
      }),
    );
    await expect(loadAlertPackage(join(root, 'old-core'), '2.0.0')).rejects.toThrow(
      'alert-old-core@0.1.0 needs @alertkit/core ^1.0.0, but this runner has @alertkit/core 2.0.0',
    );
    await expect(loadAlertPackage(join(root, 'good'), '2.0.0')).resolves.toMatchObject({
      packageName: 'alert-good',
    });
  });

  it('says to build when the entry is missing', async () => {
    await writePackage('unbuilt', '', { '.': { default: './dist/missing.js' } });
    await expect(loadAlertPackage(join(root, 'unbuilt'))).rejects.toThrow('run `pnpm build` first');
  });

  it('loads a directory of packages, skipping folders without package.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alertkit-dir-'));
    await mkdir(join(dir, 'x'));
    await expect(loadAlertsDirectory(dir)).resolves.toEqual([]);
    await rm(dir, { recursive: true });
  });
});
