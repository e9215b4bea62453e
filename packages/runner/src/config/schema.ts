import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';

/*
 * The installation file (`alertkit.config.json` / `.yaml`): which alerts run, against which
 * store, delivering to which sinks. Every field carries a description: it is the reference
 * documentation and ends up in the emitted JSON schema (editor completion for YAML/JSON).
 * Paths are relative to the directory of the installation file.
 */

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|w|d|h|m|s)\s*)+$/, 'expected a duration such as "30s", "5m", "1h30m"');

const schedule = z
  .union([
    z.strictObject({ every: duration.describe('Run every so often, e.g. "1m", "15m", "1h".') }),
    z.strictObject({
      cron: z.string().min(1).describe('A 5- or 6-field cron expression (croner), in UTC.'),
    }),
  ])
  .describe('When the alert runs; overrides the schedule the alert package declares.');

/** An npm package name (scoped or not): no path can be smuggled in. */
const NPM_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

const enabledAlert = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .refine((path) => isAbsolute(path) || !normalize(path).split(/[\\/]/).includes('..'), {
        message:
          'a relative path that leaves the installation is refused: install the alert as a package, or give its directory with --alerts',
      })
      .optional()
      .describe(
        'An alert package directory inside the installation (relative to this file), e.g. "alerts/bruteforce-ssh".',
      ),
    package: z
      .string()
      .min(1)
      .regex(NPM_NAME, {
        message:
          'must be an npm package name (e.g. "alert-bruteforce-ssh" or "@acme/alert-x"), resolved in the installation\'s node_modules; a directory goes in `path`',
      })
      .optional()
      .describe('An installed npm package name, e.g. "alert-bruteforce-ssh".'),
    version: z
      .string()
      .min(1)
      .optional()
      .describe('Semver range the installed package must satisfy, e.g. "^1.2.0" (with `package`).'),
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Set to false to keep the entry but not run the alert (also when a directory given with --alerts holds it).',
      ),
    schedule: schedule.optional(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Overrides of the alert's own config (validated by the alert's config schema)."),
    staged: z
      .boolean()
      .default(false)
      .describe(
        'Staged: it runs and its alerts are saved, but they go only to sinks that take staged alerts (RabbitMQ under its stagedRoutingKey), never to live pagers or webhooks.',
      ),
    noiseBudget: z
      .strictObject({ perDay: z.number().int().min(0).describe('Most alerts a day.') })
      .optional()
      .describe(
        "How loud this alert may be (over the alert's own): `alertkit backtest --check` fails on a day over it.",
      ),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "This alert's time limit per run (default the installation's `timeoutMs`): a run over it is stopped, its worker terminated.",
      ),
  })
  .refine((alert) => (alert.path === undefined) !== (alert.package === undefined), {
    message: 'give exactly one of `path` (a directory) or `package` (an npm package name)',
  })
  .refine((alert) => alert.version === undefined || alert.package !== undefined, {
    message: '`version` applies to `package` entries only',
    path: ['version'],
  })
  .describe('An enabled alert.');

const memoryStore = z
  .strictObject({
    type: z.literal('memory'),
    events: z
      .array(z.string().min(1))
      .default([])
      .describe('NDJSON/JSON event files or directories loaded at start.'),
    stateFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Where alerts and event tags persist across restarts; default `<stateDir>/store.json`.',
      ),
    loadThreads: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .describe(
        'Threads that load the events files at start. 2: a worker indexes the second half of a large load (32 MiB and more) while the main thread does the first, ~1.3-1.8x faster on two cores, for ~100-300 MB more at the peak of the load.',
      ),
    codec: z
      .enum(['lz4', 'deflate'])
      .optional()
      .describe(
        "How the events' sources are kept compressed in memory, as Elasticsearch's `index.codec`: `lz4` (its `default`: ~2.5x faster to compress, ~40% larger) or `deflate` (its `best_compression`). Default: `lz4` with loadThreads 2 (no core is left idle for compressing), `deflate` with 1.",
      ),
    indexCache: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A directory (relative to this file) where the load of the events files is cached: the next start over the same files (same paths, sizes and modification times) and mapping reads the indexed events back in seconds instead of indexing them again. Entries take about half the files' size; the newest two are kept. Off by default.",
      ),
  })
  .describe('The embedded engine (default): events in memory, alerts persisted to a local file.');

const basicAuth = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1).describe('Use "${ENV_VAR}" to read it from the environment.'),
});
const apiKeyAuth = z.strictObject({
  apiKey: z.string().min(1).describe('Use "${ENV_VAR}" to read it from the environment.'),
});
const bearerAuth = z.strictObject({
  bearer: z.string().min(1).describe('Use "${ENV_VAR}" to read it from the environment.'),
});

const searchStore = z
  .strictObject({
    type: z.enum(['elasticsearch', 'opensearch']),
    node: z
      .union([z.url(), z.array(z.url()).min(1)])
      .describe('Cluster URL(s), e.g. "http://localhost:9200".'),
    indices: z
      .array(z.string().min(1))
      .min(1)
      .default(['events', 'events-previous'])
      .describe('Indices (or aliases) searched for events.'),
    alertIndex: z.string().min(1).default('alerts').describe('Index alerts are written to.'),
    stateIndex: z
      .string()
      .min(1)
      .default('alertkit-state')
      .describe("Index alerts keep their state in (e.g. geomodel's localities)."),
    auth: z
      .union([basicAuth, apiKeyAuth, bearerAuth])
      .optional()
      .describe('Credentials (from the environment).'),
    requestTimeoutMs: z.number().int().positive().default(30_000).describe('Per-request timeout.'),
  })
  .describe('An Elasticsearch 7.14+/8.x or OpenSearch 1-3 cluster.');

const sinkName = z
  .string()
  .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
  .optional()
  .describe(
    'Stable name of this sink in the delivery outbox; default its type (then type#2, ...).',
  );

/** Which alerts a sink receives: those of live alerts, of staged alerts, or both. */
const deliver = (fallback: 'live' | 'all') =>
  z
    .enum(['live', 'staged', 'all'])
    .default(fallback)
    .describe(
      `Which alerts it receives: "live" (of live alerts), "staged" (of alerts marked staged), or "all"; default "${fallback}".`,
    );

const rabbitmqSink = z
  .strictObject({
    type: z.literal('rabbitmq'),
    name: sinkName,
    url: z
      .string()
      .regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL')
      .describe('Broker URL.'),
    exchange: z
      .string()
      .min(1)
      .default('alerts')
      .describe("Topic exchange (MozDef's `alerts`), declared durable."),
    routingKey: z
      .string()
      .min(1)
      .default('mozdef.alert')
      .describe("Routing key (MozDef's `mozdef.alert`)."),
    stagedRoutingKey: z
      .string()
      .min(1)
      .default('mozdef.alert.staged')
      .describe('Routing key of the alerts of staged alerts (never the live routing key).'),
    deliver: deliver('all'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Connect and publisher-confirm timeout: a dead broker fails fast.'),
  })
  .describe('Publishes each alert as MozDef does: {_id, _index, _source}, persistent, confirmed.');

const webhookSink = z
  .strictObject({
    type: z.literal('webhook'),
    name: sinkName,
    deliver: deliver('live'),
    url: z.url().describe('Endpoint receiving a JSON POST of {_id, _index, _source}.'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra request headers (e.g. Authorization).'),
    retries: z.number().int().min(0).default(3).describe('Retries after the first attempt.'),
    backoffMs: z
      .number()
      .int()
      .min(0)
      .default(500)
      .describe('First retry delay; doubles on each retry.'),
    timeoutMs: z.number().int().positive().default(10_000).describe('Per-request timeout.'),
  })
  .describe('HTTP POST with retries and an Idempotency-Key header (the alert _id).');

const stdoutSink = z
  .strictObject({
    type: z.literal('stdout'),
    name: sinkName,
    deliver: deliver('live'),
    format: z
      .enum(['ndjson', 'table'])
      .default('ndjson')
      .describe('One JSON object per line, or a readable line.'),
  })
  .describe('Writes alerts to standard output.');

const fileSink = z
  .strictObject({
    type: z.literal('file'),
    name: sinkName,
    deliver: deliver('live'),
    path: z.string().min(1).describe('NDJSON file alerts are appended to.'),
  })
  .describe('Appends alerts to an NDJSON file.');

/** Any sink entry of the installation file. */
export const sinkConfigSchema = z.discriminatedUnion('type', [
  rabbitmqSink,
  webhookSink,
  stdoutSink,
  fileSink,
]);

/** One `actions` entry: an action module and its config. */
const actionEntry = z
  .strictObject({
    action: z
      .string()
      .min(1)
      .describe(
        'An installed package (subpath) default-exporting an action, e.g. @alertkit/actions/block-ip, or a path (relative to this file) of an ES module.',
      ),
    config: z
      .unknown()
      .optional()
      .describe("The action's config, validated by the action's own schema."),
    enabled: z.boolean().default(true),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Time limit of one call; a call still running is aborted and abandoned.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe('Calls before the outcome is recorded as failed (default 3), with backoff.'),
  })
  .describe('An alert action and its configuration.');

/** One entry of `plugins`: the plugin, or the plugin with its config and time limit. */
const pluginEntry = z.union([
  z.string().min(1),
  z
    .strictObject({
      plugin: z
        .string()
        .min(1)
        .describe('A path (relative to this file) of an ES module, a package or a package export.'),
      config: z
        .unknown()
        .optional()
        .describe("The plugin's config, checked against the schema the plugin declares."),
      timeoutMs: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          'Longest the plugin may take on one alert (default: what the plugin says, else 5000); after it the alert goes on without its change.',
        ),
    })
    .describe('A plugin with its config.'),
]);

/** One entry of the installation file's `plugins`. */
export type PluginEntry = z.output<typeof pluginEntry>;

/** The installation file's schema (input: what users write; output: with defaults filled in). */
export const installationConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON schema, for editors.'),
    alerts: z.array(enabledAlert).default([]).describe('The alerts this installation runs.'),
    store: z
      .discriminatedUnion('type', [memoryStore, searchStore])
      .default({ type: 'memory', events: [], loadThreads: 1 })
      .describe('Where events are searched and alerts are saved.'),
    sinks: z
      .array(sinkConfigSchema)
      .default([])
      .describe('Where alerts are delivered, after they are saved.'),
    plugins: z
      .array(pluginEntry)
      .default([])
      .describe(
        'Alert enrichment plugins, in order: each a path (relative to this file) of an ES module, an installed package name or a package export (e.g. "@alertkit/mozdef-plugins/ipaddr"), or { plugin, config, timeoutMs } to configure it.',
      ),
    actions: z
      .array(actionEntry)
      .default([])
      .describe(
        'Alert actions run after an alert is saved (at most once per alert, journalled in stateDir), e.g. {"action": "@alertkit/actions/pagerduty", "config": {...}}.',
      ),
    stateDir: z
      .string()
      .min(1)
      .default('.alertkit')
      .describe(
        'Directory for local state: the delivery outbox, checkpoints, the memory store file.',
      ),
    catchUp: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe('Most missed schedule ticks an alert evaluates after downtime (oldest first).'),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe(
        'Longest a single alert run may take: each alert runs in a worker thread that is stopped at this limit (synchronous endless loops included), logged, and its tick retried next cycle.',
      ),
    log: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      })
      .default({ level: 'info' })
      .describe('Logging (JSON lines on stderr; secrets are redacted).'),
  })
  .describe('alertkit installation file: enabled alerts, store, sinks.');

/** What users write in the installation file. */
export type InstallationConfigInput = z.input<typeof installationConfigSchema>;
/** A validated installation config with defaults filled in (paths still as written). */
export type ParsedInstallationConfig = z.output<typeof installationConfigSchema>;
/** One sink entry, validated. */
export type SinkConfig = z.output<typeof sinkConfigSchema>;
/** One `alerts` entry, validated. */
export type EnabledAlertConfig = ParsedInstallationConfig['alerts'][number];
/** One `actions` entry, validated. */
export type ActionEntryConfig = ParsedInstallationConfig['actions'][number];
/** The `store` entry, validated. */
export type StoreConfig = ParsedInstallationConfig['store'];

/** The JSON schema of the installation file (for editors: `"$schema"` in JSON, a modeline in YAML). */
export function installationConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(installationConfigSchema, { io: 'input', unrepresentable: 'any' });
}
