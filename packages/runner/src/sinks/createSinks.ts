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

/**
 * The sinks of an installation, in config order. Each is named by its `name`, else by its type,
 * numbered from the second of a type on (`webhook`, `webhook#2`): names key the outbox, so
 * they must stay the same from one run to the next.
 */
export function createSinks(
  configs: readonly SinkConfig[],
  options: CreateSinksOptions = {},
): Sink[] {
  const seen = new Map<string, number>();
  return configs.map((config) => {
    const count = (seen.get(config.type) ?? 0) + 1;
    seen.set(config.type, count);
    const name = config.name ?? (count === 1 ? config.type : `${config.type}#${count}`);
    switch (config.type) {
      case 'rabbitmq':
        return createRabbitmqSink({
          ...config,
          name,
          ...(options.logger ? { logger: options.logger } : {}),
        });
      case 'webhook':
        return createWebhookSink({ ...config, name });
      case 'stdout':
        return createStdoutSink({
          name,
          format: config.format,
          ...(options.stdout ? { stream: options.stdout } : {}),
        });
      case 'file':
        return createFileSink({ name, path: config.path });
    }
  });
}
