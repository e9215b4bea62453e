import type { Command } from 'commander';
import { AlertkitError } from '@alertkit/core';
import { createClusterStore, loadInstallationConfig } from '@alertkit/runner';
import type { Io } from '../io.js';
import { startViewServer, type ViewServer } from '../serve/server.js';
import { alertsOfStateFile, stateDirSource, type ViewSource } from '../serve/source.js';

/** The options `serve` and `run --serve` share. */
export interface ServeOptions {
  host?: string;
  port?: string;
  token?: string;
}

/** Parses `--port` (0 picks a free port). */
export function portOf(text: string | undefined): number {
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new AlertkitError('CONFIG_INVALID', `--port must be 0-65535, got "${text}"`);
  return port;
}

/** Starts the view and prints its URL as the first line of stdout. */
export async function serveView(
  source: ViewSource,
  options: ServeOptions,
  io: Io,
): Promise<ViewServer> {
  const token = options.token ?? process.env['ALERTKIT_SERVE_TOKEN'];
  const server = await startViewServer({
    source,
    port: portOf(options.port),
    ...(options.host ? { host: options.host } : {}),
    ...(token ? { token } : {}),
  });
  io.out(`${server.url}\n`);
  return server;
}

/** Resolves on SIGINT or SIGTERM. */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `alertkit serve`. */
export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description(
      "a read-only web view of what the runner recorded: recent alerts with filters and their events, each alert's run history, checkpoint and gaps, a backtest report",
    )
    .option('--config <file>', 'the installation file (its state directory and store)')
    .option('--host <address>', 'address to listen on; any but loopback needs a token', '127.0.0.1')
    .option('--port <port>', 'port (0: a free one)', '8080')
    .option(
      '--token <token>',
      'require Authorization: Bearer <token> (default ALERTKIT_SERVE_TOKEN)',
    )
    .option(
      '--backtest <report.json>',
      'a report of alertkit backtest --format json for the backtest page',
    )
    .addHelpText(
      'after',
      '\nThe first line on stdout is the URL. Everything shown is escaped (event fields are attacker-written)\n' +
        'and the page sets a strict Content-Security-Policy. `alertkit run --serve` serves the same view from a\n' +
        'running runner.\n\nExample:\n  alertkit serve --config alertkit.config.json --port 0',
    )
    .action(async (options: ServeOptions & { config?: string; backtest?: string }) => {
      const { config } = await loadInstallationConfig(
        options.config !== undefined ? { file: options.config } : {},
      );
      const store = config.store;
      const alerts =
        store.type === 'memory'
          ? () => alertsOfStateFile(store.stateFile)
          : (() => {
              const cluster = createClusterStore(store);
              return () => cluster.listAlerts();
            })();
      const server = await serveView(
        stateDirSource({
          stateDir: config.stateDir,
          alerts,
          ...(options.backtest ? { backtestFile: options.backtest } : {}),
        }),
        options,
        io,
      );
      await untilStopped();
      await server.close();
    });
}
