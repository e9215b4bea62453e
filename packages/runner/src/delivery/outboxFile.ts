import { appendFile, open, readFile, rename, rm } from 'node:fs/promises';
import { AlertkitError } from '@alertkit/core';
import { inDirectoryOf, redactedJson } from '../jsonFile.js';
import type { DeliveryRecord, OutboxEntry } from './outbox.js';

/*
 * The outbox's state file: `{"version": 1, "entries": [...]}`, replaced atomically (write a
 * temporary file, fsync, rename over the old one), so a crash leaves the previous or the new
 * state, never half of one.
 */

/** One delivery outcome in the journal: appended before the outbox moves on. */
export interface JournalLine {
  /** Increasing; a snapshot records the last one it includes. */
  seq: number;
  id: string;
  sink: string;
  record: DeliveryRecord;
}

/** Appends journal lines (owner-only, redacted): a killed process loses none it appended. */
export async function appendJournal(file: string, lines: readonly JournalLine[]): Promise<void> {
  const text = lines.map((l) => redactedJson(l)).join('\n') + '\n';
  await inDirectoryOf(file, () => appendFile(file, text, { mode: 0o600 }));
}

/** The journal's lines; a torn last line (killed mid-append) is skipped: its delivery repeats. */
export async function readJournal(file: string): Promise<JournalLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable(file, (cause as Error).message, cause);
  }
  const lines: JournalLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as JournalLine);
    } catch {
      // the torn last line of a killed append
    }
  }
  return lines;
}

/** Reads a state file: its entries and the last journal line it includes. */
export async function readOutboxState(
  file: string,
): Promise<{ entries: OutboxEntry[]; journalSeq: number }> {
  const entries = await readOutboxFile(file);
  let seq = 0;
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as { journalSeq?: unknown };
    if (typeof state.journalSeq === 'number') seq = state.journalSeq;
  } catch {
    // missing: nothing journalled yet
  }
  return { entries, journalSeq: seq };
}

/** Reads the entries of a state file; a missing file is an empty outbox. */
export async function readOutboxFile(file: string): Promise<OutboxEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable(file, (cause as Error).message, cause);
  }
  let state: unknown;
  try {
    state = JSON.parse(text) as unknown;
  } catch (cause) {
    throw unreadable(file, `not valid JSON (${(cause as Error).message})`, cause);
  }
  if (!isRecord(state) || state['version'] !== 1 || !Array.isArray(state['entries'])) {
    throw unreadable(file, 'expected {"version": 1, "entries": [...]}');
  }
  return state['entries'].map((entry, index) => {
    if (!isEntry(entry)) throw unreadable(file, `entries[${index}] is not an outbox entry`);
    return entry;
  });
}

/** Replaces the state file with `text` (JSON written with `redactedJson`) atomically. */
export async function writeOutboxFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await inDirectoryOf(file, () => open(temporary, 'w', 0o600));
  try {
    // Error texts of sinks may quote a URL with a secret in it: the caller redacts each string
    // (redacting the whole text could span strings and break the JSON, see redactedJson).
    await handle.writeFile(text);
    // Without fsync, a power cut after the rename can leave an empty file under the old name.
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

function unreadable(file: string, reason: string, cause?: unknown): AlertkitError {
  return new AlertkitError(
    'STORE_UNAVAILABLE',
    `${file}: cannot read the delivery outbox: ${reason}. Pending deliveries are in this file; fix or move it away to start with an empty outbox`,
    { cause, details: { file, reason } },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is OutboxEntry {
  if (!isRecord(value) || typeof value['addedAt'] !== 'string' || !isRecord(value['deliveries']))
    return false;
  const alert = value['alert'];
  if (
    !isRecord(alert) ||
    typeof alert['_id'] !== 'string' ||
    typeof alert['_index'] !== 'string' ||
    !isRecord(alert['_source'])
  ) {
    return false;
  }
  return Object.values(value['deliveries']).every(
    (record) =>
      isRecord(record) &&
      (record['status'] === 'pending' ||
        record['status'] === 'delivered' ||
        record['status'] === 'failed') &&
      typeof record['attempts'] === 'number',
  );
}
