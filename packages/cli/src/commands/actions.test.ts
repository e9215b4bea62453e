import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../program.js';

let root: string;

function capture() {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'alertkit-cli-actions-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function installation(actions: unknown[]): Promise<string> {
  const file = join(root, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ actions }));
  return file;
}

const pagerduty = {
  action: '@alertkit/actions/pagerduty',
  config: {
    integrations: [
      { tag: 'PageMe', routingKey: 'rk' },
      { tag: 'oncall', routingKey: 'rk2' },
    ],
  },
};

describe('alertkit list / validate with actions', () => {
  it('list shows each action with its priority and what it registers on', async () => {
    const config = await installation([
      pagerduty,
      {
        action: '@alertkit/actions/block-ip',
        config: { url: 'http://blocker.example' },
        enabled: false,
      },
    ]);
    const io = capture();
    expect(await main(['list', '--config', config], io)).toBe(0);
    expect(io.stdout).toMatch(/ACTION\s+MODULE\s+PRIORITY\s+REGISTERS ON\s+STATE/);
    expect(io.stdout).toMatch(
      /pagerduty\s+@alertkit\/actions\/pagerduty\s+1\s+pageme, oncall\s+enabled/,
    );
    expect(io.stdout).toMatch(
      /block-ip\s+@alertkit\/actions\/block-ip\s+1\s+alertbruteforcessh\s+disabled/,
    );
  });

  it('validate checks each action config and fails naming the entry and the key', async () => {
    const good = capture();
    expect(await main(['validate', '--config', await installation([pagerduty])], good)).toBe(0);
    expect(good.stdout).toContain(
      'ok    action pagerduty (@alertkit/actions/pagerduty), priority 1, registers on pageme, oncall',
    );
    expect(good.stdout).toContain('1 of 1 action valid');

    const bad = capture();
    const config = await installation([
      pagerduty,
      { action: '@alertkit/actions/block-ip', config: { url: 'not a url' } },
      { action: '@alertkit/actions/nope' },
    ]);
    expect(await main(['validate', '--config', config], bad)).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL {2}actions\[1\] \(block-ip\): config\.url: /m);
    expect(bad.stdout).toMatch(
      /^FAIL {2}actions\[2\]: cannot load action "@alertkit\/actions\/nope"/m,
    );
    expect(bad.stdout).toContain('1 of 3 actions valid');
    expect(bad.stderr).toContain('alertkit: 2 actions failed validation');
  });
});
