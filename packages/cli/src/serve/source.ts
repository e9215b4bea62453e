import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredAlert } from '@alertkit/core';
import type { BacktestReport, RunRecord } from '@alertkit/runner';

/** What the web view shows: the runner's records, read-only. */
export interface ViewSource {
  /** Saved alerts (the embedded store's state file, or the cluster's alerts index). */
  alerts(): Promise<StoredAlert[]>;
  /** The run history, oldest first. */
  runs(): Promise<RunRecord[]>;
  /** The checkpoint of each alert: the last tick it evaluated. */
  checkpoints(): Promise<Record<string, string>>;
  /** A backtest report to show, if one was given. */
  backtest(): Promise<BacktestReport | undefined>;
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** The run history's lines; a torn last line (a crash mid-write) is skipped. */
async function readRuns(path: string): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const out: RunRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as RunRecord);
    } catch {
      // a partial line
    }
  }
  return out;
}

/** Options of {@link stateDirSource}. */
export interface StateDirSourceOptions {
  stateDir: string;
  /** Where saved alerts come from: the embedded store's state file, or a store's `listAlerts`. */
  alerts: () => Promise<StoredAlert[]>;
  backtestFile?: string;
}

/** The view's data from a runner's state directory (and its alert store). */
export function stateDirSource(options: StateDirSourceOptions): ViewSource {
  return {
    alerts: options.alerts,
    runs: () => readRuns(join(options.stateDir, 'runs.ndjson')),
    checkpoints: async () => {
      const saved = await readJson<{ checkpoints?: Record<string, unknown> }>(
        join(options.stateDir, 'checkpoints.json'),
        {},
      );
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(saved.checkpoints ?? {}))
        if (typeof v === 'string') out[k] = v;
      return out;
    },
    backtest: () =>
      options.backtestFile
        ? readJson<BacktestReport | undefined>(options.backtestFile, undefined)
        : Promise.resolve(undefined),
  };
}

/** The saved alerts of an embedded store's state file (`store.json`). */
export async function alertsOfStateFile(path: string): Promise<StoredAlert[]> {
  return (await readJson<{ alerts?: StoredAlert[] }>(path, {})).alerts ?? [];
}
