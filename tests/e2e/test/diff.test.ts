import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertkitBin } from './lib/cli.js';
import { repoRoot, run } from './lib/workspaceCopy.js';

// A scratch git repository holding copies of real catalogue alerts (their node_modules linked to
// the workspace's, so their imports and vitest resolve as in the workspace), committed as the
// base; each row edits one alert's sources and expects the bump `alertkit diff` prints first.
const ALERTS = ['bruteforce-ssh', 'ldap-add', 'duo-authfail'];
let repo: string;

const git = (...args: string[]) => {
  const r = run(repo, 'git', args);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'alertkit-diff-'));
  for (const name of ALERTS) {
    const from = join(repoRoot, 'alerts', name);
    const to = join(repo, 'alerts', name);
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from))
      if (!['node_modules', 'dist', '.turbo', '.vitest'].includes(entry))
        cpSync(join(from, entry), join(to, entry), { recursive: true });
    symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'));
  }
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n.alertkit/\n');
  mkdirSync(join(repo, '.changeset'));
  writeFileSync(join(repo, '.changeset', 'README.md'), '# Changesets\n');
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'base');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** Replaces text in an alert's src/index.ts (the text must be there). */
function edit(alert: string, from: string | RegExp, to: string): void {
  const file = join(repo, 'alerts', alert, 'src', 'index.ts');
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `edit of ${alert}: ${String(from)} not found`).not.toBe(text);
  writeFileSync(file, changed);
}

function alertkit(...args: string[]) {
  return run(repo, process.execPath, [alertkitBin, ...args]);
}

function reset(): void {
  git('checkout', '-q', '--', '.');
  git('clean', '-q', '-fd', '--', '.changeset');
}

const table: {
  alert: string;
  rule: string;
  apply: () => void;
  bump: 'major' | 'minor' | 'patch';
  says: RegExp;
}[] = [
  {
    alert: 'bruteforce-ssh',
    rule: 'higher threshold',
    apply: () => edit('bruteforce-ssh', 'threshold: 10', 'threshold: 11'),
    bump: 'major',
    says: /threshold 10 → 11 \(higher/,
  },
  {
    alert: 'bruteforce-ssh',
    rule: 'lower threshold',
    apply: () => edit('bruteforce-ssh', 'threshold: 10', 'threshold: 9'),
    bump: 'minor',
    says: /threshold 10 → 9 \(lower/,
  },
  {
    alert: 'ldap-add',
    rule: 'shorter window',
    apply: () => edit('ldap-add', 'minutes: 15', 'minutes: 10'),
    bump: 'major',
    says: /window 15 minutes → 10 minutes \(shorter/,
  },
  {
    alert: 'ldap-add',
    rule: 'longer window',
    apply: () => edit('ldap-add', 'minutes: 15', 'minutes: 20'),
    bump: 'minor',
    says: /window 15 minutes → 20 minutes \(longer/,
  },
  {
    alert: 'ldap-add',
    rule: 'stricter criteria (a must clause added)',
    apply: () =>
      edit(
        'ldap-add',
        "match('details.changetype', 'add'))",
        "match('details.changetype', 'add'), match('details.actor', 'admin'))",
      ),
    bump: 'major',
    says: /must clause added: match \{"field":"details.actor","value":"admin"\}/,
  },
  {
    alert: 'ldap-add',
    rule: 'looser criteria (the must_not removed)',
    apply: () => edit('ldap-add', /\n\s*\.mustNot\(wildcard\('details\.actor', '\*bind\*'\)\)/, ''),
    bump: 'minor',
    says: /must_not clause removed: wildcard/,
  },
  {
    alert: 'bruteforce-ssh',
    rule: 'a config key renamed',
    apply: () => edit('bruteforce-ssh', /skipHosts/g, 'skipAddresses'),
    bump: 'major',
    says: /config key skipHosts removed or renamed/,
  },
  {
    alert: 'duo-authfail',
    rule: 'an optional config key added',
    apply: () =>
      edit(
        'duo-authfail',
        'const configSchema = z.object({',
        "const configSchema = z.object({\n  note: z.string().default('').describe('a note'),",
      ),
    bump: 'minor',
    says: /config key note added \(optional\)/,
  },
  {
    alert: 'ldap-add',
    rule: 'a changed category',
    apply: () => edit('ldap-add', 'category: Category.LDAP', "category: 'directory'"),
    bump: 'major',
    says: /category "ldap" → "directory"/,
  },
  {
    alert: 'ldap-add',
    rule: 'a changed classname',
    apply: () => edit('ldap-add', "classname: 'ldapAdd'", "classname: 'ldapAdded'"),
    bump: 'major',
    says: /classname "ldapAdd" → "ldapAdded"/,
  },
  {
    alert: 'duo-authfail',
    rule: 'a removed field',
    apply: () => edit('duo-authfail', /\n\s*url: config\.url,/, ''),
    bump: 'major',
    says: /alert fields removed: url/,
  },
  {
    alert: 'ldap-add',
    rule: 'tags added',
    apply: () => edit('ldap-add', "tags: ['ldap']", "tags: ['ldap', 'directory']"),
    bump: 'minor',
    says: /tags added: directory/,
  },
  {
    alert: 'ldap-add',
    rule: 'summary wording',
    apply: () => edit('ldap-add', "'{0} added {1}'", "'{0} has added {1}'"),
    bump: 'patch',
    says: /summary ".*added.*" → ".*has added.*"/,
  },
  {
    alert: 'ldap-add',
    rule: 'a refactor with identical answers',
    apply: () => edit('ldap-add', 'export const alert', '// The alert.\nexport const alert'),
    bump: 'patch',
    says: /no difference on the criteria, config or any case/,
  },
];

describe('alertkit diff against a git ref: one real edit per rule', () => {
  it.each(table)('$alert: $rule → $bump', ({ alert, apply, bump, says }) => {
    reset();
    apply();
    const out = alertkit('diff', `alerts/${alert}`, '--base', 'HEAD');
    expect(out.status, out.stderr).toBe(0);
    const [first, ...details] = out.stdout.split('\n');
    expect(first, out.stdout).toBe(bump);
    expect(details.join('\n')).toMatch(says);
    // The scratch copy of the base is cleaned up.
    expect(existsSync(join(repo, 'alerts', alert, '.alertkit', 'diff'))).toBe(false);
  });
});

describe('alertkit diff --check', () => {
  it('fails when a changed alert has no changeset, prints the line it needs, and --write writes it', () => {
    reset();
    expect(alertkit('diff', '--check', '--base', 'HEAD').status).toBe(0);
    edit('ldap-add', 'minutes: 15', 'minutes: 10');
    const missing = alertkit('diff', '--check', '--base', 'HEAD');
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('FAIL   alert-ldap-add: needs major, no pending changeset');
    expect(missing.stdout).toContain('---\n"alert-ldap-add": major\n---');
    const written = alertkit('diff', '--check', '--base', 'HEAD', '--write');
    expect(written.status, written.stderr).toBe(0);
    expect(alertkit('diff', '--check', '--base', 'HEAD').stdout).toContain(
      'ok     alert-ldap-add: needs major, changeset gives major',
    );
  });

  it('fails when the pending changeset bumps less than the change needs', () => {
    reset();
    edit('bruteforce-ssh', 'threshold: 10', 'threshold: 11');
    writeFileSync(
      join(repo, '.changeset', 'small.md'),
      '---\n"alert-bruteforce-ssh": patch\n---\n\nTweak.\n',
    );
    const out = alertkit('diff', '--check', '--base', 'HEAD');
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('FAIL   alert-bruteforce-ssh: needs major, changeset gives patch');
    expect(out.stderr).toContain('need a bigger changeset than pending');
  });
});
