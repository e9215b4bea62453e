import type { Writable } from 'node:stream';
import type { SinkConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { createRabbitmqSink } from './rabbitmqSink.js';
import type { Sink } from './sink.js';
import { createFileSink, createStdoutSink } from './streamSinks.js';
import { createWebhookSink } from './webhookSink.js';

/** What {@link createSinks} needs besides the config. */
export interface CreateSinksOptions {
  logger?: Logger;
  /** Where `stdout` sinks write; default `process.stdout`. */
  stdout?: Writable;
}

/** A sink config with the name the outbox keys it by. */
function named(configs: readonly SinkConfig[]): { config: SinkConfig; name: string }[] {
  const seen = new Map<string, number>();
  return configs.map((config) => {
    const count = (seen.get(config.type) ?? 0) + 1;
    seen.set(config.type, count);
    return { config, name: config.name ?? (count === 1 ? config.type : `${config.type}#${count}`) };
  });
}

/**
 * Which sinks the alerts of live and of staged alerts are owed to (by name). A RabbitMQ sink
 * takes staged alerts as its own sink `<name>.staged`, publishing under `stagedRoutingKey`.
 */
export function deliveryRoutes(configs: readonly SinkConfig[]): {
  live: string[];
  staged: string[];
} {
  const live: string[] = [];
  const staged: string[] = [];
  for (const { config, name } of named(configs)) {
    if (config.deliver !== 'staged') live.push(name);
    if (config.deliver !== 'live')
      staged.push(config.type === 'rabbitmq' ? `${name}.staged` : name);
  }
  return { live, staged };
}

/**
 * The sinks of an installation, in config order. Each is named by its `name`, else by its type,
 * numbered from the second of a type on (`webhook`, `webhook#2`): names key the outbox, so
 * they must stay the same from one run to the next. A RabbitMQ sink that takes staged alerts
 * adds `<name>.staged` (see {@link deliveryRoutes}).
 */
export function createSinks(
  configs: readonly SinkConfig[],
  options: CreateSinksOptions = {},
): Sink[] {
  return named(configs).flatMap(({ config, name }): Sink[] => {
    switch (config.type) {
      case 'rabbitmq': {
        const { stagedRoutingKey, deliver, ...rabbit } = config;
        const logger = options.logger ? { logger: options.logger } : {};
        return [
          ...(deliver !== 'staged' ? [createRabbitmqSink({ ...rabbit, name, ...logger })] : []),
          ...(deliver !== 'live'
            ? [
                createRabbitmqSink({
                  ...rabbit,
                  routingKey: stagedRoutingKey,
                  name: `${name}.staged`,
                  ...logger,
                }),
              ]
            : []),
        ];
      }
      case 'webhook':
        return [createWebhookSink({ ...config, name })];
      case 'stdout':
        return [
          createStdoutSink({
            name,
            format: config.format,
            ...(options.stdout ? { stream: options.stdout } : {}),
          }),
        ];
      case 'file':
        return [createFileSink({ name, path: config.path })];
    }
  });
}
