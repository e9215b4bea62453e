import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AlertkitError } from '@alertkit/core';
import { findInstalledPackage, loadAlertPackage, type LoadedAlert } from '@alertkit/runner';

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
