import { dirname } from 'node:path';
import { checkActions, loadInstallationConfig, type CheckedAction } from '@alertkit/runner';
import { formatTable } from '../io.js';

/** The installation's `actions` entries, loaded and checked; none without `--config`. */
export async function installationActions(
  configFile: string | undefined,
): Promise<CheckedAction[]> {
  if (configFile === undefined) return [];
  const loaded = await loadInstallationConfig({ file: configFile });
  return checkActions(loaded.config.actions, loaded.file ? dirname(loaded.file) : process.cwd());
}

/** `alertkit list`'s actions table: name, module, priority, what it registers on. */
export function formatActions(actions: readonly CheckedAction[]): string {
  const rows = [['ACTION', 'MODULE', 'PRIORITY', 'REGISTERS ON', 'STATE']];
  for (const checked of actions) {
    const configured = checked.configured;
    rows.push([
      configured?.action.name ?? '?',
      checked.spec,
      configured ? String(configured.priority) : '-',
      configured ? configured.registration.join(', ') : '-',
      checked.error ? 'invalid (alertkit validate)' : checked.enabled ? 'enabled' : 'disabled',
    ]);
  }
  return formatTable(rows);
}

/** `alertkit validate`'s lines for the actions; returns how many failed. */
export function validateActions(
  actions: readonly CheckedAction[],
  out: (text: string) => void,
): number {
  let failed = 0;
  for (const checked of actions) {
    if (checked.error) {
      // A disabled entry is checked too, so enabling it later holds no surprise.
      failed++;
      out(`FAIL  ${checked.error.message}\n`);
      continue;
    }
    const configured = checked.configured;
    if (!configured) continue;
    out(
      `ok    action ${configured.action.name} (${checked.spec})${checked.enabled ? '' : ' [disabled]'}, priority ${configured.priority}, registers on ${configured.registration.join(', ')}, ${configured.maxAttempts} attempts of ${configured.timeoutMs} ms\n`,
    );
  }
  return failed;
}
