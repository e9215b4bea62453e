import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * A real RabbitMQ broker for the sink tests, driven through scripts/rabbitmq.sh (TOOLCHAIN.md §7
 * variant B: state in a temporary directory, loopback only, free ports, its own epmd). The
 * vitest globalSetup starts one per run and hands `RabbitmqBroker` to the tests with
 * provide/inject; a test may stop and restart THE SAME broker (same state dir, same port).
 */

/** The broker a test run uses, or why there is none. */
export type RabbitmqBroker = { url: string; stateDir: string } | { error: string };

/** The start/stop script (one implementation for tests, CI and people). */
export const rabbitmqScript = fileURLToPath(
  new URL('../../../../scripts/rabbitmq.sh', import.meta.url),
);

/** What to do when the broker is missing: the tests fail with this, never skip. */
export const INSTALL_HINT =
  'rabbitmq-server is not installed; the RabbitMQ sink tests need a real broker: run (as root) ' +
  '`apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y rabbitmq-server` (or scripts/install-system-deps.sh)';

const run = promisify(execFile);

/** True when the Debian rabbitmq-server package is installed. */
export function rabbitmqInstalled(): boolean {
  return existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server');
}

async function script(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(rabbitmqScript, args, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`scripts/rabbitmq.sh ${args.join(' ')} failed: ${stderr?.trim() || message}`, {
      cause: error,
    });
  }
}

/**
 * Starts a broker (a new one in a new temporary directory, or the one whose state is in
 * `stateDir`, on its old port) and resolves once it accepts connections.
 */
export async function startBroker(stateDir?: string): Promise<{ url: string; stateDir: string }> {
  const stdout = await script('start', ...(stateDir === undefined ? [] : [stateDir]));
  const url = /^RABBITMQ_URL=(.+)$/m.exec(stdout)?.[1];
  const dir = /^RABBITMQ_STATE_DIR=(.+)$/m.exec(stdout)?.[1];
  if (url === undefined || dir === undefined)
    throw new Error(`scripts/rabbitmq.sh start printed no URL: ${stdout}`);
  return { url, stateDir: dir };
}

/** Stops the broker of `stateDir` and its epmd; resolves once both are gone. Idempotent. */
export async function stopBroker(stateDir: string): Promise<void> {
  await script('stop', stateDir);
}
