import type { StoredAlert } from '@alertkit/core';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { silentLogger, type Logger } from '../logger.js';
import { alertMessage, sinkError, withTimeout, type Sink } from './sink.js';

/** Options of {@link createRabbitmqSink}. */
export interface RabbitmqSinkOptions {
  name?: string;
  /** `amqp://user:password@host:port/vhost`. */
  url: string;
  /** Topic exchange, declared durable; default MozDef's `alerts`. */
  exchange?: string;
  /** Default MozDef's `mozdef.alert`. */
  routingKey?: string;
  /** Longest a connect or a publisher confirm may take; default 10 s. */
  timeoutMs?: number;
  logger?: Logger;
}

interface Session {
  model: ChannelModel;
  channel: ConfirmChannel;
}

/**
 * Publishes alerts the way MozDef's `alertToMessageQueue` does (semantics §3.9): to the durable
 * topic exchange `alerts` with routing key `mozdef.alert`, body `{_id, _index, _source}` as
 * `application/json`, persistent (delivery mode 2), plus what MozDef lacks: publisher confirms
 * (`deliver` resolves only when the broker has taken the message) and `messageId` = the alert's
 * `_id`, so consumers can drop the duplicates at-least-once delivery may produce.
 *
 * The connection is opened lazily and dropped on any error; the next delivery reconnects, so a
 * broker that went away is picked up again without a restart. Every step has a timeout: a dead
 * or hung broker fails the delivery (it stays pending in the outbox) instead of blocking.
 */
export function createRabbitmqSink(options: RabbitmqSinkOptions): Sink {
  const name = options.name ?? 'rabbitmq';
  const exchange = options.exchange ?? 'alerts';
  const routingKey = options.routingKey ?? 'mozdef.alert';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const logger = options.logger ?? silentLogger();
  let session: Promise<Session> | undefined;
  let closed = false;

  /** Forgets the session (so the next delivery reconnects) and closes it if it is still open. */
  function drop(current: Promise<Session>, reason: string): void {
    if (session !== current) return;
    session = undefined;
    logger.warn(
      { sink: name, reason },
      'rabbitmq connection dropped; the next delivery reconnects',
    );
    current.then(({ model }) => model.close()).catch(() => undefined);
  }

  /**
   * Connects, opens a confirm channel and declares the exchange. Listeners go on at once: amqplib
   * throws an 'error' event nobody listens to (e.g. a 406 when the exchange exists with another
   * type), which would crash the process.
   */
  async function open(broken: (reason: string) => void): Promise<Session> {
    const model = await connect(options.url, { timeout: timeoutMs });
    model.on('error', (error: Error) => broken(error.message));
    model.on('close', () => broken('connection closed'));
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', (error: Error) => broken(error.message));
      channel.on('close', () => broken('channel closed'));
      await channel.assertExchange(exchange, 'topic', { durable: true });
      return { model, channel };
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
  }

  function current(): Promise<Session> {
    if (session !== undefined) return session;
    const opening: Promise<Session> = open((reason) => drop(opening, reason));
    session = opening;
    opening.then(
      () => {
        if (closed) drop(opening, 'sink closed');
      },
      () => {
        if (session === opening) session = undefined;
      },
    );
    return opening;
  }

  async function publish(channel: ConfirmChannel, alert: StoredAlert): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange,
        routingKey,
        Buffer.from(alertMessage(alert)),
        {
          persistent: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          messageId: alert._id,
        },
        (error: unknown) =>
          error
            ? reject(error instanceof Error ? error : new Error('publish rejected by the broker'))
            : resolve(),
      );
    });
  }

  return {
    name,
    async deliver(alert) {
      if (closed) throw sinkError(name, alert, 'the sink is closed');
      const attempt = current();
      try {
        const { channel } = await withTimeout(
          attempt,
          timeoutMs,
          () => new Error(`no connection within ${timeoutMs} ms`),
        );
        await withTimeout(
          publish(channel, alert),
          timeoutMs,
          () => new Error(`no publisher confirm within ${timeoutMs} ms`),
        );
      } catch (cause) {
        // Whatever went wrong, this connection is suspect: start afresh next time.
        drop(attempt, (cause as Error).message);
        throw sinkError(
          name,
          alert,
          `publishing to exchange "${exchange}" failed: ${(cause as Error).message}`,
          { cause },
        );
      }
    },
    async close() {
      closed = true;
      const open = session;
      session = undefined;
      if (open === undefined) return;
      const opened = await open.catch(() => undefined);
      // Waits for outstanding confirms, then closes: nothing published is left unconfirmed.
      await opened?.channel.waitForConfirms().catch(() => undefined);
      await opened?.model.close().catch(() => undefined);
    },
  };
}
