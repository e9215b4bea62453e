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

/**
 * Writes JSON atomically (a temporary file renamed over the target), so a crash never leaves half
 * a file; readable by the owner only, secrets redacted (state files hold error texts).
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, redactedJson(value) + '\n', { mode: 0o600 });
  await rename(temporary, path);
}

/** Appends one JSON line to a state file (owner-only, secrets redacted). */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await appendFile(path, redactedJson(value) + '\n', { mode: 0o600 });
}
