import { describe, expect, it } from 'vitest';
import { collectSecrets, isSecretKey, REDACTED, Redactor, redactUrlCredentials } from './redact.js';

describe('redactUrlCredentials', () => {
  it('masks the password of every URL and keeps user, host and path', () => {
    expect(
      redactUrlCredentials('connect amqp://mozdef:p%40ss@mq:5672/ and https://u:x@h.example/p?q=1'),
    ).toBe(`connect amqp://mozdef:${REDACTED}@mq:5672/ and https://u:${REDACTED}@h.example/p?q=1`);
  });

  it('masks a user-only userinfo (often a token) and leaves URLs without one alone', () => {
    expect(redactUrlCredentials('https://ghp_abc@github.com/x http://es:9200/')).toBe(
      `https://${REDACTED}@github.com/x http://es:9200/`,
    );
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'PASSWORD',
    'mqpassword',
    'passwd',
    'pass',
    'apiKey',
    'api_key',
    'token',
    'accessToken',
    'Authorization',
    'secret',
    'credentials',
    'cookie',
  ])('%s is a secret key', (key) => expect(isSecretKey(key)).toBe(true));
  it.each(['url', 'username', 'passage', 'node', 'exchange', 'path'])('%s is not', (key) =>
    expect(isSecretKey(key)).toBe(false),
  );
});

describe('collectSecrets', () => {
  it('finds values under secret keys (any depth) and URL passwords (raw and decoded)', () => {
    const secrets = collectSecrets({
      store: { auth: { username: 'elastic', password: 'es-pass' } },
      sinks: [{ url: 'amqp://u:p%23w0rd@h/' }, { headers: { Authorization: 'Bearer abc123' } }],
      name: 'not-a-secret',
    });
    expect(secrets.sort()).toEqual(
      ['Bearer abc123', 'abc123', 'es-pass', 'p#w0rd', 'p%23w0rd'].sort(),
    );
  });
});

describe('Redactor', () => {
  it('masks registered secrets in any text, also JSON-escaped and URL-encoded forms', () => {
    const redactor = new Redactor(['pa"ss word']);
    expect(redactor.text('login failed for pa"ss word')).toBe(`login failed for ${REDACTED}`);
    expect(redactor.text(JSON.stringify({ m: 'x pa"ss word' }))).toBe(`{"m":"x ${REDACTED}"}`);
    expect(redactor.text('GET /?p=pa%22ss%20word')).toBe(`GET /?p=${REDACTED}`);
  });

  it('ignores secrets too short to mask without garbling every line', () => {
    expect(new Redactor(['abc']).text('abc abcdef')).toBe('abc abcdef');
  });

  it('masks secret-named keys and nested strings, converts errors, survives cycles', () => {
    const redactor = new Redactor(['hunter22']);
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    const error = new Error('auth hunter22 rejected by amqp://u:hunter22@h/');
    const out = redactor.value({
      password: 'x',
      nested: { token: 42, note: 'hunter22!' },
      list: ['hunter22'],
      error,
      cyclic,
    }) as Record<string, unknown>;
    expect(out['password']).toBe(REDACTED);
    expect(out['nested']).toEqual({ token: REDACTED, note: `${REDACTED}!` });
    expect(out['list']).toEqual([REDACTED]);
    expect(out['error']).toMatchObject({
      type: 'Error',
      message: `auth ${REDACTED} rejected by amqp://u:${REDACTED}@h/`,
    });
    expect(JSON.stringify(out['error'])).not.toContain('hunter22');
    expect(out['cyclic']).toEqual({ name: 'c', self: '[Circular]' });
  });
});
