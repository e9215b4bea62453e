import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import {
  createClusterStore,
  createLogger,
  loadInstallationConfig,
  openInstallation,
  type CycleSummary,
  type Installation,
} from '@alertkit/runner';
import type { Io } from '../io.js';
import { stateDirSource } from '../serve/source.js';
import { serveView, type ServeOptions } from './serve.js';
import { reverseDnsFromEnvironment } from '../reverseDns.js';
import { alertsTable } from './replay.js';
import { parseNow } from './search.js';

interface RunOptions extends ServeOptions {
  serve?: boolean;
  config?: string;
  alerts?: string[];
  once?: boolean;
  now?: string;
  fresh?: boolean;
  logLevel?: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function cycleLine(summary: CycleSummary): string {
  const failed = summary.alerts.filter((a) => a.error !== undefined);
  const lines = [
    `cycle at ${summary.now}: ${summary.alerts.length} alerts ran in ${summary.durationMs} ms, ${summary.raised} raised, ${failed.length} failed`,
  ];
  for (const f of failed) lines.push(`  failed: ${f.error ?? ''}`);
  return lines.join('\n') + '\n';
}

/** `alertkit run`. */
export function registerRun(program: Command, io: Io): void {
  program
    .command('run')
    .description(
      'run the enabled alerts on their schedules against the store and deliver what they raise',
    )
    .option(
      '--config <file>',
      'the installation file (default: alertkit.config.{ts,js,json,yaml} in the current directory)',
    )
    .option('--alerts <dir...>', 'also enable every alert package in these directories')
    .option('--once', 'run a single cycle and exit')
    .option('--serve', 'also serve the read-only web view (see alertkit serve) while running')
    .option('--host <address>', 'with --serve: address to listen on', '127.0.0.1')
    .option('--port <port>', 'with --serve: port (0: a free one)', '8080')
    .option(
      '--token <token>',
      'with --serve: require this bearer token (default ALERTKIT_SERVE_TOKEN)',
    )
    .option('--now <ISO-8601>', 'with --once: the instant the cycle runs at (default: now)')
    .option('--fresh', 'start from empty state (checkpoints, outbox, memory store alerts and tags)')
    .option(
      '--log-level <level>',
      `log level on stderr: ${LEVELS.join(', ')} (default: the installation's)`,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  alertkit run --once --config alertkit.config.yaml\n  alertkit run                      # until SIGINT/SIGTERM',
    )
    .action(async (options: RunOptions) => {
      if (options.now !== undefined && !options.once)
        throw new AlertkitError('CONFIG_INVALID', '--now needs --once');
      if (
        options.logLevel !== undefined &&
        !(LEVELS as readonly string[]).includes(options.logLevel)
      ) {
        throw new AlertkitError(
          'CONFIG_INVALID',
          `--log-level must be one of ${LEVELS.join(', ')}, got "${options.logLevel}"`,
        );
      }
      const loaded = await loadInstallationConfig(
        options.config !== undefined ? { file: options.config } : {},
      );
      const logger = createLogger({
        level: (options.logLevel as (typeof LEVELS)[number] | undefined) ?? loaded.config.log.level,
      });
      const reverseDns = await reverseDnsFromEnvironment();
      const installation = await openInstallation(loaded, {
        logger,
        alertsDirs: (options.alerts ?? []).map((dir) => resolve(dir)),
        fresh: options.fresh === true,
        createSearchStore: (store) =>
          createClusterStore(store, { onWarning: (message) => logger.warn(message) }),
        ...(reverseDns ? { reverseDns } : {}),
      });
      if (installation.alerts.length === 0) {
        io.err(
          'alertkit: no alerts enabled (add `alerts` to the installation file, or pass --alerts <dir>)\n',
        );
      }
      if (options.once) {
        await runOnce(installation, parseNow(options.now), io);
        return;
      }
      const server = options.serve
        ? await serveView(
            stateDirSource({
              stateDir: installation.config.stateDir,
              alerts: () => installation.store.listAlerts(),
            }),
            options,
            io,
          )
        : undefined;
      try {
        await runForever(installation, io);
      } finally {
        await server?.close();
      }
    });
}

async function runOnce(installation: Installation, now: Date, io: Io): Promise<void> {
  try {
    const summary = await installation.runner.runCycle(now);
    const raised = summary.alerts.flatMap((a) => a.raisedAlerts);
    if (raised.length > 0) io.out(alertsTable(raised));
    io.err(cycleLine(summary));
    const pending = (await installation.outbox.deliverPending()).pending;
    for (const sink of installation.config.sinks) {
      if (sink.type === 'file')
        io.err(
          `alerts (NDJSON, {_id, _index, _source} per line): ${relative(process.cwd(), sink.path) || sink.path}\n`,
        );
    }
    if (pending > 0)
      io.err(
        `${pending} deliveries are pending (a sink is unreachable); they are retried on the next run\n`,
      );
    if (summary.failed > 0) process.exitCode = 1;
  } finally {
    await installation.close();
  }
}

async function runForever(installation: Installation, io: Io): Promise<void> {
  io.err(`running ${installation.alerts.length} alerts; stop with Ctrl-C\n`);
  installation.runner.start();
  await new Promise<void>((resolveStop) => {
    const stop = (signal: NodeJS.Signals): void => {
      io.err(`${signal}: finishing the run in flight, flushing sinks\n`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await installation.close();
}
