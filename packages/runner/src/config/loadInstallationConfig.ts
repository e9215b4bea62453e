import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AlertkitError } from '@alertkit/core';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatKeyPath, interpolateEnv, type KeyPath } from './interpolateEnv.js';
import { collectSecrets, registerSecrets } from './redact.js';
import {
  installationConfigSchema,
  type InstallationConfigInput,
  type ParsedInstallationConfig,
  type StoreConfig,
} from './schema.js';

/** The file names looked for, in this order, when no installation file is named. */
export const CONFIG_FILE_NAMES = [
  'alertkit.config.ts',
  'alertkit.config.mjs',
  'alertkit.config.js',
  'alertkit.config.json',
  'alertkit.config.yaml',
  'alertkit.config.yml',
] as const;

/** The memory store with its state file resolved. */
export type MemoryStoreConfig = Extract<StoreConfig, { type: 'memory' }> & { stateFile: string };
/** The Elasticsearch/OpenSearch store. */
export type SearchStoreConfig = Extract<StoreConfig, { type: 'elasticsearch' | 'opensearch' }>;

/** A validated installation: defaults filled in, environment references substituted, paths absolute. */
export type InstallationConfig = Omit<ParsedInstallationConfig, '$schema' | 'store'> & {
  store: MemoryStoreConfig | SearchStoreConfig;
};

/** What {@link loadInstallationConfig} returns. */
export interface LoadedInstallationConfig {
  config: InstallationConfig;
  /** The installation file read, absolute; undefined when none was found (all defaults). */
  file: string | undefined;
  /** Secret values found in the config, for the logger's {@link Redactor}. */
  secrets: string[];
}

/** Options of {@link loadInstallationConfig}. */
export interface LoadInstallationConfigOptions {
  /** The installation file; when absent, the first of {@link CONFIG_FILE_NAMES} found in `cwd`. */
  file?: string;
  /** Default `process.cwd()`. */
  cwd?: string;
  /** Where `${VAR}` references are looked up; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Typed identity for `alertkit.config.ts`/`.js`: `export default defineInstallationConfig({...})`. */
export function defineInstallationConfig(config: InstallationConfigInput): InstallationConfigInput {
  return config;
}

/** The first installation file in `dir`, or undefined. */
export async function findInstallationConfig(dir: string): Promise<string | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/**
 * Reads, validates and resolves the installation file. Errors are `CONFIG_INVALID` and name the
 * file, the key path (and for YAML/JSON the line) and the reason.
 */
export async function loadInstallationConfig(
  options: LoadInstallationConfigOptions = {},
): Promise<LoadedInstallationConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file =
    options.file === undefined ? await findInstallationConfig(cwd) : resolve(cwd, options.file);
  if (file === undefined)
    return {
      ...resolveConfig(installationConfigSchema.parse({}), cwd, new Set()),
      file: undefined,
    };

  const extension = extname(file).toLowerCase();
  if (extension === '.json' || extension === '.yaml' || extension === '.yml') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw configError(
        file,
        [],
        `cannot read the installation file: ${(cause as Error).message}`,
        undefined,
        cause,
      );
    }
    return { ...parseInstallationConfig(text, { file, env }), file };
  }
  if (extension === '.ts' || extension === '.mts' || extension === '.js' || extension === '.mjs') {
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (cause) {
      const hint = extension.endsWith('ts')
        ? ' (Node 20 cannot import TypeScript: use .json/.yaml or a compiled .js)'
        : '';
      throw configError(
        file,
        [],
        `cannot load the installation file${hint}: ${(cause as Error).message}`,
        undefined,
        cause,
      );
    }
    const substituted = new Set<string>();
    const raw = interpolateEnv(module.default, env, file, [], substituted);
    return { ...validate(raw, file, undefined, substituted), file };
  }
  throw configError(
    file,
    [],
    `unsupported installation file type "${extension}" (use ${CONFIG_FILE_NAMES.join(', ')})`,
  );
}

/** Parses installation text (`format` from the file extension when absent). Paths resolve against the file's directory. */
export function parseInstallationConfig(
  text: string,
  options: {
    file: string;
    format?: 'json' | 'yaml';
    env?: Readonly<Record<string, string | undefined>>;
  },
): Omit<LoadedInstallationConfig, 'file'> {
  const { file } = options;
  const format = options.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = JSON.parse(text) as unknown;
    } catch (cause) {
      // Node 20's JSON.parse names no position; the YAML parser (JSON is YAML) usually finds it.
      const position =
        /position (\d+)/.exec((cause as Error).message)?.[1] ?? document.errors[0]?.pos[0];
      const line = position === undefined ? undefined : lines.linePos(Number(position)).line;
      throw configError(file, [], `not valid JSON: ${(cause as Error).message}`, line, cause);
    }
  } else {
    const [first] = document.errors;
    if (first !== undefined) {
      throw configError(
        file,
        [],
        `not valid YAML: ${first.message.split('\n')[0] ?? ''}`,
        lines.linePos(first.pos[0]).line,
      );
    }
    raw = document.toJS() as unknown;
  }
  const locate = (path: KeyPath): number | undefined => lineOf(document, lines, path);
  let interpolated: unknown;
  const substituted = new Set<string>();
  try {
    interpolated = interpolateEnv(raw ?? {}, options.env ?? process.env, file, [], substituted);
  } catch (error) {
    const keyPath = (error as { details?: { keyPath?: KeyPath } }).details?.keyPath;
    throw addLine(error, keyPath === undefined ? undefined : locate(keyPath));
  }
  return validate(interpolated, file, locate, substituted);
}

function validate(
  raw: unknown,
  file: string,
  locate: ((path: KeyPath) => number | undefined) | undefined,
  substituted: ReadonlySet<string>,
): Omit<LoadedInstallationConfig, 'file'> {
  const result = installationConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(issue));
    const [first] = problems;
    const line = first === undefined ? undefined : locate?.(first.path);
    const lines = problems.map((p) => `${formatKeyPath(p.path)}: ${p.reason}`);
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${file}${line === undefined ? '' : `:${line}`}: ${lines.join('; ')}`,
      {
        details: {
          file,
          ...(line === undefined ? {} : { line }),
          path: first === undefined ? '' : formatKeyPath(first.path),
          reason: first?.reason ?? '',
          issues: problems.map((p) => ({
            path: formatKeyPath(p.path),
            reason: p.reason,
            line: locate?.(p.path),
          })),
        },
      },
    );
  }
  return resolveConfig(result.data, dirname(file), substituted);
}

/**
 * The key path and a readable reason of one zod issue (unknown keys point at the key itself).
 * Also used for plugin configs, whose paths are then prefixed with the entry's.
 */
export function describeIssue(issue: z.core.$ZodIssue): { path: KeyPath; reason: string } {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    return {
      path: key === undefined ? path : [...path, key],
      reason: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    };
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const options =
      'options' in issue
        ? issue.options?.map((option) => JSON.stringify(option)).join(', ')
        : undefined;
    const at =
      path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
    return {
      path: at,
      reason: options === undefined ? issue.message : `expected one of ${options}`,
    };
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // No branch matched: report the branch that came closest (fewest problems), as that is
    // most likely the one the user meant.
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]?.[0];
    if (closest !== undefined) {
      const inner = describeIssue(closest);
      return { path: [...path, ...inner.path], reason: inner.reason };
    }
  }
  return { path, reason: issue.message };
}

function resolveConfig(
  parsed: ParsedInstallationConfig,
  baseDir: string,
  substituted: ReadonlySet<string>,
): Omit<LoadedInstallationConfig, 'file'> {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const { $schema: _schema, ...rest } = parsed;
  const stateDir = at(parsed.stateDir);
  const store: InstallationConfig['store'] =
    parsed.store.type === 'memory'
      ? {
          ...parsed.store,
          events: parsed.store.events.map(at),
          stateFile: at(parsed.store.stateFile ?? join(stateDir, 'store.json')),
          ...(parsed.store.indexCache !== undefined
            ? { indexCache: at(parsed.store.indexCache) }
            : {}),
        }
      : parsed.store;
  const config: InstallationConfig = {
    ...rest,
    stateDir,
    store,
    alerts: parsed.alerts.map((alert) =>
      alert.path === undefined ? alert : { ...alert, path: at(alert.path) },
    ),
    sinks: parsed.sinks.map((sink) =>
      sink.type === 'file' ? { ...sink, path: at(sink.path) } : sink,
    ),
  };
  // Every value that came from the environment is a secret too, wherever it ends up (a token in
  // a query string is no key named "token").
  const secrets = [...new Set([...collectSecrets(config), ...substituted])];
  // Registered with the process's one redaction point at once: nothing leaves unredacted.
  registerSecrets(secrets);
  return { config, secrets };
}

/** The 1-based line of the node at `path`, or of its nearest existing ancestor. */
function lineOf(document: Document, lines: LineCounter, path: KeyPath): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown =
      depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function addLine(error: unknown, line: number | undefined): unknown {
  if (line === undefined || !(error instanceof AlertkitError)) return error;
  const file = typeof error.details?.['file'] === 'string' ? error.details['file'] : '';
  return new AlertkitError(error.code, error.message.replace(`${file}: `, `${file}:${line}: `), {
    cause: error.cause,
    details: { ...error.details, line },
  });
}

function configError(
  file: string,
  path: KeyPath,
  reason: string,
  line?: number,
  cause?: unknown,
): AlertkitError {
  const where = path.length === 0 ? '' : `${formatKeyPath(path)}: `;
  return new AlertkitError(
    'CONFIG_INVALID',
    `${file}${line === undefined ? '' : `:${line}`}: ${where}${reason}`,
    {
      cause,
      details: { file, path: formatKeyPath(path), reason, ...(line === undefined ? {} : { line }) },
    },
  );
}
