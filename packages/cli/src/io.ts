import { processRedactor } from '@alertkit/runner';

/** Where a command writes: injectable so tests capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal that takes colour (not set: no colour). */
  color?: boolean;
}

/** The process's stdout and stderr, through the one redaction point (the installation's secrets). */
export const processIo: Io = {
  out: (text) => void process.stdout.write(processRedactor.text(text)),
  err: (text) => void process.stderr.write(processRedactor.text(text)),
  // Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
  get color() {
    return process.stdout.isTTY && !process.env['NO_COLOR'];
  },
};

/** Left-aligned columns, two spaces apart, no trailing blanks. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Cuts text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
