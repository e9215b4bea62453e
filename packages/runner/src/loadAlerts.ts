import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { pathToFileURL } from 'node:url';
import { AlertkitError, isAlertDefinition, type AlertDefinition } from '@alertkit/core';

/** An alert package found on disk. */
export interface LoadedAlert {
  /** The package name, e.g. `alert-bruteforce-ssh`. */
  packageName: string;
  version: string;
  /** The package directory. */
  dir: string;
  /** The module file the alert was imported from (its built entry). */
  entry: string;
  alert: AlertDefinition<unknown>;
}

interface PackageJson {
  name?: string;
  version?: string;
  peerDependencies?: Record<string, string>;
  exports?: string | Record<string, unknown>;
  main?: string;
}

/** The version of `@alertkit/core` this runner runs alerts with. */
export const CORE_VERSION: string = (
  createRequire(import.meta.url)('@alertkit/core/package.json') as { version: string }
).version;

/**
 * Refuses an alert built for another major of core: its `@alertkit/core` peer range must hold
 * the core the runner has. npm only warns about a broken peer range in some cases, so the
 * runner checks it itself instead of silently running an alert on the wrong core.
 */
function checkCorePeer(pkg: PackageJson, where: string, coreVersion: string): void {
  const range = pkg.peerDependencies?.['@alertkit/core'];
  if (range === undefined || range.startsWith('workspace:')) return;
  if (!semver.satisfies(coreVersion, range, { includePrerelease: true })) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${where}@${pkg.version ?? '?'} needs @alertkit/core ${range}, but this runner has @alertkit/core ${coreVersion}: install a version of the alert built for it`,
      { details: { alert: where, range, coreVersion } },
    );
  }
}

/** The file a package's `.` export points at for plain Node (the `default` condition). */
function entryOf(pkg: PackageJson, subpath = '.'): string {
  const root =
    typeof pkg.exports === 'object'
      ? pkg.exports[subpath]
      : subpath === '.'
        ? pkg.exports
        : undefined;
  if (typeof root === 'string') return root;
  if (root && typeof root === 'object') {
    const target =
      (root as Record<string, unknown>)['import'] ?? (root as Record<string, unknown>)['default'];
    if (typeof target === 'string') return target;
  }
  if (subpath !== '.')
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${pkg.name ?? 'the package'} exports no "${subpath}" (see its package.json "exports")`,
    );
  return pkg.main ?? 'index.js';
}

/**
 * Loads the alert package in `dir` (its built entry) and checks that it exports an alert made
 * by `defineAlert` as `alert`.
 */
export async function loadAlertPackage(
  dir: string,
  coreVersion: string = CORE_VERSION,
): Promise<LoadedAlert> {
  const packageDir = resolve(dir);
  const manifestPath = join(packageDir, 'package.json');
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(await readFile(manifestPath, 'utf8')) as PackageJson;
  } catch (cause) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${manifestPath}: cannot read the alert's package.json`,
      { cause },
    );
  }
  checkCorePeer(pkg, pkg.name ?? packageDir, coreVersion);
  const entry = join(packageDir, entryOf(pkg));
  try {
    await stat(entry);
  } catch (cause) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${pkg.name ?? packageDir}: ${entry} does not exist (run \`pnpm build\` first)`,
      { cause },
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${pkg.name ?? packageDir}: loading ${entry} failed: ${(cause as Error).message}`,
      { cause },
    );
  }
  const alert = module['alert'] ?? module['default'];
  if (!isAlertDefinition(alert)) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${pkg.name ?? packageDir}: ${entry} does not export an alert made by defineAlert as \`alert\``,
    );
  }
  return {
    packageName: pkg.name ?? packageDir,
    version: pkg.version ?? '0.0.0',
    dir: packageDir,
    entry,
    alert,
  };
}

/** Every alert package directly under `alertsDir` (each sub-directory with a package.json), sorted by name. */
export async function loadAlertsDirectory(alertsDir: string): Promise<LoadedAlert[]> {
  const entries = await readdir(alertsDir, { withFileTypes: true });
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const candidate = join(alertsDir, entry.name);
    try {
      await stat(join(candidate, 'package.json'));
      dirs.push(candidate);
    } catch {
      // not a package
    }
  }
  dirs.sort();
  return Promise.all(dirs.map((dir) => loadAlertPackage(dir)));
}

/**
 * The directory of an installed package, found as Node finds it (`node_modules/<name>` in
 * `fromDir` or any directory above it), without relying on the package exporting
 * `./package.json`. Undefined when it is not installed.
 */
export async function findInstalledPackage(
  name: string,
  fromDir: string,
): Promise<string | undefined> {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    try {
      await stat(join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not here: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The file an installed package's export (`.` by default, or a subpath such as `./ipaddr`)
 * points at for plain Node.
 */
export async function packageEntry(packageDir: string, subpath = '.'): Promise<string> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as PackageJson;
  return join(packageDir, entryOf(pkg, subpath));
}
