import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, parseConfigFile } from 'verdaccio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyInstallation,
  createInstallation,
  exec,
  prepareReleaseClone,
  readJson,
  type LockEntry,
  type Manifest,
} from './lib/publishing.js';
import {
  registryConfigFile,
  registryJson,
  startRegistry,
  type LocalRegistry,
} from './lib/registry.js';
import { cloneWorkspace, type Run } from './lib/workspaceCopy.js';

/*
 * Issue 7 end to end: `pnpm release` in a throwaway clone publishes to a real verdaccio (the
 * documented config), a plain npm installation installs the CLI and alert-failed-logins from it
 * and runs the alert, then patch / minor / core-minor / core-major releases follow, each checked
 * on the workspace, the registry and the installation.
 */

const NOW = '2017-01-01T01:00:00Z';
const ALERT = 'alert-failed-logins';
const LIBRARIES = [
  '@alertkit/core',
  '@alertkit/query',
  '@alertkit/actions',
  '@alertkit/runner',
  '@alertkit/cli',
  '@alertkit/harness',
] as const;
const PUBLIC = [ALERT, ...LIBRARIES] as const;
const DIRS: Record<(typeof PUBLIC)[number], string> = {
  [ALERT]: 'alerts/failed-logins',
  '@alertkit/core': 'packages/core',
  '@alertkit/query': 'packages/query',
  '@alertkit/actions': 'packages/actions',
  '@alertkit/runner': 'packages/runner',
  '@alertkit/cli': 'packages/cli',
  '@alertkit/harness': 'packages/harness',
};
const OLD_SUMMARY = '10 failed logins for alice in the last 5 minutes';
const NEW_SUMMARY = '10 failed logins for alice within 5 minutes';

let registry: LocalRegistry;
let clone: { dir: string; remove(): void };
let installation: string;
/** Copies of the installation made by copyOfInstallation(), removed at the end. */
const copies: string[] = [];

/** `pnpm release` in the clone, publishing to the local registry (changesets reads the registry from the environment). */
function release(): Run {
  const result = exec(clone.dir, 'pnpm', ['release'], { npm_config_registry: registry.url });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result;
}

/** Writes a changeset by hand, as `pnpm changeset` would after its questions. */
function changeset(
  name: string,
  bumps: Record<string, 'patch' | 'minor' | 'major'>,
  summary: string,
): void {
  const header = Object.entries(bumps).map(([pkg, bump]) => `"${pkg}": ${bump}`);
  writeFileSync(
    join(clone.dir, '.changeset', `${name}.md`),
    `---\n${header.join('\n')}\n---\n\n${summary}\n`,
  );
}

/** The version of every public package in the clone's working tree. */
function workspaceVersions(): Record<string, string> {
  return Object.fromEntries(
    PUBLIC.map((name) => [
      name,
      readJson<Manifest>(join(clone.dir, DIRS[name], 'package.json')).version,
    ]),
  );
}

/** The registry's packument of a package (404 -> undefined). */
async function packument(
  name: string,
): Promise<{ versions: Record<string, Manifest> } | undefined> {
  const { status, body } = await registryJson(`${registry.url}${name.replace('/', '%2f')}`);
  if (status === 404) return undefined;
  expect(status, name).toBe(200);
  return body as { versions: Record<string, Manifest> };
}

async function publishedVersions(name: string): Promise<string[]> {
  return Object.keys((await packument(name))?.versions ?? {});
}

function npm(...args: string[]): Run {
  return exec(installation, 'npm', args);
}

function installedVersion(name: string): string {
  return readJson<Manifest>(join(installation, 'node_modules', name, 'package.json')).version;
}

function lockfile(dir: string = installation): Record<string, LockEntry> {
  return readJson<{ packages: Record<string, LockEntry> }>(join(dir, 'package-lock.json')).packages;
}

/** `alertkit list` of the installation's enabled alerts: the row of the alert. */
function listedAlert(): string {
  const listed = exec(installation, join(installation, 'node_modules', '.bin', 'alertkit'), [
    'list',
    '--config',
    'alertkit.config.json',
  ]);
  expect(listed.status, listed.stderr).toBe(0);
  return listed.stdout.split('\n').find((line) => line.includes(ALERT)) ?? '';
}

/** `alertkit run --once` in the installation, from a fresh state; the raised alerts' table on stdout. */
function runInstallation(): Run {
  return exec(installation, join(installation, 'node_modules', '.bin', 'alertkit'), [
    'run',
    '--once',
    '--fresh',
    '--now',
    NOW,
  ]);
}

beforeAll(async () => {
  registry = await startRegistry();
  clone = cloneWorkspace();
  prepareReleaseClone(clone.dir, 'failed-logins', registry.port);
  installation = createInstallation(registry.url, ALERT, '^0.1.0', NOW);
});

afterAll(async () => {
  await registry?.stop();
  clone?.remove();
  if (installation) rmSync(installation, { recursive: true, force: true });
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

describe('the documented registry config', () => {
  it('never proxies alert-* or @alertkit/* to an uplink (a public package cannot shadow ours); everything else is proxied', () => {
    // verdaccio's own parser and matcher (first matching pattern wins), not a re-implementation.
    const config = new Config({
      ...parseConfigFile(registryConfigFile),
      config_path: registryConfigFile,
    });
    const specOf = (name: string) =>
      config.getMatchedPackagesSpec(name) as { proxy?: string[] } | undefined;
    for (const name of [
      ALERT,
      'alert-bruteforce-ssh',
      'alert-anything-new',
      '@alertkit/core',
      '@alertkit/cli',
      '@alertkit/not-yet-written',
    ]) {
      const spec = specOf(name);
      expect(spec, name).toBeDefined();
      expect(spec?.proxy ?? [], name).toEqual([]);
    }
    expect(specOf('zod')?.proxy).toEqual(['npmjs']);
    expect(Object.keys(config.uplinks as Record<string, unknown>)).toEqual(['npmjs']);
  });
});

describe('pnpm release to a local registry, npm install in an installation', () => {
  it('the first release (no changesets yet) publishes every public package at its initial version, workspace: ranges rewritten', async () => {
    const first = release();
    expect(first.stdout + first.stderr).toContain('No unreleased changesets found');
    expect(workspaceVersions()).toEqual({
      [ALERT]: '0.1.0',
      ...Object.fromEntries(LIBRARIES.map((l) => [l, '1.0.0'])),
    });
    for (const name of PUBLIC)
      expect(await publishedVersions(name), name).toEqual([workspaceVersions()[name]]);
    // Private workspace packages stay unpublished.
    for (const name of [
      '@alertkit/e2e',
      '@alertkit/tsconfig',
      '@alertkit/tsup-config',
      '@alertkit/vitest-config',
      '@alertkit/plop',
    ]) {
      expect(await packument(name), name).toBeUndefined();
    }
    const alert = (await packument(ALERT))?.versions['0.1.0'];
    expect(alert?.peerDependencies).toEqual({
      '@alertkit/core': '^1.0.0',
      '@alertkit/query': '^1.0.0',
    });
    expect(alert?.dependencies ?? {}).toEqual({});
    // Libraries take core as a peer too (one core per installation); workspace: ranges of real
    // dependencies are rewritten to the released version.
    expect(
      (await packument('@alertkit/query'))?.versions['1.0.0']?.peerDependencies?.['@alertkit/core'],
    ).toBe('^1.0.0');
    expect(
      (await packument('@alertkit/cli'))?.versions['1.0.0']?.dependencies?.['@alertkit/runner'],
    ).toBe('^1.0.0');
    for (const name of PUBLIC) {
      expect(JSON.stringify((await packument(name))?.versions), name).not.toContain('workspace:');
    }
  });

  it('an installation installs the CLI and alert-failed-logins@^0.1 from the registry, with one core, a committed lockfile, and raises the alert', () => {
    const install = npm('install', '@alertkit/cli', `${ALERT}@^0.1`);
    expect(install.status, install.stderr).toBe(0);
    // The lockfile an installation commits: every alert-* and @alertkit/* entry from our registry.
    expect(existsSync(join(installation, 'package-lock.json'))).toBe(true);
    expect(readJson<Manifest>(join(installation, 'package.json')).dependencies).toEqual({
      '@alertkit/cli': '^1.0.0',
      [ALERT]: '^0.1.0',
    });
    expect(installedVersion(ALERT)).toBe('0.1.0');
    const lock = lockfile();
    // One copy of core: the alert's peer and the CLI's dependency meet at the top level.
    expect(
      Object.keys(lock).filter((path) => path.endsWith('node_modules/@alertkit/core')),
    ).toEqual(['node_modules/@alertkit/core']);
    const ours = Object.entries(lock).filter(([path]) =>
      /node_modules\/(alert-[^/]+|@alertkit\/[^/]+)$/.test(path),
    );
    expect(ours.map(([path]) => path).sort()).toEqual(
      [
        '@alertkit/actions',
        '@alertkit/cli',
        '@alertkit/core',
        '@alertkit/query',
        '@alertkit/runner',
        ALERT,
      ].map((n) => `node_modules/${n}`),
    );
    for (const [path, entry] of ours)
      expect(entry.resolved, path).toMatch(new RegExp(`^${registry.url}`));
    expect(listedAlert()).toMatch(
      new RegExp(`^failed-logins\\s+${ALERT}\\s+0\\.1\\.0\\s+aggregation`),
    );
    const ran = runInstallation();
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(OLD_SUMMARY);
  });

  it('a patch changeset releases 0.1.1 of the changed alert only, with its CHANGELOG entry; the installation runs 0.1.0 until it updates', async () => {
    const source = join(clone.dir, DIRS[ALERT], 'src', 'index.ts');
    const before = readFileSync(source, 'utf8');
    expect(before).toContain('in the last 5 minutes');
    writeFileSync(source, before.replace('in the last 5 minutes', 'within 5 minutes'));
    // What the edit means against the published 0.1.0: a patch (wording only).
    const diff = exec(
      clone.dir,
      process.execPath,
      [join(clone.dir, 'packages/cli/dist/bin.js'), 'diff', DIRS[ALERT], '--base', '0.1.0'],
      { npm_config_registry: registry.url },
    );
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stdout.split('\n')[0], diff.stdout).toBe('patch');
    expect(diff.stdout).toContain(`${ALERT}: published ${ALERT}@0.1.0 → working tree`);
    expect(diff.stdout).toMatch(
      /patch {2}case ".*": summary ".*in the last 5 minutes" → ".*within 5 minutes"/,
    );
    changeset('summary-wording', { [ALERT]: 'patch' }, 'The summary says "within 5 minutes".');
    release();
    expect(workspaceVersions()).toEqual({
      [ALERT]: '0.1.1',
      ...Object.fromEntries(LIBRARIES.map((l) => [l, '1.0.0'])),
    });
    expect(readFileSync(join(clone.dir, DIRS[ALERT], 'CHANGELOG.md'), 'utf8')).toMatch(
      /## 0\.1\.1\s+### Patch Changes\s+- The summary says "within 5 minutes"\./,
    );
    expect(await publishedVersions(ALERT)).toEqual(['0.1.0', '0.1.1']);
    for (const name of LIBRARIES) expect(await publishedVersions(name), name).toEqual(['1.0.0']);

    expect(runInstallation().stdout).toContain(OLD_SUMMARY);
    expect(installedVersion(ALERT)).toBe('0.1.0');
    expect(npm('update').status).toBe(0);
    expect(installedVersion(ALERT)).toBe('0.1.1');
    expect(listedAlert()).toMatch(/\s0\.1\.1\s/);
    expect(lockfile()[`node_modules/${ALERT}`]?.resolved).toBe(
      `${registry.url}${ALERT}/-/${ALERT}-0.1.1.tgz`,
    );
    expect(runInstallation().stdout).toContain(NEW_SUMMARY);
  });

  it("a minor changeset releases 0.2.0, which ^0.1 does not pick up; the installation file's version range refuses it when installed by hand", async () => {
    changeset('new-option', { [ALERT]: 'minor' }, 'A new config option.');
    release();
    expect(workspaceVersions()[ALERT]).toBe('0.2.0');
    expect(await publishedVersions(ALERT)).toEqual(['0.1.0', '0.1.1', '0.2.0']);
    expect(npm('update').status).toBe(0);
    expect(installedVersion(ALERT)).toBe('0.1.1');
    const outdated = npm('outdated', '--json');
    expect(JSON.parse(outdated.stdout)).toMatchObject({
      [ALERT]: { current: '0.1.1', wanted: '0.1.1', latest: '0.2.0' },
    });

    // Installed anyway (in a copy), the runner holds it to the alertkit config's `version`.
    const copy = copyOfInstallation();
    const forced = exec(copy, 'npm', ['install', `${ALERT}@0.2.0`]);
    expect(forced.status, forced.stderr).toBe(0);
    const refused = exec(copy, join(copy, 'node_modules', '.bin', 'alertkit'), [
      'run',
      '--once',
      '--fresh',
      '--now',
      NOW,
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `${ALERT}@0.2.0 is installed but the installation asks for ^0.1.0`,
    );
  });

  it('a core minor releases core 1.1.0 and nothing else: alerts keep their versions and peer ranges (onlyUpdatePeerDependentsWhenOutOfRange)', async () => {
    const versions = workspaceVersions();
    changeset('core-feature', { '@alertkit/core': 'minor' }, 'A new core helper.');
    release();
    expect(workspaceVersions()).toEqual({ ...versions, '@alertkit/core': '1.1.0' });
    expect(
      readJson<Manifest>(join(clone.dir, DIRS[ALERT], 'package.json')).peerDependencies,
    ).toEqual({ '@alertkit/core': '^1.0.0', '@alertkit/query': '^1.0.0' });
    expect(await publishedVersions(ALERT)).toEqual(['0.1.0', '0.1.1', '0.2.0']);
    expect(await publishedVersions('@alertkit/core')).toEqual(['1.0.0', '1.1.0']);
    // Within the peer range, the installation takes the new core: still one copy, still running.
    expect(npm('update').status).toBe(0);
    expect(installedVersion('@alertkit/core')).toBe('1.1.0');
    expect(
      Object.keys(lockfile()).filter((path) => path.endsWith('node_modules/@alertkit/core')),
    ).toEqual(['node_modules/@alertkit/core']);
    expect(runInstallation().stdout).toContain(NEW_SUMMARY);
  });

  it("a core major (2.0.0) is caught by the alert's peer range: npm refuses core 2 next to an alert built for core 1", () => {
    changeset('core-breaking', { '@alertkit/core': 'major' }, 'A breaking core change.');
    release();
    const versions = workspaceVersions();
    expect(versions['@alertkit/core']).toBe('2.0.0');
    // Dependents are re-released against core 2; the alert left its peer range, so changesets 2.x
    // bumps it by a major (0.x -> 1.0.0) with the range rewritten; ^0.1 / ^0.2 never pick it up.
    for (const name of [
      '@alertkit/query',
      '@alertkit/actions',
      '@alertkit/runner',
      '@alertkit/cli',
      '@alertkit/harness',
    ] as const)
      expect(versions[name], name).not.toBe('1.0.0');
    expect(versions[ALERT]).toBe('1.0.0');
    expect(
      readJson<Manifest>(join(clone.dir, DIRS[ALERT], 'package.json')).peerDependencies?.[
        '@alertkit/core'
      ],
    ).toBe('^2.0.0');

    // A fresh resolution of core 2 with alert-failed-logins@^0.1 fails.
    const fresh = mkdtempSync(join(tmpdir(), 'alertkit-installation-'));
    try {
      cpSync(join(installation, '.npmrc'), join(fresh, '.npmrc'));
      writeFileSync(
        join(fresh, 'package.json'),
        JSON.stringify({
          name: 'fresh',
          private: true,
          dependencies: { '@alertkit/core': '^2.0.0', [ALERT]: '^0.1.0' },
        }),
      );
      const conflict = exec(fresh, 'npm', ['install']);
      expect(conflict.status).not.toBe(0);
      expect(conflict.stderr).toContain('ERESOLVE');
      expect(conflict.stderr).toContain(`peer @alertkit/core@"^1.0.0" from ${ALERT}@0.1.1`);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }

    // In an existing installation, npm lets an explicit `npm install @alertkit/core@2` override
    // the peer with only a warning (even with strict-peer-deps) - but the lockfile it writes
    // fails `npm ci`, which is how a committed lockfile is deployed.
    const copy = copyOfInstallation();
    const upgrade = exec(copy, 'npm', ['install', '@alertkit/core@2.0.0']);
    expect(upgrade.status, upgrade.stderr).toBe(0);
    expect(upgrade.stderr).toContain('ERESOLVE overriding peer dependency');
    // The runner then refuses the alert built for core 1 instead of running it on core 2.
    const refused = exec(copy, join(copy, 'node_modules', '.bin', 'alertkit'), [
      'run',
      '--once',
      '--fresh',
      '--now',
      NOW,
    ]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /alert-failed-logins@0\.1\.\d needs @alertkit\/core \^1\.0\.0, but this runner has @alertkit\/core 2\.0\.0/,
    );
    rmSync(join(copy, 'node_modules'), { recursive: true, force: true });
    const deploy = exec(copy, 'npm', ['ci']);
    expect(deploy.status).not.toBe(0);
    expect(deploy.stderr).toContain('ERESOLVE');
  });

  it("published tarballs hold ESM + types, README, CHANGELOG, non-test sources and the web view's page only", () => {
    for (const name of PUBLIC) {
      const spec = name === ALERT ? `${ALERT}@0.1.1` : `${name}@${workspaceVersions()[name]}`;
      const pack = npm('pack', spec, '--dry-run', '--json');
      expect(pack.status, pack.stderr).toBe(0);
      const [tarball] = JSON.parse(pack.stdout) as { size: number; files: { path: string }[] }[];
      const files = (tarball?.files ?? []).map((f) => f.path);
      expect(files, spec).toEqual(
        expect.arrayContaining([
          'package.json',
          'README.md',
          'CHANGELOG.md',
          'dist/index.js',
          'dist/index.d.ts',
        ]),
      );
      const unexpected = files.filter(
        (f) =>
          !/^(package\.json|README\.md|CHANGELOG\.md|dist\/[\w.-]+\.(js|d\.ts)|src\/.+\.(ts|json)|web\/[\w.-]+\.(html|js|css))$/.test(
            f,
          ),
      );
      expect(unexpected, spec).toEqual([]);
      expect(
        files.filter((f) =>
          /\.(test|test-d|testkit|bench)\.ts$|\.map$|(^|\/)(test|bench|__tests__)\//.test(f),
        ),
        spec,
      ).toEqual([]);
      if (name === ALERT) expect(tarball?.size, spec).toBeLessThan(10_000);
    }
    // The alert imports core and query (its peers) instead of bundling them.
    const alertCode = readFileSync(
      join(installation, 'node_modules', ALERT, 'dist', 'index.js'),
      'utf8',
    );
    expect(alertCode).toMatch(/from ["']@alertkit\/core["']/);
    expect(alertCode).toMatch(/from ["']@alertkit\/query["']/);
    expect(alertCode).not.toContain('class AlertkitError');
  });

  it('pnpm release with nothing to release publishes nothing and succeeds', async () => {
    const versions = workspaceVersions();
    const idle = release();
    expect(idle.stdout + idle.stderr).toContain('No unreleased changesets found');
    expect(idle.stdout + idle.stderr).toContain('No unpublished projects to publish');
    expect(workspaceVersions()).toEqual(versions);
    expect(await publishedVersions('@alertkit/core')).toEqual(['1.0.0', '1.1.0', '2.0.0']);
  });
});

/** A copy of the installation, removed at the end. */
function copyOfInstallation(): string {
  const copy = copyInstallation(installation);
  copies.push(copy);
  expect(existsSync(join(copy, 'package-lock.json'))).toBe(true);
  return copy;
}
