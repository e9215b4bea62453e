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

/** Appends lines (owner-only file). */
export async function appendJournal(file: string, lines: readonly JournalLine[]): Promise<void> {
  if (lines.length === 0) return;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n', {
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

/** Replaces the journal with `lines` atomically (temporary file, fsync, rename): compaction. */
export async function rewriteJournal(file: string, lines: readonly JournalLine[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(lines.map((line) => JSON.stringify(line) + '\n').join(''));
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
