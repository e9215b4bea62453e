import { AlertkitError } from '@alertkit/core';

/** A key path into a config tree, e.g. `['sinks', 0, 'url']`. */
export type KeyPath = readonly (string | number)[];

/** Formats a key path the way users read it: `sinks[0].url`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** `${NAME}` (substituted) or `$${...}` (a literal `${...}`). */
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${ENV_VAR}` references in every string of a parsed config with the variable's
 * value, so secrets live in the environment, not in the file. `$${X}` stays a literal `${X}`.
 * A reference to an unset variable is an error naming the key and the variable (an empty
 * password silently sent to a broker is worse than a refusal to start).
 *
 * @param source - the installation file, for error messages.
 */
export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  source: string,
  path: KeyPath = [],
  /** Collects every value substituted: they are secrets wherever they end up. */
  substituted?: Set<string>,
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, escaped: string, name: string) => {
      if (escaped === '$') return `\${${name}}`;
      if (!ENV_NAME.test(name)) {
        throw new AlertkitError(
          'CONFIG_INVALID',
          `${source}: ${formatKeyPath(path)}: "\${${name}}" is not a valid environment variable reference`,
          {
            details: {
              file: source,
              path: formatKeyPath(path),
              keyPath: [...path],
              reason: 'bad environment reference',
            },
          },
        );
      }
      const resolved = env[name];
      if (resolved === undefined) {
        throw new AlertkitError(
          'CONFIG_INVALID',
          `${source}: ${formatKeyPath(path)}: environment variable ${name} is not set`,
          {
            details: {
              file: source,
              path: formatKeyPath(path),
              keyPath: [...path],
              reason: `environment variable ${name} is not set`,
              variable: name,
            },
          },
        );
      }
      substituted?.add(resolved);
      return resolved;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) =>
      interpolateEnv(item, env, source, [...path, index], substituted),
    );
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = interpolateEnv(item, env, source, [...path, key], substituted);
    return out;
  }
  return value;
}
