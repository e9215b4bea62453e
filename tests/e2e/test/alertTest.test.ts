import {
  cpSync,
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
import { afterAll, describe, expect, it } from 'vitest';
import { alertkit } from './lib/cli.js';
import { repoRoot } from './lib/workspaceCopy.js';

const scratch = mkdtempSync(join(tmpdir(), 'alertkit-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a catalogue alert (node_modules linked to the workspace's), its sources edited. */
function copyOf(
  name: string,
  as: string,
  edit: (source: string) => string,
  test?: (t: string) => string,
): string {
  const from = join(repoRoot, 'alerts', name);
  const dir = join(scratch, as);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(from))
    if (!['node_modules', 'dist', '.turbo', '.vitest', '.mutate'].includes(entry))
      cpSync(join(from, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(from, 'node_modules'), join(dir, 'node_modules'));
  const source = join(dir, 'src', 'index.ts');
  writeFileSync(source, edit(readFileSync(source, 'utf8')));
  if (test) {
    const file = join(dir, 'test', `${name}.test.ts`);
    writeFileSync(file, test(readFileSync(file, 'utf8')));
  }
  return dir;
}

describe('alertkit test', () => {
  it("runs an alert's harness cases under its vitest and says how many passed", () => {
    const out = alertkit(['test', 'alerts/ldap-add']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^ok {4}alert-ldap-add: \d+ passed, 0 failed$/m);
  });

  it('fails, naming the case, when a case fails', () => {
    const dir = copyOf('ldap-add', 'broken/ldap-add', (s) =>
      s.replace("'{0} added {1}'", "'{0} has added {1}'"),
    );
    const out = alertkit(['test', dir]);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/^FAIL {2}alert-ldap-add: \d+ passed, [1-9]\d* failed$/m);
    expect(out.stdout).toContain('✗ alert ldap-add positive: Positive test case with good event');
    expect(out.stderr).toContain('alert package(s) have failing cases');
  });
});

describe('alertkit test --cross', () => {
  it("reports MozDef's Auth0 brute-force pair as a declared overlap", () => {
    const out = alertkit([
      'test',
      '--cross',
      'alerts/auth0-bruteforce-user',
      'alerts/auth0-vertical-password-guessing',
    ]);
    expect(out.status, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^\d+ overlap\(s\), 0 unexpected, over 2 alerts$/m);
    expect(out.stdout).toMatch(
      /expected {2}auth0-bruteforce-user fires on auth0-vertical-password-guessing's positive case ".*" \(events .*\) — expected: the same Auth0 failed logins/,
    );
  });

  it('fails on an overlap nobody declared, naming the alert, the case and the events', () => {
    // A copy of ldap-add under another name fires on every ldap-add positive case.
    const dir = copyOf(
      'ldap-add',
      'dup/ldap-add-again',
      (s) =>
        s
          .replace("name: 'ldap-add'", "name: 'ldap-add-again'")
          .replace("classname: 'ldapAdd'", "classname: 'ldapAddAgain'"),
      (t) => t,
    );
    writeFileSync(
      join(dir, 'package.json'),
      readFileSync(join(dir, 'package.json'), 'utf8').replace(
        '"alert-ldap-add"',
        '"alert-ldap-add-again"',
      ),
    );
    const out = alertkit(['test', '--cross', 'alerts/ldap-add', dir, '--format', 'json']);
    expect(out.status).toBe(1);
    const { overlaps } = JSON.parse(out.stdout) as {
      overlaps: { alert: string; on: string; case: string; events: string[]; expected?: string }[];
    };
    expect(overlaps).toContainEqual(
      expect.objectContaining({
        alert: 'ldap-add-again',
        on: 'ldap-add',
        case: 'Positive test case with good event',
      }),
    );
    expect(overlaps.every((o) => o.events.length > 0 && o.expected === undefined)).toBe(true);
    expect(out.stderr).toContain('unexpected overlap(s): declare each in the firing alert');
  });
});
