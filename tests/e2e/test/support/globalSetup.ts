import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import {
  INSTALL_HINT,
  rabbitmqInstalled,
  startBroker,
  stopBroker,
  type RabbitmqBroker,
} from './rabbitmqBroker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's RabbitMQ broker, or why it could not be started (the tests then fail with it). */
    rabbitmq: RabbitmqBroker;
  }
}

/**
 * Starts one RabbitMQ broker for the whole e2e run (~5-8 s) and stops it (and its epmd) at the
 * end. A missing or failing broker does not abort the run here: the RabbitMQ tests fail with
 * the reason, the other e2e tests still run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let broker: RabbitmqBroker;
  if (!rabbitmqInstalled()) {
    broker = { error: INSTALL_HINT };
  } else {
    try {
      broker = await startBroker();
    } catch (error) {
      broker = { error: (error as Error).message };
    }
  }
  project.provide('rabbitmq', broker);
  return async () => {
    if ('stateDir' in broker) {
      await stopBroker(broker.stateDir);
      await rm(broker.stateDir, { recursive: true, force: true });
    }
  };
}
