import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectSecrets, Redactor } from './config/redact.js';
import { createLogger } from './logger.js';

/** A destination that keeps the lines written to it. */
function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('never writes a configured secret, a URL password or a secret-named value', () => {
    const config = {
      sinks: [
        { type: 'rabbitmq', url: 'amqp://mozdef:Sup3rS3cret@mq.example.org:5672/' },
        { headers: { Authorization: 'Bearer tok-98765' } },
      ],
      store: { auth: { password: 'es-Pa55w0rd' } },
    };
    const { lines, stream } = capture();
    const logger = createLogger({
      destination: stream,
      redactor: new Redactor(collectSecrets(config)),
      bindings: { component: 'test' },
    });

    logger.info({ config }, 'loaded configuration');
    logger.error(
      { err: new Error('connect ECONNREFUSED amqp://mozdef:Sup3rS3cret@mq.example.org:5672/') },
      'sink down',
    );
    logger.warn('token was tok-98765 and the password es-Pa55w0rd');
    logger.child({ url: 'amqp://mozdef:Sup3rS3cret@mq/' }).info('child');

    expect(lines).toHaveLength(4);
    const text = lines.join('\n');
    for (const secret of ['Sup3rS3cret', 'tok-98765', 'es-Pa55w0rd'])
      expect(text).not.toContain(secret);
    const [first, second, third, fourth] = lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(first).toMatchObject({ component: 'test', msg: 'loaded configuration' });
    expect(JSON.stringify(first)).toContain('amqp://mozdef:[redacted]@mq.example.org:5672/');
    expect(second).toMatchObject({
      level: 50,
      err: {
        type: 'Error',
        message: 'connect ECONNREFUSED amqp://mozdef:[redacted]@mq.example.org:5672/',
      },
    });
    expect(third?.['msg']).toBe('token was [redacted] and the password [redacted]');
    expect(fourth?.['url']).toBe('amqp://mozdef:[redacted]@mq/');
  });

  it('honours the level', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ destination: stream, level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['shown']);
  });
});
