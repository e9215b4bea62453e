import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import {
  AlertkitError,
  type AlertLogger,
  isAlertkitError,
  resolveAlertConfig,
  resolveCriteria,
  runCriteria,
} from '@alertkit/core';
import { checkCriteria, formatPitfall, lintAlert } from '@alertkit/query';
import {
  createTicker,
  loadEnabledAlerts,
  loadInstallationConfig,
  loadPlugins,
  type ConfiguredPlugin,
  type LoadedAlert,
  type LoadedInstallationConfig,
} from '@alertkit/runner';
import { formatActions, installationActions, validateActions } from './commands/actions.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDiff } from './commands/diff.js';
import { registerExplain } from './commands/explain.js';
import { registerMutate } from './commands/mutate.js';
import { registerServe } from './commands/serve.js';
import { registerTest } from './commands/test.js';
import { registerReplay } from './commands/replay.js';
import { registerRun } from './commands/run.js';
import { registerSearch } from './commands/search.js';
import { formatTable, processIo, type Io } from './io.js';
import { cliAlertLogger } from './resolveAlert.js';

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

interface AlertSelection {
  config?: string;
  alerts?: string[];
}

/**
 * The alerts a command works on: an installation's, and/or every package of some directories
 * (alert sets expanded; what a set skips goes to `log`).
 */
async function selectedAlerts(
  options: AlertSelection,
  log: AlertLogger,
): Promise<
  Awaited<ReturnType<typeof loadEnabledAlerts>> & { installation?: LoadedInstallationConfig }
> {
  const dirs = (options.alerts ?? (options.config === undefined ? ['alerts'] : [])).map((d) =>
    resolve(d),
  );
  if (options.config === undefined)
    return loadEnabledAlerts({ config: { alerts: [] }, file: undefined }, dirs, { log });
  const installation = await loadInstallationConfig({ file: options.config });
  return { ...(await loadEnabledAlerts(installation, dirs, { log })), installation };
}

/** The installation's plugins, loaded and their configs parsed (none without `--config`). */
async function installationPlugins(
  installation: LoadedInstallationConfig | undefined,
): Promise<ConfiguredPlugin[]> {
  if (!installation) return [];
  return loadPlugins(
    installation.config.plugins,
    installation.file ? dirname(installation.file) : process.cwd(),
    installation.file ? { file: installation.file } : {},
  );
}

/** This package's version (from src/ and from dist/ alike, the manifest is one level up). */
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `alertkit` command line. */
export function createProgram(io: Io = processIo): Command {
  const program = new Command('alertkit')
    .description('alertkit: write, test and run security alerts over your event stream')
    .version(version, '-V, --version', 'print the version of alertkit')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError()
    .exitOverride();

  program
    .command('list')
    .description(
      "list the enabled alerts (name, package, version, kind, schedule, window, severity) and, with --config, the installation's plugins (name, registration, priority, time limit) and actions (name, priority, what they register on)",
    )
    .option(
      '--config <file>',
      "the installation file: list its enabled alerts (default: the workspace's alerts/)",
    )
    .option(
      '--alerts <dir...>',
      'directories of alert packages (default: alerts, without --config)',
    )
    .action(async (options: AlertSelection) => {
      const { alerts, scheduled, installation } = await selectedAlerts(options, cliAlertLogger(io));
      const plugins = await installationPlugins(installation);
      const rows = [
        [
          'ALERT',
          'PACKAGE',
          'VERSION',
          'KIND',
          'SCHEDULE',
          'WINDOW',
          'SEVERITY',
          'CLASSNAME',
          'DELIVERY',
        ],
      ];
      for (const [i, a] of alerts.entries()) {
        rows.push([
          a.alert.name,
          a.packageName,
          a.version,
          a.alert.kind,
          schedule(a),
          describeWindow(a),
          a.alert.severity,
          a.alert.classname,
          scheduled[i]?.staged ? 'staged' : 'live',
        ]);
      }
      io.out(formatTable(rows));
      if (plugins.length > 0) {
        const pluginRows = [['PLUGIN', 'FROM', 'REGISTRATION', 'PRIORITY', 'TIMEOUT']];
        for (const p of plugins)
          pluginRows.push([
            p.plugin.name,
            p.spec,
            p.registration.join(', '),
            String(p.priority),
            `${p.timeoutMs} ms`,
          ]);
        io.out(`\n${formatTable(pluginRows)}`);
      }
      const actions = await installationActions(options.config);
      if (actions.length > 0) io.out(`\n${formatActions(actions)}`);
    });

  program
    .command('validate')
    .description(
      "load every enabled alert and check its declaration, schedule, config and criteria, and lint the criteria for pitfalls (from the mapping and the analyser), without running it; with --config, also load the installation's plugins and actions and check their config",
    )
    .option(
      '--config <file>',
      'the installation file: check its enabled alerts and their overrides',
    )
    .option(
      '--alerts <dir...>',
      'directories of alert packages (default: alerts, without --config)',
    )
    .action(async (options: AlertSelection) => {
      // What an alert set skipped (a rule file that does not parse or validate) fails validation.
      const skipped: string[] = [];
      const { alerts, scheduled, installation } = await selectedAlerts(
        options,
        cliAlertLogger(io, (message) => skipped.push(message)),
      );
      for (const message of skipped) io.out(`FAIL  ${message}\n`);
      let failed = skipped.length;
      let pluginsFailed = false;
      try {
        for (const p of await installationPlugins(installation))
          io.out(
            `ok    plugin ${p.plugin.name} (${p.spec})  registration ${p.registration.join(', ')}, priority ${p.priority}\n`,
          );
      } catch (error) {
        pluginsFailed = true;
        io.out(`FAIL  plugins: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      for (const [i, a] of alerts.entries()) {
        const entry = scheduled[i];
        try {
          createTicker(entry?.schedule ?? a.alert.schedule);
          checkCriteria(runCriteria(a.alert, resolveAlertConfig(a.alert, entry?.config)));
          const pitfalls = lintAlert(a.alert, {
            ...(entry?.config !== undefined ? { config: entry.config } : {}),
            ...(entry?.schedule ? { schedule: entry.schedule } : {}),
          });
          const open = pitfalls.filter((p) => p.allowed === undefined);
          io.out(
            `${open.length > 0 ? 'FAIL' : 'ok  '}  ${a.packageName}@${a.version}${a.set !== undefined ? ` ${a.alert.name}` : ''}  ${a.alert.kind}, ${schedule(a)}, window ${describeWindow(a)}, ${a.alert.severity}\n`,
          );
          for (const p of pitfalls)
            io.out(
              `      ${p.allowed === undefined ? 'pitfall' : 'allowed'}: ${formatPitfall(p)}\n`,
            );
          if (open.length > 0) failed++;
        } catch (error) {
          failed++;
          io.out(
            `FAIL  ${a.packageName}@${a.version}${a.set !== undefined ? ` ${a.alert.name}` : ''}  ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
      }
      const invalid = failed - skipped.length;
      io.out(
        `${alerts.length - invalid} of ${alerts.length} alert${alerts.length === 1 ? '' : 's'} valid${skipped.length > 0 ? `, ${skipped.length} skipped by an alert set` : ''}\n`,
      );
      const actions = await installationActions(options.config);
      const failedActions = validateActions(actions, (text) => io.out(text));
      if (actions.length > 0)
        io.out(
          `${actions.length - failedActions} of ${actions.length} action${actions.length === 1 ? '' : 's'} valid\n`,
        );
      if (failedActions > 0 && failed === 0)
        throw new AlertkitError(
          'CONFIG_INVALID',
          `${failedActions} action${failedActions === 1 ? '' : 's'} failed validation`,
        );
      if (failed > 0)
        throw new AlertkitError(
          'ALERT_INVALID',
          [
            ...(invalid > 0
              ? [`${invalid} alert${invalid === 1 ? '' : 's'} failed validation`]
              : []),
            ...(skipped.length > 0
              ? [`${skipped.length} item${skipped.length === 1 ? '' : 's'} skipped by an alert set`]
              : []),
          ].join(', '),
        );
      if (pluginsFailed) throw new AlertkitError('CONFIG_INVALID', 'the plugins failed validation');
    });

  registerRun(program, io);
  registerReplay(program, io);
  registerExplain(program, io);
  registerDiff(program, io);
  registerMutate(program, io);
  registerTest(program, io);
  registerBacktest(program, io);
  registerServe(program, io);
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
