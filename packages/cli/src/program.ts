import { resolve } from 'node:path';
import { Command } from 'commander';
import { isAlertkitError, resolveCriteria } from '@alertkit/core';
import { loadAlertsDirectory, type LoadedAlert } from '@alertkit/runner';
import { registerAnalyze } from './commands/analyze.js';
import { registerReplay } from './commands/replay.js';
import { registerRun } from './commands/run.js';
import { registerSearch } from './commands/search.js';
import { formatTable, processIo, type Io } from './io.js';

export type { Io } from './io.js';

function describeWindow(loaded: LoadedAlert): string {
  const { criteria } = loaded.alert;
  if (typeof criteria === 'function') return '(from config)';
  const window = resolveCriteria(criteria).window;
  if (!window) return '-';
  return Object.entries(window)
    .map(([unit, n]) => `${String(n)} ${unit}`)
    .join(' ');
}

function schedule(loaded: LoadedAlert): string {
  const s = loaded.alert.schedule;
  return 'every' in s ? `every ${String(s.every)}` : `cron ${String(s.cron)}`;
}

/** The `alertkit` command line. */
export function createProgram(io: Io = processIo): Command {
  const program = new Command('alertkit')
    .description('alertkit: write, test and run security alerts over your event stream')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError()
    .exitOverride();

  program
    .command('list')
    .description('list the alerts in a directory: name, kind, schedule, window, severity, version')
    .option('--alerts <dir>', 'directory of alert packages', 'alerts')
    .action(async (options: { alerts: string }) => {
      const alerts = await loadAlertsDirectory(resolve(options.alerts));
      const rows = [
        ['ALERT', 'PACKAGE', 'VERSION', 'KIND', 'SCHEDULE', 'WINDOW', 'SEVERITY', 'CLASSNAME'],
      ];
      for (const a of alerts) {
        rows.push([
          a.alert.name,
          a.packageName,
          a.version,
          a.alert.kind,
          schedule(a),
          describeWindow(a),
          a.alert.severity,
          a.alert.classname,
        ]);
      }
      io.out(formatTable(rows));
    });

  program
    .command('validate')
    .description('load every alert in a directory and check its declaration, without running it')
    .option('--alerts <dir>', 'directory of alert packages', 'alerts')
    .action(async (options: { alerts: string }) => {
      const alerts = await loadAlertsDirectory(resolve(options.alerts));
      for (const a of alerts) {
        io.out(
          `ok  ${a.packageName}@${a.version}  ${a.alert.kind}, ${schedule(a)}, window ${describeWindow(a)}, ${a.alert.severity}\n`,
        );
      }
      io.out(`${alerts.length} alert${alerts.length === 1 ? '' : 's'} valid\n`);
    });

  registerRun(program, io);
  registerReplay(program, io);
  registerSearch(program, io);
  registerAnalyze(program, io);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors become one line on stderr. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    io.err(`alertkit: ${isAlertkitError(error) ? error.message : String(e.message ?? error)}\n`);
    return 1;
  }
}
