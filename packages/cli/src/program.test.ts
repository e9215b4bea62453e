import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './program.js';

const coreSource = pathToFileURL(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../core/src/index.ts'),
).href;
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
  root = await mkdtemp(join(tmpdir(), 'alertkit-cli-'));
  const dir = join(root, 'ssh-failures');
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'alert-ssh-failures',
      version: '0.2.0',
      exports: { '.': { default: './dist/index.js' } },
    }),
  );
  await writeFile(
    join(dir, 'dist', 'index.js'),
    `import { defineAlert } from ${JSON.stringify(coreSource)};
export const alert = defineAlert({ name: 'ssh-failures', description: 'd', severity: 'WARNING', category: 'bruteforce',
  criteria: { query: { type: 'bool', must: [{ type: 'exists', field: 'summary' }] }, window: { minutes: 2 } },
  aggregate: { field: 'details.sourceipaddress', threshold: 10, samples: 10 }, onAggregation: () => ({ summary: 's' }) });`,
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('alertkit list / validate', () => {
  it('lists alerts with kind, schedule, window and version', async () => {
    const io = capture();
    expect(await main(['list', '--alerts', root], io)).toBe(0);
    expect(io.stdout).toMatch(/^ALERT\s+PACKAGE\s+VERSION/);
    expect(io.stdout).toMatch(
      /ssh-failures\s+alert-ssh-failures\s+0\.2\.0\s+aggregation\s+every 1m\s+2 minutes\s+WARNING\s+AlertSshFailures/,
    );
  });

  it('validates and counts', async () => {
    const io = capture();
    expect(await main(['validate', '--alerts', root], io)).toBe(0);
    expect(io.stdout).toContain('ok    alert-ssh-failures@0.2.0');
    expect(io.stdout).toContain('1 of 1 alert valid');
  });

  it('fails validation on a pitfall, naming the alert, the rule, the clause and the fix', async () => {
    const dir = join(root, 'pitfalls', 'upper-terms');
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'alert-upper-terms', version: '0.1.0', exports: './dist/index.js' }),
    );
    await writeFile(
      join(dir, 'dist', 'index.js'),
      `import { defineAlert } from ${JSON.stringify(coreSource)};
export const alert = defineAlert({ name: 'upper-terms', description: 'd', severity: 'NOTICE', category: 'c',
  criteria: { query: { type: 'bool', must: [{ type: 'terms', field: 'summary', values: ['Login'] }] }, window: { minutes: 2 } },
  onEvent: () => null });`,
    );
    const io = capture();
    expect(await main(['validate', '--alerts', join(root, 'pitfalls')], io)).toBe(1);
    expect(io.stdout).toContain('FAIL  alert-upper-terms@0.1.0');
    expect(io.stdout).toContain(
      'pitfall: upper-terms: unanalysed-value-on-text (must: summary:(Login)): "Login" has upper case',
    );
    expect(io.stdout).toContain('fix: use match/phrase on summary, or lower case');
  });

  it('fails validation on a pattern Elasticsearch would refuse, also inside a query string, naming it', async () => {
    const dir = join(root, 'patterns', 'exploding-regexp');
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'alert-exploding', version: '0.1.0', exports: './dist/index.js' }),
    );
    await writeFile(
      join(dir, 'dist', 'index.js'),
      `import { defineAlert } from ${JSON.stringify(coreSource)};
export const alert = defineAlert({ name: 'exploding', description: 'd', severity: 'NOTICE', category: 'c',
  criteria: { query: { type: 'bool', must: [{ type: 'queryString', query: 'hostname:/(a|b)*a(a|b){20}/' }] }, window: { minutes: 2 } },
  onEvent: () => null });`,
    );
    const io = capture();
    expect(await main(['validate', '--alerts', join(root, 'patterns')], io)).toBe(1);
    expect(io.stdout).toContain(
      'FAIL  alert-exploding@0.1.0  regexp /(a|b)*a(a|b){20}/ is too complex: determinizing it would need more than 10000 states',
    );
  });

  it('validates an installation: its alerts with their config overrides, failing clearly', async () => {
    const config = join(root, 'alertkit.config.json');
    await writeFile(
      config,
      JSON.stringify({ alerts: [{ path: join(root, 'ssh-failures'), config: { unknown: 1 } }] }),
    );
    const io = capture();
    expect(await main(['validate', '--config', config], io)).toBe(1);
    expect(io.stdout).toMatch(
      /FAIL {2}alert-ssh-failures@0\.2\.0 {2}alert "ssh-failures".*unknown/,
    );
    expect(io.stdout).toContain('0 of 1 alert valid');
    expect(io.stderr).toContain('alertkit: 1 alert failed validation');
    const listed = capture();
    await writeFile(config, JSON.stringify({ alerts: [{ path: join(root, 'ssh-failures') }] }));
    expect(await main(['list', '--config', config], listed)).toBe(0);
    expect(listed.stdout).toMatch(/ssh-failures\s+alert-ssh-failures\s+0\.2\.0/);
  });

  it("lists the installation's plugins and validates their configs with the key path", async () => {
    const config = join(root, 'with-plugins.json');
    await writeFile(
      join(root, 'vpn.mjs'),
      `import { z } from ${JSON.stringify(coreSource)};
export default { name: 'vpn_assignment', registration: (c) => [c.match_tag], priority: 7,
  config: z.strictObject({ match_tag: z.string().default('*'), search_window_hours: z.number().positive().default(6), vpn_ip_cidrs: z.array(z.string().regex(/^[0-9.]+\\/[0-9]+$/, 'expected a CIDR range')).default([]) }),
  onAlert: (a) => a };`,
    );
    await writeFile(
      join(root, 'plain.mjs'),
      "export default { name: 'plain', onAlert: (a) => a };",
    );
    await writeFile(
      config,
      JSON.stringify({
        alerts: [{ path: join(root, 'ssh-failures') }],
        plugins: [
          './plain.mjs',
          { plugin: './vpn.mjs', config: { match_tag: 'bruteforce' }, timeoutMs: 1500 },
        ],
      }),
    );
    const listed = capture();
    expect(await main(['list', '--config', config], listed), listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/PLUGIN\s+FROM\s+REGISTRATION\s+PRIORITY\s+TIMEOUT/);
    expect(listed.stdout).toMatch(/plain\s+\.\/plain\.mjs\s+\*\s+100\s+5000 ms/);
    expect(listed.stdout).toMatch(/vpn_assignment\s+\.\/vpn\.mjs\s+bruteforce\s+7\s+1500 ms/);
    const valid = capture();
    expect(await main(['validate', '--config', config], valid)).toBe(0);
    expect(valid.stdout).toContain(
      'ok    plugin plain (./plain.mjs)  registration *, priority 100',
    );

    await writeFile(
      config,
      JSON.stringify({
        alerts: [{ path: join(root, 'ssh-failures') }],
        plugins: [
          './plain.mjs',
          {
            plugin: './vpn.mjs',
            config: { vpn_ip_cidrs: ['not-a-range'], search_window_hours: -1 },
          },
        ],
      }),
    );
    const invalid = capture();
    expect(await main(['validate', '--config', config], invalid)).toBe(1);
    expect(invalid.stdout).toContain(`FAIL  plugins: ${config}: plugin vpn_assignment:`);
    expect(invalid.stdout).toContain('plugins[1].config.search_window_hours');
    expect(invalid.stdout).toContain('plugins[1].config.vpn_ip_cidrs[0]: expected a CIDR range');
    // The alerts are still checked and reported.
    expect(invalid.stdout).toContain('1 of 1 alert valid');
    expect(invalid.stderr).toContain('alertkit: the plugins failed validation');
  });

  it('prints help, and fails clearly on an unknown command or a missing directory', async () => {
    const help = capture();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.stdout).toContain('Usage: alertkit');
    const version = capture();
    expect(await main(['--version'], version)).toBe(0);
    const manifest = resolve(dirname(fileURLToPath(import.meta.url)), '../package.json');
    const { version: expected } = JSON.parse(await readFile(manifest, 'utf8')) as {
      version: string;
    };
    expect(version.stdout).toBe(`${expected}\n`);
    const unknown = capture();
    expect(await main(['explode'], unknown)).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'explode'");
    const missing = capture();
    expect(await main(['list', '--alerts', join(root, 'nope')], missing)).toBe(1);
    expect(missing.stderr).toMatch(/^alertkit: .*ENOENT/);
  });
});
