import { expandAlertSet, type AlertDefinition, type AlertLogger } from '@alertkit/core';
import { alertSet } from '../src/index.js';

/** What a test's loader logged. */
export interface Logged {
  level: 'warn' | 'error';
  message: string;
  details: Record<string, unknown>;
}

/** A logger that keeps what it is told, for tests. */
export function collectingLog(): AlertLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    warn: (details, message) => lines.push({ level: 'warn', message, details }),
    error: (details, message) => lines.push({ level: 'error', message, details }),
  };
}

/** The set expanded as the runner expands it, with `config` as an installation entry gives it. */
export async function loadSet(
  config: unknown = {},
  baseDir: string = process.cwd(),
): Promise<{ alerts: AlertDefinition<unknown>[]; log: Logged[] }> {
  const log = collectingLog();
  const alerts = await expandAlertSet(alertSet, config, { log, baseDir });
  return { alerts, log: log.lines };
}

/** The alert of one rule, by its alert name. */
export function ruleNamed(alerts: readonly AlertDefinition<unknown>[], name: string) {
  const alert = alerts.find((a) => a.name === name);
  if (!alert) throw new Error(`no alert ${name} among ${alerts.map((a) => a.name).join(', ')}`);
  return alert;
}
