/**
 * Pending changesets (`.changeset/*.md`): which bump each package is given, and writing one for
 * `alertkit diff --check --write`.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maxBump, type Bump } from './classify.js';

/** The largest bump the pending changesets give each package. */
export async function pendingBumps(root: string): Promise<Map<string, Bump>> {
  const dir = join(root, '.changeset');
  const bumps = new Map<string, Bump>();
  const files = (await readdir(dir).catch(() => [] as string[])).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    for (const line of front.split(/\r?\n/)) {
      const m = /^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      const [name, bump] = [m[1], m[2] as Bump];
      const had = bumps.get(name);
      bumps.set(name, had ? maxBump(had, bump) : bump);
    }
  }
  return bumps;
}

/** The changeset front-matter line for one package. */
export function changesetLine(name: string, bump: Bump): string {
  return `"${name}": ${bump}`;
}

/** Writes a changeset with these lines; returns its path. */
export async function writeChangeset(
  root: string,
  lines: readonly string[],
  summary: string,
): Promise<string> {
  const path = join(root, '.changeset', `alertkit-diff-${randomBytes(4).toString('hex')}.md`);
  await writeFile(path, `---\n${lines.join('\n')}\n---\n\n${summary}\n`);
  return path;
}
