import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AlertkitError } from '@alertkit/core';
import { processRedactor } from './config/redact.js';

/** Reads a JSON file; a missing file gives `fallback`, a corrupt one a clear error. */
export async function readJsonFile<T>(path: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `${path}: not valid JSON (${(cause as Error).message}); move it away to start fresh`,
      { cause },
    );
  }
}

/**
 * JSON with every string value redacted on its own. Redacting the serialised text instead could
 * break the JSON: the URL-credentials pattern, run over a whole line without whitespace, spans
 * from an alert's `"url":"https://…` to the next `@` (an e-mail address in another alert) and
 * masks the quotes and brackets in between.
 */
export function redactedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? processRedactor.text(item) : item,
  );
}

/** Directories {@link inDirectoryOf} has made (or found) in this process. */
const madeDirectories = new Set<string>();

/**
 * Runs `write`, a write of `path`, once `path`'s directory exists (owner-only when made). The
 * directory is made once per process, not before every write: a cycle writes state files some
 * hundreds of times, and each `mkdir` was a round trip through libuv's thread pool (~0.1 ms)
 * while the cycle waited. A directory removed since is made again when `write` fails with
 * ENOENT, and `write` runs once more.
 */
export async function inDirectoryOf<T>(path: string, write: () => Promise<T>): Promise<T> {
  const dir = dirname(path);
  if (madeDirectories.has(dir)) {
    try {
      return await write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      madeDirectories.delete(dir);
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  madeDirectories.add(dir);
  return write();
}

/**
 * Writes JSON atomically (a temporary file renamed over the target), so a crash never leaves half
 * a file; readable by the owner only, secrets redacted (state files hold error texts).
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const text = redactedJson(value) + '\n';
  await inDirectoryOf(path, async () => {
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  });
}

/** Appends one JSON line to a state file (owner-only, secrets redacted). */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  const line = redactedJson(value) + '\n';
  await inDirectoryOf(path, () => appendFile(path, line, { mode: 0o600 }));
}
