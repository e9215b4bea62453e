import { appendFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AlertkitError, type StoredAlert } from '@alertkit/core';

/*
 * The action journal: one JSON object per line, appended before the pipeline moves on, so a
 * process killed at any point knows on restart which actions ran on which alert. A line torn by
 * a kill mid-append is skipped (what it recorded happens again, bounded by the attempt count).
 */

/** An alert the pipeline owes its matching actions to. */
export interface QueuedLine {
  type: 'queued';
  at: string;
  alert: StoredAlert;
}

/** A call about to be made: counted even when the process dies during it. */
export interface AttemptLine {
  type: 'attempt';
  at: string;
  id: string;
  action: string;
  attempt: number;
}

/** The final outcome of one action on one alert: never run again. */
export interface OutcomeLine {
  type: 'outcome';
  at: string;
  id: string;
  action: string;
  status: 'succeeded' | 'failed';
  attempts: number;
  detail?: string;
  error?: string;
}

export type JournalLine = QueuedLine | AttemptLine | OutcomeLine;

/**
 * Masks secrets in a text (the installation's redaction point); each string value of a line is
 * passed on its own, so the JSON around it is never touched.
 */
export type RedactText = (text: string) => string;

/** A line as written: JSON, every string value through `redact`. */
function lineText(line: JournalLine, redact: RedactText | undefined): string {
  if (!redact) return JSON.stringify(line);
  return JSON.stringify(line, (_key, value: unknown) =>
    typeof value === 'string' ? redact(value) : value,
  );
}

/** Appends lines (owner-only file), secrets masked by `redact`. */
export async function appendJournal(
  file: string,
  lines: readonly JournalLine[],
  redact?: RedactText,
): Promise<void> {
  if (lines.length === 0) return;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, lines.map((line) => lineText(line, redact)).join('\n') + '\n', {
    mode: 0o600,
  });
}

/** Reads the journal; a missing file is empty, a torn or foreign line is skipped. */
export async function readJournal(file: string): Promise<JournalLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AlertkitError(
      'STORE_UNAVAILABLE',
      `${file}: cannot read the action journal: ${(cause as Error).message}. It records which actions already ran; fix its permissions rather than moving it away, or actions run again`,
      { cause, details: { file } },
    );
  }
  const lines: JournalLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const line = JSON.parse(raw) as Partial<JournalLine>;
      if (line.type === 'queued' || line.type === 'attempt' || line.type === 'outcome')
        lines.push(line as JournalLine);
    } catch {
      // the torn last line of a killed append
    }
  }
  return lines;
}

/**
 * Replaces the journal with `lines` atomically (temporary file, fsync, rename): compaction.
 * Secrets masked by `redact`.
 */
export async function rewriteJournal(
  file: string,
  lines: readonly JournalLine[],
  redact?: RedactText,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(lines.map((line) => lineText(line, redact) + '\n').join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
