import { describe, expect, it } from 'vitest';
import { installationConfigSchema } from '../config/schema.js';
import { createSinks } from './createSinks.js';

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
      'file',
    ]);
    await Promise.all(sinks.map((sink) => sink.close()));
  });
});
