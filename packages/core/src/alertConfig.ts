import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { AlertDefinition } from './defineAlert.js';
import { AlertkitError } from './errors.js';

/** One problem found in an alert's config. */
export interface ConfigIssue {
  /** Dotted key path (`localities.0.radius`), empty for the config object itself. */
  path: string;
  /** Why the value is not valid. */
  reason: string;
}

/**
 * The alert's config for a run: the installation's `overrides` (the alert's object from a
 * JSON/YAML config file; the runner reads the file) validated against the alert's schema, with
 * the schema's defaults for everything not overridden. Keys the schema does not know are
 * rejected (a typo must not silently fall back to a default). An alert without a schema takes no
 * config: its config is `{}` and any override key is unknown.
 *
 * @throws AlertkitError `CONFIG_INVALID` naming the alert, each key path and the reason;
 *   `details.issues` lists them as {@link ConfigIssue}s.
 */
export function resolveAlertConfig<TConfig>(
  alert: Pick<AlertDefinition<TConfig>, 'name' | 'config'>,
  overrides: unknown = {},
): TConfig {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw configError(alert.name, [
      { path: '', reason: `the config must be an object, got ${describe(overrides)}` },
    ]);
  }
  if (alert.config === undefined) {
    const unknown = Object.keys(overrides).map((key) => ({
      path: key,
      reason: 'unknown key (this alert takes no config)',
    }));
    if (unknown.length > 0) throw configError(alert.name, unknown);
    return {} as TConfig;
  }
  const result = alert.config['~standard'].validate(overrides);
  if (result instanceof Promise) {
    throw configError(alert.name, [
      { path: '', reason: 'the config schema validates asynchronously; use a synchronous schema' },
    ]);
  }
  if (result.issues !== undefined) {
    throw configError(
      alert.name,
      result.issues.map((issue) => ({ path: pathOf(issue), reason: issue.message })),
    );
  }
  // Schemas that strip unknown keys (zod's default) leave them out of the output: compare.
  const unknown = unknownKeys(overrides, result.value, '');
  if (unknown.length > 0)
    throw configError(
      alert.name,
      unknown.map((path) => ({ path, reason: 'unknown key' })),
    );
  return result.value;
}

function configError(alert: string, issues: ConfigIssue[]): AlertkitError {
  const lines = issues.map(
    (issue) => `${issue.path === '' ? '(config)' : issue.path}: ${issue.reason}`,
  );
  return new AlertkitError(
    'CONFIG_INVALID',
    `alert "${alert}": invalid config: ${lines.join('; ')}`,
    {
      details: { alert, issues },
    },
  );
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Key paths present in `input` but absent from the validated `output`, recursing into objects and arrays. */
function unknownKeys(input: unknown, output: unknown, prefix: string): string[] {
  const found: string[] = [];
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((item, index) =>
      found.push(...unknownKeys(item, output[index], `${prefix}${index}.`)),
    );
  } else if (isPlainObject(input) && isPlainObject(output)) {
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(output, key)) found.push(prefix + key);
      else found.push(...unknownKeys(input[key], output[key], `${prefix}${key}.`));
    }
  }
  return found;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
