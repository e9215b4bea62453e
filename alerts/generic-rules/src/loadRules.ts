import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AlertkitError, type AlertDefinition, type AlertLogger } from '@alertkit/core';
import { parse as parseHjson } from 'hjson';
import { ruleAlert, ruleAlertName, type LoadedRule } from './ruleAlert.js';
import { RULE_KEYS, ruleSchema } from './ruleSchema.js';

/** Rule files: MozDef reads `*.json` (parsed as hjson); `.hjson` is accepted too. */
const RULE_EXTENSIONS = ['.json', '.hjson'];

/** One problem of a rule file: the field (dotted, empty for the file itself) and why. */
export interface RuleIssue {
  field: string;
  reason: string;
}

/** Why a rule file was skipped: its path and the fields at fault. */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  constructor(
    readonly file: string,
    readonly issues: readonly RuleIssue[],
  ) {
    super(
      `${file}: ${issues.map((i) => (i.field === '' ? i.reason : `${i.field}: ${i.reason}`)).join('; ')}`,
    );
  }
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = document;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Reads and validates one rule file: hjson (JSON with comments, unquoted keys and strings,
 * optional commas), then the rule schema. Keys MozDef does not read are reported to `log` as a
 * warning (a typo of an optional key would otherwise be lost silently) and ignored, as MozDef
 * ignores them.
 *
 * @throws RuleFileError naming the file and each field at fault.
 */
export async function readRuleFile(file: string, log?: AlertLogger): Promise<LoadedRule> {
  const ext = extname(file);
  const name = basename(file, ext);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RuleFileError(file, [
      { field: '', reason: `cannot read: ${(cause as Error).message}` },
    ]);
  }
  let raw: unknown;
  try {
    raw = parseHjson(text) as unknown;
  } catch (cause) {
    throw new RuleFileError(file, [
      { field: '', reason: `not valid hjson: ${(cause as Error).message}` },
    ]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RuleFileError(file, [{ field: '', reason: 'a rule file holds one object' }]);
  }
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RuleFileError(
      file,
      parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        reason:
          // A missing key fails every branch of a union: say it is required.
          valueAt(raw, issue.path) === undefined ? 'required' : issue.message,
      })),
    );
  }
  if (ruleAlertName(name) === '') {
    throw new RuleFileError(file, [
      { field: '', reason: 'the file name must contain a letter or digit (it names the rule)' },
    ]);
  }
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.includes(key))
      log?.warn(
        { file, field: key },
        `${file}: ${key}: unknown key, ignored (known: ${RULE_KEYS.join(', ')})`,
      );
  }
  return { name, file, rule: parsed.data };
}

/**
 * The alerts of the rule files in `rulesDir` (sorted by file name, so the order is the same on
 * every machine). A file that does not parse or validate, or whose name gives an alert name
 * already taken, is reported to `log.error` with its path and field (`details: { file, field,
 * issues }`) and skipped; the others load.
 *
 * @throws AlertkitError `CONFIG_INVALID` when `rulesDir` cannot be read as a directory.
 */
export async function loadRuleAlerts(
  rulesDir: string,
  log: AlertLogger,
): Promise<AlertDefinition<unknown>[]> {
  let entries: string[];
  try {
    entries = (await readdir(rulesDir, { withFileTypes: true }))
      .filter((e) => e.isFile() && RULE_EXTENSIONS.includes(extname(e.name)))
      .map((e) => e.name)
      .sort();
  } catch (cause) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `alert set "generic-rules": rulesDir: ${rulesDir} cannot be read as a directory of rule files: ${(cause as Error).message}`,
      { cause, details: { rulesDir } },
    );
  }
  const alerts: AlertDefinition<unknown>[] = [];
  const names = new Map<string, string>();
  for (const entry of entries) {
    const file = join(rulesDir, entry);
    try {
      const loaded = await readRuleFile(file, log);
      const alertName = ruleAlertName(loaded.name);
      const taken = names.get(alertName);
      if (taken !== undefined)
        throw new RuleFileError(file, [
          {
            field: '',
            reason: `its alert name "${alertName}" is taken by ${taken}: rename one of the files`,
          },
        ]);
      alerts.push(ruleAlert(loaded));
      names.set(alertName, file);
    } catch (error) {
      if (!(error instanceof RuleFileError)) throw error;
      log.error(
        { file: error.file, field: error.issues[0]?.field ?? '', issues: error.issues },
        `skipped rule file ${error.message}`,
      );
    }
  }
  return alerts;
}
