import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertkit } from './lib/cli.js';
import { repoRoot } from './lib/workspaceCopy.js';

const scratch = mkdtempSync(join(tmpdir(), 'alertkit-mutate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a catalogue alert whose test file is replaced (node_modules linked to the workspace's). */
function alertWithTests(name: string, test: string): string {
  const from = join(repoRoot, 'alerts', name);
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const entry of readdirSync(from))
    if (!['node_modules', 'dist', '.turbo', '.vitest', 'test', '.mutate'].includes(entry))
      cpSync(join(from, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(from, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'test', `${name}.test.ts`), test);
  return dir;
}

interface Score {
  alert: string;
  score: number;
  mutants: { mutation: string; target: string; killed: boolean; reason?: string }[];
}

describe('alertkit mutate', () => {
  it('catches a deliberately weak suite: one positive case pins nothing down; survivors say which case to add', () => {
    // ldap-add with only MozDef's first positive case: no negative case at all.
    const dir = alertWithTests(
      'ldap-add',
      `import { describeAlert, positive } from '@alertkit/harness';
import { alert } from '../src/index.js';

const actor = 'mail=user@example.com,o=com';
const dn = 'cn=example_cn,ou=groups,dc=example';
describeAlert(alert, {
  defaultEvent: { _source: { category: 'ldapChange', details: { changetype: 'add', actor, dn } } },
  defaultAlert: { category: 'ldap', severity: 'INFO', summary: \`\${actor} added \${dn}\` },
  cases: [positive('an add alerts', [{}])],
});
`,
    );
    const out = alertkit(['mutate', dir, '--format', 'json', '--min-score', '80']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/alert-ldap-add: mutation score \d+ is below --min-score 80/);
    const score = JSON.parse(out.stdout) as Score;
    expect(score.alert).toBe('alert-ldap-add');
    expect(score.score).toBeLessThan(80);
    const survivor = (mutation: string, target: string) =>
      score.mutants.find((m) => m.mutation === mutation && m.target === target);
    expect(survivor('delete', 'must: details.changetype:add')).toEqual({
      mutation: 'delete',
      target: 'must: details.changetype:add',
      killed: false,
      reason:
        'no negative case has an event without `details.changetype:add` (that otherwise alerts)',
    });
    expect(survivor('delete', 'must_not: details.actor:*bind*')?.reason).toBe(
      'no negative case has an event with `details.actor:*bind*` (that otherwise alerts)',
    );
    expect(survivor('window-longer', 'window 15 minutes')?.reason).toBe(
      'no negative case has an event just outside the window (between 15 and 16 minutes old)',
    );
    // A negate mutant is killed by the one positive case (it no longer alerts).
    expect(survivor('negate', 'must: category:ldapChange')?.killed).toBe(true);
  });

  it("scores the catalogue's own ldap-add suite 100, with every mutant killed by a named case", () => {
    const out = alertkit(['mutate', 'alerts/ldap-add', '--min-score', '100']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /^alert-ldap-add: mutation score 100 \(8 of 8 mutants killed by \d+ cases\)/,
    );
    expect(out.stdout).toContain('    window-longer     killed   by negative: ');
  });
});
