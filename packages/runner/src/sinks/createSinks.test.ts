import { describe, expect, it } from 'vitest';
import { installationConfigSchema } from '../config/schema.js';
import { createSinks, deliveryRoutes } from './createSinks.js';

describe('createSinks', () => {
  it('names sinks by type, numbering repeats, unless named explicitly', async () => {
    const { sinks: configs } = installationConfigSchema.parse({
      sinks: [
        { type: 'webhook', url: 'http://a.example/' },
        { type: 'stdout' },
        { type: 'webhook', url: 'http://b.example/' },
        { type: 'rabbitmq', url: 'amqp://localhost', name: 'mozdef-mq' },
        { type: 'file', path: '/tmp/x.ndjson' },
      ],
    });
    const sinks = createSinks(configs);
    expect(sinks.map((sink) => sink.name)).toEqual([
      'webhook',
      'stdout',
      'webhook#2',
      'mozdef-mq',
      'mozdef-mq.staged',
      'file',
    ]);
    await Promise.all(sinks.map((sink) => sink.close()));
  });

  it('routes staged alerts only to sinks that take them: RabbitMQ under its staged routing key, never live webhooks', () => {
    const { sinks: configs } = installationConfigSchema.parse({
      sinks: [
        { type: 'webhook', url: 'http://pager.example/' },
        { type: 'rabbitmq', url: 'amqp://localhost' },
        { type: 'file', path: '/tmp/staged.ndjson', name: 'review', deliver: 'staged' },
        { type: 'stdout', deliver: 'all' },
      ],
    });
    expect(deliveryRoutes(configs)).toEqual({
      live: ['webhook', 'rabbitmq', 'stdout'],
      staged: ['rabbitmq.staged', 'review', 'stdout'],
    });
    expect(configs[1]).toMatchObject({
      routingKey: 'mozdef.alert',
      stagedRoutingKey: 'mozdef.alert.staged',
    });
  });
});
