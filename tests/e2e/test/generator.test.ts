import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkspace, run } from './lib/workspaceCopy.js';

// `pnpm plop alert` with its nine positional answers, in a throwaway clone of the repository.
let clone: { dir: string; remove(): void };

beforeAll(() => {
  clone = cloneWorkspace();
});

afterAll(() => {
  clone.remove();
});

function plop(...answers: string[]) {
  return run(clone.dir, 'pnpm', ['--silent', 'plop', 'alert', ...answers]);
}

function gitStatus(): string {
  return run(clone.dir, 'git', ['status', '--porcelain']).stdout;
}

describe('pnpm plop alert <nine answers>', () => {
  it.each([
    [
      'ssh-failures',
      'Many failed ssh logins',
      'aggregation',
      'NOTICE',
      'bruteforce',
      'ssh,auth',
      '2',
      'details.sourceipaddress',
      '10',
    ],
    [
      'ldap-changes',
      `An LDAP entry was "added" (someone's change)`,
      'event',
      'WARNING',
      'ldap',
      '-',
      '-',
      '-',
      '-',
    ],
    [
      'syslog-silence',
      'No syslog from the bastion',
      'deadman',
      '-',
      '-',
      'deadman',
      '20',
      '-',
      '-',
    ],
  ])('creates alerts/%s whose tests, lint and typecheck pass at once', (name, ...answers) => {
    const generated = plop(name, ...answers);
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    const pkg = JSON.parse(
      readFileSync(join(clone.dir, 'alerts', name, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      name: `alert-${name}`,
      version: '0.1.0',
      peerDependencies: { '@alertkit/core': '^1.0.0' },
    });
    const test = run(clone.dir, 'pnpm', [
      'turbo',
      'run',
      'test',
      'lint',
      'typecheck',
      `--filter=alert-${name}`,
    ]);
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(test.stdout).toContain(`alert-${name}:test`);
  });

  it('fills the defaults for -', () => {
    const source = readFileSync(
      join(clone.dir, 'alerts', 'syslog-silence', 'src', 'index.ts'),
      'utf8',
    );
    expect(source).toContain("severity: 'NOTICE'");
    expect(source).toContain("category: 'misc'");
    expect(source).toContain("tags: ['deadman']");
    expect(source).toContain('search({ minutes: 20 })');
  });

  it.each([
    [
      ['failed-logins', 'd', 'event', '-', '-', '-', '-', '-', '-'],
      'alerts/failed-logins already exists',
    ],
    [['Bad_Name', 'd', 'event', '-', '-', '-', '-', '-', '-'], 'name must be kebab-case'],
    [
      ['new-one', 'd', 'sometimes', '-', '-', '-', '-', '-', '-'],
      'kind must be one of event, aggregation, deadman',
    ],
    [['new-one', 'd', 'event', 'LOUD', '-', '-', '-', '-', '-'], 'severity must be one of'],
    [
      ['new-one', 'd', 'aggregation', '-', '-', '-', '-', 'details.user', 'ten'],
      'threshold must be a positive integer',
    ],
    [
      ['new-one', 'd', 'aggregation', '-', '-', '-', '-', '-', '5'],
      'an aggregation alert needs an aggregation field',
    ],
  ])('refuses %j: exits non-zero and writes nothing', (answers, message) => {
    const before = gitStatus();
    const refused = plop(...answers);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(message);
    expect(gitStatus()).toBe(before);
  });

  it('replays a second identical turbo test from cache, and re-runs only the alert that changed', () => {
    const args = ['turbo', 'test', '--filter=alert-*', '--output-logs=none'];
    run(clone.dir, 'pnpm', args);
    const second = run(clone.dir, 'pnpm', args);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('FULL TURBO');

    const file = join(clone.dir, 'alerts', 'ldap-changes', 'src', 'index.ts');
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// edited\n');
    const dry = run(clone.dir, 'pnpm', ['turbo', 'run', 'test', '--filter=alert-*', '--dry=json']);
    const plan = JSON.parse(dry.stdout) as {
      tasks: { taskId: string; cache: { status: string } }[];
    };
    const misses = plan.tasks
      .filter((t) => t.cache.status !== 'HIT' && t.taskId.endsWith('#test'))
      .map((t) => t.taskId);
    expect(misses).toEqual(['alert-ldap-changes#test']);
  });
});
