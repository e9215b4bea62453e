/**
 * @alertkit/runner: runs alertkit alerts against a store and delivers what they raise.
 */
export {
  CORE_VERSION,
  findInstalledPackage,
  loadAlertPackage,
  loadAlertPackages,
  loadAlertsDirectory,
} from './loadAlerts.js';
export type { LoadAlertsOptions, LoadedAlert } from './loadAlerts.js';
export { DEFAULT_MAX_EVENT_BYTES, readEvents, readEventsFile } from './readEvents.js';
export type { EventProblem, IngestTarget, ReadEventsOptions, RejectedEvent } from './readEvents.js';
export { PARALLEL_MIN_BYTES, ingestEventFiles } from './ingestEvents.js';
export type { IngestEventFilesOptions } from './ingestEvents.js';
export { createTicker, ticksBetween } from './schedule.js';
export type { Ticker } from './schedule.js';

export {
  CONFIG_FILE_NAMES,
  defineInstallationConfig,
  findInstallationConfig,
  loadInstallationConfig,
  parseInstallationConfig,
} from './config/loadInstallationConfig.js';
export type {
  InstallationConfig,
  LoadedInstallationConfig,
  LoadInstallationConfigOptions,
  MemoryStoreConfig,
  SearchStoreConfig,
} from './config/loadInstallationConfig.js';
export {
  installationConfigJsonSchema,
  installationConfigSchema,
  sinkConfigSchema,
} from './config/schema.js';
export type {
  ActionEntryConfig,
  EnabledAlertConfig,
  InstallationConfigInput,
  ParsedInstallationConfig,
  SinkConfig,
  StoreConfig,
} from './config/schema.js';
export {
  collectSecrets,
  isSecretKey,
  REDACTED,
  Redactor,
  processRedactor,
  registerSecrets,
  redactUrlCredentials,
} from './config/redact.js';
export { createLogger, silentLogger } from './logger.js';
export type { CreateLoggerOptions, Logger } from './logger.js';
export { alertMessage, type Sink } from './sinks/sink.js';
export { createSinks, deliveryRoutes, type CreateSinksOptions } from './sinks/createSinks.js';
export { createRabbitmqSink, type RabbitmqSinkOptions } from './sinks/rabbitmqSink.js';
export { createWebhookSink, type WebhookSinkOptions } from './sinks/webhookSink.js';
export { alertTableLine, createFileSink, createStdoutSink } from './sinks/streamSinks.js';
export type { FileSinkOptions, StdoutFormat, StdoutSinkOptions } from './sinks/streamSinks.js';
export { Outbox } from './delivery/outbox.js';
export type {
  DeliveryRecord,
  DeliveryReport,
  DeliveryStatus,
  OutboxEntry,
  OutboxOptions,
} from './delivery/outbox.js';
export { Checkpoints } from './checkpoints.js';
export {
  createElasticsearchStore,
  elasticsearchTransport,
  type ElasticsearchStoreOptions,
} from './stores/elasticsearchStore.js';
export {
  createOpensearchStore,
  opensearchTransport,
  type OpensearchStoreOptions,
} from './stores/opensearchStore.js';
export { createClusterStore } from './stores/createClusterStore.js';
export {
  createRestStore,
  type SearchStore,
  type SearchStoreOptions,
} from './stores/searchStore.js';
export type {
  RestRequest,
  RestResponse,
  RestTransport,
  SearchEngineName,
  SearchStoreAuth,
} from './stores/restTransport.js';
export { createRunner, Runner } from './runner.js';
export { backtest } from './backtest.js';
export type {
  AlertBacktest,
  BacktestAlert,
  BacktestOptions,
  BacktestReport,
  BacktestSource,
  NoiseBudget,
} from './backtest.js';
export { AlertWorkers } from './isolation/alertWorkers.js';
export type { IsolatedRun, IsolatedServices } from './isolation/alertWorkers.js';
export type {
  AlertCycleResult,
  CycleSummary,
  RunRecord,
  RunnerOptions,
  ScheduledAlert,
} from './runner.js';
export { loadEnabledAlerts, openInstallation } from './installation.js';
export type { LoadEnabledAlertsOptions } from './installation.js';
export type { Installation, OpenInstallationOptions } from './installation.js';
export { checkActions, loadActions, type CheckedAction } from './actions.js';
export {
  DEFAULT_PLUGIN_TIMEOUT_MS,
  composePlugins,
  configurePlugin,
  definePlugin,
  loadPlugins,
} from './plugins.js';
export type {
  AlertPlugin,
  ComposePluginsOptions,
  ConfiguredPlugin,
  LoadPluginsOptions,
  PluginContext,
  PluginCriteria,
  PluginRegistration,
} from './plugins.js';
export type { PluginEntry } from './config/schema.js';
