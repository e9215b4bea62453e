import { readJsonFile, writeJsonFile } from './jsonFile.js';

interface CheckpointFile {
  version: 1;
  /** Alert name -> end of its last successful window (ISO). */
  checkpoints: Record<string, string>;
}

/**
 * Per-alert checkpoints: the end of each alert's last successful window, persisted so that after
 * downtime the runner evaluates the missed ticks instead of losing detections.
 */
export class Checkpoints {
  readonly #path: string | undefined;
  readonly #checkpoints: Map<string, Date>;

  private constructor(path: string | undefined, checkpoints: Map<string, Date>) {
    this.#path = path;
    this.#checkpoints = checkpoints;
  }

  /** Opens the checkpoint file at `path` (or keeps checkpoints in memory only, without a path). */
  static async open(path?: string): Promise<Checkpoints> {
    const file = path
      ? await readJsonFile<CheckpointFile>(path, { version: 1, checkpoints: {} })
      : undefined;
    const entries = Object.entries(file?.checkpoints ?? {}).map(
      ([name, iso]) => [name, new Date(iso)] as const,
    );
    return new Checkpoints(
      path,
      new Map(entries.filter(([, date]) => !Number.isNaN(date.getTime()))),
    );
  }

  /** The end of the alert's last successful window, if it ever ran. */
  get(alert: string): Date | undefined {
    return this.#checkpoints.get(alert);
  }

  /** Records a successful window end and persists it (a checkpoint never moves backwards). */
  async advance(alert: string, windowEnd: Date): Promise<void> {
    const current = this.#checkpoints.get(alert);
    if (current && current.getTime() >= windowEnd.getTime()) return;
    this.#checkpoints.set(alert, windowEnd);
    if (this.#path) {
      const checkpoints = Object.fromEntries(
        [...this.#checkpoints].map(([name, date]) => [name, date.toISOString()]),
      );
      await writeJsonFile(this.#path, { version: 1, checkpoints } satisfies CheckpointFile);
    }
  }
}
