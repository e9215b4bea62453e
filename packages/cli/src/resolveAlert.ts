import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AlertkitError, type AlertLogger } from '@alertkit/core';
import {
  findInstalledPackage,
  loadAlertPackage,
  loadAlertPackages,
  loadInstallationConfig,
  type LoadedAlert,
} from '@alertkit/runner';
import type { Io } from './io.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The directory of an alert package named on the command line: a package directory (relative
 * or absolute, e.g. `alerts/bruteforce-ssh`) or a package name (`alert-bruteforce-ssh`), looked
 * up in the workspace's `alerts/` folder and then in `node_modules` from the current directory.
 */
export async function resolveAlertDir(spec: string, cwd: string = process.cwd()): Promise<string> {
  const asPath = resolve(cwd, spec);
  if (await isDirectory(asPath)) return asPath;
  const workspaceDir = join(cwd, 'alerts', spec.replace(/^alert-/, ''));
  if (spec.startsWith('alert-') && (await isDirectory(workspaceDir))) return workspaceDir;
  const installed = await findInstalledPackage(spec, cwd);
  if (installed) return installed;
  throw new AlertkitError(
    'ALERT_INVALID',
    `no alert "${spec}": not a directory, not in alerts/, and not an installed package (npm install ${spec})`,
  );
}

/** Loads an alert named on the command line (see {@link resolveAlertDir}) from its built entry. */
export async function resolveAlert(
  spec: string,
  cwd: string = process.cwd(),
): Promise<LoadedAlert> {
  return loadAlertPackage(await resolveAlertDir(spec, cwd));
}

/** The config an installation file's entry gives the package in `dir` (by path or package name). */
export async function entryConfig(
  file: string,
  where: Pick<LoadedAlert, 'dir' | 'packageName'>,
): Promise<unknown> {
  const { config } = await loadInstallationConfig({ file });
  const entry = config.alerts.find(
    (a) =>
      (a.path !== undefined && resolve(a.path) === where.dir) || a.package === where.packageName,
  );
  return entry?.config ?? {};
}

/** What an alert set skips goes to stderr, naming the set, with the file and field in the message. */
export function cliAlertLogger(io: Io, onError?: (message: string) => void): AlertLogger {
  return {
    warn: (_details, message) => io.err(`warning: ${message}\n`),
    error: (_details, message) => {
      if (onError) onError(message);
      else io.err(`error: ${message}\n`);
    },
  };
}

/**
 * The alerts of the package named on the command line: its alert, or every alert of its alert
 * set, expanded with the config the installation file (`configFile`) gives its entry, relative
 * paths resolved from that file's directory. `config` is what each alert then runs with: the
 * entry's config for a plain alert, none for the alerts of a set (the set consumed it).
 */
export async function resolveAlerts(
  spec: string,
  options: { configFile?: string | undefined; log: AlertLogger },
  cwd: string = process.cwd(),
): Promise<{ alerts: LoadedAlert[]; config: unknown }> {
  const dir = await resolveAlertDir(spec, cwd);
  let packageName = dir;
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      name?: string;
    };
    packageName = manifest.name ?? dir;
  } catch {
    // loadAlertPackages reports an unreadable package.json with its path
  }
  const config =
    options.configFile !== undefined
      ? await entryConfig(options.configFile, { dir, packageName })
      : undefined;
  const alerts = await loadAlertPackages(dir, {
    log: options.log,
    baseDir: options.configFile !== undefined ? dirname(resolve(options.configFile)) : cwd,
    ...(config !== undefined ? { config } : {}),
  });
  return { alerts, config: alerts.some((a) => a.set !== undefined) ? undefined : config };
}
