import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { pathToFileURL } from 'node:url';
import {
  AlertkitError,
  expandAlertSet,
  isAlertDefinition,
  isAlertSetDefinition,
  stderrAlertLogger,
  type AlertDefinition,
  type AlertLogger,
  type AlertSetDefinition,
} from '@alertkit/core';

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
  /**
   * The alert set (`defineAlertSet`) the alert was expanded from, when the package exports a
   * set: the module does not export the alert itself, and the installation entry's `config` was
   * the set's, consumed at load time.
   */
  set?: string;
}

/** Options of {@link loadAlertPackages} and {@link loadAlertsDirectory}. */
export interface LoadAlertsOptions {
  /** The installation entry's `config`: an alert set's config (an alert's is applied at run time). */
  config?: unknown;
  /** What relative paths in an alert set's config are relative to; default the current directory. */
  baseDir?: string;
  /** Where an alert set reports what it skipped (a bad rule file); default stderr. */
  log?: AlertLogger;
  /** The core version to check the package's peer range against; default this runner's. */
  coreVersion?: string;
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

/** A package's manifest and the module its `.` export points at, imported. */
interface ImportedPackage {
  packageName: string;
  version: string;
  dir: string;
  entry: string;
  module: Record<string, unknown>;
}

async function importAlertModule(dir: string, coreVersion: string): Promise<ImportedPackage> {
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
  return {
    packageName: pkg.name ?? packageDir,
    version: pkg.version ?? '0.0.0',
    dir: packageDir,
    entry,
    module,
  };
}

function locationOf(imported: ImportedPackage): Omit<LoadedAlert, 'alert'> {
  const { packageName, version, dir, entry } = imported;
  return { packageName, version, dir, entry };
}

/** The alert (`alert` or default export) or alert set (`alertSet` or default export) of a module. */
function exportedAlertOrSet(
  imported: ImportedPackage,
): AlertDefinition<unknown> | AlertSetDefinition<unknown> {
  const { module } = imported;
  for (const candidate of [module['alert'], module['alertSet'], module['default']]) {
    if (isAlertDefinition(candidate) || isAlertSetDefinition(candidate)) return candidate;
  }
  throw new AlertkitError(
    'ALERT_INVALID',
    `${imported.packageName}: ${imported.entry} does not export an alert made by defineAlert as \`alert\` (or an alert set made by defineAlertSet as \`alertSet\`)`,
  );
}

/**
 * Loads the alert package in `dir` (its built entry) and checks that it exports an alert made
 * by `defineAlert` as `alert`. A package exporting an alert set is refused here: load it with
 * {@link loadAlertPackages}.
 */
export async function loadAlertPackage(
  dir: string,
  coreVersion: string = CORE_VERSION,
): Promise<LoadedAlert> {
  const imported = await importAlertModule(dir, coreVersion);
  const exported = exportedAlertOrSet(imported);
  if (!isAlertDefinition(exported)) {
    throw new AlertkitError(
      'ALERT_INVALID',
      `${imported.packageName}: exports the alert set "${exported.name}", which expands into several alerts: load it as a set`,
    );
  }
  return { ...locationOf(imported), alert: exported };
}

/**
 * Loads the alerts of the package in `dir`: its alert, or every alert its alert set expands
 * into with `options.config` (once, now). An alert set reports what it skips (a bad rule file,
 * with its path and field) to `options.log` and loads the rest.
 */
export async function loadAlertPackages(
  dir: string,
  options: LoadAlertsOptions = {},
): Promise<LoadedAlert[]> {
  const imported = await importAlertModule(dir, options.coreVersion ?? CORE_VERSION);
  const exported = exportedAlertOrSet(imported);
  const where = locationOf(imported);
  if (isAlertDefinition(exported)) return [{ ...where, alert: exported }];
  const alerts = await expandAlertSet(exported, options.config, {
    log: options.log ?? stderrAlertLogger(exported.name),
    baseDir: options.baseDir ?? process.cwd(),
  });
  return alerts.map((alert) => ({ ...where, alert, set: exported.name }));
}

/**
 * The alerts of every package directly under `alertsDir` (each sub-directory with a
 * package.json), sorted by package directory; alert sets expand with their default config.
 */
export async function loadAlertsDirectory(
  alertsDir: string,
  options: Omit<LoadAlertsOptions, 'config'> = {},
): Promise<LoadedAlert[]> {
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
  return (await Promise.all(dirs.map((dir) => loadAlertPackages(dir, options)))).flat();
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
