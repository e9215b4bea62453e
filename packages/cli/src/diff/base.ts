/**
 * The base version of an alert for `alertkit diff`: its sources at a git ref, or the package as
 * published at a version. Written inside the alert's own package directory (under
 * `.alertkit/diff/`, git-ignored) so that its imports resolve to the same libraries.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { AlertkitError } from '@alertkit/core';

const run = promisify(execFile);

/** Where a base came from and the module that exports its alert. */
export interface PreparedBase {
  /** `git HEAD~1`, `published 1.2.0`, ... */
  label: string;
  /** The module exporting the base's alert; undefined when the alert did not exist there. */
  module?: string;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new AlertkitError(
      'CONFIG_INVALID',
      `git ${args.join(' ')}: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

/** The repository root and the package's path in it. */
export async function gitLocation(packageDir: string): Promise<{ root: string; path: string }> {
  const root = (await git(packageDir, ['rev-parse', '--show-toplevel'])).trim();
  return { root, path: relative(root, packageDir) };
}

/** The scratch directory of one base, emptied. */
async function scratch(packageDir: string, name: string): Promise<string> {
  const dir = join(packageDir, '.alertkit', 'diff', name.replace(/[^\w.-]+/g, '_'));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The package's `src/` at a git ref (undefined module when the package is not there). */
async function fromGit(packageDir: string, ref: string): Promise<PreparedBase> {
  const { root, path } = await gitLocation(packageDir);
  await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new AlertkitError('CONFIG_INVALID', `--base ${ref}: not a git commit or tag`);
  });
  const files = (await git(root, ['ls-tree', '-r', '--name-only', ref, '--', `${path}/src`]))
    .split('\n')
    .filter((f) => f !== '');
  const label = `git ${ref}`;
  if (files.length === 0) return { label };
  const dir = await scratch(packageDir, `git-${ref}`);
  for (const file of files) {
    const target = join(dir, relative(path, file));
    await mkdir(dirname(target), { recursive: true });
    const { stdout } = await run('git', ['show', `${ref}:${file}`], {
      cwd: root,
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    await writeFile(target, stdout);
  }
  return { label, module: join(dir, 'src', 'index.ts') };
}

/** The package as published (npm pack from the configured registry). */
async function fromRegistry(packageDir: string, version: string): Promise<PreparedBase> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
  };
  const dir = await scratch(packageDir, `npm-${version}`);
  let tarball: string;
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `${pkg.name}@${version}`, '--json', '--pack-destination', dir],
      { cwd: packageDir },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) throw new Error('npm pack printed nothing');
    tarball = join(dir, packed.filename);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ');
    throw new AlertkitError(
      'CONFIG_INVALID',
      `--base ${version}: cannot fetch ${pkg.name}@${version} from the registry: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
  await run('tar', ['-xzf', tarball, '-C', dir]);
  // Published alerts ship their sources and their build; the sources compare like a git base.
  const source = join(dir, 'package', 'src', 'index.ts');
  const built = join(dir, 'package', 'dist', 'index.js');
  const exists = (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    );
  return {
    label: `published ${pkg.name}@${version}`,
    module: (await exists(source)) ? source : built,
  };
}

/** A version (`1.2.0`, `alert-x@1.2.0`) is looked up in the registry; anything else is a git ref. */
export async function prepareBase(packageDir: string, base: string): Promise<PreparedBase> {
  const version = base.includes('@') ? base.slice(base.lastIndexOf('@') + 1) : base;
  if (/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) return fromRegistry(packageDir, version);
  return fromGit(packageDir, base);
}

/**
 * The default base: the newest release tag (`<name>@<version>`, as `changeset publish` tags),
 * else the repository's first commit (nothing released yet).
 */
export async function defaultBase(packageDir: string): Promise<string> {
  const { root } = await gitLocation(packageDir);
  const tag = (await git(root, ['tag', '--list', '*@*', '--sort=-creatordate'])).split('\n')[0];
  if (tag) return tag;
  const roots = (await git(root, ['rev-list', '--max-parents=0', 'HEAD'])).trim().split('\n');
  return roots[roots.length - 1] ?? 'HEAD';
}
