import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AlertkitError } from '@alertkit/core';

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

/** Writes JSON atomically (a temporary file renamed over the target), so a crash never leaves half a file. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(value) + '\n');
  await rename(temporary, path);
}
