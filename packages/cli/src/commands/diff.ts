import { execFile } from 'node:child_process';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import type { Io } from '../io.js';
import { readFile, rm } from 'node:fs/promises';
import { resolveAlertDir } from '../resolveAlert.js';
import { defaultBase, gitLocation, prepareBase } from '../diff/base.js';
import { bumpCovers, classify, type Bump, type DiffResult } from '../diff/classify.js';
import { changesetLine, pendingBumps, writeChangeset } from '../diff/changesets.js';
import type { DiffProbeReport } from '@alertkit/harness';
import { runSuiteProbe } from '../probe.js';

const run = promisify(execFile);

interface DiffOptions {
  base?: string;
  format: string;
  check?: boolean;
  write?: boolean;
}

/** The package name in a directory's package.json (undefined when there is none). */
async function packageName(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string })
      .name;
  } catch {
    return undefined;
  }
}

/** The diff of one alert package against a base, or `undefined` when the base has no such alert. */
async function diffPackage(
  packageDir: string,
  base: string,
): Promise<{ label: string; result?: DiffResult }> {
  const prepared = await prepareBase(packageDir, base);
  try {
    if (!prepared.module) return { label: prepared.label };
    return {
      label: prepared.label,
      result: classify(
        await runSuiteProbe<DiffProbeReport>(packageDir, 'diff', {
          ALERTKIT_PROBE_BASE: prepared.module,
        }),
      ),
    };
  } finally {
    await rm(join(packageDir, '.alertkit', 'diff'), { recursive: true, force: true });
  }
}

function formatResult(name: string, label: string, result: DiffResult): string {
  const lines = [result.bump, `${name}: ${label} → working tree`];
  if (result.findings.length === 0)
    lines.push('  patch  no difference on the criteria, config or any case (docs or refactor)');
  for (const f of result.findings) lines.push(`  ${f.bump.padEnd(5)}  ${f.what}`);
  return `${lines.join('\n')}\n`;
}

/** Alert package directories with changes (committed, staged, or untracked) since `base`. */
async function changedAlertPackages(root: string, base: string): Promise<string[]> {
  const git = async (args: string[]) =>
    (await run('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout
      .split('\n')
      .filter((l) => l !== '');
  const files = [
    ...(await git(['diff', '--name-only', base, '--', 'alerts'])),
    ...(await git(['ls-files', '--others', '--exclude-standard', '--', 'alerts'])),
  ];
  const dirs = new Set(
    files
      .map((f) => f.split('/'))
      .filter(
        (parts) =>
          parts.length > 2 && !['README.md', 'CHANGELOG.md'].includes(parts.slice(2).join('/')),
      )
      .map((parts) => join(root, parts[0] ?? 'alerts', parts[1] ?? '')),
  );
  return [...dirs].sort();
}

async function check(io: Io, options: DiffOptions): Promise<void> {
  const { root } = await gitLocation(process.cwd());
  const base = options.base ?? (await defaultBase(root));
  const pending = await pendingBumps(root);
  const missing: string[] = [];
  const dirs = await changedAlertPackages(root, base);
  io.out(`alertkit diff --check: ${dirs.length} alert package(s) changed since ${base}\n`);
  for (const dir of dirs) {
    const name = await packageName(dir);
    if (name === undefined) {
      io.out(`  skip   ${relative(root, dir)}: no package.json (deleted?)\n`);
      continue;
    }
    const { label, result } = await diffPackage(dir, base);
    if (!result) {
      io.out(`  new    ${name}: not in ${label}; its first release is its package.json version\n`);
      continue;
    }
    const given: Bump | undefined = pending.get(name);
    const ok = given !== undefined && bumpCovers(given, result.bump);
    io.out(
      `  ${ok ? 'ok  ' : 'FAIL'}   ${name}: needs ${result.bump}, ${given === undefined ? 'no pending changeset' : `changeset gives ${given}`}\n`,
    );
    for (const f of result.findings.filter((x) => x.bump === result.bump).slice(0, 5))
      io.out(`           ${f.bump}: ${f.what}\n`);
    if (!ok) missing.push(changesetLine(name, result.bump));
  }
  if (missing.length === 0) return;
  io.out(`\nthe changeset it needs:\n---\n${missing.join('\n')}\n---\n`);
  if (options.write) {
    const path = await writeChangeset(
      root,
      missing,
      'Changes classified by `alertkit diff --check`.',
    );
    io.out(`wrote ${relative(process.cwd(), path)}\n`);
    return;
  }
  throw new AlertkitError(
    'ALERT_INVALID',
    `${missing.length} changed alert(s) need a bigger changeset than pending (add it with pnpm changeset, or alertkit diff --check --write)`,
  );
}

/** `alertkit diff`. */
export function registerDiff(program: Command, io: Io): void {
  program
    .command('diff')
    .description(
      'what a change to an alert does to the installations that run it, and the semver bump it needs (major, minor or patch)',
    )
    .argument('[alert]', 'an alert package directory or name (not with --check)')
    .option(
      '--base <ref|version>',
      'a git ref (HEAD~1, a tag) or a published version (1.2.0); default: the newest release tag, else the first commit',
    )
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--check',
      'for every alert package changed since the base: fail when no pending changeset bumps it as much as the change needs',
    )
    .option('--write', 'with --check: write the changeset it needs instead of failing')
    .addHelpText(
      'after',
      "\nThe working tree is read from sources (no build). The alert's own harness cases run with both\n" +
        "versions (in-process, under the package's vitest), plus events generated from each clause.\n" +
        'major: stricter criteria, higher threshold, shorter window, a removed or renamed config key, a\n' +
        'changed category or classname, removed fields, fewer alerts on a case; minor: can only add\n' +
        'alerts or optional config; patch: summary wording, docs, refactors with identical answers.\n\n' +
        'Examples:\n  alertkit diff alerts/bruteforce-ssh --base HEAD~1\n  alertkit diff alert-bruteforce-ssh --base 0.1.0\n  alertkit diff --check --base main',
    )
    .action(async (spec: string | undefined, options: DiffOptions) => {
      if (options.format !== 'json' && options.format !== 'text')
        throw new AlertkitError(
          'QUERY_INVALID',
          `--format must be text or json, got "${options.format}"`,
        );
      if (options.check) {
        if (spec !== undefined)
          throw new AlertkitError(
            'QUERY_INVALID',
            '--check takes no alert: it checks every changed one',
          );
        await check(io, options);
        return;
      }
      if (spec === undefined)
        throw new AlertkitError('QUERY_INVALID', 'diff: name an alert package, or use --check');
      const dir = await resolveAlertDir(spec);
      const name = (await packageName(dir)) ?? dir;
      const base = options.base ?? (await defaultBase(dir));
      const { label, result } = await diffPackage(dir, base);
      const outcome: DiffResult = result ?? {
        bump: 'minor',
        findings: [{ bump: 'minor', what: `new alert: not in ${label}` }],
      };
      io.out(
        options.format === 'json'
          ? `${JSON.stringify({ alert: name, base: label, ...outcome }, null, 2)}\n`
          : formatResult(name, label, outcome),
      );
    });
}
